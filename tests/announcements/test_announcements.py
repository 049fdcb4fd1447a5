"""Announcements: who they reach (public, members of a subtree, holders of posts), pinning,
read receipts and their report, who may write and change them, and the one notification."""

from __future__ import annotations

import json

from sqlalchemy import event, func, select

from server.announcements.models import AnnouncementRead
from server.audit.models import AuditLog
from server.extensions import db
from server.notify.models import Notification

from .conftest import URL


def test_a_members_announcement_reaches_the_subtree_and_no_one_else(world):
    made = world.made("sec_general", org="general", title="总支公告")
    assert made["status"] == "published" and made["published_at"]
    for who in ("member_a", "grouped_a", "member_b", "sec_a", "discipline_b"):
        assert made["id"] in world.listed(who), who
        answer = world.get(who, made["id"])
        assert answer.status_code == 200, who
        assert answer.json["title"] == "总支公告" and answer.json["org_name"] == "计算机学院党总支"
    # Branch c is outside the general branch: neither listed nor readable (404, not 403).
    assert made["id"] not in world.listed("member_c")
    refused = world.get("member_c", made["id"])
    assert refused.status_code == 404 and refused.json["code"] == "not_found"


def test_another_branchs_member_cannot_read_a_branchs_members_announcement(world):
    made = world.made("sec_a", org="a")
    assert made["id"] in world.listed("member_a")
    assert made["id"] not in world.listed("member_b")
    assert world.get("member_b", made["id"]).status_code == 404
    # Nor can b's secretary, who manages another subtree.
    assert world.get("sec_b", made["id"]).status_code == 404


def test_a_party_groups_announcement_is_for_the_group(world):
    made = world.made("sec_a", org="group_a")
    assert made["id"] in world.listed("grouped_a")
    assert made["id"] not in world.listed("member_a")
    assert world.get("member_a", made["id"]).status_code == 404


def test_public_announcements_are_for_everyone_logged_in(world):
    made = world.made("sec_a", org="a", audience="public", title="党务公开：党费收缴情况")
    for who in ("member_a", "member_b", "member_c", "sec_b", "admin"):
        assert made["id"] in world.listed(who), who
        assert world.get(who, made["id"]).status_code == 200, who


def test_a_roles_announcement_reaches_the_holders_of_those_posts_in_the_subtree(world, f):
    made = world.made("admin", org="committee", audience="roles", roles=["discipline"])
    assert made["roles"] == ["discipline"] and made["role_labels"] == ["纪检委员"]
    assert made["id"] in world.listed("discipline_b")
    assert world.get("discipline_b", made["id"]).status_code == 200
    for who in ("member_a", "member_b", "sec_a"):
        assert made["id"] not in world.listed(who), who
        assert world.get(who, made["id"]).status_code == 404, who
    # Secretaries of branch a's subtree only: b's secretary holds the post elsewhere.
    secretaries = world.made("sec_a", org="a", audience="roles", roles=["secretary"])
    assert secretaries["id"] in world.listed("sec_a")
    assert secretaries["id"] not in world.listed("sec_b")
    assert world.get("sec_b", secretaries["id"]).status_code == 404


def test_pinned_first_then_newest(world):
    pinned = world.made("sec_a", audience="public", title="置顶", pinned=True)["id"]
    older = world.made("sec_a", audience="public", title="较早")["id"]
    newer = world.made("sec_a", title="较新")["id"]
    assert world.listed("member_a") == [pinned, newer, older]
    # Unpinning moves it back among the others by date.
    assert world.patch("sec_a", pinned, pinned=False).status_code == 200
    assert world.listed("member_a") == [newer, older, pinned]


def _reads(announcement_id):
    return db.session.scalars(
        select(AnnouncementRead).where(AnnouncementRead.announcement_id == announcement_id)
    ).all()


