"""三会一课 compliance: for each branch (and party group), the meetings DOMAIN.md §2 requires in
each period against those held with minutes; what is overdue or coming due; and the job that
reminds secretaries before a period ends.

Held = a meeting of that type of that org itself, published or archived, that has started and
has minutes. Periods are calendar months, quarters and years in Beijing time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..jobs import job
from ..notify.services import local_time, notify
from ..notify.services import local_today as today
from ..orgs.models import Org
from ..people.models import PartyPost, Person
from .models import ARCHIVED, MEETING_TYPES, PUBLISHED, ComplianceReminder, Meeting, Minutes
from .services import READ_ROLES, local_day_bounds

# A branch with this many full members has a branch committee (DOMAIN.md §2: 7 or more).
COMMITTEE_FROM = 7
# Whose reminder it is: the branch's leading posts.
RESPONSIBLE_POSTS = ("secretary", "deputy_secretary", "organization")


@dataclass(frozen=True)
class Rule:
    meeting_type: str
    period: str  # month | quarter | year
    required: int = 1


BRANCH_RULES = (
    Rule("branch_assembly", "quarter"),
    Rule("branch_committee", "month"),
    Rule("party_lecture", "quarter"),
    Rule("theme_day", "month"),
    Rule("life_meeting", "year"),
    Rule("appraisal", "year"),
)
GROUP_RULES = (Rule("group_meeting", "month"),)


@dataclass(frozen=True)
class Period:
    key: str  # 2026-11 | 2026-Q4 | 2026
    label: str
    start: date
    end: date  # last day

    def previous(self, kind: str) -> Period:
        return period_of(self.start - timedelta(days=1), kind)


def period_of(day: date, kind: str) -> Period:
    if kind == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(f"{day:%Y-%m}", f"{day.year}年{day.month}月", start, following - timedelta(1))
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        start = date(day.year, 3 * quarter - 2, 1)
        following = date(day.year + 1, 1, 1) if quarter == 4 else date(day.year, 3 * quarter + 1, 1)
        return Period(
            f"{day.year}-Q{quarter}",
            f"{day.year}年第{quarter}季度",
            start,
            following - timedelta(1),
        )
    return Period(str(day.year), f"{day.year}年", date(day.year, 1, 1), date(day.year, 12, 31))


def rules_for(org: Org, full_members: int) -> tuple[Rule, ...]:
    if org.type == "group":
        return GROUP_RULES
    if org.type != "branch":
        return ()
    if full_members < COMMITTEE_FROM:
        return tuple(r for r in BRANCH_RULES if r.meeting_type != "branch_committee")
    return BRANCH_RULES


def _orgs_under(org: Org) -> list[Org]:
    return list(
        db.session.execute(
            select(Org)
            .where(Org.path.startswith(org.path), Org.type.in_(("branch", "group")))
            .order_by(Org.path)
        ).scalars()
    )


def _full_members(org_ids: list[int]) -> Counter:
    rows = db.session.execute(
        select(Person.org_id, func.count())
        .where(Person.org_id.in_(org_ids), Person.member_type == "full", Person.status == "normal")
        .group_by(Person.org_id)
    ).all()
    return Counter(dict(rows))


def _held(org_ids: list[int], since: date, until: date) -> dict[tuple[int, str], list[date]]:
    """(org, type) → Beijing dates of meetings held with minutes in [since, until]."""
    now = utcnow()
    rows = db.session.execute(
        select(Meeting.org_id, Meeting.type, Meeting.start_at)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Meeting.org_id.in_(org_ids),
            Meeting.status.in_((PUBLISHED, ARCHIVED)),
            Meeting.start_at >= local_day_bounds(since),
            Meeting.start_at < local_day_bounds(until, end=True),
            Meeting.start_at <= now,
        )
    ).all()
    held: dict[tuple[int, str], list[date]] = {}
    for org_id, meeting_type, start_at in rows:
        day = local_time(start_at).date()
        held.setdefault((org_id, meeting_type), []).append(day)
    return held


def status_of(required: int, held: int, period: Period, on: date, warn_days: int) -> str:
    if held >= required:
        return "met"
    if period.end < on:
        return "overdue"
    if (period.end - on).days < warn_days:
        return "due_soon"
    return "open"


def report(org: Org, on: date) -> list[dict]:
    """Each branch and group under ``org``: its requirements in the current and the previous
    period, with what was held."""
    warn_days = current_app.config["MEETINGS"]["compliance_warn_days"]
    orgs = _orgs_under(org)
    ids = [o.id for o in orgs]
    full = _full_members([o.id for o in orgs if o.type == "branch"])
    since = period_of(period_of(on, "year").start - timedelta(days=1), "year").start
    held = _held(ids, since, period_of(on, "year").end)
    out = []
    for unit in orgs:
        requirements = []
        for rule in rules_for(unit, full[unit.id]):
            current = period_of(on, rule.period)
            for period in (current.previous(rule.period), current):
                dates = [
                    d
                    for d in held.get((unit.id, rule.meeting_type), [])
                    if period.start <= d <= period.end
                ]
                requirements.append(
                    {
                        "type": rule.meeting_type,
                        "type_label": MEETING_TYPES[rule.meeting_type],
                        "period": period.key,
                        "period_label": period.label,
                        "period_end": period.end,
                        "required": rule.required,
                        "held": len(dates),
                        "status": status_of(rule.required, len(dates), period, on, warn_days),
                    }
                )
        if requirements:
            out.append({"org_id": unit.id, "org_name": unit.name, "requirements": requirements})
    return out


def visible_org(org_id: int, principal) -> Org:
    org = db.session.get(Org, org_id)
    if org is None or not principal.covers(org.path, *READ_ROLES):
        raise ApiError(404, "not_found", "组织不存在")
    return org


def unmet(org: Org, on: date) -> list[dict]:
    """The overdue and due-soon requirements under ``org``, most urgent first."""
    rank = {"overdue": 0, "due_soon": 1}
    items = [
        {"org_id": unit["org_id"], "org_name": unit["org_name"], **requirement}
        for unit in report(org, on)
        for requirement in unit["requirements"]
        if requirement["status"] in rank
    ]
    return sorted(items, key=lambda i: (rank[i["status"]], i["period_end"], i["org_id"]))


# -- the reminder job ------------------------------------------------------------------------


def _responsible(org: Org) -> list[int]:
    branch_id = org.parent_id if org.type == "group" else org.id
    posts = RESPONSIBLE_POSTS + (("group_leader",) if org.type == "group" else ())
    return sorted(
        set(
            db.session.execute(
                select(PartyPost.person_id)
                .join(Person, Person.id == PartyPost.person_id)
                .where(
                    PartyPost.org_id.in_({branch_id, org.id}),
                    PartyPost.post.in_(posts),
                    Person.status == "normal",
                )
            ).scalars()
        )
    )


@job("periodic")
def remind_compliance() -> int:
    """Remind each branch's secretaries of requirements due within ``compliance_warn_days``,
    once per requirement and period (a unique row per reminder)."""
    on = today()
    sent = 0
    roots = db.session.execute(select(Org).where(Org.parent_id.is_(None))).scalars().all()
    for root in roots:
        for item in unmet(root, on):
            if item["status"] != "due_soon":
                continue
            org = db.session.get(Org, item["org_id"])
            people = _responsible(org)
            if not people:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(
                        ComplianceReminder(
                            org_id=org.id, meeting_type=item["type"], period=item["period"]
                        )
                    )
            except IntegrityError:
                continue  # reminded already (or a parallel run is doing it)
            notify(
                "compliance_due",
                people,
                {
                    "org_name": org.name,
                    "type_label": item["type_label"],
                    "status": "即将到期",
                    "period_label": item["period_label"],
                    "required": item["required"],
                    "held": item["held"],
                    "period_end": item["period_end"],
                },
                org_id=org.id,
            )
            sent += 1
    return sent
