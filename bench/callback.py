"""Benchmark the official-account callback ``POST /wechat/callback`` in safe mode under
gunicorn on MariaDB + Redis, against the bare Flask ceiling of bench/hello_app.py.

Run from the project root::

    .venv/bin/python bench/callback.py [--clients 50] [--duration 15]

Steps: (re)create the ``party_bench_cb`` database, flush Redis db 12, ``flask --app server
init-db``, create an org tree and ~50 members, each bound in the mini-program and following
the official account with the same unionid (tests/factories.py), start gunicorn for the real
app (safe mode configured through ``PARTY__WECHAT__*``) and for bench/hello_app.py with
identical settings, then measure hello, callback, hello, callback (``--rounds`` rounds of
``--duration / 2`` seconds per endpoint) with a Python keep-alive load generator in separate
processes. Every callback request is a text command (会议 / 学习 / 待办 / 帮助 / 绑定) from a
linked member, encrypted before the clock starts, with a MsgId never used before (so
de-duplication never short-circuits). Every reply must be 200 and, after the clock stops,
decrypt (signature checked) to a text reply addressed to its sender. Prints messages/s and
p50/p99 latency per endpoint (median of rounds) and the ratio callback / hello, and writes
``bench/results/callback-<timestamp>.json``. Exits non-zero on any failure.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import platform
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

# Process management, percentiles and the gunicorn settings are shared with whoami.py, so the
# two benchmarks run their servers identically.
from whoami import (
    BIN,
    GUNICORN_SETTINGS,
    HOST,
    RESULTS,
    ROOT,
    free_port,
    git_commit,
    log_tail,
    percentile,
    split_clients,
    start_gunicorn,
    stop_gunicorn,
    summarize,
    wait_healthy,
)

DB_NAME = "party_bench_cb"
DB_URL = f"mysql+pymysql://root@{HOST}:3306/{DB_NAME}"
REDIS_DB = 12  # whoami.py uses 13
REDIS_URL = f"redis://{HOST}:6379/{REDIS_DB}"
CALLBACK_PATH = "/wechat/callback"
HELLO_PATH = "/api/v1/hello"

OA_TOKEN = "bench-callback-token"
OA_AES_KEY = "QmVuY2hDYWxsYmFja0tleUZvclNhZmVNb2RlMDEyMzQ"  # 43 characters
OA_APPID = "wx_bench_oa"
COMMANDS = ("会议", "学习", "待办", "帮助", "绑定")
NONCE = "20261124"


# --------------------------------------------------------------------------------------------
# Messages (built in the generator processes before the clock starts)
# --------------------------------------------------------------------------------------------
def _crypto():
    from wechatpy.crypto import WeChatCrypto

    return WeChatCrypto(OA_TOKEN, OA_AES_KEY, OA_APPID)


def _sealed_request(crypto, openid: str, content: str, msg_id: int) -> tuple[str, bytes]:
    """(path with query, body) of one safe-mode text message, as WeChat sends it."""
    from urllib.parse import urlencode

    from wechatpy.utils import WeChatSigner

    timestamp = str(int(time.time()))
    inner = (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )
    sealed = crypto.encrypt_message(inner, NONCE, timestamp)
    encrypt = sealed.split("<Encrypt><![CDATA[", 1)[1].split("]]>", 1)[0]
    msg_signature = sealed.split("<MsgSignature><![CDATA[", 1)[1].split("]]>", 1)[0]
    signer = WeChatSigner()
    signer.add_data(OA_TOKEN, timestamp, NONCE)
    query = urlencode(
        {
            "signature": signer.signature,
            "timestamp": timestamp,
            "nonce": NONCE,
            "openid": openid,
            "encrypt_type": "aes",
            "msg_signature": msg_signature,
        }
    )
    body = (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    ).encode()
    return f"{CALLBACK_PATH}?{query}", body


def _msg_id(base: int, client: int, seq: int) -> int:
    return base + client * 10_000_000 + seq


def _message(crypto, openids, base, client, seq):
    openid = openids[(client + seq) % len(openids)]
    content = COMMANDS[(client + seq) % len(COMMANDS)]
    path, body = _sealed_request(crypto, openid, content, _msg_id(base, client, seq))
    return path, body, openid


def _open_reply(crypto, body: bytes) -> str:
    """The inner XML of an encrypted reply (its signature checked); raises if it is not one."""
    text = body.decode("utf-8")
    signature = text.split("<MsgSignature><![CDATA[", 1)[1].split("]]>", 1)[0]
    timestamp = text.split("<TimeStamp>", 1)[1].split("</TimeStamp>", 1)[0]
    nonce = text.split("<Nonce><![CDATA[", 1)[1].split("]]>", 1)[0]
    return crypto.decrypt_message(text, signature, timestamp, nonce)


def _check_reply(crypto, body: bytes, openid: str) -> str | None:
    """None if ``body`` is a signed, encrypted text reply to ``openid``; else the problem."""
    try:
        inner = _open_reply(crypto, body)
    except Exception as exc:
        return f"undecryptable reply ({type(exc).__name__}): {body[:200]!r}"
    if f"<ToUserName><![CDATA[{openid}]]></ToUserName>" not in inner:
        return f"reply not addressed to {openid}: {inner[:200]}"
    if "<MsgType><![CDATA[text]]></MsgType>" not in inner or "<Content><![CDATA[" not in inner:
        return f"not a text reply: {inner[:200]}"
    return None


# --------------------------------------------------------------------------------------------
# Load generator (runs in spawned child processes)
# --------------------------------------------------------------------------------------------
def _client_thread(port, target, prepared, client, start_at, stop_at, timeout, out):
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: list[str] = []
    replies: list[tuple[bytes, str]] = []  # checked after the clock stops
    live = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    seq = 0
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    last_end = time.time()
    while time.time() < stop_at:
        if target["kind"] == "callback":
            if seq < len(prepared):
                path, body, openid = prepared[seq]
            else:  # ran past the prepared messages: encrypt here (counted, reported)
                path, body, openid = _message(
                    target["crypto"], target["openids"], target["base"], client, seq
                )
                live += 1
            method, headers = "POST", {"Content-Type": "text/xml"}
        else:
            path, body, openid, method, headers = target["path"], None, None, "GET", {}
        seq += 1
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
        elif openid is not None:
            replies.append((data, openid))
    conn.close()
    out.append((latencies, statuses, samples, last_end, replies, live))


def run_load(port, target, first_client, n_threads, per_client, start_at, stop_at, timeout):
    """One generator process: prepare its messages, then ``n_threads`` closed-loop clients."""
    prepared: list[list] = [[] for _ in range(n_threads)]
    if target["kind"] == "callback":
        target = dict(target, crypto=_crypto())
        for k in range(n_threads):
            prepared[k] = [
                _message(target["crypto"], target["openids"], target["base"], first_client + k, s)
                for s in range(per_client)
            ]
    late = max(0.0, time.time() - start_at)
    out: list = []
    threads = [
        threading.Thread(
            target=_client_thread,
            args=(port, target, prepared[k], first_client + k, start_at, stop_at, timeout, out),
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
    checked = bad = live = 0
    for lat, st, sm, end, replies, live_n in list(out):
        latencies.extend(lat)
        statuses.update(st)
        samples.extend(sm)
        last_end = max(last_end, end)
        live += live_n
        for body, openid in replies:
            problem = _check_reply(target["crypto"], body, openid)
            checked += 1
            if problem:
                bad += 1
                if len(samples) < 5:
                    samples.append(problem)
    missing = n_threads - len(out)
    if missing:
        statuses["hung_client"] += missing
    return {
        "latencies": latencies,
        "statuses": {str(k): v for k, v in statuses.items()},
        "samples": samples[:5],
        "last_end": last_end,
        "replies_checked": checked,
        "bad_replies": bad,
        "encrypted_during_run": live,
        "late_start_s": round(late, 3),
    }


def _noop(_: int) -> int:
    import wechatpy.crypto  # noqa: F401 - imported before the clock starts

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
            "PARTY__WECHAT__SANDBOX": "true",
            "PARTY__WECHAT__OA_TOKEN": OA_TOKEN,
            "PARTY__WECHAT__OA_ENCODING_AES_KEY": OA_AES_KEY,
            "PARTY__WECHAT__OA_APPID": OA_APPID,
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


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def init_db(env: dict[str, str]) -> None:
    import subprocess

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
    """Org tree and ``n_people`` members, each bound and following (a few hold a post, so
    待办 takes both paths); returns the followers' official-account openids."""
    for key in [k for k in os.environ if k.startswith("PARTY")]:
        del os.environ[key]
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from server import create_app
    from server.extensions import db
    from tests.factories import Factory

    app = create_app()
    openids: list[str] = []
    with app.test_request_context("/"):
        factory = Factory(app)
        tree = factory.tree()
        homes = [tree["a"], tree["b"], tree["c"], tree["group_a"]]
        for n in range(n_people):
            person = factory.person(homes[n % len(homes)])
            if n < 3:
                factory.post(person, homes[n])
            factory.wechat(person, follower=True)
            openids.append(f"oa-{person.id}")
        db.session.remove()
        db.engine.dispose()
    return openids


