"""WeChat pushes as WeChat sends them: signed query strings, real XML, safe-mode encryption."""

from __future__ import annotations

import hashlib
import time
from itertools import count

import pytest
import xmltodict
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from server.extensions import db

TOKEN = "bot-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx_oa_test"

_msg_ids = count(7_000_000_000_000_000_001)
_times = count(1_780_000_000)


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's


def cdata(value) -> str:
    return value if isinstance(value, int) else f"<![CDATA[{value}]]>"


def message_xml(fields: dict) -> str:
    return "<xml>" + "".join(f"<{k}>{cdata(v)}</{k}>" for k, v in fields.items()) + "</xml>"


class WeChat:
    """Pushes to ``/wechat/callback`` the way WeChat's servers do."""

    def __init__(self, client, token=TOKEN, aes_key=AES_KEY, appid=APPID):
        self.client = client
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, appid)

    # -- building ------------------------------------------------------------------------
    def text_xml(self, openid: str, content: str, msg_id: int | None = None) -> str:
        return message_xml(
            {
                "ToUserName": "gh_test",
                "FromUserName": openid,
                "CreateTime": next(_times),
                "MsgType": "text",
                "Content": content,
                "MsgId": msg_id or next(_msg_ids),
            }
        )

    def event_xml(self, openid: str, event: str, create_time: int | None = None, **extra) -> str:
        return message_xml(
            {
                "ToUserName": "gh_test",
                "FromUserName": openid,
                "CreateTime": create_time or next(_times),
                "MsgType": "event",
                "Event": event,
                **extra,
            }
        )

    def query(self, timestamp: str | None = None, nonce: str = "8675309") -> dict:
        timestamp = timestamp or str(int(time.time()))
        return {
            "signature": sign(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
        }

    # -- sending -------------------------------------------------------------------------
    def post_plain(self, xml: str | bytes, query: dict | None = None, **kwargs):
        query = self.query() if query is None else query
        return self.client.post("/wechat/callback", query_string=query, data=xml, **kwargs)

    def seal(self, xml: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """(outer body, msg_signature) as WeChat sends them in safe mode."""
        sealed = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        body = message_xml({"ToUserName": "gh_test", "Encrypt": sealed["Encrypt"]})
        return body, sealed["MsgSignature"]

    def post_safe(self, xml: str, query: dict | None = None):
        query = dict(self.query() if query is None else query)
        body, msg_signature = self.seal(xml, query["timestamp"], query["nonce"])
        query.update(encrypt_type="aes", msg_signature=msg_signature, openid="o")
        return self.client.post("/wechat/callback", query_string=query, data=body)

    def open(self, response, query: dict) -> dict:
        """Check the encrypted reply's signature and decrypt it."""
        sealed = xmltodict.parse(response.get_data(as_text=True))["xml"]
        assert sealed["TimeStamp"] == query["timestamp"]
        assert sealed["Nonce"] == query["nonce"]
        inner = self.crypto.decrypt_message(
            response.get_data(as_text=True),
            sealed["MsgSignature"],
            sealed["TimeStamp"],
            sealed["Nonce"],
        )
        return xmltodict.parse(inner)["xml"]

    # -- conversations -------------------------------------------------------------------
    def reply(self, response) -> str:
        """The reply text of a plain-mode answer, or "success" for none."""
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_data(as_text=True)
        if body == "success":
            return body
        reply = xmltodict.parse(body)["xml"]
        assert reply["MsgType"] == "text"
        return reply["Content"]

    def say(self, openid: str, content: str) -> str:
        return self.reply(self.post_plain(self.text_xml(openid, content)))

    def event(self, openid: str, event: str, **extra) -> str:
        return self.reply(self.post_plain(self.event_xml(openid, event, **extra)))


@pytest.fixture
def oa_settings(app):
    """Official-account callback settings for one test (restored afterwards)."""
    settings = app.config["WECHAT"]
    saved = {k: settings[k] for k in ("oa_token", "oa_encoding_aes_key", "oa_appid")}
    settings.update(oa_token=TOKEN, oa_encoding_aes_key=AES_KEY, oa_appid=APPID)
    yield settings
    settings.update(saved)


@pytest.fixture
def wx(client, oa_settings, ctx):
    return WeChat(client)


def count(model, *where) -> int:
    """Rows of ``model``; ends the test's read transaction so SQLite lets the app write."""
    n = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.commit()
    return n
