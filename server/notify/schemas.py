from __future__ import annotations

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from ..db_types import utcnow
from ..schemas import Choice, PageArgs, Text, UtcDateTime, paged
from .models import DELIVERY_STATES
from .templates import KINDS

STATE_LABELS = {
    "queued": "排队中",
    "sending": "发送中",
    "sent": "已发送",
    "delivered": "已送达",
    "blocked": "用户拒收",
    "failed": "发送失败",
    "unreachable": "微信不可达（仅站内信）",
    "muted": "已关闭此类提醒（仅站内信）",
}
assert set(STATE_LABELS) == set(DELIVERY_STATES)


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "只看未读"})


class InboxItemSchema(Schema):
    id = fields.Integer()
    kind = fields.Function(lambda d: d.notification.kind)
    kind_label = fields.Method("_kind_label")
    title = fields.Function(lambda d: d.notification.title)
    body = fields.Function(lambda d: d.notification.body)
    page = fields.Function(lambda d: d.notification.page)
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)

    def _kind_label(self, delivery):
        from .services import kinds

        spec = kinds().get(delivery.notification.kind)
        return spec.label if spec else delivery.notification.kind


class InboxPageSchema(paged(InboxItemSchema, "InboxPageBase")):
    unread = fields.Integer(metadata={"description": "未读总数"})


class ReadAllSchema(Schema):
    updated = fields.Integer()


class PreferenceSchema(Schema):
    kind = fields.String()
    label = fields.String()
    enabled = fields.Boolean()
    switchable = fields.Boolean()


class PreferenceListSchema(Schema):
    items = fields.List(fields.Nested(PreferenceSchema))


class PreferencePatchSchema(Schema):
    preferences = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=40)),
        values=fields.Boolean(truthy={True}, falsy={False}),  # JSON true/false only
        required=True,
        validate=validate.Length(min=1, max=len(KINDS)),
    )


class SubscribeTemplateSchema(Schema):
    kind = fields.String()
    label = fields.String()
    template_id = fields.String()


class SubscribeTemplateListSchema(Schema):
    items = fields.List(fields.Nested(SubscribeTemplateSchema))


class GrantReportSchema(Schema):
    results = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=64)),
        values=fields.String(validate=validate.OneOf(["accept", "reject", "ban", "filter"])),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "wx.requestSubscribeMessage 的结果（去掉 errMsg）"},
    )


class GrantResultSchema(Schema):
    granted = fields.Dict(keys=fields.String(), values=fields.Integer())


# -- sender side -----------------------------------------------------------------------------


class NoticeCreateSchema(Schema):
    org_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = Text(40, required=True)
    content = Text(500, required=True)
    at = UtcDateTime(load_default=None, metadata={"description": "定时发送时间；不填立即发送"})

    @validates_schema
    def _future(self, data, **_):
        at = data.get("at")
        if at is not None and (at < utcnow() or (at - utcnow()).days > 90):
            raise ValidationError({"at": ["定时发送时间应在未来 90 天内"]})


class CountsSchema(Schema):
    total = fields.Integer()
    read = fields.Integer()
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    page = fields.String(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    sender = fields.String(attribute="sender_label", allow_none=True)
    urgent = fields.Boolean()
    state = fields.String()
    scheduled_at = UtcDateTime()
    dispatched_at = UtcDateTime(allow_none=True)
    push_at = UtcDateTime(allow_none=True, metadata={"description": "免打扰顺延后的推送时间"})
    recipient_count = fields.Function(lambda n: len(n.recipient_ids or []))
    counts = fields.Nested(CountsSchema, allow_none=True)


NotificationPageSchema = paged(NotificationSchema, "NotificationPage")


class DeliveryArgs(PageArgs):
    state = Choice(STATE_LABELS, load_default=None)


class DeliverySchema(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    name = fields.Function(lambda d: d.person.name)
    staff_no = fields.Function(lambda d: d.person.staff_no)
    state = fields.String()
    state_label = fields.Function(lambda d: STATE_LABELS.get(d.state, d.state))
    channel = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    attempts = fields.Integer()
    sent_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)
    read_at = UtcDateTime(allow_none=True)


DeliveryPageSchema = paged(DeliverySchema, "DeliveryPage")


class OutboxArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class OutboxSchema(Schema):
    items = fields.List(fields.Dict())
