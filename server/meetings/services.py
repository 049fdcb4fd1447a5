"""Meetings: who may see and run them, their lifecycle, participants and reminders.

Managers are the secretaries (managing posts) and committee admins whose scope covers the
meeting's org. The chair and the recorder run the meeting on the day (projector, live list,
minutes) without being managers. Participants read the meeting and act for themselves.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import cancel as cancel_notification
from ..notify.services import notify, timezone
from ..orgs.models import Org
from ..people.models import Person, counted_members, in_org
from .models import (
    APPROVED,
    ARCHIVED,
    CANCELLED,
    DRAFT,
    MEMBER,
    OBSERVER,
    PENDING,
    PUBLISHED,
    CheckIn,
    LeaveRequest,
    Meeting,
    Minutes,
    Participant,
)

MANAGE_ROLES = ("secretary", "committee_admin")
READ_ROLES = ("secretary", "committee_admin", "discipline_inspector")
# Who is expected at a party meeting by default; activists and others can be added as 列席.

PHASE_LABELS = {
    "draft": "草稿",
    "upcoming": "未开始",
    "checkin_open": "签到中",
    "in_progress": "进行中",
    "ended": "已结束",
    "archived": "已归档",
    "cancelled": "已取消",
}
ATTENDANCE_LABELS = {
    "present": "已签到",
    "late": "迟到",
    "on_leave": "请假",
    "not_checked_in": "未签到",
    "absent": "缺席",
}
# Fields whose change on a published meeting is news to the participants.
NEWSWORTHY = ("start_at", "end_at", "place")


def settings() -> dict[str, Any]:
    return current_app.config["MEETINGS"]


# -- time ------------------------------------------------------------------------------------


def opens_at(meeting: Meeting) -> datetime:
    return meeting.start_at - timedelta(minutes=meeting.checkin_opens_minutes)


def late_after(meeting: Meeting) -> datetime:
    return meeting.start_at + timedelta(minutes=meeting.late_grace_minutes)


def phase(meeting: Meeting, now: datetime | None = None) -> str:
    if meeting.status in (DRAFT, CANCELLED, ARCHIVED):
        return meeting.status
    now = now or utcnow()
    if now < opens_at(meeting):
        return "upcoming"
    if now < meeting.start_at:
        return "checkin_open"
    if now < meeting.end_at:
        return "in_progress"
    return "ended"


def local_day_bounds(day, *, end: bool = False) -> datetime:
    """A Beijing date → the naive-UTC instant its day starts (``end``: the next day starts)."""
    if end:
        day = day + timedelta(days=1)
    local = datetime.combine(day, time.min, tzinfo=timezone())
    return local.astimezone(UTC).replace(tzinfo=None)


# -- who may do what -------------------------------------------------------------------------


def can_manage(meeting: Meeting, principal) -> bool:
    return principal.covers(meeting.org.path, *MANAGE_ROLES)


def oversees(meeting: Meeting, principal) -> bool:
    """Managers and the discipline inspectors over the meeting's org."""
    return principal.covers(meeting.org.path, *READ_ROLES)


def runs(meeting: Meeting, principal) -> bool:
    """Manager, chair or recorder: may open the projector, watch attendance, write minutes."""
    if can_manage(meeting, principal):
        return True
    person = principal.person
    return person is not None and person.id in (meeting.chair_id, meeting.recorder_id)


def participant_of(meeting_id: int, person_id: int | None) -> Participant | None:
    if person_id is None:
        return None
    return db.session.execute(
        select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.person_id == person_id
        )
    ).scalar_one_or_none()


def _load(meeting_id: int) -> Meeting | None:
    return db.session.execute(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.org), joinedload(Meeting.chair), joinedload(Meeting.recorder))
    ).scalar_one_or_none()


