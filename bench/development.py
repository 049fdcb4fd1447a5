"""Benchmark the development pipeline on MariaDB: the daily due-date scan over 20,000 records,
and the secretary's to-do for a branch of 200 people under gunicorn.

Run from the project root (MariaDB on 127.0.0.1:3306 as root, Redis on 127.0.0.1:6379)::

    .venv/bin/python bench/development.py [--records 20000] [--branch-size 200] [--rounds 3]

Setup: (re)create ``party_bench_development``, flush Redis db 10, ``init-db``, then bulk-insert
a committee with ``records / branch-size`` branches, each with a secretary (post and session)
and ``branch-size`` people in the pipeline, one record each at a random point of a valid
timeline (the dates of tests/development/conftest.py shifted to start anywhere in the last
3½ years), with its entries and the openings the rules compute for it.

1. **Scan** (in-process, ``scan_due`` for today, ``--rounds`` times with the reminders and
   notifications of the previous round deleted): wall time, SQL statements issued (split into
   the scan itself and the sending), reminders found and sent. Compared, in the same run, with
   two ways of looking at every record: one query reading all active openings (the floor of
   any scan that reads everything) and one query per record (what the scan must not do).
2. **To-do** (gunicorn ``-w 4`` as the other benchmarks, ``--clients`` closed-loop clients, each
   a branch secretary): ``GET /api/v1/development/todo`` against ``GET /api/v1/me`` on the same
   server as the ceiling of an authenticated request: req/s, p50/p99 and the ratio.

Writes ``bench/results/development-<ts>.json``. Exits non-zero only if an answer is not 200 or
the scan's figures are inconsistent (a second scan of the same day sending anything).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta

import harness

DB_NAME = "party_bench_development"
DB_URL = harness.db_url(DB_NAME)
REDIS_URL = harness.redis_url(10)
TODO_PATH = "/api/v1/development/todo"
ME_PATH = "/api/v1/me"


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
def make_data(env, n_records: int, branch_size: int, seed: int) -> dict:
    harness.use_env(env)
    import secrets

    from sqlalchemy import insert, select, text

    from server import create_app
    from server.auth.models import AuthSession
    from server.crypto import token_digest
    from server.db_types import utcnow
    from server.development import rules as R
    from server.development.models import (
        DevelopmentEntry,
        DevelopmentOpening,
        DevelopmentRecord,
    )
    from server.development.services import cohort_of, today
    from server.extensions import db
    from server.orgs.models import Org
    from server.people.models import PartyPost, Person
    from tests.development.conftest import DATES, VOTES

    rng = random.Random(seed)
    app = create_app()
    rules = R.load()
    with app.app_context():
        on = today()
        now = utcnow()
        committee = Org(name="基准党委", type="committee", path="/", depth=0)
        db.session.add(committee)
        db.session.flush()
        committee.path = f"/{committee.id}/"
        n_branches = max(1, n_records // branch_size)
        branches = []
        for b in range(n_branches):
            org = Org(name=f"第{b + 1}党支部", type="branch", parent_id=committee.id, depth=1)
            org.path = "/"
            db.session.add(org)
            branches.append(org)
        db.session.flush()
        for org in branches:
            org.path = f"{committee.path}{org.id}/"
        base = {"status": "normal", "category": "student", "created_at": now, "updated_at": now}
        people = []
        for b, org in enumerate(branches):
            people.append(
                {"staff_no": f"S{b:05d}", "name": f"书记{b}", "org_id": org.id,
                 "member_type": "full", **base}
            )  # fmt: skip
            for i in range(branch_size):
                people.append(
                    {"staff_no": f"A{b:05d}{i:04d}", "name": f"申请人{b}-{i}", "org_id": org.id,
                     "member_type": "applicant", "birth_date": date(1998, 1, 1), **base}
                )  # fmt: skip
        db.session.execute(insert(Person), people)
        rows = db.session.execute(select(Person.id, Person.staff_no, Person.org_id)).all()
        secretaries = {org_id: pid for pid, staff, org_id in rows if staff.startswith("S")}
        applicants = [(pid, org_id) for pid, staff, org_id in rows if staff.startswith("A")]
        db.session.execute(
            insert(PartyPost),
            [
                {"person_id": pid, "org_id": org, "post": "secretary"}
                for org, pid in secretaries.items()
            ],
        )
        tokens = {org: secrets.token_urlsafe(32) for org in secretaries}
        db.session.execute(
            insert(AuthSession),
            [
                {"token_digest": token_digest(tokens[org]), "kind": "mini", "person_id": pid,
                 "created_at": now, "expires_at": now + timedelta(days=2), "user_agent": "bench"}
                for org, pid in secretaries.items()
            ],
        )  # fmt: skip
        span = (on - date(2023, 1, 1)).days
        records, entries, openings = [], [], []
        for n, (pid, _org) in enumerate(applicants):
            start = on - timedelta(days=rng.randrange(0, span))
            shift = start - DATES[1]
            done = {s: d + shift for s, d in DATES.items() if d + shift <= on}
            done.pop(25, None)  # keep everyone in the pipeline
            done.pop(24, None)
            line = R.Timeline(birth_date=date(1998, 1, 1), done=done)
            outlook = R.outlook(rules, line)
            nexts = [o for o in outlook if not o.recurring] or outlook
            deadlines = [o.deadline for o in outlook if o.deadline]
            current = max((s for s in done if not rules.steps[s].recurring), default=1)
            stage = rules.stage_reached(done)
            records.append(
                {"id": n + 1, "person_id": pid, "rules_version": rules.version, "status": "active",
                 "live": 1, "stage": stage,
                 "current_step": current, "applied_on": done[1], "cohort": cohort_of(done[1]),
                 "extension_months": 0, "extensions": 0,
                 "next_step": min((o.step for o in nexts), default=None),
                 "next_deadline": min(deadlines, default=None), "version": 1,
                 "created_at": now, "updated_at": now}
            )  # fmt: skip
            for step, day in done.items():
                details = {"votes": VOTES} if rules.steps[step].vote else {}
                entries.append(
                    {"record_id": n + 1, "step": step, "round": 1, "state": "done",
                     "live": None if rules.steps[step].recurring else 1, "done_on": day,
                     "details": details, "idempotency_key": f"bench-{n}-{step}",
                     "recorded_by": "bench", "recorded_at": now}
                )  # fmt: skip
            for o in outlook:
                openings.append(
                    {"record_id": n + 1, "step": o.step, "earliest": o.earliest,
                     "deadline": o.deadline, "deadline_kind": o.deadline_kind}
                )  # fmt: skip
        for table, rows_ in (
            (DevelopmentRecord, records),
            (DevelopmentEntry, entries),
            (DevelopmentOpening, openings),
        ):
            for i in range(0, len(rows_), 5000):
                db.session.execute(insert(table), rows_[i : i + 5000])
        db.session.commit()
        # Statistics as a live database keeps them (bulk inserts leave them stale, and the
        # optimizer would scan every opening instead of starting from the branch).
        for table in (
            "development_openings",
            "development_entries",
            "development_records",
            "people",
            "orgs",
            "party_posts",
        ):
            db.session.execute(text(f"ANALYZE TABLE {table}"))
        data = {
            "on": on.isoformat(),
            "records": len(records),
            "entries": len(entries),
            "openings": len(openings),
            "branches": len(branches),
            "tokens": list(tokens.values()),
        }
        db.session.remove()
        db.engine.dispose()
    return data


# --------------------------------------------------------------------------------------------
# The scan
# --------------------------------------------------------------------------------------------
def measure_scan(env, rounds: int) -> dict:
    harness.use_env(env)
    from sqlalchemy import event, select, text

    from server import create_app
    from server.development import due
    from server.development.models import DevelopmentOpening, DevelopmentRecord
    from server.extensions import db

    app = create_app()
    results = []
    with app.app_context():
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        def clear():
            db.session.execute(text("DELETE FROM development_reminders"))
            db.session.execute(text("DELETE FROM deliveries"))
            db.session.execute(text("DELETE FROM notifications"))
            db.session.commit()

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for _ in range(rounds):
                clear()
                statements.clear()
                t0 = time.perf_counter()
                result = due.scan_due()
                elapsed = time.perf_counter() - t0
                results.append({**result, "seconds": elapsed, "statements": len(statements)})
            statements.clear()
            t0 = time.perf_counter()
            again = due.scan_due()
            again_s = time.perf_counter() - t0
            again_statements = len(statements)
            # Floor: read every active record's openings in one query.
            statements.clear()
            t0 = time.perf_counter()
            n_all = len(
                db.session.execute(
                    select(DevelopmentOpening.record_id, DevelopmentOpening.step,
                           DevelopmentOpening.earliest, DevelopmentOpening.deadline)
                    .join(DevelopmentRecord, DevelopmentRecord.id == DevelopmentOpening.record_id)
                    .where(DevelopmentRecord.status == "active")
                ).all()
            )  # fmt: skip
            floor_s = time.perf_counter() - t0
            # What the scan must not do: a query per record.
            ids = list(db.session.execute(select(DevelopmentRecord.id)).scalars())
            statements.clear()
            t0 = time.perf_counter()
            for record_id in ids:
                db.session.execute(
                    select(DevelopmentOpening.step, DevelopmentOpening.earliest,
                           DevelopmentOpening.deadline)
                    .where(DevelopmentOpening.record_id == record_id)
                ).all()  # fmt: skip
            per_record_s = time.perf_counter() - t0
            per_record_statements = len(statements)
            db.session.rollback()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    med = statistics.median(r["seconds"] for r in results)
    return {
        "rounds": results,
        "median_s": round(med, 4),
        "statements": results[0]["statements"],
        "candidates": results[0]["candidates"],
        "sent": results[0]["sent"],
        "again": {"seconds": round(again_s, 4), "statements": again_statements, **again},
        "floor_read_all": {"seconds": round(floor_s, 4), "rows": n_all, "statements": 1},
        "per_record": {"seconds": round(per_record_s, 3), "statements": per_record_statements},
    }


# --------------------------------------------------------------------------------------------
# The to-do under gunicorn
# --------------------------------------------------------------------------------------------
def _requests(path, tokens, i):
    while True:
        yield "GET", path, None, {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}, None
        i += 1


def run_load(port, path, tokens, first, n_threads, start_at, stop_at, timeout):
    streams = [_requests(path, tokens, first + k) for k in range(n_threads)]
    part = harness.closed_loop(port, streams, start_at, stop_at, timeout)
    del part["replies"]
    return part


def measure_http(pool, port, path, tokens, clients, processes, seconds, timeout=30.0):
    start_at = time.time() + 0.5
    stop_at = start_at + seconds
    jobs = [
        pool.apply_async(run_load, (port, path, tokens, first, n, start_at, stop_at, timeout))
        for first, n in harness.split_clients(clients, processes)
    ]
    parts = [job.get(timeout=seconds + timeout + 30) for job in jobs]
    return {"path": path, **harness.closed_loop_figures(parts, start_at)}


def todo_size(port, token) -> dict:
    import http.client

    conn = http.client.HTTPConnection(harness.HOST, port, timeout=30)
    try:
        conn.request("GET", TODO_PATH, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        raise RuntimeError(f"GET {TODO_PATH} -> {resp.status}: {body[:300]!r}")
    answer = json.loads(body)
    return {"bytes": len(body), "items": len(answer["items"]), "counts": answer["counts"]}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=20000, help="records in the pipeline")
    p.add_argument("--branch-size", type=int, default=200, help="people per branch")
    p.add_argument("--rounds", type=int, default=3, help="rounds of each measurement")
    p.add_argument("--clients", type=int, default=20, help="closed-loop clients for the to-do")
    p.add_argument("--duration", type=float, default=8.0, help="seconds per to-do round")
    p.add_argument("--processes", type=int, default=2, help="load generator processes")
    p.add_argument("--seed", type=int, default=20261125)
    args = p.parse_args(argv)
    if min(args.records, args.branch_size, args.rounds, args.clients, args.processes) < 1:
        p.error("counts must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    harness.time_limit(int(600 + args.rounds * 2 * (args.duration + 30)))
    stamp = harness.utc_stamp()
    env = harness.bench_env(DB_URL, REDIS_URL)
    with harness.Bench("development") as bench:
        t0 = time.perf_counter()
        harness.fresh_database(DB_NAME, env, REDIS_URL)
        data = make_data(env, args.records, args.branch_size, args.seed)
        setup_s = time.perf_counter() - t0
        print(
            f"setup: {data['records']} records in {data['branches']} branches of "
            f"{args.branch_size}, {data['entries']} entries, {data['openings']} openings "
            f"({setup_s:.1f}s); today {data['on']}"
        )
        scan = measure_scan(env, args.rounds)
        print(
            f"scan: {scan['median_s'] * 1000:.1f} ms (median of {args.rounds}), "
            f"{scan['statements']} SQL statements, {scan['candidates']} reminders due, "
            f"{scan['sent']} sent; same day again: {scan['again']['sent']} sent, "
            f"{scan['again']['statements']} statements, {scan['again']['seconds'] * 1000:.1f} ms"
        )
        floor, naive = scan["floor_read_all"], scan["per_record"]
        print(
            f"  read every active opening in one query: {floor['seconds'] * 1000:.1f} ms "
            f"({floor['rows']} rows); one query per record: {naive['seconds'] * 1000:.0f} ms "
            f"({naive['statements']} statements)"
        )

        app = bench.gunicorn("server:create_app()", env, "app.log")
        harness.wait_healthy(app)
        size = todo_size(app.port, data["tokens"][0])
        print(
            f"to-do of one branch: {size['items']} items, {size['bytes']} bytes, {size['counts']}"
        )
        pool = bench.generators(args.processes)
        tokens = data["tokens"]
        for path in (ME_PATH, TODO_PATH):  # warm-up
            measure_http(pool, app.port, path, tokens, args.clients, args.processes, 2.0)
        rounds: dict[str, list] = {"me": [], "todo": []}
        failed = False
        for r in range(1, args.rounds + 1):
            for name, path in (("me", ME_PATH), ("todo", TODO_PATH)):
                res = measure_http(
                    pool, app.port, path, tokens, args.clients, args.processes, args.duration
                )
                res["round"] = r
                rounds[name].append(res)
                print(
                    f"  round {r} {name:<4} {res['rps']:>8.1f} req/s  p50 {res['p50_ms']:>7.2f} ms"
                    f"  p99 {res['p99_ms']:>7.2f} ms  ({res['completed']} ok,"
                    f" {res['non_200']} other)"
                )
                failed = failed or bool(res["non_200"])
        summary = {name: harness.median_of_rounds(rs) for name, rs in rounds.items()}
        ratio = summary["todo"]["rps"] / summary["me"]["rps"] if summary["me"]["rps"] else 0.0
        harness.print_medians(
            ((f"GET {ME_PATH} (ceiling)", summary["me"]), (f"GET {TODO_PATH}", summary["todo"])),
            "req/s",
            34,
        )
        print(f"ratio todo / me: {ratio:.3f}")
        problems = []
        if failed:
            problems.append("non-200 answers")
        if scan["again"]["sent"]:
            problems.append("a second scan of the same day sent reminders")
        result = {
            "benchmark": "development",
            "timestamp": stamp,
            "ok": not problems,
            "problems": problems,
            "config": {**vars(args), "gunicorn": harness.GUNICORN_SETTINGS, "database": DB_URL},
            "host": harness.host_info(),
            "setup": {k: v for k, v in data.items() if k != "tokens"},
            "scan": scan,
            "todo": {"response": size, "summary": summary, "ratio_todo_over_me": round(ratio, 3),
                     "rounds": rounds},
        }  # fmt: skip
        out = harness.write_result("development", stamp, result)
        return bench.done(out, "; ".join(problems) if problems else None)
    return 1


if __name__ == "__main__":
    sys.exit(main())
