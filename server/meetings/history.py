"""What was held and who came: a member's own attendance, the branch feed (支部动态) and the
.xlsx exports of meetings, attendance and minutes."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..files import Export, safe_filename, xlsx_bytes, xlsx_cell, xlsx_row, xlsx_sheet
from ..files import local_minute as _local
from ..orgs.models import Org
from .attachments import images_of
from .comments import published_counts
from .models import (
    CANCELLED,
    DRAFT,
    MEETING_STATUSES,
    OBSERVER,
    PARTICIPANT_ROLES,
    Meeting,
    Minutes,
)
from .services import (
    ATTENDANCE_LABELS,
    READ_ROLES,
    attendance_of,
    local_day_bounds,
    participant_rows,
    taking_part,
    tally,
)

# -- my attendance ---------------------------------------------------------------------------


def my_attendance(person_id: int, filters: dict, page: int, per_page: int) -> dict:
    """Meetings that have started and that I was expected at (or observed), newest first."""
    now = utcnow()
    query = (
        taking_part(person_id)
        .where(Meeting.status.not_in((DRAFT, CANCELLED)), Meeting.start_at <= now)
        .options(joinedload(Meeting.org))
    )
    if filters.get("from"):
        query = query.where(Meeting.start_at >= local_day_bounds(filters["from"]))
    if filters.get("to"):
        query = query.where(Meeting.start_at < local_day_bounds(filters["to"], end=True))
    rows = db.session.execute(query.order_by(Meeting.start_at.desc(), Meeting.id.desc())).all()
    items = []
    summary = {"total": 0, "present": 0, "late": 0, "on_leave": 0, "absent": 0}
    for meeting, _role, checkin, leave in rows:
        state = attendance_of(meeting, checkin, leave, now)
        summary["total"] += 1
        if state in ("present", "late"):
            summary["present"] += 1
        if state in summary and state != "present":
            summary[state] += 1
        items.append(
            {
                "meeting": meeting,
                "attendance": state,
                "attendance_label": ATTENDANCE_LABELS[state],
                "checked_in_at": checkin.checked_in_at
                if checkin is not None and checkin.revoked_at is None
                else None,
                "late": bool(checkin is not None and checkin.revoked_at is None and checkin.late),
            }
        )
    total = len(items)
    start = (page - 1) * per_page
    return {
        "summary": summary,
        "items": items[start : start + per_page],
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": (total + per_page - 1) // per_page,
        },
    }


# -- the branch feed -------------------------------------------------------------------------


def feed(org_id: int, principal, page: int, per_page: int):
    """Meetings of the org (and its groups) whose minutes are recorded, newest first."""
    org = db.session.get(Org, org_id)
    if org is None or not (
        principal.covers(org.path, *READ_ROLES) or principal.covers(org.path, "member")
    ):
        raise ApiError(404, "not_found", "组织不存在")
    query = (
        select(Meeting)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .join(Org, Org.id == Meeting.org_id)
        .where(Org.path.startswith(org.path), Meeting.status.not_in((DRAFT, CANCELLED)))
        .order_by(Meeting.start_at.desc(), Meeting.id.desc())
    )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    ids = [m.id for m in result.items]
    minutes_of = {
        m.meeting_id: m
        for m in db.session.execute(select(Minutes).where(Minutes.meeting_id.in_(ids))).scalars()
    }
    pairs = [(meeting, minutes_of[meeting.id]) for meeting in result.items]
    images = images_of(ids)
    comment_counts = published_counts(ids)
    items = [
        {
            "id": meeting.id,
            "kind": "minutes",
            "title": f"{meeting.type_label}：{meeting.title}",
            "summary": _summary(minutes),
            "meeting_id": meeting.id,
            "image_ids": images.get(meeting.id, [])[:9],
            "occurred_at": meeting.start_at,
            "comment_count": comment_counts.get(meeting.id, 0),
        }
        for meeting, minutes in pairs
    ]
    return {
        "items": items,
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": result.total,
            "pages": result.pages,
        },
    }


def _summary(minutes: Minutes) -> str:
    text = (minutes.resolutions or minutes.content or "").strip().replace("\n", " ")
    return text if len(text) <= 80 else text[:79] + "…"


# -- exports ---------------------------------------------------------------------------------


MEETING_COLUMNS = [
    ("开始时间", 18),
    ("会议类型", 14),
    ("会议名称", 30),
    ("组织", 24),
    ("地点", 20),
    ("主持人", 10),
    ("记录人", 10),
    ("状态", 8),
    ("应到", 6),
    ("实到", 6),
    ("迟到", 6),
    ("请假", 6),
    ("缺席", 6),
    ("有会议记录", 10),
]
ATTENDANCE_COLUMNS = [
    ("开始时间", 18),
    ("会议名称", 30),
    ("姓名", 10),
    ("身份", 6),
    ("出勤", 8),
    ("签到时间", 18),
    ("签到方式", 8),
    ("签退时间", 18),
    ("补签/撤销说明", 30),
    ("请假事由", 30),
]


def export_meetings(principal, filters: dict) -> Export:
    org = db.session.get(Org, filters["org_id"])
    if org is None or not principal.covers(org.path, *READ_ROLES):
        raise ApiError(404, "not_found", "组织不存在")
    entry = audit.record("meeting.export", "org", org.id, org.id)
    query = (
        select(Meeting)
        .join(Org, Org.id == Meeting.org_id)
        .where(Org.path.startswith(org.path), Meeting.status != DRAFT)
        .options(joinedload(Meeting.org), joinedload(Meeting.chair), joinedload(Meeting.recorder))
        .order_by(Meeting.start_at, Meeting.id)
    )
    if filters.get("type"):
        query = query.where(Meeting.type == filters["type"])
    if filters.get("from"):
        query = query.where(Meeting.start_at >= local_day_bounds(filters["from"]))
    if filters.get("to"):
        query = query.where(Meeting.start_at < local_day_bounds(filters["to"], end=True))
    meetings = list(db.session.execute(query.limit(5000)).scalars())
    with_minutes = set(
        db.session.execute(
            select(Minutes.meeting_id).where(Minutes.meeting_id.in_([m.id for m in meetings]))
        ).scalars()
    )
    workbook = Workbook(write_only=True)
    summary = xlsx_sheet(workbook, "会议", MEETING_COLUMNS)
    detail = xlsx_sheet(workbook, "出勤", ATTENDANCE_COLUMNS)
    now = utcnow()
    for meeting in meetings:
        rows = participant_rows(meeting)
        total = tally(meeting, rows, now)
        summary.append(
            [
                xlsx_cell(summary, value)
                for value in (
                    _local(meeting.start_at),
                    meeting.type_label,
                    meeting.title,
                    meeting.org.name,
                    meeting.place,
                    meeting.chair.name if meeting.chair else "",
                    meeting.recorder.name if meeting.recorder else "",
                    MEETING_STATUSES[meeting.status],
                    total["expected"],
                    total["present"],
                    total["late"],
                    total["on_leave"],
                    total["absent"],
                    "是" if meeting.id in with_minutes else "否",
                )
            ]
        )
        if meeting.status != CANCELLED:
            _append_attendance(detail, meeting, rows, now)
    content = xlsx_bytes(workbook)
    entry.detail = {"org_id": org.id, "meetings": len(meetings), **_plain(filters)}
    return Export(content, f"{safe_filename(org.name)}-会议与出勤-{date.today():%Y%m%d}.xlsx")


def _plain(filters: dict) -> dict:
    return {k: str(v) for k, v in filters.items() if v is not None and k != "org_id"}


def _append_attendance(sheet, meeting: Meeting, rows, now) -> None:
    for participant, checkin, leave in rows:
        row = _attendance_row(meeting, participant, checkin, leave, now)
        xlsx_row(sheet, row)


def _attendance_row(meeting, participant, checkin, leave, now) -> list:
    state = attendance_of(meeting, checkin, leave, now)
    label = "列席" if participant.role == OBSERVER else ATTENDANCE_LABELS[state]
    note = ""
    if checkin is not None and checkin.revoked_at is not None:
        note = f"签到已撤销：{checkin.revoke_reason}"
    elif checkin is not None and checkin.manual_reason:
        note = f"补签：{checkin.manual_reason}"
    valid = checkin is not None and checkin.revoked_at is None
    return [
        _local(meeting.start_at),
        meeting.title,
        participant.person.name,
        PARTICIPANT_ROLES[participant.role],
        label,
        _local(checkin.checked_in_at) if valid else "",
        ({"qr": "扫码", "manual": "补签"}.get(checkin.source, "") if valid else ""),
        _local(checkin.signed_out_at) if valid else "",
        note,
        leave.reason if leave is not None and leave.state == "approved" else "",
    ]


def export_minutes(meeting: Meeting, minutes) -> Export:
    """One meeting's record: the minutes and the attendance list, as the branch files it."""
    workbook = Workbook(write_only=True)
    sheet = xlsx_sheet(workbook, "会议记录", [("项目", 14), ("内容", 90)])
    snapshot = minutes.live_attendance if minutes is not None else None
    rows = [
        ("会议名称", meeting.title),
        ("会议类型", meeting.type_label),
        ("时间", f"{_local(meeting.start_at)} 至 {_local(meeting.end_at)}"),
        ("地点", meeting.place),
        ("主持人", meeting.chair.name if meeting.chair else ""),
        ("记录人", meeting.recorder.name if meeting.recorder else ""),
    ]
    if snapshot is not None:
        lists = snapshot["lists"]
        rows += [
            ("应到人数", snapshot["expected"]),
            ("实到人数", snapshot["present"]),
            ("迟到", "、".join(lists["late"])),
            ("请假", "；".join(f"{i['name']}（{i['reason']}）" for i in lists["on_leave"])),
            ("缺席", "、".join(lists["absent"] + lists["not_checked_in"])),
            ("列席", "、".join(lists["observers"])),
        ]
    if minutes is not None:
        votes = "；".join(
            f"{v['item']}：赞成 {v['yes']}，反对 {v['no']}，弃权 {v['abstain']}"
            for v in (minutes.votes or [])
        )
        rows += [
            ("议程", minutes.agenda),
            ("发言要点", minutes.content),
            ("决议", minutes.resolutions or ""),
            ("表决情况", votes),
            ("主持人签字", _local(minutes.chair_signed_at) or "未签"),
            ("记录人签字", _local(minutes.recorder_signed_at) or "未签"),
        ]
    for label, value in rows:
        sheet.append([label, xlsx_cell(sheet, value)])
    attendance = xlsx_sheet(workbook, "出勤", ATTENDANCE_COLUMNS)
    now = utcnow()
    for participant, checkin, leave in participant_rows(meeting):
        attendance.append(
            [
                xlsx_cell(attendance, v)
                for v in _attendance_row(meeting, participant, checkin, leave, now)
            ]
        )
    content = xlsx_bytes(workbook)
    name = f"{safe_filename(meeting.title)}-会议记录-{_local(meeting.start_at)[:10]}.xlsx"
    return Export(content, name)
