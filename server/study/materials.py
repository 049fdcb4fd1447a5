"""Study materials: written by an org's managers, published to its subtree, read by members.

- An article's HTML is sanitised when it is saved (nh3: an allow-list of tags and attributes,
  links only http(s)/mailto, no scripts, styles or event handlers), so what is stored is what
  any client may show.
- A video is an https URL; a document is a PDF uploaded to the configured storage, its type
  sniffed from its bytes.
- Who sees what: members see the published materials of the orgs above and at their own
  (the committee's, their general branch's, their branch's); managers also see the drafts and
  withdrawn materials of the orgs in their scope. Anything else is 404.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import nh3
from flask import current_app
from sqlalchemy import or_, select

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, storage
from ..files import read_upload, safe_filename
from ..orgs import services as org_services
from ..orgs.models import Org
from ..storage import StorageError
from .models import DRAFT, PUBLISHED, WITHDRAWN, StudyMaterial, StudyProgress

MANAGE_ROLES = ("secretary", "committee_admin")
PDF = {"application/pdf": "pdf"}
# The article HTML a material may keep (nh3's defaults minus what a reader does not need).
TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span",
    "sub", "sup", "hr", "figure", "figcaption",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}
DWELL_DEFAULTS = {"article": 120, "video": 300, "document": 300}
# The field holding each kind's content (a document's is its PDF, uploaded on its own).
CONTENT_FIELD = {"article": "body_html", "video": "video_url"}
WRONG_KIND = {
    "article": "文章类材料没有视频地址",
    "video": "视频类材料没有正文",
    "document": "文档类材料请重新上传 PDF",
}


def sanitize(html: str) -> str:
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"}
    )


def _check_video(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ApiError(
            422, "video_url_invalid", "视频地址须为 https 链接", {"video_url": ["须为 https 链接"]}
        )
    return url


def _content(kind: str, data: dict) -> dict:
    """The kind's own content from a create or update body (422 if it is missing)."""
    if kind == "article":
        if not data.get("body_html"):
            raise ApiError(422, "body_required", "文章须有正文", {"body_html": ["不能为空"]})
        body = sanitize(data["body_html"])
        if not body.strip():
            raise ApiError(422, "body_required", "文章正文清理后为空", {"body_html": ["不能为空"]})
        return {"body_html": body, "video_url": None}
    if kind == "video":
        if not data.get("video_url"):
            raise ApiError(422, "video_url_required", "视频须有地址", {"video_url": ["不能为空"]})
        return {"video_url": _check_video(data["video_url"]), "body_html": None}
    return {"body_html": None, "video_url": None}  # a document: its PDF is uploaded after


def create(data: dict, principal) -> StudyMaterial:
    org = org_services.get_visible(data["org_id"], principal, MANAGE_ROLES)
    kind = data["kind"]
    material = StudyMaterial(
        org=org,
        kind=kind,
        title=data["title"],
        summary=data.get("summary"),
        category=data["category"],
        tags=data.get("tags") or [],
        min_dwell_seconds=data.get("min_dwell_seconds") or DWELL_DEFAULTS[kind],
        status=DRAFT,
        created_by=principal.label[:100],
        **_content(kind, data),
    )
    db.session.add(material)
    db.session.flush()
    audit.record("study.material.create", "study_material", material.id, org.id, {"kind": kind})
    return material


def get_visible(material_id: int, principal) -> StudyMaterial:
    material = db.session.get(StudyMaterial, material_id)
    if material is None or not can_read(material, principal):
        raise ApiError(404, "not_found", "学习材料不存在")
    return material


def with_progress(items: list[StudyMaterial], principal) -> list[StudyMaterial]:
    """Mark each material with the caller's counted reading of it and whether it is studied."""
    mine = {}
    if principal.person_id is not None and items:
        mine = {
            row.material_id: row
            for row in db.session.scalars(
                select(StudyProgress).where(
                    StudyProgress.person_id == principal.person_id,
                    StudyProgress.material_id.in_([m.id for m in items]),
                )
            )
        }
    for material in items:
        row = mine.get(material.id)
        material.my_seconds = round(row.seconds, 1) if row else 0.0
        material.studied = bool(row and row.studied_at)
    return items


def can_manage(material: StudyMaterial, principal) -> bool:
    return principal.covers(material.org.path, *MANAGE_ROLES)


def can_read(material: StudyMaterial, principal) -> bool:
    if can_manage(material, principal):
        return True
    person = principal.person
    return (
        material.status == PUBLISHED
        and person is not None
        and person.org.path.startswith(material.org.path)
    )


