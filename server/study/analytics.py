"""Study analytics for secretaries and the committee, read from pre-aggregated rows.

The raw rows (reading sessions, progress, punch-ins, quizzes, points) grow by a million a year;
the figures are read from two rollups of them instead:

- ``study_daily``: per member (正式/预备党员 in normal status) and Beijing day, what they did;
- ``study_org_weeks``: per org and week (Monday), the sums of its members' days, the members
  who studied at all that week (``active``) and the head count.

``rollup_day(day)`` recomputes a day's member rows from the raw rows, then the week's org rows
from the member rows: it replaces, never adds, so running it again (a retried job, a second
worker, a backfill) gives the same rows. It locks the week's marker row first, so two rollups
of one week take turns. The periodic job ``rollup`` runs it every 10 minutes for today, and for
yesterday too until 03:00 (a reading session counts to the day it started, and runs at most
two hours). The figures are as fresh as ``refreshed_at``.

A member **studied** (is active) on a day with counted reading time, a material studied, a
punch-in or a submitted quiz — what the evening reminder asks of them. A subtree's figures are
the sums over its orgs' rows; a week's active members are summed the same way, since each
member belongs to one org.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import aliased, selectinload

from ..db_types import locked_row, utcnow
from ..errors import ApiError
from ..extensions import db
from ..jobs import job
from ..notify.services import local_time, local_today, timezone
from ..orgs import services as org_services
from ..orgs.models import Org
from ..people.models import Person, counted_members, in_org
from .materials import MANAGE_ROLES
from .models import (
    PUBLISHED,
    PointsEntry,
    PunchIn,
    QuizAttempt,
    ReadingSession,
    StudyDaily,
    StudyOrgWeek,
    StudyPlan,
    StudyPlanOrg,
    StudyProgress,
    StudyRollupWeek,
)
from .plans import UNIT, completion_by_unit

CATCH_UP_HOURS = 3  # yesterday is rolled up again until 03:00 Beijing
MAX_PLANS = 10

IS_MEMBER = counted_members()


def week_of(on: date) -> date:
    return on - timedelta(days=on.weekday())


# --------------------------------------------------------------------------------------------
# The rollup
# --------------------------------------------------------------------------------------------
@job("periodic")
def rollup(now: datetime | None = None) -> dict:
    """Roll up today (and yesterday, until ``CATCH_UP_HOURS``): the 10-minute periodic job."""
    local = local_time(now or utcnow())
    days = [local.date()]
    if local.hour < CATCH_UP_HOURS:
        days.insert(0, local.date() - timedelta(days=1))
    done = {}
    for on in days:
        done[on.isoformat()] = rollup_day(on)
        db.session.commit()
    done["plans"] = rollup_plans()
    db.session.commit()
    return done


def rollup_day(on: date) -> int:
    """Recompute the member rows of ``on`` and the org rows of its week; returns the number of
    member rows. Flushes; the caller commits."""
    week = week_of(on)
    marker = locked_row(StudyRollupWeek, {"week_start": week}, {"refreshed_at": None})
    members = dict(db.session.execute(select(Person.id, UNIT).where(*IS_MEMBER)).all())
    days = _member_days(on, members)
    db.session.execute(delete(StudyDaily).where(StudyDaily.day == on))
    if days:
        # render_nulls: rows with and without a quiz go in one statement, not hundreds.
        statement = insert(StudyDaily).execution_options(render_nulls=True)
        db.session.execute(statement, list(days.values()))
    _roll_week(week, members, current=week == week_of(local_today()))
    marker.refreshed_at = utcnow()
    db.session.flush()
    return len(days)


def _member_days(on: date, members: dict[int, int]) -> dict[int, dict]:
    days: dict[int, dict] = {}

    def row(person_id: int) -> dict | None:
        if person_id not in members:
            return None  # an applicant's reading is in their trace, not in the figures
        return days.setdefault(
            person_id,
            {
                "person_id": person_id,
                "day": on,
                "org_id": members[person_id],
                "active": False,
                "reading_seconds": 0,
                "materials_studied": 0,
                "punched": False,
                "quiz_correct": None,
                "quiz_total": None,
                "points": 0,
            },
        )

    reading = db.session.execute(
        select(ReadingSession.person_id, func.sum(ReadingSession.total_seconds))
        .where(ReadingSession.day == on, ReadingSession.total_seconds > 0)
        .group_by(ReadingSession.person_id)
    )
    for person_id, seconds in reading:
        if (r := row(person_id)) is not None:
            r["reading_seconds"] = round(seconds)
            r["active"] = r["active"] or r["reading_seconds"] > 0
    start, end = _utc_bounds(on)
    studied = db.session.execute(
        select(StudyProgress.person_id, func.count())
        .where(StudyProgress.studied_at >= start, StudyProgress.studied_at < end)
        .group_by(StudyProgress.person_id)
    )
    for person_id, count in studied:
        if (r := row(person_id)) is not None:
            r["materials_studied"] = count
            r["active"] = True
    for person_id in db.session.scalars(select(PunchIn.person_id).where(PunchIn.day == on)):
        if (r := row(person_id)) is not None:
            r["punched"] = r["active"] = True
    quizzes = db.session.execute(
        select(QuizAttempt.person_id, QuizAttempt.correct, QuizAttempt.question_ids).where(
            QuizAttempt.day == on, QuizAttempt.submitted_at.is_not(None)
        )
    )
    for person_id, correct, question_ids in quizzes:
        if (r := row(person_id)) is not None:
            r["quiz_correct"], r["quiz_total"] = correct or 0, len(question_ids or [])
            r["active"] = True
    earned = db.session.execute(
        select(PointsEntry.person_id, func.sum(PointsEntry.points))
        .where(PointsEntry.day == on)
        .group_by(PointsEntry.person_id)
    )
    for person_id, points in earned:
        if (r := row(person_id)) is not None:
            r["points"] = int(points or 0)
    return days


def _utc_bounds(on: date) -> tuple[datetime, datetime]:
    """The Beijing day ``on`` as naive-UTC [start, end)."""
    start = datetime.combine(on, time(0), tzinfo=timezone()).astimezone(UTC)
    start = start.replace(tzinfo=None)
    return start, start + timedelta(days=1)


def _daily_sums() -> list:
    """What members' days add up to, named as the org-week columns (the rollup of a week, a
    member's period in ``people`` and ``today`` all sum the same way)."""
    d = StudyDaily
    active = d.active.is_(True)
    return [
        func.count(func.distinct(case((active, d.person_id)))).label("active"),
        func.sum(case((active, 1), else_=0)).label("active_days"),
        func.sum(d.reading_seconds).label("reading_seconds"),
        func.sum(d.materials_studied).label("materials_studied"),
        func.sum(case((d.punched.is_(True), 1), else_=0)).label("punch_ins"),
        func.count(d.quiz_total).label("quizzes"),
        func.sum(d.quiz_correct).label("quiz_correct"),
        func.sum(d.quiz_total).label("quiz_total"),
        func.sum(d.points).label("points"),
    ]


