"""Opening and sealing WeChat's pushes: size limit, XML that cannot expand, signatures and
safe-mode (AES) encryption.

Every XML text is parsed first with defusedxml (any DOCTYPE refused, so no entity can expand
or reach outside) and only then handed to wechatpy, whose xmltodict would expand entities.
"""

from __future__ import annotations

import functools
import time
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeXml
from defusedxml import DefusedXmlException
from flask import Request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from server.errors import ApiError

MAX_BODY_BYTES = 64 * 1024
OPENID_MAX = 64  # oa_followers.openid
# Plain-mode pushes older or newer than this are refused (WeChat retries within ~15 s).
PLAIN_MAX_AGE_SECONDS = 300


def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refused above ``limit`` whatever Content-Length says (a chunked body has
    none): at most ``limit + 1`` bytes are read."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large()
    stream = request.stream
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _too_large()
    return b"".join(chunks)


def _too_large() -> ApiError:
    return ApiError(400, "payload_too_large", f"消息体不能超过 {MAX_BODY_BYTES // 1024} KB")


def _bad_xml(detail: str) -> ApiError:
    return ApiError(400, "bad_xml", "消息不是有效的 XML", {"body": [detail]})


def parse_xml(data: bytes | str) -> tuple[str, Element]:
    """UTF-8 text and its ``<xml>`` root; no DTD, no entities."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_xml("not UTF-8") from exc
    if not data.strip():
        raise _bad_xml("empty body")
    try:
        root = SafeXml.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        # DOCTYPE / ENTITY: billion laughs, external entities. WeChat never sends them.
        raise _bad_xml(f"{type(exc).__name__}: DOCTYPE and entities are not accepted") from exc
    except (ParseError, ValueError) as exc:
        raise _bad_xml(str(exc)[:200]) from exc
    if root.tag != "xml":
        raise _bad_xml("root element is not <xml>")
    return data, root


def field(root: Element, tag: str) -> str | None:
    """A leaf field's text (None when absent or not a leaf)."""
    node = root.find(tag)
    if node is None or len(node):
        return None
    return (node.text or "").strip()


def dedupe_key(root: Element) -> str:
    """WeChat retries a push it got no answer to within 5 s; this names one push.

    Messages carry a MsgId; events are named by sender, time and event (a template-send
    result by its MsgID). Fields the handlers rely on are checked here too.
    """
    sender = field(root, "FromUserName")
    msg_type = (field(root, "MsgType") or "").lower()
    created = field(root, "CreateTime") or ""
    if not sender or len(sender) > OPENID_MAX:
        raise _bad_xml("FromUserName missing or too long")
    if not msg_type or not created.isdigit():
        raise _bad_xml("MsgType or CreateTime missing")
    if msg_type == "event":
        event = field(root, "Event")
        if not event:
            raise _bad_xml("Event missing")
        if event.upper() == "TEMPLATESENDJOBFINISH":
            msg_id = field(root, "MsgID") or ""
            if not msg_id.isdigit():
                raise _bad_xml("MsgID missing")
            return f"tpl:{msg_id}"
        return f"event:{sender}:{created}:{event.lower()}"
    msg_id = field(root, "MsgId")
    if msg_id is not None and not msg_id.isdigit():
        raise _bad_xml("MsgId is not a number")
    return f"msg:{msg_id}" if msg_id else f"msg:{sender}:{created}:{msg_type}"


def check_plain(token: str, args, max_age: int | None = None) -> None:
    """``signature`` over token, timestamp and nonce. It does not cover the body, so a push
    whose query string leaked (access logs) could carry any body: ``max_age`` bounds how long
    such a query string stays usable."""
    timestamp = args.get("timestamp", "")
    try:
        check_signature(token, args.get("signature", ""), timestamp, args.get("nonce", ""))
    except InvalidSignatureException as exc:
        raise bad_signature() from exc
    if max_age is not None and not (
        timestamp.isdigit() and abs(time.time() - int(timestamp)) <= max_age
    ):
        raise ApiError(403, "stale_timestamp", "请求已过期，请检查服务器时间")


def bad_signature() -> ApiError:
    return ApiError(403, "bad_signature", "签名校验失败")


@functools.lru_cache(maxsize=8)
def crypto_for(token: str, encoding_aes_key: str, appid: str) -> WeChatCrypto:
    return WeChatCrypto(token, encoding_aes_key, appid)


def open_sealed(crypto: WeChatCrypto, root: Element, args) -> str:
    """Safe mode: check ``msg_signature`` over the Encrypt field and decrypt it."""
    msg_signature = args.get("msg_signature", "")
    if not msg_signature:
        raise bad_signature()
    encrypt = field(root, "Encrypt")
    if not encrypt:
        raise _bad_xml("Encrypt missing")
    try:
        return crypto.decrypt_message(
            {"Encrypt": encrypt}, msg_signature, args.get("timestamp", ""), args.get("nonce", "")
        )
    except InvalidSignatureException as exc:
        raise bad_signature() from exc
    except InvalidAppIdException as exc:
        raise ApiError(403, "wrong_appid", "消息不是发给本公众号的") from exc
    except Exception as exc:  # bad base64, length, padding or UTF-8 inside a signed envelope
        raise ApiError(400, "bad_encrypt", "消息解密失败", {"body": [type(exc).__name__]}) from exc


def seal(crypto: WeChatCrypto, xml: str, args) -> str:
    return crypto.encrypt_message(xml, args.get("nonce", ""), args.get("timestamp") or None)
