"""Where a case goes: suggestions and help to the author's branch secretary (or the nearest
org above with one), reports to the discipline role of the level above the org reported on,
never to that org; nobody else reads them."""

from __future__ import annotations

from server.extensions import db
from server.people.models import PartyPost
from tests.factories import auth
from tests.feedback.conftest import listed


def test_a_suggestion_goes_to_the_branch_secretary_and_deputy_only(client, world, send):
    case = send(world.token)["case"]
    assert case["handler_org_name"] == world.orgs["a"].name
    assert listed(client, world.a_secretary_token) == [case["id"]]
    assert listed(client, world.a_deputy_token) == [case["id"]]
    # Not the branch's 纪检委员, not another branch, not the level above, not the 纪委.
    for token in (
        world.a_discipline_token,
        world.b_secretary_token,
        world.g_secretary_token,
        world.g_discipline_token,
        world.jiwei,
    ):
        assert listed(client, token) == []
        got = client.get(f"/api/v1/feedback/cases/{case['id']}", headers=auth(token))
        assert got.status_code == 404, got.json


def test_help_with_nobody_above_is_refused_with_a_clear_error(client, world, send):
    refused = send(world.c_token, status=422, kind="help", title="求助", content="需要帮助")
    assert refused["code"] == "no_handler"


def test_help_reaches_the_nearest_secretary_above(client, world, send, f):
    _, token = f.secretary(world.orgs["committee"])
    case = send(world.c_token, kind="help", title="求助", content="需要帮助")["case"]
    assert case["handler_org_name"] == world.orgs["committee"].name
    assert listed(client, token) == [case["id"]]


def test_a_report_goes_to_the_discipline_role_above_never_to_the_reported_branch(
    client, world, send
):
    case = send(
        world.token,
        kind="report",
        subject_org_id=world.orgs["a"].id,
        subject_name="某党员",
        title="违规收受礼品",
        content="情况如下……",
    )["case"]
    assert case["handler_org_name"] == world.orgs["general"].name
    assert case["subject_org_name"] == world.orgs["a"].name
    assert listed(client, world.g_discipline_token) == [case["id"]]
    for token in (
        world.a_secretary_token,
        world.a_discipline_token,
        world.a_deputy_token,
        world.g_secretary_token,
        world.jiwei,
        world.c_top_discipline_token,
    ):
        assert listed(client, token) == []


def test_a_report_passes_up_past_a_level_without_a_discipline_role(client, world, send):
    db.session.query(PartyPost).filter_by(person_id=world.g_discipline.id).delete()
    db.session.commit()
    case = send(
        world.token, kind="report", subject_org_id=world.orgs["a"].id, title="违规", content="情况"
    )["case"]
    assert case["handler_org_name"] == world.orgs["committee"].name
    assert listed(client, world.c_top_discipline_token) == [case["id"]]
    # The 纪委 accounts take what reaches the top, too.
    assert listed(client, world.jiwei) == [case["id"]]
    # The former 纪检委员 of the general branch handles nothing now.
    gone = client.get("/api/v1/feedback/cases", headers=auth(world.g_discipline_token))
    assert gone.status_code == 403


def test_a_report_on_the_top_org_goes_to_the_jiwei_not_its_own_committee(client, world, send):
    case = send(
        world.token,
        kind="report",
        subject_org_id=world.orgs["committee"].id,
        title="党委问题",
        content="情况",
    )["case"]
    assert listed(client, world.jiwei) == [case["id"]]
    assert listed(client, world.c_top_discipline_token) == []


def test_an_auditor_reads_every_case_and_a_committee_admin_none(client, world, send):
    case = send(world.token)["case"]
    assert listed(client, world.auditor) == [case["id"]]
    assert (
        client.get(f"/api/v1/feedback/cases/{case['id']}", headers=auth(world.auditor)).status_code
        == 200
    )
    # A committee admin is no handler: 403 on the list, nothing to read.
    assert client.get("/api/v1/feedback/cases", headers=auth(world.admin)).status_code == 403
    handling = client.get("/api/v1/feedback/handling", headers=auth(world.admin)).json
    assert handling == {"handles": False, "open": 0}


def test_handling_tells_a_handler_how_many_wait(client, world, send):
    send(world.token)
    send(world.other_token, kind="help", title="求助", content="需要帮助")
    assert client.get("/api/v1/feedback/handling", headers=auth(world.a_secretary_token)).json == {
        "handles": True,
        "open": 2,
    }
    assert client.get("/api/v1/feedback/handling", headers=auth(world.token)).json == {
        "handles": False,
        "open": 0,
    }


def test_the_report_form_needs_an_org_and_other_kinds_take_none(client, world, send):
    assert send(world.token, status=422, kind="report")["errors"] == {
        "subject_org_id": ["请选择被反映人员或事项所在的组织"]
    }
    assert send(world.token, status=422, kind="report", subject_org_id=999999)["errors"] == {
        "subject_org_id": ["组织不存在"]
    }
    refused = send(world.token, status=422, subject_org_id=world.orgs["a"].id)
    assert "subject_org_id" in refused["errors"]


def test_subject_orgs_lists_the_tree_for_the_report_form(client, world):
    items = client.get("/api/v1/feedback/subject-orgs", headers=auth(world.token)).json["items"]
    assert {item["id"] for item in items} == {org.id for org in world.orgs.values()}
