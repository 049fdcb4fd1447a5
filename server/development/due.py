"""What is due: the secretary's to-do, the committee's pipeline and the daily reminder scan.

All three read ``development_openings`` (what the rules open next for each active record, kept
current on every change) with set queries: their cost grows with what is due and with the
number of branches, never with one query per record.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from ..errors import ApiError
from ..extensions import db
from ..jobs import job
from ..notify.services import notify_many, timezone
from ..orgs.models import Org
from ..people.models import MANAGING_POSTS, PartyPost, Person
from . import rules as R
from .models import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    PENDING,
    STOPPED,
    DevelopmentEntry,
    DevelopmentOpening,
    DevelopmentRecord,
    DevelopmentReminder,
)
from .services import MANAGE_ROLES, READ_ROLES, decider_may, today

CATCH_UP_DAYS = 2  # a scan missed for a day or two still sends what became due meanwhile


def settings() -> dict:
    return current_app.config["DEVELOPMENT"]


def _in_scope(query, principal, roles):
    scope = principal.scope(*roles)
    if not scope:
        raise ApiError(403, "forbidden", "当前角色无权查看发展党员待办")
    if "/" not in scope:
        query = query.where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
    return query


def _org_filter(query, org_id):
    if org_id:
        org = db.session.get(Org, org_id)
        return query.where(Org.path.startswith(org.path) if org else False)
    return query


# --------------------------------------------------------------------------------------------
# The secretary's to-do
# --------------------------------------------------------------------------------------------
TODO_LIMIT = 500  # items listed; the counts cover them all


def todo(principal, org_id: int | None = None) -> dict:
    """Steps whose earliest date has come, steps near or past their deadline, and the
    approvals waiting for the caller — for the branches in the caller's scope. At most
    ``TODO_LIMIT`` steps are listed, the most urgent first (``truncated`` says so)."""
    on = today()
    soon = on + timedelta(days=max(settings()["remind_days_before"], default=7))
    opening = DevelopmentOpening
    bucket = case(
        (opening.deadline < on, "overdue"), (opening.deadline <= soon, "due_soon"), else_="open"
    ).label("bucket")
    base = (
        select()
        .select_from(opening)
        .join(DevelopmentRecord, DevelopmentRecord.id == opening.record_id)
        .join(Person, Person.id == DevelopmentRecord.person_id)
        .join(Org, Org.id == Person.org_id)
        .where(
            DevelopmentRecord.status == ACTIVE,
            or_(opening.earliest <= on, opening.deadline <= soon),
        )
    )
    base = _org_filter(_in_scope(base, principal, MANAGE_ROLES), org_id)
    counts = {"overdue": 0, "due_soon": 0, "open": 0}
    counts.update(db.session.execute(base.add_columns(bucket, func.count()).group_by(bucket)).all())
    rows = db.session.execute(
        base.add_columns(
            opening.step, opening.earliest, opening.deadline, opening.deadline_kind, bucket,
            DevelopmentRecord.id, DevelopmentRecord.rules_version, Person.id, Person.name,
            Org.id, Org.name,
        )
        .order_by(opening.deadline.is_(None), opening.deadline, opening.earliest, opening.id)
        .limit(TODO_LIMIT)
    )  # fmt: skip
    items = []
    for row in rows:
        number, earliest, deadline, kind, urgency, record_id, version, pid, name, oid, oname = row
        step = R.load(version).steps[number]
        items.append(
            {
                "record_id": record_id,
                "person_id": pid,
                "name": name,
                "org_id": oid,
                "org_name": oname,
                "step": number,
                "step_name": step.name,
                "actor": step.actor,
                "approver": step.approver,
                "recurring": step.recurring,
                "earliest": earliest,
                "deadline": deadline,
                "deadline_kind": kind,
                "bucket": urgency,
            }
        )
    approvals = _approvals(principal, org_id)
    return {
        "on": on,
        "counts": {**counts, "approvals": len(approvals)},
        "items": items,
        "truncated": sum(counts.values()) > len(items),
        "approvals": approvals,
    }


def _approvals(principal, org_id: int | None) -> list[dict]:
    query = (
        select(DevelopmentEntry, DevelopmentRecord.rules_version, Person, Org)
        .join(DevelopmentRecord, DevelopmentRecord.id == DevelopmentEntry.record_id)
        .join(Person, Person.id == DevelopmentRecord.person_id)
        .join(Org, Org.id == Person.org_id)
        .where(DevelopmentEntry.state == PENDING, DevelopmentRecord.status == ACTIVE)
        .order_by(DevelopmentEntry.recorded_at, DevelopmentEntry.id)
    )
    try:
        query = _org_filter(_in_scope(query, principal, ("member", *MANAGE_ROLES)), org_id)
    except ApiError:
        return []
    out = []
    may: dict[tuple[int, str], bool] = {}  # (branch, body): the caller represents it
    for entry, version, person, branch in db.session.execute(query):
        step = R.load(version).steps[entry.step]
        if (branch.id, step.approver) not in may:
            may[branch.id, step.approver] = decider_may(branch, step.approver, principal)
        if not may[branch.id, step.approver]:
            continue
        out.append(
            {
                "entry_id": entry.id,
                "record_id": entry.record_id,
                "person_id": person.id,
                "name": person.name,
                "org_id": branch.id,
                "org_name": branch.name,
                "step": step.number,
                "step_name": step.name,
                "approver": step.approver,
                "approver_label": R.APPROVERS[step.approver],
                "done_on": entry.done_on,
                "details": entry.details,
                "warnings": entry.warnings or [],
                "recorded_by": entry.recorded_by,
                "recorded_at": entry.recorded_at,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# The committee's pipeline
# --------------------------------------------------------------------------------------------
def pipeline(principal, org_id: int | None = None) -> dict:
    """How many people are at each stage in each branch, who is overdue, and cohorts by
    intake window (the half-year of the application)."""
    on = today()
    overdue = and_(DevelopmentRecord.status == ACTIVE, DevelopmentRecord.next_deadline < on)
    base = (
        select()
        .select_from(DevelopmentRecord)
        .join(Person, Person.id == DevelopmentRecord.person_id)
        .join(Org, Org.id == Person.org_id)
    )
    base = _org_filter(_in_scope(base, principal, READ_ROLES), org_id)
    by_branch: dict[int, dict] = {}
    rows = db.session.execute(
        base.add_columns(
            Org.id,
            Org.name,
            DevelopmentRecord.stage,
            func.count(),
            func.sum(case((overdue, 1), else_=0)),
        )
        .where(DevelopmentRecord.status == ACTIVE)
        .group_by(Org.id, Org.name, DevelopmentRecord.stage)
        .order_by(Org.id)
    )
    for branch_id, branch_name, stage, n, late in rows:
        branch = by_branch.setdefault(
            branch_id,
            {"org_id": branch_id, "org_name": branch_name, "stages": {}, "total": 0, "overdue": 0},
        )
        branch["stages"][stage] = n
        branch["total"] += n
        branch["overdue"] += int(late or 0)
    cohorts: dict[str, dict] = {}
    rows = db.session.execute(
        base.add_columns(
            DevelopmentRecord.cohort,
            DevelopmentRecord.status,
            DevelopmentRecord.stage,
            func.count(),
        )
        .group_by(DevelopmentRecord.cohort, DevelopmentRecord.status, DevelopmentRecord.stage)
        .order_by(DevelopmentRecord.cohort)
    )
    for cohort, status, stage, n in rows:
        row = cohorts.setdefault(
            cohort,
            {
                "cohort": cohort,
                "label": cohort_label(cohort),
                "total": 0,
                "stages": {},
                COMPLETED: 0,
                STOPPED: 0,
                CANCELLED: 0,
            },
        )
        row["total"] += n
        if status == ACTIVE:
            row["stages"][stage] = row["stages"].get(stage, 0) + n
        else:
            row[status] += n
    late_rows = db.session.execute(
        base.add_columns(
            DevelopmentRecord.id,
            Person.name,
            Org.name,
            DevelopmentRecord.next_step,
            DevelopmentRecord.next_deadline,
            DevelopmentRecord.rules_version,
        )
        .where(overdue)
        .order_by(DevelopmentRecord.next_deadline, DevelopmentRecord.id)
        .limit(200)
    )
    rules = R.load(current_app.config["DEVELOPMENT"]["rules_version"])
    stage_names = rules.stages
    return {
        "on": on,
        "stages": [{"key": k, "name": v} for k, v in stage_names.items()],
        "branches": list(by_branch.values()),
        "totals": {
            stage: sum(b["stages"].get(stage, 0) for b in by_branch.values())
            for stage in stage_names
        },
        "overdue": [
            {
                "record_id": record_id,
                "name": name,
                "org_name": branch_name,
                "step": step,
                "step_name": R.load(version).steps[step].name if step else None,
                "deadline": deadline,
            }
            for record_id, name, branch_name, step, deadline, version in late_rows
        ],
        "cohorts": list(cohorts.values()),
    }


def cohort_label(cohort: str) -> str:
    year, _, half = cohort.partition("-")
    return f"{year}年{'上' if half == 'H1' else '下'}半年"


# --------------------------------------------------------------------------------------------
# The daily reminder scan
# --------------------------------------------------------------------------------------------
@job("periodic")
def scan_due(on=None) -> dict:
    """Remind secretaries (and the applicant, for their own steps) of steps that became
    possible and of deadlines ``remind_days_before`` days away. One set query finds them all;
    a unique row per (record, step, kind, day) keeps a re-run or a second worker from sending
    anything twice; the notification's key lets a changed date replace a waiting one."""
    on = on or today()
    days = sorted(set(settings()["remind_days_before"]))
    window = [on - timedelta(days=n) for n in range(CATCH_UP_DAYS + 1)]
    deadline_days = {d + timedelta(days=n): n for n in days for d in window}
    found = db.session.execute(
        select(
            DevelopmentOpening.record_id,
            DevelopmentOpening.step,
            DevelopmentOpening.earliest,
            DevelopmentOpening.deadline,
            DevelopmentRecord.rules_version,
            Person.id,
            Person.name,
            Person.org_id,
        )
        .join(DevelopmentRecord, DevelopmentRecord.id == DevelopmentOpening.record_id)
        .join(Person, Person.id == DevelopmentRecord.person_id)
        .where(
            DevelopmentRecord.status == ACTIVE,
            or_(
                DevelopmentOpening.earliest.in_(window),
                DevelopmentOpening.deadline.in_(list(deadline_days)),
            ),
        )
    ).all()
    due = []
    for record_id, step, earliest, deadline, version, person_id, name, org_id in found:
        rule = R.load(version).steps[step]
        if earliest in window and not rule.recurring:
            due.append((record_id, step, "open", earliest, rule, person_id, name, org_id, None))
        if deadline is not None:
            for n in days:
                reminded_on = deadline - timedelta(days=n)
                if reminded_on in window:
                    due.append(
                        (
                            record_id,
                            step,
                            f"due-{n}",
                            reminded_on,
                            rule,
                            person_id,
                            name,
                            org_id,
                            deadline,
                        )
                    )
    if not due:
        return {"on": on.isoformat(), "candidates": 0, "sent": 0}
    for _attempt in range(3):
        sent = _already_sent(due)
        fresh = [d for d in due if d[:4] not in sent]
        items, reminders = _reminders(fresh, _send_time(on))
        try:
            with db.session.begin_nested():  # the reminder rows first: they are the claim
                ids = _insert_returning(DevelopmentReminder, reminders)
        except IntegrityError:
            # A parallel scan sent some of them meanwhile. Nothing is written yet: look again
            # in a new transaction, whose snapshot sees what the other scan committed.
            db.session.rollback()
            continue
        notifications = notify_many(items)
        if ids:
            db.session.execute(
                update(DevelopmentReminder),
                [
                    {"id": rid, "notification_id": nid}
                    for rid, nid in zip(ids, notifications, strict=True)
                ],
            )
        db.session.commit()
        return {"on": on.isoformat(), "candidates": len(due), "sent": len(items)}
    raise RuntimeError("development reminders: the scan kept colliding with another")


