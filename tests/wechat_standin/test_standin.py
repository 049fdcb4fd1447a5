"""Tests of the WeChat stand-in itself (no conftest needed: fixtures are local)."""

from __future__ import annotations

import base64
import struct
import threading
import time
import zlib

import pytest
import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException

from . import server as server_module
from .server import WeChatStandIn

APPID = "wx_test_app"
SECRET = "test_secret"


# ---------------------------------------------------------------------------- fixtures/helpers
@pytest.fixture(scope="module")
def standin():
    s = WeChatStandIn(appid=APPID, secret=SECRET).start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _clean(standin):
    standin.reset()
    yield
    standin.reset()


@pytest.fixture
def token(standin):
    r = requests.get(
        standin.base_url + "/cgi-bin/token",
        params={"grant_type": "client_credential", "appid": APPID, "secret": SECRET},
        timeout=5,
    )
    return r.json()["access_token"]


def get(standin, path, timeout=5, **params):
    return requests.get(standin.base_url + path, params=params, timeout=timeout)


def post(standin, path, body, token=None, timeout=5):
    params = {"access_token": token} if token else {}
    return requests.post(standin.base_url + path, params=params, json=body, timeout=timeout)


def assert_err(resp, errcode, text=None):
    assert resp.status_code == 200
    data = resp.json()
    assert data["errcode"] == errcode, data
    assert " rid: " in data["errmsg"]
    if text is not None:
        assert data["errmsg"].startswith(text), data
    return data


def jscode(standin, code, timeout=5, **over):
    params = {
        "appid": APPID,
        "secret": SECRET,
        "js_code": code,
        "grant_type": "authorization_code",
    }
    params.update(over)
    return get(standin, "/sns/jscode2session", timeout=timeout, **params)


def tpl_body(touser="oa_1", template_id="TPL", thing="支部党员大会", **extra):
    body = {
        "touser": touser,
        "template_id": template_id,
        "url": "https://example.org/m/7",
        "miniprogram": {"appid": "wx_mini", "pagepath": "pages/meeting/detail/index?id=7"},
        "data": {"thing1": {"value": thing}, "time2": {"value": "2026年12月1日 19:00"}},
    }
    body.update(extra)
    return body


# ---------------------------------------------------------------------------- lifecycle
def test_base_url_and_stop():
    s = WeChatStandIn()
    with pytest.raises(RuntimeError):
        _ = s.base_url
    with s:
        url = s.base_url
        assert url.startswith("http://127.0.0.1:")
        assert int(url.rsplit(":", 1)[1]) > 0
        assert get(s, "/cgi-bin/user/info").status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/cgi-bin/token", timeout=2)


def test_start_returns_self():
    s = WeChatStandIn(appid="a", secret="b")
    try:
        assert s.start() is s
    finally:
        s.stop()
    s.stop()  # idempotent


