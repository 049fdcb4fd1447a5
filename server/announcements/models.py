"""Announcements (公告, 党务公开): a standing notice board with audiences, pinning and read
receipts.

- An announcement belongs to the org that publishes it; its audience is everyone (``public``,
  also on the no-login portal), the members of that org's subtree (``members``) or the holders
  of some party posts within it (``roles``).
- The body is HTML sanitised when saved (what is stored is what any page may show); the summary
  is the first characters of its text.
- One read receipt per announcement and person: unique (announcement_id, person_id), so a
  second view, however simultaneous, records nothing new and the first read time stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import MYSQL_TABLE, Timestamps, utcnow
from ..extensions import db
from ..orgs.models import Org

PUBLIC, MEMBERS, ROLES = "public", "members", "roles"
AUDIENCES = {PUBLIC: "公开", MEMBERS: "全体党员", ROLES: "指定职务"}
DRAFT, PENDING_REVIEW, PUBLISHED, REJECTED, WITHDRAWN = (
    "draft", "pending_review", "published", "rejected", "withdrawn",
)  # fmt: skip
STATUSES = {
    DRAFT: "草稿",
    PENDING_REVIEW: "审核中",
    PUBLISHED: "已发布",
    REJECTED: "未通过审核",
    WITHDRAWN: "已撤回",
}
TITLE_MAX, BODY_MAX, SUMMARY_CHARS = 100, 20_000, 120


def encode_roles(values: list[str]) -> str:
    """The stored form of a roles list: "|secretary|discipline|" (each once), "" for none."""
    unique = list(dict.fromkeys(v for v in values if v))
    return f"|{'|'.join(unique)}|" if unique else ""


class Announcement(Timestamps, db.Model):
    __tablename__ = "announcements"
    __table_args__ = (
        # The lists: published ones (of an audience), pinned first, newest first.
        Index(None, "status", "audience", "pinned", "published_at"),
        Index(None, "org_id", "status"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    # 20,000 characters of utf8mb4 may exceed TEXT's 64 KB: MEDIUMTEXT on MySQL.
    body_html: Mapped[str] = mapped_column(
        Text().with_variant(mysql.MEDIUMTEXT(), "mysql"), nullable=False
    )
    summary: Mapped[str] = mapped_column(String(SUMMARY_CHARS + 1), nullable=False, default="")
    audience: Mapped[str] = mapped_column(String(10), nullable=False)
    # "|secretary|discipline|": the roles audience is one LIKE '%|secretary|%' per post the
    # reader holds (post keys hold no "|"); the API shows it as a list.
    roles_text: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=DRAFT)
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    author_label: Mapped[str] = mapped_column(String(100), nullable=False)
    # The first publication; kept when the announcement is withdrawn and published again, so
    # its place in the lists and its one notification do not repeat.
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)

    @property
    def roles(self) -> list[str]:
        return [r for r in self.roles_text.split("|") if r]

    @roles.setter
    def roles(self, values: list[str]) -> None:
        self.roles_text = encode_roles(values)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class AnnouncementRead(db.Model):
    """A read receipt: ``person_id`` opened the announcement (first at ``read_at``)."""

    __tablename__ = "announcement_reads"
    __table_args__ = (
        UniqueConstraint("announcement_id", "person_id"),
        Index(None, "person_id"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    read_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
