"""People: members and everyone in the development pipeline, inside the caller's scope."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..audit import services as audit
from ..errors import ApiError
from ..extensions import db
from ..orgs.models import Org
from ..orgs.services import get_visible as get_visible_org
from .models import (
    ID_NUMBER_PURPOSE,
    MANAGING_POSTS,
    PHONE_PURPOSE,
    POSTS,
    PartyPost,
    Person,
)
from .validation import birth_date_from_id, gender_from_id, normalize_id_number

READ_ROLES = ("secretary", "committee_admin", "discipline_inspector")
WRITE_ROLES = ("secretary", "committee_admin")
# Roles that may read full ID and phone numbers (each read audited).
SENSITIVE_ROLES = ("secretary", "committee_admin")
TRACKED = [
    "staff_no", "name", "gender", "ethnicity", "birth_date", "native_place", "education",
    "degree", "unit", "category", "member_type", "status", "application_date", "activist_date",
    "admission_date", "full_membership_date", "org_id", "group_id", "introducers",
    "rewards_punishments",
]  # fmt: skip


def _cipher():
    return current_app.extensions["party_cipher"]


def get_visible(person_id: int, principal, roles=READ_ROLES) -> Person:
    person = db.session.execute(
        db.select(Person)
        .where(Person.id == person_id)
        .options(selectinload(Person.org), selectinload(Person.posts).selectinload(PartyPost.org))
    ).scalar_one_or_none()
    if person is None or not principal.covers(person.org.path, *roles):
        raise ApiError(404, "not_found", "人员不存在")
    return person


def search(principal, filters: dict, page: int, per_page: int):
    prefixes = sorted(principal.scope(*READ_ROLES))
    query = db.select(Person).join(Org, Person.org_id == Org.id)
    if "/" not in prefixes:
        query = query.where(db.or_(*[Org.path.startswith(p) for p in prefixes]))
    if filters.get("org_id"):
        org = get_visible_org(filters["org_id"], principal, READ_ROLES)
        query = query.where(Org.path.startswith(org.path))
    for key in ("member_type", "status"):
        if filters.get(key):
            query = query.where(getattr(Person, key) == filters[key])
    if filters.get("q"):
        term = filters["q"].replace("\\", "").replace("%", "").replace("_", "")
        query = query.where(db.or_(Person.name.startswith(term), Person.staff_no.startswith(term)))
    query = query.options(
        selectinload(Person.org), selectinload(Person.posts).selectinload(PartyPost.org)
    ).order_by(Person.org_id, Person.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def _check_placement(data: dict, principal, person: Person | None = None) -> None:
    """The branch and party group a person is put in must be in the caller's write scope."""
    org_id = data.get("org_id", person.org_id if person else None)
    org = db.session.get(Org, org_id) if org_id else None
    if org is None or not principal.covers(org.path, *WRITE_ROLES):
        raise ApiError(
            422, "validation_error", "所属组织不存在或不在管理范围内", {"org_id": ["无效的组织"]}
        )
    if org.type != "branch":
        raise ApiError(422, "validation_error", "人员应归属到党支部", {"org_id": ["应为党支部"]})
    group_id = data.get("group_id", person.group_id if person else None)
    if group_id is not None:
        group = db.session.get(Org, group_id)
        if group is None or group.type != "group" or group.parent_id != org.id:
            raise ApiError(
                422, "validation_error", "党小组不属于所选党支部", {"group_id": ["无效的党小组"]}
            )


def _apply_sensitive(person: Person, data: dict) -> list[str]:
    """Seal ID number and phone; return which of them changed (values never logged)."""
    changed = []
    cipher = _cipher()
    if "id_number" in data:
        value = normalize_id_number(data["id_number"]) if data["id_number"] else None
        index = cipher.blind_index(value, ID_NUMBER_PURPOSE) if value else None
        if index != person.id_number_index:
            if index is not None:
                clash = db.session.execute(
                    db.select(Person.id).where(
                        Person.id_number_index == index, Person.id != person.id
                    )
                ).first()
                if clash:
                    raise ApiError(409, "id_number_taken", "该公民身份号码已登记在其他人员名下")
            person.seal_id_number(value, cipher)
            changed.append("id_number")
            if value and not data.get("birth_date") and person.birth_date is None:
                person.birth_date = birth_date_from_id(value)
            if value and not data.get("gender") and person.gender is None:
                person.gender = gender_from_id(value)
    if "phone" in data:
        value = data["phone"] or None
        index = cipher.blind_index(value, PHONE_PURPOSE) if value else None
        if index != person.phone_index:
            person.seal_phone(value, cipher)
            changed.append("phone")
    return changed


