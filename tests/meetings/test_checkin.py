"""Check-in with the projector's rotating code: the happy path, every refusal, second scans,
offline retries, geofences and what the secretary sees and does."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.audit.models import AuditLog
from server.extensions import db
from server.meetings import checkin_token
from server.meetings.models import CheckIn
from tests.factories import auth
from tests.meetings.conftest import token_at


def test_token_is_short_enough_for_a_wxacode_scene_and_url_safe(app, branch):
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    assert len(token) <= 32
    assert set(token) <= set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-")
    biggest = checkin_token.make(b"k" * 32, 2**31 - 1, 36**6 - 1, "s" * 32)
    assert len(biggest) <= checkin_token.MAX_LENGTH


def test_projector_code_has_url_svg_and_live_counts(app, branch):
    meeting = branch.meeting()
    response = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/checkin-code", headers=branch.as_secretary()
    )
    body = response.json
    assert body["url"].startswith(app.config["APP"]["public_base_url"] + "/m/checkin?t=")
    assert body["url"].endswith(body["token"])
    assert body["svg"].startswith("<svg") or body["svg"].startswith("<?xml")
    assert 0 < body["expires_in"] <= body["slot_seconds"] == 20
    assert body["counts"]["expected"] == 4  # three members and the secretary
    assert body["phase"] == "checkin_open"


def test_member_checks_in_once_and_a_second_scan_returns_the_same_checkin(app, branch):
    meeting = branch.meeting()
    member = branch.members[0]
    first = branch.check_in(
        member,
        branch.code(meeting["id"]),
        device={"id": "dev-1", "model": "iPhone 15", "network_type": "wifi"},
    )
    assert first.status_code == 201, first.json
    assert first.json["created"] is True
    assert first.json["late"] is False and first.json["sent_late"] is False
    second = branch.check_in(member, branch.code(meeting["id"]))
    assert second.status_code == 200
    assert second.json["id"] == first.json["id"] and second.json["created"] is False
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    row = db.session.get(CheckIn, first.json["id"])
    assert row.device_id == "dev-1" and row.ip == "127.0.0.1" and row.network == "127.0.0.0/24"


def test_the_previous_code_is_still_accepted_but_older_ones_are_expired(app, branch):
    meeting = branch.meeting()
    previous = token_at(app, meeting["id"], 20)
    assert branch.check_in(branch.members[0], previous).status_code == 201
    old = token_at(app, meeting["id"], 60)
    response = branch.check_in(branch.members[1], old)
    assert response.status_code == 400 and response.json["code"] == "qr_expired"
    assert "重新扫描" in response.json["message"]


def test_foreign_tampered_and_future_codes_are_invalid(app, branch):
    meeting = branch.meeting()
    good = branch.code(meeting["id"])
    mid, slot, mac = good.split(".")
    tampered = f"{mid}.{slot}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
    future = token_at(app, meeting["id"], -120)
    other = branch.meeting()
    for bad in (
        "https://example.com/whatever",
        "",
        "x" * 40,
        tampered,
        future,
        f"{checkin_token._b36(other['id'])}.{slot}.{mac}",  # another meeting, this MAC
        f"{checkin_token._b36(99999)}.{slot}.{mac}",  # no such meeting
    ):
        response = branch.check_in(branch.members[0], bad)
        assert response.status_code in (400, 422), bad
        if response.status_code == 400:
            assert response.json["code"] == "qr_invalid", bad
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_checkin_window_is_enforced(app, branch):
    later = branch.meeting(starts_in=timedelta(hours=2))
    response = branch.check_in(branch.members[0], branch.code(later["id"]))
    assert response.status_code == 409 and response.json["code"] == "checkin_not_open"
    assert "开放" in response.json["message"]
    over = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    response = branch.check_in(branch.members[0], branch.code(over["id"]))
    assert response.status_code == 409 and response.json["code"] == "checkin_closed"


def test_cancelled_meeting_refuses_checkin(app, branch):
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    response = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/cancel",
        json={"reason": "临时调整"},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 200
    response = branch.check_in(branch.members[0], token)
    assert response.status_code == 409 and response.json["code"] == "meeting_cancelled"


def test_non_participant_cannot_check_in_even_with_a_valid_code(app, branch, f):
    meeting = branch.meeting()
    outsider = f.person(branch.orgs["b"])
    branch.tokens[outsider.id] = f.token_for(outsider)
    response = branch.check_in(outsider, branch.code(meeting["id"]))
    assert response.status_code == 403 and response.json["code"] == "not_participant"


def test_late_after_start_plus_grace(app, branch):
    meeting = branch.meeting(starts_in=timedelta(minutes=-20), late_grace_minutes=5)
    response = branch.check_in(branch.members[0], branch.code(meeting["id"]))
    assert response.status_code == 201 and response.json["late"] is True
    on_time = branch.meeting(starts_in=timedelta(minutes=-2), late_grace_minutes=5)
    response = branch.check_in(branch.members[0], branch.code(on_time["id"]))
    assert response.json["late"] is False


def test_geofence_requires_location_and_refuses_far_away(app, branch):
    fence = {"latitude": 30.2741, "longitude": 120.1551, "radius_m": 200}
    meeting = branch.meeting(geofence=fence)
    token = branch.code(meeting["id"])
    response = branch.check_in(branch.members[0], token)
    assert response.status_code == 400 and response.json["code"] == "location_required"
    far = {"latitude": 30.2841, "longitude": 120.1551, "accuracy": 20}  # ~1.1 km north
    response = branch.check_in(branch.members[0], token, location=far)
    assert response.status_code == 403 and response.json["code"] == "out_of_range"
    assert "米" in response.json["message"]
    near = {"latitude": 30.2750, "longitude": 120.1551, "accuracy": 30}  # ~100 m
    response = branch.check_in(branch.members[0], token, location=near)
    assert response.status_code == 201
    assert 90 < db.session.get(CheckIn, response.json["id"]).distance_m < 110


def test_offline_scan_retried_within_limit_is_accepted_as_sent_late(app, branch):
    meeting = branch.meeting(starts_in=timedelta(minutes=-10))
    scanned = token_at(app, meeting["id"], 180)
    from server.db_types import utcnow

    scan_time = utcnow() - timedelta(seconds=175)
    without = branch.check_in(branch.members[0], scanned)
    assert without.json["code"] == "qr_expired"
    response = branch.check_in(branch.members[0], scanned, scanned_at=scan_time.isoformat() + "Z")
    assert response.status_code == 201, response.json
    assert response.json["sent_late"] is True
    row = db.session.get(CheckIn, response.json["id"])
    assert abs((row.checked_in_at - scan_time).total_seconds()) < 41
    assert row.received_at - row.checked_in_at > timedelta(seconds=100)


def test_offline_scan_retried_too_late_is_refused(app, branch):
    meeting = branch.meeting(starts_in=timedelta(minutes=-30))
    scanned = token_at(app, meeting["id"], 15 * 60)
    from server.db_types import utcnow

    response = branch.check_in(
        branch.members[0],
        scanned,
        scanned_at=(utcnow() - timedelta(minutes=15)).isoformat() + "Z",
    )
    assert response.status_code == 400 and response.json["code"] == "offline_too_late"


def test_offline_scan_keeps_the_meeting_window_at_scan_time(app, branch):
    # Scanned three minutes before the end, retried after it: accepted.
    meeting = branch.meeting(starts_in=timedelta(minutes=-62), minutes=60)
    scanned = token_at(app, meeting["id"], 5 * 60)
    from server.db_types import utcnow

    response = branch.check_in(
        branch.members[0],
        scanned,
        scanned_at=(utcnow() - timedelta(minutes=5)).isoformat() + "Z",
    )
    assert response.status_code == 201, response.json


def test_bad_bodies_are_422_and_store_nothing(app, branch):
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    member = branch.members[0]
    for body in (
        {"token": token},
        {"token": token, "idempotency_key": "short"},
        {"token": token, "idempotency_key": "has space in it"},
        {"token": token, "idempotency_key": "k" * 65},
        {"token": token, "idempotency_key": "key-000001", "location": {"latitude": 91}},
        {"token": token, "idempotency_key": "key-000001", "scanned_at": "yesterday"},
        {"token": 5, "idempotency_key": "key-000001"},
    ):
        response = branch.client.post(
            "/api/v1/checkins", json=body, headers=branch.as_member(member)
        )
        assert response.status_code == 422, body
        assert response.json["code"] == "validation_error"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_attendance_flags_shared_devices_and_network_outliers(app, branch, f):
    members = branch.members + [f.person(branch.org) for _ in range(5)]
    for m in members[3:]:
        branch.tokens[m.id] = f.token_for(m)
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    for i, m in enumerate(members[:6]):
        response = branch.client.post(
            "/api/v1/checkins",
            json={"token": token, "idempotency_key": f"room-{i:05d}", "device": {"id": f"d{i}"}},
            headers=branch.as_member(m),
            environ_base={"REMOTE_ADDR": f"10.1.2.{i + 1}"},
        )
        assert response.status_code == 201
    # Two members from one phone at home.
    for i, m in enumerate(members[6:8]):
        response = branch.client.post(
            "/api/v1/checkins",
            json={"token": token, "idempotency_key": f"home-{i:05d}", "device": {"id": "same"}},
            headers=branch.as_member(m),
            environ_base={"REMOTE_ADDR": "172.16.5.9"},
        )
        assert response.status_code == 201
    response = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/attendance", headers=branch.as_secretary()
    )
    assert response.status_code == 200
    body = response.json
    flags = {i["person_id"]: i["checkin"]["flags"] for i in body["items"] if i["checkin"]}
    for m in members[6:8]:
        assert set(flags[m.id]) >= {"shared_device", "network_outlier", "shared_address"}
    for m in members[:6]:
        assert flags[m.id] == []
    assert body["anomalies"]["shared_device"] == 2
    assert body["counts"]["present"] == 8


def test_location_outliers_are_flagged_without_a_geofence(app, branch, f):
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    places = [(30.2741, 120.1551), (30.2742, 120.1552), (30.2740, 120.1550), (30.3500, 120.1551)]
    people = [*branch.members, branch.secretary]
    for i, (person, (lat, lng)) in enumerate(zip(people, places, strict=True)):
        token_header = (
            branch.as_member(person) if person in branch.members else branch.as_secretary()
        )
        response = branch.client.post(
            "/api/v1/checkins",
            json={
                "token": token,
                "idempotency_key": f"loc-{i:05d}",
                "location": {"latitude": lat, "longitude": lng},
            },
            headers=token_header,
        )
        assert response.status_code == 201
    items = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/attendance", headers=branch.as_secretary()
    ).json["items"]
    flagged = {
        i["person_id"] for i in items if "location_outlier" in (i["checkin"] or {}).get("flags", [])
    }
    assert flagged == {branch.secretary.id}


def test_revoke_is_audited_and_blocks_a_rescan_until_manual_checkin(app, branch):
    meeting = branch.meeting()
    member = branch.members[0]
    checkin = branch.check_in(member, branch.code(meeting["id"])).json
    url = f"/api/v1/meetings/{meeting['id']}/checkins/{checkin['id']}/revoke"
    assert (
        branch.client.post(
            url, json={"reason": "代签"}, headers=branch.as_member(member)
        ).status_code
        == 403
    )
    response = branch.client.post(
        url, json={"reason": "代签，本人不在场"}, headers=branch.as_secretary()
    )
    assert response.status_code == 200
    assert response.json["attendance"] == "not_checked_in"
    assert response.json["checkin"]["revoke_reason"] == "代签，本人不在场"
    again = branch.client.post(url, json={"reason": "x"}, headers=branch.as_secretary())
    assert again.json["code"] == "already_revoked"
    rescan = branch.check_in(member, branch.code(meeting["id"]))
    assert rescan.status_code == 409 and rescan.json["code"] == "checkin_revoked"
    assert "代签" in rescan.json["message"]
    manual = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/attendance/manual",
        json={"person_id": member.id, "reason": "经核实本人在场"},
        headers=branch.as_secretary(),
    )
    assert manual.status_code == 200, manual.json
    assert manual.json["attendance"] == "present"
    assert "manual" in manual.json["checkin"]["flags"]
    actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert "meeting.checkin.revoke" in actions and "meeting.checkin.manual" in actions


def test_manual_checkin_needs_a_reason_and_a_participant(app, branch, f):
    meeting = branch.meeting()
    url = f"/api/v1/meetings/{meeting['id']}/attendance/manual"
    response = branch.client.post(
        url, json={"person_id": branch.members[0].id, "reason": "  "}, headers=branch.as_secretary()
    )
    assert response.status_code == 422
    outsider = f.person(branch.orgs["b"])
    response = branch.client.post(
        url, json={"person_id": outsider.id, "reason": "补签"}, headers=branch.as_secretary()
    )
    assert response.status_code == 404 and response.json["code"] == "not_participant"
    response = branch.client.post(
        url,
        json={"person_id": branch.members[0].id, "reason": "手机没电", "late": True},
        headers=branch.as_secretary(),
    )
    assert response.json["attendance"] == "late"
    response = branch.client.post(
        url,
        json={"person_id": branch.members[0].id, "reason": "再来一次"},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 409 and response.json["code"] == "already_checked_in"


def test_other_branch_secretary_cannot_see_or_act_on_the_meeting(app, branch, f):
    meeting = branch.meeting()
    _, other_token = f.secretary(branch.orgs["b"])
    mid = meeting["id"]
    for method, url, body in (
        ("get", f"/api/v1/meetings/{mid}", None),
        ("get", f"/api/v1/meetings/{mid}/attendance", None),
        ("get", f"/api/v1/meetings/{mid}/checkin-code", None),
        (
            "post",
            f"/api/v1/meetings/{mid}/attendance/manual",
            {"person_id": branch.members[0].id, "reason": "x"},
        ),
        ("post", f"/api/v1/meetings/{mid}/cancel", {"reason": "x"}),
        ("patch", f"/api/v1/meetings/{mid}", {"title": "改"}),
    ):
        response = getattr(branch.client, method)(url, json=body, headers=auth(other_token))
        assert response.status_code == 404, (method, url, response.json)


def test_member_cannot_open_the_projector_but_the_chair_can(app, branch):
    chair = branch.members[1]
    meeting = branch.meeting(chair_id=chair.id)
    url = f"/api/v1/meetings/{meeting['id']}/checkin-code"
    response = branch.client.get(url, headers=branch.as_member(branch.members[0]))
    assert response.status_code == 403
    assert branch.client.get(url, headers=branch.as_member(chair)).status_code == 200


def test_sign_out_records_the_leaving_time_once(app, branch):
    meeting = branch.meeting(starts_in=timedelta(minutes=-30), sign_out=True)
    member = branch.members[0]
    body = {"token": branch.code(meeting["id"]), "idempotency_key": "signout-0001"}
    response = branch.client.post(
        "/api/v1/checkins/sign-out", json=body, headers=branch.as_member(member)
    )
    assert response.status_code == 409 and response.json["code"] == "not_checked_in"
    branch.check_in(member, branch.code(meeting["id"]))
    first = branch.client.post(
        "/api/v1/checkins/sign-out", json=body, headers=branch.as_member(member)
    )
    assert first.status_code == 200 and first.json["signed_out_at"]
    second = branch.client.post(
        "/api/v1/checkins/sign-out", json=body, headers=branch.as_member(member)
    )
    assert second.json["signed_out_at"] == first.json["signed_out_at"]
    items = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/attendance", headers=branch.as_secretary()
    ).json["items"]
    mine = next(i for i in items if i["person_id"] == member.id)
    assert mine["checkin"]["duration_minutes"] == 0  # checked in and out within a minute
    plain = branch.meeting(starts_in=timedelta(minutes=-30))
    branch.check_in(member, branch.code(plain["id"]))
    response = branch.client.post(
        "/api/v1/checkins/sign-out",
        json={"token": branch.code(plain["id"]), "idempotency_key": "signout-0002"},
        headers=branch.as_member(member),
    )
    assert response.json["code"] == "sign_out_not_enabled"


def test_meeting_facts_are_reused_briefly_and_dropped_on_change(app, branch, monkeypatch):
    from sqlalchemy import update

    from server.meetings import facts
    from server.meetings.models import Meeting

    meeting = branch.meeting()
    first = facts.get(meeting["id"])
    # Another process cancels it (no ORM event here): this process keeps its copy for a moment.
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting["id"]).values(status="cancelled")
    )
    db.session.commit()
    assert facts.get(meeting["id"]) is first
    facts.forget(meeting["id"])
    assert facts.get(meeting["id"]).status == "cancelled"
    # A change through the ORM in this process drops the copy at once.
    row = db.session.get(Meeting, meeting["id"])
    row.title = "新标题"
    db.session.commit()
    assert facts.get(meeting["id"]).title == "新标题"
    monkeypatch.setitem(app.config["MEETINGS"], "checkin_cache_seconds", 0)
    db.session.execute(update(Meeting).where(Meeting.id == meeting["id"]).values(title="再改"))
    db.session.commit()
    assert facts.get(meeting["id"]).title == "再改"


def test_checkin_refuses_logged_out_expired_and_suspended_members(app, branch):
    from server.auth.models import AuthSession
    from server.people.models import Person

    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    gone, expired, suspended = branch.members
    branch.client.post("/api/v1/auth/logout", headers=branch.as_member(gone))
    assert branch.check_in(gone, token).status_code == 401
    session = db.session.scalars(
        select(AuthSession).where(AuthSession.person_id == expired.id)
    ).one()
    from server.db_types import utcnow

    session.expires_at = utcnow() - timedelta(seconds=1)
    db.session.get(Person, suspended.id).status = "suspended"
    db.session.commit()
    assert branch.check_in(expired, token).status_code == 401
    response = branch.check_in(suspended, token)
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    response = branch.client.post(
        "/api/v1/checkins",
        json={"token": token, "idempotency_key": "nobody-001"},
        headers=auth("not-a-real-token"),
    )
    assert response.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
