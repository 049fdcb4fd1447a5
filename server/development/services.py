"""Developing new members: starting a record, recording steps, approvals, corrections.

The rules live in ``rules.py`` (data + pure checks); here they meet the database, the people
and who is asking. Every change is audited and refreshes the record's openings (what is due
next), which the to-do list and the reminder scan read. Services flush; ``@allow`` commits.

Who may do what (object scope is by the applicant's branch path):
- see a record: the applicant; secretaries, committee admins and discipline inspectors whose
  scope covers the branch (others: 404);
- start a record, record a step, correct one, stop a record: the branch's managers and the
  committee's (``secretary``/``committee_admin`` in scope); the applicant may record their own
  steps (``actor = "applicant"``: the application, the 志愿书, the 转正申请);
- decide a step the rules give to a body: a branch body (支部委员会, 支部党员大会) is represented
  by a member of the branch committee (a managing post on that very branch); the base committee
  (基层党委) by a member of its committee or a committee admin over it — never by a 党总支.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import local_today as today
from ..notify.services import notify
from ..orgs.models import Org
from ..people.models import MANAGING_POSTS, PARTY_MEMBER_TYPES, PartyPost, Person
from . import rules as R
from .models import (
    ACTIVE,
    CANCELLED,
    CLOSED,
    COMPLETED,
    DONE,
    PENDING,
    REJECTED,
    STOPPED,
    SUPERSEDED,
    DevelopmentEntry,
    DevelopmentOpening,
    DevelopmentRecord,
)

MANAGE_ROLES = ("secretary", "committee_admin")
READ_ROLES = ("secretary", "committee_admin", "discipline_inspector")
BRANCH_BODIES = ("branch_committee", "branch_assembly")
# Member types that are already members: nobody starts a record for them.


def rules_of(record: DevelopmentRecord) -> R.RuleSet:
    return R.load(record.rules_version)


def cohort_of(day: date) -> str:
    """The intake window of an application: its half-year (``2025-H2``)."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def _label(principal) -> str:
    return principal.label[:100]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def _record_query():
    return select(DevelopmentRecord).options(
        selectinload(DevelopmentRecord.entries), selectinload(DevelopmentRecord.openings)
    )


def _load(record_id: int, lock: bool = False) -> DevelopmentRecord | None:
    if not lock:
        query = _record_query().where(DevelopmentRecord.id == record_id)
        return db.session.execute(query).unique().scalar_one_or_none()
    # A change: the record row is locked, so changes to one record queue. Its entries and
    # openings are then read with locking reads too, which see what the change before this one
    # committed (this transaction's snapshot may predate it: the caller's session was read
    # first), so nothing is computed from stale rows.
    fresh = {"populate_existing": True}
    record = db.session.execute(
        select(DevelopmentRecord)
        .where(DevelopmentRecord.id == record_id)
        .with_for_update(of=DevelopmentRecord)
        .execution_options(**fresh)
    ).scalar_one_or_none()
    if record is None:
        return None
    for name, model, order in (
        ("entries", DevelopmentEntry, (DevelopmentEntry.step, DevelopmentEntry.id)),
        ("openings", DevelopmentOpening, (DevelopmentOpening.step,)),
    ):
        rows = db.session.execute(
            select(model)
            .where(model.record_id == record_id)
            .order_by(*order)
            .with_for_update(read=True)
            .execution_options(**fresh)
        ).scalars()
        set_committed_value(record, name, list(rows))
    return record


def can_read(record: DevelopmentRecord, principal) -> bool:
    return record.person_id == principal.person_id or principal.covers(
        record.person.org.path, *READ_ROLES
    )


def can_manage(record: DevelopmentRecord, principal) -> bool:
    return principal.covers(record.person.org.path, *MANAGE_ROLES)


def get_visible(record_id: int, principal, lock: bool = False) -> DevelopmentRecord:
    record = _load(record_id, lock)
    if record is None or not can_read(record, principal):
        raise ApiError(404, "not_found", "发展档案不存在")
    return record


def mine(principal) -> DevelopmentRecord:
    """The caller's own record: the active one, else the latest."""
    if principal.person_id is None:
        raise ApiError(403, "no_member", "该账号未关联党员档案")
    record = (
        db.session.execute(
            _record_query()
            .where(DevelopmentRecord.person_id == principal.person_id)
            .order_by(DevelopmentRecord.live.desc(), DevelopmentRecord.id.desc())
            .limit(1)
        )
        .unique()
        .scalar_one_or_none()
    )
    if record is None:
        raise ApiError(404, "no_record", "你还没有入党申请记录；递交入党申请书后由党支部登记")
    return record


