"""Shared column helpers: table options for MySQL, timestamps in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column

MYSQL_TABLE = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
}


def utcnow() -> datetime:
    """Naive UTC: what DATETIME columns hold on both SQLite and MySQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


def locked_row(model, key: dict, defaults: dict | None = None):
    """The row of ``model`` with ``key`` (its primary or unique key), made with ``defaults`` if
    missing, and locked FOR UPDATE. The upsert takes the row lock in its one statement, so two
    callers at once queue instead of deadlocking as an insert-then-lock pair does on MariaDB;
    the locking read then sees the latest committed values."""
    from sqlalchemy import select
    from sqlalchemy.dialects.mysql import insert as mysql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from .extensions import db

    row = {**key, **(defaults or {})}
    first = next(iter(key))
    if db.engine.dialect.name == "mysql":
        statement = mysql_insert(model).values(row)
        statement = statement.on_duplicate_key_update({first: getattr(model, first)})
    else:
        statement = sqlite_insert(model).values(row).on_conflict_do_nothing()
    db.session.execute(statement)
    return db.session.execute(
        select(model).filter_by(**key).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
