"""Study plans: made by managers from materials their people may read, for orgs or people in
scope; members see their plans with their progress; managers see completion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.notify.services import local_today
from server.study.models import StudyPlan, StudyProgress
from tests.factories import auth


@pytest.fixture
def world(client, f):
    orgs = f.tree()
    _, committee = f.secretary(orgs["committee"])
    _, a_sec = f.secretary(orgs["a"])
    _, b_sec = f.secretary(orgs["b"])
    members_a = [f.person(orgs["a"]) for _ in range(2)]
    member_b = f.person(orgs["b"])

    def material(token, org, title, publish=True):
        body = {"org_id": org.id, "kind": "article", "title": title, "category": "theory",
                "body_html": "<p>正文</p>", "min_dwell_seconds": 60}  # fmt: skip
        mid = client.post("/api/v1/study/materials", json=body, headers=auth(token)).json["id"]
        if publish:
            client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(token))
        return mid

    return {
        "orgs": orgs,
        "committee": committee,
        "a": a_sec,
        "b": b_sec,
        "members_a": members_a,
        "tokens_a": [f.token_for(m) for m in members_a],
        "token_b": f.token_for(member_b),
        "m_committee": material(committee, orgs["committee"], "党章"),
        "m_a": material(a_sec, orgs["a"], "支部材料"),
        "m_b": material(b_sec, orgs["b"], "乙支部材料"),
        "m_draft": material(a_sec, orgs["a"], "草稿", publish=False),
    }


def _plan(client, token, org, materials, **extra):
    body = {
        "org_id": org.id,
        "title": "三月学习计划",
        "deadline": (local_today() + timedelta(days=30)).isoformat(),
        "material_ids": materials,
        **extra,
    }
    return client.post("/api/v1/study/plans", json=body, headers=auth(token))


def test_a_branch_plan_its_members_progress_and_the_completion(app, client, world):
    orgs = world["orgs"]
    created = _plan(client, world["a"], orgs["a"], [world["m_committee"], world["m_a"]])
    assert created.status_code == 201, created.json
    pid = created.json["id"]
    mine = client.get("/api/v1/study/plans/mine", headers=auth(world["tokens_a"][0])).json
    assert mine["items"] == []  # a draft
    assert (
        client.post(f"/api/v1/study/plans/{pid}/publish", headers=auth(world["a"])).status_code
        == 200
    )
    # The first member studied the committee's material.
    db.session.add(
        StudyProgress(
            person_id=world["members_a"][0].id,
            material_id=world["m_committee"],
            seconds=75.0,
            studied_at=db.func.now(),
            last_read_at=db.func.now(),
        )
    )
    db.session.commit()
    mine = client.get("/api/v1/study/plans/mine", headers=auth(world["tokens_a"][0])).json
    plan = mine["items"][0]
    assert (plan["studied"], plan["total"], plan["complete"]) == (1, 2, False)
    assert [i["studied"] for i in plan["items"]] == [True, False]
    assert plan["items"][0]["seconds"] == 75.0
    # Branch B's member has no such plan.
    assert (
        client.get("/api/v1/study/plans/mine", headers=auth(world["token_b"])).json["items"] == []
    )
    completion = client.get(f"/api/v1/study/plans/{pid}/completion", headers=auth(world["a"])).json
    by_person = {r["person_id"]: r for r in completion["items"]}
    assert by_person[world["members_a"][0].id]["studied"] == 1
    assert completion["people"] >= 2 and completion["complete"] == 0
    # Another branch's secretary cannot see it.
    assert (
        client.get(f"/api/v1/study/plans/{pid}/completion", headers=auth(world["b"])).status_code
        == 404
    )


def test_a_plan_for_named_people_only(app, client, world):
    orgs = world["orgs"]
    target = world["members_a"][1]
    pid = _plan(client, world["a"], orgs["a"], [world["m_a"]], person_ids=[target.id]).json["id"]
    client.post(f"/api/v1/study/plans/{pid}/publish", headers=auth(world["a"]))
    assert (
        len(
            client.get("/api/v1/study/plans/mine", headers=auth(world["tokens_a"][1])).json["items"]
        )
        == 1
    )
    assert (
        client.get("/api/v1/study/plans/mine", headers=auth(world["tokens_a"][0])).json["items"]
        == []
    )


def test_refusals(app, client, world):
    orgs = world["orgs"]
    # Another branch's material, or a material that does not exist.
    response = _plan(client, world["a"], orgs["a"], [world["m_b"]])
    assert response.status_code == 422 and response.json["code"] == "material_not_available"
    assert _plan(client, world["a"], orgs["a"], [999999]).status_code == 422
    # People and orgs outside the plan's org.
    response = _plan(client, world["a"], orgs["a"], [world["m_a"]], org_ids=[orgs["b"].id])
    assert response.status_code == 422 and response.json["code"] == "target_outside"
    # Outside the caller's scope; a member cannot plan.
    assert _plan(client, world["b"], orgs["a"], [world["m_a"]]).status_code == 404
    assert _plan(client, world["tokens_a"][0], orgs["a"], [world["m_a"]]).status_code == 403
    # A past deadline; no materials.
    response = _plan(
        client, world["a"], orgs["a"], [world["m_a"]],
        deadline=(local_today() - timedelta(days=1)).isoformat(),
    )  # fmt: skip
    assert response.status_code == 422 and response.json["code"] == "deadline_past"
    assert _plan(client, world["a"], orgs["a"], []).status_code == 422
    # Publishing needs every material published.
    pid = _plan(client, world["a"], orgs["a"], [world["m_draft"]]).json["id"]
    response = client.post(f"/api/v1/study/plans/{pid}/publish", headers=auth(world["a"]))
    assert response.status_code == 409 and response.json["code"] == "material_not_published"
    assert db.session.scalar(select(func.count()).select_from(StudyPlan)) == 1


@pytest.fixture
def statements(app):
    """Counts the SQL statements run."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_my_plans_and_the_completion_cost_the_same_statements_however_many(
    app, client, world, f, statements
):
    """Plans' items and people's orgs are read together, not one query per plan or org."""
    orgs, token = world["orgs"], world["tokens_a"][0]
    materials = [world["m_committee"], world["m_a"]]

    def publish(pid, by):
        client.post(f"/api/v1/study/plans/{pid}/publish", headers=auth(by))

    def cost(url, by):
        statements.clear()
        response = client.get(url, headers=auth(by))
        assert response.status_code == 200, response.json
        return len(statements), response.json

    publish(_plan(client, world["a"], orgs["a"], materials).json["id"], world["a"])
    one, mine = cost("/api/v1/study/plans/mine", token)
    assert len(mine["items"]) == 1
    for _ in range(3):
        publish(_plan(client, world["a"], orgs["a"], materials).json["id"], world["a"])
    four, mine = cost("/api/v1/study/plans/mine", token)
    assert len(mine["items"]) == 4 and four == one
    # The committee's plan for everyone: people in more orgs (and a party group) cost nothing.
    pid = _plan(client, world["committee"], orgs["committee"], [world["m_committee"]]).json["id"]
    publish(pid, world["committee"])
    url = f"/api/v1/study/plans/{pid}/completion"
    before, found = cost(url, world["committee"])
    f.person(orgs["c"])
    f.person(orgs["a"], group_id=orgs["group_a"].id)
    after, more = cost(url, world["committee"])
    assert more["people"] == found["people"] + 2 and after == before
    assert orgs["group_a"].id in {row["org_id"] for row in more["by_org"]}


def test_people_and_ids_outside_are_refused(app, client, world, f):
    orgs = world["orgs"]
    stranger = f.person(orgs["b"])
    response = _plan(client, world["a"], orgs["a"], [world["m_a"]], person_ids=[stranger.id])
    assert response.status_code == 422 and response.json["code"] == "target_outside"
    assert response.json["errors"] == {"person_ids": ["超出范围"]}
    response = _plan(client, world["a"], orgs["a"], [world["m_a"]], person_ids=[999999])
    assert response.status_code == 422 and response.json["code"] == "target_outside"
    for extra in ({"person_ids": [2**31]}, {"org_ids": ["x"]}, {"material_ids": [0]},
                  {"org_id": 2**31}, {"deadline": "明天"}, {"title": ""}):  # fmt: skip
        response = _plan(client, world["a"], orgs["a"], [world["m_a"]], **extra)
        assert response.status_code == 422 and response.json["code"] == "validation_error", extra
    too_big = client.get("/api/v1/study/plans/2147483648/completion", headers=auth(world["a"]))
    assert too_big.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(StudyPlan)) == 0