def get_visible(meeting_id: int, principal) -> Meeting:
    """The meeting if the caller manages it, runs it, oversees it, takes part, or belongs to
    its branch (the branch feed shows its meetings to the members); else 404. Drafts only to
    those who run it."""
    meeting = _load(meeting_id)
    if meeting is not None:
        if oversees(meeting, principal) or runs(meeting, principal):
            return meeting
        if meeting.status != DRAFT and (
            principal.covers(meeting.org.path, "member")
            or participant_of(meeting.id, principal.person_id)
        ):
            return meeting
    raise ApiError(404, "not_found", "会议不存在")


def get_managed(meeting_id: int, principal) -> Meeting:
    meeting = get_visible(meeting_id, principal)
    if not can_manage(meeting, principal):
        raise ApiError(403, "not_manager", "只有本组织的书记或党委管理员可以执行此操作")
    return meeting


def get_run(meeting_id: int, principal) -> Meeting:
    meeting = get_visible(meeting_id, principal)
    if not runs(meeting, principal):
        raise ApiError(403, "not_manager", "只有书记、会议主持人或记录人可以执行此操作")
    return meeting


# -- listing ---------------------------------------------------------------------------------


def search(principal, filters: dict, page: int, per_page: int):
    query = select(Meeting).join(Org, Org.id == Meeting.org_id).options(joinedload(Meeting.org))
    person_id = principal.person_id
    if filters.get("mine"):
        if person_id is None:
            raise ApiError(403, "no_member", "该账号未关联党员档案")
        query = query.join(
            Participant,
            and_(Participant.meeting_id == Meeting.id, Participant.person_id == person_id),
        ).where(Meeting.status != DRAFT)
    else:
        prefixes = sorted(principal.scope(*READ_ROLES))
        visible = []
        if "/" in prefixes:
            visible.append(db.true())
        else:
            visible.extend(Org.path.startswith(p) for p in prefixes)
        if person_id is not None:
            taking_part = (
                select(Participant.id)
                .where(Participant.meeting_id == Meeting.id, Participant.person_id == person_id)
                .exists()
            )
            visible.append(and_(Meeting.status != DRAFT, taking_part))
        if not visible:
            raise ApiError(403, "forbidden", "当前角色无权查看会议")
        query = query.where(or_(*visible))
    if filters.get("org_id"):
        # An unknown org lists nothing, like one outside the caller's view (no 404 that would
        # tell the two apart).
        org = db.session.get(Org, filters["org_id"])
        query = query.where(Org.path.startswith(org.path) if org else db.false())
    if filters.get("type"):
        query = query.where(Meeting.type == filters["type"])
    if filters.get("status"):
        query = query.where(Meeting.status == filters["status"])
    if filters.get("from"):
        query = query.where(Meeting.start_at >= local_day_bounds(filters["from"]))
    if filters.get("to"):
        query = query.where(Meeting.start_at < local_day_bounds(filters["to"], end=True))
    query = query.order_by(Meeting.start_at.desc(), Meeting.id.desc())
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if filters.get("mine") and person_id is not None:
        attach_my_attendance(result.items, person_id)
    return result


def attach_my_attendance(meetings: list[Meeting], person_id: int) -> None:
    ids = [m.id for m in meetings]
    if not ids:
        return
    checkins = {
        c.meeting_id: c
        for c in db.session.execute(
            select(CheckIn).where(CheckIn.meeting_id.in_(ids), CheckIn.person_id == person_id)
        ).scalars()
    }
    leaves = {
        lr.meeting_id: lr
        for lr in db.session.execute(
            select(LeaveRequest).where(
                LeaveRequest.meeting_id.in_(ids), LeaveRequest.person_id == person_id
            )
        ).scalars()
    }
    now = utcnow()
    for meeting in meetings:
        meeting.my_attendance = attendance_of(
            meeting, checkins.get(meeting.id), leaves.get(meeting.id), now
        )


def attendance_of(meeting, checkin, leave, now=None) -> str:
    if checkin is not None and checkin.revoked_at is None:
        return "late" if checkin.late else "present"
    if leave is not None and leave.state == APPROVED:
        return "on_leave"
    now = now or utcnow()
    if meeting.status == ARCHIVED or now >= meeting.end_at:
        return "absent"
    return "not_checked_in"


