"""``/wechat/callback``: signatures, safe mode, what the parser refuses, de-duplication."""

from __future__ import annotations

import io
import time

import pytest
import xmltodict

from server.notify.models import OaFollower
from tests.bot.conftest import TOKEN, WeChat, count, message_xml, sign

# wechatpy's own test vector (tests/test_crypto.py, test_decrypt_message).
VECTOR_TOKEN = "123456"
VECTOR_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
VECTOR_APPID = "wx49f0ab532d5d035a"
VECTOR_BODY = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""
VECTOR_QUERY = {
    "encrypt_type": "aes",
    "msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
    "timestamp": "1411525903",
    "nonce": "461056294",
}

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName>gh</ToUserName><FromUserName>oa-lol</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oa-xxe</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>"""


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body


def _followers() -> int:
    return count(OaFollower)


# -- configuration and URL verification ------------------------------------------------------


def test_callback_without_a_token_is_not_configured(client):
    _error(client.get("/wechat/callback"), 404, "wechat_not_configured")
    _error(client.post("/wechat/callback", data="<xml/>"), 404, "wechat_not_configured")


def test_wechatpy_check_signature_vector_verifies_the_url(client, oa_settings):
    oa_settings["oa_token"] = "test"
    query = {
        "signature": "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
        "timestamp": "1410685589",
        "nonce": "test",
        "echostr": "hello-wechat",
    }
    response = client.get("/wechat/callback", query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "hello-wechat"


def test_url_verification_with_a_wrong_signature_is_forbidden(client, oa_settings):
    query = {"signature": "0" * 40, "timestamp": "1", "nonce": "2", "echostr": "x"}
    _error(client.get("/wechat/callback", query_string=query), 403, "bad_signature")
    _error(client.get("/wechat/callback", query_string={"echostr": "x"}), 403, "bad_signature")


def test_url_verification_signed_with_the_configured_token(client, oa_settings):
    query = {"signature": sign(TOKEN, "99", "n"), "timestamp": "99", "nonce": "n", "echostr": "e"}
    assert client.get("/wechat/callback", query_string=query).get_data(as_text=True) == "e"


def test_callback_is_not_part_of_the_json_api(client):
    assert "/wechat/callback" not in client.get("/api/openapi.json").get_data(as_text=True)


# -- plain mode ------------------------------------------------------------------------------


def test_push_with_a_forged_or_missing_signature_is_forbidden(wx):
    xml = wx.text_xml("oa-a", "帮助")
    forged = dict(wx.query(), signature=sign("not-the-token", "1", "2"))
    _error(wx.post_plain(xml, query=forged), 403, "bad_signature")
    _error(wx.post_plain(xml, query={}), 403, "bad_signature")
    _error(wx.post_plain(xml, query={"timestamp": "1", "nonce": "2"}), 403, "bad_signature")


def test_plain_push_with_an_old_or_future_timestamp_is_refused(wx):
    """The plain-mode signature does not cover the body: a leaked query string must expire."""
    xml = wx.text_xml("oa-a", "帮助")
    now = int(time.time())
    for timestamp in (now - 301, now + 301, 0):
        query = wx.query(timestamp=str(timestamp))
        _error(wx.post_plain(xml, query=query), 403, "stale_timestamp")
    query = wx.query(timestamp="abc")
    _error(wx.post_plain(xml, query=query), 403, "stale_timestamp")
    assert wx.reply(wx.post_plain(xml, query=wx.query(timestamp=str(now - 250)))) != "success"


def test_plain_text_message_gets_a_text_reply(wx):
    response = wx.post_plain(wx.text_xml("oa-a", "帮助"))
    assert response.status_code == 200
    reply = xmltodict.parse(response.get_data(as_text=True))["xml"]
    assert reply["ToUserName"] == "oa-a"
    assert reply["FromUserName"] == "gh_test"
    assert reply["MsgType"] == "text"
    assert "可用指令" in reply["Content"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<xml><FromUserName>oa</FromUserName>",  # truncated
        b"not xml at all",
        "<xml><Content>学习</Content></xml>".encode("gbk"),  # not UTF-8
        b"<other><FromUserName>x</FromUserName></other>",  # root is not <xml>
        message_xml({"FromUserName": "oa-a", "CreateTime": 1}).encode(),  # no MsgType
        message_xml({"FromUserName": "oa-a", "MsgType": "text", "CreateTime": "later"}).encode(),
        message_xml(
            {"FromUserName": "x" * 65, "MsgType": "text", "CreateTime": 1, "MsgId": 1}
        ).encode(),
        message_xml(
            {"FromUserName": "oa-a", "MsgType": "text", "CreateTime": 1, "MsgId": "abc"}
        ).encode(),
        message_xml({"FromUserName": "oa-a", "MsgType": "event", "CreateTime": 1}).encode(),
        message_xml(
            {
                "FromUserName": "oa-a",
                "MsgType": "event",
                "Event": "TEMPLATESENDJOBFINISH",
                "CreateTime": 1,
                "MsgID": "x",
            }
        ).encode(),
    ],
    ids=[
        "empty",
        "blank",
        "truncated",
        "text",
        "gbk",
        "root",
        "no-msgtype",
        "bad-time",
        "long-openid",
        "bad-msgid",
        "event-without-event",
        "template-finish-without-msgid",
    ],
)
def test_malformed_bodies_are_rejected(wx, body):
    _error(wx.post_plain(body), 400, "bad_xml")
    assert _followers() == 0


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_doctype_and_entities_are_refused_quickly(wx, payload):
    started = time.perf_counter()
    body = _error(wx.post_plain(payload), 400, "bad_xml")
    assert time.perf_counter() - started < 0.5
    assert "DTDForbidden" in body["errors"]["body"][0]


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_doctype_inside_an_encrypted_message_is_refused(wx, payload):
    started = time.perf_counter()
    _error(wx.post_safe(payload), 400, "bad_xml")
    assert time.perf_counter() - started < 0.5


def test_doctype_in_the_outer_safe_mode_body_is_refused(wx):
    query = dict(wx.query(), encrypt_type="aes", msg_signature="0" * 40)
    response = wx.client.post("/wechat/callback", query_string=query, data=BILLION_LAUGHS)
    _error(response, 400, "bad_xml")


def test_oversized_body_is_rejected_by_its_content_length(wx):
    padding = "学" * 23_000  # ~69 KB of UTF-8
    _error(wx.post_plain(wx.text_xml("oa-a", padding)), 400, "payload_too_large")


def test_oversized_body_without_content_length_is_rejected_after_the_limit(wx):
    """A chunked body has no Content-Length; the view stops reading past the limit."""

    stream = io.BytesIO(b"x" * (1024 * 1024))
    response = wx.client.post(
        "/wechat/callback",
        query_string=wx.query(),
        input_stream=stream,
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    _error(response, 400, "payload_too_large")
    assert stream.tell() == 64 * 1024 + 1  # read one byte past the limit, no more


def test_a_body_just_under_the_limit_is_accepted(wx):
    xml = wx.text_xml("oa-a", "")
    filler = "x" * (64 * 1024 - len(xml.encode()) - len("<Pad></Pad>"))
    body = xml.replace("</xml>", f"<Pad>{filler}</Pad></xml>")
    assert len(body.encode()) == 64 * 1024
    assert wx.post_plain(body).status_code == 200


# -- safe mode -------------------------------------------------------------------------------


def test_wechatpy_encrypted_vector_is_decrypted_and_answered(client, oa_settings):
    oa_settings.update(oa_token=VECTOR_TOKEN, oa_encoding_aes_key=VECTOR_KEY, oa_appid=VECTOR_APPID)
    response = client.post("/wechat/callback", query_string=VECTOR_QUERY, data=VECTOR_BODY)
    assert response.status_code == 200, response.get_data(as_text=True)
    wechat = WeChat(client, VECTOR_TOKEN, VECTOR_KEY, VECTOR_APPID)
    reply = wechat.open(response, VECTOR_QUERY)
    assert reply["ToUserName"] == "messense"  # the vector's sender
    assert reply["FromUserName"] == VECTOR_APPID
    assert "没有这个指令" in reply["Content"]  # its text is "test"


def test_encrypted_reply_decrypts_to_the_expected_text(wx):
    query = wx.query(timestamp="1780000123", nonce="424242")
    response = wx.post_safe(wx.text_xml("oa-a", "帮助"), query=query)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert "可用指令" not in response.get_data(as_text=True)  # sealed
    reply = wx.open(response, query)
    assert reply["ToUserName"] == "oa-a"
    assert reply["Content"].startswith("可用指令")


def test_safe_mode_with_a_forged_or_missing_msg_signature_is_forbidden(wx):
    query = wx.query()
    body, _ = wx.seal(wx.text_xml("oa-a", "帮助"), query["timestamp"], query["nonce"])
    for msg_signature in ("0" * 40, ""):
        q = dict(query, encrypt_type="aes", msg_signature=msg_signature)
        _error(wx.client.post("/wechat/callback", query_string=q, data=body), 403, "bad_signature")
    q = dict(query, encrypt_type="aes")
    _error(wx.client.post("/wechat/callback", query_string=q, data=body), 403, "bad_signature")


def test_safe_mode_message_for_another_appid_is_forbidden(wx):
    other = WeChat(wx.client, appid="wx_someone_else")
    _error(other.post_safe(other.text_xml("oa-a", "帮助")), 403, "wrong_appid")


def test_safe_mode_with_undecryptable_content_is_a_bad_request(wx):
    query = wx.query()
    for encrypt in ("not base64 !!", "QUJD", "A" * 44):
        q = dict(
            query,
            encrypt_type="aes",
            msg_signature=sign(TOKEN, query["timestamp"], query["nonce"], encrypt),
        )
        body = message_xml({"ToUserName": "gh", "Encrypt": encrypt})
        response = wx.client.post("/wechat/callback", query_string=q, data=body)
        _error(response, 400, "bad_encrypt")


def test_safe_mode_without_encrypt_field_is_a_bad_request(wx):
    q = dict(wx.query(), encrypt_type="aes", msg_signature="0" * 40)
    response = wx.client.post("/wechat/callback", query_string=q, data="<xml><A>1</A></xml>")
    _error(response, 400, "bad_xml")


def test_safe_mode_without_a_configured_key_is_refused(wx, oa_settings):
    oa_settings["oa_encoding_aes_key"] = ""
    _error(wx.post_safe(wx.text_xml("oa-a", "帮助")), 400, "encryption_not_configured")


def test_plain_push_is_accepted_when_a_key_is_configured(wx, oa_settings):
    """encrypt_type decides per request, as WeChat does (plain, compatible, safe)."""
    assert oa_settings["oa_encoding_aes_key"]
    assert "可用指令" in wx.say("oa-a", "帮助")


def test_compatible_mode_body_is_answered_encrypted(wx):
    """Compatible mode sends the plain fields next to Encrypt; the encrypted copy counts."""
    query = wx.query()
    inner = wx.text_xml("oa-a", "帮助")
    body, msg_signature = wx.seal(inner, query["timestamp"], query["nonce"])
    body = inner.replace("</xml>", body[len("<xml>") :])
    q = dict(query, encrypt_type="aes", msg_signature=msg_signature)
    response = wx.client.post("/wechat/callback", query_string=q, data=body)
    assert wx.open(response, query)["Content"].startswith("可用指令")


# -- de-duplication --------------------------------------------------------------------------


def test_a_retried_text_message_is_answered_once(wx):
    xml = wx.text_xml("oa-a", "帮助", msg_id=123)
    assert "可用指令" in wx.reply(wx.post_plain(xml))
    assert wx.reply(wx.post_plain(xml)) == "success"
    assert wx.reply(wx.post_plain(wx.text_xml("oa-a", "帮助", msg_id=124))) != "success"


def test_a_retried_subscribe_has_one_side_effect(wx, app):
    xml = wx.event_xml("oa-dup", "subscribe", create_time=1780001000)
    assert "欢迎关注" in wx.reply(wx.post_plain(xml))
    assert wx.reply(wx.post_plain(xml)) == "success"
    assert wx.reply(wx.post_safe(xml)) == "success"  # the same push, in safe mode
    assert _followers() == 1
    assert app.extensions["party_queue"].queues["default"].job_ids == ["follower-oa-dup"]


def test_a_failing_handler_releases_the_push_for_the_retry(wx, monkeypatch):
    from bot import handlers

    calls = []

    def broken(openid):
        calls.append(openid)
        raise RuntimeError("database went away")

    xml = wx.event_xml("oa-fail", "subscribe", create_time=1780002000)
    monkeypatch.setattr(handlers.followers, "follow", broken)
    response = wx.post_plain(xml)
    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"
    monkeypatch.undo()
    assert "欢迎关注" in wx.reply(wx.post_plain(xml))  # the retry is handled
    assert calls == ["oa-fail"]
    assert _followers() == 1


def test_reply_text_cannot_break_out_of_its_cdata(wx, monkeypatch):
    from bot import handlers

    monkeypatch.setattr(handlers.texts, "HELP", "a]]><MsgType>news</MsgType>b")
    reply = xmltodict.parse(wx.post_plain(wx.text_xml("oa-a", "帮助")).get_data(as_text=True))
    assert reply["xml"]["MsgType"] == "text"
    assert reply["xml"]["Content"] == "a]]><MsgType>news</MsgType>b"