def _already_sent(due: list[tuple]) -> set[tuple]:
    return set(
        db.session.execute(
            select(
                DevelopmentReminder.record_id,
                DevelopmentReminder.step,
                DevelopmentReminder.kind,
                DevelopmentReminder.remind_on,
            ).where(
                tuple_(
                    DevelopmentReminder.record_id,
                    DevelopmentReminder.step,
                    DevelopmentReminder.kind,
                    DevelopmentReminder.remind_on,
                ).in_([d[:4] for d in due])
            )
        ).all()
    )


def _reminders(fresh: list[tuple], at: datetime) -> tuple[list[dict], list[dict]]:
    """The notifications and reminder rows for the reminders not sent yet."""
    managers = _managers({d[7] for d in fresh})
    items, reminders = [], []
    for record_id, step, kind, remind_on, rule, person_id, name, org_id, deadline in fresh:
        people = set(managers.get(org_id, ()))
        if rule.actor == "applicant":
            people.add(person_id)
        if not people:
            continue
        data = {"name": name, "step": rule.name, "case_id": record_id}
        if kind == "open":
            item = {"kind": "development_step_open", "data": {**data, "earliest": remind_on}}
        else:
            item = {"kind": "development_step_due", "data": {**data, "due_on": deadline}}
        items.append({**item, "person_ids": people, "at": at, "org_id": org_id})
        reminders.append(
            {"record_id": record_id, "step": step, "kind": kind, "remind_on": remind_on}
        )
    return items, reminders


def _insert_returning(model, rows: list[dict]) -> list[int]:
    """Batched INSERT of ``rows``; their new ids in order."""
    if not rows:
        return []
    return list(
        db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    )


def _managers(org_ids: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if not org_ids:
        return out
    for org_id, person_id in db.session.execute(
        select(PartyPost.org_id, PartyPost.person_id).where(
            PartyPost.org_id.in_(org_ids), PartyPost.post.in_(MANAGING_POSTS)
        )
    ):
        out[org_id].append(person_id)
    return out


def _send_time(on) -> datetime:
    """``remind_hour`` o'clock local time on ``on``, as naive UTC (a past time sends now)."""
    local = datetime.combine(on, time(settings()["remind_hour"]), tzinfo=timezone())
    return local.astimezone(UTC).replace(tzinfo=None)