def test_reading_records_one_receipt_and_the_list_shows_it(world):
    made = world.made("sec_a", title="已读回执")
    listed = world.client.get(URL, headers=world.h("member_a")).json["items"]
    assert [(i["id"], i["read"]) for i in listed] == [(made["id"], False)]
    first = world.get("member_a", made["id"])
    assert first.status_code == 200 and first.json["read"] is True
    (row,) = _reads(made["id"])
    first_time = row.read_at
    assert world.get("member_a", made["id"]).json["read"] is True
    db.session.expire_all()
    (again,) = _reads(made["id"])
    assert again.read_at == first_time
    listed = world.client.get(URL, headers=world.h("member_a")).json["items"]
    assert [(i["id"], i["read"]) for i in listed] == [(made["id"], True)]


def test_the_receipts_report_counts_and_lists_who_has_not_read(world):
    made = world.made("sec_general", org="general", title="回执统计")
    # The audience: everyone in normal status under the general branch: secretaries of a, b,
    # general, the 纪检委员 of b, member_a, grouped_a, member_b.
    for who in ("member_a", "member_b"):
        world.get(who, made["id"])
    report = world.receipts("sec_general", made["id"], state="read")
    assert report.status_code == 200, report.json
    assert (report.json["audience_size"], report.json["read_count"]) == (7, 2)
    assert {i["name"] for i in report.json["items"]} == {"member_a", "member_b"}
    assert all(i["read_at"] for i in report.json["items"])
    unread = world.receipts("sec_general", made["id"], state="unread", per_page=3)
    assert unread.json["meta"] == {"page": 1, "per_page": 3, "total": 5, "pages": 2}
    second = world.receipts("sec_general", made["id"], state="unread", per_page=3, page=2)
    names = [i["name"] for i in unread.json["items"] + second.json["items"]]
    assert len(names) == len(set(names)) == 5
    assert "grouped_a" in names and "member_a" not in names
    assert all(i["read_at"] is None for i in second.json["items"])
    managed = world.client.get(f"{URL}/managed", headers=world.h("sec_general")).json["items"]
    assert [(m["id"], m["audience_size"], m["read_count"]) for m in managed] == [(made["id"], 7, 2)]


def test_a_public_announcements_receipts_report_on_the_publishing_orgs_members(world):
    made = world.made("sec_a", audience="public")
    world.get("member_c", made["id"])  # outside branch a: may read it, is not counted
    world.get("member_a", made["id"])
    report = world.receipts("sec_a", made["id"], state="read").json
    # Branch a: its secretary, member_a, grouped_a.
    assert (report["audience_size"], report["read_count"]) == (3, 1)
    assert [i["name"] for i in report["items"]] == ["member_a"]


def test_a_roles_announcements_receipts_count_the_post_holders(world):
    made = world.made("admin", org="committee", audience="roles", roles=["secretary"])
    world.get("sec_a", made["id"])
    report = world.receipts("admin", made["id"], state="unread").json
    assert (report["audience_size"], report["read_count"]) == (3, 1)
    assert len(report["items"]) == 2


def test_only_managers_of_the_org_write_and_change(world):
    # A member without a managing post: 403 for writing at all.
    refused = world.create("member_a", org="a")
    assert refused.status_code == 403
    # Another branch's secretary: the org is outside their scope (404).
    outside = world.create("sec_b", org="a")
    assert outside.status_code == 404 and outside.json["code"] == "not_found"
    unknown = world.client.post(
        URL,
        json={"org_id": 999999, "title": "x", "body": "<p>x</p>", "audience": "public"},
        headers=world.h("sec_a"),
    )
    assert unknown.status_code == 404
    members_only = world.made("sec_a", org="a")
    public = world.made("sec_a", org="a", audience="public")
    # b's secretary cannot see a's members' announcement (404) and cannot change the public
    # one they can read (403).
    assert world.patch("sec_b", members_only["id"], title="改").status_code == 404
    changed = world.patch("sec_b", public["id"], title="改")
    assert changed.status_code == 403 and changed.json["code"] == "not_manager"
    for action in ("publish", "withdraw"):
        assert world.post("sec_b", members_only["id"], action).status_code == 404
        assert world.post("sec_b", public["id"], action).status_code == 403
    # Branch a's secretary reads the general branch's announcement but does not manage it.
    general = world.made("sec_general", org="general")
    assert world.patch("sec_a", general["id"], pinned=True).status_code == 403
    assert world.receipts("sec_a", general["id"]).status_code == 403
    assert world.receipts("sec_b", members_only["id"]).status_code == 404
    assert world.receipts("member_a", members_only["id"]).status_code == 403
    # The committee admin manages everything below the committee.
    assert world.patch("admin", members_only["id"], pinned=True).status_code == 200
    # A branch secretary may publish publicly for their own branch (党务公开).
    assert world.made("sec_b", org="b", audience="public")["status"] == "published"


