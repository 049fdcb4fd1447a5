"""Benchmark the notification fan-out: 1,000 recipients of one meeting notice, delivered by two
rq worker processes to a WeChat stand-in that answers every template send in 20 ms.

Run from the project root (MariaDB on 127.0.0.1:3306 as root, Redis on 127.0.0.1:6379)::

    .venv/bin/python bench/fanout.py [--recipients 1000] [--latency-ms 20] [--rounds 2]

Each round measures, on the same stand-in:

- baseline: a thread pool (as many threads as the workers have sends in flight) posting the
  same 1,000 template bodies with one requests.Session and one access token — the ceiling for
  this machine and this stand-in;
- fan-out: ``notify()`` committed → every delivery row ``sent``: dispatch, batching, claims,
  channel choice, the gateway (token shared through Redis), recording outcomes.

It prints messages/s for both, their ratio (median of rounds), and the stand-in's own counts:
every recipient exactly once (no duplicates, none lost). The stand-in runs in its own process so
the baseline's threads do not share its interpreter. Writes bench/results/fanout-<ts>.json.
Exits non-zero if any message was lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import harness

sys.path.insert(0, str(harness.ROOT))  # tests.wechat_standin, in the spawned stand-in too

DB_NAME = "party_bench_fanout"
DB_URL = harness.db_url(DB_NAME)
REDIS_URL = harness.redis_url(12)
APPID, SECRET = "wx_bench_app", "bench_secret"
TEMPLATE_PATH = "/cgi-bin/message/template/send"


# -- the stand-in, in its own process, driven over a pipe ------------------------------------
def _standin_main(conn, latency):
    import logging

    from tests.wechat_standin import WeChatStandIn

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    standin = WeChatStandIn(appid=APPID, secret=SECRET).start()
    standin.add_template("OA_MEETING_NOTICE", ["thing1", "time2", "thing3"])
    conn.send(standin.base_url)
    while True:
        command, arg = conn.recv()
        if command == "followers":
            for openid, unionid in arg:
                standin.add_follower(openid, unionid=unionid)
            conn.send(len(arg))
        elif command == "latency":
            standin.delay_next(TEMPLATE_PATH, latency, times=10**9)
            conn.send(True)
        elif command == "count":
            sent = standin.sent_template_messages
            conn.send(
                {
                    "accepted": len(sent),
                    "distinct_recipients": len({m["touser"] for m in sent}),
                    "calls": len(standin.calls_to(TEMPLATE_PATH)),
                    "token_calls": len(standin.calls_to("/cgi-bin/stable_token")),
                }
            )
        elif command == "clear":
            # Keep followers, templates and tokens; forget messages, calls and dedupe state.
            with standin._lock:
                standin._sent_template.clear()
                standin._dedupe.clear()
                standin._calls.clear()
            conn.send(True)
        elif command == "stop":
            standin.stop()
            conn.send(True)
            return


class StandIn:
    def __init__(self, latency: float):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_standin_main, args=(child, latency), daemon=True)
        self.proc.start()
        self.base_url = self.conn.recv()

    def ask(self, command, arg=None):
        self.conn.send((command, arg))
        return self.conn.recv()

    def stop(self):
        try:
            self.ask("stop")
        finally:
            self.proc.join(5)


# -- setup -----------------------------------------------------------------------------------
def env_for(standin_url: str, concurrency: int) -> dict[str, str]:
    return harness.bench_env(
        DB_URL,
        REDIS_URL,
        PARTY__WECHAT__SANDBOX="false",
        PARTY__WECHAT__API_BASE=standin_url,
        PARTY__WECHAT__MINI_APPID=APPID,
        PARTY__WECHAT__MINI_SECRET=SECRET,
        PARTY__NOTIFICATIONS__QUIET_START="00:00",
        PARTY__NOTIFICATIONS__QUIET_END="00:00",
        PARTY__NOTIFICATIONS__SEND_CONCURRENCY=str(concurrency),
    )


def create_people(app, count: int) -> list[tuple[int, str, str]]:
    """``count`` members bound to WeChat and following the official account (bulk inserts)."""
    from sqlalchemy import insert, select

    from server.auth.models import WechatBinding
    from server.db_types import utcnow
    from server.extensions import db
    from server.notify.models import OaFollower
    from server.orgs.models import Org
    from server.people.models import Person

    with app.app_context():
        committee = Org(name="基准测试党委", type="committee", path="/")
        db.session.add(committee)
        db.session.flush()
        committee.path = f"/{committee.id}/"
        branch = Org(name="基准测试支部", type="branch", parent_id=committee.id, path="/")
        db.session.add(branch)
        db.session.flush()
        branch.path = f"{committee.path}{branch.id}/"
        db.session.execute(
            insert(Person),
            [
                {
                    "staff_no": f"B{i:06d}",
                    "name": f"成员{i}",
                    "member_type": "full",
                    "status": "normal",
                    "org_id": branch.id,
                    "category": "student",
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                    "version": 1,
                }
                for i in range(count)
            ],
        )
        ids = list(db.session.execute(select(Person.id).order_by(Person.id)).scalars())
        db.session.execute(
            insert(WechatBinding),
            [
                {
                    "person_id": pid,
                    "openid": f"mp-{pid}",
                    "unionid": f"union-{pid}",
                    "bound_via": "invite",
                    "bound_at": utcnow(),
                }
                for pid in ids
            ],
        )
        db.session.execute(
            insert(OaFollower),
            [
                {
                    "openid": f"oa-{pid}",
                    "unionid": f"union-{pid}",
                    "subscribed": True,
                    "updated_at": utcnow(),
                }
                for pid in ids
            ],
        )
        db.session.commit()
    return [(pid, f"oa-{pid}", f"union-{pid}") for pid in ids]


def start_workers(n: int, env) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [str(harness.BIN / "flask"), "--app", "server", "jobs", "worker"],
            env=env,
            cwd=harness.ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(n)
    ]


# -- the two measurements --------------------------------------------------------------------
def run_fanout(app, ids: list[int], seq: int, timeout: float) -> float:
    from sqlalchemy import func, select

    from server.extensions import db
    from server.notify.models import Delivery
    from server.notify.services import notify

    with app.app_context():
        t0 = time.perf_counter()
        nid = notify(
            "meeting_notice",
            ids,
            {
                "title": f"支部党员大会（第{seq}次）",
                "start_at": datetime(2026, 12, 1, 11),
                "place": "学生活动中心三楼报告厅",
                "meeting_id": seq,
            },
        ).id
        db.session.commit()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = db.session.execute(
                select(func.count())
                .select_from(Delivery)
                .where(
                    Delivery.notification_id == nid,
                    Delivery.state.in_(["sent", "failed", "unreachable"]),
                )
            ).scalar_one()
            db.session.commit()
            if done >= len(ids):
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - t0
        states = dict(
            db.session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.notification_id == nid)
                .group_by(Delivery.state)
            ).all()
        )
        db.session.commit()
    if states.get("sent") != len(ids):
        raise SystemExit(f"fan-out did not finish: {states}")
    return elapsed


def run_baseline(standin_url: str, people, threads: int) -> float:
    import requests

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=threads, pool_maxsize=threads)
    session.mount("http://", adapter)
    token = session.post(
        f"{standin_url}/cgi-bin/stable_token",
        json={"grant_type": "client_credential", "appid": APPID, "secret": SECRET},
        timeout=5,
    ).json()["access_token"]
    url = f"{standin_url}{TEMPLATE_PATH}"

    def post(person):
        pid, openid, _ = person
        body = {
            "touser": openid,
            "template_id": "OA_MEETING_NOTICE",
            "client_msg_id": f"baseline-{pid}-{time.time_ns()}",
            "miniprogram": {"appid": APPID, "pagepath": "pages/meetings/detail/index?id=1"},
            "data": {
                "thing1": {"value": "支部党员大会"},
                "time2": {"value": "2026年12月1日 19:00"},
                "thing3": {"value": "学生活动中心三楼报告厅"},
            },
        }
        r = session.post(
            url,
            params={"access_token": token},
            data=json.dumps(body, ensure_ascii=False).encode(),
            timeout=10,
        )
        if r.json().get("errcode", 0) != 0:
            raise RuntimeError(r.text)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(post, people))
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="sends in flight per worker")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    harness.time_limit(
        int(120 + args.rounds * 2 * args.timeout), lambda *_: sys.exit("benchmark timed out")
    )

    standin = StandIn(args.latency_ms / 1000)
    env = env_for(standin.base_url, args.concurrency)
    harness.use_env(env)
    workers = []
    try:
        harness.fresh_database(DB_NAME, env, REDIS_URL)
        from server import create_app

        app = create_app()
        people = create_people(app, args.recipients)
        standin.ask("followers", [(openid, unionid) for _, openid, unionid in people])
        standin.ask("latency")
        workers = start_workers(args.workers, env)
        ids = [pid for pid, _, _ in people]
        # Warm-up: workers started, token fetched and shared, connections open.
        run_fanout(app, ids[:50], 0, args.timeout)
        standin.ask("clear")

        rounds = []
        for r in range(1, args.rounds + 1):
            base = run_baseline(standin.base_url, people, args.workers * args.concurrency)
            base_counts = standin.ask("count")
            standin.ask("clear")
            fan = run_fanout(app, ids, r, args.timeout)
            counts = standin.ask("count")
            standin.ask("clear")
            ok = counts["accepted"] == counts["distinct_recipients"] == len(ids)
            rounds.append(
                {
                    "baseline_seconds": base,
                    "baseline_msgs_per_s": len(ids) / base,
                    "baseline_counts": base_counts,
                    "fanout_seconds": fan,
                    "fanout_msgs_per_s": len(ids) / fan,
                    "fanout_counts": counts,
                    "exactly_once": ok,
                }
            )
            print(
                f"round {r}: baseline {len(ids) / base:7.1f} msg/s ({base:.2f} s)   "
                f"fan-out {len(ids) / fan:7.1f} msg/s ({fan:.2f} s)   "
                f"stand-in: {counts['accepted']} accepted, "
                f"{counts['distinct_recipients']} distinct, {counts['calls']} calls"
            )
    finally:
        harness.stop_groups(workers)
        standin.stop()

    base = statistics.median(r["baseline_msgs_per_s"] for r in rounds)
    fan = statistics.median(r["fanout_msgs_per_s"] for r in rounds)
    exactly_once = all(r["exactly_once"] for r in rounds)
    print()
    print(
        f"recipients {args.recipients}, stand-in latency {args.latency_ms:.0f} ms, "
        f"{args.workers} workers x {args.concurrency} in flight, {os.cpu_count()} CPUs"
    )
    print(f"baseline (thread pool, one session): {base:7.1f} msg/s")
    print(f"fan-out (notify -> all sent):        {fan:7.1f} msg/s")
    print(f"ratio fan-out / baseline:            {fan / base:7.3f}")
    print(f"exactly once (stand-in's count):     {'yes' if exactly_once else 'NO'}")
    out = harness.write_result(
        "fanout",
        harness.utc_stamp(),
        {
            "args": vars(args),
            "rounds": rounds,
            "baseline_msgs_per_s": base,
            "fanout_msgs_per_s": fan,
            "ratio": fan / base,
            "exactly_once": exactly_once,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        },
    )
    print(f"wrote {out.relative_to(harness.ROOT)}")
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
