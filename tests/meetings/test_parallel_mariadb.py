"""Simultaneous scans on MariaDB: the unique (meeting, person) leaves one check-in, and every
request is answered with it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.meetings.models import CheckIn, LeaveRequest
from tests.factories import auth
from tests.notify.test_parallel_mariadb import race

pytestmark = pytest.mark.mariadb


def test_simultaneous_scans_of_one_member_make_one_checkin(app, branch):
    meeting = branch.meeting()
    token = branch.code(meeting["id"])
    member = branch.members[0]
    headers = branch.as_member(member)
    answers = []

    def scan(i):
        client = app.test_client()
        response = client.post(
            "/api/v1/checkins",
            json={"token": token, "idempotency_key": f"race-{i:05d}"},
            headers=headers,
        )
        answers.append((response.status_code, response.json))

    assert race(app, 12, scan) == []
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 11 + [201], answers
    assert len({body["id"] for _, body in answers}) == 1
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_simultaneous_scans_of_many_members_all_land(app, branch, f):
    people = [f.person(branch.org) for _ in range(16)]
    tokens = [f.token_for(p) for p in people]
    meeting = branch.meeting()
    code = branch.code(meeting["id"])
    answers = []

    def scan(i):
        response = app.test_client().post(
            "/api/v1/checkins",
            json={"token": code, "idempotency_key": f"many-{i:05d}"},
            headers=auth(tokens[i % 16]),
        )
        answers.append(response.status_code)

    assert race(app, 32, scan) == []  # each member twice, at once
    assert sorted(answers) == [200] * 16 + [201] * 16
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 16


def test_simultaneous_leave_requests_make_one(app, branch):
    from datetime import timedelta

    meeting = branch.meeting(starts_in=timedelta(days=1))
    headers = branch.as_member(branch.members[0])  # ORM objects stay in this thread
    answers = []

    def ask(i):
        response = app.test_client().post(
            f"/api/v1/meetings/{meeting['id']}/leave",
            json={"reason": f"理由{i}"},
            headers=headers,
        )
        answers.append((response.status_code, response.json.get("code")))

    assert race(app, 8, ask) == []
    assert sorted(answers)[0][0] == 201
    assert sorted(answers)[1:] == [(409, "leave_exists")] * 7
    assert db.session.scalar(select(func.count()).select_from(LeaveRequest)) == 1


def test_simultaneous_decisions_decide_once(app, branch):
    from datetime import timedelta

    from server.notify.models import Notification

    meeting = branch.meeting(starts_in=timedelta(days=1))
    leave_id = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/leave",
        json={"reason": "出差"},
        headers=branch.as_member(branch.members[0]),
    ).json["id"]
    answers = []

    def decide(i):
        response = app.test_client().post(
            f"/api/v1/leave-requests/{leave_id}/decision",
            json={"approve": i % 2 == 0, "comment": "意见"},
            headers=branch.as_secretary(),
        )
        answers.append(response.status_code)

    assert race(app, 6, decide) == []
    assert sorted(answers) == [200] + [409] * 5
    told = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "leave_result")
    )
    assert told == 1


def test_simultaneous_reschedules_keep_one_reminder_per_offset(app, branch):
    from datetime import timedelta

    from server.db_types import utcnow
    from server.notify.models import Notification

    meeting = branch.meeting(starts_in=timedelta(days=3))
    headers = branch.as_secretary()
    answers = []

    def move(i):
        start = utcnow() + timedelta(days=4, hours=i)
        response = app.test_client().patch(
            f"/api/v1/meetings/{meeting['id']}",
            json={
                "start_at": start.isoformat() + "Z",
                "end_at": (start + timedelta(hours=1)).isoformat() + "Z",
            },
            headers=headers,
        )
        answers.append(response.status_code)

    assert race(app, 6, move) == []
    assert answers == [200] * 6
    keys = db.session.scalars(
        select(Notification.pending_key).where(Notification.kind == "meeting_reminder")
    ).all()
    assert sorted(keys) == sorted(
        [f"meeting:{meeting['id']}:remind-1440m", f"meeting:{meeting['id']}:remind-60m"]
    )
