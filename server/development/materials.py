"""Materials of a development record (入党申请书, 思想汇报, 谈话记录, 会议记录, …).

As meeting attachments do, a file is accepted by its content, never by the name or the type
the client claims, and size-limited (``[development] material_max_mb``); the bytes go to the
configured storage under a key the server makes.

Accepted: PDF, JPEG and PNG (scans and photos of signed papers), and Word .docx (the usual
form of a handwritten-then-typed 思想汇报). The legacy Word .doc format is refused: it can carry
macros that cannot be told from its content, so the applicant is asked to save it as .docx or
PDF instead.

Who may do what:
- upload: the applicant to their own active record, only the kinds they write themselves
  (``APPLICANT_KINDS``); the branch's and the committee's managers (``services.can_manage``)
  any kind, also to a record that has ended (the archive is completed afterwards);
- list and download: whoever may read the record (``services.get_visible``; 404 otherwise);
- delete: the uploader while the record is active, or a manager.
Uploads, downloads of the content and deletions are audited.
"""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select

from ..audit import services as audit
from ..errors import ApiError
from ..extensions import db, storage
from ..files import read_upload, safe_filename
from ..storage import StorageError
from .models import ACTIVE, MATERIAL_KINDS, DevelopmentEntry, DevelopmentMaterial
from .services import can_manage, get_visible

# Content type (as sniffed) → extension of the stored object and of the name served back.
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    DOCX: "docx",
}
IMAGES = {"image/jpeg", "image/png"}  # served inline; the others as downloads
ALSO_SUFFIXES = {"jpg": ("jpeg",)}
APPLICANT_KINDS = ("application", "thought_report", "conversion_application", "other")
PER_RECORD = 200
TYPE_MESSAGE = "只能上传 PDF、JPG、PNG 或 Word（.docx）文件"
DOC_MESSAGE = "不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF 后上传"


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "材料不存在")


def _named(name: str, kind_label: str, ext: str) -> str:
    """The client's name, cleaned, ending with the extension of what the file really is
    (``报告.pdf`` that is a PNG is served as ``报告.png``)."""
    name = safe_filename(name or "", f"{kind_label}.{ext}")
    stem, dot, suffix = name.rpartition(".")
    if not (dot and stem):
        stem = name
    elif suffix.lower() in (ext, *ALSO_SUFFIXES.get(ext, ())):
        ext = suffix
    elif not (len(suffix) <= 5 and suffix.isascii() and suffix.isalnum()):
        stem = name  # not an extension (``第3季度.思想汇报``): keep it whole
    return f"{stem[: 120 - len(ext) - 1]}.{ext}"


def check_uploader(record, kind: str, principal) -> None:
    """403 unless the caller may add a material of ``kind`` to ``record``."""
    if can_manage(record, principal):
        return
    if principal.person_id is None or principal.person_id != record.person_id:
        raise ApiError(403, "not_manager", "只有申请人本人或党支部负责同志可以上传材料")
    if kind not in APPLICANT_KINDS:
        allowed = "、".join(MATERIAL_KINDS[k] for k in APPLICANT_KINDS)
        raise ApiError(
            403,
            "kind_not_allowed",
            f"申请人只能上传{allowed}；「{MATERIAL_KINDS[kind]}」由党支部上传",
            {"kind": [f"申请人只能上传{allowed}"]},
        )
    if record.status != ACTIVE:
        raise ApiError(409, "record_closed", f"该发展档案{record.status_label}，不能再上传材料")


def _entry_of(record, entry_id: int | None) -> int | None:
    if entry_id is None:
        return None
    found = db.session.scalar(
        select(DevelopmentEntry.id).where(
            DevelopmentEntry.id == entry_id, DevelopmentEntry.record_id == record.id
        )
    )
    if found is None:
        raise ApiError(
            422,
            "unknown_entry",
            "所选步骤记录不属于该发展档案",
            {"entry_id": ["所选步骤记录不属于该发展档案"]},
        )
    return found


def _read(file) -> tuple[bytes, str]:
    """The file's bytes and its sniffed content type (413/422/415 otherwise)."""
    return read_upload(
        file,
        current_app.config["DEVELOPMENT"]["material_max_mb"],
        ALLOWED,
        TYPE_MESSAGE,
        {"application/msword": DOC_MESSAGE},
    )


