"""Who is scanning: the check-in checks the member's session inside its own insert
(``allow("member", pending=True)``), so these tests pin that it still admits exactly the
callers ``allow("member")`` admits, answers a bad session with 401/403 before anything else
the request got wrong, and costs one statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from server.auth.models import AuthSession
from server.auth.principal import allow
from server.auth.services import issue_session
from server.db_types import utcnow
from server.extensions import db
from server.meetings.models import CheckIn
from server.people.models import Person
from tests.factories import auth


def _post(branch, token, body):
    headers = auth(token) if token else {}
    return branch.client.post("/api/v1/checkins", json=body, headers=headers)


def _body(token, key="caller-000001"):
    return {"token": token, "idempotency_key": key}


def _bad_sessions(app, branch, f, dual):
    """(label, bearer token or None, expected status, code) for every caller allow() refuses;
    ``dual`` is a participant whose console account is switched off."""
    gone, expired, suspended = branch.members
    gone_token, expired_token = branch.tokens[gone.id], branch.tokens[expired.id]
    branch.client.post("/api/v1/auth/logout", headers=auth(gone_token))
    session = db.session.scalars(
        select(AuthSession).where(AuthSession.person_id == expired.id)
    ).one()
    session.expires_at = utcnow() - timedelta(seconds=1)
    db.session.get(Person, suspended.id).status = "suspended"
    clerk = f.account("clerk", [("auditor", None)])  # a console login with no member record
    switched_off = f.account("switched-off", [], person=dual)
    switched_off.is_active = False
    with app.test_request_context():  # a console session that names the person as well
        dual_token, _ = issue_session("web", person_id=dual.id, account_id=switched_off.id)
    db.session.commit()
    return [
        ("no token", None, 401, "unauthenticated"),
        ("unknown token", "not-a-real-token", 401, "unauthenticated"),
        ("logged out", gone_token, 401, "unauthenticated"),
        ("expired", expired_token, 401, "unauthenticated"),
        ("suspended member", branch.tokens[suspended.id], 403, "forbidden"),
        ("console account", f.account_token(clerk), 403, "forbidden"),
        ("switched-off console account of a member", dual_token, 401, "unauthenticated"),
    ]


def test_a_bad_session_is_answered_before_anything_else_the_request_got_wrong(app, branch, f):
    dual = f.person(branch.org)
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    later = branch.meeting(starts_in=timedelta(hours=3))
    fenced = branch.meeting(geofence={"latitude": 30.0, "longitude": 120.0, "radius_m": 200})
    bodies = {
        "valid": _body(token),
        "invalid body": {"token": token},
        "malformed code": _body("nonsense"),
        "not open yet": _body(branch.code(later["id"])),
        "no location for a geofence": _body(branch.code(fenced["id"])),
    }
    for label, bearer, status, code in _bad_sessions(app, branch, f, dual):
        for what, body in bodies.items():
            response = _post(branch, bearer, body)
            assert (response.status_code, response.json["code"]) == (status, code), (label, what)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_a_good_session_still_gets_the_precise_refusal(app, branch):
    later = branch.meeting(starts_in=timedelta(hours=3))
    member = branch.members[0]
    response = _post(branch, branch.tokens[member.id], _body(branch.code(later["id"])))
    assert response.status_code == 409 and response.json["code"] == "checkin_not_open"
    response = _post(branch, branch.tokens[member.id], {"token": "x"})
    assert response.status_code == 422


def test_a_console_login_of_a_member_checks_in_as_that_member(app, branch, f):
    meeting = branch.meeting()
    member = branch.members[1]
    account = f.account("member-console", [], person=member)
    token = f.account_token(account)
    code = branch.code(meeting["id"])
    first = _post(branch, token, _body(code))
    assert first.status_code == 201, first.json
    again = _post(branch, token, _body(code, "caller-000002"))
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    row = db.session.get(CheckIn, first.json["id"])
    assert row.person_id == member.id
    # The mini-program session of the same member meets the same row.
    third = branch.check_in(member, code)
    assert third.status_code == 200 and third.json["id"] == first.json["id"]


@pytest.fixture
def statements(app):
    """The SQL statements run, by their first word (SQLite's own BEGIN left out)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        word = statement.split(None, 1)[0].upper()
        if word != "BEGIN":
            seen.append(word)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_new_checkin_is_one_statement_and_a_second_scan_two(app, branch, statements):
    meeting = branch.meeting()
    code = branch.code(meeting["id"])
    member_token = branch.tokens[branch.members[0].id]
    assert branch.check_in(branch.members[2], code).status_code == 201  # the meeting is cached
    statements.clear()
    first = _post(branch, member_token, _body(code))
    assert first.status_code == 201
    assert statements == ["INSERT"]  # session, participant and check-in in one
    statements.clear()
    again = _post(branch, member_token, _body(code, "caller-000002"))
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert again.json["meeting_title"] == meeting["title"]
    assert statements == ["INSERT", "SELECT"]  # the refused insert, then the first check-in


def test_a_revoked_checkin_is_not_taken_again_through_the_session(app, branch):
    meeting = branch.meeting()
    code = branch.code(meeting["id"])
    member = branch.members[0]
    first = branch.check_in(member, code).json
    response = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/checkins/{first['id']}/revoke",
        json={"reason": "代签"},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 200
    response = branch.check_in(member, code)
    assert response.status_code == 409 and response.json["code"] == "checkin_revoked"


def test_pending_is_only_for_member_endpoints():
    with pytest.raises(ValueError, match="member"):
        allow("secretary", pending=True)
    with pytest.raises(ValueError, match="member"):
        allow("member", "secretary", pending=True)
