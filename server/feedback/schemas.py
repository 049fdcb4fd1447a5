"""Request and response bodies of the feedback endpoints (docs/feedback.md)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..files import FileUpload
from ..schemas import Choice, PageArgs, PageMeta, Text, UtcDateTime
from .models import KINDS, STATUSES

ID = validate.Range(min=1, max=2147483647)


class FeedbackSubmitSchema(Schema):
    kind = Choice(KINDS, required=True)
    anonymous = fields.Boolean(required=True)
    title = Text(50, required=True)
    content = Text(2000, required=True)
    subject_org_id = fields.Integer(allow_none=True, validate=ID)
    subject_name = Text(50, allow_none=True, min_length=0)


class CaseReceiptSchema(Schema):
    receipt = fields.String(required=True, validate=validate.Length(max=40))


class RatingSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = Text(200, allow_none=True, min_length=0)


class CaseReceiptRatingSchema(RatingSchema, CaseReceiptSchema):
    pass


class ReopenSchema(Schema):
    reason = Text(500, required=True)


class CaseReceiptReopenSchema(ReopenSchema, CaseReceiptSchema):
    pass


class FeedbackUploadSchema(Schema):
    file = FileUpload(required=True)


class CaseReceiptUploadSchema(FeedbackUploadSchema, CaseReceiptSchema):
    pass


class ReplySchema(Schema):
    content = Text(2000, required=True)


class CloseSchema(Schema):
    content = Text(2000, allow_none=True, min_length=0)


class HandledArgs(PageArgs):
    status = Choice(STATUSES)
    kind = Choice(KINDS)


class ReplyOutSchema(Schema):
    content = fields.String()
    on = fields.Date()


class FeedbackAttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()


class CaseSchema(Schema):
    """A case as its author sees it."""

    id = fields.Integer(metadata={"description": "编号（随机，不反映提交先后）"})
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String()
    content = fields.String()
    anonymous = fields.Boolean()
    status = fields.String(metadata={"description": "submitted/accepted/replied/closed"})
    status_label = fields.String()
    review_status = fields.String(metadata={"description": "published/pending/rejected"})
    submitted_on = fields.Date()
    accept_due = fields.Date(allow_none=True)
    reply_due = fields.Date(allow_none=True)
    accepted_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    handler_org_name = fields.String()
    subject_org_name = fields.String(allow_none=True)
    subject_name = fields.String(allow_none=True)
    replies = fields.List(fields.Nested(ReplyOutSchema))
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    can_rate = fields.Boolean()
    can_reopen = fields.Boolean()
    reopened = fields.Boolean()
    reopen_reason = fields.String(allow_none=True)
    attachments = fields.List(fields.Nested(FeedbackAttachmentSchema))


class SubmittedSchema(Schema):
    case = fields.Nested(CaseSchema)
    receipt = fields.String(
        allow_none=True, metadata={"description": "匿名反映的凭证码，只显示这一次"}
    )


class CasePageSchema(Schema):
    items = fields.List(fields.Nested(CaseSchema))
    meta = fields.Nested(PageMeta)


class SubmitterSchema(Schema):
    name = fields.String()
    org_name = fields.String()


class EventSchema(Schema):
    action = fields.String(metadata={"description": "accept/reply/close"})
    at = UtcDateTime()
    by = fields.String()


class HandlerCaseSchema(CaseSchema):
    submitter = fields.Nested(SubmitterSchema, allow_none=True)
    overdue = fields.String(allow_none=True, metadata={"description": "accept/reply/null"})
    events = fields.List(fields.Nested(EventSchema))


class HandlerCasePageSchema(Schema):
    items = fields.List(fields.Nested(HandlerCaseSchema))
    meta = fields.Nested(PageMeta)


class HandlingSchema(Schema):
    handles = fields.Boolean()
    open = fields.Integer()


class FeedbackOverdueSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    handler_org_name = fields.String()
    status = fields.String()
    submitted_on = fields.Date()
    accept_due = fields.Date(allow_none=True)
    reply_due = fields.Date(allow_none=True)
    overdue = fields.String()
    overdue_days = fields.Integer()


class OverduePageSchema(Schema):
    items = fields.List(fields.Nested(FeedbackOverdueSchema))
    meta = fields.Nested(PageMeta)


class SubjectOrgSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    parent_id = fields.Integer(allow_none=True)
    type = fields.String()


class SubjectOrgListSchema(Schema):
    items = fields.List(fields.Nested(SubjectOrgSchema))
