"""Who is calling, with which roles, over which part of the org tree.

Roles come from two places: grants on a console account (committee_admin of the committee,
auditor, ...) and party posts (a branch secretary or committee member manages their branch's
subtree; a 纪检委员 is also a discipline inspector there). A scope is a set of org path
prefixes; ``"/"`` means the whole installation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from flask import g, request
from flask_smorest.utils import deepupdate
from sqlalchemy.orm import joinedload, selectinload

from ..crypto import token_digest
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..people.models import MANAGING_POSTS, PartyPost, Person
from .models import Account, AuthSession, RoleGrant

ALL = "/"


@dataclass
class Principal:
    session: AuthSession
    person: Person | None
    account: Account | None
    roles: dict[str, set[str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.account is not None:
            return f"{self.account.display_name}({self.account.username})"
        if self.person is not None:
            return f"{self.person.name}({self.person.staff_no})"
        return "?"

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def scope(self, *roles: str) -> set[str]:
        """Path prefixes the caller may act on under any of ``roles``."""
        prefixes: set[str] = set()
        for role in roles:
            prefixes |= self.roles.get(role, set())
        return prefixes

    def covers(self, path: str | None, *roles: str) -> bool:
        if path is None:
            return False
        return any(path.startswith(prefix) for prefix in self.scope(*roles))


def derive_roles(person: Person | None, account: Account | None) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}

    def add(role: str, prefix: str) -> None:
        roles.setdefault(role, set()).add(prefix)

    if person is not None and person.status == "normal":
        add("member", person.org.path if person.org else ALL)
        for post in person.posts:
            if post.post in MANAGING_POSTS:
                add("secretary", post.org.path)
            if post.post == "discipline":
                add("discipline_inspector", post.org.path)
    if account is not None:
        for grant in account.grants:
            add(grant.role, grant.org.path if grant.org is not None else ALL)
    return roles


def _load_person(person_id: int) -> Person | None:
    return db.session.execute(
        db.select(Person)
        .where(Person.id == person_id)
        .options(
            joinedload(Person.org),
            selectinload(Person.posts).joinedload(PartyPost.org),
        )
    ).scalar_one_or_none()


def authenticate(token: str) -> Principal | None:
    session = db.session.execute(
        db.select(AuthSession).where(AuthSession.token_digest == token_digest(token))
    ).scalar_one_or_none()
    if session is None or session.revoked_at is not None or session.expires_at <= utcnow():
        return None
    account = None
    person = None
    if session.account_id is not None:
        account = db.session.execute(
            db.select(Account)
            .where(Account.id == session.account_id)
            .options(selectinload(Account.grants).selectinload(RoleGrant.org))
        ).scalar_one_or_none()
        if account is None or not account.is_active:
            return None
        if account.person_id is not None:
            person = _load_person(account.person_id)
    elif session.person_id is not None:
        person = _load_person(session.person_id)
        if person is None:
            return None
    return Principal(session, person, account, derive_roles(person, account))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current() -> Principal:
    return g.principal


def finish_transaction() -> None:
    """Commit the request's work together with its audit entries (Indico style: services
    only flush; the request commits once)."""
    from ..audit.services import flush_pending

    flush_pending()
    db.session.commit()


PUBLIC = "public"


def allow(*roles: str):
    """Declare who may call an endpoint. ``allow("public")`` needs no login; otherwise the
    caller must be logged in and hold one of ``roles`` (object scope is checked in services).

    Apply directly under ``@blp.route`` so the check runs before input parsing, and the roles
    appear in the OpenAPI document as ``x-roles``.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.principal = None
            if roles != (PUBLIC,):
                token = bearer_token()
                principal = authenticate(token) if token else None
                if principal is None:
                    raise ApiError(401, "unauthenticated", "请先登录或登录已过期")
                g.principal = principal
                if not principal.has(*roles):
                    raise ApiError(403, "forbidden", "当前角色无权执行此操作")
            result = view(*args, **kwargs)
            finish_transaction()
            return result

        doc = {"x-roles": list(roles)}
        if roles != (PUBLIC,):
            doc["security"] = [{"bearerAuth": []}]
            doc["responses"] = {
                "401": {"$ref": "#/components/responses/ApiError"},
                "403": {"$ref": "#/components/responses/ApiError"},
            }
        wrapper._apidoc = deepupdate(getattr(wrapper, "_apidoc", {}), {"manual_doc": doc})
        return wrapper

    return decorator
