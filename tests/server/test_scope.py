"""Roles and org scope: refusals as well as successes, for every endpoint."""

from __future__ import annotations

import re

import pytest

from server.audit.models import AuditLog
from server.extensions import db
from server.people.models import Person
from tests.factories import auth


@pytest.fixture
def world(f):
    tree = f.tree()
    _, sec_a_token = f.secretary(tree["a"])
    _, sec_b_token = f.secretary(tree["b"])
    member_a = f.person(
        tree["a"], name="张伟", phone="13812345678", id_number="330106200001011234"[:17] + "X"
    )
    return {
        "tree": tree,
        "sec_a_token": sec_a_token,
        "sec_b_token": sec_b_token,
        "member_a": member_a,
        "member_token": f.token_for(member_a),
        "admin_token": f.account_token(
            f.account("office", [("committee_admin", tree["committee"])])
        ),
        "auditor_token": f.account_token(f.account("auditor", [("auditor", None)])),
        "sysadmin_token": f.account_token(f.account("root", [("system_admin", None)])),
    }


def endpoints(app):
    spec = app.test_client().get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            yield path, method, op


def test_every_endpoint_declares_who_may_call_it(app):
    for path, method, op in endpoints(app):
        assert op.get("x-roles"), f"{method.upper()} {path} declares no roles"


def test_every_protected_endpoint_refuses_anonymous_callers(app, client):
    for path, method, op in endpoints(app):
        if op["x-roles"] == ["public"]:
            continue
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        r = client.open(url, method=method.upper(), json={})
        assert r.status_code == 401, f"{method.upper()} {path} → {r.status_code}"
        assert r.json["code"] == "unauthenticated"


def test_plain_member_cannot_use_management_endpoints(client, world):
    token = world["member_token"]
    pid, oid = world["member_a"].id, world["tree"]["a"].id
    for method, url in [
        ("GET", "/api/v1/people"),
        ("GET", f"/api/v1/people/{pid}"),
        ("PATCH", f"/api/v1/people/{pid}"),
        ("GET", f"/api/v1/people/{pid}/sensitive"),
        ("POST", f"/api/v1/people/{pid}/invite-code"),
        ("GET", "/api/v1/orgs/tree"),
        ("GET", f"/api/v1/orgs/{oid}"),
        ("DELETE", f"/api/v1/orgs/{oid}"),
        ("GET", "/api/v1/audit-logs"),
    ]:
        r = client.open(
            url, method=method, headers=auth(token), json={} if method == "PATCH" else None
        )
        assert r.status_code == 403, f"{method} {url} → {r.status_code}"


def test_secretary_of_another_branch_gets_404_for_every_person_endpoint(client, world):
    token, pid = world["sec_b_token"], world["member_a"].id
    cases = [
        ("GET", f"/api/v1/people/{pid}", None),
        ("PATCH", f"/api/v1/people/{pid}", {"name": "改名"}),
        ("GET", f"/api/v1/people/{pid}/sensitive", None),
        (
            "POST",
            f"/api/v1/people/{pid}/posts",
            {"org_id": world["tree"]["b"].id, "post": "propaganda"},
        ),
        ("DELETE", f"/api/v1/people/{pid}/posts/1", None),
        ("POST", f"/api/v1/people/{pid}/invite-code", None),
        ("DELETE", f"/api/v1/people/{pid}/wechat-binding", None),
    ]
    for method, url, body in cases:
        r = client.open(url, method=method, headers=auth(token), json=body)
        assert r.status_code == 404, f"{method} {url} → {r.status_code} {r.json}"
        assert r.json["code"] == "not_found"
    db.session.expire_all()
    assert db.session.get(Person, pid).name == "张伟"


def test_secretary_of_another_branch_gets_404_for_its_org(client, world):
    token, oid = world["sec_b_token"], world["tree"]["a"].id
    for method, body in (("GET", None), ("PATCH", {"short_name": "x"}), ("DELETE", None)):
        r = client.open(f"/api/v1/orgs/{oid}", method=method, headers=auth(token), json=body)
        assert r.status_code == 404, method


