"""The learning trace (学习有痕): per person, day by day, what they read and for how long, their
punch-ins and their quiz results, over a period; exportable as .xlsx.

A member sees their own; a secretary or committee admin sees the people of the orgs they
manage (others: 404). Reading an other person's trace, and every export, is audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import func, select

from ..audit import services as audit
from ..errors import ApiError
from ..extensions import db
from ..files import safe_filename, xlsx_bytes, xlsx_row, xlsx_sheet
from ..notify.services import local_today
from ..people import services as people_services
from ..people.models import Person
from .materials import MANAGE_ROLES
from .models import PunchIn, QuizAttempt, ReadingSession, StudyMaterial
from .services import photo_url, visible_reflection

MAX_DAYS = 366


def person_for(person_id: int | None, principal) -> Person:
    """The caller (``person_id`` None) or a person they manage; 404 otherwise."""
    if person_id is None:
        return principal.member()
    return people_services.get_visible(person_id, principal, MANAGE_ROLES)


def period(args: dict) -> tuple[date, date]:
    until = min(args.get("until") or local_today(), local_today())  # nothing lies ahead
    since = args.get("since") or until - timedelta(days=29)
    if since > until:
        raise ApiError(
            422, "period_invalid", "开始日期不能晚于结束日期", {"since": ["晚于结束日期"]}
        )
    if (until - since).days >= MAX_DAYS:
        raise ApiError(
            422,
            "period_too_long",
            f"一次最多查看 {MAX_DAYS} 天",
            {"since": [f"时间跨度超过 {MAX_DAYS} 天"]},
        )
    return since, until


def trace(person: Person, since: date, until: date, principal) -> dict:
    if person.id != principal.person_id:
        audit.record(
            "study.trace.read", "person", person.id, person.org_id,
            {"since": since.isoformat(), "until": until.isoformat()},
        )  # fmt: skip
    days: dict[date, dict] = {}

    def day(on: date) -> dict:
        return days.setdefault(on, {"day": on, "reading": [], "punch_in": None, "quiz": None})

    reading = db.session.execute(
        select(
            ReadingSession.day,
            StudyMaterial.id,
            StudyMaterial.title,
            func.sum(ReadingSession.total_seconds),
        )
        .join(StudyMaterial, StudyMaterial.id == ReadingSession.material_id)
        .where(
            ReadingSession.person_id == person.id,
            ReadingSession.day.between(since, until),
            ReadingSession.total_seconds > 0,
        )
        .group_by(ReadingSession.day, StudyMaterial.id, StudyMaterial.title)
        .order_by(ReadingSession.day, StudyMaterial.id)
    ).all()
    for on, material_id, title, seconds in reading:
        day(on)["reading"].append(
            {"material_id": material_id, "title": title, "seconds": round(float(seconds), 1)}
        )
    for row in db.session.execute(
        select(PunchIn).where(PunchIn.person_id == person.id, PunchIn.day.between(since, until))
    ).scalars():
        day(row.day)["punch_in"] = {
            "streak": row.streak,
            "reflection": visible_reflection(row, principal.person_id),
            "photo_url": photo_url(row),
        }
    for row in db.session.execute(
        select(QuizAttempt).where(
            QuizAttempt.person_id == person.id,
            QuizAttempt.day.between(since, until),
            QuizAttempt.submitted_at.is_not(None),
        )
    ).scalars():
        day(row.day)["quiz"] = {"correct": row.correct, "total": len(row.question_ids)}
    ordered = [days[on] for on in sorted(days, reverse=True)]
    return {
        "person": {"id": person.id, "name": person.name, "org_name": person.org.name},
        "since": since,
        "until": until,
        "reading_seconds": round(sum(float(r[3]) for r in reading), 1),
        "days_studied": len(ordered),  # a day is listed only with something in it
        "days": ordered,
    }


def export(found: dict, principal) -> tuple[bytes, str]:
    person = found["person"]
    audit.record(
        "study.trace.export", "person", person["id"], None,
        {"since": found["since"].isoformat(), "until": found["until"].isoformat()},
    )  # fmt: skip
    book = Workbook()
    book.remove(book.active)
    sheet = xlsx_sheet(
        book,
        "学习有痕",
        [("日期", 12), ("阅读材料", 40), ("阅读分钟", 10), ("打卡", 8), ("连续天数", 10),
         ("心得", 40), ("答题", 10)],
    )  # fmt: skip
    for entry in found["days"]:
        reading = entry["reading"] or [None]
        for n, item in enumerate(reading):
            punch = entry["punch_in"] if n == 0 else None
            quiz = entry["quiz"] if n == 0 else None
            xlsx_row(
                sheet,
                [
                    entry["day"].isoformat(),
                    item["title"] if item else "",
                    round(item["seconds"] / 60, 1) if item else "",
                    "是" if punch else "",
                    punch["streak"] if punch else "",
                    (punch or {}).get("reflection") or "",
                    f"{quiz['correct']}/{quiz['total']}" if quiz else "",
                ],
            )
    span = f"{found['since']:%Y%m%d}-{found['until']:%Y%m%d}"
    name = f"{safe_filename(person['name'])}-学习有痕-{span}.xlsx"
    return xlsx_bytes(book), name
