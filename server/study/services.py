"""Study services: the daily punch-in and its photo, a member's points and rank, the
branches' ranking, a branch's points. Services flush; ``@allow`` commits."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import ApiError
from ..extensions import db, storage
from ..files import IMAGE_TYPES, read_upload
from ..jobs import after_commit
from ..notify.services import local_today as today
from ..orgs import services as org_services
from ..orgs.models import Org
from ..people.models import Person, counted_members, in_org
from ..safety import services as safety
from ..safety.models import PENDING, REJECTED
from ..schemas import page_result
from ..storage import StorageError
from . import points
from .materials import MANAGE_ROLES
from .models import PointsEntry, PunchIn

# --------------------------------------------------------------------------------------------
# Punch-in
# --------------------------------------------------------------------------------------------
REFLECTION = "study.reflection"  # the kind of content the review queue holds
PUBLISHED_TEXT = "published"


def punch_in(data: dict, principal) -> tuple[PunchIn, bool, int]:
    """Today's punch-in (Asia/Shanghai day): (row, created?, points awarded). A second punch-in
    the same day, however simultaneous, gets the first one back."""
    person = principal.member()
    on = today()
    existing = _punch_in_on(person.id, on)
    if existing is not None:
        return existing, False, 0
    yesterday = db.session.scalar(
        select(PunchIn.streak).where(
            PunchIn.person_id == person.id, PunchIn.day == on - timedelta(days=1)
        )
    )
    reflection = data.get("reflection") or None
    # Checked before the row exists: WeChat's check is a request to WeChat, not to be made
    # while holding the new row's lock.
    reasons = safety.check(reflection, person.id)
    row = PunchIn(
        person_id=person.id,
        day=on,
        streak=(yesterday or 0) + 1,
        reflection=reflection,
        reflection_status=(PENDING if reasons else PUBLISHED_TEXT) if reflection else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # The same member's other request won: a locking read sees their committed row.
        existing = _punch_in_on(person.id, on, latest=True)
        if existing is None:
            raise
        return existing, False, 0
    if reasons:
        safety.hold(REFLECTION, row.id, reflection, reasons, person.org_id, person.id)
    awarded = points.award(person, "punch_in", 1, f"punch_in:{row.id}", on)
    return row, True, awarded


@safety.on_decision(REFLECTION, "学习心得")
def _reflection_decided(punch_in_id: int, approved: bool) -> None:
    row = db.session.get(PunchIn, punch_in_id)
    if row is not None:
        row.reflection_status = PUBLISHED_TEXT if approved else REJECTED


def visible_reflection(row: PunchIn, viewer_id: int | None) -> str | None:
    """The reflection as ``viewer_id`` may see it: its author always, others once published
    (rows from before the check have no status and count as published)."""
    if row.person_id == viewer_id or row.reflection_status in (None, PUBLISHED_TEXT):
        return row.reflection
    return None


def _punch_in_on(person_id: int, on: date, latest: bool = False) -> PunchIn | None:
    query = select(PunchIn).where(PunchIn.person_id == person_id, PunchIn.day == on)
    if latest:
        query = query.with_for_update(read=True)
    return db.session.execute(query).scalar_one_or_none()


def photo_url(row: PunchIn) -> str | None:
    """The photo's address; ``v`` changes with the photo, so a client may cache by it."""
    if not row.photo_key:
        return None
    version = row.photo_key.rsplit("/", 1)[-1][:8]
    return f"/api/v1/study/punch-ins/{row.id}/photo?v={version}"


def punch_in_view(row: PunchIn) -> dict:
    return {
        "id": row.id,
        "day": row.day,
        "streak": row.streak,
        "reflection": row.reflection,
        "reflection_status": row.reflection_status,
        "photo_url": photo_url(row),
        "created_at": row.created_at,
    }


def attach_photo(punch_in_id: int, file, principal) -> PunchIn:
    """The photo of the caller's punch-in of today (a later one replaces it; the replaced file
    is removed once the change commits)."""
    person = principal.member()
    row = db.session.execute(
        select(PunchIn).where(PunchIn.id == punch_in_id).with_for_update()
    ).scalar_one_or_none()
    if row is None or row.person_id != person.id:
        raise ApiError(404, "not_found", "打卡记录不存在")
    if row.day != today():
        raise ApiError(409, "punch_in_closed", "只能为今天的打卡添加照片")
    limit_mb = current_app.config["STUDY"]["photo_max_mb"]
    content, mime = read_upload(file, limit_mb, IMAGE_TYPES, "只能上传 JPG、PNG 或 WebP 图片")
    key = f"study/punch-ins/{row.id}/{secrets.token_hex(16)}.{IMAGE_TYPES[mime]}"
    storage.save(key, content, mime)
    replaced = row.photo_key
    row.photo_key, row.photo_type = key, mime
    if replaced:
        after_commit(lambda: storage.delete(replaced))
    db.session.flush()
    return row


def photo(punch_in_id: int, principal) -> tuple[bytes, str]:
    """A punch-in's photo, for its author or a manager of their org; 404 for anyone else."""
    row = db.session.get(PunchIn, punch_in_id)
    if row is None or not row.photo_key:
        raise ApiError(404, "not_found", "照片不存在")
    if row.person_id != principal.person_id:
        owner = db.session.get(Person, row.person_id)
        if not principal.covers(owner.org.path, *MANAGE_ROLES):
            raise ApiError(404, "not_found", "照片不存在")
    try:
        return storage.load(row.photo_key), row.photo_type
    except StorageError:
        raise ApiError(404, "file_missing", "照片文件已丢失") from None