DAILY_SUMS = ("active", "active_days", "reading_seconds", "materials_studied", "punch_ins",
              "quizzes", "quiz_correct", "quiz_total", "points")  # fmt: skip


def _figures(row) -> dict:
    """A row of ``_daily_sums`` as ints (SUM gives NULL over no rows, and a Decimal on
    MariaDB)."""
    return {name: int(getattr(row, name) or 0) for name in DAILY_SUMS}


def _roll_week(week: date, members: dict[int, int], current: bool) -> None:
    """The week's org rows from its member rows. The head count is today's for the current
    week; a past week rolled up again (a backfill) keeps the head count it had."""
    d = StudyDaily
    sums = db.session.execute(
        select(d.org_id, *_daily_sums())
        .where(d.day >= week, d.day < week + timedelta(days=7))
        .group_by(d.org_id)
    )
    rows = {
        row.org_id: {"org_id": row.org_id, "week_start": week, "members": 0, **_figures(row)}
        for row in sums
    }
    zero = dict.fromkeys(DAILY_SUMS, 0)
    kept = {} if current else dict(
        db.session.execute(
            select(StudyOrgWeek.org_id, StudyOrgWeek.members).where(
                StudyOrgWeek.week_start == week
            )
        ).all()
    )  # fmt: skip
    if kept:
        for org_id, members_then in kept.items():
            rows.setdefault(org_id, {"org_id": org_id, "week_start": week, **zero})
            rows[org_id]["members"] = members_then
    else:
        for org_id in members.values():
            row = rows.setdefault(org_id, {"org_id": org_id, "week_start": week, **zero})
            row["members"] = row.get("members", 0) + 1
    db.session.execute(delete(StudyOrgWeek).where(StudyOrgWeek.week_start == week))
    if rows:
        db.session.execute(insert(StudyOrgWeek), list(rows.values()))


