"""Minutes (会议记录): written by the recorder (or chair, or a manager) once the meeting has
started, every save kept as a revision, signed by the chair and the recorder, and frozen with
the attendance when the meeting is archived. Attendance is never typed in: it comes from the
check-ins and leave."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from .models import (
    ARCHIVED,
    CANCELLED,
    DRAFT,
    PUBLISHED,
    Meeting,
    Minutes,
    MinutesRevision,
)
from .services import can_manage, participant_rows, tally

FIELDS = ("agenda", "content", "resolutions", "votes")


def attendance_snapshot(meeting: Meeting) -> dict:
    """Who was expected and how each attended, with names (DOMAIN.md §2)."""
    return tally(meeting, participant_rows(meeting))


def _may_write(meeting: Meeting, principal) -> bool:
    person = principal.person
    return can_manage(meeting, principal) or (
        person is not None and person.id in (meeting.chair_id, meeting.recorder_id)
    )


def get(meeting: Meeting) -> Minutes:
    minutes = db.session.execute(
        select(Minutes).where(Minutes.meeting_id == meeting.id)
    ).scalar_one_or_none()
    if minutes is None:
        raise ApiError(404, "no_minutes", "会议记录尚未填写")
    return decorate(minutes, meeting)


def decorate(minutes: Minutes, meeting: Meeting) -> Minutes:
    minutes.frozen = minutes.attendance is not None
    minutes.live_attendance = minutes.attendance or attendance_snapshot(meeting)
    minutes.chair = meeting.chair
    minutes.recorder = meeting.recorder
    return minutes


def save(meeting: Meeting, data: dict, principal) -> Minutes:
    if not _may_write(meeting, principal):
        raise ApiError(403, "not_recorder", "只有记录人、主持人或书记可以填写会议记录")
    if meeting.status in (DRAFT, CANCELLED):
        raise ApiError(409, "meeting_not_held", "会议未发布或已取消，不能填写记录")
    if meeting.status == ARCHIVED:
        raise ApiError(409, "meeting_archived", "会议已归档，记录不能再修改")
    if utcnow() < meeting.start_at:
        raise ApiError(409, "meeting_not_started", "会议开始后才能填写记录")
    editor = principal.label[:100]
    found = db.session.execute(
        select(Minutes.id).where(Minutes.meeting_id == meeting.id)
    ).scalar_one_or_none()
    if found is None:
        if data.get("version") not in (None, 0):
            raise ApiError(409, "minutes_conflict", "会议记录已被他人修改，请刷新后再保存")
        minutes = Minutes(meeting_id=meeting.id, version=1, updated_by=editor)
        _assign(minutes, data)
        try:
            with db.session.begin_nested():
                db.session.add(minutes)
        except IntegrityError:
            raise ApiError(
                409, "minutes_conflict", "会议记录刚被他人创建，请刷新后再保存"
            ) from None
    else:
        minutes = db.session.execute(
            select(Minutes).where(Minutes.id == found).with_for_update()
        ).scalar_one()
        if data.get("version") is not None and data["version"] != minutes.version:
            raise ApiError(409, "minutes_conflict", "会议记录已被他人修改，请刷新后再保存")
        _assign(minutes, data)
        minutes.version += 1
        minutes.updated_by = editor
        minutes.updated_at = utcnow()
        # A changed record needs signing again.
        minutes.chair_signed_at = minutes.recorder_signed_at = None
    db.session.flush()
    db.session.add(
        MinutesRevision(
            minutes_id=minutes.id,
            number=minutes.version,
            editor=editor,
            **{name: getattr(minutes, name) for name in FIELDS},
        )
    )
    audit.record(
        "meeting.minutes.save", "meeting", meeting.id, meeting.org_id, {"version": minutes.version}
    )
    db.session.flush()
    return decorate(minutes, meeting)


def _assign(minutes: Minutes, data: dict) -> None:
    minutes.agenda = data["agenda"]
    minutes.content = data["content"]
    minutes.resolutions = data.get("resolutions")
    minutes.votes = data.get("votes") or None


def revisions(meeting: Meeting) -> list[MinutesRevision]:
    return list(
        db.session.execute(
            select(MinutesRevision)
            .join(Minutes, Minutes.id == MinutesRevision.minutes_id)
            .where(Minutes.meeting_id == meeting.id)
            .order_by(MinutesRevision.number.desc())
        ).scalars()
    )


def sign(meeting: Meeting, principal) -> Minutes:
    person = principal.person
    roles = []
    if person is not None and person.id == meeting.chair_id:
        roles.append("chair")
    if person is not None and person.id == meeting.recorder_id:
        roles.append("recorder")
    if not roles:
        raise ApiError(403, "not_signer", "只有会议主持人和记录人可以签字确认")
    minutes = db.session.execute(
        select(Minutes).where(Minutes.meeting_id == meeting.id).with_for_update()
    ).scalar_one_or_none()
    if minutes is None:
        raise ApiError(404, "no_minutes", "会议记录尚未填写")
    now = utcnow().replace(microsecond=0)
    for role in roles:
        if getattr(minutes, f"{role}_signed_at") is None:
            setattr(minutes, f"{role}_signed_at", now)
    audit.record("meeting.minutes.sign", "meeting", meeting.id, meeting.org_id, {"as": roles})
    db.session.flush()
    return decorate(minutes, meeting)


def archive(meeting: Meeting, principal) -> Meeting:
    if meeting.status != PUBLISHED:
        raise ApiError(409, "meeting_closed", "只有已发布的会议可以归档")
    if utcnow() < meeting.end_at:
        raise ApiError(409, "meeting_not_ended", "会议结束后才能归档")
    minutes = db.session.execute(
        select(Minutes).where(Minutes.meeting_id == meeting.id).with_for_update()
    ).scalar_one_or_none()
    if minutes is None:
        raise ApiError(409, "no_minutes", "请先填写会议记录再归档")
    minutes.attendance = attendance_snapshot(meeting)
    meeting.status = ARCHIVED
    meeting.archived_at = utcnow()
    audit.record("meeting.archive", "meeting", meeting.id, meeting.org_id)
    db.session.flush()
    return meeting
