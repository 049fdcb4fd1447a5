"""Study plans: materials assigned to orgs (their subtrees) or people, with a deadline.

An org's managers make plans for people in their scope, from materials those people may read
(published by the plan's org or an org above it). A member sees the published plans that name
an org they are in (or above them) or themselves, with their own progress; managers see how
far the people a plan covers have got.
"""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import local_today
from ..orgs import services as org_services
from ..orgs.models import Org
from ..people.models import Person, counted_members, in_org
from . import materials
from .models import (
    DRAFT,
    PUBLISHED,
    StudyMaterial,
    StudyPlan,
    StudyPlanItem,
    StudyPlanTarget,
    StudyProgress,
)

MANAGE_ROLES = materials.MANAGE_ROLES
# A member counts to their party group if they are in one (a person's org is their branch;
# the roster puts the group in ``group_id``), else to their org: in plan completion as in the
# analytics.
UNIT = func.coalesce(Person.group_id, Person.org_id)


def create(data: dict, principal) -> StudyPlan:
    org = org_services.get_visible(data["org_id"], principal, MANAGE_ROLES)
    if data["deadline"] < local_today():
        raise ApiError(422, "deadline_past", "截止日期不能早于今天", {"deadline": ["不能早于今天"]})
    ids = list(dict.fromkeys(data["material_ids"]))
    found = {
        m.id: m
        for m in db.session.execute(
            select(StudyMaterial).where(StudyMaterial.id.in_(ids))
        ).scalars()
    }
    allowed = set(org.ancestor_ids)
    bad = [i for i in ids if i not in found or found[i].org_id not in allowed]
    if bad:
        raise ApiError(
            422,
            "material_not_available",
            "所选材料不存在，或不是本组织及上级组织发布的材料",
            {"material_ids": [str(i) for i in bad]},
        )
    plan = StudyPlan(
        org=org,
        title=data["title"],
        description=data.get("description"),
        deadline=data["deadline"],
        status=DRAFT,
        created_by=principal.label[:100],
        items=[StudyPlanItem(material_id=i, position=n) for n, i in enumerate(ids)],
        targets=_targets(org, data, principal),
    )
    db.session.add(plan)
    db.session.flush()
    audit.record("study.plan.create", "study_plan", plan.id, org.id, {"materials": ids})
    return plan


def _targets(org: Org, data: dict, principal) -> list[StudyPlanTarget]:
    """The plan's orgs and people (its own org if none given), all within the plan's org."""
    org_ids = list(dict.fromkeys(data.get("org_ids") or []))
    person_ids = list(dict.fromkeys(data.get("person_ids") or []))
    if not org_ids and not person_ids:
        org_ids = [org.id]
    orgs = db.session.execute(select(Org).where(Org.id.in_(org_ids))).scalars().all()
    if len(orgs) != len(org_ids) or any(not o.path.startswith(org.path) for o in orgs):
        raise ApiError(422, "target_outside", "学习对象须在本组织范围内", {"org_ids": ["超出范围"]})
    paths = db.session.scalars(
        select(Org.path).join(Person, Person.org_id == Org.id).where(Person.id.in_(person_ids))
    ).all()
    if len(paths) != len(person_ids) or any(not path.startswith(org.path) for path in paths):
        raise ApiError(
            422, "target_outside", "学习对象须在本组织范围内", {"person_ids": ["超出范围"]}
        )
    return [StudyPlanTarget(org_id=i) for i in org_ids] + [
        StudyPlanTarget(person_id=i) for i in person_ids
    ]


def get_managed(plan_id: int, principal) -> StudyPlan:
    plan = db.session.get(StudyPlan, plan_id)
    if plan is None or not principal.covers(plan.org.path, *MANAGE_ROLES):
        raise ApiError(404, "not_found", "学习计划不存在")
    return plan


def publish(plan: StudyPlan, principal) -> StudyPlan:
    if plan.status == PUBLISHED:
        return plan
    unpublished = [i.material.title for i in plan.items if i.material.status != PUBLISHED]
    if unpublished:
        raise ApiError(409, "material_not_published", f"请先发布材料：{'、'.join(unpublished)}")
    plan.status = PUBLISHED
    plan.published_at = utcnow()
    audit.record("study.plan.publish", "study_plan", plan.id, plan.org_id)
    db.session.flush()
    return plan


def _mine_filter(person: Person):
    return or_(
        StudyPlanTarget.person_id == person.id,
        # the orgs above the member, and their party group (a member's org is the branch)
        StudyPlanTarget.org_id.in_([*person.org.ancestor_ids, person.group_id or 0]),
    )


