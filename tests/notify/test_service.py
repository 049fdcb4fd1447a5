"""The notification service with the sandbox gateway: channels, inbox, scheduling, quiet hours,
opt-outs, and jobs that run twice without sending twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.notify import delivery
from server.notify.models import Delivery, Notification, OaFollower, SubscribeGrant
from server.notify.services import cancel, dispatch_job_id, notify

MEETING = {
    "title": "支部党员大会",
    "start_at": datetime(2026, 12, 1, 11, 0),
    "place": "A301",
    "meeting_id": 7,
}


@pytest.fixture
def people(f):
    tree = f.tree()
    branch = tree["a"]
    follower = f.person(branch, name="关注者")
    f.wechat(follower, follower=True, grants={"MP_MEETING_NOTICE": 2})
    subscriber = f.person(branch, name="订阅者")
    f.wechat(subscriber, grants={"MP_MEETING_NOTICE": 1})
    bound = f.person(branch, name="已绑定")
    f.wechat(bound)
    unbound = f.person(branch, name="未绑定")
    return {
        "tree": tree,
        "follower": follower,
        "subscriber": subscriber,
        "bound": bound,
        "unbound": unbound,
    }


def _deliveries(nid=None):
    query = select(Delivery).order_by(Delivery.person_id)
    if nid is not None:
        query = query.where(Delivery.notification_id == nid)
    return {d.person_id: d for d in db.session.execute(query).scalars()}


def _send(people, **kwargs):
    ids = [p.id for k, p in people.items() if k != "tree"]
    n = notify("meeting_notice", ids, MEETING, org_id=people["tree"]["a"].id, **kwargs)
    db.session.commit()
    return n


def test_each_person_gets_the_best_channel_they_can_receive(people, jobs, outbox):
    n = _send(people)
    jobs.run()
    got = _deliveries(n.id)
    assert got[people["follower"].id].channel == "template"
    assert got[people["follower"].id].state == "sent"
    assert got[people["subscriber"].id].channel == "subscribe"
    assert got[people["subscriber"].id].state == "sent"
    for who in ("bound", "unbound"):
        assert got[people[who].id].state == "unreachable"
        assert got[people[who].id].channel is None
    assert got[people["bound"].id].reason == "no_wechat_channel"
    assert got[people["unbound"].id].reason == "not_bound"

    sent = outbox()
    assert {(m["channel"], m["touser"]) for m in sent} == {
        ("template", f"oa-{people['follower'].id}"),
        ("subscribe", f"mp-{people['subscriber'].id}"),
    }
    template = next(m for m in sent if m["channel"] == "template")
    assert template["client_msg_id"] == f"party-d{got[people['follower'].id].id}"
    assert template["page"] == "pages/meetings/detail/index?id=7"
    assert template["data"]["thing1"]["value"] == "支部党员大会"
    # The follower kept their subscribe grants (the template reached them); the subscriber's
    # one grant was used up.
    grants = {g.openid: g.remaining for g in db.session.execute(select(SubscribeGrant)).scalars()}
    assert grants == {f"mp-{people['follower'].id}": 2, f"mp-{people['subscriber'].id}": 0}


def test_everyone_gets_an_inbox_item_even_without_wechat(people, jobs):
    n = _send(people)
    jobs.run()
    assert set(_deliveries(n.id)) == {p.id for k, p in people.items() if k != "tree"}
    assert all(d.read_at is None for d in _deliveries(n.id).values())


def test_unknown_people_are_skipped_and_duplicates_collapsed(people, jobs):
    n = notify("meeting_notice", [people["bound"].id, people["bound"].id, 999999], MEETING)
    db.session.commit()
    jobs.run()
    assert list(_deliveries(n.id)) == [people["bound"].id]


def test_a_follower_who_unfollowed_falls_back_to_subscribe(people, jobs, outbox):
    db.session.execute(db.update(OaFollower).values(subscribed=False))
    db.session.commit()
    n = _send(people)
    jobs.run()
    d = _deliveries(n.id)[people["follower"].id]
    assert (d.state, d.channel) == ("sent", "subscribe")


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(people, jobs):
    notify("meeting_notice", [people["bound"].id], MEETING)
    db.session.rollback()
    assert jobs.queued_ids() == []
    assert db.session.execute(select(Notification)).first() is None


def test_dispatch_and_push_run_twice_send_once(people, jobs, outbox):
    n = _send(people)
    nid = n.id
    # The same jobs enqueued again (a retried job, a second worker, the sweeper).
    jobs.queue.enqueue(delivery.__name__ + ".dispatch", nid, job_id="again")
    jobs.run()
    ids = [d.id for d in _deliveries(nid).values()]
    jobs.queue.enqueue(delivery.__name__ + ".push", nid, ids, job_id="push-again")
    jobs.run()
    assert len(_deliveries(nid)) == 4
    assert len(outbox()) == 2


def test_a_scheduled_reminder_waits_and_can_be_moved_or_cancelled(people, jobs, outbox):
    at = jobs.now() + timedelta(hours=2)
    n = _send(people, at=at, key="meeting:7:reminder")
    nid = n.id
    assert jobs.scheduled() == {dispatch_job_id(nid): pytest.approx(at, abs=timedelta(seconds=1))}
    jobs.run()
    assert _deliveries(nid) == {}

    later = at + timedelta(days=1)
    moved = _send(people, at=later, key="meeting:7:reminder")
    assert moved.id == nid  # replaced, not added
    assert db.session.execute(select(db.func.count(Notification.id))).scalar() == 1
    assert jobs.scheduled()[dispatch_job_id(nid)] == pytest.approx(later, abs=timedelta(seconds=1))

    # At the old time nothing happens, even if the old job had run.
    jobs.travel(timedelta(hours=2, minutes=1))
    jobs.call(delivery.dispatch, nid)
    assert _deliveries(nid) == {}

    assert cancel("meeting:7:reminder") is True
    db.session.commit()
    assert jobs.scheduled() == {}
    assert cancel("meeting:7:reminder") is False
    jobs.travel(timedelta(days=2))
    jobs.call(delivery.dispatch, nid)
    assert _deliveries(nid) == {}
    assert outbox() == []


def test_a_due_reminder_goes_out_when_its_time_comes(people, jobs, outbox):
    at = jobs.now() + timedelta(minutes=30)
    n = _send(people, at=at, key="meeting:7:reminder")
    jobs.travel(timedelta(minutes=31))
    jobs.release()
    jobs.run()
    assert _deliveries(n.id)[people["follower"].id].state == "sent"
    assert db.session.get(Notification, n.id).pending_key is None
    # The key is free again: the next reminder under it is a new notification.
    again = _send(people, at=jobs.now() + timedelta(hours=1), key="meeting:7:reminder")
    assert again.id != n.id


def test_switched_off_kinds_reach_the_inbox_but_not_wechat(people, jobs, outbox, client, f):
    token = f.token_for(people["follower"])
    r = client.patch(
        "/api/v1/notifications/preferences",
        json={"preferences": {"meeting_notice": False}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.json
    n = _send(people)
    jobs.run()
    d = _deliveries(n.id)[people["follower"].id]
    assert (d.state, d.reason) == ("muted", "opted_out")
    assert all(m["touser"] != f"oa-{people['follower'].id}" for m in outbox())
    # A kind that cannot be switched off still reaches them.
    reminder = notify("meeting_reminder", [people["follower"].id], MEETING)
    db.session.commit()
    jobs.run()
    assert _deliveries(reminder.id)[people["follower"].id].state == "sent"


@pytest.mark.parametrize(
    ("utc_clock", "urgent", "expect_delay"),
    [
        ((15, 0), False, timedelta(hours=8, minutes=30)),  # 23:00 Beijing → 07:30
        ((15, 0), True, timedelta(0)),  # urgent goes at once
        ((23, 29), False, timedelta(minutes=1)),  # 07:29 Beijing → 07:30
        ((23, 30), False, timedelta(0)),  # 07:30 Beijing: quiet hours are over
        ((13, 59), False, timedelta(0)),  # 21:59 Beijing: not yet quiet
    ],
)
def test_quiet_hours_defer_non_urgent_pushes(app, monkeypatch, utc_clock, urgent, expect_delay):
    from server.notify.services import push_time

    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_start", "22:00")
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_end", "07:30")
    now = datetime(2026, 11, 24, *utc_clock)
    with app.app_context():
        assert push_time(now, urgent) - now == expect_delay


def test_a_night_notification_is_in_the_inbox_at_once_and_pushed_in_the_morning(
    app, people, jobs, outbox, monkeypatch
):
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_start", "00:00")
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_end", "23:59")  # always quiet
    n = _send(people)
    jobs.run()
    assert set(_deliveries(n.id)) == {p.id for k, p in people.items() if k != "tree"}
    assert {d.state for d in _deliveries(n.id).values()} == {"queued"}
    assert outbox() == []
    pushes = {k: v for k, v in jobs.scheduled().items() if k.startswith("push-")}
    assert len(pushes) == 1
    jobs.travel(timedelta(days=1))
    jobs.release()
    jobs.run()
    assert len(outbox()) == 2


def test_fan_out_splits_recipients_into_batches(app, f, jobs, outbox, monkeypatch):
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "batch_size", 4)
    branch = f.tree()["a"]
    members = [f.person(branch) for _ in range(10)]
    for person in members:
        f.wechat(person, follower=True)
    n = notify("meeting_notice", [p.id for p in members], MEETING)
    db.session.commit()
    jobs.call(delivery.dispatch, n.id)  # the dispatch alone, in this thread
    pushes = [j for j in jobs.queued_ids() if j.startswith(f"push-{n.id}-")]
    assert len(pushes) == 3
    jobs.run()
    assert sorted(m["touser"] for m in outbox()) == sorted(f"oa-{p.id}" for p in members)


def _dead_claim(jobs, delivery_id, channel):
    """Leave ``delivery_id`` as a worker that died mid-send would: claimed, channel chosen."""
    now = jobs.now()
    db.session.execute(
        db.update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            state="sending",
            channel=channel,
            claim="dead",
            claimed_at=now,
            first_claimed_at=now,
            attempts=1,
        )
    )
    db.session.commit()


def test_a_dead_workers_claim_is_resent_under_the_same_client_msg_id(people, jobs, outbox):
    n = _send(people)
    jobs.call(delivery.dispatch, n.id)  # dispatch; pushes queued
    jobs.lose_queued()  # the pushes are lost with the worker...
    follower_delivery = _deliveries(n.id)[people["follower"].id]
    subscriber_delivery = _deliveries(n.id)[people["subscriber"].id]
    # ...after it claimed two recipients and marked the channels it was using.
    _dead_claim(jobs, follower_delivery.id, "template")
    _dead_claim(jobs, subscriber_delivery.id, "subscribe")
    jobs.travel(timedelta(minutes=3))  # past the lease
    result = jobs.call(delivery.sweep)
    db.session.commit()
    assert result["requeued"] == 1 and result["unknown"] == 1
    jobs.run()
    got = _deliveries(n.id)
    assert got[people["follower"].id].state == "sent"
    # A subscribe message has no de-duplication key: never risk sending it twice.
    assert (got[people["subscriber"].id].state, got[people["subscriber"].id].reason) == (
        "failed",
        "unknown_outcome",
    )
    sent = [m for m in outbox() if m["channel"] == "template"]
    assert [m["client_msg_id"] for m in sent] == [f"party-d{follower_delivery.id}"]


def test_an_old_lost_claim_is_not_resent_outside_wechats_dedupe_window(people, jobs, outbox):
    n = _send(people)
    jobs.call(delivery.dispatch, n.id)
    jobs.lose_queued()
    d = _deliveries(n.id)[people["follower"].id]
    _dead_claim(jobs, d.id, "template")
    jobs.travel(timedelta(minutes=20))
    jobs.call(delivery.sweep)
    db.session.commit()
    assert _deliveries(n.id)[people["follower"].id].reason == "unknown_outcome"


def test_the_sweeper_dispatches_notifications_whose_job_was_lost(people, jobs, outbox):
    nid = _send(people, at=jobs.now() + timedelta(minutes=5)).id
    jobs.app.extensions["party_redis"].flushall()  # Redis lost everything
    jobs.travel(timedelta(minutes=10))
    assert jobs.call(delivery.sweep)["dispatch"] == 1
    db.session.commit()
    jobs.run()
    assert len(outbox()) == 2
    assert _deliveries(nid)[people["follower"].id].state == "sent"


def test_template_finish_events_update_the_delivery_once(people, jobs):
    n = _send(people)
    jobs.run()
    d = _deliveries(n.id)[people["follower"].id]
    assert delivery.template_finished(d.msgid, "success") is True
    assert delivery.template_finished(d.msgid, "success") is False  # WeChat's retry
    db.session.commit()
    assert _deliveries(n.id)[people["follower"].id].state == "delivered"


def test_a_finish_event_that_beats_the_worker_is_applied_when_it_records(people, jobs, app):
    redis = app.extensions["party_redis"]
    next_msgid = int(redis.get("party:sandbox:outbox:msgid") or 0) + 1
    # WeChat's event for the message arrives before the worker stored the message's msgid.
    assert delivery.template_finished(next_msgid, "failed:user block") is False
    db.session.commit()
    n = notify("meeting_notice", [people["follower"].id], MEETING)
    db.session.commit()
    jobs.run()
    d = _deliveries(n.id)[people["follower"].id]
    assert (d.msgid, d.state, d.reason) == (next_msgid, "blocked", "failed:user block")
    assert redis.get(f"party:tplfinish:{next_msgid}") is None
