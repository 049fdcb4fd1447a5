"""The organisation tree: create, rename, move, delete — each inside the caller's scope."""

from __future__ import annotations

from sqlalchemy import func, literal, update

from ..audit import services as audit
from ..errors import ApiError
from ..extensions import db
from .models import ALLOWED_CHILDREN, ORG_TYPES, Org

READ_ROLES = ("secretary", "committee_admin", "discipline_inspector")
WRITE_ROLES = ("secretary", "committee_admin")


def get_visible(org_id: int, principal, roles=READ_ROLES) -> Org:
    """The org, if the caller may see it under ``roles``; 404 otherwise (never 403: an id
    outside the caller's scope must not even be confirmed to exist)."""
    org = db.session.get(Org, org_id)
    if org is None or not principal.covers(org.path, *roles):
        raise ApiError(404, "not_found", "组织不存在")
    return org


def visible_orgs(principal, roles=READ_ROLES) -> list[Org]:
    prefixes = sorted(principal.scope(*roles))
    if not prefixes:
        return []
    query = db.select(Org)
    if "/" not in prefixes:
        query = query.where(db.or_(*[Org.path.startswith(p) for p in prefixes]))
    return list(db.session.execute(query.order_by(Org.depth, Org.sort_order, Org.id)).scalars())


def tree(principal) -> list[dict]:
    orgs = visible_orgs(principal)
    nodes = {o.id: {"org": o, "children": []} for o in orgs}
    roots = []
    for org in orgs:
        node = nodes[org.id]
        if org.parent_id in nodes:
            nodes[org.parent_id]["children"].append(node)
        else:
            roots.append(node)

    def render(node):
        org = node["org"]
        return {
            "id": org.id,
            "name": org.name,
            "type": org.type,
            "type_label": org.type_label,
            "parent_id": org.parent_id,
            "children": [render(child) for child in node["children"]],
        }

    return [render(root) for root in roots]


def _check_child_type(parent: Org | None, child_type: str) -> None:
    allowed = ALLOWED_CHILDREN[parent.type if parent else None]
    if child_type not in allowed:
        where = parent.type_label if parent else "顶层"
        names = "、".join(ORG_TYPES[t] for t in sorted(allowed)) or "无"
        raise ApiError(
            422,
            "org_type_not_allowed",
            f"{where}下不能设立{ORG_TYPES[child_type]}（可设立：{names}）",
            {"type": ["上下级类型不符"]},
        )


def _may_create(principal, parent: Org | None, child_type: str) -> bool:
    if parent is None:
        return "/" in principal.scope("committee_admin")
    if principal.covers(parent.path, "committee_admin"):
        return True
    # A branch's own leaders may organise its party groups; anything larger is the committee's.
    return child_type == "group" and principal.covers(parent.path, "secretary")


def create(data: dict, principal) -> Org:
    parent = None
    if data.get("parent_id") is not None:
        parent = get_visible(data["parent_id"], principal)
    if not _may_create(principal, parent, data["type"]):
        raise ApiError(403, "forbidden", "无权在此处设立该类组织")
    _check_child_type(parent, data["type"])
    _ensure_unique_name(parent.id if parent else None, data["name"])
    org = Org(
        parent_id=parent.id if parent else None,
        type=data["type"],
        name=data["name"],
        short_name=data.get("short_name"),
        sort_order=data.get("sort_order", 0),
        depth=(parent.depth + 1) if parent else 0,
        path="",
    )
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    audit.record("org.create", "org", org.id, org.id, {"name": org.name, "type": org.type})
    db.session.flush()
    return org


def _ensure_unique_name(parent_id: int | None, name: str, exclude_id: int | None = None) -> None:
    query = db.select(Org.id).where(Org.parent_id == parent_id, Org.name == name)
    if exclude_id is not None:
        query = query.where(Org.id != exclude_id)
    if db.session.execute(query).first() is not None:
        raise ApiError(409, "org_name_taken", f"同一上级组织下已有名为「{name}」的组织")


