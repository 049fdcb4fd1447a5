"""Comments on the minutes: who may write, read and delete them, the content check holding
flagged ones for review (WeChat's check included), the rate limit and the feed's counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from server.audit.models import AuditLog
from server.extensions import db
from server.meetings.models import MeetingComment
from server.safety.models import ContentReview
from tests.factories import auth


@pytest.fixture
def meeting(branch):
    """A meeting of branch A held three hours ago, with its minutes."""
    held = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    response = branch.client.put(
        f"/api/v1/meetings/{held['id']}/minutes",
        json={"agenda": "议程", "content": "发言", "resolutions": "通过了年度工作计划"},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 200, response.json
    return held


@pytest.fixture
def admin(f, branch):
    """A committee admin over the whole tree: reviews the queue; not a member."""
    return f.account_token(f.account("office", [("committee_admin", branch.orgs["committee"])]))


def _post(branch, meeting, content, headers):
    return branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/comments", json={"content": content}, headers=headers
    )


def _list(branch, meeting, headers, **query):
    response = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/comments", query_string=query, headers=headers
    )
    assert response.status_code == 200, response.json
    return response.json


def _delete(branch, meeting, comment_id, headers):
    return branch.client.delete(
        f"/api/v1/meetings/{meeting['id']}/comments/{comment_id}", headers=headers
    )


def _seen(branch, meeting, headers):
    return [(c["content"], c["status"]) for c in _list(branch, meeting, headers)["items"]]


def _feed_counts(branch, headers):
    response = branch.client.get(f"/api/v1/orgs/{branch.org.id}/feed", headers=headers)
    assert response.status_code == 200, response.json
    return {item["meeting_id"]: item["comment_count"] for item in response.json["items"]}


def _actions():
    return db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()


def test_members_comment_read_oldest_first_and_delete_their_own(app, branch, meeting):
    author, reader = branch.members[0], branch.members[1]
    first = _post(branch, meeting, "  会议精神要落实到日常学习中  ", branch.as_member(author))
    assert first.status_code == 201, first.json
    body = first.json
    assert body["content"] == "会议精神要落实到日常学习中"  # trimmed
    assert body["status"] == "published" and body["mine"] is True
    assert body["author"] == {"id": author.id, "name": author.name}
    assert body["created_at"].endswith("+00:00")
    second = _post(branch, meeting, "同意，支持", branch.as_member(reader)).json
    listed = _list(branch, meeting, branch.as_member(reader))
    assert [(c["id"], c["mine"]) for c in listed["items"]] == [
        (body["id"], False), (second["id"], True),
    ]  # fmt: skip
    assert listed["meta"]["total"] == 2
    paged = _list(branch, meeting, branch.as_member(reader), page=2, per_page=1)
    assert [c["id"] for c in paged["items"]] == [second["id"]]
    # The secretary reads them (and is a member: may comment too).
    assert len(_list(branch, meeting, branch.as_secretary())["items"]) == 2
    third = _post(branch, meeting, "书记补充一句", branch.as_secretary())
    assert third.status_code == 201
    assert _feed_counts(branch, branch.as_member(reader)) == {meeting["id"]: 3}

    assert _delete(branch, meeting, body["id"], branch.as_member(author)).status_code == 204
    assert [c["id"] for c in _list(branch, meeting, branch.as_member(author))["items"]] == [
        second["id"], third.json["id"],
    ]  # fmt: skip
    assert _feed_counts(branch, branch.as_member(reader)) == {meeting["id"]: 2}
    row = db.session.get(MeetingComment, body["id"])
    assert row.deleted_at is not None  # kept, marked deleted
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "meeting.comment.delete")
    ).one()
    assert (entry.target_type, entry.target_id, entry.org_id, entry.actor_person_id) == (
        "meeting_comment", body["id"], branch.org.id, author.id,
    )  # fmt: skip
    assert entry.detail["by"] == "author" and entry.detail["author_id"] == author.id
    # Gone is gone: a second delete and an unknown id are 404.
    assert _delete(branch, meeting, body["id"], branch.as_member(author)).status_code == 404
    assert _delete(branch, meeting, 999999, branch.as_member(author)).status_code == 404


def test_a_flagged_comment_waits_for_review_and_only_its_author_sees_it(
    app, branch, meeting, admin
):
    author, reader = branch.members[0], branch.members[1]
    made = _post(branch, meeting, "会后一起去赌 博吧", branch.as_member(author))
    assert made.status_code == 201 and made.json["status"] == "pending"
    assert _seen(branch, meeting, branch.as_member(author)) == [("会后一起去赌 博吧", "pending")]
    # Nobody else sees it, the secretary included (held content is read in the queue).
    assert _seen(branch, meeting, branch.as_member(reader)) == []
    assert _seen(branch, meeting, branch.as_secretary()) == []
    assert _list(branch, meeting, auth(admin))["meta"]["total"] == 0
    assert _feed_counts(branch, branch.as_member(reader)) == {meeting["id"]: 0}
    queue = branch.client.get("/api/v1/safety/reviews", headers=auth(admin)).json
    (item,) = queue["items"]
    assert (item["kind"], item["kind_label"], item["object_id"], item["author"]) == (
        "meeting.comment", "会议记录评论", made.json["id"], author.name,
    )  # fmt: skip
    assert item["org_id"] == author.org_id
    assert item["reasons"] == [{"source": "words", "word": "赌博", "excerpt": "赌 博"}]
    # Another member cannot delete what they cannot see.
    assert _delete(branch, meeting, made.json["id"], branch.as_member(reader)).status_code == 404

    decided = branch.client.post(
        f"/api/v1/safety/reviews/{item['id']}/decision", json={"approve": True},
        headers=auth(admin),
    )  # fmt: skip
    assert decided.status_code == 200
    assert _seen(branch, meeting, branch.as_member(reader)) == [("会后一起去赌 博吧", "published")]
    assert _feed_counts(branch, branch.as_member(reader)) == {meeting["id"]: 1}


def test_a_rejected_comment_stays_hidden_and_its_author_is_told(app, branch, meeting, admin):
    author, reader = branch.members[0], branch.members[1]
    made = _post(branch, meeting, "赌博", branch.as_member(author)).json
    review = db.session.scalars(
        select(ContentReview).where(ContentReview.kind == "meeting.comment")
    ).one()
    assert review.object_id == made["id"]
    decided = branch.client.post(
        f"/api/v1/safety/reviews/{review.id}/decision", json={"approve": False},
        headers=auth(admin),
    )  # fmt: skip
    assert decided.status_code == 200
    assert _seen(branch, meeting, branch.as_member(author)) == [("赌博", "rejected")]
    assert _seen(branch, meeting, branch.as_member(reader)) == []
    assert _feed_counts(branch, branch.as_member(reader)) == {meeting["id"]: 0}
    # The author may still remove it.
    assert _delete(branch, meeting, made["id"], branch.as_member(author)).status_code == 204


@pytest.mark.parametrize(
    "body",
    [{}, {"content": ""}, {"content": "   "}, {"content": None}, {"content": 123},
     {"content": ["评论"]}, {"content": "长" * 501}, {"content": "a\x00b"}],
)  # fmt: skip
def test_bad_content_is_422_and_writes_nothing(app, branch, meeting, body):
    response = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/comments",
        json=body,
        headers=branch.as_member(branch.members[0]),
    )
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["content"]
    assert db.session.scalars(select(MeetingComment)).all() == []


def test_500_characters_is_the_limit(app, branch, meeting):
    ok = _post(branch, meeting, "长" * 500, branch.as_member(branch.members[0]))
    assert ok.status_code == 201 and len(ok.json["content"]) == 500


def test_only_members_who_may_read_the_minutes_comment(app, branch, meeting, admin, f):
    outsider = auth(f.token_for(f.person(branch.orgs["b"])))
    assert _post(branch, meeting, "看看", outsider).status_code == 404
    got = branch.client.get(f"/api/v1/meetings/{meeting['id']}/comments", headers=outsider)
    assert got.status_code == 404
    assert (
        branch.client.get("/api/v1/meetings/999999/comments", headers=outsider).status_code == 404
    )
    # A console account reads the comments of the orgs it oversees but writes none.
    denied = _post(branch, meeting, "管理员评论", auth(admin))
    assert denied.status_code == 403
    assert _list(branch, meeting, auth(admin))["items"] == []
    # A member who joined after the meeting reads its minutes, so may comment on them.
    newcomer = f.person(branch.org)
    assert _post(branch, meeting, "补看了会议记录", auth(f.token_for(newcomer))).status_code == 201
    # A draft is invisible to members: 404, not 409.
    draft = branch.meeting(publish=False)
    response = _post(branch, draft, "草稿", branch.as_member(branch.members[0]))
    assert response.status_code == 404


def test_no_comments_before_the_minutes_exist(app, branch):
    upcoming = branch.meeting(starts_in=timedelta(days=1))
    response = _post(branch, upcoming, "期待", branch.as_member(branch.members[0]))
    assert response.status_code == 409 and response.json["code"] == "no_minutes"
    assert _list(branch, upcoming, branch.as_member(branch.members[0]))["items"] == []


def test_who_may_delete(app, branch, meeting, admin, f):
    author, other = branch.members[0], branch.members[1]
    ids = [_post(branch, meeting, f"第{i}条", branch.as_member(author)).json["id"] for i in (1, 2)]
    refused = _delete(branch, meeting, ids[0], branch.as_member(other))
    assert refused.status_code == 403 and refused.json["code"] == "not_author"
    _, other_secretary = f.secretary(branch.orgs["b"])
    assert _delete(branch, meeting, ids[0], auth(other_secretary)).status_code == 404
    inspector = f.account("inspector", [("discipline_inspector", branch.orgs["committee"])])
    assert _delete(branch, meeting, ids[0], auth(f.account_token(inspector))).status_code == 403
    assert _delete(branch, meeting, ids[0], branch.as_secretary()).status_code == 204
    assert _delete(branch, meeting, ids[1], auth(admin)).status_code == 204
    assert _list(branch, meeting, branch.as_member(author))["items"] == []
    # A comment id of another meeting is not found under this one.
    second = branch.meeting(starts_in=timedelta(hours=-5), minutes=60)
    branch.client.put(
        f"/api/v1/meetings/{second['id']}/minutes", json={"agenda": "议程", "content": "发言"},
        headers=branch.as_secretary(),
    )  # fmt: skip
    elsewhere = _post(branch, second, "另一次会议", branch.as_member(author)).json["id"]
    assert _delete(branch, meeting, elsewhere, branch.as_secretary()).status_code == 404
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "meeting.comment.delete", AuditLog.result == "ok")
    ).all()
    assert [(e.target_id, e.detail["by"]) for e in entries] == [
        (ids[0], "manager"), (ids[1], "manager"),
    ]  # fmt: skip
    assert entries[1].actor_account_id is not None


def test_at_most_ten_comments_a_minute(app, branch, meeting):
    headers = branch.as_member(branch.members[0])
    for i in range(10):
        assert _post(branch, meeting, f"第{i}条", headers).status_code == 201
    refused = _post(branch, meeting, "第十一条", headers)
    assert refused.status_code == 429 and refused.json["code"] == "too_many_comments"
    assert len(_list(branch, meeting, headers)["items"]) == 10
    # Per person: another member is not held back.
    assert (
        _post(branch, meeting, "我也说一句", branch.as_member(branch.members[1])).status_code == 201
    )


def test_the_feed_counts_comments_in_one_query_per_page(app, branch, meeting):
    headers = branch.as_member(branch.members[0])
    _post(branch, meeting, "第一条", headers)

    def statements():
        seen = []

        def on_execute(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", on_execute)
        try:
            _feed_counts(branch, headers)
        finally:
            event.remove(db.engine, "before_cursor_execute", on_execute)
        return [s for s in seen if "meeting_comments" in s]

    assert len(statements()) == 1
    for hours in (5, 7, 9):
        more = branch.meeting(starts_in=timedelta(hours=-hours), minutes=60)
        branch.client.put(
            f"/api/v1/meetings/{more['id']}/minutes", json={"agenda": "议程", "content": "发言"},
            headers=branch.as_secretary(),
        )  # fmt: skip
        _post(branch, more, f"{hours}小时前的会", headers)
    assert len(statements()) == 1
    counts = _feed_counts(branch, headers)
    assert len(counts) == 4 and set(counts.values()) == {1}


@pytest.fixture
def wechat_check(app, real_wechat, monkeypatch):
    monkeypatch.setitem(app.config["SAFETY"], "wechat_check", True)
    real_wechat.set_sec_words({"不当言论": ("risky", 20001)})
    return real_wechat


def test_wechat_msg_sec_check_holds_a_comment_it_does_not_pass(
    app, branch, meeting, f, wechat_check
):
    author, reader = branch.members[0], branch.members[1]
    f.wechat(author)
    held = _post(branch, meeting, "评论里有不当言论", branch.as_member(author))
    assert held.status_code == 201 and held.json["status"] == "pending"
    clean = _post(branch, meeting, "认真学习", branch.as_member(author))
    assert clean.json["status"] == "published"
    assert [c["openid"] for c in wechat_check.sec_checks()] == [f"mp-{author.id}"] * 2
    assert wechat_check.sec_checks()[0]["scene"] == 2
    review = db.session.scalars(select(ContentReview)).one()
    assert (review.kind, review.object_id) == ("meeting.comment", held.json["id"])
    assert review.reasons == [{"source": "wechat", "suggest": "risky", "label": 20001}]
    assert _seen(branch, meeting, branch.as_member(reader)) == [("认真学习", "published")]
    # WeChat unreachable: the word filter alone decides.
    wechat_check.fail_next("/wxa/msg_sec_check", 61010)
    fallback = _post(branch, meeting, "又一条不当言论", branch.as_member(author))
    assert fallback.json["status"] == "published"


@pytest.mark.mariadb
def test_simultaneous_deletes_remove_it_once(app, branch, meeting):
    from tests.notify.test_parallel_mariadb import race

    author = branch.members[0]
    comment_id = _post(branch, meeting, "要删掉的评论", branch.as_member(author)).json["id"]
    headers = [branch.as_member(author), branch.as_secretary()]
    codes = []

    def delete(i):
        response = app.test_client().delete(
            f"/api/v1/meetings/{meeting['id']}/comments/{comment_id}", headers=headers[i % 2]
        )
        codes.append(response.status_code)

    assert race(app, 6, delete) == []
    assert sorted(codes) == [204] + [404] * 5
    ok = db.session.scalars(
        select(AuditLog.id).where(
            AuditLog.action == "meeting.comment.delete", AuditLog.result == "ok"
        )
    ).all()
    assert len(ok) == 1
