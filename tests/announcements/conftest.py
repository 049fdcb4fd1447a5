"""A small university with people in each place an audience can reach, and helpers to write
and read announcements as them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import auth

URL = "/api/v1/announcements"


@dataclass
class World:
    client: object
    orgs: dict
    people: dict
    tokens: dict

    def h(self, who: str) -> dict:
        return auth(self.tokens[who])

    def create(self, who: str, org: str = "a", **body):
        payload = {
            "org_id": self.orgs[org].id,
            "title": "关于开展主题党日活动的通知",
            "body": "<p>各位党员：本周五下午在 <b>A301</b> 开展主题党日活动。</p>",
            "audience": "members",
            **body,
        }
        return self.client.post(URL, json=payload, headers=self.h(who))

    def made(self, who: str, org: str = "a", **body) -> dict:
        response = self.create(who, org, **body)
        assert response.status_code == 201, response.json
        return response.json

    def get(self, who: str, announcement_id: int):
        return self.client.get(f"{URL}/{announcement_id}", headers=self.h(who))

    def listed(self, who: str, **query) -> list[int]:
        response = self.client.get(URL, query_string=query, headers=self.h(who))
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    def post(self, who: str, announcement_id: int, action: str):
        return self.client.post(f"{URL}/{announcement_id}/{action}", headers=self.h(who))

    def patch(self, who: str, announcement_id: int, **body):
        return self.client.patch(f"{URL}/{announcement_id}", json=body, headers=self.h(who))

    def receipts(self, who: str, announcement_id: int, **query):
        return self.client.get(
            f"{URL}/{announcement_id}/receipts", query_string=query, headers=self.h(who)
        )


@pytest.fixture
def world(client, f) -> World:
    """committee → general → branch a (+ group) and b; branch c under the committee.

    People: the secretaries of a, b and general; members of a (one in a's party group), b and
    c; a 纪检委员 of b; a committee admin (console account, no member record)."""
    orgs = f.tree()
    people, tokens = {}, {}
    for key, org, post in (
        ("sec_a", "a", "secretary"),
        ("sec_b", "b", "secretary"),
        ("sec_general", "general", "secretary"),
        ("discipline_b", "b", "discipline"),
    ):
        person, token = f.secretary(orgs[org], post)
        people[key], tokens[key] = person, token
    for key, org, extra in (
        ("member_a", "a", {}),
        ("grouped_a", "a", {"group_id": orgs["group_a"].id}),
        ("member_b", "b", {}),
        ("member_c", "c", {}),
    ):
        people[key] = f.person(orgs[org], name=key, **extra)
        tokens[key] = f.token_for(people[key])
    admin = f.account("office", [("committee_admin", orgs["committee"])])
    tokens["admin"] = f.account_token(admin)
    return World(client, orgs, people, tokens)