# --------------------------------------------------------------------------------------------
# Reading the figures
# --------------------------------------------------------------------------------------------
def org_for(org_id: int | None, principal) -> Org:
    """The org asked for, if the caller manages it (404 otherwise); by default the broadest
    org the caller manages."""
    if org_id is not None:
        return org_services.get_visible(org_id, principal, MANAGE_ROLES)
    scope = principal.scope(*MANAGE_ROLES)
    if not scope:
        raise ApiError(403, "forbidden", "当前角色无权查看学习统计")
    query = select(Org).order_by(Org.depth, Org.sort_order, Org.id).limit(1)
    if "/" not in scope:
        query = query.where(Org.path.in_(scope))
    org = db.session.scalar(query)
    if org is None:
        raise ApiError(404, "not_found", "组织不存在")
    return org


def _subtree(org: Org) -> dict[int, tuple[int, str]]:
    """Every org of ``org``'s subtree → (the child of ``org`` it lies under, or ``org``
    itself; its name)."""
    depth = len(org.path.strip("/").split("/"))
    rows = db.session.execute(
        select(Org.id, Org.path, Org.name).where(Org.path.startswith(org.path))
    ).all()
    out = {}
    for org_id, path, name in rows:
        parts = path.strip("/").split("/")
        out[org_id] = (int(parts[depth]) if len(parts) > depth else org.id, name)
    return out


def overview(org: Org, weeks: int, principal) -> dict:
    """The org's subtree over the last ``weeks`` weeks (this one included): weekly trends, the
    figures of each org directly below it, today's activity and its study plans."""
    on = local_today()
    this_week = week_of(on)
    first = this_week - timedelta(weeks=weeks - 1)
    subtree = _subtree(org)
    w = StudyOrgWeek
    in_period = (Org.path.startswith(org.path), w.week_start >= first, w.week_start <= this_week)
    sums = [func.sum(getattr(w, name)).label(name) for name in _Sums.FIELDS]
    by_week = {
        row.week_start: _Sums(row)
        for row in db.session.execute(
            select(w.week_start, *sums)
            .join(Org, Org.id == w.org_id)
            .where(*in_period)
            .group_by(w.week_start)
        )
    }
    by_child: dict[int, _Sums] = defaultdict(_Sums)
    for row in db.session.execute(
        select(w.org_id, *sums).join(Org, Org.id == w.org_id).where(*in_period).group_by(w.org_id)
    ):
        by_child[subtree[row.org_id][0]].add(row)
    total = _Sums()
    for week in by_week.values():
        total.add(week)
    members = dict(
        db.session.execute(
            select(UNIT, func.count())
            .join(Org, Org.id == UNIT)
            .where(Org.path.startswith(org.path), *IS_MEMBER)
            .group_by(UNIT)
        ).all()
    )
    headcount: dict[int, int] = defaultdict(int)
    for org_id, n in members.items():
        headcount[subtree[org_id][0]] += n
    children = sorted({child for child, _ in subtree.values()} - {org.id})
    if headcount.get(org.id) or org.id in by_child:
        children.insert(0, org.id)  # members directly in the org itself (直属)
    refreshed = db.session.scalar(
        select(StudyRollupWeek.refreshed_at).where(StudyRollupWeek.week_start == this_week)
    )
    parent = db.session.get(Org, org.parent_id) if org.parent_id else None
    if parent is not None and not principal.covers(parent.path, *MANAGE_ROLES):
        parent = None
    with_children = set(
        db.session.scalars(
            select(Org.parent_id).where(Org.parent_id.in_(children)).distinct()
        )
    ) if children else set()  # fmt: skip
    empty = _Sums()
    return {
        "org": {"id": org.id, "name": org.name, "type": org.type},
        "parent": {"id": parent.id, "name": parent.name} if parent else None,
        "refreshed_at": refreshed,
        "since": first,
        "until": on,
        "members": sum(members.values()),
        "today": _today(org, on),
        "totals": total.view(),
        "weeks": [
            {"week_start": start, **by_week.get(start, empty).view()}
            for start in (first + timedelta(weeks=i) for i in range(weeks))
        ],
        "orgs": [
            {
                "org_id": child,
                "org_name": subtree[child][1],
                "direct": child == org.id,
                "has_children": child != org.id and child in with_children,
                "members_now": headcount.get(child, 0),
                **by_child.get(child, empty).view(),
            }
            for child in children
        ],
        "plans": plan_completion(org, first, on),
    }