def test_bad_input_is_a_4xx(world):
    assert world.create("sec_a", audience="roles").json["code"] == "roles_required"
    assert world.create("sec_a", audience="roles", roles=["pope"]).status_code == 422
    assert world.create("sec_a", audience="everyone").status_code == 422
    assert world.create("sec_a", title="x" * 101).status_code == 422
    assert world.create("sec_a", title="标题\x07").status_code == 422
    assert world.create("sec_a", body="<p>" + "长" * 20_000 + "</p>").status_code == 422
    # Escaping can lengthen the body past the bound: 422, not a truncated body.
    grown = world.create("sec_a", body="<" * 5_001)  # 4 characters each once escaped
    assert grown.status_code == 422 and grown.json["code"] == "body_too_long"
    empty = world.create("sec_a", body="<script>alert(1)</script>")
    assert empty.status_code == 422 and empty.json["code"] == "body_required"
    base = {"org_id": world.orgs["a"].id, "title": "t", "audience": "public"}
    surrogate = world.client.post(
        URL,
        # A lone surrogate, which JSON allows and utf8mb4 cannot store.
        data=json.dumps({**base, "body": "a\ud800b"}),
        content_type="application/json",
        headers=world.h("sec_a"),
    )
    assert surrogate.status_code == 422
    for query in ({"page": 0}, {"page": "x"}, {"per_page": 1000}):
        assert (
            world.client.get(URL, query_string=query, headers=world.h("member_a")).status_code
            == 422
        )
    made = world.made("sec_a")
    assert world.receipts("sec_a", made["id"], state="all").status_code == 422
    assert world.client.get(f"{URL}/99999999999", headers=world.h("member_a")).status_code == 404
    assert world.client.get(URL).status_code == 401


def _actions():
    return db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()


def test_a_draft_is_edited_published_withdrawn_and_published_again(world):
    draft = world.made("sec_a", publish=False, title="草稿")
    assert draft["status"] == "draft" and draft["published_at"] is None
    assert draft["id"] not in world.listed("member_a")
    assert world.get("member_a", draft["id"]).status_code == 404
    assert world.get("sec_a", draft["id"]).json["can_manage"] is True
    edited = world.patch("sec_a", draft["id"], title="正式标题", body="<p>新的正文</p>")
    assert edited.status_code == 200
    assert (edited.json["title"], edited.json["summary"]) == ("正式标题", "新的正文")
    assert world.post("sec_a", draft["id"], "withdraw").json["code"] == "not_published"
    published = world.post("sec_a", draft["id"], "publish").json
    assert published["status"] == "published"
    assert draft["id"] in world.listed("member_a")
    # Publishing again changes nothing.
    assert world.post("sec_a", draft["id"], "publish").json == published
    withdrawn = world.post("sec_a", draft["id"], "withdraw").json
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_at"]
    assert draft["id"] not in world.listed("member_a")
    assert world.get("member_a", draft["id"]).status_code == 404
    again = world.post("sec_a", draft["id"], "publish").json
    assert again["status"] == "published" and again["withdrawn_at"] is None
    assert again["published_at"] == published["published_at"]  # its first publication
    status = world.client.get(
        f"{URL}/managed", query_string={"status": "published"}, headers=world.h("sec_a")
    ).json
    assert [i["id"] for i in status["items"]] == [draft["id"]]
    assert _actions() == [
        "announcement.create",
        "announcement.update",
        "announcement.withdraw",  # the refused attempt is on record too
        "announcement.publish",
        "announcement.withdraw",
        "announcement.publish",
    ]


