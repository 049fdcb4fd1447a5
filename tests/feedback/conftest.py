"""An installation with people in every role a case can reach:

committee (纪委 account with a whole-installation discipline_inspector grant; committee
discipline post holder) → general branch (secretary, 纪检委员) → branch A (secretary, deputy,
纪检委员, members) and branch B (secretary); branch C under the committee has no secretary.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import auth


@pytest.fixture
def world(f):
    orgs = f.tree()
    member = f.person(orgs["a"], name="张明")
    other = f.person(orgs["a"], name="李华")
    c_member = f.person(orgs["c"], name="王芳")
    a_secretary, a_secretary_token = f.secretary(orgs["a"])
    a_deputy, a_deputy_token = f.secretary(orgs["a"], "deputy_secretary")
    _, a_discipline_token = f.secretary(orgs["a"], "discipline")
    _, b_secretary_token = f.secretary(orgs["b"])
    g_secretary, g_secretary_token = f.secretary(orgs["general"])
    g_discipline, g_discipline_token = f.secretary(orgs["general"], "discipline")
    _, c_top_discipline_token = f.secretary(orgs["committee"], "discipline")
    jiwei = f.account_token(f.account("jiwei", [("discipline_inspector", None)]))
    auditor = f.account_token(f.account("audit", [("auditor", None)]))
    admin = f.account_token(f.account("office", [("committee_admin", orgs["committee"])]))
    return SimpleNamespace(
        orgs=orgs,
        member=member,
        token=f.token_for(member),
        other=other,
        other_token=f.token_for(other),
        c_member=c_member,
        c_token=f.token_for(c_member),
        a_secretary=a_secretary,
        a_secretary_token=a_secretary_token,
        a_deputy=a_deputy,
        a_deputy_token=a_deputy_token,
        a_discipline_token=a_discipline_token,
        b_secretary_token=b_secretary_token,
        g_secretary=g_secretary,
        g_secretary_token=g_secretary_token,
        g_discipline=g_discipline,
        g_discipline_token=g_discipline_token,
        c_top_discipline_token=c_top_discipline_token,
        jiwei=jiwei,
        auditor=auditor,
        admin=admin,
    )


@pytest.fixture
def send(client):
    def send(token, status=201, **body):
        body.setdefault("kind", "suggestion")
        body.setdefault("anonymous", False)
        body.setdefault("title", "食堂排队太久")
        body.setdefault("content", "建议支部向学校反映，中午增开一个窗口。")
        response = client.post("/api/v1/feedback", json=body, headers=auth(token))
        assert response.status_code == status, response.json
        return response.json

    return send


def listed(client, token, **query):
    response = client.get("/api/v1/feedback/cases", query_string=query, headers=auth(token))
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def act(client, token, case_id, action, **body):
    return client.post(
        f"/api/v1/feedback/cases/{case_id}/{action}", json=body or None, headers=auth(token)
    )
