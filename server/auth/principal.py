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
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..crypto import token_digest
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..people.models import MANAGING_POSTS, Person
from .models import Account, AuthSession, RoleGrant

ALL = "/"


_UNLOADED = object()


@dataclass
class Principal:
    """The caller. ``session`` and ``person`` may be loaded on first use (see ``lean`` in
    ``allow``): a check-in needs only the person's id and status."""

    _session: AuthSession | int  # the row, or its id until someone needs the row
    _person: Person | object | None  # _UNLOADED until needed
    account: Account | None
    person_id: int | None = None
    person_status: str | None = None
    # Derived on first use: a member-only endpoint (the check-in) never loads posts or grants.
    _roles: dict[str, set[str]] | None = field(default=None, repr=False)

    @property
    def session(self) -> AuthSession:
        if not isinstance(self._session, AuthSession):
            self._session = db.session.get(AuthSession, self._session)
        return self._session

    @property
    def person(self) -> Person | None:
        if self._person is _UNLOADED:
            self._person = _load_person(self.person_id)
        return self._person

    @property
    def roles(self) -> dict[str, set[str]]:
        if self._roles is None:
            self._roles = derive_roles(self.person, self.account)
        return self._roles

    @property
    def label(self) -> str:
        if self.account is not None:
            return f"{self.account.display_name}({self.account.username})"
        if self.person is not None:
            return f"{self.person.name}({self.person.staff_no})"
        return "?"

    def member(self) -> Person:
        """The caller's member record; 403 ``no_member`` for an account without one."""
        if self.person is None:
            raise ApiError(403, "no_member", "该账号未关联党员档案")
        return self.person

    def has(self, *roles: str) -> bool:
        # "member" depends on the person's status alone (see derive_roles).
        if "member" in roles and self.person_id is not None and self.person_status == "normal":
            return True
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
        db.select(Person).where(Person.id == person_id).options(joinedload(Person.org))
    ).scalar_one_or_none()


# Table columns, not ORM attributes: a Core statement skips the ORM's per-query work.
_sessions, _people = AuthSession.__table__, Person.__table__
_LEAN_QUERY = (
    db.select(
        _sessions.c.id,
        _sessions.c.account_id,
        _sessions.c.person_id,
        _sessions.c.expires_at,
        _sessions.c.revoked_at,
        _people.c.status,
    )
    .select_from(_sessions.outerjoin(_people, _people.c.id == _sessions.c.person_id))
    .where(_sessions.c.token_digest == db.bindparam("digest"))
)


# The person id of a live mini-program session whose person is a member in normal status, NULL
# for any other token: the sessions ``authenticate(lean=True)`` answers without loading anything
# and ``has("member")`` admits (a console session, which may also be a member's, is not one of
# them). Placed inside an endpoint's own statement by ``PendingCaller``.
MEMBER_OF_SESSION = (
    db.select(_sessions.c.person_id)
    .join(_people, _people.c.id == _sessions.c.person_id)
    .where(
        _sessions.c.token_digest == db.bindparam("session_digest"),
        _sessions.c.revoked_at.is_(None),
        _sessions.c.expires_at > db.bindparam("session_now"),
        _sessions.c.account_id.is_(None),
        _people.c.status == "normal",
    )
    .scalar_subquery()
)


def authenticate(token: str, *, lean: bool = False) -> Principal | None:
    """The session's caller, or None. ``lean``: a mini-program session is checked with one
    narrow query and its person loaded only if used (the check-in's hot path)."""
    digest = token_digest(token)
    if lean:
        row = db.session.execute(_LEAN_QUERY, {"digest": digest}).first()
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            return None
        if row.account_id is None:
            if row.status is None:
                return None
            return Principal(row.id, _UNLOADED, None, row.person_id, row.status)
    # One query for a mini-program session: the session, its person and the person's org.
    # Posts (PartyPost.org is joined) load only when a role beyond "member" is asked for.
    found = db.session.execute(
        db.select(AuthSession, Person)
        .outerjoin(Person, Person.id == AuthSession.person_id)
        .outerjoin(Person.org)
        .options(contains_eager(Person.org))
        .where(AuthSession.token_digest == digest)
    ).first()
    if found is None:
        return None
    session, person = found
    if session.revoked_at is not None or session.expires_at <= utcnow():
        return None
    account = None
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
    elif session.person_id is not None and person is None:
        return None
    return Principal(
        session,
        person,
        account,
        person.id if person is not None else None,
        person.status if person is not None else None,
    )


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current() -> Principal:
    principal = g.principal
    if isinstance(principal, PendingCaller):
        return principal.principal
    return principal


