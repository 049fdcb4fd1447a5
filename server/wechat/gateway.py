"""The one way the server reaches WeChat.

``HttpGateway`` talks to the real API (or any stand-in) at ``wechat.api_base`` through
wechatpy, with every base URL wechatpy hard-codes pointed at that base, the access token
shared through Redis, and bounded retries. ``SandboxGateway`` implements the same interface
for laptops and demos: ``dev:<openid>`` login codes and an outbox instead of sending.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

log = logging.getLogger(__name__)

# Token problems: refresh once, then retry once.
TOKEN_ERRORS = {40001, 42001, 40014}
# Transient: retry with backoff. errcode None = network error or HTTP 5xx.
TRANSIENT_ERRORS = {-1, 45009, None}


SEC_SUGGESTIONS = ("pass", "review", "risky")


class WeChatError(Exception):
    """WeChat answered with an error (``errcode``), or could not be reached (``errcode`` None)."""

    def __init__(self, errcode: int | None, errmsg: str = ""):
        super().__init__(f"wechat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass(frozen=True)
class CodeSession:
    openid: str
    session_key: str | None
    unionid: str | None


class Gateway(Protocol):
    def code_to_session(self, js_code: str) -> CodeSession: ...

    def send_template(
        self, openid: str, template_id: str, data: dict, page: str | None, client_msg_id: str
    ) -> int: ...

    def send_subscribe(
        self, openid: str, template_id: str, data: dict, page: str | None
    ) -> int: ...

    def user_info(self, openid: str) -> dict[str, Any]: ...

    def create_menu(self, menu: dict[str, Any]) -> None: ...

    def msg_sec_check(self, openid: str, content: str, scene: int) -> dict[str, Any]: ...


class _Client(WeChatClient):
    """wechatpy's client with every URL under ``api_base`` and the token from stable_token.

    ``fetch_access_token`` in wechatpy hard-codes api.weixin.qq.com and sets no timeout; the
    stable_token endpoint returns the current token instead of minting a new one, which is what
    several processes sharing one token need.
    """

    def __init__(self, appid: str, secret: str, api_base: str, session, timeout: float):
        super().__init__(appid, secret, session=session, timeout=timeout, auto_retry=False)
        self._token_lock = threading.Lock()
        self.api_base = api_base.rstrip("/")
        self.API_BASE_URL = self.api_base + "/cgi-bin/"
        self.wxa.API_BASE_URL = self.api_base + "/"

    @property
    def access_token(self):
        # One fetch per process when many sending threads start at once (wechatpy's own
        # property would let each of them fetch).
        token = self.session.get(self.access_token_key)
        if token and (not self.expires_at or self.expires_at - time.time() > 60):
            return token
        with self._token_lock:
            token = self.session.get(self.access_token_key)
            if token and self.expires_at and self.expires_at - time.time() > 60:
                return token
            self.fetch_access_token()
            return self.session.get(self.access_token_key)

    def current_token(self) -> str | None:
        return self.session.get(self.access_token_key)

    def refresh_after(self, stale: str | None) -> None:
        """WeChat said ``stale`` is no longer valid: refresh, unless another thread did."""
        with self._token_lock:
            current = self.session.get(self.access_token_key)
            if current and current != stale:
                return
            self.fetch_access_token(force_refresh=True)

    def fetch_access_token(self, force_refresh: bool = False):
        res = self._http.post(
            self.api_base + "/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "force_refresh": force_refresh,
            },
            timeout=self.timeout,
        )
        if res.status_code >= 500:
            raise WeChatError(None, f"HTTP {res.status_code}")
        result = res.json()
        if result.get("errcode"):
            raise WeChatError(int(result["errcode"]), result.get("errmsg", ""))
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result


class HttpGateway:
    def __init__(self, settings: dict[str, Any], redis=None, sleep=time.sleep):
        self.settings = settings
        self._sleep = sleep
        storage = RedisStorage(redis, prefix="wechat") if redis is not None else MemoryStorage()
        self.mini = _Client(
            settings["mini_appid"],
            settings["mini_secret"],
            settings["api_base"],
            storage,
            settings["timeout_seconds"],
        )
        # The official account is a second WeChat app with its own token.
        self.oa = _Client(
            settings["oa_appid"] or settings["mini_appid"],
            settings["oa_secret"] or settings["mini_secret"],
            settings["api_base"],
            storage,
            settings["timeout_seconds"],
        )

    def _call(self, client: _Client, fn, *, uses_token: bool = True):
        """Run ``fn`` with bounded retries: transient errors back off, a stale token is
        refreshed once. Anything else is raised as WeChatError at once."""
        retries = self.settings["max_retries"]
        backoff = self.settings["retry_backoff_seconds"]
        refreshed = False
        attempt = 0
        while True:
            token = client.current_token() if uses_token else None
            try:
                return fn()
            except WeChatClientException as exc:
                errcode = exc.errcode
                errmsg = exc.errmsg or ""
            except WeChatError as exc:
                errcode, errmsg = exc.errcode, exc.errmsg
            except (requests.RequestException, ValueError) as exc:
                errcode, errmsg = None, type(exc).__name__
            if uses_token and errcode in TOKEN_ERRORS and not refreshed:
                refreshed = True
                client.refresh_after(token)
                continue
            if errcode in TRANSIENT_ERRORS and attempt < retries:
                attempt += 1
                log.warning("wechat transient error %s, retry %d/%d", errcode, attempt, retries)
                self._sleep(backoff * (2 ** (attempt - 1)))
                continue
            raise WeChatError(errcode, str(errmsg))

    def code_to_session(self, js_code: str) -> CodeSession:
        # wechatpy's wxa.code_to_session would fetch an access token first, which this
        # endpoint does not need; params as a list of pairs keeps wechatpy from adding one.
        params = [
            ("appid", self.mini.appid),
            ("secret", self.mini.secret),
            ("js_code", js_code),
            ("grant_type", "authorization_code"),
        ]
        result = self._call(
            self.mini,
            lambda: self.mini.wxa._get("sns/jscode2session", params=params),
            uses_token=False,
        )
        if not isinstance(result, dict) or not result.get("openid"):
            raise WeChatError(None, "malformed jscode2session response")
        return CodeSession(result["openid"], result.get("session_key"), result.get("unionid"))

    def send_template(
        self, openid: str, template_id: str, data: dict, page: str | None, client_msg_id: str
    ) -> int:
        # wechatpy's send_template has no client_msg_id, WeChat's de-duplication key.
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": data,
            "client_msg_id": client_msg_id,
        }
        if page:
            body["miniprogram"] = {"appid": self.mini.appid, "pagepath": page}
        result = self._call(self.oa, lambda: self.oa.post("message/template/send", data=body))
        return int(result.get("msgid") or 0)

    def send_subscribe(self, openid: str, template_id: str, data: dict, page: str | None) -> int:
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": data,
            "miniprogram_state": self.settings.get("miniprogram_state", "formal"),
            "lang": "zh_CN",
        }
        if page:
            body["page"] = page
        result = self._call(self.mini, lambda: self.mini.post("message/subscribe/send", data=body))
        return int(result.get("msgid") or 0)

    def user_info(self, openid: str) -> dict[str, Any]:
        params = {"openid": openid, "lang": "zh_CN"}
        return self._call(self.oa, lambda: self.oa.get("user/info", params=dict(params)))

    def create_menu(self, menu: dict[str, Any]) -> None:
        self._call(self.oa, lambda: self.oa.post("menu/create", data=menu))

    def msg_sec_check(self, openid: str, content: str, scene: int) -> dict[str, Any]:
        """The text security check (version 2) of the mini-program: ``{suggest, label}``,
        suggest ``pass``, ``review`` or ``risky``. ``openid`` is the author's (WeChat wants
        one who used the mini-program in the last two hours); scene 2 is a comment."""
        body = {"content": content, "version": 2, "scene": scene, "openid": openid}
        result = self._call(self.mini, lambda: self.mini.wxa._post("wxa/msg_sec_check", data=body))
        verdict = result.get("result") if isinstance(result, dict) else None
        if not isinstance(verdict, dict) or verdict.get("suggest") not in SEC_SUGGESTIONS:
            raise WeChatError(None, "malformed msg_sec_check response")
        return {"suggest": verdict["suggest"], "label": verdict.get("label")}


class SandboxGateway:
    """No WeChat: ``dev:<openid>`` codes log in; outgoing messages go to an outbox in Redis
    (shared by the web and worker processes, newest first, the last ``OUTBOX_SIZE`` kept).

    Every official-account openid ``oa-<x>`` follows the account with unionid ``sandbox-<x>``,
    the unionid a ``dev:<x>`` mini-program login reports, so the two link up as in WeChat.
    """

    OUTBOX_KEY = "party:sandbox:outbox"
    OUTBOX_SIZE = 500

    def __init__(self, settings: dict[str, Any] | None = None, redis=None):
        self.settings = settings or {}
        self.redis = redis

    def _post(self, channel: str, body: dict[str, Any]) -> int:
        msgid = int(self.redis.incr(self.OUTBOX_KEY + ":msgid"))
        entry = {"channel": channel, "msgid": msgid, "at": time.time(), **body}
        pipe = self.redis.pipeline()
        pipe.lpush(self.OUTBOX_KEY, json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(self.OUTBOX_KEY, 0, self.OUTBOX_SIZE - 1)
        pipe.execute()
        return msgid

    def outbox(self, limit: int = 100) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self.redis.lrange(self.OUTBOX_KEY, 0, limit - 1)]

    def send_template(
        self, openid: str, template_id: str, data: dict, page: str | None, client_msg_id: str
    ) -> int:
        body = {"touser": openid, "template_id": template_id, "data": data, "page": page}
        return self._post("template", body | {"client_msg_id": client_msg_id})

    def send_subscribe(self, openid: str, template_id: str, data: dict, page: str | None) -> int:
        body = {"touser": openid, "template_id": template_id, "data": data, "page": page}
        return self._post("subscribe", body)

    def user_info(self, openid: str) -> dict[str, Any]:
        if not openid.startswith("oa-"):
            raise WeChatError(40003, "invalid openid (sandbox followers are oa-<x>)")
        return {"subscribe": 1, "openid": openid, "unionid": f"sandbox-{openid[3:]}"}

    def create_menu(self, menu: dict[str, Any]) -> None:
        self._post("menu", {"menu": menu})

    def msg_sec_check(self, openid: str, content: str, scene: int) -> dict[str, Any]:
        return {"suggest": "pass", "label": 100}  # no WeChat: the local word filter decides

    def code_to_session(self, js_code: str) -> CodeSession:
        if not js_code.startswith("dev:") or not 1 <= len(js_code) - 4 <= 64:
            raise WeChatError(40029, "invalid code (sandbox accepts dev:<openid>)")
        openid = js_code[4:]
        return CodeSession(openid=openid, session_key=None, unionid=f"sandbox-{openid}")


def build_gateway(settings: dict[str, Any], redis=None) -> Gateway:
    if settings["sandbox"]:
        return SandboxGateway(settings, redis=redis)
    return HttpGateway(settings, redis=redis)
