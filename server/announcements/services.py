"""Announcements: writing, publishing (through the content check), who may read what, read
receipts. Services flush; ``@allow`` commits.

- Who writes: secretaries and committee admins over the publishing org (its subtree); a
  branch secretary publishes for their own branch, 党务公开 included. Others get 403 (no
  managing role) or 404 (an org or announcement outside their scope).
- Who reads: ``public`` — everyone, the no-login portal too; ``members`` — people in normal
  status whose org is the publishing org or below it (or who are in it, a party group);
  ``roles`` — people in normal status holding one of the listed party posts in an org at or
  below the publishing org. Managers of the publishing org also see its drafts, held, rejected
  and withdrawn ones. Anything else is 404.
- Publishing passes the title and the body's text through ``safety.check``. Flagged, the
  announcement waits in the review queue (``pending_review``) and is published when a committee
  admin approves it, or becomes ``rejected``.
- Status changes are conditional UPDATEs of the status that was read, so two managers (or a
  manager and the reviewer) acting at once cannot both win: the loser gets 409.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased

from ..audit import services as audit
from ..db_types import insert_ignoring_duplicates, utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import notify
from ..orgs import services as org_services
from ..orgs.models import Org
from ..people.models import POSTS, PartyPost, Person
from ..safety import services as safety
from ..safety.models import PENDING, ContentReview
from ..schemas import page_result
from ..study.materials import sanitize
from .models import (
    AUDIENCES,
    BODY_MAX,
    DRAFT,
    MEMBERS,
    PENDING_REVIEW,
    PUBLIC,
    PUBLISHED,
    REJECTED,
    ROLES,
    SUMMARY_CHARS,
    WITHDRAWN,
    Announcement,
    AnnouncementRead,
    encode_roles,
)

MANAGE_ROLES = ("secretary", "committee_admin")


def _now():
    return utcnow().replace(microsecond=0)  # what DATETIME keeps: answers match re-reads


REVIEW_KIND = "announcement"  # the kind of content the review queue holds
NOTIFY_KIND = "announcement"


# -- text ------------------------------------------------------------------------------------
class _TextParser(HTMLParser):
    """The text of (sanitised) HTML; block elements separate words."""

    BLOCKS = frozenset(
        ("p", "br", "h1", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "table", "thead",
         "tbody", "tr", "th", "td", "hr", "figure", "figcaption")
    )  # fmt: skip

    def __init__(self, attributes: bool):
        super().__init__(convert_charrefs=True)
        self.attributes = attributes
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(" ")
        if self.attributes:
            # What readers also see: an image's alt text, a link's tooltip.
            self.parts.extend(
                f" {value} " for name, value in attrs if name in ("alt", "title") and value
            )

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str, *, attributes: bool = False) -> str:
    """The words of ``html`` on one line; with ``attributes`` also its alt and title texts."""
    parser = _TextParser(attributes)
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def summary_of(body_html: str) -> str:
    text = plain_text(body_html)
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"


def _body(raw: str) -> str:
    body = sanitize(raw).strip()
    if not body:
        raise ApiError(422, "body_required", "公告正文清理后为空", {"body": ["不能为空"]})
    if len(body) > BODY_MAX:
        # Escaping can lengthen what was sent ("<" becomes "&lt;").
        raise ApiError(
            422, "body_too_long", f"公告正文过长（清理后超过 {BODY_MAX} 字符）",
            {"body": [f"不能超过 {BODY_MAX} 个字符"]},
        )  # fmt: skip
    return body


def checked_text(title: str, body_html: str) -> str:
    """What the content check reads: the title and everything the body shows."""
    return f"{title}\n{plain_text(body_html, attributes=True)}"


def _roles(audience: str, roles: list[str] | None) -> list[str]:
    if audience != ROLES:
        return []
    if not roles:
        raise ApiError(
            422, "roles_required", "按职务发布须选择至少一个党内职务", {"roles": ["不能为空"]}
        )
    return roles


# -- scope -----------------------------------------------------------------------------------
def can_manage(announcement: Announcement, principal) -> bool:
    return principal.covers(announcement.org.path, *MANAGE_ROLES)


def in_audience(announcement: Announcement, person: Person | None) -> bool:
    """Whether ``person`` is among those the announcement is for (see ``audience``)."""
    if announcement.audience == PUBLIC:
        return True
    if person is None or person.status != "normal":
        return False
    if announcement.audience == MEMBERS:
        return (
            announcement.org_id in person.org.ancestor_ids or person.group_id == announcement.org_id
        )
    wanted = set(announcement.roles)
    return any(
        post.post in wanted and announcement.org_id in post.org.ancestor_ids
        for post in person.posts
    )


def _for_reader(person: Person | None):
    """SQL on Announcement: the ones whose audience includes ``person`` (``in_audience``)."""
    conditions = [Announcement.audience == PUBLIC]
    if person is not None and person.status == "normal":
        orgs = person.org.ancestor_ids + ([person.group_id] if person.group_id else [])
        conditions.append((Announcement.audience == MEMBERS) & Announcement.org_id.in_(orgs))
        for post in person.posts:
            conditions.append(
                (Announcement.audience == ROLES)
                & Announcement.org_id.in_(post.org.ancestor_ids)
                & Announcement.roles_text.contains(f"|{post.post}|", autoescape=True)
            )
    return or_(*conditions)


def audience(announcement: Announcement):
    """SELECT of the people the announcement is for, with their org (joined as ``Org``).
    A public announcement's people are those of the publishing org's subtree: they are whom
    its read receipts report on (anyone else reading it is not counted)."""
    org = announcement.org
    query = select(Person.id).join(Org, Org.id == Person.org_id).where(Person.status == "normal")
    if announcement.audience == ROLES:
        post_org = aliased(Org)
        holders = (
            select(PartyPost.person_id)
            .join(post_org, post_org.id == PartyPost.org_id)
            .where(post_org.path.startswith(org.path), PartyPost.post.in_(announcement.roles))
        )
        return query.where(Person.id.in_(holders))
    return query.where(or_(Org.path.startswith(org.path), Person.group_id == org.id))


def get_visible(announcement_id: int, principal) -> Announcement:
    found = db.session.get(Announcement, announcement_id)
    if found is None or not (
        can_manage(found, principal)
        or (found.status == PUBLISHED and in_audience(found, principal.person))
    ):
        raise ApiError(404, "not_found", "公告不存在")
    return found


def get_managed(announcement_id: int, principal) -> Announcement:
    found = get_visible(announcement_id, principal)
    if not can_manage(found, principal):
        raise ApiError(403, "not_manager", "只有发布组织的书记或党委管理员可以管理该公告")
    return found


# -- writing and publishing ------------------------------------------------------------------
def create(data: dict, principal) -> Announcement:
    org = org_services.get_visible(data["org_id"], principal, MANAGE_ROLES)
    roles = _roles(data["audience"], data.get("roles"))
    body = _body(data["body"])
    text = checked_text(data["title"], body)
    # Checked before the row exists: WeChat's check is a request to WeChat, not to be made
    # while holding a lock.
    reasons = safety.check(text, principal.person_id) if data["publish"] else []
    status = DRAFT if not data["publish"] else PENDING_REVIEW if reasons else PUBLISHED
    announcement = Announcement(
        org=org,
        title=data["title"],
        body_html=body,
        summary=summary_of(body),
        audience=data["audience"],
        pinned=data["pinned"],
        status=status,
        author_person_id=principal.person_id,
        author_account_id=principal.account.id if principal.account else None,
        author_label=principal.label[:100],
        published_at=_now() if status == PUBLISHED else None,
    )
    announcement.roles = roles
    db.session.add(announcement)
    db.session.flush()
    audit.record(
        "announcement.create", "announcement", announcement.id, org.id,
        {"audience": announcement.audience, "roles": roles, "status": status},
    )  # fmt: skip
    if status == PENDING_REVIEW:
        _hold(announcement, text, reasons, principal.person_id)
    elif status == PUBLISHED:
        _announce(announcement, principal)
    return announcement


def _changed(announcement: Announcement, allowed: tuple[str, ...], **values) -> bool:
    """Apply ``values`` if the status is still one of ``allowed`` (a conditional UPDATE: of
    two changes at once, one wins); whether it was applied."""
    changed = db.session.execute(
        update(Announcement)
        .where(Announcement.id == announcement.id, Announcement.status.in_(allowed))
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed == 1:
        db.session.refresh(announcement)
    return changed == 1


def _transition(announcement: Announcement, allowed: tuple[str, ...], **values) -> None:
    """``_changed``, or 409 if someone changed the status meanwhile."""
    if not _changed(announcement, allowed, **values):
        raise ApiError(409, "state_changed", "公告状态已被他人修改，请刷新后重试")


def update_content(announcement: Announcement, data: dict, principal) -> Announcement:
    """Change the title, body, audience or pinning. A published announcement whose title or
    body changes is checked again; flagged, it is held (hidden) until approved."""
    entry = audit.record(
        "announcement.update", "announcement", announcement.id, announcement.org_id
    )
    if announcement.status == PENDING_REVIEW:
        raise ApiError(409, "under_review", "公告正在审核中，审核结束前不能修改")
    values: dict = {}
    if "title" in data and data["title"] != announcement.title:
        values["title"] = data["title"]
    if "body" in data:
        body = _body(data["body"])
        if body != announcement.body_html:
            values["body_html"], values["summary"] = body, summary_of(body)
    if "pinned" in data and data["pinned"] != announcement.pinned:
        values["pinned"] = data["pinned"]
    audience_ = data.get("audience", announcement.audience)
    roles_text = encode_roles(_roles(audience_, data.get("roles", announcement.roles)))
    if audience_ != announcement.audience:
        values["audience"] = audience_
    if roles_text != announcement.roles_text:
        values["roles_text"] = roles_text
    if not values:
        entry.detail = {"fields": []}
        return announcement
    text, reasons = None, []
    if announcement.status == PUBLISHED and ("title" in values or "body_html" in values):
        text = checked_text(
            values.get("title", announcement.title),
            values.get("body_html", announcement.body_html),
        )
        reasons = safety.check(text, principal.person_id)
        if reasons:
            values["status"] = PENDING_REVIEW
    entry.detail = {"fields": sorted(values), **({"status": PENDING_REVIEW} if reasons else {})}
    _transition(announcement, (announcement.status,), **values)
    if reasons:
        _hold(announcement, text, reasons, principal.person_id)
    return announcement


def publish(announcement: Announcement, principal) -> Announcement:
    """Publish a draft (or a rejected or withdrawn announcement, perhaps edited since): checked
    first, so it is published or held for review. Publishing a published one changes nothing."""
    if announcement.status == PUBLISHED:
        return announcement
    entry = audit.record(
        "announcement.publish", "announcement", announcement.id, announcement.org_id
    )
    if announcement.status == PENDING_REVIEW:
        raise ApiError(409, "under_review", "公告正在审核中，审核通过后将自动发布")
    text = checked_text(announcement.title, announcement.body_html)
    reasons = safety.check(text, principal.person_id)
    status = PENDING_REVIEW if reasons else PUBLISHED
    entry.detail = {"status": status}
    first = announcement.published_at is None
    values = {"status": status, "withdrawn_at": None}
    if status == PUBLISHED:
        values["published_at"] = func.coalesce(Announcement.published_at, _now())
    _transition(announcement, (announcement.status,), **values)
    if reasons:
        _hold(announcement, text, reasons, principal.person_id)
    elif first:
        _announce(announcement, principal)
    return announcement


def withdraw(announcement: Announcement, principal) -> Announcement:
    """Take a published (or held) announcement down; it can be edited and published again."""
    audit.record("announcement.withdraw", "announcement", announcement.id, announcement.org_id)
    if announcement.status not in (PUBLISHED, PENDING_REVIEW):
        raise ApiError(409, "not_published", "只有已发布或审核中的公告可以撤回")
    _transition(announcement, (PUBLISHED, PENDING_REVIEW), status=WITHDRAWN, withdrawn_at=_now())
    return announcement


def _hold(announcement: Announcement, text: str, reasons: list[dict], person_id) -> None:
    review = safety.hold(
        REVIEW_KIND, announcement.id, text, reasons, announcement.org_id, person_id
    )
    if review.status != PENDING or review.content != text:
        # The queue keeps one row per kind and id: an announcement held again (edited after a
        # decision, or published again) reopens its row with the new text. The earlier
        # decision stays in the audit log (safety.review.decide).
        db.session.execute(
            update(ContentReview)
            .where(ContentReview.id == review.id)
            .values(
                status=PENDING,
                content=text,
                reasons=reasons,
                person_id=person_id,
                created_at=utcnow(),
                decided_at=None,
                decided_by=None,
                comment=None,
            )
            .execution_options(synchronize_session=False)
        )


@safety.on_decision(REVIEW_KIND, "公告")
def _review_decided(announcement_id: int, approved: bool) -> None:
    """Approved: the held announcement is published (the audience is told if it is its first
    publication); rejected: it stays hidden, ``rejected``. One withdrawn meanwhile stays so."""
    found = db.session.get(Announcement, announcement_id)
    if found is None or found.status != PENDING_REVIEW:
        return
    first = found.published_at is None
    values = {"status": PUBLISHED if approved else REJECTED}
    if approved:
        values["published_at"] = func.coalesce(Announcement.published_at, _now())
    if not _changed(found, (PENDING_REVIEW,), **values):
        return
    audit.record(
        "announcement.review", "announcement", found.id, found.org_id, {"approved": approved}
    )
    if approved and first:
        _announce(found, None)


def _announce(announcement: Announcement, sender) -> None:
    """Tell a members' or roles' announcement's audience, in their inbox and on WeChat (public
    ones are on the portal and in everyone's list; they are not pushed to everyone)."""
    if announcement.audience == PUBLIC:
        return
    people = [
        pid
        for pid in db.session.scalars(audience(announcement))
        if pid != announcement.author_person_id
    ]
    if people:
        notify(
            NOTIFY_KIND,
            people,
            {
                "title": announcement.title,
                "org_name": announcement.org.name,
                "summary": announcement.summary or announcement.title,
                "published_at": announcement.published_at,
                "announcement_id": announcement.id,
            },
            org_id=announcement.org_id,
            sender=sender,
        )


