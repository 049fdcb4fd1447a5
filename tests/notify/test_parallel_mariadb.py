"""Real parallelism on MariaDB + Redis: threads racing on the same rows, and real rq worker
processes (killed mid-batch) delivering to the WeChat stand-in. Each recipient gets exactly
one message, counted by the stand-in itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.notify import delivery
from server.notify.models import Delivery, Notification
from server.notify.services import notify
from tests.conftest import DATABASE_URL, REDIS_URL

pytestmark = pytest.mark.mariadb

ROOT = Path(__file__).resolve().parents[2]
MEETING = {
    "title": "支部党员大会",
    "start_at": datetime(2026, 12, 1, 11),
    "place": "A301",
    "meeting_id": 7,
}


def race(app, n, fn):
    """Run ``fn(i)`` in ``n`` threads, each with its own app context and DB connection,
    released together."""
    db.session.commit()  # end this thread's snapshot, or it would not see their rows
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                fn(i)
            except Exception as exc:  # collected, asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    db.session.commit()
    return errors


@pytest.fixture
def members(f, standin):
    standin.reset()
    standin.add_template("OA_MEETING_NOTICE", ["thing1", "time2", "thing3"])
    branch = f.tree()["a"]
    people = []
    for _ in range(30):
        person = f.person(branch)
        f.wechat(person, follower=True)
        standin.add_follower(f"oa-{person.id}", unionid=f"union-{person.id}")
        people.append(person)
    return people


def test_parallel_notifies_under_one_key_make_one_notification(app, members, jobs):
    ids = [p.id for p in members]
    at = jobs.now() + timedelta(hours=1)

    def send(i):
        notify("meeting_reminder", ids[: 10 + i], MEETING, at=at, key="meeting:7:reminder")
        db.session.commit()

    # Enough callers that losers of the insert race queue on the winner's row (with a failed
    # insert then a locking update, 16 callers deadlocked in many runs).
    callers = 16
    assert race(app, callers, send) == []
    rows = db.session.execute(select(Notification)).scalars().all()
    assert len(rows) == 1
    assert len(rows[0].recipient_ids) in range(10, 10 + callers)


def test_parallel_dispatches_and_pushes_deliver_once(app, real_wechat, members, jobs):
    nid = notify("meeting_notice", [p.id for p in members], MEETING).id
    db.session.commit()
    jobs.lose_queued()  # the threads below are the workers

    assert race(app, 4, lambda i: delivery.dispatch(nid)) == []
    assert db.session.execute(
        select(func.count()).select_from(Delivery).where(Delivery.notification_id == nid)
    ).scalar_one() == len(members)

    ids = list(
        db.session.execute(select(Delivery.id).where(Delivery.notification_id == nid)).scalars()
    )
    db.session.commit()
    assert race(app, 4, lambda i: delivery.push(nid, ids)) == []
    assert len(real_wechat.sent_template_messages) == len(members)
    assert len(real_wechat.calls_to("/cgi-bin/message/template/send")) == len(members)
    states = db.session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.notification_id == nid)
        .group_by(Delivery.state)
    ).all()
    assert dict(states) == {"sent": len(members)}


# -- real worker processes -------------------------------------------------------------------


def _worker_env(standin):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTY")}
    env.update(
        PARTY__APP__MODE="test",
        PARTY__DATABASE__URL=DATABASE_URL,
        PARTY__REDIS__URL=REDIS_URL,
        PARTY__WECHAT__SANDBOX="false",
        PARTY__WECHAT__API_BASE=standin.base_url,
        PARTY__WECHAT__MINI_APPID="wx_test_app",
        PARTY__WECHAT__MINI_SECRET="test_secret",
        PARTY__WECHAT__RETRY_BACKOFF_SECONDS="0",
        PARTY__NOTIFICATIONS__QUIET_START="00:00",
        PARTY__NOTIFICATIONS__QUIET_END="00:00",
        PARTY__NOTIFICATIONS__BATCH_SIZE="10",
        PARTY__NOTIFICATIONS__SEND_CONCURRENCY="2",
    )
    return env


def _start_worker(standin):
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen(
        [str(flask), "--app", "server", "jobs", "worker"],
        cwd=ROOT,
        env=_worker_env(standin),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout  # a hang guard, not a performance assertion
    while time.monotonic() < deadline:
        db.session.commit()
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the workers")


def _states(nid):
    db.session.commit()
    return dict(
        db.session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.notification_id == nid)
            .group_by(Delivery.state)
        ).all()
    )


@pytest.fixture
def workers(standin):
    procs = []

    def start(n=1):
        for _ in range(n):
            procs.append(_start_worker(standin))
        return procs[-n:]

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_two_rq_workers_deliver_every_message_once(members, standin, workers):
    workers(2)
    nid = notify("meeting_notice", [p.id for p in members], MEETING).id
    db.session.commit()
    _wait_for(lambda: _states(nid).get("sent") == len(members))
    touched = [m["touser"] for m in standin.sent_template_messages]
    assert sorted(touched) == sorted(f"oa-{p.id}" for p in members)


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    members, standin, workers, jobs
):
    # Every send takes 0.3 s, so the worker is surely mid-batch when it is killed.
    standin.delay_next("/cgi-bin/message/template/send", 0.3, times=1000)
    [victim] = workers(1)
    nid = notify("meeting_notice", [p.id for p in members], MEETING).id
    db.session.commit()
    _wait_for(
        lambda: _states(nid).get("sending", 0) > 0 and len(standin.sent_template_messages) > 0
    )
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(10)
    stuck = _states(nid)
    assert stuck.get("sending", 0) > 0  # claims the dead worker held

    # Its rq jobs are gone with it as far as we are concerned; the sweeper (run here, its
    # clock past the lease) re-queues the claims, and a fresh worker finishes.
    standin.delay_next("/cgi-bin/message/template/send", 0.0, times=1)
    jobs.travel(timedelta(minutes=3))
    jobs.call(delivery.sweep)
    workers(1)
    _wait_for(lambda: _states(nid).get("sent") == len(members))
    sent = standin.sent_template_messages
    assert len(sent) == len(members)  # the stand-in's own count: nobody twice, nobody lost
    assert len({m["touser"] for m in sent}) == len(members)


def test_parallel_grant_reports_count_every_accept(app, f):
    from server.notify.followers import record_grants
    from server.notify.models import SubscribeGrant

    person = f.person(f.tree()["a"])
    f.wechat(person)
    pid = person.id

    def report(i):
        record_grants(pid, {"MP_MEETING_NOTICE": "accept"}, {"MP_MEETING_NOTICE"})
        db.session.commit()

    assert race(app, 5, report) == []
    assert db.session.execute(select(SubscribeGrant.remaining)).scalar_one() == 5
