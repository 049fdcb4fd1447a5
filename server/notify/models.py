"""Notifications, their per-recipient deliveries, and what decides how a person is reached.

A ``Notification`` is one event sent to many people ("支部党员大会 on 12-01"). Until it is
dispatched it holds its recipients and its already-rendered content; ``pending_key`` (unique)
is the caller's name for it while it waits, so "this reminder replaces that one" is an update of
that row and "cancel that one" marks it cancelled. On dispatch each recipient gets a
``Delivery``: the inbox item (read or not) and the WeChat push state in one row, unique per
(notification, person) so a dispatch that runs twice cannot make two.

How a person is reached is not copied anywhere: the official-account follower is linked to a
member through the unionid both WeChat apps report (``OaFollower.unionid`` =
``WechatBinding.unionid``), and subscribe-message grants are counted per mini-program openid.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import MYSQL_TABLE, utcnow
from ..extensions import db

# Notification.state
SCHEDULED, DISPATCHED, CANCELLED = "scheduled", "dispatched", "cancelled"

# Delivery.state — the WeChat side of one recipient (the inbox side is ``read_at``).
QUEUED = "queued"  # waiting for its push (possibly deferred past quiet hours or a retry)
SENDING = "sending"  # claimed by a worker; the outcome is not recorded yet
SENT = "sent"  # WeChat accepted it (msgid)
DELIVERED = "delivered"  # TEMPLATESENDJOBFINISH: success
BLOCKED = "blocked"  # TEMPLATESENDJOBFINISH: failed:user block
FAILED = "failed"  # gave up; ``reason`` says why
UNREACHABLE = "unreachable"  # no WeChat channel reaches this person: inbox only
MUTED = "muted"  # the person switched this kind off: inbox only
DELIVERY_STATES = (QUEUED, SENDING, SENT, DELIVERED, BLOCKED, FAILED, UNREACHABLE, MUTED)

# Delivery.channel
TEMPLATE, SUBSCRIBE = "template", "subscribe"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index(None, "state", "scheduled_at"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    # The caller's name for a replaceable notification ("meeting:7:reminder"); set while the
    # notification waits, cleared on dispatch or cancel so the name can be used again.
    key: Mapped[str | None] = mapped_column(String(120), index=True)
    pending_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    sender_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    sender_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    sender_label: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    body: Mapped[str] = mapped_column(String(1000), nullable=False)
    page: Mapped[str | None] = mapped_column(String(255))
    # Rendered, fitted WeChat data: {"template": {...}, "subscribe": {...}}.
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    recipient_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default=SCHEDULED)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    push_at: Mapped[datetime | None] = mapped_column(DateTime)  # after quiet hours
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    org = relationship("Org")


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "person_id"),
        Index(None, "person_id", "id"),
        Index(None, "state", "next_attempt_at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default=QUEUED)
    channel: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(60))
    errcode: Mapped[int | None] = mapped_column(Integer)
    msgid: Mapped[int | None] = mapped_column(BigInteger, index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The worker that claimed it (random token) and when; a claim older than the lease is
    # treated as a dead worker by the sweeper.
    claim: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    notification = relationship(Notification)
    person = relationship("Person")

    @property
    def client_msg_id(self) -> str:
        """WeChat de-duplicates template sends with this for 10 minutes."""
        return f"party-d{self.id}"


class OaFollower(db.Model):
    """A follower of the official account, as the bot and user/info reported it."""

    __tablename__ = "oa_followers"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    subscribed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    subscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class SubscribeGrant(db.Model):
    """How many subscribe messages of one template a mini-program user has allowed."""

    __tablename__ = "subscribe_grants"
    __table_args__ = (UniqueConstraint("openid", "template_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), nullable=False)  # mini-program openid
    template_id: Mapped[str] = mapped_column(String(64), nullable=False)
    remaining: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class KindOptOut(db.Model):
    """A person switched WeChat pushes of one kind off (the inbox still gets them)."""

    __tablename__ = "notification_optouts"
    __table_args__ = (UniqueConstraint("person_id", "kind"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