# -- reading ---------------------------------------------------------------------------------
def record_read(announcement: Announcement, person_id: int) -> None:
    """The caller's read receipt, once: a later or simultaneous view keeps the first time.
    A plain read first spares the write on every later view; the insert settles a race on
    the unique key (no locking read of a missing row, which would take a gap lock)."""
    seen = db.session.scalar(
        select(AnnouncementRead.id).where(
            AnnouncementRead.announcement_id == announcement.id,
            AnnouncementRead.person_id == person_id,
        )
    )
    if seen is None:
        # On MySQL an ON DUPLICATE KEY no-op: it takes the exclusive lock at once, so parallel
        # duplicates queue instead of deadlocking.
        db.session.execute(
            insert_ignoring_duplicates(AnnouncementRead),
            [{"announcement_id": announcement.id, "person_id": person_id, "read_at": _now()}],
        )


def read_ids(person_id: int | None, ids: list[int]) -> set[int]:
    if person_id is None or not ids:
        return set()
    return set(
        db.session.scalars(
            select(AnnouncementRead.announcement_id).where(
                AnnouncementRead.person_id == person_id,
                AnnouncementRead.announcement_id.in_(ids),
            )
        )
    )


def open_for(announcement_id: int, principal) -> dict:
    """The announcement as the caller sees it; reading it records their receipt if it is for
    them."""
    found = get_visible(announcement_id, principal)
    person = principal.person
    if person is not None and found.status == PUBLISHED and in_audience(found, person):
        record_read(found, person.id)
        return view(found, principal, read=True)
    return view(found, principal)