def check_callback(port: int, openids: list[str]) -> int:
    """One message per follower and command must get a decryptable reply; returns its size."""
    crypto = _crypto()
    size = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        for n, openid in enumerate(openids):
            for k, command in enumerate(COMMANDS):
                path, body = _sealed_request(crypto, openid, command, 10**15 + n * 10 + k)
                conn.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
                resp = conn.getresponse()
                data = resp.read()
                problem = _check_reply(crypto, data, openid) if resp.status == 200 else "non-200"
                if problem:
                    raise RuntimeError(f"POST {CALLBACK_PATH} -> {resp.status}: {problem} {data!r}")
                if command == "会议" and "近期没有需要参加的会议" not in _open_reply(crypto, data):
                    raise RuntimeError(f"{openid} is not linked to a member (会议 got no list)")
                size = len(data)
    finally:
        conn.close()
    return size


def calibrate() -> float:
    """Seconds to prepare one message (encryption included) on this machine."""
    crypto = _crypto()
    t0 = time.perf_counter()
    for seq in range(200):
        _message(crypto, ["oa-calibrate"], 1, 0, seq)
    return (time.perf_counter() - t0) / 200


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------
class Plan:
    """Distinct MsgId ranges per measurement; how many messages to prepare per client."""

    def __init__(self, openids: list[str], clients: int, processes: int, per_message_s: float):
        self.openids = openids
        self.clients = clients
        self.processes = processes
        self.per_message_s = per_message_s
        self.count = 0
        self.rate_per_client = 100.0  # messages/s one client can push; raised after warmup

    def target(self) -> dict:
        self.count += 1
        return {"kind": "callback", "openids": self.openids, "base": self.count * 10**12}

    def per_client(self, seconds: float) -> int:
        return math.ceil(self.rate_per_client * seconds * 1.5) + 20

    def prep_seconds(self, per_client: int) -> float:
        threads = math.ceil(self.clients / max(1, min(self.processes, self.clients)))
        return threads * per_client * self.per_message_s * 1.5 + 0.5