# -- create and change -----------------------------------------------------------------------


def _check_type(org: Org, meeting_type: str) -> None:
    if (meeting_type == "group_meeting") != (org.type == "group"):
        raise ApiError(
            422,
            "validation_error",
            "输入数据有误",
            {"type": ["党小组会只能由党小组召开，党小组只能召开党小组会"]},
        )


def _check_times(start: datetime, end: datetime) -> None:
    errors = {}
    if end <= start:
        errors["end_at"] = ["结束时间必须晚于开始时间"]
    elif end - start > timedelta(hours=24):
        errors["end_at"] = ["会议时长不能超过 24 小时"]
    now = utcnow()
    if abs(start - now) > timedelta(days=366):
        errors["start_at"] = ["开始时间应在一年之内"]
    if errors:
        raise ApiError(422, "validation_error", "输入数据有误", errors)


def _person_in(person_id: int, field: str, principal) -> Person:
    person = db.session.get(Person, person_id)
    if (
        person is None
        or person.status != "normal"
        or not principal.covers(person.org.path, *READ_ROLES)
    ):
        raise ApiError(
            422, "validation_error", "输入数据有误", {field: ["人员不存在或不在管辖范围内"]}
        )
    return person


def default_participant_ids(org: Org) -> list[int]:
    query = (
        select(Person.id)
        .join(Org, Org.id == Person.org_id)
        .where(in_org(org), *counted_members())
        .order_by(Person.id)
    )
    return list(db.session.execute(query).scalars())


def create(data: dict, principal) -> Meeting:
    org = db.session.get(Org, data["org_id"])
    if org is None or not principal.covers(org.path, *MANAGE_ROLES):
        raise ApiError(404, "not_found", "组织不存在")
    _check_type(org, data["type"])
    _check_times(data["start_at"], data["end_at"])
    config = settings()
    meeting = Meeting(
        org_id=org.id,
        type=data["type"],
        title=data["title"],
        place=data["place"],
        description=data.get("description"),
        start_at=data["start_at"],
        end_at=data["end_at"],
        sign_out=data.get("sign_out", False),
        checkin_opens_minutes=data.get("checkin_opens_minutes", config["checkin_opens_minutes"]),
        late_grace_minutes=data.get("late_grace_minutes", config["late_grace_minutes"]),
        status=DRAFT,
        checkin_secret=secrets.token_hex(16),
        created_by_person_id=principal.person.id if principal.person else None,
        created_by_account_id=principal.account.id if principal.account else None,
    )
    meeting.org = org
    _apply_geofence(meeting, data)
    for field in ("chair_id", "recorder_id"):
        if data.get(field) is not None:
            setattr(meeting, field, _person_in(data[field], field, principal).id)
    db.session.add(meeting)
    db.session.flush()
    members = set(default_participant_ids(org))
    members.update(_checked_people(data.get("extra_participant_ids") or [], principal))
    observers = set(_checked_people(data.get("observer_ids") or [], principal)) - members
    for person_id in (meeting.chair_id, meeting.recorder_id):
        if person_id is not None and person_id not in members:
            observers.add(person_id)
    _insert_participants(meeting.id, members, MEMBER)
    _insert_participants(meeting.id, observers, OBSERVER)
    entry = audit.record("meeting.create", "meeting", meeting.id, org.id, {"title": meeting.title})
    audit.set_target(entry, meeting.id, org.id)
    return meeting


def _checked_people(person_ids: list[int], principal) -> list[int]:
    ids = sorted(set(person_ids))
    if not ids:
        return []
    found = db.session.execute(
        select(Person.id, Org.path)
        .join(Org, Org.id == Person.org_id)
        .where(Person.id.in_(ids), Person.status == "normal")
    ).all()
    allowed = {pid for pid, path in found if principal.covers(path, *READ_ROLES)}
    missing = [pid for pid in ids if pid not in allowed]
    if missing:
        raise ApiError(
            422,
            "validation_error",
            "输入数据有误",
            {"person_ids": [f"人员不存在或不在管辖范围内：{', '.join(map(str, missing[:10]))}"]},
        )
    return ids