def _order(query):
    return query.order_by(
        Announcement.pinned.desc(), Announcement.published_at.desc(), Announcement.id.desc()
    )


def listing(principal, page: int, per_page: int) -> dict:
    """The published announcements for the caller (public ones included), pinned first, then
    newest first."""
    query = select(Announcement).where(
        Announcement.status == PUBLISHED, _for_reader(principal.person)
    )
    result = page_result(db.paginate(_order(query), page=page, per_page=per_page, error_out=False))
    read = read_ids(principal.person_id, [a.id for a in result["items"]])
    result["items"] = [item(a, a.id in read) for a in result["items"]]
    return result


def managed(principal, status: str | None, page: int, per_page: int) -> dict:
    """Every announcement of the orgs the caller manages, newest first, with its reading
    figures."""
    scope = principal.scope(*MANAGE_ROLES)
    query = select(Announcement).join(Org, Org.id == Announcement.org_id)
    if "/" not in scope:
        query = query.where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
    if status:
        query = query.where(Announcement.status == status)
    query = query.order_by(Announcement.created_at.desc(), Announcement.id.desc())
    result = page_result(db.paginate(query, page=page, per_page=per_page, error_out=False))
    figures = counts(result["items"])
    result["items"] = [
        {
            **item(found, False),
            "roles": found.roles,
            "status": found.status,
            "status_label": found.status_label,
            "author": found.author_label,
            "withdrawn_at": found.withdrawn_at,
            "created_at": found.created_at,
            "updated_at": found.updated_at,
            "audience_size": figures[found.id][0],
            "read_count": figures[found.id][1],
        }
        for found in result["items"]
    ]
    return result