def streak(person_id: int, on: date | None = None) -> dict:
    """The current streak: today's, or yesterday's if today's punch-in is still to come."""
    on = on or today()
    rows = dict(
        db.session.execute(
            select(PunchIn.day, PunchIn.streak).where(
                PunchIn.person_id == person_id, PunchIn.day >= on - timedelta(days=1)
            )
        ).all()
    )
    current = rows.get(on) or rows.get(on - timedelta(days=1)) or 0
    return {"today": on, "punched_today": on in rows, "streak": current}


def my_punch_ins(principal, days: int) -> dict:
    person = principal.member()
    on = today()
    items = db.session.execute(
        select(PunchIn)
        .where(PunchIn.person_id == person.id, PunchIn.day > on - timedelta(days=days))
        .order_by(PunchIn.day.desc())
    ).scalars()
    return {**streak(person.id, on), "items": [punch_in_view(row) for row in items]}


# --------------------------------------------------------------------------------------------
# Points
# --------------------------------------------------------------------------------------------
def my_points(principal, page: int, per_page: int) -> dict:
    person = principal.member()
    on = today()
    by_action = dict(
        db.session.execute(
            select(PointsEntry.action, func.sum(PointsEntry.points))
            .where(PointsEntry.person_id == person.id)
            .group_by(PointsEntry.action)
        ).all()
    )
    today_total = db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.person_id == person.id, PointsEntry.day == on
        )
    )
    history = db.paginate(
        select(PointsEntry)
        .where(PointsEntry.person_id == person.id)
        .order_by(PointsEntry.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    labels = {action: rule.label for action, rule in points.rules().items()}
    return {
        "total": int(sum(by_action.values())),
        "today": int(today_total),
        "by_action": [
            {"action": a, "label": labels.get(a, a), "points": int(by_action.get(a, 0))}
            for a in points.ACTIONS
        ],
        "rank": _rank_in_branch(person),
        "history": {
            **page_result(history),
            "items": [
                {
                    "id": e.id,
                    "action": e.action,
                    "label": labels.get(e.action, e.action),
                    "points": e.points,
                    "day": e.day,
                    "created_at": e.created_at,
                }
                for e in history.items
            ],
        },
    }


def _rank_in_branch(person: Person) -> dict:
    """The member's place among the members of their branch by total points (ties share)."""
    totals = dict(
        db.session.execute(
            select(Person.id, func.coalesce(func.sum(PointsEntry.points), 0))
            .outerjoin(PointsEntry, PointsEntry.person_id == Person.id)
            .where(
                Person.org_id == person.org_id,
                *counted_members(),
            )
            .group_by(Person.id)
        ).all()
    )
    mine = totals.get(person.id)
    if mine is None:  # not counted as a member of the branch (an applicant, say)
        return {"rank": None, "of": len(totals)}
    return {"rank": 1 + sum(1 for v in totals.values() if v > mine), "of": len(totals)}


def branch_ranking(since: date | None) -> list[dict]:
    """Branches ranked by points per member since ``since`` (all time if None): the public
    ranking is of branches, never of individuals."""
    members = dict(
        db.session.execute(
            select(Person.org_id, func.count()).where(*counted_members()).group_by(Person.org_id)
        ).all()
    )
    earned = select(PointsEntry.org_id, func.sum(PointsEntry.points)).group_by(PointsEntry.org_id)
    if since is not None:
        earned = earned.where(PointsEntry.day >= since)
    totals = dict(db.session.execute(earned).all())
    branches = db.session.execute(
        select(Org.id, Org.name).where(Org.type == "branch").order_by(Org.id)
    ).all()
    rows = [
        {
            "org_id": org_id,
            "org_name": name,
            "members": members.get(org_id, 0),
            "points": int(totals.get(org_id, 0) or 0),
            "per_member": round((totals.get(org_id, 0) or 0) / members[org_id], 2)
            if members.get(org_id)
            else 0.0,
        }
        for org_id, name in branches
    ]
    rows.sort(key=lambda r: (-r["per_member"], r["org_id"]))
    for index, row in enumerate(rows, start=1):  # ties share a place: 1, 1, 3
        same = index > 1 and rows[index - 2]["per_member"] == row["per_member"]
        row["rank"] = rows[index - 2]["rank"] if same else index
    return rows


def branch_points(org_id: int, principal, since: date | None) -> dict:
    """For an org's managers: each member's points (since ``since``) in the org's subtree."""
    org = org_services.get_visible(org_id, principal, MANAGE_ROLES)
    earned = select(PointsEntry.person_id, func.sum(PointsEntry.points)).group_by(
        PointsEntry.person_id
    )
    if since is not None:
        earned = earned.where(PointsEntry.day >= since)
    people = db.session.execute(
        select(Person.id, Person.name, Org.name)
        .join(Org, Org.id == Person.org_id)
        .where(in_org(org), *counted_members())
    ).all()
    totals = dict(
        db.session.execute(earned.where(PointsEntry.person_id.in_([p[0] for p in people]))).all()
    ) if people else {}  # fmt: skip
    rows = sorted(
        (
            {"person_id": pid, "name": name, "org_name": branch, "points": int(totals.get(pid, 0))}
            for pid, name, branch in people
        ),
        key=lambda r: (-r["points"], r["person_id"]),
    )
    return {"org_id": org.id, "org_name": org.name, "since": since, "items": rows}
