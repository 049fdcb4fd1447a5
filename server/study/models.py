"""Study: daily punch-ins and the points ledger (issue 6, first slice).

- One punch-in per person and day: unique (person_id, day). The day is the Asia/Shanghai
  date; ``streak`` is fixed when the row is made (yesterday's streak + 1, or 1).
- Points are an append-only ledger. Each entry names its source (``punch_in:<id>``…), unique
  per (person, action, source), so a retried award cannot count twice. What a member earned
  by an action today is kept in ``points_daily`` (unique per person, action and day), which an
  award locks, so two awards at the same moment cannot both pass the daily cap.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import MYSQL_TABLE, utcnow
from ..extensions import db


class PunchIn(db.Model):
    __tablename__ = "study_punch_ins"
    __table_args__ = (UniqueConstraint("person_id", "day"), Index(None, "day"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    streak: Mapped[int] = mapped_column(Integer, nullable=False)
    reflection: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class PointsEntry(db.Model):
    __tablename__ = "study_points"
    __table_args__ = (
        UniqueConstraint("person_id", "action", "source"),
        Index(None, "person_id", "day"),
        Index(None, "org_id", "day"),
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