def counts(announcements: list[Announcement]) -> dict[int, tuple[int, int]]:
    """Per announcement id: (people in the audience, how many of them have read it). Two
    queries per distinct audience, not per announcement: the audience depends only on the
    publishing org and, for ``roles``, the posts (a page of one org's announcements mostly
    shares one or two)."""
    alike: dict[tuple[int, str], list[Announcement]] = defaultdict(list)
    for found in announcements:
        alike[found.org_id, found.roles_text if found.audience == ROLES else ""].append(found)
    figures = {}
    for same in alike.values():
        people = audience(same[0])
        ids = [found.id for found in same]
        size = db.session.scalar(select(func.count()).select_from(people.subquery()))
        read = dict(
            db.session.execute(
                select(AnnouncementRead.announcement_id, func.count())
                .where(
                    AnnouncementRead.announcement_id.in_(ids),
                    AnnouncementRead.person_id.in_(people),
                )
                .group_by(AnnouncementRead.announcement_id)
            ).all()
        )
        figures.update((i, (size, read.get(i, 0))) for i in ids)
    return figures


def receipts(announcement: Announcement, state: str, page: int, per_page: int) -> dict:
    """Who of the audience has read it (latest first) or not (by org and name), a page."""
    size, read_count = counts([announcement])[announcement.id]
    reads = AnnouncementRead.__table__
    query = audience(announcement).add_columns(Person.name, Org.name.label("org_name"))
    if state == "read":
        query = query.add_columns(reads.c.read_at).join(
            reads,
            (reads.c.person_id == Person.id) & (reads.c.announcement_id == announcement.id),
        )
        query = query.order_by(reads.c.read_at.desc(), Person.id)
        total = read_count
    else:
        query = query.outerjoin(
            reads,
            (reads.c.person_id == Person.id) & (reads.c.announcement_id == announcement.id),
        ).where(reads.c.id.is_(None))
        query = query.add_columns(reads.c.read_at).order_by(Org.path, Person.name, Person.id)
        total = size - read_count
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "audience_size": size,
        "read_count": read_count,
        "items": [
            {"person_id": r.id, "name": r.name, "org_name": r.org_name, "read_at": r.read_at}
            for r in rows
        ],
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": -(-total // per_page),
        },
    }