def test_secretary_lists_only_their_branch(client, world, f):
    f.person(world["tree"]["b"], name="赵六")
    names = {
        p["name"]
        for p in client.get("/api/v1/people?per_page=100", headers=auth(world["sec_b_token"])).json[
            "items"
        ]
    }
    assert "赵六" in names and "张伟" not in names
    r = client.get(
        f"/api/v1/people?org_id={world['tree']['a'].id}", headers=auth(world["sec_b_token"])
    )
    assert r.status_code == 404


def test_secretary_cannot_move_a_person_into_another_branch(client, world):
    r = client.post(
        "/api/v1/people",
        headers=auth(world["sec_b_token"]),
        json={
            "staff_no": "X1",
            "name": "新人",
            "member_type": "applicant",
            "org_id": world["tree"]["a"].id,
        },
    )
    assert r.status_code == 422
    assert "org_id" in r.json["errors"]


def test_committee_admin_sees_every_branch(client, world):
    tree = client.get("/api/v1/orgs/tree", headers=auth(world["admin_token"])).json["roots"]
    assert tree[0]["name"] == "测试大学党委"
    r = client.get(f"/api/v1/people/{world['member_a'].id}", headers=auth(world["admin_token"]))
    assert r.status_code == 200


def test_secretary_tree_is_their_subtree(client, world):
    roots = client.get("/api/v1/orgs/tree", headers=auth(world["sec_a_token"])).json["roots"]
    assert [r["name"] for r in roots] == ["本科生第一党支部"]
    assert [c["name"] for c in roots[0]["children"]] == ["第一党小组"]


def test_secretary_may_create_party_groups_but_not_branches(client, world):
    a = world["tree"]["a"].id
    ok = client.post(
        "/api/v1/orgs",
        headers=auth(world["sec_a_token"]),
        json={"parent_id": a, "type": "group", "name": "第二党小组"},
    )
    assert ok.status_code == 201, ok.json
    general = world["tree"]["general"].id
    r = client.post(
        "/api/v1/orgs",
        headers=auth(world["sec_a_token"]),
        json={"parent_id": general, "type": "branch", "name": "新支部"},
    )
    assert r.status_code == 404  # the general branch is outside a branch secretary's scope


def test_org_types_must_nest_properly(client, world):
    r = client.post(
        "/api/v1/orgs",
        headers=auth(world["admin_token"]),
        json={"parent_id": world["tree"]["a"].id, "type": "branch", "name": "支部下的支部"},
    )
    assert r.status_code == 422 and r.json["code"] == "org_type_not_allowed"


def test_moving_an_org_moves_its_subtree(client, world):
    tree = world["tree"]
    r = client.patch(
        f"/api/v1/orgs/{tree['a'].id}",
        headers=auth(world["admin_token"]),
        json={"parent_id": tree["committee"].id},
    )
    assert r.status_code == 200, r.json
    group = client.get(
        f"/api/v1/orgs/{tree['group_a'].id}", headers=auth(world["admin_token"])
    ).json
    assert group["path"] == f"/{tree['committee'].id}/{tree['a'].id}/{tree['group_a'].id}/"
    cycle = client.patch(
        f"/api/v1/orgs/{tree['general'].id}",
        headers=auth(world["admin_token"]),
        json={"parent_id": tree["b"].id},
    )
    assert cycle.status_code in (422,)


def test_non_empty_org_cannot_be_deleted(client, world):
    r = client.delete(f"/api/v1/orgs/{world['tree']['a'].id}", headers=auth(world["admin_token"]))
    assert r.status_code == 409 and r.json["code"] == "org_not_empty"


# -- masking and encryption ------------------------------------------------------------------
def test_responses_mask_id_numbers_and_phones(client, world):
    r = client.get(f"/api/v1/people/{world['member_a'].id}", headers=auth(world["sec_a_token"]))
    assert r.json["phone"] == "138****5678"
    assert r.json["id_number"].startswith("3301") and "**********" in r.json["id_number"]
    assert "13812345678" not in r.text
    listing = client.get("/api/v1/people", headers=auth(world["sec_a_token"]))
    assert "13812345678" not in listing.text