def _insert_participants(meeting_id: int, person_ids, role: str) -> None:
    rows = [
        {"meeting_id": meeting_id, "person_id": pid, "role": role} for pid in sorted(person_ids)
    ]
    if rows:
        db.session.execute(insert(Participant), rows)


def _apply_geofence(meeting: Meeting, data: dict) -> None:
    if "geofence" not in data:
        return
    fence = data["geofence"]
    if fence is None:
        meeting.latitude = meeting.longitude = meeting.radius_m = None
    else:
        meeting.latitude = fence["latitude"]
        meeting.longitude = fence["longitude"]
        meeting.radius_m = fence["radius_m"]


def update(meeting: Meeting, data: dict, principal) -> Meeting:
    if meeting.status in (CANCELLED, ARCHIVED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档，不能修改")
    if meeting.status == PUBLISHED and utcnow() >= meeting.end_at:
        raise ApiError(409, "meeting_ended", "会议已结束，不能修改")
    if "type" in data:
        _check_type(meeting.org, data["type"])
    start = data.get("start_at", meeting.start_at)
    end = data.get("end_at", meeting.end_at)
    if "start_at" in data or "end_at" in data:
        _check_times(start, end)
    before = {name: getattr(meeting, name) for name in NEWSWORTHY}
    for field in (
        "type",
        "title",
        "place",
        "description",
        "start_at",
        "end_at",
        "sign_out",
        "checkin_opens_minutes",
        "late_grace_minutes",
    ):
        if field in data and data[field] is not None:
            setattr(meeting, field, data[field])
    if "description" in data and data["description"] is None:
        meeting.description = None
    _apply_geofence(meeting, data)
    for field in ("chair_id", "recorder_id"):
        if field in data:
            person_id = data[field]
            setattr(
                meeting, field, _person_in(person_id, field, principal).id if person_id else None
            )
            if person_id and participant_of(meeting.id, person_id) is None:
                _insert_participants(meeting.id, [person_id], OBSERVER)
    changed = [name for name in NEWSWORTHY if getattr(meeting, name) != before[name]]
    audit.record(
        "meeting.update",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"fields": sorted(data)},
    )
    db.session.flush()
    if meeting.status == PUBLISHED:
        if changed:
            notify(
                "meeting_changed",
                recipient_ids(meeting),
                _notice_data(meeting),
                org_id=meeting.org_id,
                sender=principal,
            )
        schedule_reminders(meeting, principal)
    return meeting


def publish(meeting: Meeting, principal) -> Meeting:
    if meeting.status != DRAFT:
        raise ApiError(409, "not_draft", "只有草稿状态的会议可以发布")
    meeting.status = PUBLISHED
    meeting.published_at = utcnow()
    # A meeting already held is recorded, not announced: no notices, no reminders.
    past = meeting.published_at >= meeting.end_at
    audit.record("meeting.publish", "meeting", meeting.id, meeting.org_id, {"past": past})
    if past:
        return meeting
    db.session.flush()
    notify(
        "meeting_notice",
        recipient_ids(meeting),
        _notice_data(meeting),
        org_id=meeting.org_id,
        sender=principal,
    )
    schedule_reminders(meeting, principal)
    return meeting


