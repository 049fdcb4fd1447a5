from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import DataCipher, mask_id_number, mask_phone
from ..db_types import MYSQL_TABLE, Timestamps
from ..extensions import db
from ..orgs.models import Org

MEMBER_TYPES = {
    "applicant": "申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "probationary": "预备党员",
    "full": "正式党员",
}
# 预备党员 and 正式党员: the members a branch counts (meetings, study, figures).
PARTY_MEMBER_TYPES = ("probationary", "full")
STATUSES = {
    "normal": "正常",
    "mobile": "流动",
    "lost_contact": "失联",
    "suspended": "停止党籍",
    "left_persuaded": "劝退",
    "left_removed": "除名",
    "left_self": "自行脱党除名",
    "left_withdrew": "退党除名",
    "expelled": "开除党籍",
    "probation_cancelled": "取消预备资格",
    "deceased": "死亡",
}
CATEGORIES = {"student": "学生", "teacher": "教师", "staff": "职工"}
GENDERS = {"male": "男", "female": "女"}
POSTS = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "organization": "组织委员",
    "propaganda": "宣传委员",
    "discipline": "纪检委员",
    "committee_member": "委员",
    "group_leader": "党小组长",
}
# Associated data of the sealed columns: a ciphertext moved to another column will not open.
ID_NUMBER_PURPOSE = "person.id_number"
PHONE_PURPOSE = "person.phone"

# Posts that make someone part of the leading body of their org: they manage its subtree.
MANAGING_POSTS = {"secretary", "deputy_secretary", "organization", "propaganda", "discipline"}


class Person(Timestamps, db.Model):
    """A member or someone in the development pipeline (DOMAIN.md §3).

    ID number and phone are stored sealed (``*_enc``), with a masked copy for display and a
    blind index for uniqueness and exact lookup; the clear value exists only in memory.
    """

    __tablename__ = "people"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[date | None] = mapped_column(Date)
    native_place: Mapped[str | None] = mapped_column(String(100))
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    id_number_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(32))
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary(96))
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    degree: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(10), nullable=False, default="student")
    member_type: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(30), nullable=False, default="normal")
    application_date: Mapped[date | None] = mapped_column(Date)
    activist_date: Mapped[date | None] = mapped_column(Date)
    admission_date: Mapped[date | None] = mapped_column(Date)
    full_membership_date: Mapped[date | None] = mapped_column(Date)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False, index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    introducers: Mapped[str | None] = mapped_column(String(100))
    rewards_punishments: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    org: Mapped[Org] = relationship(foreign_keys=[org_id])
    group: Mapped[Org | None] = relationship(foreign_keys=[group_id])
    posts: Mapped[list[PartyPost]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PartyPost.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once

    def seal_id_number(self, value: str | None, cipher: DataCipher) -> None:
        """Store ``value`` sealed, with its blind index and masked copy (None clears it)."""
        self.id_number_enc = cipher.encrypt(value, ID_NUMBER_PURPOSE)
        self.id_number_index = cipher.blind_index(value, ID_NUMBER_PURPOSE) if value else None
        self.id_number_masked = mask_id_number(value)

    def seal_phone(self, value: str | None, cipher: DataCipher) -> None:
        self.phone_enc = cipher.encrypt(value, PHONE_PURPOSE)
        self.phone_index = cipher.blind_index(value, PHONE_PURPOSE) if value else None
        self.phone_masked = mask_phone(value)

    def phone(self, cipher: DataCipher) -> str | None:
        return cipher.decrypt(self.phone_enc, PHONE_PURPOSE)

    def id_number(self, cipher: DataCipher) -> str | None:
        return cipher.decrypt(self.id_number_enc, ID_NUMBER_PURPOSE)

    @property
    def member_type_label(self) -> str:
        return MEMBER_TYPES.get(self.member_type, self.member_type)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class PartyPost(db.Model):
    """A party post held by a person in an org (书记 of a branch, 委员 of a committee...)."""

    __tablename__ = "party_posts"
    __table_args__ = (UniqueConstraint("person_id", "org_id", "post"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), nullable=False, index=True)
    post: Mapped[str] = mapped_column(String(30), nullable=False)
    since: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="posts")
    # Joined: a post is never shown or used for a role without its org.
    org: Mapped[Org] = relationship(lazy="joined")

    @property
    def post_label(self) -> str:
        return POSTS.get(self.post, self.post)


def counted_members() -> tuple:
    """SQL conditions on Person: a party member (预备/正式) in normal status."""
    return (Person.status == "normal", Person.member_type.in_(PARTY_MEMBER_TYPES))


def in_org(org) -> object:
    """SQL condition on Person (joined to its org): in ``org``'s subtree, or, for a party
    group, in the group (a member's org is their branch; the group is ``group_id``)."""
    if org.type == "group":
        return Person.group_id == org.id
    return Org.path.startswith(org.path)