def test_changing_the_audience_changes_who_reads_it(world):
    made = world.made("sec_a")
    assert world.get("member_c", made["id"]).status_code == 404
    assert world.patch("sec_a", made["id"], audience="public").json["audience"] == "public"
    assert world.get("member_c", made["id"]).status_code == 200
    roles = world.patch("sec_a", made["id"], audience="roles")
    assert roles.status_code == 422 and roles.json["code"] == "roles_required"


def _notifications():
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_the_audience_is_notified_once_when_first_published(world):
    draft = world.made("sec_a", publish=False)
    assert _notifications() == []
    world.post("sec_a", draft["id"], "publish")
    world.post("sec_a", draft["id"], "withdraw")
    world.post("sec_a", draft["id"], "publish")
    (sent,) = _notifications()
    assert sent.kind == "announcement" and sent.org_id == world.orgs["a"].id
    # Branch a's people but the author.
    assert sent.recipient_ids == sorted([world.people["member_a"].id, world.people["grouped_a"].id])
    assert sent.title == "本科生第一党支部公告：关于开展主题党日活动的通知"
    assert sent.page == f"pages/announcements/detail?id={draft['id']}"
    # Public ones are on the portal and in everyone's list; they are not pushed.
    world.made("sec_a", audience="public")
    assert len(_notifications()) == 1
    world.made("admin", org="committee", audience="roles", roles=["discipline"])
    assert _notifications()[-1].recipient_ids == [world.people["discipline_b"].id]


def test_a_managers_view_carries_the_author_and_readers_do_not(world):
    made = world.made("sec_a", audience="public")
    assert made["author"] and made["can_manage"] is True
    seen = world.get("member_c", made["id"]).json
    assert seen["author"] is None and seen["can_manage"] is False
    assert db.session.scalar(select(func.count()).select_from(AnnouncementRead)) == 1


def _is_error(response, status: int, code: str) -> bool:
    """A JSON error with the stable code and a Chinese message."""
    body = response.get_json(silent=True) or {}
    message = body.get("message") or ""
    return (
        response.status_code == status
        and body.get("code") == code
        and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    )


def test_wrong_types_missing_fields_and_malformed_bodies_are_a_4xx(world):
    base = {"org_id": world.orgs["a"].id, "title": "t", "body": "<p>x</p>", "audience": "public"}
    h = world.h("sec_a")
    for name, value in (
        ("org_id", "abc"),
        ("org_id", 2**40),  # beyond INT: refused before any query
        ("org_id", -1),
        ("org_id", None),
        ("title", 5),
        ("title", ["标题"]),
        ("title", "   "),
        ("body", 5),
        ("body", {"html": "<p>x</p>"}),
        ("audience", None),
        ("roles", "secretary"),
        ("roles", [1]),
        ("roles", ["secretary"] * 50),
        ("pinned", "maybe"),
        ("publish", "x"),
        ("author", "someone else"),  # an unknown field
    ):
        answer = world.client.post(URL, json={**base, name: value}, headers=h)
        assert _is_error(answer, 422, "validation_error"), (name, value, answer.json)
        assert name in answer.json["errors"], (name, answer.json)
    for missing in base:
        body = {k: v for k, v in base.items() if k != missing}
        answer = world.client.post(URL, json=body, headers=h)
        assert _is_error(answer, 422, "validation_error"), missing
    malformed = world.client.post(URL, data="{not json", content_type="application/json", headers=h)
    assert _is_error(malformed, 400, "malformed_json")
    for raw in ("[]", "null", '"text"'):
        answer = world.client.post(URL, data=raw, content_type="application/json", headers=h)
        assert _is_error(answer, 422, "validation_error"), raw
    made = world.made("sec_a")
    path = f"{URL}/{made['id']}"
    for body in (
        {"title": 5},
        {"title": ""},
        {"body": None},
        {"body": ""},
        {"audience": "everyone"},
        {"roles": "secretary"},
        {"pinned": "x"},
        {"org_id": world.orgs["b"].id},  # the publishing org cannot be changed
    ):
        answer = world.client.patch(path, json=body, headers=h)
        assert _is_error(answer, 422, "validation_error"), (body, answer.json)
    answer = world.client.patch(path, data="[]", content_type="application/json", headers=h)
    assert _is_error(answer, 422, "validation_error")
    # Nothing of it changed the announcement.
    assert world.get("sec_a", made["id"]).json["title"] == made["title"]


