"""Leave requests: asked before the start, decided by a manager, the member told; counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.notify.models import Notification
from tests.factories import auth


def _ask(branch, meeting, member, reason="出差"):
    return branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/leave",
        json={"reason": reason},
        headers=branch.as_member(member),
    )


def _decide(branch, leave_id, approve, comment=None, token=None):
    body = {"approve": approve}
    if comment is not None:
        body["comment"] = comment
    return branch.client.post(
        f"/api/v1/leave-requests/{leave_id}/decision",
        json=body,
        headers=auth(token) if token else branch.as_secretary(),
    )


def test_member_asks_secretary_approves_member_is_told_and_counted_on_leave(app, branch):
    meeting = branch.meeting(starts_in=timedelta(days=1))
    member = branch.members[0]
    response = _ask(branch, meeting, member)
    assert response.status_code == 201 and response.json["state"] == "pending"
    assert _ask(branch, meeting, member).json["code"] == "leave_exists"
    pending = branch.client.get(
        "/api/v1/leave-requests?state=pending", headers=branch.as_secretary()
    )
    assert [i["id"] for i in pending.json["items"]] == [response.json["id"]]
    assert pending.json["items"][0]["person"]["name"] == member.name
    decided = _decide(branch, response.json["id"], True, "注意安全")
    assert decided.status_code == 200 and decided.json["state"] == "approved"
    assert _decide(branch, response.json["id"], False, "x").json["code"] == "already_decided"
    told = db.session.scalars(select(Notification).where(Notification.kind == "leave_result")).all()
    assert len(told) == 1 and told[0].recipient_ids == [member.id]
    assert "已批准" in told[0].title
    detail = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}", headers=branch.as_secretary()
    ).json
    assert detail["counts"]["on_leave"] == 1 and detail["counts"]["not_checked_in"] == 3
    mine = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}", headers=branch.as_member(member)
    ).json
    assert mine["my"]["attendance"] == "on_leave" and mine["my"]["leave"]["state"] == "approved"


def test_rejection_needs_a_comment_and_member_may_ask_again(app, branch):
    meeting = branch.meeting(starts_in=timedelta(days=1))
    member = branch.members[0]
    leave_id = _ask(branch, meeting, member).json["id"]
    response = _decide(branch, leave_id, False)
    assert response.status_code == 422 and "comment" in response.json["errors"]
    assert _decide(branch, leave_id, False, "理由不充分").json["state"] == "rejected"
    again = _ask(branch, meeting, member, "家中有事")
    assert (
        again.status_code == 201
        and again.json["id"] == leave_id
        and again.json["state"] == "pending"
    )


def test_withdraw_only_while_pending(app, branch):
    meeting = branch.meeting(starts_in=timedelta(days=1))
    member = branch.members[0]
    url = f"/api/v1/meetings/{meeting['id']}/leave"
    assert branch.client.delete(url, headers=branch.as_member(member)).status_code == 404
    leave_id = _ask(branch, meeting, member).json["id"]
    response = branch.client.delete(url, headers=branch.as_member(member))
    assert response.json["state"] == "withdrawn"
    _ask(branch, meeting, member)
    _decide(branch, leave_id, True)
    response = branch.client.delete(url, headers=branch.as_member(member))
    assert response.status_code == 409 and response.json["code"] == "already_decided"


def test_leave_after_the_start_or_by_outsiders_is_refused(app, branch, f):
    started = branch.meeting(starts_in=timedelta(minutes=-5))
    response = _ask(branch, started, branch.members[0])
    assert response.status_code == 409 and response.json["code"] == "leave_too_late"
    upcoming = branch.meeting(starts_in=timedelta(days=1))
    outsider = f.person(branch.orgs["b"])
    branch.tokens[outsider.id] = f.token_for(outsider)
    assert _ask(branch, upcoming, outsider).status_code == 404
    response = branch.client.post(
        f"/api/v1/meetings/{upcoming['id']}/leave",
        json={"reason": ""},
        headers=branch.as_member(branch.members[0]),
    )
    assert response.status_code == 422


def test_other_branch_secretary_cannot_see_or_decide(app, branch, f):
    meeting = branch.meeting(starts_in=timedelta(days=1))
    leave_id = _ask(branch, meeting, branch.members[0]).json["id"]
    _, other = f.secretary(branch.orgs["b"])
    listing = branch.client.get("/api/v1/leave-requests", headers=auth(other))
    assert listing.json["items"] == []
    assert _decide(branch, leave_id, True, token=other).status_code == 404
    member_token = branch.tokens[branch.members[1].id]
    assert _decide(branch, leave_id, True, token=member_token).status_code == 403


def test_absent_after_the_end_unless_checked_in_or_on_leave(app, branch):
    meeting = branch.meeting(starts_in=timedelta(hours=-2), minutes=60)
    detail = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}", headers=branch.as_secretary()
    ).json
    assert detail["phase"] == "ended"
    assert detail["counts"]["absent"] == 4 and detail["counts"]["not_checked_in"] == 0


def test_secretary_records_a_leave_after_the_fact_and_the_minutes_show_its_reason(app, branch):
    from server.audit.models import AuditLog

    meeting = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    absent, present = branch.members[0], branch.members[1]
    url = f"/api/v1/meetings/{meeting['id']}/leave/record"
    response = branch.client.post(
        url, json={"person_id": absent.id, "reason": "住院"}, headers=branch.as_secretary()
    )
    assert response.status_code == 201 and response.json["state"] == "approved"
    branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/attendance/manual",
        json={"person_id": present.id, "reason": "会后核实"},
        headers=branch.as_secretary(),
    )
    refused = branch.client.post(
        url, json={"person_id": present.id, "reason": "x"}, headers=branch.as_secretary()
    )
    assert refused.status_code == 409 and refused.json["code"] == "already_checked_in"
    member = branch.client.post(
        url, json={"person_id": absent.id, "reason": "x"}, headers=branch.as_member(present)
    )
    assert member.status_code == 403
    minutes = branch.client.put(
        f"/api/v1/meetings/{meeting['id']}/minutes",
        json={"agenda": "议程", "content": "内容"},
        headers=branch.as_secretary(),
    ).json
    assert minutes["attendance"]["lists"]["on_leave"] == [{"name": absent.name, "reason": "住院"}]
    assert "meeting.leave.record" in {a.action for a in db.session.scalars(select(AuditLog))}


def test_the_projector_totals_and_the_live_list_totals_agree(app, branch, f):
    """Two counters of the same rules: aggregate queries (projector, detail) and loaded rows
    (live list, minutes, exports)."""
    extra = [f.person(branch.org) for _ in range(3)]
    observer = f.person(branch.org, member_type="activist")
    meeting = branch.meeting(starts_in=timedelta(minutes=-20), observer_ids=[observer.id])
    mid = meeting["id"]
    late, revoked, on_leave = branch.members
    pending = extra[0]
    branch.check_in(late, branch.code(mid))
    gone = branch.check_in(revoked, branch.code(mid)).json
    branch.client.post(
        f"/api/v1/meetings/{mid}/checkins/{gone['id']}/revoke",
        json={"reason": "代签"},
        headers=branch.as_secretary(),
    )
    branch.client.post(
        f"/api/v1/meetings/{mid}/leave/record",
        json={"person_id": on_leave.id, "reason": "出差"},
        headers=branch.as_secretary(),
    )
    from server.meetings.models import LeaveRequest

    db.session.add(LeaveRequest(meeting_id=mid, person_id=pending.id, reason="家中有事"))
    db.session.commit()
    detail = branch.client.get(f"/api/v1/meetings/{mid}", headers=branch.as_secretary()).json
    live = branch.client.get(f"/api/v1/meetings/{mid}/attendance", headers=branch.as_secretary())
    assert live.json["counts"] == detail["counts"]
    assert detail["counts"] == {
        "expected": 7,
        "present": 1,
        "late": 1,
        "on_leave": 1,
        "absent": 0,
        "not_checked_in": 5,
        "observers": 1,
        "pending_leave": 1,
    }