def search(principal, filters: dict, page: int, per_page: int):
    """Records in the caller's scope (managers and inspectors), newest application first."""
    scope = principal.scope(*READ_ROLES)
    if not scope:
        raise ApiError(403, "forbidden", "当前角色无权查看发展党员档案")
    query = (
        select(DevelopmentRecord)
        .join(Person, Person.id == DevelopmentRecord.person_id)
        .join(Org, Org.id == Person.org_id)
        # the joins above also load the person and their branch (no second join, no query
        # per branch when the list is shown)
        .options(contains_eager(DevelopmentRecord.person).contains_eager(Person.org))
    )
    if "/" not in scope:
        query = query.where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
    if filters.get("org_id"):
        org = db.session.get(Org, filters["org_id"])
        if org is None:
            return db.paginate(query.where(False), page=page, per_page=per_page)
        query = query.where(Org.path.startswith(org.path))
    if filters.get("status"):
        query = query.where(DevelopmentRecord.status == filters["status"])
    if filters.get("stage"):
        query = query.where(DevelopmentRecord.stage == filters["stage"])
    if filters.get("q"):
        query = query.where(Person.name.contains(filters["q"], autoescape=True))
    if filters.get("overdue"):
        query = query.where(
            DevelopmentRecord.status == ACTIVE, DevelopmentRecord.next_deadline < today()
        )
    query = query.order_by(DevelopmentRecord.applied_on.desc(), DevelopmentRecord.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --------------------------------------------------------------------------------------------
# The timeline and what comes next
# --------------------------------------------------------------------------------------------
def current_round(rules: R.RuleSet, record: DevelopmentRecord, step: int) -> int:
    """Steps done again after an extension (22–24) are in round 2 once it is approved."""
    return record.extensions + 1 if step in rules.extension_repeats else 1


def timeline(record: DevelopmentRecord, rules: R.RuleSet | None = None, entries=None) -> R.Timeline:
    """What the rules see of ``record``: its completed entries of the current round (or of
    ``entries``, e.g. all but the one being corrected)."""
    rules = rules or rules_of(record)
    line = R.Timeline(
        birth_date=record.person.birth_date,
        extension_months=record.extension_months,
        extensions=record.extensions,
    )
    for entry in record.entries if entries is None else entries:
        if entry.state == DONE and entry.round == current_round(rules, record, entry.step):
            line.add(entry.step, entry.done_on)
    return line


def refresh(record: DevelopmentRecord, rules: R.RuleSet | None = None) -> None:
    """Rewrite the record's openings and summary columns from its entries."""
    rules = rules or rules_of(record)
    line = timeline(record, rules)
    done = [n for n in line.done if not rules.steps[n].recurring] or [0]
    record.current_step = max(done)
    openings = R.outlook(rules, line) if record.status == ACTIVE else []
    pending = {e.step for e in record.entries if e.state == PENDING}
    openings = [o for o in openings if o.step not in pending]
    by_step = {o.step: o for o in record.openings}
    wanted = {o.step for o in openings}
    for step, row in list(by_step.items()):
        if step not in wanted:
            record.openings.remove(row)
    for opening in openings:
        row = by_step.get(opening.step)
        if row is None:
            row = DevelopmentOpening(step=opening.step)
            record.openings.append(row)
        row.earliest = opening.earliest
        row.deadline = opening.deadline
        row.deadline_kind = opening.deadline_kind
    firsts = [o for o in openings if not o.recurring] or openings
    record.next_step = min((o.step for o in firsts), default=None)
    deadlines = [o.deadline for o in openings if o.deadline is not None]
    record.next_deadline = min(deadlines, default=None)
    record.stage = rules.stage_reached(line.done)


# --------------------------------------------------------------------------------------------
# Who decides
# --------------------------------------------------------------------------------------------
def _ancestors(org: Org) -> list[Org]:
    ids = org.ancestor_ids
    rows = db.session.execute(select(Org).where(Org.id.in_(ids))).scalars().all()
    by_id = {o.id: o for o in rows}
    return [by_id[i] for i in ids if i in by_id]


def base_committee(branch: Org) -> Org | None:
    """The nearest 党委 above (or at) the branch: the body that approves admissions."""
    for org in reversed(_ancestors(branch)):
        if org.type == "committee":
            return org
    return None


def approving_org(record: DevelopmentRecord, body: str) -> Org | None:
    branch = record.person.org
    return branch if body in BRANCH_BODIES else base_committee(branch)


def _managing_posts(principal) -> list[PartyPost]:
    person = principal.person
    if person is None:
        return []
    return [p for p in person.posts if p.post in MANAGING_POSTS]


def decider_may(branch: Org, body: str, principal) -> bool:
    """Does the caller represent ``body`` for an applicant of ``branch``?"""
    org = branch if body in BRANCH_BODIES else base_committee(branch)
    if org is None:
        return False
    if any(p.org_id == org.id for p in _managing_posts(principal)):
        return True
    return body not in BRANCH_BODIES and principal.covers(org.path, "committee_admin")


def check_decider(record: DevelopmentRecord, step: R.Step, principal) -> None:
    """403 unless the caller represents the body the rules give ``step`` to."""
    body = step.approver
    branch = record.person.org
    if decider_may(branch, body, principal):
        return
    org = approving_org(record, body)
    if org is None:
        raise ApiError(409, "no_committee", "该支部上级没有基层党委，无法审批")
    if body not in BRANCH_BODIES and any(
        p.org.type == "general_branch" and branch.path.startswith(p.org.path)
        for p in _managing_posts(principal)
    ):
        raise ApiError(
            403,
            "body_may_not_approve",
            f"党总支无权审批「{step.name}」，须由基层党委（{org.name}）审批",
        )
    raise ApiError(
        403,
        "not_approver",
        f"「{step.name}」须由{org.name}的{R.APPROVERS[body]}审批，你不是其成员",
    )


def check_recorder(record: DevelopmentRecord, step: R.Step, principal) -> None:
    if step.actor == "applicant" and principal.person_id == record.person_id:
        return
    if not can_manage(record, principal):
        raise ApiError(403, "not_manager", "只有党支部或上级党委的负责同志可以记录这一步")


def _decider_ids(record: DevelopmentRecord, step: R.Step) -> list[int]:
    org = approving_org(record, step.approver)
    if org is None:
        return []
    return list(
        db.session.execute(
            select(PartyPost.person_id).where(
                PartyPost.org_id == org.id, PartyPost.post.in_(MANAGING_POSTS)
            )
        ).scalars()
    )


def _branch_manager_ids(record: DevelopmentRecord) -> list[int]:
    return list(
        db.session.execute(
            select(PartyPost.person_id).where(
                PartyPost.org_id == record.person.org_id, PartyPost.post.in_(MANAGING_POSTS)
            )
        ).scalars()
    )


# --------------------------------------------------------------------------------------------
# Entries: what a step records
# --------------------------------------------------------------------------------------------
# Whom a caller may name on a step: people they could see anyway (their own branch as a member,
# the orgs they manage). Anyone else is "unknown", so ids cannot be probed for names.
NAMING_ROLES = ("member", *READ_ROLES)


def _people(data: dict, step: R.Step, principal=None) -> dict[str, list[R.Person]]:
    """The people named in the body for the roles ``step`` has, loaded: 422 for a role the step
    does not have, and for an id unknown or outside what ``principal`` may see (None: names
    already accepted, as when an approval re-checks a submission)."""
    wanted = {role: ids for role, ids in (data.get("people") or {}).items() if ids}
    unused = sorted(set(wanted) - set(step.people))
    if unused:
        raise ApiError(
            422,
            "people_not_needed",
            "这一步不需要填写这些人员",
            {"people": {role: ["这一步不需要"] for role in unused}},
        )
    all_ids = {pid for ids in wanted.values() for pid in ids}
    if not all_ids:
        return {}
    found = {
        person.id: person
        for person, path in db.session.execute(
            select(Person, Org.path)
            .join(Org, Org.id == Person.org_id)
            .where(Person.id.in_(all_ids))
        )
        if principal is None or principal.covers(path, *NAMING_ROLES)
    }
    missing = sorted(all_ids - found.keys())
    if missing:
        raise ApiError(
            422,
            "unknown_person",
            "所选人员不存在",
            {"people": {str(pid): ["人员不存在"] for pid in missing}},
        )
    return {
        role: [
            R.Person(pid, found[pid].name, found[pid].member_type, found[pid].status) for pid in ids
        ]
        for role, ids in wanted.items()
    }


def _proposal(
    step: R.Step, done_on: date, data: dict, applicant_id: int, principal=None
) -> R.Proposal:
    training = data.get("training") or {}
    return R.Proposal(
        step=step.number,
        done_on=done_on,
        people=_people(data, step, principal),
        training_days=training.get("days"),
        training_hours=training.get("hours"),
        review_passed=data.get("review_passed"),
        votes=data.get("votes"),
        outcome=data.get("outcome"),
        extension_months=data.get("extension_months"),
        special_reason=data.get("special_reason"),
        note=data.get("note"),
        applicant_id=applicant_id,
    )


def _details(proposal: R.Proposal, data: dict) -> dict:
    """What the entry keeps: the body's facts, with names of the people as they were."""
    out = {
        key: data[key]
        for key in (
            "training",
            "review_passed",
            "votes",
            "outcome",
            "extension_months",
            "special_reason",
            "note",
        )
        if data.get(key) is not None
    }
    if proposal.people:
        out["people"] = {
            role: [{"id": p.id, "name": p.name} for p in people]
            for role, people in proposal.people.items()
        }
    return out


def _refuse(verdict: R.Verdict) -> None:
    if verdict.errors:
        errors: dict[str, list[str]] = {}
        for v in verdict.errors:
            errors.setdefault(v.field or "step", []).append(v.message)
        raise ApiError(
            422,
            verdict.errors[0].code,
            "；".join(v.message for v in verdict.errors),
            errors,
        )


def _by_key(record: DevelopmentRecord, key: str) -> DevelopmentEntry | None:
    """The entry an earlier request with this idempotency key made (a retry gets it back)."""
    entry = next((e for e in record.entries if e.idempotency_key == key), None)
    if entry is not None:
        entry.replayed = True
    return entry


def _insert_entry(record: DevelopmentRecord, entry: DevelopmentEntry) -> DevelopmentEntry:
    """Add ``entry`` under a savepoint; a second submission of the same idempotency key gets
    the first entry back, a second live entry of the step a 409."""
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        existing = db.session.execute(
            select(DevelopmentEntry).where(
                DevelopmentEntry.record_id == record.id,
                DevelopmentEntry.idempotency_key == entry.idempotency_key,
            )
        ).scalar_one_or_none()
        if existing is not None:
            existing.replayed = True
            return existing
        raise ApiError(
            409, "step_in_progress", "这一步已有待审批或已完成的记录，请刷新后再试"
        ) from None
    record.entries.append(entry)
    return entry


def _entry(record, step: R.Step, done_on, details, principal, key, state) -> DevelopmentEntry:
    rules = rules_of(record)
    return DevelopmentEntry(
        record_id=record.id,
        step=step.number,
        round=current_round(rules, record, step.number),
        state=state,
        live=None if step.recurring or state not in (PENDING, DONE) else 1,
        done_on=done_on,
        details=details,
        idempotency_key=key,
        recorded_by_person_id=principal.person_id,
        recorded_by=_label(principal),
        recorded_at=utcnow(),
    )


# --------------------------------------------------------------------------------------------
# Changes
# --------------------------------------------------------------------------------------------
def start(data: dict, principal) -> DevelopmentRecord:
    """Register someone's application (step 1) and open their record."""
    # Locked: two registrations of one person queue here (the second then meets the unique
    # active record) instead of deadlocking over the foreign-key locks of their inserts.
    person = db.session.get(Person, data["person_id"], with_for_update=True)
    if person is None or not principal.covers(person.org.path, *MANAGE_ROLES):
        raise ApiError(404, "not_found", "人员不存在")
    if person.member_type in PARTY_MEMBER_TYPES:
        raise ApiError(409, "already_member", f"{person.name}已是{person.member_type_label}")
    if person.org.type != "branch":
        raise ApiError(409, "not_in_branch", "申请人须编入党支部后才能登记入党申请")
    version = data.get("rules_version") or current_app.config["DEVELOPMENT"]["rules_version"]
    try:
        rules = R.load(version)
    except LookupError:
        raise ApiError(422, "unknown_rules", f"没有版本为 {version} 的发展党员规则") from None
    step = rules.steps[1]
    proposal = _proposal(step, data["applied_on"], data, person.id, principal)
    verdict = R.check(rules, R.Timeline(birth_date=person.birth_date), proposal, today())
    _refuse(verdict)
    record = DevelopmentRecord(
        person=person,
        rules_version=rules.version,
        status=ACTIVE,
        live=1,
        stage=step.stage,
        applied_on=data["applied_on"],
        cohort=cohort_of(data["applied_on"]),
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise ApiError(409, "record_exists", f"{person.name}已有进行中的发展档案") from None
    entry = _entry(
        record, step, data["applied_on"], _details(proposal, data), principal, data["key"], DONE
    )
    record.entries.append(entry)
    db.session.flush()
    _apply_effects(record, rules, entry)
    refresh(record, rules)
    audit.record(
        "development.start",
        "development_record",
        record.id,
        person.org_id,
        {"person_id": person.id, "applied_on": data["applied_on"].isoformat()},
    )
    db.session.flush()
    return record


def submit(record: DevelopmentRecord, data: dict, principal) -> DevelopmentEntry:
    """Record step ``data["step"]``: done at once, or waiting for its body's decision."""
    if record.status != ACTIVE:
        raise ApiError(409, "record_closed", f"该发展档案{record.status_label}，不能再记录")
    rules = rules_of(record)
    step = rules.step(data["step"])
    if step is None or step.number == 1:
        raise ApiError(422, "unknown_step", "没有这一步（第1步在登记入党申请时记录）")
    check_recorder(record, step, principal)
    replay = _by_key(record, data["key"])
    if replay is not None:
        return replay
    proposal = _proposal(step, data["done_on"], data, record.person_id, principal)
    line = timeline(record, rules)
    verdict = R.check(rules, line, proposal, today())
    _refuse(verdict)
    state = PENDING if step.approver else DONE
    comment = None
    if step.vote and not R.vote_passed(data.get("votes")):
        state, comment = REJECTED, "表决未通过：赞成票未超过应到会有表决权的党员的半数"
    entry = _entry(
        record, step, data["done_on"], _details(proposal, data), principal, data["key"], state
    )
    entry.warnings = [w.message for w in verdict.warnings] or None
    if comment:
        entry.decision_comment = comment
        entry.decided_at = utcnow()
        entry.decided_by = step.short
    stored = _insert_entry(record, entry)
    if getattr(stored, "replayed", False):
        return stored
    db.session.flush()
    if state == DONE:
        _apply_effects(record, rules, entry)
    refresh(record, rules)
    audit.record(
        "development.step",
        "development_record",
        record.id,
        record.person.org_id,
        {"step": step.number, "entry_id": entry.id, "state": state},
    )
    db.session.flush()
    _notify_submitted(record, step, entry, principal)
    return entry


def get_entry(entry_id: int, principal, lock: bool = False) -> DevelopmentEntry:
    entry = db.session.get(DevelopmentEntry, entry_id)
    if entry is None:
        raise ApiError(404, "not_found", "记录不存在")
    # ``lock``: the record row, as a submission takes it, so changes to one record queue.
    get_visible(entry.record_id, principal, lock=lock)
    return entry


def decide(entry_id: int, approve: bool, data: dict, principal) -> DevelopmentEntry:
    """Approve or refuse a pending step, with a comment. Of two deciders at the same moment
    exactly one succeeds (a conditional UPDATE); the other gets 409."""
    entry = get_entry(entry_id, principal, lock=True)
    record = entry.record
    rules = rules_of(record)
    step = rules.steps[entry.step]
    if entry.state != PENDING:
        raise ApiError(409, "already_decided", f"这一步已处理（{entry.state_label}），不能重复审批")
    if record.status != ACTIVE:
        raise ApiError(409, "record_closed", f"该发展档案{record.status_label}")
    check_decider(record, step, principal)
    done_on = data.get("done_on") or entry.done_on
    if approve:
        proposal = _proposal(step, done_on, _body_of(entry, data), record.person_id)
        verdict = R.check(rules, timeline(record, rules), proposal, today())
        _refuse(verdict)
    changed = db.session.execute(
        update(DevelopmentEntry)
        .where(DevelopmentEntry.id == entry.id, DevelopmentEntry.state == PENDING)
        .values(
            state=DONE if approve else REJECTED,
            live=entry.live if approve else None,
            done_on=done_on,
            decided_by_person_id=principal.person_id,
            decided_by=_label(principal),
            decided_at=utcnow(),
            decision_comment=data["comment"],
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ApiError(409, "already_decided", "这一步刚刚已由他人审批")
    db.session.refresh(entry)
    if approve:
        _apply_effects(record, rules, entry)
    refresh(record, rules)
    audit.record(
        "development.decide",
        "development_record",
        record.id,
        record.person.org_id,
        {"step": entry.step, "entry_id": entry.id, "approved": approve},
    )
    db.session.flush()
    _notify_decided(record, step, entry, approve)
    return entry


def _body_of(entry: DevelopmentEntry, data: dict) -> dict:
    """The submission's facts as a request body, for re-checking at approval."""
    body = {k: v for k, v in entry.details.items() if k != "people"}
    body["people"] = {
        role: [p["id"] for p in people] for role, people in entry.details.get("people", {}).items()
    }
    if data.get("special_reason"):
        body["special_reason"] = data["special_reason"]
    return body


def correct(entry_id: int, data: dict, principal) -> DevelopmentEntry:
    """A completed step recorded again with a reason: the old entry stays, superseded."""
    entry = get_entry(entry_id, principal, lock=True)
    record = entry.record
    rules = rules_of(record)
    step = rules.steps[entry.step]
    replay = _by_key(record, data["key"])
    if replay is not None:
        return replay
    if entry.state != DONE:
        raise ApiError(409, "not_done", "只能更正已完成的步骤")
    if record.status not in (ACTIVE, COMPLETED):
        raise ApiError(409, "record_closed", f"该发展档案{record.status_label}")
    if step.approver:
        check_decider(record, step, principal)
    else:
        check_recorder(record, step, principal)
    body = {**_body_of(entry, {}), **{k: v for k, v in data.items() if v is not None}}
    proposal = _proposal(step, data["done_on"], body, record.person_id, principal)
    if step.vote and not R.vote_passed(body.get("votes")):
        # A failed vote is recorded as a new, rejected submission, not as a correction.
        raise ApiError(
            422,
            "vote_not_passed",
            "更正后的表决未通过，不能记为已完成；请按未通过重新记录",
            {"votes": ["赞成票未超过应到会有表决权的党员的半数"]},
        )
    others = [e for e in record.entries if e.id != entry.id]
    line = timeline(record, rules, others)
    verdict = R.check(rules, line, proposal, today())
    _refuse(verdict)
    # The corrected date must still fit the steps after it.
    line.add(entry.step, data["done_on"])
    _refuse(R.Verdict(errors=R.timeline_errors(rules, line, _reasons(others))))
    db.session.execute(
        update(DevelopmentEntry)
        .where(DevelopmentEntry.id == entry.id, DevelopmentEntry.state == DONE)
        .values(state=SUPERSEDED, live=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entry)
    fixed = _entry(
        record, step, data["done_on"], _details(proposal, body), principal, data["key"], DONE
    )
    fixed.round = entry.round
    fixed.corrects_id = entry.id
    fixed.correction_reason = data["reason"]
    fixed.decided_by = entry.decided_by
    fixed.decided_by_person_id = entry.decided_by_person_id
    fixed.decided_at = entry.decided_at
    fixed.decision_comment = entry.decision_comment
    stored = _insert_entry(record, fixed)
    if getattr(stored, "replayed", False):
        return stored
    db.session.flush()
    _apply_effects(record, rules, fixed)
    refresh(record, rules)
    audit.record(
        "development.correct",
        "development_record",
        record.id,
        record.person.org_id,
        {
            "step": entry.step,
            "entry_id": fixed.id,
            "corrects": entry.id,
            "from": entry.done_on.isoformat(),
            "to": data["done_on"].isoformat(),
            "reason": data["reason"],
        },
    )
    db.session.flush()
    return fixed


def _reasons(entries) -> dict[int, str | None]:
    return {e.step: e.details.get("special_reason") for e in entries if e.state == DONE}


def stop(record: DevelopmentRecord, reason: str, principal) -> DevelopmentRecord:
    """中止: the person leaves the pipeline before admission (with a reason, audited)."""
    if not can_manage(record, principal):
        raise ApiError(403, "not_manager", "只有党支部或上级党委的负责同志可以中止发展")
    if record.status != ACTIVE:
        raise ApiError(409, "record_closed", f"该发展档案{record.status_label}")
    if 17 in timeline(record).done:
        raise ApiError(
            409, "already_admitted", "已接收为预备党员：请在支部大会讨论转正时决定取消预备资格"
        )
    _end(record, STOPPED, reason, principal)
    audit.record(
        "development.stop",
        "development_record",
        record.id,
        record.person.org_id,
        {"reason": reason},
    )
    db.session.flush()
    return record


def _end(record: DevelopmentRecord, status: str, reason: str | None, principal=None) -> None:
    record.status = status
    record.live = None
    record.ended_reason = reason
    record.ended_at = utcnow()
    record.ended_by = _label(principal) if principal is not None else None
    for pending in [e for e in record.entries if e.state == PENDING]:
        pending.state, pending.live = REJECTED, None
        pending.decision_comment = "档案已结束"
    refresh(record)  # nothing is open any more: no next step, no deadline


# --------------------------------------------------------------------------------------------
# What a completed step changes
# --------------------------------------------------------------------------------------------
def _apply_effects(record: DevelopmentRecord, rules: R.RuleSet, entry: DevelopmentEntry) -> None:
    step = rules.steps[entry.step]
    person = record.person
    line = timeline(record, rules)
    if step.outcome:
        return  # decided by the superior's approval of it (the next step)
    decided = rules.outcome_confirmed_by(entry.step)
    if decided is not None and not _apply_outcome(record, rules, entry, decided):
        return
    if "introducers" in step.people:
        names = [p["name"] for p in entry.details.get("people", {}).get("introducers", [])]
        person.introducers = "、".join(names)[:100] or None
    effect = step.effect
    if effect.get("member_type"):
        person.member_type = effect["member_type"]
    if effect.get("date"):
        source = effect.get("date_of")
        if source == "probation_end":
            value = line.probation_end()
        elif isinstance(source, int):
            value = line.done.get(source)
        else:
            value = entry.done_on
        setattr(person, effect["date"], value)
    if entry.step == max(rules.steps):
        _end(record, COMPLETED, None)


def _apply_outcome(record, rules: R.RuleSet, entry: DevelopmentEntry, decided: int) -> bool:
    """The superior approved the branch assembly's decision (step ``decided``) on full
    membership: extend the probation (the repeated steps start again), cancel it, or go on to
    full membership (True: the step's own effect applies)."""
    decision = next(
        (
            e
            for e in reversed(record.entries)
            if e.step == decided and e.state == DONE and e.round == entry.round
        ),
        None,
    )
    outcome = decision.details.get("outcome") if decision else "full"
    if outcome == "extend":
        record.extensions += 1
        record.extension_months += int(decision.details["extension_months"])
        for e in record.entries:
            if e.step in rules.extension_repeats and e.round == entry.round and e.live:
                e.state, e.live = CLOSED, None
        return False
    if outcome == "cancel":
        record.person.status = "probation_cancelled"
        _end(record, CANCELLED, decision.details.get("note") or "支部大会决定取消预备资格")
        return False
    return True


# --------------------------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------------------------
def _notify_submitted(record, step: R.Step, entry: DevelopmentEntry, principal) -> None:
    if entry.state != PENDING:
        return
    deciders = set(_decider_ids(record, step)) - {principal.person_id}
    if deciders:
        notify(
            "approval_needed",
            deciders,
            {
                "name": record.person.name,
                "step": step.name,
                "submitted_by": entry.recorded_by,
                "approval_id": entry.id,
            },
            key=f"development:entry-{entry.id}:approval",
            org_id=record.person.org_id,
            sender=principal,
        )


def _notify_decided(record, step: R.Step, entry: DevelopmentEntry, approved: bool) -> None:
    people = {record.person_id, *(_branch_manager_ids(record))}
    if entry.recorded_by_person_id:
        people.add(entry.recorded_by_person_id)
    people.discard(entry.decided_by_person_id)
    if people:
        notify(
            "approval_result",
            people,
            {
                "step": step.name,
                "result": "通过" if approved else "未通过",
                "comment": entry.decision_comment or "",
                "case_id": record.id,
            },
            org_id=record.person.org_id,
        )


# --------------------------------------------------------------------------------------------
# Shapes for the API
# --------------------------------------------------------------------------------------------
def opening_view(rules: R.RuleSet, opening, on: date) -> dict:
    step = rules.steps[opening.step]
    return {
        "step": step.number,
        "name": step.name,
        "stage": step.stage,
        "actor": step.actor,
        "approver": step.approver,
        "recurring": step.recurring,
        "earliest": opening.earliest,
        "deadline": opening.deadline,
        "deadline_kind": opening.deadline_kind,
        "open": opening.earliest <= on,
        "overdue": opening.deadline is not None and opening.deadline < on,
    }


def detail(record: DevelopmentRecord, principal) -> dict:
    rules = rules_of(record)
    on = today()
    line = timeline(record, rules)
    person = record.person
    return {
        "id": record.id,
        "rules_version": record.rules_version,
        "status": record.status,
        "status_label": record.status_label,
        "stage": record.stage,
        "stage_label": rules.stages.get(record.stage, record.stage),
        "current_step": record.current_step,
        "applied_on": record.applied_on,
        "cohort": record.cohort,
        "probation_end": line.probation_end(),
        "extension_months": record.extension_months,
        "ended_reason": record.ended_reason,
        "person": _person_view(person),
        "entries": [_entry_view(rules, e) for e in record.entries],
        "next": [opening_view(rules, o, on) for o in record.openings],
        "can_manage": can_manage(record, principal),
    }


def _person_view(person: Person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "staff_no": person.staff_no,
        "org_id": person.org_id,
        "org_name": person.org.name,
        "member_type": person.member_type,
        "member_type_label": person.member_type_label,
    }


def _entry_view(rules: R.RuleSet, entry: DevelopmentEntry) -> dict:
    step = rules.steps[entry.step]
    return {
        "id": entry.id,
        "step": entry.step,
        "name": step.name,
        "stage": step.stage,
        "round": entry.round,
        "state": entry.state,
        "state_label": entry.state_label,
        "done_on": entry.done_on,
        "details": entry.details,
        "warnings": entry.warnings or [],
        "recorded_by": entry.recorded_by,
        "recorded_at": entry.recorded_at,
        "decided_by": entry.decided_by,
        "decided_at": entry.decided_at,
        "decision_comment": entry.decision_comment,
        "corrects_id": entry.corrects_id,
        "correction_reason": entry.correction_reason,
        "approver": step.approver,
    }


def entry_detail(entry: DevelopmentEntry, principal) -> dict:
    record = entry.record
    rules = rules_of(record)
    step = rules.steps[entry.step]
    person = record.person
    return {
        **_entry_view(rules, entry),
        "record_id": record.id,
        "person": _person_view(person),
        "approver_label": R.APPROVERS.get(step.approver) if step.approver else None,
        "can_decide": entry.state == PENDING
        and record.status == ACTIVE
        and step.approver is not None
        and decider_may(person.org, step.approver, principal),
    }


def entry_view(entry: DevelopmentEntry) -> dict:
    return _entry_view(rules_of(entry.record), entry)


def summary(record: DevelopmentRecord) -> dict:
    rules = rules_of(record)
    on = today()
    return {
        "id": record.id,
        "person_id": record.person_id,
        "name": record.person.name,
        "org_id": record.person.org_id,
        "org_name": record.person.org.name,
        "member_type_label": record.person.member_type_label,
        "status": record.status,
        "status_label": record.status_label,
        "stage": record.stage,
        "stage_label": rules.stages.get(record.stage, record.stage),
        "current_step": record.current_step,
        "next_step": record.next_step,
        "next_step_name": rules.steps[record.next_step].name if record.next_step else None,
        "next_deadline": record.next_deadline,
        "overdue": record.next_deadline is not None and record.next_deadline < on,
        "applied_on": record.applied_on,
        "cohort": record.cohort,
    }


def rules_view(rules: R.RuleSet) -> dict:
    return {
        "version": rules.version,
        "title": rules.title,
        "stages": [{"key": k, "name": v} for k, v in rules.stages.items()],
        "steps": [
            {
                "number": s.number,
                "stage": s.stage,
                "name": s.name,
                "actor": s.actor,
                "actor_label": R.ACTORS[s.actor],
                "approver": s.approver,
                "approver_label": R.APPROVERS.get(s.approver) if s.approver else None,
                "recurring": s.recurring,
                "requires": list(s.requires),
                "people": {
                    role: {"min": r.min, "max": r.max, "full_members": r.full_members}
                    for role, r in s.people.items()
                },
                "training": {"days": s.training[0], "hours": s.training[1]} if s.training else None,
                "review": s.review,
                "vote": s.vote,
                "outcome": s.outcome,
                "materials": list(s.materials),
            }
            for s in rules.steps.values()
        ],
        "extension": {
            "min_months": rules.extension_min,
            "max_months": rules.extension_max,
            "times": rules.extension_times,
        },
    }


__all__ = [
    "correct",
    "decide",
    "detail",
    "get_visible",
    "mine",
    "refresh",
    "search",
    "start",
    "stop",
    "submit",
    "summary",
]
