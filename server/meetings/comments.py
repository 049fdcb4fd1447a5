"""Comments on the minutes (会议记录评论), e.g. from the branch feed.

Whoever may read a meeting's minutes may read its comments; members among them may write one
once the minutes exist. What a member writes passes the content check first (the word filter,
and WeChat's when configured): a clean comment is published at once, a flagged one waits in the
review queue (kind ``meeting.comment``), hidden from everyone but its author, who sees it marked
``pending`` and then ``rejected`` if the administrator says no.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, limiter
from ..safety import services as safety
from ..schemas import page_result
from .models import COMMENT_PUBLISHED, REJECTED, Meeting, MeetingComment
from .models import PENDING as HELD
from .services import can_manage, has_minutes

KIND = "meeting.comment"  # the kind of content the review queue holds
PER_MINUTE = 10  # comments one person may write per minute, across meetings


def create(meeting: Meeting, content: str, principal) -> MeetingComment:
    """A comment by the caller (a member who may read the minutes: ``meeting`` comes from
    ``services.get_visible``)."""
    person = principal.member()
    if not has_minutes(meeting):
        raise ApiError(409, "no_minutes", "会议记录尚未填写，暂不能评论")
    if not limiter.hit(PER_MINUTE, 1, "meeting-comment", f"p{person.id}"):
        raise ApiError(429, "too_many_comments", "评论过于频繁，请稍后再试")
    # Checked before anything is written: WeChat's check is a request to WeChat, not to be
    # made while this transaction holds locks.
    reasons = safety.check(content, person.id)
    row = MeetingComment(
        meeting_id=meeting.id,
        person_id=person.id,
        content=content,
        status=HELD if reasons else COMMENT_PUBLISHED,
    )
    db.session.add(row)
    db.session.flush()
    if reasons:
        # Reviewed by the administrators of the author's org, like every kind of content.
        safety.hold(KIND, row.id, content, reasons, person.org_id, person.id)
    row.mine = True
    return row


@safety.on_decision(KIND, "会议记录评论")
def _comment_decided(comment_id: int, approved: bool) -> None:
    db.session.execute(
        update(MeetingComment)
        .where(MeetingComment.id == comment_id, MeetingComment.status == HELD)
        .values(status=COMMENT_PUBLISHED if approved else REJECTED)
        .execution_options(synchronize_session=False)
    )


def listing(meeting: Meeting, principal, page: int, per_page: int) -> dict:
    """The meeting's comments, oldest first: the published ones, and the caller's own whatever
    their status. Managers see no more than that here; held comments are in the review queue."""
    viewer = principal.person_id
    shown = MeetingComment.status == COMMENT_PUBLISHED
    if viewer is not None:
        shown = or_(shown, MeetingComment.person_id == viewer)
    query = (
        select(MeetingComment)
        .where(MeetingComment.meeting_id == meeting.id, MeetingComment.deleted_at.is_(None), shown)
        .options(joinedload(MeetingComment.person))
        .order_by(MeetingComment.id)
    )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    for row in result.items:
        row.mine = viewer is not None and row.person_id == viewer
    return page_result(result)


def delete(meeting: Meeting, comment_id: int, principal) -> None:
    """Soft-delete a comment: its author, or a manager of the meeting's org. Audited either
    way. A comment the caller cannot see (another's held one, unless they manage) is 404."""
    row = db.session.execute(
        select(MeetingComment).where(
            MeetingComment.id == comment_id,
            MeetingComment.meeting_id == meeting.id,
            MeetingComment.deleted_at.is_(None),
        )
    ).scalar_one_or_none()
    author = row is not None and row.person_id == principal.person_id
    manager = can_manage(meeting, principal)
    if row is None or not (author or manager or row.status == COMMENT_PUBLISHED):
        raise ApiError(404, "not_found", "评论不存在")
    if not (author or manager):
        raise ApiError(403, "not_author", "只能删除自己的评论")
    audit.record(
        "meeting.comment.delete", "meeting_comment", row.id, meeting.org_id,
        {"meeting_id": meeting.id, "author_id": row.person_id,
         "by": "author" if author else "manager"},
    )  # fmt: skip
    # Conditional: of two deletes at once one removes it, the other finds it gone.
    changed = db.session.execute(
        update(MeetingComment)
        .where(MeetingComment.id == row.id, MeetingComment.deleted_at.is_(None))
        .values(deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ApiError(404, "not_found", "评论不存在")


def published_counts(meeting_ids: list[int]) -> dict[int, int]:
    """Published, undeleted comments per meeting, in one grouped query (for a feed page)."""
    if not meeting_ids:
        return {}
    return dict(
        db.session.execute(
            select(MeetingComment.meeting_id, func.count())
            .where(
                MeetingComment.meeting_id.in_(meeting_ids),
                MeetingComment.status == COMMENT_PUBLISHED,
                MeetingComment.deleted_at.is_(None),
            )
            .group_by(MeetingComment.meeting_id)
        ).all()
    )