class _Sums:
    """Sums of org-week figures; ``members`` adds up head counts per week, so the active rate
    is the average weekly share of members who studied."""

    FIELDS = ("members", *DAILY_SUMS)

    def __init__(self, row=None) -> None:
        for name in self.FIELDS:
            setattr(self, name, 0)
        if row is not None:
            self.add(row)

    def add(self, row) -> None:
        for name in self.FIELDS:  # (MariaDB's SUM is a Decimal)
            setattr(self, name, getattr(self, name) + int(getattr(row, name) or 0))

    def view(self) -> dict:
        return {
            "member_weeks": self.members,
            "active": self.active,
            "active_rate": _rate(self.active, self.members),
            "active_days": self.active_days,
            "reading_minutes": round(self.reading_seconds / 60, 1),
            "minutes_per_member_week": round(self.reading_seconds / 60 / self.members, 1)
            if self.members
            else 0.0,
            "materials_studied": self.materials_studied,
            "punch_ins": self.punch_ins,
            "quizzes": self.quizzes,
            "quiz_accuracy": _rate(self.quiz_correct, self.quiz_total),
            "points": self.points,
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _today(org: Org, on: date) -> dict:
    d = StudyDaily
    today = _figures(
        db.session.execute(
            select(*_daily_sums())
            .join(Org, Org.id == d.org_id)
            .where(d.day == on, Org.path.startswith(org.path))
        ).one()
    )
    return {
        "day": on,
        "active": today["active"],
        "reading_minutes": round(today["reading_seconds"] / 60, 1),
        "punch_ins": today["punch_ins"],
        "quizzes": today["quizzes"],
    }


# --------------------------------------------------------------------------------------------
# Plan completion, rolled up per plan and org
# --------------------------------------------------------------------------------------------
PLAN_DAYS = 400  # plans due this long ago are still rolled up (a 53-week overview shows them)


def rollup_plans() -> int:
    """Recompute ``study_plan_orgs`` for the published plans due in the last ``PLAN_DAYS``
    days or later: per org, the members each covers and how many have studied all of its
    materials. Flushes; returns the number of plans."""
    # Under this week's marker, as the days' rollups: two runs at once take turns instead of
    # deadlocking over the emptied table's gap.
    locked_row(StudyRollupWeek, {"week_start": week_of(local_today())}, {"refreshed_at": None})
    since = local_today() - timedelta(days=PLAN_DAYS)
    plans = db.session.scalars(
        select(StudyPlan)
        .where(StudyPlan.status == PUBLISHED, StudyPlan.deadline >= since)
        .options(selectinload(StudyPlan.items), selectinload(StudyPlan.targets))
    ).all()
    db.session.execute(delete(StudyPlanOrg))
    rows = []
    for plan in plans:
        for org_id, people, complete in completion_by_unit(plan):
            rows.append(
                {"plan_id": plan.id, "org_id": org_id, "people": people, "complete": complete}
            )
    if rows:
        db.session.execute(insert(StudyPlanOrg), rows)
    db.session.flush()
    return len(plans)


def plan_completion(org: Org, since: date, on: date) -> list[dict]:
    """The published plans that cover members of ``org``'s subtree and were due on or after
    ``since``, open ones first by nearest deadline: how many of the subtree's members each
    covers and how many have studied all its materials (as of the last rollup)."""
    counts = (
        select(
            StudyPlanOrg.plan_id.label("plan_id"),
            func.sum(StudyPlanOrg.people).label("people"),
            func.sum(StudyPlanOrg.complete).label("complete"),
        )
        .join(Org, Org.id == StudyPlanOrg.org_id)
        .where(Org.path.startswith(org.path))
        .group_by(StudyPlanOrg.plan_id)
        .subquery()
    )
    owner = aliased(Org)
    rows = db.session.execute(
        select(StudyPlan.id, StudyPlan.title, StudyPlan.deadline, owner.name, counts)
        .join(counts, counts.c.plan_id == StudyPlan.id)
        .join(owner, owner.id == StudyPlan.org_id)
        .where(StudyPlan.status == PUBLISHED, StudyPlan.deadline >= since, counts.c.people > 0)
        .order_by(case((StudyPlan.deadline < on, 1), else_=0), StudyPlan.deadline)
        .limit(MAX_PLANS)
    )
    return [
        {
            "id": row.id,
            "title": row.title,
            "org_name": row.name,
            "deadline": row.deadline,
            "overdue": row.deadline < on,
            "people": int(row.people),
            "complete": int(row.complete),
            "rate": _rate(int(row.complete), int(row.people)),
        }
        for row in rows
    ]


def people(org: Org, since: date, until: date, sort: str, page: int, per_page: int) -> dict:
    """Each member of the subtree over [since, until]: reading minutes, days studied,
    punch-ins, quizzes, points and the last day they studied; members who did nothing too."""
    d = StudyDaily
    sums = (
        select(
            d.person_id.label("person_id"),
            *_daily_sums(),
            func.max(case((d.active.is_(True), d.day))).label("last_day"),
        )
        .join(Org, Org.id == d.org_id)
        .where(d.day >= since, d.day <= until, Org.path.startswith(org.path))
        .group_by(d.person_id)
        .subquery()
    )
    order = {
        "minutes": func.coalesce(sums.c.reading_seconds, 0).desc(),
        "days": func.coalesce(sums.c.active_days, 0).desc(),
        "points": func.coalesce(sums.c.points, 0).desc(),
        "least": func.coalesce(sums.c.active_days, 0).asc(),
    }[sort]
    then = func.coalesce(sums.c.reading_seconds, 0)  # ties: by minutes (fewest first for least)
    in_subtree = (in_org(org), *IS_MEMBER)
    total = db.session.scalar(
        select(func.count())
        .select_from(Person)
        .join(Org, Org.id == Person.org_id)
        .where(*in_subtree)
    )
    query = (
        select(Person.id, Person.name, Org.name.label("org_name"), sums)
        .join(Org, Org.id == Person.org_id)
        .outerjoin(sums, sums.c.person_id == Person.id)
        .where(*in_subtree)
        .order_by(order, then.asc() if sort == "least" else then.desc(), Person.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = []
    for r in db.session.execute(query):
        f = _figures(r)
        items.append(
            {
                "person_id": r.id,
                "name": r.name,
                "org_name": r.org_name,
                "reading_minutes": round(f["reading_seconds"] / 60, 1),
                "days_studied": f["active_days"],
                "punch_ins": f["punch_ins"],
                "quizzes": f["quizzes"],
                "quiz_accuracy": _rate(f["quiz_correct"], f["quiz_total"]),
                "materials_studied": f["materials_studied"],
                "points": f["points"],
                "last_studied": r.last_day,
            }
        )
    return {
        "org": {"id": org.id, "name": org.name, "type": org.type},
        "since": since,
        "until": until,
        "items": items,
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": -(-total // per_page),
        },
    }
