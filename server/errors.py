"""ApiError and the JSON error handlers.

Every error leaves the server as ``{code, status, message, errors}``: ``code`` is a stable
machine string, ``status`` the HTTP status, ``message`` Chinese for the user, ``errors`` per-field
details (may be empty).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}


# HTTP status → (code, Chinese message) for errors raised by Flask/werkzeug itself.
_HTTP_DEFAULTS = {
    400: ("bad_request", "请求格式错误"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "不支持请求的响应格式"),
    409: ("conflict", "与现有数据冲突"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("validation_error", "输入数据有误"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误"),
    503: ("service_unavailable", "服务暂不可用，请稍后再试"),
}


def error_body(status: int, code: str, message: str, errors: dict | None = None):
    response = jsonify(code=code, status=status, message=message, errors=errors or {})
    response.status_code = status
    return response


def _webargs_errors(exc: HTTPException) -> dict | None:
    data = getattr(exc, "data", None) or {}
    return data.get("messages")


def http_exception_body(exc: HTTPException):
    status = exc.code or 500
    code, message = _HTTP_DEFAULTS.get(status, ("http_error", "请求失败"))
    errors = _webargs_errors(exc)
    if status == 422 and errors and len(errors) == 1:
        # webargs wraps by location: {"json": {...}} / {"query": {...}}; flatten one location.
        errors = next(iter(errors.values()))
    if status == 400 and errors:
        # webargs: malformed JSON body
        code, message = "malformed_json", "请求体不是有效的 JSON"
    return error_body(status, code, message, errors if isinstance(errors, dict) else None)


def register_error_handlers(app: Flask) -> None:
    from .extensions import db

    def rollback() -> None:
        try:
            db.session.rollback()
        except Exception:  # pragma: no cover - connection already gone
            log.exception("rollback failed")

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        rollback()
        from .audit.services import flush_failed_audits

        flush_failed_audits(exc.code)
        return error_body(exc.status, exc.code, exc.message, exc.errors)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        rollback()
        return http_exception_body(exc)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        rollback()
        log.info("integrity error: %s", exc.orig)
        return error_body(409, "conflict", "与现有数据冲突（可能已被他人修改或重复提交）")

    @app.errorhandler(OperationalError)
    def _operational(exc: OperationalError):
        rollback()
        log.exception("database operational error")
        return error_body(503, "database_unavailable", "数据库暂不可用，请稍后再试")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        rollback()
        log.exception("unhandled error")
        return error_body(500, "internal_error", "服务器内部错误")