# -- shapes ----------------------------------------------------------------------------------
def item(announcement: Announcement, read: bool) -> dict:
    return {
        "id": announcement.id,
        "title": announcement.title,
        "summary": announcement.summary,
        "org_id": announcement.org_id,
        "org_name": announcement.org.name,
        "audience": announcement.audience,
        "pinned": announcement.pinned,
        "published_at": announcement.published_at,
        "read": read,
    }


def view(announcement: Announcement, principal, read: bool | None = None) -> dict:
    """The announcement for ``principal``; ``read`` looked up unless the caller knows it."""
    manager = can_manage(announcement, principal)
    if read is None:
        read = bool(read_ids(principal.person_id, [announcement.id]))
    return {
        **item(announcement, read),
        "body": announcement.body_html,
        "audience_label": AUDIENCES.get(announcement.audience, announcement.audience),
        "roles": announcement.roles,
        "role_labels": [POSTS.get(r, r) for r in announcement.roles],
        "status": announcement.status,
        "status_label": announcement.status_label,
        "withdrawn_at": announcement.withdrawn_at,
        "author": announcement.author_label if manager else None,
        "can_manage": manager,
    }


# -- the public portal -----------------------------------------------------------------------
def _public():
    return select(Announcement).where(
        Announcement.status == PUBLISHED, Announcement.audience == PUBLIC
    )


def portal_page(page: int, per_page: int):
    return db.paginate(_order(_public()), page=page, per_page=per_page, error_out=False)


def portal_get(announcement_id: int) -> Announcement | None:
    return db.session.scalars(_public().where(Announcement.id == announcement_id)).one_or_none()


def feed(limit: int) -> list[Announcement]:
    """The newest public announcements (a feed is by date: pinning does not apply)."""
    query = _public().order_by(Announcement.published_at.desc(), Announcement.id.desc())
    return list(db.session.scalars(query.limit(limit)))