def test_bad_queries_and_ids_on_every_endpoint_are_a_4xx(world):
    made = world.made("sec_a")
    h = world.h("sec_a")
    for path, query in (
        ("/managed", {"status": "archived"}),
        ("/managed", {"page": 0}),
        ("/managed", {"page": "x"}),
        ("/managed", {"per_page": 101}),
        ("/managed", {"page": 100001}),
        (f"/{made['id']}/receipts", {"page": 0}),
        (f"/{made['id']}/receipts", {"per_page": 1000}),
        (f"/{made['id']}/receipts", {"state": ""}),
    ):
        answer = world.client.get(URL + path, query_string=query, headers=h)
        assert _is_error(answer, 422, "validation_error"), (path, query)
    # An id in range that does not exist is the same 404 as someone else's; ids beyond INT
    # never reach the database (no route matches them: werkzeug answers 405 where another
    # method serves the same path, 404 elsewhere).
    for announcement_id in (2**31 - 1, 2**31, 99999999999):
        for method, suffix in (
            ("get", ""),
            ("patch", ""),
            ("post", "/publish"),
            ("post", "/withdraw"),
            ("get", "/receipts"),
        ):
            send = getattr(world.client, method)
            kwargs = {"json": {"title": "改"}} if method == "patch" else {}
            answer = send(f"{URL}/{announcement_id}{suffix}", headers=h, **kwargs)
            where = (announcement_id, method, suffix)
            if announcement_id < 2**31 or method == "get" or suffix:
                assert _is_error(answer, 404, "not_found"), where
            else:
                assert _is_error(answer, 405, "method_not_allowed"), where


def test_the_managed_list_counts_each_announcements_audience_and_reads(world, app):
    members = [world.made("sec_general", org="general", title=f"公告{n}")["id"] for n in range(3)]
    roles = world.made("sec_general", org="general", audience="roles", roles=["discipline"])
    public = world.made("sec_a", audience="public")  # branch a is under the general branch
    world.get("member_a", members[0])
    world.get("member_b", members[1])
    world.get("discipline_b", roles["id"])
    world.get("member_a", public["id"])
    world.get("member_c", public["id"])  # outside branch a: not counted

    seen: list[str] = []

    def managed() -> dict:
        def record(_conn, _cursor, statement, *_args):
            seen.append(statement)

        seen.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            answer = world.client.get(f"{URL}/managed", headers=world.h("sec_general"))
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert answer.status_code == 200, answer.json
        return {i["id"]: (i["audience_size"], i["read_count"]) for i in answer.json["items"]}

    # The general branch: 7 people (see the receipts test); its 纪检委员: 1; branch a: 3.
    assert managed() == {
        members[0]: (7, 1),
        members[1]: (7, 1),
        members[2]: (7, 0),
        roles["id"]: (1, 1),
        public["id"]: (3, 1),
    }
    # The figures are queried per audience (three here), not per announcement.
    reads = [s for s in seen if "announcement_reads" in s]
    assert len(reads) == 3
    for n in range(3):
        world.made("sec_general", org="general", title=f"更多公告{n}")
    assert len(managed()) == 8
    assert len([s for s in seen if "announcement_reads" in s]) == len(reads)