def test_personal_data_is_encrypted_at_rest(world):
    row = (
        db.session.execute(
            db.text("SELECT * FROM people WHERE id = :id"), {"id": world["member_a"].id}
        )
        .mappings()
        .one()
    )
    raw = " ".join(str(v) for v in row.values())
    assert "13812345678" not in raw
    assert "3301062000010112" not in raw


def test_full_read_is_audited(client, world):
    r = client.get(
        f"/api/v1/people/{world['member_a'].id}/sensitive", headers=auth(world["sec_a_token"])
    )
    assert r.status_code == 200
    assert r.json["phone"] == "13812345678"
    entry = db.session.query(AuditLog).filter_by(action="person.read_sensitive").one()
    assert entry.target_id == world["member_a"].id and entry.result == "ok"
    assert entry.ip == "127.0.0.1"


def test_refused_full_read_is_audited_too(client, world):
    r = client.get(
        f"/api/v1/people/{world['member_a'].id}/sensitive", headers=auth(world["admin_token"])
    )
    assert r.status_code == 200
    discipline = client.get(
        f"/api/v1/people/{world['member_a'].id}/sensitive", headers=auth(world["sec_b_token"])
    )
    assert discipline.status_code == 404


def test_changes_are_audited_without_clear_values(client, world):
    pid = world["member_a"].id
    r = client.patch(
        f"/api/v1/people/{pid}",
        headers=auth(world["sec_a_token"]),
        json={"phone": "13900009999", "name": "张伟明"},
    )
    assert r.status_code == 200, r.json
    assert r.json["phone"] == "139****9999"
    entry = db.session.query(AuditLog).filter_by(action="person.update").one()
    assert entry.detail["name"] == ["张伟", "张伟明"]
    assert entry.detail["phone"] == "changed"
    assert "13900009999" not in str(entry.detail)


def test_stale_version_is_refused(client, world):
    pid = world["member_a"].id
    r = client.patch(
        f"/api/v1/people/{pid}",
        headers=auth(world["sec_a_token"]),
        json={"unit": "计算机 2301", "version": 99},
    )
    assert r.status_code == 409 and r.json["code"] == "stale_version"


def test_failed_update_is_audited_with_its_error(client, world):
    r = client.patch(
        f"/api/v1/people/{world['member_a'].id}",
        headers=auth(world["sec_a_token"]),
        json={"version": 99, "unit": "x"},
    )
    assert r.status_code == 409
    entry = db.session.query(AuditLog).filter_by(action="person.update").one()
    assert entry.result == "stale_version"


def test_audit_log_is_for_auditors_and_system_admins_only(client, world):
    client.get(
        f"/api/v1/people/{world['member_a'].id}/sensitive", headers=auth(world["sec_a_token"])
    )
    for token in (world["auditor_token"], world["sysadmin_token"]):
        r = client.get("/api/v1/audit-logs?action=person.read_sensitive", headers=auth(token))
        assert r.status_code == 200
        assert r.json["meta"]["total"] == 1
    for token in (world["sec_a_token"], world["admin_token"]):
        assert client.get("/api/v1/audit-logs", headers=auth(token)).status_code == 403


def test_audit_entries_cannot_be_edited(world, client):
    client.get(
        f"/api/v1/people/{world['member_a'].id}/sensitive", headers=auth(world["sec_a_token"])
    )
    entry = db.session.query(AuditLog).first()
    entry.result = "forged"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_system_admin_cannot_read_personal_data(client, world):
    r = client.get(f"/api/v1/people/{world['member_a'].id}", headers=auth(world["sysadmin_token"]))
    assert r.status_code == 403


def test_lists_show_who_has_bound_wechat(client, world):
    from server.auth.models import WechatBinding

    db.session.add(
        WechatBinding(person_id=world["member_a"].id, openid="bound-a", bound_via="invite")
    )
    db.session.commit()
    items = client.get("/api/v1/people?per_page=100", headers=auth(world["sec_a_token"])).json[
        "items"
    ]
    bound = {item["id"]: item["wechat_bound"] for item in items}
    assert bound[world["member_a"].id] is True
    assert list(bound.values()).count(True) == 1
    one = client.get(f"/api/v1/people/{world['member_a'].id}", headers=auth(world["sec_a_token"]))
    assert one.json["wechat_bound"] is True
