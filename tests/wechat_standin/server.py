"""A local HTTP stand-in for the WeChat server APIs (see docs/WECHAT.md in the shared docs).

It serves, on ``127.0.0.1:<ephemeral port>`` in a background thread (werkzeug, threaded):

    GET  /cgi-bin/token                  POST /cgi-bin/stable_token
    GET  /sns/jscode2session             GET  /cgi-bin/user/info
    POST /cgi-bin/message/template/send  POST /cgi-bin/message/subscribe/send
    POST /wxa/getwxacodeunlimit

Errors come back like real WeChat: HTTP 200 and ``{"errcode": N, "errmsg": "... rid: ..."}``.
Unknown paths get HTTP 404. Everything under ``/cgi-bin/`` (except ``token`` and
``stable_token``) and ``/wxa/`` checks ``access_token``: missing → 41001, unknown → 40001,
expired (``expire_tokens()`` or older than 7200 s) → 42001. ``/sns/jscode2session`` needs no
token (wechatpy sends one anyway; it is ignored).

Usage::

    standin = WeChatStandIn(appid="wx_test_app", secret="test_secret").start()
    standin.add_code("c1", "mini_openid_1", unionid="u1")
    ...                         # point the code under test at standin.base_url
    standin.reset()             # between tests
    standin.stop()

Login codes: codes registered with ``add_code`` expire after ``code_ttl`` (300 s) → 40029.
Codes of the form ``auto:<openid>[@<unionid>][#<nonce>]`` need no registration (for benchmarks;
the ``#nonce`` part lets one user log in repeatedly, since every code is single-use).

Pointing wechatpy 1.8.18 at the stand-in (the production gateway needs the same override)
-----------------------------------------------------------------------------------------
wechatpy has three separate places that name ``https://api.weixin.qq.com``:

1. ``WeChatClient.API_BASE_URL`` (``'https://api.weixin.qq.com/cgi-bin/'``) — used by
   ``client.get/post`` and by every API group without its own base (``client.message``,
   ``client.user``, ``client.template``, ...). Set it per instance:
   ``client.API_BASE_URL = api_base + "/cgi-bin/"``.
2. ``client.wxa.API_BASE_URL`` (``'https://api.weixin.qq.com/'``) — the ``WeChatWxa`` group
   (``code_to_session``, ``get_wxa_code_unlimited``) has its own. ``BaseWeChatClient.__new__``
   gives each client its own API-group instances, so ``client.wxa.API_BASE_URL = api_base + "/"``
   only affects that client. (Other groups with their own base: card, cloud, datacube, device,
   invoice, marketing, merchant, scan, shakearound, wifi; customservice hard-codes full URLs.)
3. ``WeChatClient.fetch_access_token()`` hard-codes ``url='https://api.weixin.qq.com/cgi-bin/token'``
   and calls ``BaseWeChatClient._fetch_access_token(url, params)``. There is no attribute for it:
   override the method in a subclass::

       class GatewayWeChatClient(WeChatClient):
           def __init__(self, appid, secret, api_base, **kwargs):
               super().__init__(appid, secret, **kwargs)
               self.api_base = api_base.rstrip("/")
               self.API_BASE_URL = self.api_base + "/cgi-bin/"
               self.wxa.API_BASE_URL = self.api_base + "/"

           def fetch_access_token(self):
               return self._fetch_access_token(
                   url=self.api_base + "/cgi-bin/token",
                   params={"grant_type": "client_credential",
                           "appid": self.appid, "secret": self.secret})

   Caveat: ``_fetch_access_token`` calls ``self._http.get`` WITHOUT a timeout (the client's
   ``timeout`` is only applied in ``_request``), so a hung token endpoint hangs the caller. A
   production override should rather implement ``fetch_access_token`` itself — e.g. POST
   ``/cgi-bin/stable_token`` with a timeout, then ``self.session.set(self.access_token_key,
   token, expires_in)`` and set ``self.expires_at`` (see ``test_standin.StableTokenClient``).
   Also note ``auto_retry=True`` re-fetches and retries on 40001/40014/42001 with no limit.
   wechatpy posts JSON bodies without a Content-Type header; the stand-in parses the body anyway.

Only werkzeug and the standard library are used here.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import struct
import threading
import time
import zlib
from collections import deque
from typing import Any, ClassVar

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

__all__ = ["ERRMSGS", "WeChatStandIn"]

# errmsg texts as real WeChat sends them (before " rid: ..."); unknown codes get a generic text.
ERRMSGS: dict[int, str] = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40014: "invalid access_token",
    40029: "invalid code",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40163: "code been used",
    40164: "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist",
    40169: "invalid length for scene, or the data is not json string",
    40226: "high risk user",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    41008: "missing code",
    41009: "missing openid",
    41030: "invalid page",
    42001: "access_token expired",
    43002: "require POST method",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    47001: "data format error",
}

TOKEN_TTL = 7200
DEDUPE_WINDOW = 600  # client_msg_id de-duplication window, seconds
SCENE_RE = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$")
FIELD_RE = re.compile(r"^([a-z_]+?)(\d*)$")
# maximum value length per template keyword type (WECHAT.md); other types are not checked
VALUE_LIMITS = {
    "thing": 20,
    "number": 32,
    "letter": 32,
    "character_string": 32,
    "phrase": 5,
    "name": 10,
    "symbol": 5,
    "car_number": 8,
    "phone_number": 17,
}

_TOKEN_FREE = {"/cgi-bin/token", "/cgi-bin/stable_token"}


def _rid() -> str:
    return "-".join(secrets.token_hex(4) for _ in range(3))


def _norm(path: str) -> str:
    path = path.split("?", 1)[0]
    return path if path.startswith("/") else "/" + path


def _png(text_chunks: dict[str, str], size: int = 8) -> bytes:
    """A tiny valid grayscale PNG; ``text_chunks`` go into tEXt chunks (latin-1 safe)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    rows = b"".join(
        b"\x00" + bytes(0 if (x + y) % 2 else 255 for x in range(size)) for y in range(size)
    )
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    for key, value in text_chunks.items():
        data = key.encode("latin-1") + b"\x00" + value.encode("utf-8", "replace")
        out += chunk(b"tEXt", data)
    return out + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class _Fault:
    __slots__ = ("kind", "remaining", "value")

    def __init__(self, kind: str, value: Any, remaining: int) -> None:
        self.kind = kind  # "errcode" (value=(errcode, errmsg)) | "http" (value=status)
        self.value = value
        self.remaining = remaining


