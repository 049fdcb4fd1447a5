"""The content check and the review queue.

``check(text)`` runs the local word filter (``words.py``) and returns the reasons to hold the
text back (empty: it may be shown). ``hold`` puts flagged content in the queue; the feature
that owns the content registers, per kind, what a decision does (``on_decision``): a punch-in
reflection becomes visible to others when approved and stays hidden when rejected.

Administrators (committee admins, over the author's org) list the queue and decide. A decision
is a conditional UPDATE of a pending row, so of two at once one wins (409 for the other), and
it is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..auth.models import WechatBinding
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, wechat
from ..orgs.models import Org
from ..people.models import Person
from ..schemas import page_result
from ..wechat.gateway import WeChatError
from . import words
from .models import APPROVED, PENDING, REJECTED, ContentReview

log = logging.getLogger(__name__)
SCENE_COMMENT = 2  # msg_sec_check's scenes: 1 profile, 2 comment, 3 forum, 4 social log

REVIEW_ROLES = ("committee_admin",)
KINDS: dict[str, tuple[str, Callable[[int, bool], None]]] = {}


def on_decision(kind: str, label: str):
    """Register what deciding on content of ``kind`` does: ``action(object_id, approved)``."""

    def register(action: Callable[[int, bool], None]):
        KINDS[kind] = (label, action)
        return action

    return register


def word_filter() -> words.WordFilter:
    settings = current_app.config["SAFETY"]
    return words.load(settings["words_file"], settings["allow_file"])


def check(text: str | None, person_id: int | None = None) -> list[dict]:
    """Why ``text`` must wait for review: ``[{source, word, excerpt}]`` from the word filter,
    and, with ``[safety] wechat_check`` on, ``{source: "wechat", suggest, label}`` when
    WeChat's msg_sec_check does not say pass (for an author with a mini-program openid). Empty
    if it may be shown. If WeChat cannot be asked, the word filter alone decides (logged)."""
    if not text:
        return []
    reasons = [
        {"source": "words", "word": m.word, "excerpt": m.snippet(text)}
        for m in word_filter().find(text)
    ]
    if current_app.config["SAFETY"]["wechat_check"] and person_id is not None:
        verdict = _wechat_check(text, person_id)
        if verdict is not None and verdict["suggest"] != "pass":
            reasons.append({"source": "wechat", **verdict})
    return reasons


def _wechat_check(text: str, person_id: int) -> dict | None:
    openid = db.session.scalar(
        select(WechatBinding.openid).where(WechatBinding.person_id == person_id)
    )
    if openid is None:
        return None
    try:
        return wechat.msg_sec_check(openid, text, SCENE_COMMENT)
    except WeChatError as exc:
        log.warning("msg_sec_check failed (%s %s): the word filter alone decides",
                    exc.errcode, exc.errmsg)  # fmt: skip
        return None


def hold(kind: str, object_id: int, text: str, reasons: list[dict], org_id: int,
         person_id: int | None) -> ContentReview:  # fmt: skip
    """Queue flagged content (once per kind and id)."""
    row = ContentReview(
        kind=kind, object_id=object_id, org_id=org_id, person_id=person_id, content=text,
        reasons=reasons, status=PENDING,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalars(
            select(ContentReview).where(
                ContentReview.kind == kind, ContentReview.object_id == object_id
            )
        ).one()
    return row


def _in_scope(query, principal):
    scope = principal.scope(*REVIEW_ROLES)
    if not scope:
        raise ApiError(403, "forbidden", "只有党委管理员可以审核内容")
    query = query.join(Org, Org.id == ContentReview.org_id)
    if "/" not in scope:
        query = query.where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
    return query


def listing(principal, status: str, page: int, per_page: int) -> dict:
    query = _in_scope(select(ContentReview), principal).where(ContentReview.status == status)
    result = db.paginate(
        query.order_by(ContentReview.created_at, ContentReview.id),
        page=page, per_page=per_page, error_out=False,
    )  # fmt: skip
    names = dict(
        db.session.execute(
            select(Person.id, Person.name).where(
                Person.id.in_([r.person_id for r in result.items if r.person_id])
            )
        ).all()
    ) if result.items else {}  # fmt: skip
    page = page_result(result)
    page["items"] = [view(row, names.get(row.person_id)) for row in result.items]
    return page


def view(row: ContentReview, author: str | None) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": KINDS.get(row.kind, (row.kind, None))[0],
        "object_id": row.object_id,
        "org_id": row.org_id,
        "author": author,
        "content": row.content,
        "reasons": row.reasons,
        "status": row.status,
        "created_at": row.created_at,
        "decided_at": row.decided_at,
        "decided_by": row.decided_by,
        "comment": row.comment,
    }


def decide(review_id: int, approve: bool, comment: str | None, principal) -> dict:
    row = db.session.scalars(
        _in_scope(select(ContentReview), principal).where(ContentReview.id == review_id)
    ).one_or_none()
    if row is None:
        raise ApiError(404, "not_found", "审核记录不存在")
    status = APPROVED if approve else REJECTED
    changed = db.session.execute(
        update(ContentReview)
        .where(ContentReview.id == row.id, ContentReview.status == PENDING)
        .values(status=status, decided_at=utcnow(), decided_by=principal.label, comment=comment)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ApiError(409, "already_decided", "该内容已审核")
    db.session.refresh(row)
    if row.kind in KINDS:
        KINDS[row.kind][1](row.object_id, approve)
    audit.record(
        "safety.review.decide", "content_review", row.id, row.org_id,
        {"kind": row.kind, "object_id": row.object_id, "status": status},
    )  # fmt: skip
    name = db.session.get(Person, row.person_id).name if row.person_id else None
    return view(row, name)