def measure(pool, port, target, plan: Plan, seconds, timeout=10.0) -> dict:
    per_client = plan.per_client(seconds) if target["kind"] == "callback" else 0
    start_at = time.time() + 0.5 + (plan.prep_seconds(per_client) if per_client else 0)
    stop_at = start_at + seconds
    jobs = [
        pool.apply_async(run_load, (port, target, first, n, per_client, start_at, stop_at, timeout))
        for first, n in split_clients(plan.clients, plan.processes)
    ]
    parts = [job.get(timeout=(start_at - time.time()) + seconds + timeout + 120) for job in jobs]
    latencies = sorted(x for part in parts for x in part["latencies"])
    statuses: Counter = Counter()
    for part in parts:
        statuses.update(part["statuses"])
    elapsed = max(part["last_end"] for part in parts) - start_at
    completed = len(latencies)
    bad_replies = sum(part["bad_replies"] for part in parts)
    non_200 = sum(v for k, v in statuses.items() if k != "200")
    return {
        "path": CALLBACK_PATH if target["kind"] == "callback" else target["path"],
        "completed": completed,
        "elapsed_s": round(elapsed, 3),
        "rps": round(completed / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "statuses": dict(statuses),
        "non_200": non_200 + bad_replies,
        "replies_checked": sum(part["replies_checked"] for part in parts),
        "bad_replies": bad_replies,
        "prepared_per_client": per_client,
        "encrypted_during_run": sum(part["encrypted_during_run"] for part in parts),
        "late_start_s": max(part["late_start_s"] for part in parts),
        "samples": [s for part in parts for s in part["samples"]][:5],
    }


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
    p.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds per endpoint")
    p.add_argument("--people", type=int, default=50, help="linked members/followers to create")
    args = p.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.rounds < 1 or args.people < 1:
        p.error("--clients, --duration, --rounds and --people must be positive")
    if args.warmup <= 0:
        p.error("--warmup must be positive (it sizes the prepared messages)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    per_round = args.duration / args.rounds
    limit = int(180 + 3 * args.duration + 3 * args.warmup)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(limit)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    env = bench_env()
    logdir = Path(tempfile.mkdtemp(prefix="callback-bench-"))
    procs: list = []
    pool = None
    ok = False
    try:
        t_setup = time.perf_counter()
        create_database()
        flush_redis()
        init_db(env)
        openids = make_data(env, args.people)
        print(f"setup: database {DB_NAME}, {len(openids)} linked members following the account")

        cb_port, hello_port = free_port(), free_port()
        cb = start_gunicorn("server:create_app()", cb_port, env, logdir / "callback.log")
        procs.append(cb)
        hello = start_gunicorn(
            "hello_app:app", hello_port, env, logdir / "hello.log", ["--pythonpath", "bench"]
        )
        procs.append(hello)
        wait_healthy(cb, cb_port)
        wait_healthy(hello, hello_port)
        reply_bytes = check_callback(cb_port, openids)

        pool = multiprocessing.get_context("spawn").Pool(args.processes)
        pool.map(_noop, range(args.processes))  # processes are up before the clock starts
        plan = Plan(openids, args.clients, args.processes, calibrate())
        setup_s = time.perf_counter() - t_setup

        hello_target = {"kind": "hello", "path": HELLO_PATH}
        measure(pool, hello_port, hello_target, plan, args.warmup)
        warm = measure(pool, cb_port, plan.target(), plan, args.warmup)
        if warm["non_200"]:
            raise RuntimeError(f"warmup failed: {warm['statuses']} {warm['samples']}")
        plan.rate_per_client = max(5.0, warm["rps"] / args.clients)

        print(
            f"measuring: {args.clients} clients ({args.processes} processes), gunicorn "
            f"{' '.join(GUNICORN_SETTINGS)}, {args.rounds} rounds x {per_round:g}s per endpoint, "
            f"{os.cpu_count()} CPUs; safe mode, text commands {'/'.join(COMMANDS)}"
        )
        rounds: dict[str, list[dict]] = {"hello": [], "callback": []}
        failed = False
        for r in range(1, args.rounds + 1):
            for name in ("hello", "callback"):
                if name == "hello":
                    res = measure(pool, hello_port, hello_target, plan, per_round)
                else:
                    res = measure(pool, cb_port, plan.target(), plan, per_round)
                res["round"] = r
                rounds[name].append(res)
                print(
                    f"  round {r} {name:<8} {res['rps']:>9.1f} msg/s  p50 {res['p50_ms']:>7.2f} ms"
                    f"  p99 {res['p99_ms']:>7.2f} ms  ({res['completed']} ok, "
                    f"{res['non_200']} failed)"
                )
                if res["non_200"]:
                    failed = True
                    print(
                        f"ERROR: {res['non_200']} failed responses from {res['path']}: "
                        f"{res['statuses']}, {res['bad_replies']} bad replies",
                        file=sys.stderr,
                    )
                    for sample in res["samples"]:
                        print(f"  {sample}", file=sys.stderr)
                if res["encrypted_during_run"] or res["late_start_s"]:
                    print(
                        f"  note: {res['encrypted_during_run']} messages encrypted during the "
                        f"run, generator start {res['late_start_s']}s late",
                        file=sys.stderr,
                    )
            if failed:
                break

        summary = {name: summarize(rs) for name, rs in rounds.items()}
        hello_rps = summary["hello"]["rps"]
        ratio = summary["callback"]["rps"] / hello_rps if hello_rps else 0
        result = {
            "benchmark": "callback",
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
                "people": len(openids),
                "commands": list(COMMANDS),
                "mode": "safe (encrypt_type=aes)",
                "database": DB_URL,
                "redis": REDIS_URL,
            },
            "host": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "git_commit": git_commit(),
            },
            "callback_reply_bytes": reply_bytes,
            "prepare_message_us": round(plan.per_message_s * 1e6, 1),
            "setup_s": round(setup_s, 1),
            "summary": {
                "hello": {"path": HELLO_PATH, **summary["hello"]},
                "callback": {"path": CALLBACK_PATH, **summary["callback"]},
                "ratio_callback_over_hello": round(ratio, 3),
            },
            "warmup": {"callback": warm},
            "rounds": rounds,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        out_path = RESULTS / f"callback-{stamp}.json"
        out_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

        print()
        print(f"{'endpoint (median of rounds)':<34}{'msg/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        labels = (
            ("hello", f"GET {HELLO_PATH} (ceiling)"),
            ("callback", f"POST {CALLBACK_PATH} (aes)"),
        )
        for name, label in labels:
            s = summary[name]
            print(f"{label:<34}{s['rps']:>10.1f}{s['p50_ms']:>10.2f}{s['p99_ms']:>10.2f}")
        print(f"ratio callback / hello: {ratio:.3f}")
        print(f"wrote {out_path.relative_to(ROOT)}")
        if failed:
            print("ERROR: failed responses; figures are not valid", file=sys.stderr)
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