def cancel(meeting: Meeting, reason: str, principal) -> Meeting:
    if meeting.status not in (DRAFT, PUBLISHED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档")
    if meeting.status == PUBLISHED and utcnow() >= meeting.end_at:
        raise ApiError(409, "meeting_ended", "会议已结束，不能取消")
    was_published = meeting.status == PUBLISHED
    meeting.status = CANCELLED
    meeting.cancelled_at = utcnow()
    meeting.cancel_reason = reason
    for key in reminder_keys(meeting):
        cancel_notification(key)
    if was_published:
        data = _notice_data(meeting)
        data["reason"] = reason
        notify(
            "meeting_cancelled",
            recipient_ids(meeting),
            data,
            org_id=meeting.org_id,
            sender=principal,
        )
    audit.record("meeting.cancel", "meeting", meeting.id, meeting.org_id, {"reason": reason})
    return meeting


def delete_draft(meeting: Meeting) -> None:
    if meeting.status != DRAFT:
        raise ApiError(409, "not_draft", "只有草稿可以删除；已发布的会议请取消")
    audit.record("meeting.delete", "meeting", meeting.id, meeting.org_id, {"title": meeting.title})
    db.session.execute(Participant.__table__.delete().where(Participant.meeting_id == meeting.id))
    db.session.delete(meeting)


# -- participants and reminders --------------------------------------------------------------


def recipient_ids(meeting: Meeting) -> list[int]:
    return list(
        db.session.execute(
            select(Participant.person_id).where(Participant.meeting_id == meeting.id)
        ).scalars()
    )


def participants(meeting: Meeting) -> list[Participant]:
    return list(
        db.session.execute(
            select(Participant)
            .where(Participant.meeting_id == meeting.id)
            .options(joinedload(Participant.person))
            .order_by(Participant.role, Participant.person_id)
        ).scalars()
    )


def add_participants(meeting: Meeting, person_ids: list[int], role: str, principal) -> None:
    if meeting.status in (CANCELLED, ARCHIVED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档，不能修改")
    ids = _checked_people(person_ids, principal)
    existing = {
        p.person_id: p
        for p in db.session.execute(
            select(Participant).where(
                Participant.meeting_id == meeting.id, Participant.person_id.in_(ids)
            )
        ).scalars()
    }
    new = [pid for pid in ids if pid not in existing]
    for participant in existing.values():
        participant.role = role
    _insert_participants(meeting.id, new, role)
    audit.record(
        "meeting.participants.add",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"person_ids": ids, "role": role},
    )
    db.session.flush()
    if meeting.status == PUBLISHED and new and utcnow() < meeting.end_at:
        notify(
            "meeting_notice", new, _notice_data(meeting), org_id=meeting.org_id, sender=principal
        )
        schedule_reminders(meeting, principal)


def remove_participant(meeting: Meeting, person_id: int, principal) -> None:
    if meeting.status in (CANCELLED, ARCHIVED):
        raise ApiError(409, "meeting_closed", "会议已取消或已归档，不能修改")
    participant = participant_of(meeting.id, person_id)
    if participant is None:
        raise ApiError(404, "not_found", "该人员不在参会名单中")
    has_checkin = db.session.execute(
        select(CheckIn.id).where(CheckIn.meeting_id == meeting.id, CheckIn.person_id == person_id)
    ).first()
    if has_checkin:
        raise ApiError(409, "has_checkin", "该人员已签到，不能移出名单；如属代签请撤销签到")
    db.session.delete(participant)
    audit.record(
        "meeting.participants.remove",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"person_id": person_id},
    )
    db.session.flush()
    if meeting.status == PUBLISHED:
        schedule_reminders(meeting, principal)


def reminder_keys(meeting: Meeting) -> list[str]:
    return [f"meeting:{meeting.id}:remind-{minutes}m" for minutes in settings()["reminder_minutes"]]


def schedule_reminders(meeting: Meeting, principal=None) -> None:
    """(Re)place the reminders of a published meeting: same keys, so a moved meeting moves
    them and a reminder whose time has passed is cancelled."""
    now = utcnow()
    people = recipient_ids(meeting)
    for minutes, key in zip(settings()["reminder_minutes"], reminder_keys(meeting), strict=True):
        at = meeting.start_at - timedelta(minutes=minutes)
        if at <= now or not people:
            cancel_notification(key)
            continue
        notify(
            "meeting_reminder",
            people,
            _notice_data(meeting),
            at=at,
            key=key,
            org_id=meeting.org_id,
            sender=principal,
        )


