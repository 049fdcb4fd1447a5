"""The content review queue for administrators (docs/safety.md)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth.principal import allow, current
from ..schemas import Choice, PageArgs, PageMeta, Text, UtcDateTime
from . import services
from .models import PENDING, REVIEW_STATUSES

blp = Blueprint("safety", __name__, url_prefix="/api/v1/safety", description="内容安全：审核队列")


class ReviewArgs(PageArgs):
    status = Choice(REVIEW_STATUSES, load_default=PENDING)


class ReasonSchema(Schema):
    source = fields.String(metadata={"description": "words 敏感词；wechat 微信内容安全检测"})
    word = fields.String()
    excerpt = fields.String()
    suggest = fields.String(metadata={"description": "wechat: review 或 risky"})
    label = fields.Integer(allow_none=True, metadata={"description": "wechat: 命中标签"})


class ReviewSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    object_id = fields.Integer()
    org_id = fields.Integer()
    author = fields.String(allow_none=True)
    content = fields.String()
    reasons = fields.List(fields.Nested(ReasonSchema))
    status = fields.String()
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)


class ReviewPageSchema(Schema):
    items = fields.List(fields.Nested(ReviewSchema))
    meta = fields.Nested(PageMeta)


class ReviewDecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    comment = Text(500, allow_none=True)


@blp.route("/reviews", methods=["GET"])
@allow("committee_admin")
@blp.arguments(ReviewArgs, location="query")
@blp.response(200, ReviewPageSchema)
def reviews(args):
    """Flagged content of the orgs I administer, oldest first (``status``: pending by default)."""
    return services.listing(current(), args["status"], args["page"], args["per_page"])


@blp.route("/reviews/<int(max=2147483647):review_id>/decision", methods=["POST"])
@allow("committee_admin")
@blp.arguments(ReviewDecisionSchema)
@blp.response(200, ReviewSchema)
def decide(data, review_id):
    """Approve (the content becomes visible) or reject it; once (409 already_decided)."""
    return services.decide(review_id, data["approve"], data.get("comment"), current())
