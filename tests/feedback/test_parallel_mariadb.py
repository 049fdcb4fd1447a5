"""Real parallel requests on MariaDB: two handlers accepting at once, an author rating or
reopening twice at once, two hourly jobs at once — each happens once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.feedback.jobs import sweep
from server.feedback.models import FeedbackCase, FeedbackEvent
from server.notify.models import Notification
from tests.factories import auth
from tests.feedback.conftest import act
from tests.notify.test_parallel_mariadb import race

pytestmark = pytest.mark.mariadb


def test_two_handlers_accepting_at_once_accept_once(app, client, world, send):
    cid = send(world.token)["case"]["id"]
    tokens = [world.a_secretary_token, world.a_deputy_token] * 3
    codes = []

    def accept(i):
        with app.test_client() as c:
            codes.append(act(c, tokens[i], cid, "accept").status_code)

    assert race(app, len(tokens), accept) == []
    assert sorted(codes) == [200] + [409] * 5
    events = db.session.scalars(select(FeedbackEvent).where(FeedbackEvent.case_id == cid)).all()
    assert [e.action for e in events] == ["accept"]


def test_rating_and_reopening_twice_at_once_happen_once(app, client, world, send):
    sent = send(world.token, anonymous=True)
    cid, receipt = sent["case"]["id"], sent["receipt"]
    act(client, world.a_secretary_token, cid, "accept")
    act(client, world.a_secretary_token, cid, "reply", content="已处理")
    codes = {"rating": [], "reopen": []}

    def author(i):
        with app.test_client() as c:
            if i % 2:
                r = c.post(
                    "/api/v1/feedback/receipt/rating",
                    json={"receipt": receipt, "score": 1 + i % 5},
                    headers=auth(world.token),
                )
                codes["rating"].append(r.status_code)
            else:
                r = c.post(
                    "/api/v1/feedback/receipt/reopen",
                    json={"receipt": receipt, "reason": f"理由{i}"},
                    headers=auth(world.token),
                )
                codes["reopen"].append(r.status_code)

    assert race(app, 8, author) == []
    assert sorted(codes["reopen"]).count(200) == 1
    # A rating lands only while the case is answered: at most one, never two.
    assert sorted(codes["rating"]).count(200) <= 1
    row = db.session.get(FeedbackCase, cid)
    assert row.reopened_on is not None and row.status == "accepted"


def test_two_jobs_at_once_announce_and_remind_once(app, client, world, send):
    for _ in range(3):
        send(world.token)
    db.session.commit()
    assert race(app, 4, lambda i: sweep()) == []
    notices = [n for n in db.session.scalars(select(Notification)) if n.kind == "feedback_new"]
    assert len(notices) == 3


def test_parallel_sends_stop_at_the_daily_limit(app, client, world, send):
    codes = []

    def submit(i):
        with app.test_client() as c:
            r = c.post(
                "/api/v1/feedback",
                json={
                    "kind": "suggestion",
                    "anonymous": i % 2 == 0,
                    "title": f"建议{i}",
                    "content": "内容",
                },
                headers=auth(world.token),
            )
            codes.append(r.status_code)

    assert race(app, 8, submit) == []
    assert sorted(codes) == [201] * 5 + [429] * 3
    assert db.session.scalar(select(db.func.count(FeedbackCase.id))) == 5
    # Named sends are audited, anonymous ones are not: the audited ones are all named.
    audited = db.session.scalars(
        select(AuditLog.target_id).where(AuditLog.action == "feedback.submit")
    ).all()
    named = db.session.scalars(select(FeedbackCase.id).where(FeedbackCase.anonymous.is_(False)))
    assert sorted(audited) == sorted(named.all())
