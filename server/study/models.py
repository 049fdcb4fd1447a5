"""Study: materials, daily punch-ins and the points ledger.

- One punch-in per person and day: unique (person_id, day). The day is the Asia/Shanghai
  date; ``streak`` is fixed when the row is made (yesterday's streak + 1, or 1).
- Points are an append-only ledger. Each entry names its source (``punch_in:<id>``…), unique
  per (person, action, source), so a retried award cannot count twice. What a member earned
  by an action today is kept in ``points_daily`` (unique per person, action and day), which an
  award locks, so two awards at the same moment cannot both pass the daily cap.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
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


class PunchIn(db.Model):
    __tablename__ = "study_punch_ins"
    __table_args__ = (UniqueConstraint("person_id", "day"), Index(None, "day"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    streak: Mapped[int] = mapped_column(Integer, nullable=False)
    reflection: Mapped[str | None] = mapped_column(String(500))
    # published, or pending / rejected when the content check held it for review (others see
    # a reflection only once published); None without a reflection.
    reflection_status: Mapped[str | None] = mapped_column(String(10))
    # An optional photo (JPEG/PNG/WebP) in the configured storage, added the same day.
    photo_key: Mapped[str | None] = mapped_column(String(255))
    photo_type: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class PointsEntry(db.Model):
    __tablename__ = "study_points"
    __table_args__ = (
        UniqueConstraint("person_id", "action", "source"),
        Index(None, "person_id", "day"),
        Index(None, "day", "org_id"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    points: Mapped[int] = mapped_column(Integer, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class PointsDaily(db.Model):
    """What a member earned by one action on one day: the row an award locks for the cap."""

    __tablename__ = "study_points_daily"
    __table_args__ = (UniqueConstraint("person_id", "action", "day"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    points: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
MATERIAL_STATUSES = {DRAFT: "草稿", PUBLISHED: "已发布", WITHDRAWN: "已撤回"}
MATERIAL_KINDS = {"article": "文章", "video": "视频", "document": "文档"}
CATEGORIES = {
    "theory": "理论学习",
    "history": "党史",
    "policy": "政策文件",
    "rules": "党规党纪",
    "model": "先进典型",
    "other": "其他",
}


class StudyMaterial(Timestamps, db.Model):
    """A study material published by an org (the committee or a branch) for its subtree:
    an article (rich text, sanitised when saved), a video (an https URL) or a PDF document."""

    __tablename__ = "study_materials"
    __table_args__ = (Index(None, "status", "published_at"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    summary: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    # "|理论|党史|": a tag filter is one LIKE '%|党史|%' (tags hold no "|").
    tags_text: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    video_url: Mapped[str | None] = mapped_column(String(500))
    document_key: Mapped[str | None] = mapped_column(String(255))
    document_name: Mapped[str | None] = mapped_column(String(255))
    document_size: Mapped[int | None] = mapped_column(Integer)
    min_dwell_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)

    @property
    def tags(self) -> list[str]:
        return [t for t in self.tags_text.split("|") if t]

    @tags.setter
    def tags(self, values: list[str]) -> None:
        unique = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
        self.tags_text = f"|{'|'.join(unique)}|" if unique else ""


class ReadingSession(db.Model):
    """One reading of a material: the state ``reading.credit`` keeps between heartbeats."""

    __tablename__ = "study_reading_sessions"
    __table_args__ = (
        Index(None, "person_id", "day"),
        Index(None, "day", "person_id"),
        Index(None, "material_id"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    material_id: Mapped[int] = mapped_column(ForeignKey("study_materials.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    clock_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    paused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    total_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    beats: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    finished: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    blocks_awarded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The member's progress row on the material, made when the session starts: each event
    # locks it by its primary key.
    progress_id: Mapped[int | None] = mapped_column(ForeignKey("study_progress.id"))


class StudyProgress(db.Model):
    """A member's counted reading of one material over all sessions, and when it was studied."""

    __tablename__ = "study_progress"
    __table_args__ = (
        UniqueConstraint("person_id", "material_id"),
        Index(None, "studied_at"),
        Index(None, "material_id", "studied_at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    material_id: Mapped[int] = mapped_column(ForeignKey("study_materials.id"), nullable=False)
    seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    studied_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_read_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class Reader(db.Model):
    """Per member: the server time up to which their reading has been credited (so two
    sessions at once count the same minutes once). Locked by every heartbeat of theirs."""

    __tablename__ = "study_readers"
    __table_args__ = (MYSQL_TABLE,)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    busy_until: Mapped[datetime | None] = mapped_column(DateTime)


class StudyPlan(Timestamps, db.Model):
    """A set of materials assigned to orgs (their whole subtrees) or people, with a deadline."""

    __tablename__ = "study_plans"
    __table_args__ = (Index(None, "status", "deadline"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(String(1000))
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)
    items: Mapped[list[StudyPlanItem]] = relationship(
        cascade="all, delete-orphan", order_by="StudyPlanItem.position"
    )
    targets: Mapped[list[StudyPlanTarget]] = relationship(cascade="all, delete-orphan")


class StudyPlanItem(db.Model):
    __tablename__ = "study_plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "material_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("study_plans.id", ondelete="CASCADE"), nullable=False
    )
    material_id: Mapped[int] = mapped_column(ForeignKey("study_materials.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)

    material: Mapped[StudyMaterial] = relationship(lazy="joined", innerjoin=True)


class StudyPlanTarget(db.Model):
    """Who a plan is for: an org (and everyone below it) or one person."""

    __tablename__ = "study_plan_targets"
    __table_args__ = (Index(None, "org_id"), Index(None, "person_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("study_plans.id", ondelete="CASCADE"), nullable=False
    )
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


QUESTION_KINDS = {"single": "单选题", "multiple": "多选题", "judge": "判断题"}


class QuizQuestion(db.Model):
    """A question of an org's bank (for the org's subtree). ``answer`` holds the indexes of the
    right options and never leaves the server before the attempt is submitted."""

    __tablename__ = "study_quiz_questions"
    __table_args__ = (Index(None, "org_id", "active"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    stem: Mapped[str] = mapped_column(String(1000), nullable=False)
    options: Mapped[list] = mapped_column(JSON, nullable=False)
    answer: Mapped[list] = mapped_column(JSON, nullable=False)
    explanation: Mapped[str | None] = mapped_column(String(1000))
    category: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class QuizAttempt(db.Model):
    """A member's quiz of one day: drawn once, answered once (the one that counts)."""

    __tablename__ = "study_quiz_attempts"
    __table_args__ = (UniqueConstraint("person_id", "day"), Index(None, "day"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    question_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    answers: Mapped[list | None] = mapped_column(JSON)
    correct: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)


class StudyReminderDay(db.Model):
    """A day whose evening reminder went out (so a second run or worker sends nothing)."""

    __tablename__ = "study_reminder_days"
    __table_args__ = (MYSQL_TABLE,)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# --------------------------------------------------------------------------------------------
# Analytics: pre-aggregated by ``analytics.rollup_day`` from the rows above
# --------------------------------------------------------------------------------------------
class StudyDaily(db.Model):
    """What one member (正式/预备党员 in normal status) did on one Beijing day, rolled up from
    the reading sessions, progress, punch-ins, quizzes and points. Only days with activity or
    points have a row. ``org_id`` is the member's party group if they are in one, else their
    org, when the day was rolled up."""

    __tablename__ = "study_daily"
    __table_args__ = (
        UniqueConstraint("person_id", "day"),
        Index(None, "day", "org_id"),
        Index(None, "org_id", "day"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reading_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    materials_studied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    punched: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    quiz_correct: Mapped[int | None] = mapped_column(Integer)
    quiz_total: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StudyOrgWeek(db.Model):
    """One org's week (Monday ``week_start``), over the members whose org it is (not its
    subtree: a subtree's figures are the sum of its orgs' rows). ``members`` is the head count
    when the week was last rolled up; ``active`` the members who studied on any day of it."""

    __tablename__ = "study_org_weeks"
    __table_args__ = (
        UniqueConstraint("org_id", "week_start"),
        Index(None, "week_start"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    week_start: Mapped[date] = mapped_column(Date, nullable=False)
    members: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reading_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    materials_studied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    punch_ins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    quizzes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    quiz_correct: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    quiz_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    points: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StudyPlanOrg(db.Model):
    """How far a published plan's members of one org have got, as of the last rollup: the
    members it covers there and how many have studied all its materials."""

    __tablename__ = "study_plan_orgs"
    __table_args__ = (UniqueConstraint("plan_id", "org_id"), Index(None, "org_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("study_plans.id", ondelete="CASCADE"), nullable=False
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    people: Mapped[int] = mapped_column(Integer, nullable=False)
    complete: Mapped[int] = mapped_column(Integer, nullable=False)


class StudyRollupWeek(db.Model):
    """A week's rollup marker: locked by every rollup of a day of that week (so two workers
    take turns), and when it last ran."""

    __tablename__ = "study_rollup_weeks"
    __table_args__ = (MYSQL_TABLE,)

    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime)
