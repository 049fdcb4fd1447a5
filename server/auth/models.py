from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import MYSQL_TABLE, Timestamps, utcnow
from ..extensions import db
from ..orgs.models import Org
from ..people.models import Person

# Roles an account can be granted. Secretaries and branch committee members usually get their
# role from their party post (see auth.principal) instead.
GRANTABLE_ROLES = {
    "committee_admin",
    "discipline_inspector",
    "system_admin",
    "auditor",
    "secretary",
}


class Account(Timestamps, db.Model):
    """A web-console login. May be linked to a person (a secretary at a desk)."""

    __tablename__ = "accounts"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(50), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person | None] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )


class RoleGrant(db.Model):
    """A role of an account, scoped to an org subtree (NULL org = whole installation)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("account_id", "role", "org_id"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))

    account: Mapped[Account] = relationship(back_populates="grants")
    org: Mapped[Org | None] = relationship()


class WechatBinding(db.Model):
    """One WeChat account ↔ one member, both sides unique."""

    __tablename__ = "wechat_bindings"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True, nullable=False)
    openid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    unionid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # session_key stays on the server (sealed); it is needed later to decrypt wx data.
    session_key_enc: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    bound_via: Mapped[str] = mapped_column(String(20), nullable=False)
    bound_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    person: Mapped[Person] = relationship()


class InviteCode(db.Model):
    """A one-time code a secretary hands to a member to bind their WeChat account."""

    __tablename__ = "invite_codes"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuthSession(db.Model):
    """A server-issued session token (stored as its SHA-256 digest)."""

    __tablename__ = "auth_sessions"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # mini | web
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
