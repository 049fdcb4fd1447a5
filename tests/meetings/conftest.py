"""Meetings test helpers: a branch with a secretary and members, meetings at times relative to
now, and the projector's current token."""

from __future__ import annotations

import time
from datetime import timedelta
from itertools import count

import pytest

from server.db_types import utcnow
from server.meetings import checkin_token
from tests.factories import auth

_keys = count(1)


class Branch:
    """Branch A of the factory tree with a secretary and three members (tokens ready)."""

    def __init__(self, f, client):
        self.f = f
        self.client = client
        self.orgs = f.tree()
        self.org = self.orgs["a"]
        self.secretary, self.secretary_token = f.secretary(self.org)
        self.members = [f.person(self.org) for _ in range(3)]
        self.tokens = {m.id: f.token_for(m) for m in self.members}

    def as_secretary(self):
        return auth(self.secretary_token)

    def as_member(self, member):
        return auth(self.tokens[member.id])

    def meeting(self, *, starts_in=timedelta(minutes=10), minutes=90, publish=True, **extra):
        start = utcnow() + starts_in
        body = {
            "org_id": self.org.id,
            "type": "branch_assembly",
            "title": "十二月支部党员大会",
            "place": "图书馆 301",
            "start_at": start.isoformat() + "Z",
            "end_at": (start + timedelta(minutes=minutes)).isoformat() + "Z",
        }
        body.update(extra)
        response = self.client.post("/api/v1/meetings", json=body, headers=self.as_secretary())
        assert response.status_code == 201, response.json
        meeting = response.json
        if publish:
            response = self.client.post(
                f"/api/v1/meetings/{meeting['id']}/publish", headers=self.as_secretary()
            )
            assert response.status_code == 200, response.json
            meeting = response.json
        return meeting

    def code(self, meeting_id: int) -> str:
        response = self.client.get(
            f"/api/v1/meetings/{meeting_id}/checkin-code", headers=self.as_secretary()
        )
        assert response.status_code == 200, response.json
        return response.json["token"]

    def check_in(self, member, token, **extra):
        body = {"token": token, "idempotency_key": f"key-{next(_keys):06d}"}
        body.update(extra)
        return self.client.post("/api/v1/checkins", json=body, headers=self.as_member(member))


@pytest.fixture
def branch(f, client):
    return Branch(f, client)


def token_at(app, meeting_id: int, seconds_ago: float) -> str:
    """The token the projector showed ``seconds_ago``."""
    from server.extensions import db
    from server.meetings.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    rotate = app.config["MEETINGS"]["qr_rotate_seconds"]
    slot = checkin_token.slot_at(time.time() - seconds_ago, rotate)
    return checkin_token.make(
        app.config["SECRET_KEY"].encode(), meeting_id, slot, meeting.checkin_secret
    )
