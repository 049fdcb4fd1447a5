"""News from central media: items gathered from the configured RSS/Atom feeds, what each member
chose to read, and the daily digests sent.

- An item is kept once: ``guid_hash`` (its GUID within its source, or its normalised link when
  it has none) and ``link_hash`` (its normalised link) are both unique, so the same article under
  two GUIDs or from two sources is stored once, and a re-fetch or a parallel run inserts nothing.
- Items hold plain text only (the feeds' HTML is stripped when they are fetched) and an http(s)
  link; they are deleted ``[news] keep_days`` after publication.
- One digest per person and Beijing day: unique (person_id, day), the row taken in the same
  transaction as the notification.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CHAR,
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import MYSQL_TABLE, utcnow
from ..extensions import db

TITLE_MAX, SUMMARY_MAX, URL_MAX = 200, 500, 1000


class NewsItem(db.Model):
    __tablename__ = "news_items"
    __table_args__ = (
        UniqueConstraint("guid_hash"),
        UniqueConstraint("link_hash"),
        Index(None, "published_at"),
        Index(None, "source_key"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(40), nullable=False)
    # sha256 hex of "<source key>\n<GUID>" (GUIDs are only unique within a feed in practice), or
    # of the normalised link when the entry has no GUID.
    guid_hash: Mapped[str] = mapped_column(CHAR(64), nullable=False)
    link_hash: Mapped[str] = mapped_column(CHAR(64), nullable=False)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), nullable=False, default="")
    url: Mapped[str] = mapped_column(String(URL_MAX), nullable=False)
    # The source's topic keys when fetched, as a JSON list (["politics", "party"]). A topic
    # filter is LIKE '%"politics"%' on its text (``_`` escaped): keys are [a-z0-9_], so a quoted
    # key cannot match inside another.
    topics: Mapped[list] = mapped_column(JSON, nullable=False)
    published_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    fetched_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class NewsPreference(db.Model):
    """What a member reads under 推荐 and whether they get the daily digest. No row: every
    topic, no digest."""

    __tablename__ = "news_preferences"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, unique=True)
    topics: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    digest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class NewsDigest(db.Model):
    """A digest sent to a person on a Beijing day. ``claim`` names the run that inserted the row,
    so a run notifies exactly the people whose rows it inserted."""

    __tablename__ = "news_digests"
    __table_args__ = (UniqueConstraint("person_id", "day"), Index(None, "day"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    claim: Mapped[str] = mapped_column(String(32), nullable=False)
    items: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class NewsSourceState(db.Model):
    """How fetching a configured source went: the validators for a conditional GET and, for
    administrators, the last attempt, the last success and the last error. An ingest run locks
    these rows (all of them, in key order) while it stores, so two runs take turns."""

    __tablename__ = "news_sources_state"
    __table_args__ = (MYSQL_TABLE,)

    source_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    last_fetch_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_new: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
