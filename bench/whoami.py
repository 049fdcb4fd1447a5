"""Benchmark ``GET /api/v1/me`` under gunicorn on MariaDB + Redis, against a bare Flask ceiling.

Run from the project root::

    .venv/bin/python bench/whoami.py [--clients 50] [--duration 15]

Steps: (re)create the ``party_bench`` database, ``flask --app server init-db``, create an org
tree, ~50 members and one session token each in-process (tests/factories.py), start gunicorn
for the real app and for bench/hello_app.py with identical settings, then measure
hello, me, hello, me (``--rounds`` rounds of ``--duration / 2`` seconds per endpoint) with a
Python keep-alive load generator running in separate processes. Prints requests/s and
p50/p99 latency per endpoint (median of rounds) and the ratio me_rps / hello_rps, and writes
``bench/results/whoami-<timestamp>.json``. Exits non-zero if any response was not 200.
See bench/README.md.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time

import harness

DB_NAME = "party_bench"
DB_URL = harness.db_url(DB_NAME)
REDIS_URL = harness.redis_url(13)
ME_PATH = "/api/v1/me"
HELLO_PATH = "/api/v1/hello"


# --------------------------------------------------------------------------------------------
# Load generator (runs in spawned child processes)
# --------------------------------------------------------------------------------------------
def _requests(path, tokens, i):
    """GET ``path``, cycling through the tokens from the client's own index."""
    while True:
        yield "GET", path, None, {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}, None
        i += 1


def run_load(port, path, tokens, first_client, n_threads, start_at, stop_at, timeout):
    """One generator process: ``n_threads`` clients, one persistent connection each."""
    streams = [_requests(path, tokens, first_client + k) for k in range(n_threads)]
    part = harness.closed_loop(port, streams, start_at, stop_at, timeout)
    del part["replies"]
    part["samples"] = part["samples"][:5]
    return part


# --------------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------------
def make_data(env: dict[str, str], n_people: int) -> list[str]:
    """Org tree, ``n_people`` members (a few of them branch secretaries), one token each."""
    harness.use_env(env)
    from server import create_app
    from server.extensions import db
    from tests.factories import Factory

    app = create_app()
    tokens: list[str] = []
    with app.test_request_context("/", headers={"User-Agent": "bench/whoami"}):
        factory = Factory(app)
        tree = factory.tree()
        homes = [tree["a"], tree["b"], tree["c"], tree["group_a"]]
        for n in range(n_people):
            person = factory.person(homes[n % len(homes)])
            if n < 3:  # some callers also hold a post, so roles are not all identical
                factory.post(person, homes[n])
            tokens.append(factory.token_for(person))
        db.session.remove()
        db.engine.dispose()
    return tokens