def mine(principal) -> list[dict]:
    """The published plans for the caller, each with their progress, nearest deadline first."""
    person = principal.member()
    plans = (
        db.session.execute(
            select(StudyPlan)
            .join(StudyPlanTarget, StudyPlanTarget.plan_id == StudyPlan.id)
            .where(StudyPlan.status == PUBLISHED, _mine_filter(person))
            .order_by(StudyPlan.deadline, StudyPlan.id)
            .options(selectinload(StudyPlan.items))
        )
        .unique()
        .scalars()
        .all()
    )
    material_ids = {i.material_id for p in plans for i in p.items}
    progress = {
        row.material_id: row
        for row in db.session.execute(
            select(StudyProgress).where(
                StudyProgress.person_id == person.id,
                StudyProgress.material_id.in_(material_ids),
            )
        ).scalars()
    }
    on = local_today()
    out = []
    for plan in plans:
        items = [
            {
                "material_id": i.material_id,
                "title": i.material.title,
                "kind": i.material.kind,
                "min_dwell_seconds": i.material.min_dwell_seconds,
                "seconds": round(progress[i.material_id].seconds, 1)
                if i.material_id in progress
                else 0.0,
                "studied": i.material_id in progress
                and progress[i.material_id].studied_at is not None,
            }
            for i in plan.items
        ]
        done = sum(1 for i in items if i["studied"])
        out.append(
            {
                **summary(plan),
                "items": items,
                "studied": done,
                "total": len(items),
                "complete": done == len(items),
                "overdue": plan.deadline < on and done < len(items),
            }
        )
    return out


def _covered(plan: StudyPlan) -> list | None:
    """Conditions on Person (joined to Org) for the members in normal status the plan covers;
    None when it names no one. A party group covers the members whose group it is."""
    org_ids = [t.org_id for t in plan.targets if t.org_id]
    person_ids = [t.person_id for t in plan.targets if t.person_id]
    conditions = [Person.id.in_(person_ids)] if person_ids else []
    if org_ids:
        orgs = db.session.scalars(select(Org).where(Org.id.in_(org_ids)))
        conditions += [in_org(o) for o in orgs]  # a party group: the members whose group it is
    if not conditions:
        return None
    return [or_(*conditions), *counted_members()]


def completion(plan: StudyPlan) -> dict:
    """How far each person the plan covers has got (members in normal status), and per org."""
    where = _covered(plan)
    group = aliased(Org)
    # Each person with their org as the analytics count them: their party group if they are
    # in one.
    people = (
        db.session.execute(
            select(Person.id, Person.name, UNIT, func.coalesce(group.name, Org.name))
            .join(Org, Org.id == Person.org_id)
            .outerjoin(group, group.id == Person.group_id)
            .where(*where)
            .order_by(Person.org_id, Person.id)
        ).all()
        if where
        else []
    )
    material_ids = [i.material_id for i in plan.items]
    studied: dict[int, int] = {}
    for (person_id,) in db.session.execute(
        select(StudyProgress.person_id).where(
            StudyProgress.material_id.in_(material_ids),
            StudyProgress.person_id.in_([p[0] for p in people]),
            StudyProgress.studied_at.is_not(None),
        )
    ):
        studied[person_id] = studied.get(person_id, 0) + 1
    rows = [
        {
            "person_id": person_id,
            "name": name,
            "org_id": org_id,
            "org_name": org_name,
            "studied": studied.get(person_id, 0),
            "complete": studied.get(person_id, 0) == len(material_ids),
        }
        for person_id, name, org_id, org_name in people
    ]
    by_org: dict[int, dict] = {}
    for r in rows:
        org = by_org.setdefault(
            r["org_id"],
            {"org_id": r["org_id"], "org_name": r["org_name"], "people": 0, "complete": 0},
        )
        org["people"] += 1
        org["complete"] += r["complete"]
    for org in by_org.values():
        org["rate"] = round(org["complete"] / org["people"], 3)
    complete = sum(1 for r in rows if r["complete"])
    return {
        **summary(plan),
        "total_materials": len(material_ids),
        "people": len(rows),
        "complete": complete,
        "rate": round(complete / len(rows), 3) if rows else 0.0,
        "by_org": list(by_org.values()),
        "items": rows,
    }


def completion_by_unit(plan: StudyPlan) -> list[tuple[int, int, int]]:
    """Per org (a member's party group if they are in one), the members the plan covers and
    how many have studied all of its materials: (org id, people, complete). Two grouped
    queries, for the analytics rollup."""
    where = _covered(plan)
    if where is None:
        return []
    material_ids = [i.material_id for i in plan.items]
    studied = (
        select(StudyProgress.person_id, func.count().label("n"))
        .where(StudyProgress.material_id.in_(material_ids), StudyProgress.studied_at.is_not(None))
        .group_by(StudyProgress.person_id)
        .subquery()
    )
    done = func.sum(case((studied.c.n >= len(material_ids), 1), else_=0))
    return [
        (org_id, people, int(complete or 0))
        for org_id, people, complete in db.session.execute(
            select(UNIT, func.count(), done)
            .select_from(Person)
            .join(Org, Org.id == Person.org_id)
            .outerjoin(studied, studied.c.person_id == Person.id)
            .where(*where)
            .group_by(UNIT)
        )
    ]


def summary(plan: StudyPlan) -> dict:
    return {
        "id": plan.id,
        "org_id": plan.org_id,
        "org_name": plan.org.name,
        "title": plan.title,
        "description": plan.description,
        "deadline": plan.deadline,
        "status": plan.status,
    }