def _ensure_staff_no_free(staff_no: str, person_id: int | None = None) -> None:
    query = db.select(Person.id).where(Person.staff_no == staff_no)
    if person_id is not None:
        query = query.where(Person.id != person_id)
    if db.session.execute(query).first():
        raise ApiError(409, "staff_no_taken", f"学号/工号 {staff_no} 已被登记")


def create(data: dict, principal) -> Person:
    entry = audit.record("person.create", "person", None, data.get("org_id"))
    _check_placement(data, principal)
    _ensure_staff_no_free(data["staff_no"])
    person = Person(**{k: v for k, v in data.items() if k in TRACKED})
    sensitive = _apply_sensitive(person, data)
    db.session.add(person)
    db.session.flush()
    audit.set_target(entry, person.id, person.org_id)
    entry.detail = {"fields": sorted(k for k in data if k in TRACKED), "sensitive": sensitive}
    return person


def update(person: Person, data: dict, principal) -> Person:
    entry = audit.record("person.update", "person", person.id, person.org_id)
    if not principal.covers(person.org.path, *WRITE_ROLES):
        raise ApiError(403, "forbidden", "无权修改该人员")
    if "version" in data and data.pop("version") != person.version:
        raise ApiError(409, "stale_version", "该人员信息已被他人修改，请刷新后重试")
    if "org_id" in data or "group_id" in data:
        _check_placement(data, principal, person)
    if "staff_no" in data:
        _ensure_staff_no_free(data["staff_no"], person.id)
    changes = {}
    for key in TRACKED:
        if key in data and data[key] != getattr(person, key):
            old = getattr(person, key)
            changes[key] = [_plain(old), _plain(data[key])]
            setattr(person, key, data[key])
    sensitive = _apply_sensitive(person, data)
    for key in sensitive:
        changes[key] = "changed"  # the audit log never holds the clear value
    entry.detail = changes or None
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ApiError(409, "stale_version", "该人员信息已被他人修改，请刷新后重试") from exc
    return person


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def read_sensitive(person: Person, principal) -> dict:
    """The full ID number and phone — every call is audited."""
    audit.record("person.read_sensitive", "person", person.id, person.org_id)
    if not principal.covers(person.org.path, *SENSITIVE_ROLES):
        raise ApiError(404, "not_found", "人员不存在")
    cipher = _cipher()
    return {"id": person.id, "id_number": person.id_number(cipher), "phone": person.phone(cipher)}


def add_post(person: Person, data: dict, principal) -> PartyPost:
    entry = audit.record(
        "person.add_post", "person", person.id, person.org_id, {"post": data["post"]}
    )
    org = get_visible_org(data["org_id"], principal, WRITE_ROLES)
    if org.type in ("committee", "general_branch") and not principal.covers(
        org.path, "committee_admin"
    ):
        raise ApiError(403, "forbidden", "党委、党总支的职务由党委管理员任命")
    if data["post"] == "group_leader" and org.type != "group":
        raise ApiError(
            422, "validation_error", "党小组长只能设在党小组", {"post": ["与组织类型不符"]}
        )
    if data["post"] != "group_leader" and org.type == "group":
        raise ApiError(422, "validation_error", "党小组只设党小组长", {"post": ["与组织类型不符"]})
    if data["post"] in MANAGING_POSTS and person.member_type != "full":
        raise ApiError(
            422, "post_requires_full_member", f"只有正式党员可以担任{POSTS[data['post']]}"
        )
    if not (org.contains(person.org) or person.org.contains(org)):
        raise ApiError(
            422,
            "validation_error",
            "职务所在组织应为本人所在支部或其上级",
            {"org_id": ["组织不匹配"]},
        )
    exists = db.session.execute(
        db.select(PartyPost.id).where(
            PartyPost.person_id == person.id,
            PartyPost.org_id == org.id,
            PartyPost.post == data["post"],
        )
    ).first()
    if exists:
        raise ApiError(409, "post_exists", "该人员已担任此职务")
    post = PartyPost(person_id=person.id, org_id=org.id, post=data["post"], since=data.get("since"))
    db.session.add(post)
    db.session.flush()
    entry.detail = {"post": post.post, "org_id": org.id}
    return post


def remove_post(person: Person, post_id: int, principal) -> None:
    post = db.session.get(PartyPost, post_id)
    audit.record("person.remove_post", "person", person.id, person.org_id, {"post_id": post_id})
    if post is None or post.person_id != person.id:
        raise ApiError(404, "not_found", "职务不存在")
    if not principal.covers(post.org.path, *WRITE_ROLES) or (
        post.org.type in ("committee", "general_branch")
        and not principal.covers(post.org.path, "committee_admin")
    ):
        raise ApiError(403, "forbidden", "无权撤销该职务")
    db.session.delete(post)
    db.session.flush()
