"""The inbox, reminder settings, subscribe grants and the sender's delivery report over HTTP:
successes and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.notify.models import Notification, SubscribeGrant
from server.notify.services import notify
from tests.factories import auth

MEETING = {
    "title": "支部党员大会",
    "start_at": datetime(2026, 12, 1, 11),
    "place": "A301",
    "meeting_id": 7,
}


@pytest.fixture
def world(f):
    tree = f.tree()
    sec_a, sec_a_token = f.secretary(tree["a"])
    _, sec_b_token = f.secretary(tree["b"])
    member = f.person(tree["group_a"], name="张伟")
    other = f.person(tree["b"], name="李娜")
    f.wechat(member, follower=True)
    return {
        "tree": tree,
        "sec_a": sec_a,
        "sec_a_token": sec_a_token,
        "sec_b_token": sec_b_token,
        "member": member,
        "member_token": f.token_for(member),
        "other": other,
        "other_token": f.token_for(other),
        "admin_token": f.account_token(
            f.account("office", [("committee_admin", tree["committee"])])
        ),
        "sysadmin_token": f.account_token(f.account("root", [("system_admin", None)])),
    }


def _inbox_for(world, jobs, count=3):
    for i in range(count):
        notify(
            "meeting_notice",
            [world["member"].id, world["other"].id],
            dict(MEETING, title=f"会议{i}"),
        )
    db.session.commit()
    jobs.run()


# -- inbox -----------------------------------------------------------------------------------


def test_the_inbox_lists_newest_first_with_the_unread_total(client, world, jobs):
    _inbox_for(world, jobs)
    r = client.get("/api/v1/inbox?per_page=2", headers=auth(world["member_token"]))
    assert r.status_code == 200, r.json
    body = r.json
    assert body["unread"] == 3
    assert body["meta"]["total"] == 3 and body["meta"]["pages"] == 2
    first = body["items"][0]
    assert first["title"] == "会议通知：会议2"
    assert first["kind"] == "meeting_notice" and first["kind_label"] == "会议通知"
    assert first["page"] == "pages/meetings/detail/index?id=7"
    assert first["read_at"] is None
    assert first["created_at"].endswith("+00:00")


def test_reading_one_and_all(client, world, jobs):
    _inbox_for(world, jobs)
    headers = auth(world["member_token"])
    items = client.get("/api/v1/inbox", headers=headers).json["items"]
    r = client.post(f"/api/v1/inbox/{items[1]['id']}/read", headers=headers)
    assert r.status_code == 200 and r.json["read_at"]
    again = client.post(f"/api/v1/inbox/{items[1]['id']}/read", headers=headers)
    assert again.json["read_at"] == r.json["read_at"]  # the first read time stays
    unread = client.get("/api/v1/inbox?unread=true", headers=headers).json
    assert unread["unread"] == 2 and len(unread["items"]) == 2
    assert client.post("/api/v1/inbox/read-all", headers=headers).json == {"updated": 2}
    assert client.get("/api/v1/inbox", headers=headers).json["unread"] == 0
    # the other recipient's items are untouched
    assert client.get("/api/v1/inbox", headers=auth(world["other_token"])).json["unread"] == 3


def test_someone_elses_inbox_item_is_not_found(client, world, jobs):
    _inbox_for(world, jobs, 1)
    theirs = client.get("/api/v1/inbox", headers=auth(world["other_token"])).json["items"][0]
    r = client.post(f"/api/v1/inbox/{theirs['id']}/read", headers=auth(world["member_token"]))
    assert r.status_code == 404 and r.json["code"] == "not_found"
    check = client.get("/api/v1/inbox", headers=auth(world["other_token"])).json
    assert check["items"][0]["read_at"] is None


def test_an_account_without_a_member_record_has_no_inbox(client, world):
    r = client.get("/api/v1/inbox", headers=auth(world["sysadmin_token"]))
    assert r.status_code == 403 and r.json["code"] == "no_member"
    assert "党员档案" in r.json["message"]


@pytest.mark.parametrize("query", ["page=0", "per_page=1000", "unread=maybe", "page=abc"])
def test_bad_inbox_queries_are_422(client, world, query):
    r = client.get(f"/api/v1/inbox?{query}", headers=auth(world["member_token"]))
    assert r.status_code == 422 and r.json["code"] == "validation_error"


# -- preferences -----------------------------------------------------------------------------


def test_preferences_switch_kinds_off_and_on(client, world):
    headers = auth(world["member_token"])
    items = client.get("/api/v1/notifications/preferences", headers=headers).json["items"]
    assert {i["kind"] for i in items} >= {"meeting_notice", "meeting_reminder", "study_reminder"}
    assert all(i["enabled"] for i in items)
    assert next(i for i in items if i["kind"] == "meeting_reminder")["switchable"] is False

    off = client.patch(
        "/api/v1/notifications/preferences",
        json={"preferences": {"study_reminder": False, "meeting_notice": False}},
        headers=headers,
    )
    assert off.status_code == 200
    state = {i["kind"]: i["enabled"] for i in off.json["items"]}
    assert state["study_reminder"] is False and state["meeting_notice"] is False
    twice = client.patch(
        "/api/v1/notifications/preferences",
        json={"preferences": {"study_reminder": False}},
        headers=headers,
    )
    assert twice.status_code == 200
    on = client.patch(
        "/api/v1/notifications/preferences",
        json={"preferences": {"study_reminder": True}},
        headers=headers,
    )
    state = {i["kind"]: i["enabled"] for i in on.json["items"]}
    assert state["study_reminder"] is True and state["meeting_notice"] is False
    # someone else's settings are their own
    theirs = client.get("/api/v1/notifications/preferences", headers=auth(world["other_token"]))
    assert all(i["enabled"] for i in theirs.json["items"])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"preferences": {"meeting_reminder": False}}, "not_switchable"),
        ({"preferences": {"party_time": False}}, "unknown_kind"),
        ({"preferences": {}}, "validation_error"),
        ({"preferences": {"study_reminder": "no"}}, "validation_error"),
        ({"preferences": []}, "validation_error"),
        ({}, "validation_error"),
    ],
)
def test_bad_preference_changes_are_refused_and_change_nothing(client, world, body, code):
    headers = auth(world["member_token"])
    r = client.patch("/api/v1/notifications/preferences", json=body, headers=headers)
    assert r.status_code == 422 and r.json["code"] == code, r.json
    items = client.get("/api/v1/notifications/preferences", headers=headers).json["items"]
    assert all(i["enabled"] for i in items)


# -- subscribe grants ------------------------------------------------------------------------


def test_subscribe_templates_and_grants(client, world):
    headers = auth(world["member_token"])
    templates = client.get("/api/v1/notifications/subscribe-templates", headers=headers).json
    ids = {t["kind"]: t["template_id"] for t in templates["items"]}
    assert ids["meeting_notice"] == "MP_MEETING_NOTICE"
    results = {
        ids["meeting_notice"]: "accept",
        ids["study_reminder"]: "reject",
        "OLD_TPL": "accept",
    }
    r = client.post(
        "/api/v1/notifications/subscribe-grants", json={"results": results}, headers=headers
    )
    assert r.status_code == 200, r.json
    assert r.json["granted"] == {"MP_MEETING_NOTICE": 1, "MP_STUDY_REMINDER": 0}
    r = client.post(
        "/api/v1/notifications/subscribe-grants",
        json={"results": {"MP_MEETING_NOTICE": "accept"}},
        headers=headers,
    )
    assert r.json["granted"] == {"MP_MEETING_NOTICE": 2}
    rows = db.session.execute(select(SubscribeGrant)).scalars().all()
    assert [(g.openid, g.template_id, g.remaining) for g in rows] == [
        (f"mp-{world['member'].id}", "MP_MEETING_NOTICE", 2)
    ]


def test_grants_need_a_bound_wechat_and_valid_results(client, world):
    r = client.post(
        "/api/v1/notifications/subscribe-grants",
        json={"results": {"MP_MEETING_NOTICE": "accept"}},
        headers=auth(world["other_token"]),
    )
    assert r.status_code == 409 and r.json["code"] == "not_bound"
    for results in ({"MP_MEETING_NOTICE": "yes"}, {}, {"x" * 65: "accept"}, "accept"):
        r = client.post(
            "/api/v1/notifications/subscribe-grants",
            json={"results": results},
            headers=auth(world["member_token"]),
        )
        assert r.status_code == 422, results
    assert db.session.execute(select(SubscribeGrant)).first() is None


# -- the sender's side -----------------------------------------------------------------------


def _notice(client, token, org_id, **extra):
    return client.post(
        "/api/v1/notifications",
        json={"org_id": org_id, "title": "本周五下午学习", "content": "请带好笔记本。", **extra},
        headers=auth(token),
    )


def test_a_secretary_sends_a_notice_to_the_branch_and_sees_the_report(client, world, jobs):
    r = _notice(client, world["sec_a_token"], world["tree"]["a"].id)
    assert r.status_code == 201, r.json
    nid = r.json["id"]
    assert r.json["recipient_count"] == 2  # the secretary and the member in the group
    jobs.run()
    report = client.get(f"/api/v1/notifications/{nid}", headers=auth(world["sec_a_token"])).json
    assert report["counts"]["total"] == 2
    assert report["counts"]["by_state"] == {"sent": 1, "unreachable": 1}
    assert report["counts"]["by_channel"] == {"template": 1}
    assert report["sender"].startswith(world["sec_a"].name)
    rows = client.get(
        f"/api/v1/notifications/{nid}/deliveries?state=unreachable",
        headers=auth(world["sec_a_token"]),
    ).json["items"]
    assert [(row["name"], row["state_label"], row["reason"]) for row in rows] == [
        (world["sec_a"].name, "微信不可达（仅站内信）", "not_bound")
    ]
    listed = client.get("/api/v1/notifications", headers=auth(world["sec_a_token"])).json
    assert [n["id"] for n in listed["items"]] == [nid]
    assert listed["items"][0]["counts"]["total"] == 2
    audit = db.session.execute(
        select(AuditLog).where(AuditLog.action == "notification.send")
    ).scalar_one()
    assert audit.target_id == nid and audit.detail["recipients"] == 2
    member_inbox = client.get("/api/v1/inbox", headers=auth(world["member_token"])).json
    assert member_inbox["items"][0]["body"] == "请带好笔记本。"


def test_other_branches_neither_send_nor_see(client, world, jobs):
    nid = _notice(client, world["sec_a_token"], world["tree"]["a"].id).json["id"]
    r = _notice(client, world["sec_b_token"], world["tree"]["a"].id)
    assert r.status_code == 404
    for path in (f"/api/v1/notifications/{nid}", f"/api/v1/notifications/{nid}/deliveries"):
        assert client.get(path, headers=auth(world["sec_b_token"])).status_code == 404
    assert (
        client.get("/api/v1/notifications", headers=auth(world["sec_b_token"])).json["items"] == []
    )
    assert (
        client.delete(
            f"/api/v1/notifications/{nid}", headers=auth(world["sec_b_token"])
        ).status_code
        == 404
    )
    # the committee sees everything under it
    admin = client.get("/api/v1/notifications", headers=auth(world["admin_token"])).json
    assert [n["id"] for n in admin["items"]] == [nid]


def test_members_cannot_send_or_read_reports(client, world):
    headers = auth(world["member_token"])
    assert _notice(client, world["member_token"], world["tree"]["a"].id).status_code == 403
    assert client.get("/api/v1/notifications", headers=headers).status_code == 403


def test_a_scheduled_notice_can_be_cancelled_until_it_goes_out(client, world, jobs):
    at = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    r = _notice(client, world["sec_a_token"], world["tree"]["a"].id, at=at)
    assert r.status_code == 201 and r.json["state"] == "scheduled"
    nid = r.json["id"]
    assert f"notify-n{nid}" in jobs.scheduled()
    r = client.delete(f"/api/v1/notifications/{nid}", headers=auth(world["sec_a_token"]))
    assert r.status_code == 200 and r.json["state"] == "cancelled"
    assert jobs.scheduled() == {}
    sent = _notice(client, world["sec_a_token"], world["tree"]["a"].id).json["id"]
    jobs.run()
    r = client.delete(f"/api/v1/notifications/{sent}", headers=auth(world["sec_a_token"]))
    assert r.status_code == 409 and r.json["code"] == "already_sent"


@pytest.mark.parametrize(
    "extra",
    [
        {"title": ""},
        {"title": "长" * 41},
        {"content": "x" * 501},
        {"at": "2020-01-01T00:00:00Z"},
        {"at": "tomorrow"},
        {"org_id": 0},
        {"org_id": "a"},
    ],
)
def test_bad_notices_are_422_and_nothing_is_stored(client, world, extra):
    body = {"org_id": world["tree"]["a"].id, "title": "标题", "content": "内容", **extra}
    r = client.post("/api/v1/notifications", json=body, headers=auth(world["sec_a_token"]))
    assert r.status_code == 422, r.json
    assert db.session.execute(select(Notification)).first() is None


def test_an_org_without_members_is_refused(client, world, f):
    empty = f.org("空支部", "branch", world["tree"]["general"])
    admin = world["admin_token"]
    r = _notice(client, admin, empty.id)
    assert r.status_code == 422 and r.json["code"] == "no_recipients"


def test_the_sandbox_outbox_is_shown_to_the_committee_only(client, world, jobs):
    _notice(client, world["sec_a_token"], world["tree"]["a"].id)
    jobs.run()
    r = client.get("/api/v1/wechat/outbox", headers=auth(world["admin_token"]))
    assert r.status_code == 200
    [message] = r.json["items"]
    assert message["channel"] == "template" and message["touser"] == f"oa-{world['member'].id}"
    assert (
        client.get("/api/v1/wechat/outbox", headers=auth(world["sec_a_token"])).status_code == 403
    )
    assert (
        client.get("/api/v1/wechat/outbox?limit=0", headers=auth(world["admin_token"])).status_code
        == 422
    )


def test_a_sender_is_limited_to_a_number_of_notices_per_hour(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "notices_per_hour", 2)
    org = world["tree"]["a"].id
    assert _notice(client, world["sec_a_token"], org).status_code == 201
    assert _notice(client, world["sec_a_token"], org).status_code == 201
    r = _notice(client, world["sec_a_token"], org)
    assert r.status_code == 429 and r.json["code"] == "too_many_notices"
    assert db.session.execute(select(db.func.count(Notification.id))).scalar() == 2
    # another sender has their own allowance
    assert _notice(client, world["admin_token"], org).status_code == 201


def test_an_inbox_page_costs_the_same_queries_however_many_items_it_has(client, world, jobs, app):
    from sqlalchemy import event

    headers = auth(world["member_token"])
    statements = []

    def count(*_args):
        statements.append(1)

    def queries_for_inbox():
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/api/v1/inbox", headers=headers).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    _inbox_for(world, jobs, 1)
    one = queries_for_inbox()
    _inbox_for(world, jobs, 6)
    seven = queries_for_inbox()
    assert seven == one
