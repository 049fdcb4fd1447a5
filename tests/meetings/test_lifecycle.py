"""Creating, publishing, moving and cancelling meetings; participants; who may see what."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.db_types import utcnow
from server.extensions import db
from server.meetings.models import Participant
from server.notify.models import CANCELLED, SCHEDULED, Notification
from tests.factories import auth


def _notifications(kind=None):
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def test_draft_has_default_participants_and_is_hidden_from_members(app, branch, f):
    activist = f.person(branch.org, member_type="activist")
    f.person(branch.org, status="mobile")
    meeting = branch.meeting(publish=False, observer_ids=[activist.id])
    assert meeting["status"] == "draft" and meeting["phase"] == "draft"
    rows = db.session.scalars(select(Participant).where(Participant.meeting_id == meeting["id"]))
    roles = {p.person_id: p.role for p in rows}
    expected = {m.id for m in branch.members} | {branch.secretary.id}
    assert {pid for pid, role in roles.items() if role == "member"} == expected
    assert roles[activist.id] == "observer"
    member = branch.members[0]
    response = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}", headers=branch.as_member(member)
    )
    assert response.status_code == 404
    listing = branch.client.get("/api/v1/meetings?mine=true", headers=branch.as_member(member))
    assert listing.json["items"] == []
    assert not _notifications()


def test_publish_notifies_participants_and_schedules_two_reminders(app, branch):
    meeting = branch.meeting(starts_in=timedelta(days=2))
    notices = _notifications("meeting_notice")
    assert len(notices) == 1 and len(notices[0].recipient_ids) == 4
    reminders = {n.pending_key: n for n in _notifications("meeting_reminder")}
    assert set(reminders) == {
        f"meeting:{meeting['id']}:remind-1440m",
        f"meeting:{meeting['id']}:remind-60m",
    }
    start = reminders[f"meeting:{meeting['id']}:remind-60m"].scheduled_at + timedelta(minutes=60)
    assert abs(start - (utcnow() + timedelta(days=2))) < timedelta(minutes=1)
    member = branch.members[0]
    detail = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}", headers=branch.as_member(member)
    ).json
    assert detail["my"]["attendance"] == "not_checked_in" and detail["my"]["role"] == "member"
    assert detail["counts"] is None and detail["can_manage"] is False
    again = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/publish", headers=branch.as_secretary()
    )
    assert again.status_code == 409 and again.json["code"] == "not_draft"


def test_soon_meeting_skips_the_reminder_already_past(app, branch):
    meeting = branch.meeting(starts_in=timedelta(hours=3))
    keys = {n.pending_key for n in _notifications("meeting_reminder")}
    assert keys == {f"meeting:{meeting['id']}:remind-60m"}


def test_reschedule_notifies_and_moves_reminders_title_change_does_not_notify(app, branch):
    meeting = branch.meeting(starts_in=timedelta(days=2))
    url = f"/api/v1/meetings/{meeting['id']}"
    response = branch.client.patch(
        url, json={"title": "改名后的大会"}, headers=branch.as_secretary()
    )
    assert response.status_code == 200
    assert not _notifications("meeting_changed")
    new_start = utcnow() + timedelta(days=3)
    response = branch.client.patch(
        url,
        json={
            "start_at": new_start.isoformat() + "Z",
            "end_at": (new_start + timedelta(hours=1)).isoformat() + "Z",
        },
        headers=branch.as_secretary(),
    )
    assert response.status_code == 200, response.json
    changed = _notifications("meeting_changed")
    assert len(changed) == 1 and "改名后的大会" in changed[0].title
    reminder = db.session.scalar(
        select(Notification).where(
            Notification.pending_key == f"meeting:{meeting['id']}:remind-1440m"
        )
    )
    assert abs(reminder.scheduled_at - (new_start - timedelta(days=1))) < timedelta(seconds=2)
    assert len(_notifications("meeting_reminder")) == 2  # moved, not duplicated


def test_cancel_cancels_reminders_and_tells_participants(app, branch):
    meeting = branch.meeting(starts_in=timedelta(days=2))
    response = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/cancel",
        json={"reason": "与考试冲突"},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 200
    assert response.json["status"] == "cancelled" and response.json["cancel_reason"] == "与考试冲突"
    assert {n.state for n in _notifications("meeting_reminder")} == {CANCELLED}
    cancelled = _notifications("meeting_cancelled")
    assert len(cancelled) == 1 and "与考试冲突" in cancelled[0].body
    again = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/cancel",
        json={"reason": "x"},
        headers=branch.as_secretary(),
    )
    assert again.json["code"] == "meeting_closed"


def test_only_drafts_can_be_deleted(app, branch):
    draft = branch.meeting(publish=False)
    published = branch.meeting()
    response = branch.client.delete(
        f"/api/v1/meetings/{published['id']}", headers=branch.as_secretary()
    )
    assert response.status_code == 409 and response.json["code"] == "not_draft"
    response = branch.client.delete(
        f"/api/v1/meetings/{draft['id']}", headers=branch.as_secretary()
    )
    assert response.status_code == 204
    assert (
        branch.client.get(
            f"/api/v1/meetings/{draft['id']}", headers=branch.as_secretary()
        ).status_code
        == 404
    )


def _body(org_id, **changes):
    start = utcnow() + timedelta(days=1)
    body = {
        "org_id": org_id,
        "type": "branch_assembly",
        "title": "会",
        "place": "A",
        "start_at": start.isoformat() + "Z",
        "end_at": (start + timedelta(hours=1)).isoformat() + "Z",
    }
    return {**body, **changes}


def test_invalid_meetings_are_refused_with_field_errors(app, branch):
    base = _body(branch.org.id)
    start = datetime.fromisoformat(base["start_at"].removesuffix("Z"))
    cases = [
        ({"end_at": start.isoformat() + "Z"}, "end_at"),
        ({"end_at": (start + timedelta(hours=30)).isoformat() + "Z"}, "end_at"),
        ({"type": "group_meeting"}, "type"),
        ({"type": "party"}, "type"),
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"geofence": {"latitude": 30, "longitude": 120, "radius_m": 10}}, "geofence"),
        ({"chair_id": 2**31 - 1}, "chair_id"),
        ({"sign_out": "yes"}, "sign_out"),
        ({"start_at": "2026-13-01T00:00:00Z"}, "start_at"),
    ]
    for change, field in cases:
        response = branch.client.post(
            "/api/v1/meetings", json={**base, **change}, headers=branch.as_secretary()
        )
        assert response.status_code == 422, change
        assert field in response.json["errors"], (change, response.json)
    response = branch.client.post(
        "/api/v1/meetings",
        json={**base, "org_id": branch.orgs["b"].id},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 404


def test_members_cannot_create_meetings(app, branch):
    response = branch.client.post(
        "/api/v1/meetings",
        json=_body(branch.org.id),
        headers=branch.as_member(branch.members[0]),
    )
    assert response.status_code == 403


def test_group_meeting_defaults_to_the_groups_members(app, branch, f):
    group = branch.orgs["group_a"]
    in_group = f.person(branch.org, group_id=group.id)
    response = branch.client.post(
        "/api/v1/meetings",
        json=_body(group.id, type="group_meeting", title="党小组会"),
        headers=branch.as_secretary(),
    )
    assert response.status_code == 201, response.json
    participants = branch.client.get(
        f"/api/v1/meetings/{response.json['id']}/participants", headers=branch.as_secretary()
    ).json["items"]
    assert [p["person_id"] for p in participants] == [in_group.id]


def test_committee_meeting_covers_the_subtree_and_committee_admin_manages_it(app, f, client):
    orgs = f.tree()
    people = [f.person(orgs[k]) for k in ("a", "b", "c")]
    admin = f.account("zzb", [("committee_admin", orgs["committee"])])
    token = f.account_token(admin)
    response = client.post(
        "/api/v1/meetings",
        json=_body(orgs["committee"].id, type="party_lecture", title="全体党员党课"),
        headers=auth(token),
    )
    assert response.status_code == 201
    items = client.get(
        f"/api/v1/meetings/{response.json['id']}/participants", headers=auth(token)
    ).json["items"]
    assert {p["person_id"] for p in items} == {p.id for p in people}


def test_participants_added_after_publishing_are_told_and_reminded(app, branch, f):
    meeting = branch.meeting(starts_in=timedelta(days=2))
    newcomer = f.person(branch.orgs["b"])
    url = f"/api/v1/meetings/{meeting['id']}/participants"
    # Another branch's member is outside this secretary's scope.
    response = branch.client.post(
        url, json={"person_ids": [newcomer.id]}, headers=branch.as_secretary()
    )
    assert response.status_code == 422
    local = f.person(branch.org, member_type="activist")
    response = branch.client.post(
        url, json={"person_ids": [local.id], "role": "observer"}, headers=branch.as_secretary()
    )
    assert response.status_code == 200
    notices = _notifications("meeting_notice")
    assert notices[-1].recipient_ids == [local.id]
    reminder = db.session.scalar(
        select(Notification).where(
            Notification.pending_key == f"meeting:{meeting['id']}:remind-60m",
            Notification.state == SCHEDULED,
        )
    )
    assert local.id in reminder.recipient_ids
    response = branch.client.delete(f"{url}/{local.id}", headers=branch.as_secretary())
    assert response.status_code == 204
    db.session.expire_all()
    reminder = db.session.get(Notification, reminder.id)
    assert local.id not in reminder.recipient_ids


def test_list_filters_by_type_and_beijing_dates(app, branch):
    branch.meeting(starts_in=timedelta(days=1))
    lecture = branch.meeting(starts_in=timedelta(days=5), type="party_lecture")
    response = branch.client.get(
        "/api/v1/meetings?type=party_lecture", headers=branch.as_secretary()
    )
    assert [m["id"] for m in response.json["items"]] == [lecture["id"]]
    response = branch.client.get(
        "/api/v1/meetings?from=2020-01-01&to=2020-12-31", headers=branch.as_secretary()
    )
    assert response.json["items"] == []
    response = branch.client.get("/api/v1/meetings?from=notadate", headers=branch.as_secretary())
    assert response.status_code == 422
    mine = branch.client.get("/api/v1/meetings?mine=1", headers=branch.as_member(branch.members[0]))
    assert len(mine.json["items"]) == 2
    assert {m["my_attendance"] for m in mine.json["items"]} == {"not_checked_in"}
