"""Request and response shapes of the announcements API (docs/announcements.md)."""

from __future__ import annotations

import unicodedata

from marshmallow import Schema, ValidationError, fields, validate

from ..people.models import POSTS
from ..schemas import Choice, PageArgs, PageMeta, TrimmedString, UtcDateTime, paged
from .models import AUDIENCES, BODY_MAX, STATUSES, TITLE_MAX


def printable(value: str) -> None:
    """No control characters (tab and line breaks aside) and no lone surrogates: they cannot
    be stored as utf8mb4 or put in the RSS feed's XML, so they are a 422, never a 500."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in "\t\n\r"):
            raise ValidationError("含有不可见的控制字符")


def Title(**kwargs):
    return TrimmedString(validate=[validate.Length(min=1, max=TITLE_MAX), printable], **kwargs)


def Body(**kwargs):
    return fields.String(
        validate=[validate.Length(min=1, max=BODY_MAX), printable],
        metadata={"description": "正文 HTML（保存时清理：仅保留安全的标签与链接）"},
        **kwargs,
    )


Roles = fields.List(
    Choice(POSTS),
    validate=validate.Length(max=len(POSTS)),
    metadata={"description": "audience=roles 时：接收的党内职务（可多选）"},
)


class AnnouncementWriteSchema(Schema):
    org_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = Title(required=True)
    body = Body(required=True)
    audience = Choice(AUDIENCES, required=True)
    roles = Roles
    pinned = fields.Boolean(load_default=False)
    publish = fields.Boolean(
        load_default=True,
        metadata={"description": "false：存为草稿；默认直接发布（须通过内容检查）"},
    )


class AnnouncementUpdateSchema(Schema):
    title = Title()
    body = Body()
    audience = Choice(AUDIENCES)
    roles = Roles
    pinned = fields.Boolean()


class AnnouncementItemSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    audience = fields.String()
    pinned = fields.Boolean()
    published_at = UtcDateTime(allow_none=True)
    read = fields.Boolean(metadata={"description": "我是否已读"})


AnnouncementPageSchema = paged(AnnouncementItemSchema, "AnnouncementPage")


class AnnouncementSchema(AnnouncementItemSchema):
    body = fields.String(metadata={"description": "清理过的正文 HTML"})
    audience_label = fields.String()
    roles = fields.List(fields.String())
    role_labels = fields.List(fields.String())
    status = Choice(STATUSES)
    status_label = fields.String()
    withdrawn_at = UtcDateTime(allow_none=True)
    author = fields.String(allow_none=True, metadata={"description": "发布人（仅管理者可见）"})
    can_manage = fields.Boolean()


class ManagedArgs(PageArgs):
    status = Choice(STATUSES)


class ManagedItemSchema(AnnouncementItemSchema):
    roles = fields.List(fields.String())
    status = fields.String()
    status_label = fields.String()
    author = fields.String()
    withdrawn_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    audience_size = fields.Integer(metadata={"description": "受众人数"})
    read_count = fields.Integer(metadata={"description": "受众中已读人数"})


ManagedPageSchema = paged(ManagedItemSchema, "ManagedAnnouncementPage")

RECEIPT_STATES = {"read": "已读", "unread": "未读"}


class ReceiptArgs(PageArgs):
    state = Choice(RECEIPT_STATES, load_default="unread")


class ReceiptSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    org_name = fields.String()
    read_at = UtcDateTime(allow_none=True)


class ReceiptsSchema(Schema):
    audience_size = fields.Integer()
    read_count = fields.Integer()
    items = fields.List(fields.Nested(ReceiptSchema))
    meta = fields.Nested(PageMeta)
