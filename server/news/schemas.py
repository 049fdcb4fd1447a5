"""Request and response shapes of the news API (docs/news.md)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import PageArgs, UtcDateTime, paged


class TopicSchema(Schema):
    key = fields.String()
    label = fields.String()


class TopicListSchema(Schema):
    items = fields.List(fields.Nested(TopicSchema))


class NewsArgs(PageArgs):
    topic = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "主题键（GET /news/topics）"},
    )
    mine = fields.Boolean(
        load_default=False, metadata={"description": "true：只列我选择的主题（未选择则全部）"}
    )


class NewsItemSchema(Schema):
    id = fields.Integer()
    title = fields.String(metadata={"description": "纯文本"})
    summary = fields.String(metadata={"description": "纯文本摘要，可能为空"})
    url = fields.String(metadata={"description": "原文地址（http/https）"})
    source = fields.String(metadata={"description": "来源键"})
    source_name = fields.String()
    topics = fields.List(fields.Nested(TopicSchema))
    published_at = UtcDateTime()


NewsPageSchema = paged(NewsItemSchema, "NewsPage")


class PreferencesSchema(Schema):
    topics = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        validate=validate.Length(max=50),
        metadata={"description": "推荐中列出的主题；空：全部主题"},
    )
    digest = fields.Boolean(required=True, metadata={"description": "是否接收每日要闻推送"})


class SourceSchema(Schema):
    key = fields.String()
    name = fields.String()
    url = fields.String()
    topics = fields.List(fields.Nested(TopicSchema))
    items = fields.Integer(metadata={"description": "现存条目数"})
    last_fetch_at = UtcDateTime(allow_none=True, metadata={"description": "最近一次抓取"})
    last_success_at = UtcDateTime(allow_none=True, metadata={"description": "最近一次成功"})
    last_error = fields.String(allow_none=True, metadata={"description": "最近一次失败的原因"})
    failures = fields.Integer(metadata={"description": "连续失败次数"})
    last_new = fields.Integer(metadata={"description": "最近一次成功新增的条目数"})


class SourceListSchema(Schema):
    items = fields.List(fields.Nested(SourceSchema))
