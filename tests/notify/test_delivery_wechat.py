"""Delivery through the real gateway against the local WeChat stand-in and its errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from server.db_types import utcnow
from server.extensions import db
from server.notify.models import Delivery, OaFollower, SubscribeGrant
from server.notify.services import notify

LONG_TITLE = "关于深入学习贯彻党的二十届三中全会精神的专题组织生活会暨民主评议党员大会"
MEETING = {
    "title": LONG_TITLE,
    "start_at": datetime(2026, 12, 1, 11, 0),
    "place": "学生活动中心三楼报告厅（东侧入口进，凭学生证登记）",
    "meeting_id": 7,
}


@pytest.fixture
def wx(real_wechat):
    real_wechat.add_template("OA_MEETING_NOTICE", ["thing1", "time2", "thing3"])
    real_wechat.add_template("OA_MEETING_REMINDER", ["thing1", "time2", "thing3"])
    return real_wechat


@pytest.fixture
def branch(f):
    return f.tree()["a"]


def follower(f, wx, branch, *, grants=0):
    person = f.person(branch)
    f.wechat(person, follower=True, grants={"MP_MEETING_NOTICE": grants} if grants else None)
    wx.add_follower(f"oa-{person.id}", unionid=f"union-{person.id}")
    if grants:
        wx.grant_subscribe(f"mp-{person.id}", "MP_MEETING_NOTICE", grants)
    return person


def send(people, kind="meeting_notice"):
    n = notify(kind, [p.id for p in people], MEETING)
    db.session.commit()
    return n.id


def deliveries(nid):
    return {
        d.person_id: d
        for d in db.session.execute(
            select(Delivery).where(Delivery.notification_id == nid)
        ).scalars()
    }


def test_a_long_title_is_fitted_so_wechat_accepts_it(f, wx, branch, jobs):
    person = follower(f, wx, branch)
    nid = send([person])
    jobs.run()
    assert deliveries(nid)[person.id].state == "sent"
    [message] = wx.sent_template_messages
    assert message["touser"] == f"oa-{person.id}"
    assert len(message["data"]["thing1"]["value"]) == 20
    assert message["data"]["time2"]["value"] == "2026年12月1日 19:00"
    assert message["miniprogram"] == {
        "appid": "wx_test_app",
        "pagepath": "pages/meetings/detail/index?id=7",
    }
    assert message["client_msg_id"] == f"party-d{deliveries(nid)[person.id].id}"
    assert deliveries(nid)[person.id].msgid == message["msgid"]


def test_the_token_is_fetched_once_for_a_whole_batch(f, wx, branch, jobs):
    people = [follower(f, wx, branch) for _ in range(6)]
    nid = send(people)
    jobs.run()
    assert {d.state for d in deliveries(nid).values()} == {"sent"}
    assert len(wx.calls_to("/cgi-bin/stable_token")) == 1
    assert len(wx.sent_template_messages) == 6


def test_busy_is_retried_and_then_succeeds(f, wx, branch, jobs):
    person = follower(f, wx, branch)
    wx.fail_next("/cgi-bin/message/template/send", -1, times=2)
    nid = send([person])
    jobs.run()
    assert deliveries(nid)[person.id].state == "sent"
    assert len(wx.calls_to("/cgi-bin/message/template/send")) == 3
    assert len(wx.sent_template_messages) == 1


@pytest.mark.parametrize("fault", [(-1,), (45009,), ("http", 502)])
def test_a_persistent_transient_error_is_retried_later_then_given_up(
    f, wx, branch, jobs, app, monkeypatch, fault
):
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "max_attempts", 2)
    person = follower(f, wx, branch)
    path = "/cgi-bin/message/template/send"
    if fault[0] == "http":
        wx.fail_next_http(path, fault[1], times=100)
    else:
        wx.fail_next(path, fault[0], times=100)
    nid = send([person])
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.attempts) == ("queued", 1)
    assert d.next_attempt_at > utcnow() + timedelta(seconds=50)
    retries = [j for j in jobs.scheduled() if j.startswith(f"push-{nid}-")]
    assert len(retries) == 1
    # gateway: 1 try + max_retries (2) per attempt
    assert len(wx.calls_to(path)) == 3

    jobs.travel(timedelta(minutes=2))
    jobs.release()
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.attempts) == ("failed", 2)
    assert d.reason in {"wechat_-1", "wechat_45009", "network"}
    assert len(wx.calls_to(path)) == 6
    assert wx.sent_template_messages == []


def test_a_timeout_is_transient(f, wx, branch, jobs, app):
    from server.extensions import wechat
    from server.wechat.gateway import HttpGateway

    settings = dict(wechat.settings, timeout_seconds=0.2, max_retries=1)
    previous = wechat.target
    wechat.bind(HttpGateway(settings, redis=app.extensions["party_redis"]))
    try:
        person = follower(f, wx, branch)
        wx.delay_next("/cgi-bin/message/template/send", 1.0, times=1)
        nid = send([person])
        jobs.run()
    finally:
        wechat.bind(previous)
    d = deliveries(nid)[person.id]
    assert d.state == "sent"
    # The slow first call may still have been accepted by WeChat: the resend carries the same
    # client_msg_id, so the member sees one message.
    assert len(wx.sent_template_messages) == 1


def test_a_follower_who_left_is_marked_and_reached_by_subscribe_message(f, wx, branch, jobs):
    person = follower(f, wx, branch, grants=1)
    wx.set_subscribed(f"oa-{person.id}", False)  # unfollowed; we have not heard yet
    nid = send([person])
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.channel) == ("sent", "subscribe")
    assert db.session.execute(select(OaFollower.subscribed)).scalar_one() is False
    [message] = wx.sent_subscribe_messages
    assert message["touser"] == f"mp-{person.id}"
    assert message["page"] == "pages/meetings/detail/index?id=7"
    assert wx.subscribe_grants(f"mp-{person.id}", "MP_MEETING_NOTICE") == 0
    assert db.session.execute(select(SubscribeGrant.remaining)).scalar_one() == 0


@pytest.mark.parametrize(
    ("errcode", "reason"), [(43004, "not_following"), (40003, "invalid_openid")]
)
def test_unreachable_followers_are_not_retried(f, wx, branch, jobs, errcode, reason):
    person = follower(f, wx, branch)
    wx.fail_next("/cgi-bin/message/template/send", errcode)
    nid = send([person])
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.reason) == ("unreachable", reason)
    assert len(wx.calls_to("/cgi-bin/message/template/send")) == 1
    assert [j for j in jobs.scheduled() if j.startswith("push-")] == []


def test_a_refused_subscribe_message_zeroes_the_grant(f, wx, branch, jobs):
    person = f.person(branch)
    # we think 3; WeChat says none. The grants for another template are not touched.
    f.wechat(person, grants={"MP_MEETING_NOTICE": 3, "MP_STUDY_REMINDER": 2})
    nid = send([person])
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.reason, d.channel) == ("unreachable", "no_subscribe_grant", "subscribe")
    grants = dict(
        db.session.execute(select(SubscribeGrant.template_id, SubscribeGrant.remaining)).all()
    )
    assert grants == {"MP_MEETING_NOTICE": 0, "MP_STUDY_REMINDER": 2}
    assert len(wx.calls_to("/cgi-bin/message/subscribe/send")) == 1


def test_a_bad_template_id_fails_without_retry(f, wx, branch, jobs):
    wx.reset()  # no templates registered: 40037
    person = follower(f, wx, branch)
    nid = send([person])
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.reason, d.errcode) == ("failed", "wechat_40037", 40037)
    assert len(wx.calls_to("/cgi-bin/message/template/send")) == 1


def test_an_expired_token_is_refreshed_once(f, wx, branch, jobs):
    people = [follower(f, wx, branch) for _ in range(2)]
    first = send(people[:1])
    jobs.run()
    wx.expire_tokens()
    second = send(people[1:])
    jobs.run()
    assert deliveries(first)[people[0].id].state == "sent"
    assert deliveries(second)[people[1].id].state == "sent"
    assert len(wx.calls_to("/cgi-bin/stable_token")) == 2


def test_a_push_job_retried_after_wechat_accepted_sends_nothing_twice(f, wx, branch, jobs):
    """The worker died after WeChat took the messages but before it stored that: the sweeper
    re-queues the claims and WeChat de-duplicates by client_msg_id."""
    from server.notify import delivery

    people = [follower(f, wx, branch) for _ in range(3)]
    nid = send(people)

    original = delivery._record

    def die(*args, **kwargs):
        raise SystemExit("worker killed")

    delivery._record = die
    try:
        with pytest.raises(SystemExit):
            jobs.call(delivery.dispatch, nid)
            ids = [d.id for d in deliveries(nid).values()]
            delivery.push.__wrapped__(nid, ids)
    finally:
        delivery._record = original
        db.session.rollback()
    assert len(wx.sent_template_messages) == 3
    assert {d.state for d in deliveries(nid).values()} == {"sending"}

    jobs.lose_queued()
    jobs.travel(timedelta(minutes=3))
    assert jobs.call(delivery.sweep)["requeued"] == 3
    jobs.run()
    assert {d.state for d in deliveries(nid).values()} == {"sent"}
    assert len(wx.calls_to("/cgi-bin/message/template/send")) == 6
    assert len(wx.sent_template_messages) == 3  # the stand-in's own count


def test_a_subscribe_message_that_never_went_out_keeps_its_grant(
    f, wx, branch, jobs, app, monkeypatch
):
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "max_attempts", 1)
    person = f.person(branch)
    f.wechat(person, grants={"MP_MEETING_NOTICE": 1})
    wx.grant_subscribe(f"mp-{person.id}", "MP_MEETING_NOTICE", 1)
    wx.fail_next("/cgi-bin/message/subscribe/send", -1, times=100)
    nid = send([person])
    jobs.run()
    d = deliveries(nid)[person.id]
    assert (d.state, d.channel, d.reason) == ("failed", "subscribe", "wechat_-1")
    assert db.session.execute(select(SubscribeGrant.remaining)).scalar_one() == 1
