"""Accept, reply, close; the author rates once and reopens once; deadlines and the overdue
list; every handler action and read audited; refusals for everyone else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.feedback.models import FeedbackCase
from server.notify.models import Notification
from server.notify.services import local_today
from tests.factories import auth
from tests.feedback.conftest import act


def _mine(client, token, case_id):
    return client.get(f"/api/v1/feedback/mine/{case_id}", headers=auth(token))


def test_a_named_case_from_sending_to_closing(client, world, send):
    case = send(world.token)["case"]
    today = local_today()
    assert case["status"] == "submitted" and case["review_status"] == "published"
    assert case["submitted_on"] == today.isoformat()
    assert case["accept_due"] == (today + timedelta(days=3)).isoformat()
    assert case["reply_due"] == (today + timedelta(days=15)).isoformat()
    token, cid = world.a_secretary_token, case["id"]

    seen = client.get(f"/api/v1/feedback/cases/{cid}", headers=auth(token)).json
    assert seen["submitter"] == {"name": "张明", "org_name": world.orgs["a"].name}
    assert act(client, token, cid, "reply", content="好的").json["code"] == "wrong_status"
    accepted = act(client, token, cid, "accept")
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert act(client, token, cid, "accept").json["code"] == "wrong_status"
    replied = act(client, token, cid, "reply", content="已向后勤处反映，下周起增开窗口。")
    assert replied.json["status"] == "replied"
    assert [e["action"] for e in replied.json["events"]] == ["accept", "reply"]
    mine = _mine(client, world.token, cid).json
    assert mine["replies"] == [
        {"content": "已向后勤处反映，下周起增开窗口。", "on": today.isoformat()}
    ]
    assert mine["can_rate"] and mine["can_reopen"]
    closed = act(client, token, cid, "close")
    assert closed.json["status"] == "closed"
    assert act(client, token, cid, "close").json["code"] == "wrong_status"
    # The author heard of each step (named cases only).
    told = [
        n.kind
        for n in db.session.scalars(select(Notification))
        if n.recipient_ids == [world.member.id]
    ]
    assert told == ["feedback_reply"] * 3
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.target_id == cid).order_by(AuditLog.id)
    ).all()
    assert actions == [
        "feedback.submit",
        "feedback.read",
        "feedback.reply",
        "feedback.accept",
        "feedback.accept",
        "feedback.reply",
        "feedback.close",
        "feedback.close",
    ]


def test_the_author_rates_once_and_reopens_once(client, world, send):
    cid = send(world.token)["case"]["id"]
    token = world.a_secretary_token
    url = f"/api/v1/feedback/mine/{cid}"
    early = client.post(f"{url}/rating", json={"score": 5}, headers=auth(world.token))
    assert early.status_code == 409 and early.json["code"] == "wrong_status"
    act(client, token, cid, "accept")
    act(client, token, cid, "close", content="已解决")
    bad = client.post(f"{url}/rating", json={"score": 6}, headers=auth(world.token))
    assert bad.status_code == 422
    rated = client.post(
        f"{url}/rating", json={"score": 4, "comment": "比较满意"}, headers=auth(world.token)
    )
    assert rated.status_code == 200 and rated.json["rating"] == 4 and not rated.json["can_rate"]
    again = client.post(f"{url}/rating", json={"score": 1}, headers=auth(world.token))
    assert again.status_code == 409 and again.json["code"] == "already_rated"

    reopened = client.post(
        f"{url}/reopen", json={"reason": "窗口只开了一天"}, headers=auth(world.token)
    )
    assert reopened.status_code == 200, reopened.json
    assert reopened.json["status"] == "accepted" and reopened.json["reopened"]
    assert reopened.json["reply_due"] == (local_today() + timedelta(days=15)).isoformat()
    act(client, token, cid, "reply", content="已再次协调")
    twice = client.post(f"{url}/reopen", json={"reason": "还是不行"}, headers=auth(world.token))
    assert twice.status_code == 409 and twice.json["code"] == "already_reopened"
    # Another member cannot touch it.
    other = client.post(f"{url}/rating", json={"score": 1}, headers=auth(world.other_token))
    assert other.status_code == 404
    assert _mine(client, world.other_token, cid).status_code == 404


def test_closing_without_any_reply_needs_one(client, world, send):
    cid = send(world.token)["case"]["id"]
    act(client, world.a_secretary_token, cid, "accept")
    refused = act(client, world.a_secretary_token, cid, "close")
    assert refused.status_code == 422 and "content" in refused.json["errors"]


def test_an_auditor_reads_but_does_not_act_and_strangers_get_404(client, world, send):
    cid = send(world.token)["case"]["id"]
    refused = act(client, world.auditor, cid, "accept")
    assert refused.status_code == 403  # no handler role at all
    assert act(client, world.b_secretary_token, cid, "accept").status_code == 404
    assert act(client, world.token, cid, "accept").status_code == 403  # a member is no handler
    assert act(client, world.a_secretary_token, 2147483647, "accept").status_code == 404
    assert db.session.get(FeedbackCase, cid).status == "submitted"
    # An auditor who also handles reports elsewhere reads it, but may not act on it.
    from tests.factories import Factory

    factory = Factory(client.application)
    both = factory.account_token(
        factory.account("audit2", [("auditor", None), ("discipline_inspector", world.orgs["b"])])
    )
    refused = act(client, both, cid, "accept")
    assert refused.status_code == 403 and refused.json["message"] == "只有承办人可以办理该反映"
    read = db.session.scalars(select(AuditLog).where(AuditLog.action == "feedback.read")).all()
    assert [r.actor_label for r in read] == ["audit2(audit2)"]
    assert db.session.get(FeedbackCase, cid).status == "submitted"


def test_a_flagged_reply_is_refused_naming_the_word(client, world, send):
    cid = send(world.token)["case"]["id"]
    act(client, world.a_secretary_token, cid, "accept")
    refused = act(client, world.a_secretary_token, cid, "reply", content="去赌 博吧")
    assert refused.status_code == 422 and refused.json["code"] == "content_flagged"
    assert "赌博" in refused.json["message"]
    assert db.session.get(FeedbackCase, cid).status == "accepted"


def test_overdue_cases_are_listed_for_the_committee_without_text(client, world, send):
    late = send(world.token, title="很久没人理", content="内容保密")["case"]["id"]
    fresh = send(world.token)["case"]["id"]
    row = db.session.get(FeedbackCase, late)
    row.accept_due = local_today() - timedelta(days=2)
    db.session.commit()
    got = client.get("/api/v1/feedback/overdue", headers=auth(world.admin))
    assert got.status_code == 200
    items = got.json["items"]
    assert [i["id"] for i in items] == [late] and fresh != late
    assert items[0]["overdue"] == "accept" and items[0]["overdue_days"] == 2
    assert "内容保密" not in str(got.json) and "很久没人理" not in str(got.json)
    # The handler sees it marked; a member or secretary cannot list overdue cases.
    assert (
        client.get(f"/api/v1/feedback/cases/{late}", headers=auth(world.a_secretary_token)).json[
            "overdue"
        ]
        == "accept"
    )
    assert client.get("/api/v1/feedback/overdue", headers=auth(world.token)).status_code == 403
    # An admin of another subtree sees none of it.
    from tests.factories import Factory

    other = Factory(client.application).account("c-office", [("committee_admin", world.orgs["c"])])
    token = Factory(client.application).account_token(other)
    assert client.get("/api/v1/feedback/overdue", headers=auth(token)).json["items"] == []


def test_bad_input_gets_clear_4xx(client, world, send):
    assert send(world.token, status=422, kind="complaint")["code"] == "validation_error"
    assert "title" in send(world.token, status=422, title="")["errors"]
    assert "content" in send(world.token, status=422, content="x" * 2001)["errors"]
    assert "anonymous" in send(world.token, status=422, anonymous="maybe")["errors"]
    raw = client.post(
        "/api/v1/feedback", data="{", content_type="application/json", headers=auth(world.token)
    )
    assert raw.status_code == 400
    assert client.post("/api/v1/feedback", json={}).status_code == 401
    assert (
        client.get(
            "/api/v1/feedback/cases?status=lost", headers=auth(world.a_secretary_token)
        ).status_code
        == 422
    )


def test_a_member_sends_at_most_per_day_cases(client, world, send):
    for n in range(5):
        send(world.token, anonymous=n % 2 == 0)
    assert send(world.token, status=429, anonymous=True)["code"] == "too_many_cases"
    send(world.other_token)  # another member is not counted with them


def _queries(client, url, token):
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=auth(token)).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_a_page_of_cases_costs_the_same_queries_however_many_it_holds(client, world, send):
    def send_one(n):
        cid = send(world.token, title=f"建议{n}")["case"]["id"]
        act(client, world.a_secretary_token, cid, "accept")
        act(client, world.a_secretary_token, cid, "reply", content="已收到")

    send_one(0)
    handler_one = _queries(client, "/api/v1/feedback/cases", world.a_secretary_token)
    author_one = _queries(client, "/api/v1/feedback/mine", world.token)
    for n in range(1, 4):
        send_one(n)
    assert _queries(client, "/api/v1/feedback/cases", world.a_secretary_token) == handler_one
    assert _queries(client, "/api/v1/feedback/mine", world.token) == author_one


def test_a_clashing_random_id_is_drawn_again(client, world, send, monkeypatch):
    import secrets

    first = send(world.token)["case"]["id"]
    draws = iter([first - 2**24, first - 2**24, 12345])
    monkeypatch.setattr(secrets, "randbelow", lambda _n: next(draws))
    second = send(world.token)["case"]["id"]
    assert second == 12345 + 2**24 != first
    assert db.session.get(FeedbackCase, second).title == "食堂排队太久"


def test_every_author_endpoint_refuses_bad_input_with_4xx(client, world, send):
    cid = send(world.token)["case"]["id"]
    headers = auth(world.token)
    base = "/api/v1/feedback"
    cases = [
        ("post", f"{base}/mine/{cid}/attachments", {"data": {}}, 422),  # no file
        ("post", f"{base}/mine/{cid}/rating", {"json": {"score": "五"}}, 422),
        ("post", f"{base}/mine/{cid}/rating", {"json": {}}, 422),
        ("post", f"{base}/mine/{cid}/reopen", {"json": {"reason": "x" * 501}}, 422),
        ("post", f"{base}/mine/99999999999/rating", {"json": {"score": 3}}, 404),
        ("post", f"{base}/lookup", {"json": {"receipt": ["AAAA"]}}, 422),
        ("post", f"{base}/receipt/rating", {"json": {"receipt": "AAAA-BBBB-CCCC-DDDD"}}, 422),
        ("post", f"{base}/receipt/reopen", {"json": {"receipt": None, "reason": "x"}}, 422),
        ("post", f"{base}/receipt/attachments", {"data": {"receipt": "x"}}, 422),
        ("get", f"{base}/mine?page=0", {}, 422),
        ("get", f"{base}/mine?per_page=1000", {}, 422),
        ("get", f"{base}/cases?kind=other", {}, 403),  # a member handles nothing
    ]
    for method, url, kwargs, status in cases:
        got = getattr(client, method)(url, headers=headers, **kwargs)
        assert got.status_code == status, (url, got.status_code, got.json)
        assert got.json["code"] and got.json["message"], url
    handler = auth(world.a_secretary_token)
    for url, body in ((f"{base}/cases/{cid}/reply", {"content": 5}),
                      (f"{base}/cases/{cid}/reply", {"content": ""}),
                      (f"{base}/cases/{cid}/close", {"content": "x" * 2001})):  # fmt: skip
        got = client.post(url, json=body, headers=handler)
        assert got.status_code == 422, (url, got.json)
    assert db.session.get(FeedbackCase, cid).status == "submitted"