def check_tokens(port: int, tokens: list[str]) -> int:
    """Every token must get a 200 with the member record; returns the response size."""
    size = 0
    conn = http.client.HTTPConnection(harness.HOST, port, timeout=10)
    try:
        for token in tokens:
            conn.request("GET", ME_PATH, headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200 or "staff_no" not in json.loads(body):
                raise RuntimeError(f"GET {ME_PATH} -> {resp.status}: {body[:300]!r}")
            size = len(body)
    finally:
        conn.close()
    return size


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------
def measure(pool, port, path, tokens, clients, processes, seconds, timeout=10.0) -> dict:
    start_at = time.time() + 0.5  # all generator threads start together
    stop_at = start_at + seconds
    jobs = [
        pool.apply_async(run_load, (port, path, tokens, first, n, start_at, stop_at, timeout))
        for first, n in harness.split_clients(clients, processes)
    ]
    parts = [job.get(timeout=seconds + timeout + 30) for job in jobs]
    return {"path": path, **harness.closed_loop_figures(parts, start_at)}


def parse_args(argv):
    _, args = harness.closed_loop_args(
        argv, __doc__.split("\n\n")[0], warmup=1.0, people_help="members/tokens to create"
    )
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    per_round = args.duration / args.rounds
    harness.time_limit(int(90 + 2 * args.duration + 2 * args.warmup))

    stamp = harness.utc_stamp()
    env = harness.bench_env(DB_URL, REDIS_URL)
    with harness.Bench("whoami") as bench:
        t_setup = time.perf_counter()
        harness.fresh_database(DB_NAME, env)
        tokens = make_data(env, args.people)
        print(f"setup: database {DB_NAME}, {len(tokens)} members with session tokens")

        me = bench.gunicorn("server:create_app()", env, "me.log")
        hello = bench.gunicorn("hello_app:app", env, "hello.log", ["--pythonpath", "bench"])
        harness.wait_healthy(me)
        harness.wait_healthy(hello)
        me_bytes = check_tokens(me.port, tokens)

        pool = bench.generators(args.processes)
        setup_s = time.perf_counter() - t_setup

        targets = {"hello": (hello.port, HELLO_PATH), "me": (me.port, ME_PATH)}
        if args.warmup > 0:
            for port, path in targets.values():
                measure(pool, port, path, tokens, args.clients, args.processes, args.warmup)

        print(
            f"measuring: {args.clients} clients ({args.processes} processes), gunicorn "
            f"{' '.join(harness.GUNICORN_SETTINGS)}, "
            f"{args.rounds} rounds x {per_round:g}s per endpoint, "
            f"{os.cpu_count()} CPUs"
        )
        rounds: dict[str, list[dict]] = {"hello": [], "me": []}
        failed = False
        for r in range(1, args.rounds + 1):
            for name, (port, path) in targets.items():
                res = measure(pool, port, path, tokens, args.clients, args.processes, per_round)
                res["round"] = r
                rounds[name].append(res)
                print(
                    f"  round {r} {name:<5} {res['rps']:>9.1f} req/s  p50 {res['p50_ms']:>7.2f} ms"
                    f"  p99 {res['p99_ms']:>7.2f} ms  ({res['completed']} ok, "
                    f"{res['non_200']} non-200)"
                )
                if res["non_200"]:
                    failed = True
                    print(
                        f"ERROR: {res['non_200']} non-200 responses from {path}: {res['statuses']}",
                        file=sys.stderr,
                    )
                    for sample in res["samples"]:
                        print(f"  {sample}", file=sys.stderr)
            if failed:
                break

        summary = {name: harness.median_of_rounds(rs) for name, rs in rounds.items()}
        ratio = summary["me"]["rps"] / summary["hello"]["rps"] if summary["hello"]["rps"] else 0
        result = {
            "benchmark": "whoami",
            "timestamp": stamp,
            "ok": not failed,
            "config": {
                "clients": args.clients,
                "duration_s": args.duration,
                "rounds": args.rounds,
                "round_s": per_round,
                "warmup_s": args.warmup,
                "generator_processes": args.processes,
                "gunicorn": harness.GUNICORN_SETTINGS,
                "people": len(tokens),
                "database": DB_URL,
                "redis": REDIS_URL,
                "mode": "development",
            },
            "host": harness.host_info(),
            "me_response_bytes": me_bytes,
            "setup_s": round(setup_s, 1),
            "summary": {
                "hello": {"path": HELLO_PATH, **summary["hello"]},
                "me": {"path": ME_PATH, **summary["me"]},
                "ratio_me_over_hello": round(ratio, 3),
            },
            "rounds": rounds,
        }
        out_path = harness.write_result("whoami", stamp, result)

        rows = (
            (f"GET {HELLO_PATH} (ceiling)", summary["hello"]),
            (f"GET {ME_PATH}", summary["me"]),
        )
        harness.print_medians(rows, "req/s", 30)
        print(f"ratio me_rps / hello_rps: {ratio:.3f}")
        return bench.done(out_path, "non-200 responses; figures are not valid" if failed else None)
    return 1  # an exception, reported by Bench


if __name__ == "__main__":
    sys.exit(main())
