"""Feedback cases: sending (named or anonymous), the author's side (their cases, the receipt
code, rating, reopening, attachments) and the handlers' side (list, read, accept, reply,
close), the committee's overdue list. The rules are in docs/feedback.md.

Anonymity is kept by what is never written: for an anonymous case no person, session, IP,
time of day, audit entry or log line; the case id is random; the handlers hear of it from the
hourly job (``jobs.sweep``), not at the moment it was sent.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from io import BytesIO

from flask import current_app
from sqlalchemy import and_, false, func, or_, select, true, update
from sqlalchemy import case as when
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, undefer

from ..audit.services import record
from ..crypto import token_digest
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, limiter, redis_client
from ..files import IMAGE_TYPES, read_upload, safe_filename
from ..notify.services import local_time, local_today, notify
from ..orgs.models import Org
from ..people.models import Person
from ..safety import services as safety
from . import routing
from .models import (
    ACCEPTED,
    CLOSED,
    HELD,
    KINDS,
    PUBLISHED,
    REFUSED,
    REPLIED,
    STATUSES,
    SUBMITTED,
    FeedbackAttachment,
    FeedbackCase,
    FeedbackEvent,
)

REVIEW_KIND = "feedback.case"
AUDITOR = "auditor"
OVERDUE_ROLES = ("committee_admin",)
# The receipt's letters: no 0/O, 1/I/L, so it survives being read out or copied by hand.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 16
_RECEIPT = re.compile(f"^[{RECEIPT_ALPHABET}]{{{RECEIPT_LENGTH}}}$")
PDF = "application/pdf"
MAX_PIXELS = 40_000_000  # a larger picture is refused, not decoded (a decompression bomb)


# The orgs a case's view names, loaded with a page of cases.
_ORGS = (joinedload(FeedbackCase.handler_org), joinedload(FeedbackCase.subject_org))


def settings() -> dict:
    return current_app.config["FEEDBACK"]


# -- sending ---------------------------------------------------------------------------------


def submit(data: dict, principal) -> tuple[FeedbackCase, str | None]:
    """Send a case; returns it and, for an anonymous one, its receipt code (shown once)."""
    person = principal.member()
    kind, anonymous = data["kind"], data["anonymous"]
    subject = _subject(kind, data)
    start = subject if kind == "report" else person.org
    handler = routing.handler_org(kind, start)
    _count_today(person.id)
    text = case_text(data["title"], data["content"])
    # WeChat's check sends the text with the author's openid: never for an anonymous case.
    reasons = safety.check(text, None if anonymous else person.id)
    today = local_today()
    receipt = _new_receipt() if anonymous else None
    row = FeedbackCase(
        kind=kind,
        anonymous=anonymous,
        person_id=None if anonymous else person.id,
        receipt_digest=token_digest(receipt) if receipt else None,
        subject_org_id=subject.id if subject else None,
        subject_name=data.get("subject_name") if kind == "report" else None,
        handler_org_id=handler.id,
        title=data["title"],
        content=data["content"],
        status=SUBMITTED,
        review_status=HELD if reasons else PUBLISHED,
        submitted_on=today,
    )
    if not reasons:
        _set_deadlines(row, today)
    _insert_with_random_id(row)
    if not anonymous:
        record("feedback.submit", "feedback_case", row.id, handler.id, {"kind": kind})
    return row, receipt


def case_text(title: str, content: str) -> str:
    """What the content check reads of a case (and the review queue shows)."""
    return f"{title}\n{content}"


def _subject(kind: str, data: dict) -> Org | None:
    if kind != "report":
        if data.get("subject_org_id") or data.get("subject_name"):
            raise _invalid("subject_org_id", "只有监督举报需要填写被反映的组织或人员")
        return None
    if not data.get("subject_org_id"):
        raise _invalid("subject_org_id", "请选择被反映人员或事项所在的组织")
    subject = db.session.get(Org, data["subject_org_id"])
    if subject is None:
        raise _invalid("subject_org_id", "组织不存在")
    return subject


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", "输入数据有误", {field: [message]})


def _count_today(person_id: int) -> None:
    """At most ``per_day`` cases a member a day, named and anonymous alike. The counter is a
    number under the member and the day, gone after it: it never names a case."""
    key = f"party:feedback:count:{person_id}:{local_today().isoformat()}"
    count = redis_client.incr(key)
    if count == 1:
        redis_client.expire(key, 2 * 86400)
    if count > settings()["per_day"]:
        raise ApiError(429, "too_many_cases", "今天提交的反映已达上限，请明天再试")


def _new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_receipt(receipt: str) -> str:
    return "-".join(receipt[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def _insert_with_random_id(row: FeedbackCase) -> None:
    """A random id in [2^24, 2^31): 2 billion places, so a clash is rare and simply retried."""
    for _ in range(8):
        row.id = secrets.randbelow(2**31 - 2**24) + 2**24
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return
        except IntegrityError:
            # The savepoint's rollback took the row out of the session: it goes in again
            # with another id, unless the clash was not the id.
            if db.session.get(FeedbackCase, row.id) is None:
                raise
    raise RuntimeError("no free feedback case id")


def _set_deadlines(row: FeedbackCase, start: date) -> None:
    row.accept_due = start + timedelta(days=settings()["accept_days"])
    row.reply_due = start + timedelta(days=settings()["reply_days"])


@safety.on_decision(REVIEW_KIND, "反映内容")
def _review_decided(case_id: int, approved: bool) -> None:
    row = db.session.get(FeedbackCase, case_id)
    if row is None or row.review_status != HELD:
        return
    if approved:
        row.review_status = PUBLISHED
        _set_deadlines(row, local_today())  # the handlers' days start when they can read it
    else:
        row.review_status = REFUSED


def hold_flagged() -> int:
    """Queue the held cases that are not in the review queue yet (run by the hourly job, so
    the queue's row is dated by the job, not by the moment an anonymous author sent it)."""
    from ..safety.models import ContentReview

    rows = db.session.scalars(
        select(FeedbackCase).where(
            FeedbackCase.review_status == HELD,
            ~select(ContentReview.id)
            .where(ContentReview.kind == REVIEW_KIND, ContentReview.object_id == FeedbackCase.id)
            .exists(),
        )
    ).all()
    for row in rows:
        text = case_text(row.title, row.content)
        reasons = safety.check(text, row.person_id)  # why it waits, as the check sees it now
        if reasons:
            safety.hold(REVIEW_KIND, row.id, text, reasons, row.handler_org_id, row.person_id)
        else:  # the lists changed since: nothing to hold it for
            _review_decided(row.id, True)
    return len(rows)


# -- the author's side -----------------------------------------------------------------------


def mine(principal, page: int, per_page: int):
    person = principal.member()
    return db.paginate(
        select(FeedbackCase)
        .where(FeedbackCase.person_id == person.id)
        .options(*_ORGS)
        .order_by(FeedbackCase.submitted_on.desc(), FeedbackCase.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def my_case(case_id: int, principal) -> FeedbackCase:
    person = principal.member()
    row = db.session.scalars(
        select(FeedbackCase).where(FeedbackCase.id == case_id, FeedbackCase.person_id == person.id)
    ).one_or_none()
    if row is None:
        raise ApiError(404, "not_found", "反映不存在")
    return row


def normalise_receipt(value: str) -> str:
    cleaned = re.sub(r"[\s\-]", "", value or "").upper()
    if not _RECEIPT.match(cleaned):
        raise _invalid("receipt", "凭证码应为 16 位字母和数字")
    return cleaned


def by_receipt(receipt: str, principal) -> FeedbackCase:
    """The anonymous case of ``receipt``. Guessing is bounded per session (and a receipt has
    80 random bits): 429 ``too_many_lookups``."""
    receipt = normalise_receipt(receipt)
    if not limiter.hit(30, 10, "feedback-lookup", str(principal.session.id)):
        raise ApiError(429, "too_many_lookups", "查询过于频繁，请稍后再试")
    row = db.session.scalars(
        select(FeedbackCase).where(FeedbackCase.receipt_digest == token_digest(receipt))
    ).one_or_none()
    if row is None:
        raise ApiError(404, "not_found", "没有与该凭证码对应的反映")
    return row


def rate(row: FeedbackCase, score: int, comment: str | None) -> FeedbackCase:
    _refuse_flagged(comment, "comment", None if row.anonymous else row.person_id)
    changed = db.session.execute(
        update(FeedbackCase)
        .where(
            FeedbackCase.id == row.id,
            FeedbackCase.rating.is_(None),
            FeedbackCase.status.in_((REPLIED, CLOSED)),
        )
        .values(rating=score, rating_comment=comment, rated_on=local_today())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(row)
    if changed != 1:
        if row.rating is not None:
            raise ApiError(409, "already_rated", "已评价过该反映")
        raise ApiError(409, "wrong_status", "答复后才能评价")
    if not row.anonymous:
        record("feedback.rate", "feedback_case", row.id, row.handler_org_id, {"score": score})
    return row


def reopen(row: FeedbackCase, reason: str) -> FeedbackCase:
    _refuse_flagged(reason, "reason", None if row.anonymous else row.person_id)
    today = local_today()
    changed = db.session.execute(
        update(FeedbackCase)
        .where(
            FeedbackCase.id == row.id,
            FeedbackCase.reopened_on.is_(None),
            FeedbackCase.status.in_((REPLIED, CLOSED)),
        )
        .values(
            status=ACCEPTED,
            reopen_reason=reason,
            reopened_on=today,
            reply_due=today + timedelta(days=settings()["reply_days"]),
            closed_at=None,
            announced=False,  # the hourly job tells the handlers
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(row)
    if changed != 1:
        if row.reopened_on is not None:
            raise ApiError(409, "already_reopened", "每件反映只能重新打开一次")
        raise ApiError(409, "wrong_status", "答复后才能重新打开")
    if not row.anonymous:
        record("feedback.reopen", "feedback_case", row.id, row.handler_org_id)
    return row


def _refuse_flagged(text: str | None, field: str, person_id: int | None) -> None:
    reasons = safety.check(text, person_id)
    if reasons:
        words = "、".join(sorted({r.get("word") or r.get("label") or "?" for r in reasons}))
        raise ApiError(
            422, "content_flagged", f"内容含有不当词语（{words}），请修改后再提交",
            {field: [f"含有不当词语：{words}"]},
        )  # fmt: skip


def add_attachment(row: FeedbackCase, file) -> FeedbackAttachment:
    """Files go with the case on the day it was sent, before it is accepted, at most
    ``max_attachments``. Pictures are re-encoded without their metadata; an anonymous case
    takes pictures only (a PDF's metadata names its author and machine)."""
    limit = settings()["attachment_max_mb"]
    allowed = dict(IMAGE_TYPES) if row.anonymous else {**IMAGE_TYPES, PDF: "pdf"}
    message = "匿名反映只能附 JPEG、PNG 或 WebP 图片" if row.anonymous else "只能上传图片或 PDF"
    data, mime = read_upload(file, limit, allowed, message)
    locked = db.session.execute(
        select(FeedbackCase).where(FeedbackCase.id == row.id).with_for_update()
    ).scalar_one()
    if locked.status != SUBMITTED or locked.submitted_on != local_today():
        raise ApiError(409, "attachments_closed", "只能在提交当天、受理之前添加附件")
    count = db.session.scalar(
        select(func.count(FeedbackAttachment.id)).where(FeedbackAttachment.case_id == row.id)
    )
    if count >= settings()["max_attachments"]:
        raise ApiError(
            409, "too_many_attachments", f"每件反映最多 {settings()['max_attachments']} 个附件"
        )
    if mime != PDF:
        data = strip_metadata(data, mime)
    extension = allowed[mime]
    if row.anonymous:
        name = f"附件{count + 1}.{extension}"
    else:
        name = safe_filename(file.filename or "", f"附件{count + 1}.{extension}")[:100]
    attachment = FeedbackAttachment(
        case_id=row.id, name=name, content_type=mime, size=len(data), data=data
    )
    db.session.add(attachment)
    db.session.flush()
    if not row.anonymous:
        record(
            "feedback.attach", "feedback_case", row.id, row.handler_org_id,
            {"attachment_id": attachment.id, "size": len(data)},
        )  # fmt: skip
    return attachment


def strip_metadata(data: bytes, mime: str) -> bytes:
    """The picture re-encoded from its pixels: EXIF (camera, GPS, time), XMP and text chunks
    are gone; the EXIF orientation is applied first so the picture stays upright."""
    from PIL import Image, ImageOps

    try:
        with Image.open(BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ApiError(413, "image_too_large", "图片尺寸过大")
            image = ImageOps.exif_transpose(image)
            out = BytesIO()
            if mime == "image/jpeg":
                image.convert("RGB").save(out, "JPEG", quality=90)
            elif mime == "image/png":
                image.save(out, "PNG")
            else:
                image.save(out, "WEBP", quality=90)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ApiError(
            422, "file_invalid", "图片已损坏，无法读取", {"file": ["图片已损坏"]}
        ) from exc
    return out.getvalue()


def attachment_of(row: FeedbackCase, attachment_id: int) -> FeedbackAttachment:
    found = db.session.scalars(
        select(FeedbackAttachment)
        .where(FeedbackAttachment.id == attachment_id, FeedbackAttachment.case_id == row.id)
        .options(undefer(FeedbackAttachment.data))
    ).one_or_none()
    if found is None:
        raise ApiError(404, "not_found", "附件不存在")
    return found


# -- the handlers' side ----------------------------------------------------------------------


def _auditor_condition(principal):
    scope = principal.scope(AUDITOR)
    if not scope:
        return None
    if "/" in scope:
        return true()
    return FeedbackCase.handler_org_id.in_(
        select(Org.id).where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
    )


def _readable(principal):
    """Cases the caller may read: those they handle, once the text may be shown; an auditor's
    within their scope, held ones included."""
    condition = routing.handled_condition(principal)
    handled = (
        and_(condition, FeedbackCase.review_status == PUBLISHED)
        if condition is not None
        else false()
    )
    audited = _auditor_condition(principal)
    return handled if audited is None else or_(handled, audited)


# The most urgent first: waiting to be accepted, then in hand, then answered, then closed.
_URGENCY = when(
    (FeedbackCase.status == SUBMITTED, 0),
    (FeedbackCase.status == ACCEPTED, 1),
    (FeedbackCase.status == REPLIED, 2),
    else_=3,
)


def handled(principal, status: str | None, kind: str | None, page: int, per_page: int):
    query = select(FeedbackCase).where(_readable(principal))
    if status:
        query = query.where(FeedbackCase.status == status)
    if kind:
        query = query.where(FeedbackCase.kind == kind)
    result = db.paginate(
        query.options(*_ORGS).order_by(
            _URGENCY, FeedbackCase.accept_due, FeedbackCase.reply_due, FeedbackCase.id
        ),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    record("feedback.list", "feedback_case", None, None, {"ids": [r.id for r in result.items]})
    return result


def handling(principal) -> dict:
    """Whether the caller handles cases (shows the entry in the mini-program) and how many
    are open; an auditor is not a handler."""
    condition = routing.handled_condition(principal)
    if condition is None:
        return {"handles": False, "open": 0}
    count = db.session.scalar(
        select(func.count(FeedbackCase.id)).where(
            condition,
            FeedbackCase.review_status == PUBLISHED,
            FeedbackCase.status.in_((SUBMITTED, ACCEPTED)),
        )
    )
    return {"handles": True, "open": count}


def read(case_id: int, principal) -> FeedbackCase:
    row = db.session.scalars(
        select(FeedbackCase).where(FeedbackCase.id == case_id, _readable(principal))
    ).one_or_none()
    if row is None:
        raise ApiError(404, "not_found", "反映不存在")
    record("feedback.read", "feedback_case", row.id, row.handler_org_id)
    return row


def _for_action(case_id: int, principal, action: str) -> FeedbackCase:
    """The case locked, if the caller handles it (an auditor may read but not act: 403), and
    the attempt on record before any check of the case's state, so a refused one is too."""
    condition = routing.handled_condition(principal)
    row = None
    if condition is not None:
        row = db.session.scalars(
            select(FeedbackCase)
            .where(FeedbackCase.id == case_id, condition, FeedbackCase.review_status == PUBLISHED)
            .with_for_update()
        ).one_or_none()
    if row is None:
        read(case_id, principal)  # 404 unless an auditor may read it
        raise ApiError(403, "forbidden", "只有承办人可以办理该反映")
    record(f"feedback.{action}", "feedback_case", row.id, row.handler_org_id)
    return row


def accept(case_id: int, principal) -> FeedbackCase:
    row = _for_action(case_id, principal, "accept")
    if row.status != SUBMITTED:
        raise ApiError(409, "wrong_status", "该反映已受理")
    row.status = ACCEPTED
    row.accepted_at = utcnow()
    _event(row, "accept", None, principal)
    _tell_author(row, "已受理，正在办理")
    return row


def reply(case_id: int, content: str, principal) -> FeedbackCase:
    row = _answerable(case_id, principal, "reply", content)
    row.status = REPLIED
    row.replied_at = row.replied_at or utcnow()
    _event(row, "reply", content, principal)
    _tell_author(row, content)
    return row


def close(case_id: int, content: str | None, principal) -> FeedbackCase:
    row = _answerable(case_id, principal, "close", content)
    if not content and row.status != REPLIED:
        raise _invalid("content", "尚未答复，办结时请填写答复")
    row.status = CLOSED
    row.closed_at = utcnow()
    _event(row, "close", content, principal)
    _tell_author(row, content or "已办结")
    return row


def _answerable(case_id: int, principal, action: str, content: str | None) -> FeedbackCase:
    """The case to reply to or close: accepted (or answered), and the text clean."""
    row = _for_action(case_id, principal, action)
    _refuse_flagged(content, "content", getattr(principal.person, "id", None))
    if row.status not in (ACCEPTED, REPLIED):
        raise ApiError(
            409, "wrong_status", "请先受理" if row.status == SUBMITTED else "该反映已办结"
        )
    return row


def _event(row: FeedbackCase, action: str, content: str | None, principal) -> None:
    db.session.add(
        FeedbackEvent(
            case_id=row.id,
            action=action,
            content=content,
            actor_person_id=getattr(principal.person, "id", None),
            actor_account_id=getattr(principal.account, "id", None),
            actor_label=principal.label,
            at=utcnow(),
        )
    )
    db.session.flush()


def _tell_author(row: FeedbackCase, text: str) -> None:
    """A named author hears of progress; an anonymous one looks it up by receipt."""
    if row.anonymous or row.person_id is None:
        return
    notify(
        "feedback_reply",
        [row.person_id],
        {"subject": row.title, "reply": text, "feedback_id": row.id},
        org_id=row.handler_org_id,
    )


def overdue(principal, page: int, per_page: int):
    scope = principal.scope(*OVERDUE_ROLES)
    if not scope:
        raise ApiError(403, "forbidden", "只有党委管理员可以查看超期反映")
    today = local_today()
    query = (
        select(FeedbackCase)
        .join(Org, Org.id == FeedbackCase.handler_org_id)
        .where(FeedbackCase.review_status == PUBLISHED, overdue_condition(today))
    )
    if "/" not in scope:
        query = query.where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
    return db.paginate(
        query.options(joinedload(FeedbackCase.handler_org)).order_by(
            FeedbackCase.accept_due, FeedbackCase.reply_due, FeedbackCase.id
        ),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def overdue_condition(today: date):
    return or_(
        (FeedbackCase.status == SUBMITTED) & (FeedbackCase.accept_due < today),
        (FeedbackCase.status == ACCEPTED) & (FeedbackCase.reply_due < today),
    )


def overdue_stage(row: FeedbackCase, today: date) -> str | None:
    if row.review_status != PUBLISHED:
        return None
    if row.status == SUBMITTED and row.accept_due and row.accept_due < today:
        return "accept"
    if row.status == ACCEPTED and row.reply_due and row.reply_due < today:
        return "reply"
    return None


# -- views -----------------------------------------------------------------------------------


def author_views(rows: list[FeedbackCase]) -> list[dict]:
    """Cases as their authors see them; a page of them costs one query for the handlers'
    actions and one for the attachments, whatever its length."""
    events, attachments = _events(rows), _attachments(rows)
    return [_author_view(row, events[row.id], attachments[row.id]) for row in rows]


def author_view(row: FeedbackCase) -> dict:
    return author_views([row])[0]


def handler_views(rows: list[FeedbackCase]) -> list[dict]:
    """Cases as handlers see them: the author's view, who sent it (named cases), whether it is
    overdue and the handlers' actions. One more query, for the named cases' authors."""
    events, attachments = _events(rows), _attachments(rows)
    named = {row.person_id for row in rows if not row.anonymous and row.person_id is not None}
    people = (
        {
            person.id: person
            for person in db.session.scalars(
                select(Person).where(Person.id.in_(named)).options(joinedload(Person.org))
            )
        }
        if named
        else {}
    )
    today = local_today()
    views = []
    for row in rows:
        view = _author_view(row, events[row.id], attachments[row.id])
        person = people.get(row.person_id) if not row.anonymous else None
        view.update(
            submitter={"name": person.name, "org_name": person.org.name} if person else None,
            overdue=overdue_stage(row, today),
            events=[{"action": e.action, "at": e.at, "by": e.actor_label} for e in events[row.id]],
        )
        views.append(view)
    return views


def handler_view(row: FeedbackCase) -> dict:
    return handler_views([row])[0]


def _author_view(row: FeedbackCase, events: list, attachments: list) -> dict:
    answered = row.status in (REPLIED, CLOSED)
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": KINDS[row.kind],
        "title": row.title,
        "content": row.content,
        "anonymous": row.anonymous,
        "status": row.status,
        "status_label": STATUSES[row.status],
        "review_status": row.review_status,
        "submitted_on": row.submitted_on,
        "accept_due": row.accept_due,
        "reply_due": row.reply_due,
        "accepted_on": local_time(row.accepted_at).date() if row.accepted_at else None,
        "closed_on": local_time(row.closed_at).date() if row.closed_at else None,
        "handler_org_name": row.handler_org.name,
        "subject_org_name": row.subject_org.name if row.subject_org else None,
        "subject_name": row.subject_name,
        "replies": [
            {"content": e.content, "on": local_time(e.at).date()} for e in events if e.content
        ],
        "rating": row.rating,
        "rating_comment": row.rating_comment,
        "can_rate": answered and row.rating is None,
        "can_reopen": answered and row.reopened_on is None,
        "reopened": row.reopened_on is not None,
        "reopen_reason": row.reopen_reason,
        "attachments": [
            {"id": a.id, "name": a.name, "size": a.size, "content_type": a.content_type}
            for a in attachments
        ],
    }


def _events(rows: list[FeedbackCase]) -> dict[int, list[FeedbackEvent]]:
    found: dict[int, list] = {row.id: [] for row in rows}
    if found:
        for event in db.session.scalars(
            select(FeedbackEvent)
            .where(FeedbackEvent.case_id.in_(found))
            .order_by(FeedbackEvent.at, FeedbackEvent.id)
        ):
            found[event.case_id].append(event)
    return found


def _attachments(rows: list[FeedbackCase]) -> dict[int, list]:
    found: dict[int, list] = {row.id: [] for row in rows}
    if found:
        for attachment in db.session.execute(
            select(
                FeedbackAttachment.case_id,
                FeedbackAttachment.id,
                FeedbackAttachment.name,
                FeedbackAttachment.size,
                FeedbackAttachment.content_type,
            )
            .where(FeedbackAttachment.case_id.in_(found))
            .order_by(FeedbackAttachment.id)
        ):
            found[attachment.case_id].append(attachment)
    return found


def subject_orgs() -> list[Org]:
    return list(db.session.scalars(select(Org).order_by(Org.path, Org.sort_order, Org.id)))