def _may_manage(org: Org, principal) -> bool:
    """Rename, move or delete: the committee for any org, a branch's leaders for its groups."""
    return principal.covers(org.path, "committee_admin") or (
        org.type == "group" and principal.covers(org.path, "secretary")
    )


def update_org(org: Org, data: dict, principal) -> Org:
    may_manage = _may_manage(org, principal)
    changes = {}
    entry = audit.record("org.update", "org", org.id, org.id)
    if not may_manage and not (
        set(data) <= {"short_name", "sort_order"} and principal.covers(org.path, "secretary")
    ):
        raise ApiError(403, "forbidden", "无权修改该组织")
    if "parent_id" in data and data["parent_id"] != org.parent_id:
        _move(org, data["parent_id"], principal)
        changes["parent_id"] = data["parent_id"]
    if "name" in data and data["name"] != org.name:
        _ensure_unique_name(org.parent_id, data["name"], org.id)
        changes["name"] = [org.name, data["name"]]
        org.name = data["name"]
    for key in ("short_name", "sort_order"):
        if key in data and data[key] != getattr(org, key):
            changes[key] = [getattr(org, key), data[key]]
            setattr(org, key, data[key])
    entry.detail = changes or None
    db.session.flush()
    return org


def _move(org: Org, new_parent_id: int | None, principal) -> None:
    if new_parent_id is None:
        raise ApiError(422, "validation_error", "不能把组织移为顶层", {"parent_id": ["不能为空"]})
    new_parent = get_visible(new_parent_id, principal)
    if not principal.covers(new_parent.path, "committee_admin") or not principal.covers(
        org.path, "committee_admin"
    ):
        raise ApiError(403, "forbidden", "只有党委管理员可以调整组织隶属关系")
    if new_parent.path.startswith(org.path):
        raise ApiError(422, "org_cycle", "不能把组织移到它自己的下级组织之下")
    _check_child_type(new_parent, org.type)
    _ensure_unique_name(new_parent.id, org.name, org.id)
    old_path, new_path = org.path, f"{new_parent.path}{org.id}/"
    depth_delta = new_parent.depth + 1 - org.depth
    # Re-root the whole subtree in one statement (|| on SQLite, CONCAT on MySQL).
    db.session.execute(
        update(Org)
        .where(Org.path.startswith(old_path))
        .values(
            path=literal(new_path) + func.substr(Org.path, len(old_path) + 1),
            depth=Org.depth + depth_delta,
        )
        .execution_options(synchronize_session=False)
    )
    org.parent_id = new_parent.id
    db.session.flush()
    db.session.expire_all()


def delete(org: Org, principal) -> None:
    from ..people.models import PartyPost, Person

    audit.record("org.delete", "org", org.id, org.parent_id, {"name": org.name})
    if not _may_manage(org, principal):
        raise ApiError(403, "forbidden", "无权删除该组织")
    has_children = db.session.execute(db.select(Org.id).where(Org.parent_id == org.id)).first()
    has_people = db.session.execute(
        db.select(Person.id).where(db.or_(Person.org_id == org.id, Person.group_id == org.id))
    ).first()
    has_posts = db.session.execute(
        db.select(PartyPost.id).where(PartyPost.org_id == org.id)
    ).first()
    if has_children or has_people or has_posts:
        raise ApiError(409, "org_not_empty", "该组织下仍有下级组织、人员或党内职务，不能删除")
    db.session.delete(org)
    db.session.flush()


def counts_by_member_type(org: Org) -> dict[str, int]:
    from ..people.models import Person

    rows = db.session.execute(
        db.select(Person.member_type, func.count())
        .join(Org, Person.org_id == Org.id)
        .where(Org.path.startswith(org.path), Person.status == "normal")
        .group_by(Person.member_type)
    ).all()
    return {member_type: count for member_type, count in rows}


def org_path_names(org: Org) -> str:
    """「某某大学党委 / 计算机学院党总支 / 本科生第一党支部」 for display."""
    ids = org.ancestor_ids
    names = dict(db.session.execute(db.select(Org.id, Org.name).where(Org.id.in_(ids))).all())
    return " / ".join(names[i] for i in ids if i in names)
