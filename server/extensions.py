"""Extensions created once at import and bound to the app in ``create_app``."""

from __future__ import annotations

from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .errors import http_exception_body

# Deterministic constraint names so schema.sql is stable and migrations can refer to them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)


class PartyApi(Api):
    """flask-smorest Api whose HTTP errors use our ``{code, status, message, errors}`` body."""

    def handle_http_exception(self, error):
        from .extensions import db as _db

        _db.session.rollback()
        return http_exception_body(error)


class _Holder:
    """A late-bound service (redis client, job queue, WeChat gateway, rate limiter)."""

    def __init__(self, name: str):
        self._name = name
        self._target = None

    def bind(self, target) -> None:
        self._target = target

    def __getattr__(self, item):
        target = self.__dict__.get("_target")
        if target is None:
            raise RuntimeError(f"{self.__dict__['_name']} is not initialised (create_app first)")
        return getattr(target, item)

    @property
    def target(self):
        return self._target


redis_client = _Holder("redis")
queue = _Holder("job queue")
wechat = _Holder("wechat gateway")
limiter = _Holder("rate limiter")
storage = _Holder("file storage")
