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

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent  # .venv/bin when run as .venv/bin/python

HOST = "127.0.0.1"
DB_NAME = "party_bench"
DB_URL = f"mysql+pymysql://root@{HOST}:3306/{DB_NAME}"
REDIS_URL = f"redis://{HOST}:6379/13"
ME_PATH = "/api/v1/me"
HELLO_PATH = "/api/v1/hello"


# --------------------------------------------------------------------------------------------
# Load generator (runs in spawned child processes; stdlib only)
# --------------------------------------------------------------------------------------------
def _client_thread(port, path, tokens, client_index, start_at, stop_at, timeout, out):
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: list[str] = []
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    i = client_index
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    last_end = time.time()
    while time.time() < stop_at:
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()  # the next request reconnects
            statuses["error"] += 1
            if len(samples) < 3:
                samples.append(f"{type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - t0)
        last_end = time.time()
        statuses[resp.status] += 1
        if resp.status != 200 and len(samples) < 3:
            samples.append(f"HTTP {resp.status}: {body[:300].decode('utf-8', 'replace')}")
        # http.client reopens the connection by itself when the server said "close".
    conn.close()
    out.append((latencies, statuses, samples, last_end))


def run_load(port, path, tokens, first_client, n_threads, start_at, stop_at, timeout):
    """One generator process: ``n_threads`` clients, one persistent connection each."""
    out: list = []
    threads = [
        threading.Thread(
            target=_client_thread,
            args=(port, path, tokens, first_client + k, start_at, stop_at, timeout, out),
            daemon=True,
        )
        for k in range(n_threads)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, stop_at - time.time()) + timeout + 5)
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: list[str] = []
    last_end = start_at
    for lat, st, sm, end in list(out):
        latencies.extend(lat)
        statuses.update(st)
        samples.extend(sm)
        last_end = max(last_end, end)
    missing = n_threads - len(out)
    if missing:
        statuses["hung_client"] += missing
    return {
        "latencies": latencies,
        "statuses": {str(k): v for k, v in statuses.items()},
        "samples": samples[:5],
        "last_end": last_end,
    }


def _noop(_: int) -> int:
    return os.getpid()


# --------------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------------
def bench_env() -> dict[str, str]:
    """The environment for flask/gunicorn: no stray PARTY* settings, only ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTY")}
    env.update(
        {
            "PARTY__DATABASE__URL": DB_URL,
            "PARTY__REDIS__URL": REDIS_URL,
            "PARTY__APP__MODE": "development",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def create_database() -> None:
    import pymysql

    conn = pymysql.connect(host=HOST, port=3306, user="root", password="", connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{DB_NAME}`")
            cur.execute(
                f"CREATE DATABASE `{DB_NAME}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        conn.commit()
    finally:
        conn.close()


def init_db(env: dict[str, str]) -> None:
    proc = subprocess.run(
        [str(BIN / "flask"), "--app", "server", "init-db"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"init-db failed:\n{proc.stdout}\n{proc.stderr}")


def make_data(env: dict[str, str], n_people: int) -> list[str]:
    """Org tree, ``n_people`` members (a few of them branch secretaries), one token each."""
    for key in [k for k in os.environ if k.startswith("PARTY")]:
        del os.environ[key]
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# Identical for both apps. No control socket: two masters would share ~/.gunicorn/gunicorn.ctl.
GUNICORN_SETTINGS = ["-w", "4", "--threads", "1", "--no-control-socket"]


def start_gunicorn(app_spec, port, env, log_path, extra=()):
    cmd = [
        str(BIN / "gunicorn"),
        *GUNICORN_SETTINGS,
        "-b",
        f"{HOST}:{port}",
        *extra,
        app_spec,
    ]
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process in stop_gunicorn
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    proc.log_file = log
    proc.log_path = log_path
    proc.cmd = cmd
    return proc


def stop_gunicorn(proc) -> None:
    """SIGTERM the gunicorn's own process group (master + workers); SIGKILL if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    else:  # master gone; make sure no worker of its group survives
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.log_file.close()


def log_tail(proc, lines: int = 30) -> str:
    try:
        text = Path(proc.log_path).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(proc, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{port}/healthz"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{log_tail(proc)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy after {timeout:.0f}s:\n{log_tail(proc)}")


def check_tokens(port: int, tokens: list[str]) -> int:
    """Every token must get a 200 with the member record; returns the response size."""
    size = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
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
def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def split_clients(clients: int, processes: int) -> list[tuple[int, int]]:
    """(first client index, thread count) per generator process."""
    processes = max(1, min(processes, clients))
    base, extra = divmod(clients, processes)
    out, first = [], 0
    for k in range(processes):
        n = base + (1 if k < extra else 0)
        out.append((first, n))
        first += n
    return out