# ---------------------------------------------------------------------------- tokens
def test_token_issues_new_token_each_call_and_old_stays_valid(standin):
    t1 = get(standin, "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret=SECRET)
    t2 = get(standin, "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret=SECRET)
    d1, d2 = t1.json(), t2.json()
    assert d1["expires_in"] == 7200 and "errcode" not in d1
    assert d1["access_token"] != d2["access_token"]
    for tok in (d1["access_token"], d2["access_token"]):
        assert (
            get(standin, "/cgi-bin/user/info", access_token=tok, openid="x").json()["errcode"]
            == 40003
        )  # token accepted, user unknown


@pytest.mark.parametrize(
    ("params", "errcode", "text"),
    [
        ({"appid": "wx_other"}, 40013, "invalid appid"),
        ({"secret": "nope"}, 40125, "invalid appsecret"),
        ({"appid": ""}, 41002, "appid missing"),
        ({"secret": ""}, 41004, "appsecret missing"),
        ({"grant_type": "password"}, 40002, "invalid grant_type"),
    ],
)
def test_token_errors(standin, params, errcode, text):
    q = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    q.update(params)
    before = standin.tokens_issued
    assert_err(get(standin, "/cgi-bin/token", **q), errcode, text)
    assert standin.tokens_issued == before


def test_stable_token_returns_current_until_force_refresh(standin):
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    a = post(standin, "/cgi-bin/stable_token", body).json()
    b = post(standin, "/cgi-bin/stable_token", {**body, "force_refresh": False}).json()
    assert a["access_token"] == b["access_token"]
    assert 0 < b["expires_in"] <= 7200
    c = post(standin, "/cgi-bin/stable_token", {**body, "force_refresh": True}).json()
    assert c["access_token"] != a["access_token"]
    assert standin.is_valid_token(a["access_token"])  # the previous one stays valid
    d = post(standin, "/cgi-bin/stable_token", body).json()
    assert d["access_token"] == c["access_token"]


def test_stable_token_errors(standin):
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    assert_err(post(standin, "/cgi-bin/stable_token", {**body, "appid": "x"}), 40013)
    assert_err(post(standin, "/cgi-bin/stable_token", {**body, "secret": "x"}), 40125)
    assert_err(get(standin, "/cgi-bin/stable_token"), 43002, "require POST method")


def test_stable_token_after_expiry_issues_new(standin):
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    a = post(standin, "/cgi-bin/stable_token", body).json()["access_token"]
    standin.expire_tokens()
    b = post(standin, "/cgi-bin/stable_token", body).json()["access_token"]
    assert a != b and standin.is_valid_token(b) and not standin.is_valid_token(a)


def test_access_token_checks(standin, token):
    path = "/cgi-bin/user/info"
    assert_err(get(standin, path, openid="x"), 41001, "access_token missing")
    assert_err(get(standin, path, openid="x", access_token="bogus"), 40001, "invalid credential")
    assert_err(get(standin, path, openid="x", access_token=token), 40003)
    standin.expire_tokens()
    assert_err(get(standin, path, openid="x", access_token=token), 42001, "access_token expired")
    # POST endpoints and /wxa/ check it too
    assert_err(post(standin, "/cgi-bin/message/template/send", tpl_body(), token), 42001)
    assert_err(post(standin, "/wxa/getwxacodeunlimit", {"scene": "a"}), 41001)
    assert_err(post(standin, "/wxa/getwxacodeunlimit", {"scene": "a"}, "bogus"), 40001)
    fresh = get(
        standin, "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret=SECRET
    ).json()["access_token"]
    assert_err(get(standin, path, openid="x", access_token=fresh), 40003)


def test_token_expires_after_ttl(standin, token, monkeypatch):
    monkeypatch.setattr(server_module, "TOKEN_TTL", 0)
    time.sleep(0.01)
    assert_err(get(standin, "/cgi-bin/user/info", openid="x", access_token=token), 42001)


def test_tokens_survive_reset_unless_asked(standin, token):
    standin.reset()
    assert standin.is_valid_token(token)
    standin.reset(tokens=True)
    assert_err(get(standin, "/cgi-bin/user/info", openid="x", access_token=token), 40001)


# ---------------------------------------------------------------------------- jscode2session
def test_jscode2session_success(standin):
    standin.add_code("c1", "mini_1", unionid="union_1", session_key="SK==")
    standin.add_code("c2", "mini_2")
    d1 = jscode(standin, "c1").json()
    assert d1 == {"openid": "mini_1", "unionid": "union_1", "session_key": "SK=="}
    d2 = jscode(standin, "c2").json()
    assert d2["openid"] == "mini_2" and "unionid" not in d2 and "errcode" not in d2
    assert len(base64.b64decode(d2["session_key"])) == 16


def test_jscode2session_errors(standin):
    assert_err(jscode(standin, "nope"), 40029, "invalid code")
    standin.add_code("c1", "mini_1")
    assert jscode(standin, "c1").json()["openid"] == "mini_1"
    assert_err(jscode(standin, "c1"), 40163, "code been used")
    assert_err(jscode(standin, "c9", appid="wx_other"), 40013)
    assert_err(jscode(standin, "c9", secret="nope"), 40125)
    assert_err(jscode(standin, ""), 41008)


def test_jscode2session_code_ttl(standin):
    standin.code_ttl = 0.0
    try:
        standin.add_code("old", "mini_1")
        time.sleep(0.01)
        assert_err(jscode(standin, "old"), 40029)
    finally:
        standin.code_ttl = 300.0


def test_jscode2session_auto_codes(standin):
    assert jscode(standin, "auto:mini_9").json()["openid"] == "mini_9"
    assert_err(jscode(standin, "auto:mini_9"), 40163)  # still single-use
    d = jscode(standin, "auto:mini_9@union_9#2").json()
    assert d["openid"] == "mini_9" and d["unionid"] == "union_9"
    assert jscode(standin, "auto:mini_9#3").json()["openid"] == "mini_9"
    assert_err(jscode(standin, "auto:"), 40029)


def test_jscode2session_needs_no_token(standin):
    standin.add_code("c1", "mini_1")
    assert jscode(standin, "c1", access_token="bogus").json()["openid"] == "mini_1"


def test_jscode2session_rate_limit_default_100(standin):
    session = requests.Session()
    url = standin.base_url + "/sns/jscode2session"
    base = {"appid": APPID, "secret": SECRET, "grant_type": "authorization_code"}
    for i in range(100):
        r = session.get(url, params={**base, "js_code": f"auto:busy#{i}"}, timeout=5)
        assert r.json()["openid"] == "busy"
    r = session.get(url, params={**base, "js_code": "auto:busy#100"}, timeout=5)
    assert_err(r, 45011, "api minute-quota reach limit")
    # the rejected code was not consumed, other users are unaffected
    assert jscode(standin, "auto:other#1").json()["openid"] == "other"


def test_jscode2session_rate_limit_configurable_and_reset(standin):
    standin.jscode_limit_per_minute = 2
    assert jscode(standin, "auto:u#1").status_code == 200
    assert "openid" in jscode(standin, "auto:u#2").json()
    assert_err(jscode(standin, "auto:u#3"), 45011)
    standin.reset()
    assert standin.jscode_limit_per_minute == 100
    assert "openid" in jscode(standin, "auto:u#3").json()


# ---------------------------------------------------------------------------- user/info
def test_user_info(standin, token):
    standin.add_follower("oa_1", unionid="union_1")
    standin.add_follower("oa_2")
    standin.add_follower("oa_3", unionid="union_3", subscribed=False)
    d = get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_1").json()
    assert d["subscribe"] == 1 and d["openid"] == "oa_1" and d["unionid"] == "union_1"
    assert "errcode" not in d
    d = get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_2").json()
    assert d["subscribe"] == 1 and "unionid" not in d
    d = get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_3").json()
    assert d == {"subscribe": 0, "openid": "oa_3"}
    assert_err(get(standin, "/cgi-bin/user/info", access_token=token, openid="zz"), 40003)
    standin.set_subscribed("oa_3", True)
    d = get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_3").json()
    assert d["subscribe"] == 1 and d["unionid"] == "union_3"


# ---------------------------------------------------------------------------- template message
@pytest.fixture
def oa(standin):
    standin.add_follower("oa_1", unionid="union_1")
    standin.add_follower("oa_gone", unionid="union_2", subscribed=False)
    standin.add_template("TPL", fields=["thing1", "time2"])


def test_template_send_success(standin, token, oa):
    d = post(standin, "/cgi-bin/message/template/send", tpl_body(), token).json()
    assert d["errcode"] == 0 and d["errmsg"] == "ok" and isinstance(d["msgid"], int)
    [sent] = standin.sent_template_messages
    assert sent["touser"] == "oa_1" and sent["template_id"] == "TPL"
    assert sent["data"]["thing1"]["value"] == "支部党员大会"
    assert sent["miniprogram"]["pagepath"] == "pages/meeting/detail/index?id=7"
    assert sent["msgid"] == d["msgid"]


@pytest.mark.parametrize(
    ("body", "errcode", "text"),
    [
        (tpl_body(touser="nobody"), 40003, "invalid openid"),
        (tpl_body(touser="oa_gone"), 43004, "require subscribe"),
        (tpl_body(template_id="NOPE"), 40037, "invalid template_id"),
        (tpl_body(thing="一" * 21), 47003, "argument invalid! data.thing1.value invalid"),
    ],
)
def test_template_send_errors(standin, token, oa, body, errcode, text):
    assert_err(post(standin, "/cgi-bin/message/template/send", body, token), errcode, text)
    assert standin.sent_template_messages == []


def test_template_thing_limit_is_characters_not_bytes(standin, token, oa):
    d = post(standin, "/cgi-bin/message/template/send", tpl_body(thing="党" * 20), token).json()
    assert d["errcode"] == 0


def test_template_client_msg_id_dedupe(standin, token, oa):
    standin.add_follower("oa_b")
    url = "/cgi-bin/message/template/send"
    a = post(standin, url, tpl_body(client_msg_id="k1"), token).json()
    b = post(standin, url, tpl_body(client_msg_id="k1"), token).json()
    assert a["errcode"] == b["errcode"] == 0 and a["msgid"] == b["msgid"]
    assert len(standin.sent_template_messages) == 1
    c = post(standin, url, tpl_body(touser="oa_b", client_msg_id="k1"), token).json()
    d = post(standin, url, tpl_body(client_msg_id="k2"), token).json()
    e = post(standin, url, tpl_body(), token).json()
    f = post(standin, url, tpl_body(), token).json()  # no client_msg_id: no dedupe
    assert len({a["msgid"], c["msgid"], d["msgid"], e["msgid"], f["msgid"]}) == 5
    assert len(standin.sent_template_messages) == 5


def test_template_client_msg_id_window(standin, token, oa, monkeypatch):
    url = "/cgi-bin/message/template/send"
    a = post(standin, url, tpl_body(client_msg_id="k1"), token).json()
    monkeypatch.setattr(server_module, "DEDUPE_WINDOW", 0)
    b = post(standin, url, tpl_body(client_msg_id="k1"), token).json()
    assert a["msgid"] != b["msgid"] and len(standin.sent_template_messages) == 2


def test_template_failed_send_is_not_deduped(standin, token, oa):
    url = "/cgi-bin/message/template/send"
    assert_err(post(standin, url, tpl_body(thing="x" * 21, client_msg_id="k"), token), 47003)
    assert post(standin, url, tpl_body(client_msg_id="k"), token).json()["errcode"] == 0
    assert len(standin.sent_template_messages) == 1


def test_template_concurrent_sends(standin, token, oa):
    url = standin.base_url + "/cgi-bin/message/template/send"
    results = []

    def worker(i):
        key = "same" if i % 2 else f"k{i}"
        r = requests.post(
            url, params={"access_token": token}, json=tpl_body(client_msg_id=key), timeout=5
        )
        results.append((key, r.json()["msgid"]))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 16
    assert len({m for k, m in results if k == "same"}) == 1
    assert len(standin.sent_template_messages) == 8 + 1
    assert len(standin.calls_to("/cgi-bin/message/template/send")) == 16


# ---------------------------------------------------------------------------- subscribe message
def sub_body(touser="mini_1", template_id="SUB", **data):
    data = data or {"thing1": "支部党员大会", "time2": "2026-12-01 19:00"}
    return {
        "touser": touser,
        "template_id": template_id,
        "page": "pages/meeting/detail/index?id=7",
        "data": {k: {"value": v} for k, v in data.items()},
        "miniprogram_state": "formal",
        "lang": "zh_CN",
    }


def test_subscribe_send_consumes_grants(standin, token):
    url = "/cgi-bin/message/subscribe/send"
    assert_err(post(standin, url, sub_body(), token), 43101, "user refuse to accept the msg")
    standin.grant_subscribe("mini_1", "SUB", count=2)
    assert post(standin, url, sub_body(), token).json()["errcode"] == 0
    assert standin.subscribe_grants("mini_1", "SUB") == 1
    assert post(standin, url, sub_body(), token).json()["errcode"] == 0
    assert_err(post(standin, url, sub_body(), token), 43101)
    sent = standin.sent_subscribe_messages
    assert len(sent) == 2 and sent[0]["touser"] == "mini_1" and sent[0]["template_id"] == "SUB"
    # grants are per template
    standin.grant_subscribe("mini_1", "OTHER")
    assert_err(post(standin, url, sub_body(), token), 43101)


@pytest.mark.parametrize(
    ("field", "ok", "too_long"),
    [
        ("thing3", "党" * 20, "党" * 21),
        ("number4", "1" * 32, "1" * 33),
        ("letter5", "a" * 32, "a" * 33),
        ("character_string6", "A1-" * 10 + "xx", "A1-" * 11),
        ("phrase7", "已通过审核", "已经通过审核"),
        ("name8", "张" * 10, "张" * 11),
    ],
)
def test_subscribe_value_limits(standin, token, field, ok, too_long):
    url = "/cgi-bin/message/subscribe/send"
    standin.grant_subscribe("mini_1", "SUB", count=1)
    assert_err(
        post(standin, url, sub_body(**{field: too_long}), token),
        47003,
        f"argument invalid! data.{field}.value invalid",
    )
    assert standin.subscribe_grants("mini_1", "SUB") == 1  # a rejected send keeps the grant
    assert post(standin, url, sub_body(**{field: ok}), token).json()["errcode"] == 0
    assert standin.subscribe_grants("mini_1", "SUB") == 0


# ---------------------------------------------------------------------------- wxacode
def parse_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        payload = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF
        chunks.setdefault(kind, []).append(payload)
        pos += 12 + length
    assert b"IHDR" in chunks and b"IEND" in chunks
    width, height = struct.unpack(">II", chunks[b"IHDR"][0][:8])
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    assert len(raw) == height * (width + 1)
    return chunks


def test_wxacode_success(standin, token):
    scene = "m=7&t=ab-CD_9.~!*'()"
    body = {
        "scene": scene,
        "page": "pages/checkin/index",
        "check_path": False,
        "env_version": "release",
        "width": 430,
    }
    r = post(standin, "/wxa/getwxacodeunlimit", body, token)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    chunks = parse_png(r.content)
    assert b"scene\x00" + scene.encode() in chunks[b"tEXt"]
    assert standin.wxacodes[0]["scene"] == scene
    scene32 = "0123456789abcdefghijABCDEFGHIJ#$"
    r = post(standin, "/wxa/getwxacodeunlimit", {"scene": scene32}, token)  # page optional
    assert r.headers["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"scene": "a" * 33, "page": "pages/index/index"}, 40169),
        ({"scene": "id=7 x", "page": "pages/index/index"}, 40169),
        ({"scene": "id=会议", "page": "pages/index/index"}, 40169),
        ({"scene": "id=%7", "page": "pages/index/index"}, 40169),
        ({"scene": "", "page": "pages/index/index"}, 40169),
        ({"page": "pages/index/index"}, 40169),
        ({"scene": "id=7", "page": "/pages/index/index"}, 41030),
        ({"scene": "id=7", "page": "pages/index/index?id=7"}, 41030),
    ],
)
def test_wxacode_errors(standin, token, body, errcode):
    r = post(standin, "/wxa/getwxacodeunlimit", body, token)
    assert r.headers["Content-Type"].startswith("application/json")
    assert_err(r, errcode)
    assert standin.wxacodes == []


# ---------------------------------------------------------------------------- misc protocol
def test_bad_requests(standin, token):
    url = standin.base_url + "/cgi-bin/message/template/send"
    assert_err(requests.get(url, params={"access_token": token}, timeout=5), 43002)
    assert_err(requests.post(url, params={"access_token": token}, timeout=5), 44002)
    r = requests.post(url, params={"access_token": token}, data=b"{not json", timeout=5)
    assert_err(r, 47001, "data format error")
    assert requests.get(standin.base_url + "/cgi-bin/nope", timeout=5).status_code == 404


def test_calls_are_recorded(standin, token, oa):
    standin.reset()  # drop the token call
    get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_1")
    post(standin, "/cgi-bin/message/template/send", tpl_body(), token)
    calls = standin.calls
    assert calls[0] == (
        "GET",
        "/cgi-bin/user/info",
        {"access_token": token, "openid": "oa_1"},
        None,
    )
    method, path, query, body = calls[1]
    assert (method, path, query) == (
        "POST",
        "/cgi-bin/message/template/send",
        {"access_token": token},
    )
    assert body == tpl_body()
    assert standin.calls_to("cgi-bin/user/info") == [calls[0]]
    assert standin.calls_to("/cgi-bin/user/info?x=1") == [calls[0]]


# ---------------------------------------------------------------------------- fault injection
def test_fail_next_errcode(standin, token, oa):
    url = "/cgi-bin/message/template/send"
    standin.fail_next(url, -1, times=2)
    standin.fail_next(url, 45009)
    assert_err(post(standin, url, tpl_body(), token), -1, "system error")
    assert_err(post(standin, url, tpl_body(), token), -1)
    assert_err(post(standin, url, tpl_body(), token), 45009, "reach max api daily quota limit")
    assert post(standin, url, tpl_body(), token).json()["errcode"] == 0
    assert len(standin.sent_template_messages) == 1
    assert len(standin.calls_to(url)) == 4


@pytest.mark.parametrize("errcode", [40164, 40226, 45011, 40029])
def test_fail_next_on_login(standin, errcode):
    standin.fail_next("/sns/jscode2session", errcode)
    assert_err(jscode(standin, "auto:u#1"), errcode)
    assert jscode(standin, "auto:u#1").json()["openid"] == "u"  # the code was not consumed


def test_fail_next_custom_errmsg_and_token_path(standin):
    standin.fail_next("/cgi-bin/token", 40164, errmsg="invalid ip 1.2.3.4, not in whitelist")
    r = get(standin, "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret=SECRET)
    assert_err(r, 40164, "invalid ip 1.2.3.4, not in whitelist")


def test_fail_next_http(standin, token):
    standin.add_follower("oa_1")
    standin.fail_next_http("/cgi-bin/user/info", status=502, times=1)
    standin.fail_next_http("/cgi-bin/user/info", status=503, times=1)
    assert get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_1").status_code == 502
    assert get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_1").status_code == 503
    r = get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_1")
    assert r.status_code == 200 and r.json()["subscribe"] == 1


def test_delay_next(standin):
    standin.delay_next("/sns/jscode2session", 1.0, times=1)
    t0 = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        jscode(standin, "auto:slow#1", timeout=0.2)
    assert time.monotonic() - t0 < 0.9
    t0 = time.monotonic()
    assert jscode(standin, "auto:slow#2").json()["openid"] == "slow"
    assert time.monotonic() - t0 < 0.9
    # the slow request is still answered after its delay
    time.sleep(1.0)
    assert_err(jscode(standin, "auto:slow#1"), 40163)


def test_delay_and_fault_are_decided_on_arrival(standin):
    standin.delay_next("/sns/jscode2session", 0.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        jscode(standin, "auto:a#1", timeout=0.1)
    standin.fail_next("/sns/jscode2session", -1)  # scripted while the slow one still sleeps
    assert_err(jscode(standin, "auto:a#2"), -1)


def test_reset_clears_scripted_state(standin, token, oa):
    standin.add_code("c1", "mini_1")
    standin.grant_subscribe("mini_1", "SUB")
    standin.fail_next("/cgi-bin/user/info", -1)
    standin.fail_next_http("/cgi-bin/token", 502)
    standin.delay_next("/cgi-bin/token", 5)
    post(standin, "/cgi-bin/message/subscribe/send", sub_body(), token)
    standin.reset()
    assert standin.calls == [] and standin.sent_subscribe_messages == []
    assert standin.subscribe_grants("mini_1", "SUB") == 0
    assert_err(jscode(standin, "c1"), 40029)
    assert_err(get(standin, "/cgi-bin/user/info", access_token=token, openid="oa_1"), 40003)
    t0 = time.monotonic()
    r = get(standin, "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret=SECRET)
    assert r.status_code == 200 and "access_token" in r.json()
    assert time.monotonic() - t0 < 2


# ---------------------------------------------------------------------------- wechatpy 1.8.18
class StandInWeChatClient(WeChatClient):
    """The override the production gateway needs: all three base URLs point at ``api_base``."""

    def __init__(self, appid, secret, api_base, **kwargs):
        super().__init__(appid, secret, **kwargs)
        self.api_base = api_base.rstrip("/")
        self.API_BASE_URL = self.api_base + "/cgi-bin/"
        self.wxa.API_BASE_URL = self.api_base + "/"

    def fetch_access_token(self):
        # WeChatClient.fetch_access_token hard-codes https://api.weixin.qq.com/cgi-bin/token
        return self._fetch_access_token(
            url=self.api_base + "/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


class StableTokenClient(StandInWeChatClient):
    """Alternative: fetch via /cgi-bin/stable_token, with a timeout (``_fetch_access_token`` has
    none), storing the token the way wechatpy does."""

    def fetch_access_token(self):
        res = self._http.post(
            self.api_base + "/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "force_refresh": False,
            },
            timeout=self.timeout,
        )
        res.raise_for_status()
        result = res.json()
        if result.get("errcode"):
            raise WeChatClientException(
                result["errcode"], result["errmsg"], client=self, request=res.request, response=res
            )
        self.session.set(self.access_token_key, result["access_token"], result["expires_in"])
        self.expires_at = int(time.time()) + result["expires_in"]
        return result


def test_plain_wechatpy_token_url_is_hard_coded(standin):
    client = WeChatClient(APPID, SECRET)
    client.API_BASE_URL = standin.base_url + "/cgi-bin/"
    seen = []

    def fake_get(url, **kwargs):
        seen.append(url)
        raise RuntimeError("stop")

    client._http.get = fake_get
    with pytest.raises(RuntimeError):
        client.user.get("oa_1")
    assert seen == ["https://api.weixin.qq.com/cgi-bin/token"]
    assert standin.calls == []


def test_wechatpy_against_standin(standin, oa):
    client = StandInWeChatClient(APPID, SECRET, standin.base_url, timeout=5)
    # official account
    user = client.user.get("oa_1")
    assert user["subscribe"] == 1 and user["unionid"] == "union_1"
    res = client.message.send_template(
        "oa_1",
        "TPL",
        {"thing1": {"value": "支部党员大会"}},
        url="https://example.org/m/7",
        mini_program={"appid": "wx_mini", "pagepath": "pages/meeting/detail/index?id=7"},
    )
    assert res["errcode"] == 0
    body = tpl_body(client_msg_id="idem-1")
    first = client.post("message/template/send", data=body)
    again = client.post("message/template/send", data=body)
    assert first["msgid"] == again["msgid"]
    assert len(standin.sent_template_messages) == 2
    assert standin.sent_template_messages[0]["data"]["thing1"]["value"] == "支部党员大会"
    # mini program
    standin.add_code("wx_code_1", "mini_1", unionid="union_1")
    session = client.wxa.code_to_session("wx_code_1")
    assert session["openid"] == "mini_1" and session["unionid"] == "union_1"
    png = client.wxa.get_wxa_code_unlimited("id=7", page="pages/index/index")
    assert png.content.startswith(b"\x89PNG") and png.headers["Content-Type"] == "image/png"
    standin.grant_subscribe("mini_1", "SUB")
    assert client.post("message/subscribe/send", data=sub_body())["errcode"] == 0
    # one token for all of it
    assert len(standin.calls_to("/cgi-bin/token")) == 1
    paths = {c[1] for c in standin.calls}
    assert paths == {
        "/cgi-bin/token",
        "/cgi-bin/user/info",
        "/cgi-bin/message/template/send",
        "/sns/jscode2session",
        "/wxa/getwxacodeunlimit",
        "/cgi-bin/message/subscribe/send",
    }


def test_wechatpy_errors(standin, oa):
    client = StandInWeChatClient(APPID, SECRET, standin.base_url, timeout=5)
    with pytest.raises(WeChatClientException) as e:
        client.message.send_template("oa_gone", "TPL", {"thing1": {"value": "x"}})
    assert e.value.errcode == 43004
    with pytest.raises(WeChatClientException) as e:
        client.wxa.code_to_session("unknown")
    assert e.value.errcode == 40029
    with pytest.raises(WeChatClientException) as e:
        client.wxa.get_wxa_code_unlimited("a" * 33)
    assert e.value.errcode == 40169
    standin.fail_next("/cgi-bin/message/template/send", 45009)
    with pytest.raises(APILimitedException):
        client.post("message/template/send", data=tpl_body())
    standin.fail_next_http("/cgi-bin/user/info", 502)
    with pytest.raises(WeChatClientException) as e:
        client.user.get("oa_1")
    assert e.value.errcode is None and e.value.response.status_code == 502
    bad = StandInWeChatClient(APPID, "wrong", standin.base_url)
    with pytest.raises(WeChatClientException) as e:
        bad.user.get("oa_1")
    assert e.value.errcode == 40125


def test_wechatpy_refreshes_expired_token(standin, oa):
    client = StandInWeChatClient(APPID, SECRET, standin.base_url, timeout=5)
    client.user.get("oa_1")
    old = client.access_token
    standin.expire_tokens()
    assert client.user.get("oa_1")["subscribe"] == 1  # auto_retry: 42001 -> refetch -> retry
    assert client.access_token != old
    assert len(standin.calls_to("/cgi-bin/token")) == 2
    assert [c[1] for c in standin.calls].count("/cgi-bin/user/info") == 3


def test_wechatpy_timeout(standin, oa):
    client = StandInWeChatClient(APPID, SECRET, standin.base_url, timeout=0.2)
    client.fetch_access_token()
    standin.delay_next("/cgi-bin/user/info", 0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.user.get("oa_1")


def test_wechatpy_stable_token_client(standin, oa):
    client = StableTokenClient(APPID, SECRET, standin.base_url, timeout=0.3)
    other = StableTokenClient(APPID, SECRET, standin.base_url, timeout=0.3)
    assert client.user.get("oa_1")["subscribe"] == 1
    assert other.user.get("oa_1")["subscribe"] == 1
    assert client.access_token == other.access_token  # stable_token: shared current token
    standin.delay_next("/cgi-bin/stable_token", 1.0)
    third = StableTokenClient(APPID, SECRET, standin.base_url, timeout=0.3)
    with pytest.raises(requests.exceptions.ReadTimeout):
        third.user.get("oa_1")


def test_msg_sec_check_passes_and_flags_scripted_words(standin, token):
    standin.set_sec_words({"违规词": ("risky", 20001)})
    body = {"content": "普通的学习心得", "version": 2, "scene": 2, "openid": "mp-1"}
    r = post(standin, "/wxa/msg_sec_check", body, token).json()
    assert r["errcode"] == 0 and r["result"] == {"suggest": "pass", "label": 100}
    r = post(standin, "/wxa/msg_sec_check", {**body, "content": "含违规词"}, token).json()
    assert r["result"] == {"suggest": "risky", "label": 20001}
    assert [c["content"] for c in standin.sec_checks()] == ["普通的学习心得", "含违规词"]


@pytest.mark.parametrize(
    "change, errcode",
    [({"version": 1}, 47001), ({"scene": 9}, 47001), ({"content": ""}, 47001),
     ({"openid": ""}, 40003)],
)  # fmt: skip
def test_msg_sec_check_errors(standin, token, change, errcode):
    body = {"content": "心得", "version": 2, "scene": 2, "openid": "mp-1", **change}
    assert_err(post(standin, "/wxa/msg_sec_check", body, token), errcode)
    assert_err(post(standin, "/wxa/msg_sec_check", {**body, **change}), 41001)
