"""The content review queue: what users wrote that the check flagged, held back from others
until an administrator decides. One row per piece of content (unique kind and id), so a
retried check holds it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import MYSQL_TABLE, utcnow
from ..extensions import db

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
REVIEW_STATUSES = {PENDING: "待审核", APPROVED: "已通过", REJECTED: "未通过"}


class ContentReview(db.Model):
    __tablename__ = "content_reviews"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index(None, "status", "created_at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    content: Mapped[str] = mapped_column(Text, nullable=False)
    reasons: Mapped[list] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(String(500))