def measure(pool, port, path, tokens, clients, processes, seconds, timeout=10.0) -> dict:
    start_at = time.time() + 0.5  # all generator threads start together
    stop_at = start_at + seconds
    jobs = [
        pool.apply_async(run_load, (port, path, tokens, first, n, start_at, stop_at, timeout))
        for first, n in split_clients(clients, processes)
    ]
    parts = [job.get(timeout=seconds + timeout + 30) for job in jobs]
    latencies = sorted(x for part in parts for x in part["latencies"])
    statuses: Counter = Counter()
    for part in parts:
        statuses.update(part["statuses"])
    elapsed = max(part["last_end"] for part in parts) - start_at
    completed = len(latencies)
    non_200 = sum(v for k, v in statuses.items() if k != "200")
    return {
        "path": path,
        "completed": completed,
        "elapsed_s": round(elapsed, 3),
        "rps": round(completed / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "statuses": dict(statuses),
        "non_200": non_200,
        "samples": [s for part in parts for s in part["samples"]][:5],
    }


def summarize(rounds: list[dict]) -> dict:
    return {
        "rps": round(statistics.median(r["rps"] for r in rounds), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in rounds), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in rounds), 2),
        "completed": sum(r["completed"] for r in rounds),
        "non_200": sum(r["non_200"] for r in rounds),
    }


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _on_alarm(signum, frame):
    raise TimeoutError("benchmark exceeded its time limit")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument(
        "--duration",
        type=float,
        default=15.0,
        help="measured seconds per endpoint, split over the rounds (default 15)",
    )
    p.add_argument("--rounds", type=int, default=2, help="rounds per endpoint (default 2)")
    p.add_argument("--processes", type=int, default=2, help="load generator processes")
    p.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds per endpoint")
    p.add_argument("--people", type=int, default=50, help="members/tokens to create")
    args = p.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.rounds < 1 or args.people < 1:
        p.error("--clients, --duration, --rounds and --people must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    per_round = args.duration / args.rounds
    limit = int(90 + 2 * args.duration + 2 * args.warmup)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(limit)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    env = bench_env()
    logdir = Path(tempfile.mkdtemp(prefix="whoami-bench-"))
    procs: list = []
    pool = None
    ok = False
    try:
        t_setup = time.perf_counter()
        create_database()
        init_db(env)
        tokens = make_data(env, args.people)
        print(f"setup: database {DB_NAME}, {len(tokens)} members with session tokens")

        me_port, hello_port = free_port(), free_port()
        me = start_gunicorn("server:create_app()", me_port, env, logdir / "me.log")
        procs.append(me)
        hello = start_gunicorn(
            "hello_app:app", hello_port, env, logdir / "hello.log", ["--pythonpath", "bench"]
        )
        procs.append(hello)
        wait_healthy(me, me_port)
        wait_healthy(hello, hello_port)
        me_bytes = check_tokens(me_port, tokens)

        pool = multiprocessing.get_context("spawn").Pool(args.processes)
        pool.map(_noop, range(args.processes))  # processes are up before the clock starts
        setup_s = time.perf_counter() - t_setup

        targets = {"hello": (hello_port, HELLO_PATH), "me": (me_port, ME_PATH)}
        if args.warmup > 0:
            for port, path in targets.values():
                measure(pool, port, path, tokens, args.clients, args.processes, args.warmup)

        print(
            f"measuring: {args.clients} clients ({args.processes} processes), gunicorn "
            f"{' '.join(GUNICORN_SETTINGS)}, {args.rounds} rounds x {per_round:g}s per endpoint, "
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

        summary = {name: summarize(rs) for name, rs in rounds.items()}
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
                "gunicorn": GUNICORN_SETTINGS,
                "people": len(tokens),
                "database": DB_URL,
                "redis": REDIS_URL,
                "mode": "development",
            },
            "host": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "git_commit": git_commit(),
            },
            "me_response_bytes": me_bytes,
            "setup_s": round(setup_s, 1),
            "summary": {
                "hello": {"path": HELLO_PATH, **summary["hello"]},
                "me": {"path": ME_PATH, **summary["me"]},
                "ratio_me_over_hello": round(ratio, 3),
            },
            "rounds": rounds,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        out_path = RESULTS / f"whoami-{stamp}.json"
        out_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

        print()
        print(f"{'endpoint (median of rounds)':<30}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for name, label in (("hello", f"GET {HELLO_PATH} (ceiling)"), ("me", f"GET {ME_PATH}")):
            s = summary[name]
            print(f"{label:<30}{s['rps']:>10.1f}{s['p50_ms']:>10.2f}{s['p99_ms']:>10.2f}")
        print(f"ratio me_rps / hello_rps: {ratio:.3f}")
        print(f"wrote {out_path.relative_to(ROOT)}")
        if failed:
            print("ERROR: non-200 responses; figures are not valid", file=sys.stderr)
            return 1
        ok = True
        return 0
    except Exception as exc:
        print(f"ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
        for proc in procs:
            tail = log_tail(proc)
            if tail:
                print(f"--- {proc.log_path.name} (tail) ---\n{tail}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        if pool is not None:
            pool.terminate()
            pool.join()
        for proc in procs:
            stop_gunicorn(proc)
        if ok:
            for f in logdir.iterdir():
                f.unlink()
            logdir.rmdir()
        else:
            print(f"gunicorn logs kept in {logdir}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
