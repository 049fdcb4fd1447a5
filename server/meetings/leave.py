"""Leave (请假): a participant asks before the start; a manager decides; the member is told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import notify
from ..orgs.models import Org
from .models import (
    APPROVED,
    ARCHIVED,
    CANCELLED,
    PENDING,
    REJECTED,
    WITHDRAWN,
    LeaveRequest,
    Meeting,
)
from .services import MANAGE_ROLES, can_manage, participant_of


def _mine(meeting: Meeting, person_id: int, *, lock: bool = False) -> LeaveRequest | None:
    """The member's request for ``meeting``. With ``lock``, the row found is locked; the lookup
    itself does not lock, since a locking read of a missing row takes a gap lock that deadlocks
    two simultaneous first requests on MariaDB (the unique key settles that race instead)."""
    found = db.session.execute(
        select(LeaveRequest.id).where(
            LeaveRequest.meeting_id == meeting.id, LeaveRequest.person_id == person_id
        )
    ).scalar_one_or_none()
    if found is None:
        return None
    query = select(LeaveRequest).where(LeaveRequest.id == found)
    if lock:
        query = query.with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def _create(meeting: Meeting, person_id: int, reason: str, taken: str) -> LeaveRequest:
    """A new request; ``taken`` is the message when a parallel request made it first."""
    leave = LeaveRequest(meeting_id=meeting.id, person_id=person_id, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(leave)
    except IntegrityError:
        raise ApiError(409, "leave_exists", taken) from None
    return leave


def ask(meeting: Meeting, person_id: int, reason: str) -> LeaveRequest:
    if meeting.status in (CANCELLED, ARCHIVED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档")
    if participant_of(meeting.id, person_id) is None:
        raise ApiError(403, "not_participant", "你不在本次会议的参会名单中")
    if utcnow() >= meeting.start_at:
        raise ApiError(409, "leave_too_late", "会议已开始，不能再请假；请联系书记说明情况")
    leave = _mine(meeting, person_id, lock=True)
    if leave is not None and leave.state in (PENDING, APPROVED):
        raise ApiError(409, "leave_exists", "你已提交过请假申请")
    if leave is None:
        leave = _create(meeting, person_id, reason, "你已提交过请假申请")
    else:  # withdrawn or rejected earlier: ask again
        leave.reason = reason
        leave.state = PENDING
        leave.comment = leave.decided_by = leave.decided_at = None
        leave.created_at = utcnow()
    db.session.flush()
    return leave


def withdraw(meeting: Meeting, person_id: int) -> LeaveRequest:
    leave = _mine(meeting, person_id, lock=True)
    if leave is None:
        raise ApiError(404, "not_found", "没有请假申请")
    if leave.state != PENDING:
        raise ApiError(409, "already_decided", "请假申请已处理，不能撤回")
    leave.state = WITHDRAWN
    return leave


def visible(principal, filters: dict, page: int, per_page: int):
    prefixes = sorted(principal.scope(*MANAGE_ROLES))
    query = (
        select(LeaveRequest)
        .join(Meeting, Meeting.id == LeaveRequest.meeting_id)
        .join(Org, Org.id == Meeting.org_id)
        .options(joinedload(LeaveRequest.person), joinedload(LeaveRequest.meeting))
    )
    if "/" not in prefixes:
        query = query.where(db.or_(*[Org.path.startswith(p) for p in prefixes]))
    if filters.get("state"):
        query = query.where(LeaveRequest.state == filters["state"])
    if filters.get("meeting_id"):
        query = query.where(LeaveRequest.meeting_id == filters["meeting_id"])
    if filters.get("org_id"):
        org = db.session.get(Org, filters["org_id"])
        if org is None:
            raise ApiError(404, "not_found", "组织不存在")
        query = query.where(Org.path.startswith(org.path))
    query = query.order_by(Meeting.start_at, LeaveRequest.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def decide(leave_id: int, approve: bool, comment: str | None, principal) -> LeaveRequest:
    leave = db.session.execute(
        select(LeaveRequest)
        .where(LeaveRequest.id == leave_id)
        .options(joinedload(LeaveRequest.meeting).joinedload(Meeting.org))
        .with_for_update(of=LeaveRequest)
    ).scalar_one_or_none()
    if leave is None or not can_manage(leave.meeting, principal):
        raise ApiError(404, "not_found", "请假申请不存在")
    if leave.state != PENDING:
        raise ApiError(409, "already_decided", f"该请假申请已{leave.state_label}")
    if leave.meeting.status in (CANCELLED, ARCHIVED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档")
    if not approve and not comment:
        raise ApiError(422, "validation_error", "输入数据有误", {"comment": ["不批准时请填写原因"]})
    leave.state = APPROVED if approve else REJECTED
    leave.comment = comment
    leave.decided_by = principal.label[:100]
    leave.decided_at = utcnow()
    meeting = leave.meeting
    audit.record(
        "meeting.leave.decide",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"leave_id": leave.id, "person_id": leave.person_id, "approve": approve},
    )
    db.session.flush()
    notify(
        "leave_result",
        [leave.person_id],
        {
            "title": meeting.title,
            "result": "已批准" if approve else "未获批准",
            "comment": comment or "",
            "meeting_id": meeting.id,
        },
        org_id=meeting.org_id,
        sender=principal,
    )
    return leave


def record(meeting: Meeting, person_id: int, reason: str, principal) -> LeaveRequest:
    """A manager records a member's leave (事后补假, or a leave asked in person): approved at
    once, with the reason the minutes will show; audited. Not for someone checked in."""
    from .models import CheckIn

    if meeting.status in (CANCELLED, ARCHIVED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档")
    if participant_of(meeting.id, person_id) is None:
        raise ApiError(404, "not_participant", "该人员不在参会名单中")
    checked_in = db.session.execute(
        select(CheckIn.id).where(
            CheckIn.meeting_id == meeting.id,
            CheckIn.person_id == person_id,
            CheckIn.revoked_at.is_(None),
        )
    ).first()
    if checked_in:
        raise ApiError(409, "already_checked_in", "该人员已签到，不能登记请假")
    leave = _mine(meeting, person_id, lock=True)
    if leave is None:
        leave = _create(meeting, person_id, reason, "该人员刚刚提交了请假申请，请刷新后处理")
    leave.reason = reason
    leave.state = APPROVED
    leave.comment = "书记登记"
    leave.decided_by = principal.label[:100]
    leave.decided_at = utcnow()
    audit.record(
        "meeting.leave.record",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"person_id": person_id, "reason": reason},
    )
    db.session.flush()
    return leave