def upload(record, data: dict, principal) -> DevelopmentMaterial:
    kind = data["kind"]
    check_uploader(record, kind, principal)
    entry_id = _entry_of(record, data.get("entry_id"))
    content, mime = _read(data["file"])
    count = db.session.scalar(
        select(func.count())
        .select_from(DevelopmentMaterial)
        .where(DevelopmentMaterial.record_id == record.id)
    )
    if count >= PER_RECORD:
        raise ApiError(409, "too_many_materials", f"每份发展档案最多 {PER_RECORD} 份材料")
    ext = ALLOWED[mime]
    name = _named(data["file"].filename or "", MATERIAL_KINDS[kind], ext)
    key = f"development/{record.id}/{secrets.token_hex(16)}.{ext}"
    material = DevelopmentMaterial(
        record_id=record.id,
        entry_id=entry_id,
        kind=kind,
        title=data.get("title") or None,
        storage_key=key,
        filename=name,
        content_type=mime,
        size=len(content),
        note=data.get("note") or None,
        uploaded_by_person_id=principal.person_id,
        uploaded_by=principal.label[:100],
    )
    storage.save(key, content, mime)
    db.session.add(material)
    db.session.flush()
    audit.record(
        "development.material.upload",
        "development_record",
        record.id,
        record.person.org_id,
        {
            "material_id": material.id,
            "kind": kind,
            "filename": name,
            "size": len(content),
            "entry_id": entry_id,
        },
    )
    return material


def listing(record) -> list[DevelopmentMaterial]:
    return list(
        db.session.execute(
            select(DevelopmentMaterial)
            .where(DevelopmentMaterial.record_id == record.id)
            .order_by(DevelopmentMaterial.uploaded_at, DevelopmentMaterial.id)
        ).scalars()
    )


def may_delete(material: DevelopmentMaterial, record, principal) -> bool:
    if can_manage(record, principal):
        return True
    own = principal.person_id is not None and material.uploaded_by_person_id == principal.person_id
    return own and record.status == ACTIVE


def view(material: DevelopmentMaterial, record, principal) -> dict:
    return {
        "id": material.id,
        "record_id": material.record_id,
        "entry_id": material.entry_id,
        "kind": material.kind,
        "kind_label": MATERIAL_KINDS.get(material.kind, material.kind),
        "title": material.title,
        "filename": material.filename,
        "content_type": material.content_type,
        "size": material.size,
        "note": material.note,
        "url": f"/api/v1/development/materials/{material.id}/content",
        "uploaded_by": material.uploaded_by,
        "uploaded_at": material.uploaded_at,
        "can_delete": may_delete(material, record, principal),
    }


def _visible(material_id: int, principal):
    material = db.session.get(DevelopmentMaterial, material_id)
    if material is None:
        raise _not_found()
    try:
        record = get_visible(material.record_id, principal)
    except ApiError:
        raise _not_found() from None
    return material, record


def content(material_id: int, principal) -> tuple[DevelopmentMaterial, bytes]:
    material, record = _visible(material_id, principal)
    audit.record(
        "development.material.download",
        "development_record",
        record.id,
        record.person.org_id,
        {"material_id": material.id, "kind": material.kind, "filename": material.filename},
    )
    try:
        return material, storage.load(material.storage_key)
    except StorageError:
        raise ApiError(404, "file_missing", "材料文件已丢失，请联系管理员") from None


def delete(material_id: int, principal) -> None:
    material, record = _visible(material_id, principal)
    if not may_delete(material, record, principal):
        raise ApiError(403, "forbidden", "只有上传者（档案进行中时）或党支部负责同志可以删除材料")
    audit.record(
        "development.material.delete",
        "development_record",
        record.id,
        record.person.org_id,
        {"material_id": material.id, "kind": material.kind, "filename": material.filename},
    )
    key = material.storage_key
    db.session.delete(material)
    db.session.flush()
    from ..jobs import after_commit

    # The row goes with the request's commit; the bytes only after it, so a failed request
    # never leaves a row pointing at nothing.
    after_commit(lambda: storage.delete(key))