def _notice_data(meeting: Meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "start_at": meeting.start_at,
        "place": meeting.place,
        "meeting_id": meeting.id,
        "type_label": meeting.type_label,
    }


# -- counts ----------------------------------------------------------------------------------


def counts(meeting: Meeting, now: datetime | None = None) -> dict[str, int]:
    """Attendance totals of the members expected (observers counted apart), by aggregate
    queries: what the projector polls. ``tally`` counts the same from loaded rows."""
    member = and_(Participant.meeting_id == meeting.id, Participant.role == MEMBER)
    by_role = dict(
        db.session.execute(
            select(Participant.role, func.count())
            .where(Participant.meeting_id == meeting.id)
            .group_by(Participant.role)
        ).all()
    )
    expected, observers = by_role.get(MEMBER, 0), by_role.get(OBSERVER, 0)
    present, late = db.session.execute(
        select(func.count(), func.coalesce(func.sum(db.case((CheckIn.late, 1), else_=0)), 0))
        .select_from(CheckIn)
        .join(
            Participant,
            and_(
                Participant.meeting_id == CheckIn.meeting_id,
                Participant.person_id == CheckIn.person_id,
            ),
        )
        .where(CheckIn.meeting_id == meeting.id, CheckIn.revoked_at.is_(None), member)
    ).one()
    valid_checkin = (
        select(CheckIn.id)
        .where(
            CheckIn.meeting_id == meeting.id,
            CheckIn.person_id == LeaveRequest.person_id,
            CheckIn.revoked_at.is_(None),
        )
        .exists()
    )
    leave_rows = db.session.execute(
        select(LeaveRequest.state, func.count())
        .join(
            Participant,
            and_(
                Participant.meeting_id == LeaveRequest.meeting_id,
                Participant.person_id == LeaveRequest.person_id,
            ),
        )
        .where(
            LeaveRequest.meeting_id == meeting.id,
            LeaveRequest.state.in_((APPROVED, PENDING)),
            member,
            ~valid_checkin,
        )
        .group_by(LeaveRequest.state)
    ).all()
    by_state = dict(leave_rows)
    on_leave = by_state.get(APPROVED, 0)
    missing = max(expected - present - on_leave, 0)
    ended = meeting.status == ARCHIVED or (now or utcnow()) >= meeting.end_at
    return {
        "expected": expected,
        "present": present,
        "late": int(late),
        "on_leave": on_leave,
        "absent": missing if ended else 0,
        "not_checked_in": 0 if ended else missing,
        "observers": observers,
        "pending_leave": by_state.get(PENDING, 0),
    }


AttendanceRow = tuple[Participant, CheckIn | None, LeaveRequest | None]


def participant_rows(meeting: Meeting) -> list[AttendanceRow]:
    """Everyone on the list with their check-in and leave request (either may be None)."""
    return list(
        db.session.execute(
            select(Participant, CheckIn, LeaveRequest)
            .outerjoin(
                CheckIn,
                and_(
                    CheckIn.meeting_id == Participant.meeting_id,
                    CheckIn.person_id == Participant.person_id,
                ),
            )
            .outerjoin(
                LeaveRequest,
                and_(
                    LeaveRequest.meeting_id == Participant.meeting_id,
                    LeaveRequest.person_id == Participant.person_id,
                ),
            )
            .where(Participant.meeting_id == meeting.id)
            .options(joinedload(Participant.person))
            .order_by(Participant.role, Participant.person_id)
        ).all()
    )


