"""What the benchmarks share, so they set up, serve, measure and report identically: the
``PARTY__*`` environment, a fresh database with ``init-db``, gunicorn (same settings, health
check, process-group stop) and ``Bench`` (one run's servers, generator pool, logs and
teardown), the closed-loop keep-alive generator, percentiles and medians, the SIGALRM time
limit and the results file. See bench/README.md.

The benchmarks are run as ``.venv/bin/python bench/<name>.py``, so bench/ is on ``sys.path``
and ``import harness`` works; spawned generator processes get the same ``sys.path``.
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
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent  # .venv/bin when run as .venv/bin/python
HOST = "127.0.0.1"

# Identical for every app. No control socket: two masters would share ~/.gunicorn/gunicorn.ctl.
GUNICORN_SETTINGS = ["-w", "4", "--threads", "1", "--no-control-socket"]


# --------------------------------------------------------------------------------------------
# Environment, database, Redis
# --------------------------------------------------------------------------------------------
def db_url(name: str) -> str:
    return f"mysql+pymysql://root@{HOST}:3306/{name}"


def redis_url(db: int) -> str:
    return f"redis://{HOST}:6379/{db}"


def bench_env(database_url: str, redis: str, **settings: str) -> dict[str, str]:
    """The environment for flask/gunicorn/workers: no stray PARTY* settings, only ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTY")}
    env.update(
        {
            "PARTY__DATABASE__URL": database_url,
            "PARTY__REDIS__URL": redis,
            "PARTY__APP__MODE": "development",
            **settings,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def use_env(env: dict[str, str]) -> None:
    """Configure this process as ``env`` does the servers (for ``create_app()`` in-process)."""
    for key in [k for k in os.environ if k.startswith("PARTY")]:
        del os.environ[key]
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def mysql(database: str | None = None):
    import pymysql

    return pymysql.connect(
        host=HOST, port=3306, user="root", password="", database=database, connect_timeout=5
    )


def recreate_database(name: str) -> None:
    conn = mysql()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cur.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        conn.commit()
    finally:
        conn.close()


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


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


def fresh_database(name: str, env: dict[str, str], redis: str | None = None) -> None:
    """Database ``name`` dropped and created again (nothing else is dropped), the Redis
    database ``redis`` flushed, and the schema created by ``init-db`` with ``env``."""
    recreate_database(name)
    if redis:
        flush_redis(redis)
    init_db(env)


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


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
    proc.port = port
    return proc


def stop_groups(procs) -> None:
    """SIGTERM each process's own process group (a master and its workers; each was started
    with ``start_new_session``); SIGKILL a group that lingers, or whose leader is gone."""
    running = [proc for proc in procs if proc.poll() is None]
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM if proc in running else signal.SIGKILL)
    for proc in running:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def stop_gunicorn(*procs) -> None:
    stop_groups(procs)
    for proc in procs:
        proc.log_file.close()


def log_tail(proc, lines: int = 30) -> str:
    try:
        text = Path(proc.log_path).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(proc, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{proc.port}/healthz"
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


def noop(_: int) -> int:
    return os.getpid()


class Bench:
    """One run's gunicorns, generator pool and gunicorn log directory::

        with Bench("whoami") as bench:
            app = bench.gunicorn("server:create_app()", env, "app.log")
            ...
            return bench.done(out_path, "non-200 responses" if failed else None)
        return 1  # an exception, reported by Bench

    On leaving: the time limit is cancelled, the pool terminated, the gunicorns stopped; the
    logs are deleted after a run that is ``ok`` and kept (their path printed) otherwise. An
    exception is printed with the tail of every gunicorn log and goes no further.
    """

    def __init__(self, name: str):
        self.logdir = Path(tempfile.mkdtemp(prefix=f"{name}-bench-"))
        self.procs: list = []
        self.pool = None
        self.ok = False

    def gunicorn(self, app_spec, env, log_name, extra=()):
        """Start ``app_spec`` on a free loopback port (``proc.port``)."""
        proc = start_gunicorn(app_spec, free_port(), env, self.logdir / log_name, extra)
        self.procs.append(proc)
        return proc

    def generators(self, processes: int, warm=noop):
        """A pool of spawned generator processes, all up before the clock starts."""
        self.pool = multiprocessing.get_context("spawn").Pool(processes)
        self.pool.map(warm, range(processes))
        return self.pool

    def done(self, out_path: Path, failure: str | None = None, details=()) -> int:
        """The exit code of a run that got to its results file: 1 (the ``failure`` and its
        ``details`` printed) or 0, and then the run is ``ok``."""
        print(f"wrote {out_path.relative_to(ROOT)}")
        if failure:
            print(f"ERROR: {failure}", file=sys.stderr)
            for line in details:
                print(f"  {line}", file=sys.stderr)
            return 1
        self.ok = True
        return 0

    def __enter__(self) -> Bench:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if isinstance(exc, Exception):
            print(f"ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
            for proc in self.procs:
                tail = log_tail(proc)
                if tail:
                    print(f"--- {proc.log_path.name} (tail) ---\n{tail}", file=sys.stderr)
        signal.alarm(0)
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        stop_gunicorn(*self.procs)
        if self.ok:
            for f in self.logdir.iterdir():
                f.unlink()
            self.logdir.rmdir()
        else:
            print(f"gunicorn logs kept in {self.logdir}", file=sys.stderr)
        return isinstance(exc, Exception)


# --------------------------------------------------------------------------------------------
# Closed-loop load (runs in the spawned generator processes; stdlib only)
# --------------------------------------------------------------------------------------------
def _closed_client(port, requests, start_at, stop_at, timeout, out):
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: list[str] = []
    replies: list[tuple[bytes, object]] = []  # (body, tag), for the caller to check
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    last_end = time.time()
    while time.time() < stop_at:
        method, path, body, headers, tag = next(requests)
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
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
            samples.append(f"HTTP {resp.status}: {data[:300].decode('utf-8', 'replace')}")
        elif tag is not None:  # a 200 (or a non-200 past the samples: it fails the check)
            replies.append((data, tag))
        # http.client reopens the connection by itself when the server said "close".
    conn.close()
    out.append((latencies, statuses, samples, last_end, replies))


def closed_loop(port, streams, start_at, stop_at, timeout) -> dict:
    """One client thread per request stream, each on one persistent connection, sending from
    ``start_at`` until ``stop_at``: send, read the whole answer, send the next. A stream
    yields ``(method, path, body, headers, tag)``; the body of every 200 whose tag is not None
    is returned with its tag (``replies``). A client still running well after ``stop_at``
    counts as ``hung_client``."""
    out: list = []
    threads = [
        threading.Thread(
            target=_closed_client,
            args=(port, stream, start_at, stop_at, timeout, out),
            daemon=True,
        )
        for stream in streams
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, stop_at - time.time()) + timeout + 5)
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: list[str] = []
    replies: list = []
    last_end = start_at
    for lat, st, sm, end, rp in list(out):
        latencies.extend(lat)
        statuses.update(st)
        samples.extend(sm)
        last_end = max(last_end, end)
        replies.extend(rp)
    missing = len(threads) - len(out)
    if missing:
        statuses["hung_client"] += missing
    return {
        "latencies": latencies,
        "statuses": {str(k): v for k, v in statuses.items()},
        "samples": samples,
        "last_end": last_end,
        "replies": replies,
    }


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


def closed_loop_figures(parts: list[dict], start_at: float) -> dict:
    """One measurement from its generator processes' ``closed_loop`` results: req/s over the
    time from the common start to the last answer, latency percentiles, statuses."""
    latencies = sorted(x for part in parts for x in part["latencies"])
    statuses: Counter = Counter()
    for part in parts:
        statuses.update(part["statuses"])
    elapsed = max(part["last_end"] for part in parts) - start_at
    completed = len(latencies)
    return {
        "completed": completed,
        "elapsed_s": round(elapsed, 3),
        "rps": round(completed / elapsed, 1) if elapsed > 0 else 0.0,
        **latency_ms(latencies, (50, 99)),
        "statuses": dict(statuses),
        "non_200": sum(v for k, v in statuses.items() if k != "200"),
        "samples": [s for part in parts for s in part["samples"]][:5],
    }


def closed_loop_args(argv, description: str, warmup: float, people_help: str):
    """The options of the closed-loop benchmarks (whoami.py, callback.py): (parser, args)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument(
        "--duration",
        type=float,
        default=15.0,
        help="measured seconds per endpoint, split over the rounds (default 15)",
    )
    p.add_argument("--rounds", type=int, default=2, help="rounds per endpoint (default 2)")
    p.add_argument("--processes", type=int, default=2, help="load generator processes")
    p.add_argument("--warmup", type=float, default=warmup, help="unrecorded seconds per endpoint")
    p.add_argument("--people", type=int, default=50, help=people_help)
    args = p.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.rounds < 1 or args.people < 1:
        p.error("--clients, --duration, --rounds and --people must be positive")
    return p, args


# --------------------------------------------------------------------------------------------
# Maths
# --------------------------------------------------------------------------------------------
def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_ms(sorted_seconds: list[float], ps, prefix: str = "", with_max: bool = True) -> dict:
    """``{prefix}p50_ms`` … for each percentile in ``ps`` (and ``{prefix}max_ms``), in ms."""
    out = {f"{prefix}p{p:g}_ms": round(percentile(sorted_seconds, p) * 1000, 2) for p in ps}
    if with_max:
        out[f"{prefix}max_ms"] = round(sorted_seconds[-1] * 1000, 2) if sorted_seconds else None
    return out


def print_medians(rows, unit: str, width: int) -> None:
    """The console table of ``median_of_rounds`` figures, one (label, figures) per row."""
    print()
    print(f"{'endpoint (median of rounds)':<{width}}{unit:>10}{'p50 ms':>10}{'p99 ms':>10}")
    for label, s in rows:
        print(f"{label:<{width}}{s['rps']:>10.1f}{s['p50_ms']:>10.2f}{s['p99_ms']:>10.2f}")


def median_of_rounds(rounds: list[dict]) -> dict:
    return {
        "rps": round(statistics.median(r["rps"] for r in rounds), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in rounds), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in rounds), 2),
        "completed": sum(r["completed"] for r in rounds),
        "non_200": sum(r["non_200"] for r in rounds),
    }


# --------------------------------------------------------------------------------------------
# Time limit and results
# --------------------------------------------------------------------------------------------
def _on_alarm(signum, frame):
    raise TimeoutError("benchmark exceeded its time limit")


def time_limit(seconds: int, handler=_on_alarm) -> None:
    """SIGALRM after ``seconds``: by default a TimeoutError wherever the run is (``Bench``
    cancels the alarm)."""
    signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def host_info() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": git_commit(),
    }


def write_result(name: str, stamp: str, result: dict) -> Path:
    """``bench/results/<name>-<stamp>.json``; returns its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path
