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


def insert_ignoring_duplicates(model):
    """INSERT that skips rows colliding with any unique key (the row already there stays), for
    ``session.execute(statement, rows)`` or ``.values(row)``."""
    from sqlalchemy.dialects.mysql import insert as mysql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from .extensions import db

    if db.engine.dialect.name == "mysql":
        # A no-op update of the primary key: MySQL's INSERT IGNORE would also swallow other
        # errors (a value too long, a missing foreign row).
        key = next(iter(model.__table__.primary_key.columns))
        return mysql_insert(model).on_duplicate_key_update({key.name: key})
    return sqlite_insert(model).on_conflict_do_nothing()


def locked_row(model, key: dict, defaults: dict | None = None):
    """The row of ``model`` with ``key`` (its primary or unique key), made with ``defaults`` if
    missing, and locked FOR UPDATE. The upsert takes the row lock in its one statement, so two
    callers at once queue instead of deadlocking as an insert-then-lock pair does on MariaDB;
    the locking read then sees the latest committed values."""
    from sqlalchemy import select

    from .extensions import db

    db.session.execute(insert_ignoring_duplicates(model).values({**key, **(defaults or {})}))
    return db.session.execute(
        select(model).filter_by(**key).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
