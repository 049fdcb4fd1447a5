"""Feedback cases (意见建议, 监督举报, 求助), what handlers did with them, their attachments, and
the reminders already sent.

An anonymous case keeps no link to its author (docs/feedback.md): no person, no receipt in
clear, and only days, never times, for what the author did. Its id is random, so neither the
id nor the row order dates it against cases whose times are known.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import MYSQL_TABLE, utcnow
from ..extensions import db

KINDS = {"suggestion": "意见建议", "report": "监督举报", "help": "求助"}
SUBMITTED, ACCEPTED, REPLIED, CLOSED = "submitted", "accepted", "replied", "closed"
STATUSES = {SUBMITTED: "待受理", ACCEPTED: "办理中", REPLIED: "已答复", CLOSED: "已办结"}
OPEN = (SUBMITTED, ACCEPTED, REPLIED)
# review_status: the content check's verdict on the case's text (docs/safety.md).
PUBLISHED, HELD, REFUSED = "published", "pending", "rejected"

# Up to 16 MB a file on MySQL (the default BLOB stops at 64 KB).
Blob = LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql")


class FeedbackCase(db.Model):
    __tablename__ = "feedback_cases"
    __table_args__ = (
        Index(None, "handler_org_id", "status"),
        Index(None, "status", "reply_due"),
        Index(None, "person_id", "submitted_on"),
        MYSQL_TABLE,
    )

    # Random (see services.new_id), never a sequence.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # Named cases only.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Anonymous cases only: the digest of the receipt code the author was shown once.
    receipt_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    subject_org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    subject_name: Mapped[str | None] = mapped_column(String(50))
    handler_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(50), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=SUBMITTED)
    review_status: Mapped[str] = mapped_column(String(10), nullable=False, default=PUBLISHED)
    # The day only: the author's side of a case never carries a time.
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    # Set once the text may be shown to handlers (at once, or on the review's approval).
    accept_due: Mapped[date | None] = mapped_column(Date)
    reply_due: Mapped[date | None] = mapped_column(Date)
    # Whether the hourly job has told the handlers of the case.
    announced: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(String(200))
    rated_on: Mapped[date | None] = mapped_column(Date)
    reopen_reason: Mapped[str | None] = mapped_column(String(500))
    reopened_on: Mapped[date | None] = mapped_column(Date)

    person = relationship("Person")
    handler_org = relationship("Org", foreign_keys=[handler_org_id])
    subject_org = relationship("Org", foreign_keys=[subject_org_id])


class FeedbackEvent(db.Model):
    """A handler's action (accept, reply, close): who and exactly when. The author's actions
    are columns of the case, kept to the day."""

    __tablename__ = "feedback_events"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    action: Mapped[str] = mapped_column(String(10), nullable=False)
    content: Mapped[str | None] = mapped_column(Text)
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    actor_label: Mapped[str] = mapped_column(String(120), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class FeedbackAttachment(db.Model):
    """A file the author added. Kept in the database, not the file store: a stored file's
    modification time would date an anonymous case to the second."""

    __tablename__ = "feedback_attachments"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    content_type: Mapped[str] = mapped_column(String(50), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(Blob, nullable=False, deferred=True)


class FeedbackReminder(db.Model):
    """A deadline reminder sent to a case's handlers: once per case, deadline and day."""

    __tablename__ = "feedback_reminders"
    __table_args__ = (UniqueConstraint("case_id", "stage", "day"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), nullable=False
    )
    stage: Mapped[str] = mapped_column(String(10), nullable=False)  # accept | reply
    day: Mapped[date] = mapped_column(Date, nullable=False)