class WeChatStandIn:
    """In-process fake of api.weixin.qq.com. All mutable state is guarded by ``self._lock``."""

    def __init__(
        self,
        appid: str = "wx_test_app",
        secret: str = "test_secret",  # noqa: S107 - a fake app's fake secret
        *,
        jscode_limit_per_minute: int = 100,
        code_ttl: float = 300.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.host = host
        self.port = port
        self._default_jscode_limit = jscode_limit_per_minute
        self.jscode_limit_per_minute = jscode_limit_per_minute
        self.code_ttl = code_ttl
        self._lock = threading.RLock()
        self._server = None
        self._thread: threading.Thread | None = None
        self._msgid = itertools.count(2002283320)
        # tokens survive reset() unless reset(tokens=True)
        self._tokens: dict[str, float] = {}  # valid token -> issued at
        self._expired: set[str] = set()
        self._current: str | None = None  # what stable_token hands out
        self.tokens_issued = 0
        self._clear()

    # ------------------------------------------------------------------ lifecycle
    def _clear(self) -> None:
        self._calls: list[tuple[str, str, dict[str, str], Any]] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self._sec_words: dict[str, tuple[str, int]] = {}
        self._sec_checks: list[dict[str, Any]] = []
        self._used_codes: set[str] = set()
        self._login_times: dict[str, deque[float]] = {}
        self._followers: dict[str, dict[str, Any]] = {}
        self._templates: dict[str, list[str]] = {}
        self._grants: dict[tuple[str, str], int] = {}
        self._dedupe: dict[tuple[str, str], tuple[int, float]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[list[float]]] = {}
        self._sent_template: list[dict[str, Any]] = []
        self._sent_subscribe: list[dict[str, Any]] = []
        self._wxacodes: list[dict[str, Any]] = []
        self.jscode_limit_per_minute = self._default_jscode_limit

    def start(self) -> WeChatStandIn:
        if self._server is not None:
            return self
        self._server = make_server(self.host, self.port, self._wsgi, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wechat-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WeChatStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("WeChatStandIn is not started")
        return f"http://{self.host}:{self.port}"

    def reset(self, *, tokens: bool = False) -> None:
        """Clear scripted faults/delays, recorded calls and messages, codes, users, templates,
        grants, dedupe and rate windows. Issued tokens stay valid unless ``tokens=True``."""
        with self._lock:
            self._clear()
            if tokens:
                self._tokens.clear()
                self._expired.clear()
                self._current = None

    # ------------------------------------------------------------------ scripting
    def add_code(
        self,
        code: str,
        openid: str,
        unionid: str | None = None,
        session_key: str | None = None,
    ) -> None:
        if session_key is None:
            session_key = base64.b64encode(secrets.token_bytes(16)).decode()
        with self._lock:
            self._codes[code] = {
                "openid": openid,
                "unionid": unionid,
                "session_key": session_key,
                "created": time.monotonic(),
            }
            self._used_codes.discard(code)

    def add_follower(
        self, oa_openid: str, unionid: str | None = None, subscribed: bool = True, **extra: Any
    ) -> None:
        """Register (or update) an official-account user; ``extra`` fields go into user/info."""
        with self._lock:
            self._followers[oa_openid] = {
                "unionid": unionid,
                "subscribed": subscribed,
                "subscribe_time": int(time.time()),
                "extra": extra,
            }

    def set_subscribed(self, oa_openid: str, subscribed: bool) -> None:
        with self._lock:
            self._followers[oa_openid]["subscribed"] = subscribed

    def add_template(self, template_id: str, fields: list[str] | tuple[str, ...] = ()) -> None:
        with self._lock:
            self._templates[template_id] = list(fields)

    def grant_subscribe(self, mini_openid: str, template_id: str, count: int = 1) -> None:
        with self._lock:
            key = (mini_openid, template_id)
            self._grants[key] = self._grants.get(key, 0) + count

    def subscribe_grants(self, mini_openid: str, template_id: str) -> int:
        with self._lock:
            return self._grants.get((mini_openid, template_id), 0)

    def set_sec_words(self, words: dict[str, tuple[str, int]]) -> None:
        """msg_sec_check: a text holding one of ``words`` gets its (suggest, label)."""
        with self._lock:
            self._sec_words = dict(words)

    def sec_checks(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._sec_checks)

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on."""
        with self._lock:
            self._expired.update(self._tokens)
            self._tokens.clear()
            self._current = None

    def is_valid_token(self, token: str) -> bool:
        with self._lock:
            return self._token_state(token) == 0

    def fail_next(self, path: str, errcode: int, times: int = 1, errmsg: str | None = None) -> None:
        """The next ``times`` calls to ``path`` answer ``{"errcode": errcode, ...}`` (HTTP 200)."""
        with self._lock:
            self._faults.setdefault(_norm(path), []).append(
                _Fault("errcode", (errcode, errmsg), times)
            )

    def fail_next_http(self, path: str, status: int = 502, times: int = 1) -> None:
        with self._lock:
            self._faults.setdefault(_norm(path), []).append(_Fault("http", status, times))

    def delay_next(self, path: str, seconds: float, times: int = 1) -> None:
        """Sleep ``seconds`` before answering the next ``times`` calls to ``path``."""
        with self._lock:
            self._delays.setdefault(_norm(path), []).append([seconds, times])

    # ------------------------------------------------------------------ recordings
    @property
    def calls(self) -> list[tuple[str, str, dict[str, str], Any]]:
        """Snapshot: ``(method, path, query_dict, json_body_or_None)`` per request."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, path: str) -> list[tuple[str, str, dict[str, str], Any]]:
        path = _norm(path)
        with self._lock:
            return [c for c in self._calls if c[1] == path]

    @property
    def sent_template_messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._sent_template)

    @property
    def sent_subscribe_messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._sent_subscribe)

    @property
    def wxacodes(self) -> list[dict[str, Any]]:
        """Successful getwxacodeunlimit requests (the JSON bodies)."""
        with self._lock:
            return list(self._wxacodes)

    # ------------------------------------------------------------------ HTTP plumbing
    @staticmethod
    def _error(errcode: int, errmsg: str | None = None) -> Response:
        text = errmsg or ERRMSGS.get(errcode, "error")
        return WeChatStandIn._json({"errcode": errcode, "errmsg": f"{text} rid: {_rid()}"})

    @staticmethod
    def _json(payload: dict[str, Any]) -> Response:
        return Response(
            json.dumps(payload, ensure_ascii=False),
            status=200,
            content_type="application/json; encoding=utf-8",
        )

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self._dispatch(request)(environ, start_response)

    def _take_delay(self, path: str) -> float:
        with self._lock:
            queue = self._delays.get(path)
            if not queue:
                return 0.0
            entry = queue[0]
            entry[1] -= 1
            if entry[1] <= 0:
                queue.pop(0)
            return entry[0]

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
            return fault

    def _token_state(self, token: str | None) -> int:
        """0 valid, else the errcode. Caller holds the lock."""
        if not token:
            return 41001
        issued = self._tokens.get(token)
        if issued is None:
            return 42001 if token in self._expired else 40001
        if time.monotonic() - issued > TOKEN_TTL:
            del self._tokens[token]
            self._expired.add(token)
            if self._current == token:
                self._current = None
            return 42001
        return 0

    def _dispatch(self, request: Request) -> Response:
        path = _norm(request.path)
        query = {k: request.args.get(k, "") for k in request.args}
        raw = request.get_data(cache=True)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                body = None
        with self._lock:
            self._calls.append((request.method, path, query, body))

        # both are decided when the request arrives, so a slow request cannot eat a fault
        # scripted after it arrived
        delay = self._take_delay(path)
        fault = self._take_fault(path)
        if delay:
            time.sleep(delay)
        if fault is not None:
            if fault.kind == "http":
                status = int(fault.value)
                phrase = HTTP_STATUS_CODES.get(status, "Error")
                return Response(
                    f"<html><body><h1>{status} {phrase}</h1></body></html>",
                    status=status,
                    content_type="text/html",
                )
            errcode, errmsg = fault.value
            return self._error(errcode, errmsg)

        handler = self._routes.get(path)
        if handler is None:
            return Response(
                json.dumps({"errcode": 404, "errmsg": f"stand-in has no {path}"}),
                status=404,
                content_type="application/json",
            )
        method, func = handler
        if method == "POST" and request.method != "POST":
            return self._error(43002)
        needs_token = (path.startswith("/cgi-bin/") and path not in _TOKEN_FREE) or (
            path.startswith("/wxa/")
        )
        if needs_token:
            with self._lock:
                state = self._token_state(query.get("access_token"))
            if state:
                return self._error(state)
        if method == "POST":
            if not raw:
                return self._error(44002)
            if not isinstance(body, dict):
                return self._error(47001)
        return func(self, query, body)

    # ------------------------------------------------------------------ endpoints
    def _check_app(self, appid: str | None, secret: str | None) -> Response | None:
        if not appid:
            return self._error(41002)
        if appid != self.appid:
            return self._error(40013)
        if not secret:
            return self._error(41004)
        if secret != self.secret:
            return self._error(40125)
        return None

    def _issue_token(self) -> str:
        """Caller holds the lock."""
        token = "SI_" + secrets.token_urlsafe(96)
        self._tokens[token] = time.monotonic()
        self._current = token
        self.tokens_issued += 1
        return token

    def _ep_token(self, query: dict[str, str], body: Any) -> Response:
        if query.get("grant_type") != "client_credential":
            return self._error(40002)
        bad = self._check_app(query.get("appid"), query.get("secret"))
        if bad:
            return bad
        with self._lock:
            token = self._issue_token()
        return self._json({"access_token": token, "expires_in": TOKEN_TTL})

    def _ep_stable_token(self, query: dict[str, str], body: dict[str, Any]) -> Response:
        if body.get("grant_type") != "client_credential":
            return self._error(40002)
        bad = self._check_app(body.get("appid"), body.get("secret"))
        if bad:
            return bad
        force = body.get("force_refresh") in (True, "true", 1, "1")
        with self._lock:
            token = self._current
            if force or token is None or self._token_state(token) != 0:
                token = self._issue_token()
            left = TOKEN_TTL - int(time.monotonic() - self._tokens[token])
        return self._json({"access_token": token, "expires_in": max(left, 1)})

    def _resolve_code(self, code: str) -> dict[str, Any] | None:
        """Caller holds the lock."""
        entry = self._codes.get(code)
        if entry is not None:
            if time.monotonic() - entry["created"] > self.code_ttl:
                return None
            return entry
        if code.startswith("auto:") and len(code) > 5:
            spec = code[5:].split("#", 1)[0]
            openid, _, unionid = spec.partition("@")
            if not openid:
                return None
            return {
                "openid": openid,
                "unionid": unionid or None,
                "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
            }
        return None

    def _ep_jscode2session(self, query: dict[str, str], body: Any) -> Response:
        bad = self._check_app(query.get("appid"), query.get("secret"))
        if bad:
            return bad
        if query.get("grant_type") != "authorization_code":
            return self._error(40002)
        code = query.get("js_code")
        if not code:
            return self._error(41008)
        with self._lock:
            if code in self._used_codes:
                return self._error(40163)
            entry = self._resolve_code(code)
            if entry is None:
                return self._error(40029)
            now = time.monotonic()
            window = self._login_times.setdefault(entry["openid"], deque())
            while window and now - window[0] >= 60:
                window.popleft()
            if len(window) >= self.jscode_limit_per_minute:
                return self._error(45011)
            window.append(now)
            self._used_codes.add(code)
            self._codes.pop(code, None)
        result = {"session_key": entry["session_key"], "openid": entry["openid"]}
        if entry.get("unionid"):
            result["unionid"] = entry["unionid"]
        return self._json(result)

    def _ep_user_info(self, query: dict[str, str], body: Any) -> Response:
        openid = query.get("openid")
        if not openid:
            return self._error(41009)
        with self._lock:
            user = self._followers.get(openid)
            if user is None:
                return self._error(40003)
            if not user["subscribed"]:
                return self._json({"subscribe": 0, "openid": openid})
            info: dict[str, Any] = {
                "subscribe": 1,
                "openid": openid,
                "language": query.get("lang") or "zh_CN",
                "subscribe_time": user["subscribe_time"],
                "remark": "",
                "groupid": 0,
                "tagid_list": [],
                "subscribe_scene": "ADD_SCENE_QR_CODE",
                "qr_scene": 0,
                "qr_scene_str": "",
            }
            if user["unionid"]:
                info["unionid"] = user["unionid"]
            info.update(user["extra"])
        return self._json(info)

    def _check_data(self, data: Any) -> Response | None:
        """Template data: ``{"thing1": {"value": "..."}, ...}`` with per-type length limits."""
        if data is None:
            return None
        if not isinstance(data, dict):
            return self._error(47001)
        for key, item in data.items():
            if not isinstance(item, dict) or "value" not in item:
                return self._error(47001)
            value = item["value"]
            if not isinstance(value, str):
                value = str(value)
            match = FIELD_RE.match(str(key))
            limit = VALUE_LIMITS.get(match.group(1)) if match else None
            if limit is not None and len(value) > limit:
                return self._error(47003, f"argument invalid! data.{key}.value invalid")
        return None

    def _ep_template_send(self, query: dict[str, str], body: dict[str, Any]) -> Response:
        touser = body.get("touser")
        template_id = body.get("template_id")
        client_msg_id = body.get("client_msg_id")
        with self._lock:
            now = time.monotonic()
            if client_msg_id and touser:
                seen = self._dedupe.get((touser, client_msg_id))
                if seen is not None and now - seen[1] < DEDUPE_WINDOW:
                    return self._json({"errcode": 0, "errmsg": "ok", "msgid": seen[0]})
            user = self._followers.get(touser) if isinstance(touser, str) else None
            if user is None:
                return self._error(40003)
            if not user["subscribed"]:
                return self._error(43004)
            if template_id not in self._templates:
                return self._error(40037)
            bad = self._check_data(body.get("data"))
            if bad:
                return bad
            msgid = next(self._msgid)
            if client_msg_id:
                self._dedupe[(touser, client_msg_id)] = (msgid, now)
            record = dict(body)
            record["msgid"] = msgid
            record["sent_at"] = time.time()
            self._sent_template.append(record)
        return self._json({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    def _ep_subscribe_send(self, query: dict[str, str], body: dict[str, Any]) -> Response:
        touser = body.get("touser")
        template_id = body.get("template_id")
        if not touser or not isinstance(touser, str):
            return self._error(40003)
        with self._lock:
            key = (touser, template_id)
            if self._grants.get(key, 0) <= 0:
                return self._error(43101)
            bad = self._check_data(body.get("data"))
            if bad:
                return bad
            self._grants[key] -= 1
            msgid = next(self._msgid)
            record = dict(body)
            record["msgid"] = msgid
            record["sent_at"] = time.time()
            self._sent_subscribe.append(record)
        return self._json({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    def _ep_wxacode(self, query: dict[str, str], body: dict[str, Any]) -> Response:
        scene = body.get("scene")
        if not isinstance(scene, str) or not SCENE_RE.match(scene):
            return self._error(40169)
        page = body.get("page")
        if page is not None and (not isinstance(page, str) or page.startswith("/") or "?" in page):
            return self._error(41030)
        with self._lock:
            self._wxacodes.append(dict(body))
        png = _png({"scene": scene, "page": page or ""})
        return Response(png, status=200, content_type="image/png")

    def _ep_msg_sec_check(self, query: dict[str, str], body: dict[str, Any]) -> Response:
        """Text security check, version 2: ``{content, version: 2, scene: 1-4, openid}`` →
        ``result: {suggest: pass|review|risky, label}``; a text holding a word scripted by
        ``set_sec_words`` gets that word's suggestion and label."""
        content, openid = body.get("content"), body.get("openid")
        if body.get("version") != 2 or body.get("scene") not in (1, 2, 3, 4):
            return self._error(47001)
        if not isinstance(content, str) or not content:
            return self._error(47001)
        if not isinstance(openid, str) or not openid:
            return self._error(40003)
        if len(content.encode("utf-8")) > 2500 * 4:
            return self._error(87014)
        with self._lock:
            self._sec_checks.append(dict(body))
            hit = next((v for w, v in self._sec_words.items() if w in content), None)
        suggest, label = hit or ("pass", 100)
        return self._json({
            "errcode": 0, "errmsg": "ok", "trace_id": _rid(),
            "result": {"suggest": suggest, "label": label},
            "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest,
                        "label": label, "prob": 90 if hit else 0}],
        })  # fmt: skip

    _routes: ClassVar[dict[str, tuple[str, Any]]] = {
        "/cgi-bin/token": ("GET", _ep_token),
        "/cgi-bin/stable_token": ("POST", _ep_stable_token),
        "/sns/jscode2session": ("GET", _ep_jscode2session),
        "/cgi-bin/user/info": ("GET", _ep_user_info),
        "/cgi-bin/message/template/send": ("POST", _ep_template_send),
        "/cgi-bin/message/subscribe/send": ("POST", _ep_subscribe_send),
        "/wxa/getwxacodeunlimit": ("POST", _ep_wxacode),
        "/wxa/msg_sec_check": ("POST", _ep_msg_sec_check),
    }
