"""Meeting attachments: photos and PDFs (会议照片、材料), checked by their content, not by the
name or the type the client claims, and size-limited. Bytes go to the configured storage."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import select

from ..audit import services as audit
from ..errors import ApiError
from ..extensions import db, storage
from ..files import IMAGE_TYPES, read_upload, safe_filename
from ..storage import StorageError
from .models import CANCELLED, DRAFT, Attachment, Meeting
from .services import can_manage, get_visible, runs

# Content type (as sniffed) → extension used for the stored object.
ALLOWED = {**IMAGE_TYPES, "application/pdf": "pdf"}
IMAGES = set(IMAGE_TYPES)
PER_MEETING = 100


def upload(meeting: Meeting, file, caption: str | None, principal) -> Attachment:
    if not runs(meeting, principal):
        raise ApiError(403, "not_manager", "只有书记、会议主持人或记录人可以上传附件")
    if meeting.status in (DRAFT, CANCELLED):
        raise ApiError(409, "meeting_not_held", "会议未发布或已取消，不能上传附件")
    data, mime = read_upload(
        file,
        current_app.config["MEETINGS"]["attachment_max_mb"],
        ALLOWED,
        "只能上传 JPG、PNG、WebP 图片或 PDF 文件",
    )
    count = db.session.scalar(
        select(db.func.count()).select_from(Attachment).where(Attachment.meeting_id == meeting.id)
    )
    if count >= PER_MEETING:
        raise ApiError(409, "too_many_attachments", f"每次会议最多 {PER_MEETING} 个附件")
    name = safe_filename(file.filename or "", f"附件.{ALLOWED[mime]}")[:120]
    key = f"meetings/{meeting.id}/{secrets.token_hex(16)}.{ALLOWED[mime]}"
    storage.save(key, data, mime)
    attachment = Attachment(
        meeting_id=meeting.id,
        filename=name,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        caption=caption,
        uploaded_by=principal.label[:100],
        uploaded_by_person_id=principal.person.id if principal.person else None,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "meeting.attachment.upload",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"attachment_id": attachment.id, "filename": name, "size": len(data)},
    )
    return attachment


def listing(meeting: Meeting) -> list[Attachment]:
    return list(
        db.session.execute(
            select(Attachment).where(Attachment.meeting_id == meeting.id).order_by(Attachment.id)
        ).scalars()
    )


def _visible(attachment_id: int, principal) -> tuple[Attachment, Meeting]:
    attachment = db.session.execute(
        select(Attachment).where(Attachment.id == attachment_id)
    ).scalar_one_or_none()
    if attachment is None:
        raise ApiError(404, "not_found", "附件不存在")
    try:
        meeting = get_visible(attachment.meeting_id, principal)
    except ApiError:
        raise ApiError(404, "not_found", "附件不存在") from None
    return attachment, meeting


def content(attachment_id: int, principal) -> tuple[Attachment, bytes]:
    attachment, _meeting = _visible(attachment_id, principal)
    try:
        return attachment, storage.load(attachment.storage_key)
    except StorageError:
        raise ApiError(404, "file_missing", "附件文件已丢失，请联系管理员") from None


def delete(attachment_id: int, principal) -> None:
    attachment, meeting = _visible(attachment_id, principal)
    person = principal.person
    own = person is not None and attachment.uploaded_by_person_id == person.id
    if not (can_manage(meeting, principal) or own):
        raise ApiError(403, "forbidden", "只有上传者或书记可以删除附件")
    audit.record(
        "meeting.attachment.delete",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"attachment_id": attachment.id, "filename": attachment.filename},
    )
    key = attachment.storage_key
    db.session.delete(attachment)
    db.session.flush()
    from ..jobs import after_commit

    # The row goes with the request's commit; the bytes only after it, so a failed request
    # never leaves a row pointing at nothing.
    after_commit(lambda: storage.delete(key))


def images_of(meeting_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    if not meeting_ids:
        return found
    for meeting_id, attachment_id in db.session.execute(
        select(Attachment.meeting_id, Attachment.id)
        .where(Attachment.meeting_id.in_(meeting_ids), Attachment.content_type.in_(IMAGES))
        .order_by(Attachment.id)
    ):
        found.setdefault(meeting_id, []).append(attachment_id)
    return found
