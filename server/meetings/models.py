"""Meetings (三会一课 and more), who takes part, check-ins, leave, minutes and attachments.

Times are naive UTC like every DATETIME here. ``status`` is what people decided (draft,
published, cancelled, archived); the phase a meeting is in (check-in open, in progress, ended)
follows from the status and the clock, so no job has to flip it.

One check-in per (meeting, person) is a unique constraint: two scans of the same member, however
simultaneous, leave one row. A revoked check-in stays (with who revoked it and why) so the record
of the decision is kept; a 补签 reinstates it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import MYSQL_TABLE, Timestamps, utcnow
from ..extensions import db
from ..orgs.models import Org
from ..people.models import Person

MEETING_TYPES = {
    "branch_assembly": "支部党员大会",
    "branch_committee": "支部委员会",
    "group_meeting": "党小组会",
    "party_lecture": "党课",
    "theme_day": "主题党日",
    "life_meeting": "组织生活会",
    "appraisal": "民主评议党员",
    "other": "其他",
}
DRAFT, PUBLISHED, CANCELLED, ARCHIVED = "draft", "published", "cancelled", "archived"
MEETING_STATUSES = {DRAFT: "草稿", PUBLISHED: "已发布", CANCELLED: "已取消", ARCHIVED: "已归档"}

MEMBER, OBSERVER = "member", "observer"
PARTICIPANT_ROLES = {MEMBER: "参会", OBSERVER: "列席"}

PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
LEAVE_STATES = {PENDING: "待审批", APPROVED: "已批准", REJECTED: "未批准", WITHDRAWN: "已撤回"}

QR, MANUAL = "qr", "manual"


class Meeting(Timestamps, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        Index(None, "org_id", "start_at"),
        Index(None, "status", "start_at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    place: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    start_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    end_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Optional geofence: check-ins farther than radius_m from the point are refused.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[int | None] = mapped_column(Integer)
    checkin_opens_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    late_grace_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    sign_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=DRAFT)
    # Random per meeting and part of every check-in token's MAC: a leaked token of one meeting
    # says nothing about another, and rotating it invalidates every code shown so far.
    checkin_secret: Mapped[str] = mapped_column(String(32), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    org: Mapped[Org] = relationship()
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])

    @property
    def type_label(self) -> str:
        return MEETING_TYPES.get(self.type, self.type)


class Participant(db.Model):
    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default=MEMBER)

    person: Mapped[Person] = relationship()


class CheckIn(db.Model):
    __tablename__ = "meeting_checkins"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default=QR)
    # When the member was there: the scan time (a retried offline scan keeps its scan time).
    checked_in_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sent_late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    slot: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(45))
    network: Mapped[str | None] = mapped_column(String(50))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    device_id: Mapped[str | None] = mapped_column(String(64))
    device_model: Mapped[str | None] = mapped_column(String(64))
    device_system: Mapped[str | None] = mapped_column(String(64))
    network_type: Mapped[str | None] = mapped_column(String(16))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    signed_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    manual_reason: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    revoked_by: Mapped[str | None] = mapped_column(String(100))

    person: Mapped[Person] = relationship()
    meeting: Mapped[Meeting] = relationship()


class LeaveRequest(db.Model):
    __tablename__ = "meeting_leave_requests"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        Index(None, "state", "meeting_id"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default=PENDING)
    comment: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    person: Mapped[Person] = relationship()
    meeting: Mapped[Meeting] = relationship()

    @property
    def state_label(self) -> str:
        return LEAVE_STATES.get(self.state, self.state)


class Minutes(db.Model):
    """The 会议记录 (DOMAIN.md §2). Attendance is computed from check-ins and leave while the
    meeting is open and frozen into ``attendance`` when it is archived."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    agenda: Mapped[str] = mapped_column(Text, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    resolutions: Mapped[str | None] = mapped_column(Text)
    votes: Mapped[list | None] = mapped_column(JSON)
    attendance: Mapped[dict | None] = mapped_column(JSON)
    chair_signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    recorder_signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))

    meeting: Mapped[Meeting] = relationship()


class MinutesRevision(db.Model):
    __tablename__ = "meeting_minutes_revisions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_minutes.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    agenda: Mapped[str] = mapped_column(Text, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    resolutions: Mapped[str | None] = mapped_column(Text)
    votes: Mapped[list | None] = mapped_column(JSON)
    editor: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


# A comment is published, or PENDING review, or REJECTED by it (the words leave requests use).
COMMENT_PUBLISHED = "published"


class MeetingComment(db.Model):
    """A member's comment on the minutes (comments.py). ``status`` follows the content check:
    published at once when clean, else pending until an administrator decides. Deleting keeps
    the row (``deleted_at``) so the audit entry still names what was removed."""

    __tablename__ = "meeting_comments"
    __table_args__ = (Index(None, "meeting_id", "id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    content: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=COMMENT_PUBLISHED)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()


class Attachment(db.Model):
    __tablename__ = "meeting_attachments"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(String(50), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(200), nullable=False)
    caption: Mapped[str | None] = mapped_column(String(100))
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    uploaded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class ComplianceReminder(db.Model):
    """That a branch's secretaries were reminded of one requirement in one period: the unique
    key makes the reminder go out once, however often (or in parallel) the job runs."""

    __tablename__ = "meeting_compliance_reminders"
    __table_args__ = (UniqueConstraint("org_id", "meeting_type", "period"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    meeting_type: Mapped[str] = mapped_column(String(30), nullable=False)
    period: Mapped[str] = mapped_column(String(10), nullable=False)  # 2026-11, 2026-Q4, 2026
    sent_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