def tally(meeting: Meeting, rows: list[AttendanceRow], now: datetime | None = None) -> dict:
    """The totals of ``counts`` and the names behind them, from ``participant_rows``: the
    attendance in the minutes (DOMAIN.md §2: expected / present / absent with reasons /
    observers), the live list and the exports. Late people are also present."""
    now = now or utcnow()
    lists: dict[str, list] = {
        "present": [],
        "late": [],
        "on_leave": [],
        "absent": [],
        "not_checked_in": [],
        "observers": [],
    }
    pending_leave = 0
    for participant, checkin, leave in rows:
        name = participant.person.name
        if participant.role == OBSERVER:
            lists["observers"].append(name)
            continue
        state = attendance_of(meeting, checkin, leave, now)
        if state == "on_leave":
            lists["on_leave"].append({"name": name, "reason": leave.reason})
            continue
        if state == "late":
            lists["present"].append(name)
        lists[state].append(name)
        if state in ("absent", "not_checked_in") and leave is not None and leave.state == PENDING:
            pending_leave += 1
    totals = {key: len(names) for key, names in lists.items()}
    return {
        "expected": len(rows) - totals["observers"],
        **totals,
        "pending_leave": pending_leave,
        "lists": lists,
    }


def has_minutes(meeting: Meeting) -> bool:
    return (
        db.session.execute(select(Minutes.id).where(Minutes.meeting_id == meeting.id)).first()
        is not None
    )


def detail(meeting: Meeting, principal) -> Meeting:
    """Decorate the meeting for the detail view: my part in it, counts for those who run it."""
    now = utcnow()
    meeting.can_manage = can_manage(meeting, principal)
    meeting.has_minutes = has_minutes(meeting)
    meeting.counts = counts(meeting, now) if runs(meeting, principal) else None
    mine = (
        db.session.execute(taking_part(principal.person_id).where(Meeting.id == meeting.id)).first()
        if principal.person_id is not None
        else None
    )
    if mine is None:
        meeting.my = None
        return meeting
    _meeting, role, checkin, leave = mine
    meeting.my = {
        "participant": True,
        "role": role,
        "attendance": attendance_of(meeting, checkin, leave, now),
        "checkin": checkin,
        "leave": leave,
    }
    return meeting


# -- for other channels (the bot's 会议 / 待办 replies) ------------------------------------------


def taking_part(person_id: int):
    """(meeting, my role, my check-in or None, my leave request or None) for the meetings the
    person is on the list of: a select to filter and order further."""
    return (
        select(Meeting, Participant.role, CheckIn, LeaveRequest)
        .join(
            Participant,
            and_(Participant.meeting_id == Meeting.id, Participant.person_id == person_id),
        )
        .outerjoin(CheckIn, and_(CheckIn.meeting_id == Meeting.id, CheckIn.person_id == person_id))
        .outerjoin(
            LeaveRequest,
            and_(LeaveRequest.meeting_id == Meeting.id, LeaveRequest.person_id == person_id),
        )
    )


def upcoming_for(person_id: int, limit: int = 10) -> list[tuple[Meeting, str]]:
    """Published meetings the person takes part in that have not ended, soonest first, each
    with the person's attendance state (a pending leave shows as ``leave_pending``)."""
    now = utcnow()
    rows = db.session.execute(
        taking_part(person_id)
        .where(Meeting.status == PUBLISHED, Meeting.end_at > now)
        .order_by(Meeting.start_at, Meeting.id)
        .limit(limit)
    ).all()
    out = []
    for meeting, _role, checkin, leave in rows:
        state = attendance_of(meeting, checkin, leave, now)
        if state == "not_checked_in" and leave is not None and leave.state == PENDING:
            state = "leave_pending"
        out.append((meeting, state))
    return out


def pending_leave_count(prefixes: set[str]) -> int:
    """Undecided leave requests of published meetings not yet ended, in the orgs under
    ``prefixes``."""
    if not prefixes:
        return 0
    query = (
        select(func.count())
        .select_from(LeaveRequest)
        .join(Meeting, Meeting.id == LeaveRequest.meeting_id)
        .join(Org, Org.id == Meeting.org_id)
        .where(
            LeaveRequest.state == PENDING,
            Meeting.status == PUBLISHED,
            Meeting.end_at > utcnow(),
        )
    )
    if "/" not in prefixes:
        query = query.where(or_(*[Org.path.startswith(p) for p in sorted(prefixes)]))
    return db.session.scalar(query) or 0