def pending_caller() -> PendingCaller:
    """The caller of an ``allow(..., pending=True)`` endpoint, its session maybe not read yet."""
    return g.principal


def admit(principal: Principal | None, roles: tuple[str, ...]) -> Principal:
    """``principal`` if it may call an endpoint open to ``roles``; else 401 or 403."""
    if principal is None:
        raise ApiError(401, "unauthenticated", "请先登录或登录已过期")
    if not principal.has(*roles):
        raise ApiError(403, "forbidden", "当前角色无权执行此操作")
    return principal


class PendingCaller:
    """The caller of an ``allow("member", pending=True)`` endpoint: a bearer token, checked
    either by the endpoint's own statement or, failing that, as ``allow`` checks any token.

    The statement puts ``MEMBER_OF_SESSION`` where the caller's person id goes and passes
    ``session_params()``; when it finds or inserts a row through it, the session was a
    member's: ``confirm()``. That saves the session query on the check-in's hot path. Whatever
    reads ``principal`` or ``person_id`` (``current()`` too) authenticates the token the usual
    way, and ``allow`` does so itself before it commits if nothing confirmed it, and before an
    error answer leaves: a bad token is a 401 whatever the endpoint found.
    """

    __slots__ = ("_digest", "_principal", "_roles", "_token", "confirmed")

    def __init__(self, token: str, roles: tuple[str, ...]):
        self._token = token
        self._digest = token_digest(token)
        self._roles = roles
        self._principal: Principal | None = None
        self.confirmed = False

    @property
    def known(self) -> bool:
        """Has the session been read (``person_id`` costs no query)?"""
        return self._principal is not None

    @property
    def verified(self) -> bool:
        return self.confirmed or self._principal is not None

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            self._principal = admit(authenticate(self._token, lean=True), self._roles)
        return self._principal

    @property
    def person_id(self) -> int | None:
        return self.principal.person_id

    def session_params(self) -> dict:
        """The parameters of ``MEMBER_OF_SESSION``."""
        return {"session_digest": self._digest, "session_now": utcnow()}

    def confirm(self) -> None:
        """The endpoint's statement matched a row through ``MEMBER_OF_SESSION``."""
        self.confirmed = True

    def check(self) -> None:
        if not self.verified:
            self.principal  # noqa: B018 - authenticates, or raises 401/403


def finish_transaction() -> None:
    """Commit the request's work together with its audit entries (Indico style: services
    only flush; the request commits once)."""
    from ..audit.services import flush_pending

    flush_pending()
    db.session.commit()


PUBLIC = "public"


def allow(*roles: str, lean: bool = False, pending: bool = False):
    """Declare who may call an endpoint. ``allow("public")`` needs no login; otherwise the
    caller must be logged in and hold one of ``roles`` (object scope is checked in services).
    ``lean``: load the caller's person only if the endpoint uses it (see ``authenticate``).
    ``pending`` (members only): the endpoint may check the session inside its own statement
    (see ``PendingCaller``); ``allow`` checks it otherwise, before committing and before any
    error answer, so a caller without a member's session still only ever gets 401/403.

    Apply directly under ``@blp.route`` so the check runs before input parsing, and the roles
    appear in the OpenAPI document as ``x-roles``.
    """
    if pending and roles != ("member",):
        raise ValueError("pending=True checks a member's session: allow('member') only")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.principal = None
            if roles != (PUBLIC,):
                token = bearer_token()
                if pending and token:
                    return _call_pending(PendingCaller(token, roles), view, args, kwargs)
                g.principal = admit(authenticate(token, lean=lean) if token else None, roles)
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


def _call_pending(caller: PendingCaller, view, args, kwargs):
    g.principal = caller
    try:
        result = view(*args, **kwargs)
    except Exception:
        if not caller.verified:
            # The request fails either way; a 401/403 takes precedence over what the endpoint
            # found. The token is read on a fresh transaction (a failed flush spoils the old).
            db.session.rollback()
            caller.check()
        raise
    caller.check()
    finish_transaction()
    return result
