"""``/wechat/callback``: WeChat's URL check (GET) and its pushes (POST).

Plain mode checks ``signature``; safe mode (``encrypt_type=aes``) checks ``msg_signature``,
decrypts, and encrypts the reply. Settings are read per request. The answer must come within
5 seconds, so handlers only touch the database and queue anything slower.
"""

from __future__ import annotations

from flask import Response, current_app, request
from wechatpy import parse_message
from wechatpy.replies import create_reply

from server.errors import ApiError
from server.extensions import db

from . import dedupe, envelope, registry

SUCCESS = "success"  # "received, no reply": WeChat neither retries nor shows an error


def _settings() -> dict:
    settings = current_app.config["WECHAT"]
    if not settings.get("oa_token"):
        raise ApiError(404, "wechat_not_configured", "未配置公众号消息接口")
    return settings


def verify():
    settings = _settings()
    envelope.check_plain(settings["oa_token"], request.args)
    echostr = request.args.get("echostr")
    if echostr is None:
        raise ApiError(400, "missing_echostr", "缺少 echostr 参数")
    return Response(echostr, mimetype="text/plain")


def receive():
    settings = _settings()
    args = request.args
    sealed = args.get("encrypt_type", "").lower() == "aes"
    crypto = None
    if sealed:
        if not settings.get("oa_encoding_aes_key"):
            raise ApiError(400, "encryption_not_configured", "未配置消息加解密密钥")
        crypto = envelope.crypto_for(
            settings["oa_token"],
            settings["oa_encoding_aes_key"],
            settings["oa_appid"] or settings["mini_appid"],
        )
    else:
        envelope.check_plain(settings["oa_token"], args, max_age=envelope.PLAIN_MAX_AGE_SECONDS)

    text, root = envelope.parse_xml(envelope.read_body(request))
    if crypto is not None:
        text, root = envelope.parse_xml(envelope.open_sealed(crypto, root, args))
    key = envelope.dedupe_key(root)
    try:
        message = parse_message(text)
    except Exception as exc:  # wechatpy on XML it does not expect
        detail = {"body": [type(exc).__name__]}
        raise ApiError(400, "bad_xml", "消息不是有效的 XML", detail) from exc

    if not dedupe.claim(key):
        return _plain(SUCCESS)
    try:
        reply = registry.dispatch(message)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        dedupe.release(key)  # let WeChat's retry run it again
        raise

    if not reply:
        return _plain(SUCCESS)
    # Reply text goes into a CDATA section that wechatpy does not escape.
    xml = create_reply(reply.replace("]]>", "]]]]><![CDATA[>"), message).render()
    if crypto is not None:
        xml = envelope.seal(crypto, xml, args)
    return Response(xml, mimetype="application/xml")


def _plain(text: str) -> Response:
    return Response(text, mimetype="text/plain")
