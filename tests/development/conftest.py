"""Development test helpers: branch A of the factory tree with its secretary, two full members
(introducers, contacts), the committee's secretary (approves admissions), the general branch's
secretary (who may not), an applicant, and a complete valid timeline to replay."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest

from tests.factories import auth

_keys = count(1)

# A timeline within the rules, every date in the past.
DATES = {
    1: date(2023, 3, 1),
    2: date(2023, 3, 15),
    3: date(2023, 9, 1),
    4: date(2023, 9, 10),
    5: date(2023, 9, 10),
    6: date(2024, 3, 1),
    7: date(2024, 9, 2),
    8: date(2024, 9, 10),
    9: date(2024, 9, 10),
    10: date(2024, 10, 1),
    11: date(2024, 10, 10),
    12: date(2024, 10, 20),
    13: date(2024, 11, 1),
    14: date(2024, 11, 10),
    15: date(2024, 11, 20),
    16: date(2024, 12, 1),
    17: date(2025, 1, 10),
    18: date(2025, 1, 20),
    19: date(2025, 1, 20),
    20: date(2025, 2, 1),
    21: date(2025, 6, 1),
    22: date(2025, 11, 1),
    23: date(2025, 11, 20),
    24: date(2026, 1, 10),
    25: date(2026, 1, 20),
}
VOTES = {"should_attend": 20, "present": 18, "yes": 17, "no": 1, "abstain": 0}
BRANCH_BODY_STEPS = {3, 7, 12, 15, 23}
COMMITTEE_STEPS = {13, 17, 24}


def key() -> str:
    return f"dev-key-{next(_keys):06d}"


class Dev:
    def __init__(self, f, client):
        self.f = f
        self.client = client
        self.orgs = f.tree()
        self.branch = self.orgs["a"]
        self.secretary, self.secretary_token = f.secretary(self.branch)
        self.committee_secretary, self.committee_token = f.secretary(self.orgs["committee"])
        self.general_secretary, self.general_token = f.secretary(self.orgs["general"])
        self.members = [f.person(self.branch) for _ in range(3)]
        self.applicant = f.person(
            self.branch, member_type="applicant", birth_date=date(2000, 5, 31)
        )
        self.applicant_token = f.token_for(self.applicant)

    # -- calls -------------------------------------------------------------------------------
    def start(self, person=None, applied_on=DATES[1], token=None, **extra):
        body = {
            "person_id": (person or self.applicant).id,
            "applied_on": applied_on.isoformat(),
            "key": key(),
            **extra,
        }
        return self.client.post(
            "/api/v1/development/records", json=body, headers=auth(token or self.secretary_token)
        )

    def facts(self, step: int) -> dict:
        """What step ``step`` records in the valid timeline."""
        body: dict = {}
        if step in (2, 16):
            body["people"] = {"talkers": [self.secretary.id]}
        if step == 5:
            body["people"] = {"contacts": [self.members[0].id]}
        if step == 9:
            body["people"] = {"introducers": [self.members[0].id, self.members[1].id]}
        if step == 10:
            body["review_passed"] = True
        if step == 11:
            body["training"] = {"days": 3, "hours": 24}
        if step in (15, 23):
            body["votes"] = dict(VOTES)
        if step == 23:
            body["outcome"] = "full"
        return body

    def submit(self, record_id, step, done_on=None, token=None, **extra):
        body = {
            "step": step,
            "done_on": (done_on or DATES[step]).isoformat(),
            "key": key(),
            **self.facts(step),
            **extra,
        }
        return self.client.post(
            f"/api/v1/development/records/{record_id}/entries",
            json=body,
            headers=auth(token or self.secretary_token),
        )

    def decide(self, entry_id, approve=True, token=None, **extra):
        action = "approve" if approve else "reject"
        body = {"comment": "同意" if approve else "材料不全", **extra}
        return self.client.post(
            f"/api/v1/development/entries/{entry_id}/{action}",
            json=body,
            headers=auth(token or self.secretary_token),
        )

    def decider_token(self, step: int) -> str:
        return self.committee_token if step in COMMITTEE_STEPS else self.secretary_token

    def complete(self, record_id, step, state="done", **extra):
        """Record ``step`` and, if a body decides it, approve it; returns the final entry."""
        response = self.submit(record_id, step, **extra)
        assert response.status_code == 201, (step, response.json)
        entry = response.json
        if entry["state"] == "pending":
            response = self.decide(entry["id"], token=self.decider_token(step))
            assert response.status_code == 200, (step, response.json)
            entry = response.json
        assert entry["state"] == state, (step, entry)
        return entry

    def record(self, record_id, token=None):
        response = self.client.get(
            f"/api/v1/development/records/{record_id}",
            headers=auth(token or self.secretary_token),
        )
        assert response.status_code == 200, response.json
        return response.json

    def through(self, record_id, last: int, first: int = 2):
        for step in range(first, last + 1):
            self.complete(record_id, step)


@pytest.fixture
def dev(f, client):
    return Dev(f, client)