def get_managed(material_id: int, principal) -> StudyMaterial:
    material = get_visible(material_id, principal)
    if not can_manage(material, principal):
        raise ApiError(403, "not_manager", "只有发布组织的书记或党委管理员可以修改学习材料")
    return material


def update(material: StudyMaterial, data: dict, principal) -> StudyMaterial:
    own = CONTENT_FIELD.get(material.kind)
    foreign = [field for field in CONTENT_FIELD.values() if field in data and field != own]
    if foreign:
        raise ApiError(
            422, "wrong_kind", WRONG_KIND[material.kind], {f: ["该类材料没有此项"] for f in foreign}
        )
    changed = sorted(data)
    for key in ("title", "summary", "category", "tags", "min_dwell_seconds"):
        if key in data:
            setattr(material, key, data[key])
    if own in data:
        content = _content(material.kind, data)
        material.body_html, material.video_url = content["body_html"], content["video_url"]
    audit.record(
        "study.material.update", "study_material", material.id, material.org_id, {"fields": changed}
    )
    db.session.flush()
    return material


def attach_document(material: StudyMaterial, file, principal) -> StudyMaterial:
    if material.kind != "document":
        raise ApiError(422, "wrong_kind", "只有文档类材料可以上传 PDF")
    limit_mb = current_app.config["STUDY"]["document_max_mb"]
    content, mime = read_upload(file, limit_mb, PDF, "只能上传 PDF 文件")
    key = f"study/{material.id}/{secrets.token_hex(16)}.pdf"
    storage.save(key, content, mime)
    material.document_key = key
    material.document_name = safe_filename(file.filename or "", "学习材料.pdf")[:120]
    if not material.document_name.lower().endswith(".pdf"):
        material.document_name += ".pdf"
    material.document_size = len(content)
    audit.record(
        "study.material.document", "study_material", material.id, material.org_id,
        {"size": len(content)},
    )  # fmt: skip
    db.session.flush()
    return material


def document(material: StudyMaterial) -> bytes:
    if not material.document_key:
        raise ApiError(404, "no_document", "该材料还没有上传文档")
    try:
        return storage.load(material.document_key)
    except StorageError:
        raise ApiError(404, "file_missing", "文档文件已丢失，请联系管理员") from None


def publish(material: StudyMaterial, principal) -> StudyMaterial:
    if material.status == PUBLISHED:
        return material
    if material.kind == "document" and not material.document_key:
        raise ApiError(409, "no_document", "请先上传 PDF 文档再发布")
    material.status = PUBLISHED
    material.published_at = material.published_at or utcnow()
    audit.record("study.material.publish", "study_material", material.id, material.org_id)
    db.session.flush()
    return material


def withdraw(material: StudyMaterial, principal) -> StudyMaterial:
    if material.status != PUBLISHED:
        raise ApiError(409, "not_published", "只有已发布的材料可以撤回")
    material.status = WITHDRAWN
    audit.record("study.material.withdraw", "study_material", material.id, material.org_id)
    db.session.flush()
    return material


def search(principal, filters: dict, page: int, per_page: int):
    """Published materials for the caller's own orgs (and, with ``managed``, everything of the
    orgs they manage), newest first."""
    query = select(StudyMaterial).join(Org, Org.id == StudyMaterial.org_id)
    if filters.get("managed"):
        scope = principal.scope(*MANAGE_ROLES)
        if not scope:
            raise ApiError(403, "not_manager", "当前角色无权管理学习材料")
        if "/" not in scope:
            query = query.where(or_(*(Org.path.startswith(prefix) for prefix in scope)))
        if filters.get("status"):
            query = query.where(StudyMaterial.status == filters["status"])
    else:
        ancestors = principal.member().org.ancestor_ids
        query = query.where(StudyMaterial.org_id.in_(ancestors), StudyMaterial.status == PUBLISHED)
    if filters.get("category"):
        query = query.where(StudyMaterial.category == filters["category"])
    if filters.get("kind"):
        query = query.where(StudyMaterial.kind == filters["kind"])
    if filters.get("q"):
        query = query.where(StudyMaterial.title.contains(filters["q"], autoescape=True))
    if filters.get("tag"):
        query = query.where(
            StudyMaterial.tags_text.contains(f"|{filters['tag']}|", autoescape=True)
        )
    query = query.order_by(StudyMaterial.published_at.desc(), StudyMaterial.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
