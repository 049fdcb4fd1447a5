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

import http.client
import math
import os
import sys
import time

# Setup, gunicorn, the closed-loop generator and the figures are shared with whoami.py, so
# the benchmarks run their servers and count identically.
import harness

DB_NAME = "party_bench_cb"
DB_URL = harness.db_url(DB_NAME)
REDIS_DB = 12  # whoami.py uses 13
REDIS_URL = harness.redis_url(REDIS_DB)
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
def _requests(target, prepared, client, live, k):
    """The client's requests: its prepared messages, then messages encrypted on the fly
    (counted in ``live[k]``); or, for the baseline, GET ``target["path"]``."""
    if target["kind"] != "callback":
        while True:
            yield "GET", target["path"], None, {}, None
    seq = 0
    while True:
        if seq < len(prepared):
            path, body, openid = prepared[seq]
        else:  # ran past the prepared messages: encrypt here (counted, reported)
            path, body, openid = _message(
                target["crypto"], target["openids"], target["base"], client, seq
            )
            live[k] += 1
        yield "POST", path, body, {"Content-Type": "text/xml"}, openid
        seq += 1


def run_load(port, target, first_client, n_threads, per_client, start_at, stop_at, timeout):
    """One generator process: prepare its messages, then ``n_threads`` closed-loop clients.
    Every reply is checked after the clock stops."""
    prepared: list[list] = [[] for _ in range(n_threads)]
    if target["kind"] == "callback":
        target = dict(target, crypto=_crypto())
        for k in range(n_threads):
            prepared[k] = [
                _message(target["crypto"], target["openids"], target["base"], first_client + k, s)
                for s in range(per_client)
            ]
    late = max(0.0, time.time() - start_at)
    live = [0] * n_threads
    streams = [_requests(target, prepared[k], first_client + k, live, k) for k in range(n_threads)]
    part = harness.closed_loop(port, streams, start_at, stop_at, timeout)
    samples = part["samples"]
    checked = bad = 0
    for body, openid in part.pop("replies"):
        problem = _check_reply(target["crypto"], body, openid)
        checked += 1
        if problem:
            bad += 1
            if len(samples) < 5:
                samples.append(problem)
    return {
        **part,
        "samples": samples[:5],
        "replies_checked": checked,
        "bad_replies": bad,
        "encrypted_during_run": sum(live),
        "late_start_s": round(late, 3),
    }


def _noop(_: int) -> int:
    import wechatpy.crypto  # noqa: F401 - imported before the clock starts

    return os.getpid()


# --------------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------------
def make_data(env: dict[str, str], n_people: int) -> list[str]:
    """Org tree and ``n_people`` members, each bound and following (a few hold a post, so
    待办 takes both paths); returns the followers' official-account openids."""
    harness.use_env(env)
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
    conn = http.client.HTTPConnection(harness.HOST, port, timeout=10)
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
        for first, n in harness.split_clients(plan.clients, plan.processes)
    ]
    parts = [job.get(timeout=(start_at - time.time()) + seconds + timeout + 120) for job in jobs]
    figures = harness.closed_loop_figures(parts, start_at)
    samples = figures.pop("samples")
    bad_replies = sum(part["bad_replies"] for part in parts)
    return {
        "path": CALLBACK_PATH if target["kind"] == "callback" else target["path"],
        **figures,
        "non_200": figures["non_200"] + bad_replies,
        "replies_checked": sum(part["replies_checked"] for part in parts),
        "bad_replies": bad_replies,
        "prepared_per_client": per_client,
        "encrypted_during_run": sum(part["encrypted_during_run"] for part in parts),
        "late_start_s": max(part["late_start_s"] for part in parts),
        "samples": samples,
    }


def parse_args(argv):
    p, args = harness.closed_loop_args(
        argv,
        __doc__.split("\n\n")[0],
        warmup=2.0,
        people_help="linked members/followers to create",
    )
    if args.warmup <= 0:
        p.error("--warmup must be positive (it sizes the prepared messages)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    per_round = args.duration / args.rounds
    limit = int(180 + 3 * args.duration + 3 * args.warmup)
    harness.time_limit(limit)

    stamp = harness.utc_stamp()
    env = harness.bench_env(
        DB_URL,
        REDIS_URL,
        PARTY__WECHAT__SANDBOX="true",
        PARTY__WECHAT__OA_TOKEN=OA_TOKEN,
        PARTY__WECHAT__OA_ENCODING_AES_KEY=OA_AES_KEY,
        PARTY__WECHAT__OA_APPID=OA_APPID,
    )
    with harness.Bench("callback") as bench:
        t_setup = time.perf_counter()
        harness.fresh_database(DB_NAME, env, REDIS_URL)
        openids = make_data(env, args.people)
        print(f"setup: database {DB_NAME}, {len(openids)} linked members following the account")

        cb = bench.gunicorn("server:create_app()", env, "callback.log")
        hello = bench.gunicorn("hello_app:app", env, "hello.log", ["--pythonpath", "bench"])
        harness.wait_healthy(cb)
        harness.wait_healthy(hello)
        cb_port, hello_port = cb.port, hello.port
        reply_bytes = check_callback(cb_port, openids)

        pool = bench.generators(args.processes, _noop)
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
            f"{' '.join(harness.GUNICORN_SETTINGS)}, "
            f"{args.rounds} rounds x {per_round:g}s per endpoint, "
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

        summary = {name: harness.median_of_rounds(rs) for name, rs in rounds.items()}
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
                "gunicorn": harness.GUNICORN_SETTINGS,
                "people": len(openids),
                "commands": list(COMMANDS),
                "mode": "safe (encrypt_type=aes)",
                "database": DB_URL,
                "redis": REDIS_URL,
            },
            "host": harness.host_info(),
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
        out_path = harness.write_result("callback", stamp, result)

        rows = (
            (f"GET {HELLO_PATH} (ceiling)", summary["hello"]),
            (f"POST {CALLBACK_PATH} (aes)", summary["callback"]),
        )
        harness.print_medians(rows, "msg/s", 34)
        print(f"ratio callback / hello: {ratio:.3f}")
        return bench.done(out_path, "failed responses; figures are not valid" if failed else None)
    return 1  # an exception, reported by Bench


if __name__ == "__main__":
    sys.exit(main())
