"""An anonymous case keeps no link to its author: not in the row, not in the audit log, not in
any answer a handler, auditor or admin gets, not in a log line; only the receipt code follows
it."""

from __future__ import annotations

import json
import logging

from sqlalchemy import inspect, select

from server.audit.models import AuditLog
from server.extensions import db
from server.feedback.jobs import sweep
from server.feedback.models import FeedbackCase
from server.notify.models import Notification
from tests.factories import auth
from tests.feedback.conftest import act


def _anonymous(world, send, **body):
    body.setdefault("kind", "report")
    body.setdefault("subject_org_id", world.orgs["a"].id)
    body.setdefault("title", "违规发放补贴")
    body.setdefault("content", "支部有人违规发放补贴，希望核查。")
    return send(world.token, anonymous=True, **body)


def test_the_stored_case_has_no_person_no_time_and_a_random_id(client, world, send):
    sent = _anonymous(world, send)
    receipt, case = sent["receipt"], sent["case"]
    assert len(receipt) == 19 and receipt.count("-") == 3
    row = db.session.get(FeedbackCase, case["id"])
    assert row.person_id is None and row.anonymous
    assert row.receipt_digest and receipt.replace("-", "") not in row.receipt_digest
    # No column of the case holds a time of day until a handler acts.
    for column in inspect(FeedbackCase).columns:
        value = getattr(row, column.key)
        assert not (column.type.python_type.__name__ == "datetime" and value is not None), column
    # Ids are random, not a sequence.
    second = _anonymous(world, send)["case"]["id"]
    assert abs(second - case["id"]) > 1 and min(case["id"], second) >= 2**24


def test_nothing_ties_an_anonymous_case_to_its_author(app, client, world, send, caplog):
    caplog.set_level(logging.DEBUG)
    author_id = world.member.id
    marks = {world.member.name, world.member.staff_no, f"p{author_id}"}
    audits_before = db.session.scalar(select(db.func.count(AuditLog.id)))
    sent = _anonymous(world, send)
    case_id, receipt = sent["case"]["id"], sent["receipt"]
    handler = world.g_discipline_token
    assert act(client, handler, case_id, "accept").status_code == 200
    assert (
        act(client, handler, case_id, "reply", content="已核查，情况属实，已处理。").status_code
        == 200
    )
    rated = client.post(
        "/api/v1/feedback/receipt/rating",
        json={"receipt": receipt, "score": 4},
        headers=auth(world.token),
    )
    assert rated.status_code == 200, rated.json
    sweep()
    answers = [
        client.get(f"/api/v1/feedback/cases/{case_id}", headers=auth(handler)).json,
        client.get("/api/v1/feedback/cases", headers=auth(handler)).json,
        client.get("/api/v1/feedback/cases", headers=auth(world.auditor)).json,
        client.get("/api/v1/audit", headers=auth(world.auditor)).json,
        client.get("/api/v1/feedback/mine", headers=auth(world.token)).json,
    ]
    assert answers[0]["submitter"] is None
    assert answers[-1]["items"] == []  # not among the author's own cases
    for answer in answers:
        text = json.dumps(answer, ensure_ascii=False)
        assert not any(mark in text for mark in marks), text
        assert f'"actor_person_id": {author_id}' not in text
    # The audit log: the handler's actions only, none by the author and none at sending.
    rows = db.session.scalars(select(AuditLog).where(AuditLog.id > (audits_before or 0))).all()
    assert rows and all(r.actor_person_id != author_id for r in rows)
    assert not [r for r in rows if r.action in ("feedback.submit", "feedback.rate")]
    # Notifications about the case went to its handler, none names the author.
    for notification in db.session.scalars(select(Notification)):
        assert author_id not in notification.recipient_ids
    # No log line carries the case, the receipt or the author.
    for line in caplog.records:
        message = line.getMessage()
        assert str(case_id) not in message and receipt not in message, message
        assert not any(mark in message for mark in marks), message


def test_the_receipt_is_the_only_way_back_to_the_case(client, world, send):
    receipt = _anonymous(world, send)["receipt"]
    # Any member holding it may read it (the server does not know who wrote it) ...
    found = client.post(
        "/api/v1/feedback/lookup",
        json={"receipt": receipt.lower().replace("-", " ")},
        headers=auth(world.other_token),
    )
    assert found.status_code == 200 and found.json["title"] == "违规发放补贴"
    # ... and a wrong or malformed one finds nothing.
    wrong = client.post(
        "/api/v1/feedback/lookup",
        json={"receipt": "AAAA-BBBB-CCCC-DDDD"},
        headers=auth(world.token),
    )
    assert wrong.status_code == 404 and wrong.json["code"] == "not_found"
    for bad in ("123", "AAAA-BBBB-CCCC-DDD0", "x" * 40, ""):
        refused = client.post(
            "/api/v1/feedback/lookup", json={"receipt": bad}, headers=auth(world.token)
        )
        assert refused.status_code == 422, bad
    assert (
        client.post(
            "/api/v1/feedback/lookup", json={"receipt": 5}, headers=auth(world.token)
        ).status_code
        == 422
    )


def test_guessing_receipts_is_bounded_per_session(client, world, send):
    codes = []
    for _ in range(31):
        got = client.post(
            "/api/v1/feedback/lookup",
            json={"receipt": "AAAA-BBBB-CCCC-DDDD"},
            headers=auth(world.token),
        )
        codes.append(got.status_code)
    assert codes[:30] == [404] * 30 and codes[30] == 429


def test_an_anonymous_author_is_not_told_by_wechat_and_wechat_is_not_asked(
    app, client, world, send, real_wechat
):
    """WeChat's text check takes the author's openid: an anonymous text is never sent."""
    from tests.factories import Factory

    Factory(app).wechat(world.member)
    app.config["SAFETY"]["wechat_check"] = True
    try:
        _anonymous(world, send)
        assert real_wechat.sec_checks() == []
        send(world.token, title="named", content="实名反映")
        assert len(real_wechat.sec_checks()) == 1
    finally:
        app.config["SAFETY"]["wechat_check"] = False
