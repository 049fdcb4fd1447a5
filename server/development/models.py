"""Development records (发展党员档案): one per person in the pipeline, with its entries.

A record follows the rule set it was started under (``rules_version``). Each completed,
requested or refused step is an **entry**; entries are never edited — a correction is a new
entry that supersedes the old one, with a reason, and both stay. The constraints that keep this
true under concurrency:

- one active record per person: unique (person_id, live), ``live`` = 1 while active, NULL after;
- one live entry per non-recurring step and round: unique (record_id, step, round, live),
  ``live`` = 1 while the entry is pending or done, NULL once refused, superseded or closed;
- one entry per submission: unique (record_id, idempotency_key), so a retried request or a
  double tap cannot record a step twice.

``openings`` hold what the rules say comes next (step, earliest date, deadline), rewritten on
every change: the secretary's to-do and the daily reminder scan read them with set queries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
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
from ..people.models import Person

ACTIVE, COMPLETED, STOPPED, CANCELLED = "active", "completed", "stopped", "cancelled"
RECORD_STATUSES = {
    ACTIVE: "进行中",
    COMPLETED: "已完成",
    STOPPED: "已中止",
    CANCELLED: "已取消预备资格",
}

PENDING, DONE, REJECTED, SUPERSEDED, CLOSED = "pending", "done", "rejected", "superseded", "closed"
ENTRY_STATES = {
    PENDING: "待审批",
    DONE: "已完成",
    REJECTED: "未通过",
    SUPERSEDED: "已更正",
    CLOSED: "延长预备期前的记录",
}

MATERIAL_KINDS = {
    "application": "入党申请书",
    "thought_report": "思想汇报",
    "conversion_application": "转正申请书",
    "talk_record": "谈话记录",
    "assessment": "考察登记",
    "review": "政审材料",
    "certificate": "培训结业证明",
    "volunteer_form": "入党志愿书",
    "minutes": "会议记录",
    "other": "其他材料",
}


class DevelopmentRecord(Timestamps, db.Model):
    __tablename__ = "development_records"
    __table_args__ = (
        UniqueConstraint("person_id", "live"),
        Index(None, "status", "stage"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    rules_version: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=ACTIVE)
    live: Mapped[int | None] = mapped_column(Integer, default=1)
    stage: Mapped[str] = mapped_column(String(20), nullable=False)
    current_step: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    applied_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    cohort: Mapped[str] = mapped_column(String(10), nullable=False, index=True)
    extension_months: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extensions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The earliest date of the nearest open step and the nearest deadline (for lists/sorting).
    next_step: Mapped[int | None] = mapped_column(Integer)
    next_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    ended_reason: Mapped[str | None] = mapped_column(String(200))
    ended_by: Mapped[str | None] = mapped_column(String(100))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)
    entries: Mapped[list[DevelopmentEntry]] = relationship(
        back_populates="record",
        order_by="(DevelopmentEntry.step, DevelopmentEntry.id)",
        cascade="all, delete-orphan",
    )
    openings: Mapped[list[DevelopmentOpening]] = relationship(
        cascade="all, delete-orphan", order_by="DevelopmentOpening.step"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once

    @property
    def status_label(self) -> str:
        return RECORD_STATUSES.get(self.status, self.status)


class DevelopmentEntry(db.Model):
    __tablename__ = "development_entries"
    __table_args__ = (
        UniqueConstraint("record_id", "step", "round", "live"),
        UniqueConstraint("record_id", "idempotency_key"),
        Index(None, "state", "step"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("development_records.id", ondelete="CASCADE"), nullable=False
    )
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    round: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    state: Mapped[str] = mapped_column(String(12), nullable=False)
    live: Mapped[int | None] = mapped_column(Integer)
    done_on: Mapped[date] = mapped_column(Date, nullable=False)
    # What the step records: people (ids and names as they were), training, review, votes,
    # outcome, extension, note, special reason. Shape checked by the API schema.
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    warnings: Mapped[list | None] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    decided_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_comment: Mapped[str | None] = mapped_column(String(500))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("development_entries.id"))
    correction_reason: Mapped[str | None] = mapped_column(String(500))

    record: Mapped[DevelopmentRecord] = relationship(back_populates="entries")

    @property
    def state_label(self) -> str:
        return ENTRY_STATES.get(self.state, self.state)


class DevelopmentOpening(db.Model):
    """A step the rules allow now or later for an active record (rewritten on each change)."""

    __tablename__ = "development_openings"
    __table_args__ = (
        UniqueConstraint("record_id", "step"),
        Index(None, "earliest"),
        Index(None, "deadline"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("development_records.id", ondelete="CASCADE"), nullable=False
    )
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    earliest: Mapped[date] = mapped_column(Date, nullable=False)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_kind: Mapped[str | None] = mapped_column(String(10))


class DevelopmentMaterial(db.Model):
    """A file of the record (入党申请书, 思想汇报, …), uploaded by the applicant or the branch."""

    __tablename__ = "development_materials"
    __table_args__ = (Index(None, "record_id", "kind"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("development_records.id", ondelete="CASCADE"), nullable=False
    )
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("development_entries.id"))
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str | None] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(255), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    uploaded_by: Mapped[str] = mapped_column(String(100), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class DevelopmentReminder(db.Model):
    """A reminder the daily scan sent: one per (record, step, kind, day), so a re-run or a
    second worker sends nothing twice. ``kind``: ``open`` (the step becomes possible today) or
    ``due-<n>`` (its deadline is in n days)."""

    __tablename__ = "development_reminders"
    __table_args__ = (UniqueConstraint("record_id", "step", "kind", "remind_on"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("development_records.id", ondelete="CASCADE"), nullable=False
    )
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    remind_on: Mapped[date] = mapped_column(Date, nullable=False)
    notification_id: Mapped[int | None] = mapped_column(Integer)
