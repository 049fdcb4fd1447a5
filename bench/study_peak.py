"""Benchmark the evening study peak (21:00–22:00) on MariaDB + Redis under gunicorn: members
reading with a heartbeat every 15 s, plus punch-ins, sent on a schedule (open loop).

Run from the project root (MariaDB on 127.0.0.1:3306 as root, Redis on 127.0.0.1:6379)::

    .venv/bin/python bench/study_peak.py [--members 3000,6000] [--duration 60]

Setup: (re)create ``party_bench_study``, flush Redis db 8, ``init-db``; a committee with
branches of 50 members, a mini-program session each, and 5 published materials. Each level of
``--members`` uses its own members (a member punches in once a day, so a level reusing the
last one's members would meet only "already punched in").

A level, N members: member i opens a reading session at ``i / N × interval`` seconds (all are
reading after one interval, the ramp), then sends a heartbeat every ``interval`` seconds (±0.5
s of jitter) until the window of ``--duration`` seconds after the ramp is over, then
``finish``. Punch-ins come on top at ``--punch-rate`` a second through the window, each from a
different member. That is N / interval heartbeats a second: 200/s for 3,000 members.

Every request has its scheduled time; latency is measured from it (a generator thread still
busy with an earlier request counts against the server: no coordinated omission). The
generator is ``--processes`` spawned processes × ``--threads`` threads, each thread owning
some members and sending their requests in time order.

Baseline in the same run: before each level, the same schedule with every request replaced
by ``GET /api/v1/me`` with the same member's token — an authenticated request that writes
nothing, at the same offered load. Then the level itself. Halfway through the level's window
the analytics rollup of today (what the 10-minute job does) runs in this process, and is timed.

Figures per level: the sustained rate (requests answered whose schedule fell in the window ÷
the window, or ÷ the time until the last of them was answered if that is longer), p50/p99/max
by kind (start, beat, punch-in) and over all; how far the generator fell behind; the
heartbeats' verdicts (all should be ``counted``); and the ratios of rate and p99 to the
baseline. Checks (exit 1 if broken): every answer 2xx, every member punched in once
(rows in the database), no reading points above the daily cap.

Writes ``bench/results/study_peak-<ts>.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import harness

DB_NAME = "party_bench_study"
DB_URL = harness.db_url(DB_NAME)
REDIS_URL = harness.redis_url(8)
BRANCH_SIZE = 50
MATERIALS = 5


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
def make_data(env: dict[str, str], n_members: int) -> dict:
    harness.use_env(env)
    import secrets

    from sqlalchemy import insert, select

    from server import create_app
    from server.auth.models import AuthSession
    from server.crypto import token_digest
    from server.db_types import utcnow
    from server.extensions import db
    from server.orgs.models import Org
    from server.people.models import Person
    from server.study.models import StudyMaterial

    app = create_app()
    with app.app_context():
        now = utcnow()
        committee = Org(name="基准党委", type="committee", path="/", depth=0)
        db.session.add(committee)
        db.session.flush()
        committee.path = f"/{committee.id}/"
        branches = [
            Org(name=f"第{b + 1}党支部", type="branch", parent_id=committee.id, path="/", depth=1)
            for b in range(-(-n_members // BRANCH_SIZE))
        ]
        db.session.add_all(branches)
        db.session.flush()
        for org in branches:
            org.path = f"{committee.path}{org.id}/"
        base = {"member_type": "full", "status": "normal", "category": "student",
                "created_at": now, "updated_at": now, "version": 1}  # fmt: skip
        db.session.execute(
            insert(Person),
            [
                {"staff_no": f"R{i:06d}", "name": f"党员{i}",
                 "org_id": branches[i // BRANCH_SIZE].id, **base}
                for i in range(n_members)
            ],
        )  # fmt: skip
        people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
        tokens = [secrets.token_urlsafe(32) for _ in people]
        for i in range(0, len(people), 5000):
            db.session.execute(
                insert(AuthSession),
                [
                    {"token_digest": token_digest(token), "kind": "mini", "person_id": pid,
                     "created_at": now, "expires_at": now + timedelta(days=2),
                     "user_agent": "bench/study"}
                    for pid, token in zip(people[i:i + 5000], tokens[i:i + 5000], strict=True)
                ],
            )  # fmt: skip
        materials = [
            StudyMaterial(org_id=committee.id, kind="article", title=f"学习材料{k}",
                          category="theory", body_html="<p>正文</p>", min_dwell_seconds=120,
                          status="published", published_at=now, created_by="bench")
            for k in range(MATERIALS)
        ]  # fmt: skip
        db.session.add_all(materials)
        db.session.commit()
        data = {"tokens": tokens, "materials": [m.id for m in materials]}
        db.session.remove()
        db.engine.dispose()
    return data


# --------------------------------------------------------------------------------------------
# The schedule
# --------------------------------------------------------------------------------------------
def schedule(n: int, interval: float, duration: float, punch_rate: float, seed: int):
    """Per member: [(t, kind, seq)] in time order. Kinds: start, beat, finish, punch."""
    rng = random.Random(seed)
    end = interval + duration
    plans = []
    for i in range(n):
        t = i / n * interval
        events = [(t, "start", 0)]
        seq = 0
        while t + interval <= end:
            t += interval
            seq += 1
            events.append((t + rng.uniform(-0.5, 0.5), "beat", seq))
        events.append((end + rng.uniform(0.5, interval), "finish", seq + 1))
        plans.append(events)
    punchers = rng.sample(range(n), min(n, int(punch_rate * duration)))
    for k, member in enumerate(punchers):
        plans[member].append((interval + k / punch_rate, "punch", 0))
        plans[member].sort()
    return plans


def _send(conn, method, path, token, body=None):
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def _thread(port, members, t0, baseline, timeout, out):
    """Send the requests of ``members`` ([(token, material, events)]) in time order."""
    queue = sorted(
        (t, k, kind, seq) for k, (_tok, _mat, events) in enumerate(members)
        for t, kind, seq in events
    )  # fmt: skip
    sessions: dict[int, int] = {}
    records, samples = [], []
    conn = http.client.HTTPConnection(harness.HOST, port, timeout=timeout)
    for t, k, kind, seq in queue:
        token, material, _ = members[k]
        sched = t0 + t
        delay = sched - time.time()
        if delay > 0:
            time.sleep(delay)
        if baseline:
            method, path, body = "GET", "/api/v1/me", None
        elif kind == "start":
            method, path = "POST", f"/api/v1/study/materials/{material}/reading-sessions"
            body = {"seq": 0}
        elif kind == "punch":
            method, path, body = "POST", "/api/v1/study/punch-ins", {"reflection": "今晚学习了党章"}
        else:
            if k not in sessions:
                records.append((kind, sched, sched, sched, "skipped", None))
                continue
            method, path = "POST", f"/api/v1/study/reading-sessions/{sessions[k]}/events"
            body = {"kind": kind, "seq": seq}
        t_send = time.time()
        try:
            status, data = _send(conn, method, path, token, body)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            records.append((kind, sched, t_send, time.time(), "error", None))
            if len(samples) < 3:
                samples.append(f"{type(exc).__name__}: {exc}")
            continue
        t_end = time.time()
        verdict = None
        if 200 <= status < 300 and not baseline:
            answer = json.loads(data)
            if kind == "start":
                sessions[k] = answer["id"]
            elif kind in ("beat", "finish"):
                verdict = answer["verdict"]
        elif status >= 300 and len(samples) < 3:
            samples.append(f"HTTP {status} {kind}: {data[:200].decode('utf-8', 'replace')}")
        records.append((kind, sched, t_send, t_end, status, verdict))
    conn.close()
    out.append((records, samples))


def run_generator(port, members, t0, threads, baseline, timeout):
    """One generator process: ``threads`` threads, members dealt round-robin."""
    out: list = []
    workers = [
        threading.Thread(
            target=_thread, args=(port, members[j::threads], t0, baseline, timeout, out),
            daemon=True,
        )
        for j in range(threads)
    ]  # fmt: skip
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    records = [r for part, _ in out for r in part]
    samples = [s for _, part in out for s in part][:5]
    return {"records": records, "samples": samples}


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def figures(records, t0, interval, duration) -> dict:
    lo, hi = t0 + interval, t0 + interval + duration
    window = [r for r in records if lo <= r[1] < hi]
    statuses = Counter(str(r[4]) for r in records)
    by_kind = {}
    for kind in ("start", "beat", "punch", "finish"):
        lat = sorted(r[3] - r[1] for r in records if r[0] == kind and r[4] != "skipped")
        if lat:
            by_kind[kind] = {"n": len(lat), **harness.latency_ms(lat, (50, 99))}
    done = [r for r in window if isinstance(r[4], int)]
    answered = sorted(r[3] - r[1] for r in done)
    # Over the window, or until the last of its answers if the server fell behind.
    span = max([duration, *(r[3] - lo for r in done)])
    return {
        "requests": len(records),
        "window_requests": len(window),
        "sustained_rps": round(len(done) / span, 1),
        **harness.latency_ms(answered, (50, 99)),
        "by_kind": by_kind,
        "behind_schedule_max_s": round(max((r[2] - r[1] for r in records), default=0.0), 3),
        "statuses": dict(statuses),
        "failed": sum(v for k, v in statuses.items() if not k.startswith("2")),
        "verdicts": dict(Counter(r[5] for r in records if r[5] is not None)),
    }


def run_level(bench, server, data, first, n, args, baseline, rollup_env=None) -> dict:
    plans = schedule(n, args.interval, args.duration, args.punch_rate, seed=first)
    members = [
        (data["tokens"][first + i], data["materials"][i % MATERIALS], plans[i]) for i in range(n)
    ]
    t0 = time.time() + 2.0
    jobs = [
        (server.port, members[p :: args.processes], t0, args.threads, baseline, args.timeout)
        for p in range(args.processes)
    ]
    pending = bench.pool.starmap_async(run_generator, jobs)
    rollup = None
    if rollup_env is not None:
        time.sleep(max(0.0, t0 + args.interval + args.duration / 2 - time.time()))
        rollup = time_rollup(rollup_env)
    parts = pending.get(timeout=args.interval * 2 + args.duration + args.timeout + 120)
    records = [r for part in parts for r in part["records"]]
    result = figures(records, t0, args.interval, args.duration)
    result["samples"] = [s for part in parts for s in part["samples"]][:5]
    result["offered_rps"] = round(n / args.interval + args.punch_rate * (not baseline), 1)
    if rollup is not None:
        result["rollup"] = rollup
    return result


def time_rollup(env) -> dict:
    """The analytics rollup of today, run in this process in the middle of the peak."""
    harness.use_env(env)
    from server import create_app
    from server.extensions import db
    from server.notify.services import local_today
    from server.study.analytics import rollup_day

    app = create_app()
    with app.app_context():
        t = time.perf_counter()
        rows = rollup_day(local_today())
        db.session.commit()
        seconds = time.perf_counter() - t
        db.session.remove()
        db.engine.dispose()
    return {"seconds": round(seconds, 3), "member_days": rows}


def check_database(env, counts: list[int]) -> list[str]:
    harness.use_env(env)
    from sqlalchemy import func, select

    from server import create_app
    from server.extensions import db
    from server.study import points
    from server.study.models import PointsDaily, PunchIn

    problems = []
    app = create_app()
    with app.app_context():
        punch_ins = db.session.scalar(select(func.count()).select_from(PunchIn))
        people = db.session.scalar(select(func.count(func.distinct(PunchIn.person_id))))
        if punch_ins != sum(counts) or people != punch_ins:
            problems.append(f"punch-ins: {punch_ins} rows of {people} people, sent {sum(counts)}")
        cap = points.rules()["reading"].daily_cap
        most = db.session.scalar(
            select(func.max(PointsDaily.points)).where(PointsDaily.action == "reading")
        )
        if most is not None and most > cap:
            problems.append(f"reading points {most} above the daily cap {cap}")
        db.session.remove()
        db.engine.dispose()
    return problems


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", default="3000,6000", help="members per level (default 3000,6000)")
    p.add_argument("--interval", type=float, default=15.0, help="heartbeat interval, s (15)")
    p.add_argument("--duration", type=float, default=60.0, help="measured window, s (60)")
    p.add_argument("--punch-rate", type=float, default=10.0, help="punch-ins a second (10)")
    p.add_argument("--processes", type=int, default=2, help="generator processes (2)")
    p.add_argument("--threads", type=int, default=100, help="threads per process (100)")
    p.add_argument("--timeout", type=float, default=30.0, help="request timeout, s (30)")
    args = p.parse_args(argv)
    try:
        args.levels = [int(x) for x in args.members.split(",") if x.strip()]
    except ValueError:
        p.error("--members must be comma-separated integers")
    if not args.levels or min(args.levels) < 1 or args.duration <= 0 or args.interval <= 0:
        p.error("--members, --interval and --duration must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    stamp = harness.utc_stamp()
    env = harness.bench_env(DB_URL, REDIS_URL)
    harness.time_limit(int(300 + len(args.levels) * 2 * (args.duration + 3 * args.interval + 60)))
    with harness.Bench("study_peak") as bench:
        print(f"database {DB_NAME}: init-db, {sum(args.levels)} members …", flush=True)
        harness.fresh_database(DB_NAME, env, REDIS_URL)
        data = make_data(env, sum(args.levels))
        server = bench.gunicorn("server:create_app()", env, "app.log")
        harness.wait_healthy(server)
        bench.generators(args.processes)
        levels, first = [], 0
        for n in args.levels:
            print(f"\n{n} members: baseline (GET /api/v1/me on the same schedule) …", flush=True)
            base = run_level(bench, server, data, first, n, args, baseline=True)
            print(f"{n} members: the peak (heartbeats every {args.interval:g} s + punch-ins) …",
                  flush=True)  # fmt: skip
            peak = run_level(bench, server, data, first, n, args, baseline=False, rollup_env=env)
            levels.append({"members": n, "baseline": base, "peak": peak})
            first += n
            _print_level(n, base, peak)
        problems = check_database(env, [min(n, int(args.punch_rate * args.duration))
                                        for n in args.levels])  # fmt: skip
        for level in levels:
            for name in ("baseline", "peak"):
                run = level[name]
                if run["failed"]:
                    problems.append(
                        f"{level['members']} members, {name}: {run['failed']} failed "
                        f"{run['samples']}"
                    )
        result = {
            "benchmark": "study_peak",
            "host": harness.host_info(),
            "settings": {k: v for k, v in vars(args).items() if k != "levels"},
            "gunicorn": harness.GUNICORN_SETTINGS,
            "levels": levels,
            "problems": problems,
        }
        out = harness.write_result("study_peak", stamp, result)
        return bench.done(out, "; ".join(problems) if problems else None)
    return 1


def _print_level(n, base, peak) -> None:
    print(f"  offered {peak['offered_rps']:.0f} req/s ({n} members / interval + punch-ins)")
    print(f"  {'':<10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'behind s':>10}")
    for label, r in (("baseline", base), ("peak", peak)):
        print(f"  {label:<10}{r['sustained_rps']:>8.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
              f"{r['max_ms']:>9.1f}{r['behind_schedule_max_s']:>10.2f}")  # fmt: skip
    for kind, k in peak["by_kind"].items():
        print(f"    {kind:<8} n={k['n']:<6} p50 {k['p50_ms']:.1f} ms  p99 {k['p99_ms']:.1f} ms")
    print(f"  verdicts {peak['verdicts']}")
    if peak.get("rollup"):
        r = peak["rollup"]
        print(f"  rollup of today during the peak: {r['seconds']:.2f} s, {r['member_days']} rows")
    ratio_rps = peak["sustained_rps"] / base["sustained_rps"] if base["sustained_rps"] else 0
    ratio_p99 = peak["p99_ms"] / base["p99_ms"] if base["p99_ms"] else 0
    print(f"  peak / baseline: req/s {ratio_rps:.2f}, p99 {ratio_p99:.2f}")


if __name__ == "__main__":
    sys.exit(main())
