"""Request and response shapes of the study API (docs/study.md)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import PageMeta, Text, UtcDateTime


class PunchInBodySchema(Schema):
    reflection = Text(500)


class PunchInSchema(Schema):
    id = fields.Integer()
    day = fields.Date()
    streak = fields.Integer()
    reflection = fields.String(allow_none=True)
    created_at = UtcDateTime()


class PunchInResultSchema(PunchInSchema):
    created = fields.Boolean()
    points_awarded = fields.Integer()


class PunchInArgs(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))


class MyPunchInsSchema(Schema):
    today = fields.Date()
    punched_today = fields.Boolean()
    streak = fields.Integer()
    items = fields.List(fields.Nested(PunchInSchema))


class PointsEntrySchema(Schema):
    id = fields.Integer()
    action = fields.String()
    label = fields.String()
    points = fields.Integer()
    day = fields.Date()
    created_at = UtcDateTime()


class ActionPointsSchema(Schema):
    action = fields.String()
    label = fields.String()
    points = fields.Integer()


class RankSchema(Schema):
    rank = fields.Integer(allow_none=True)
    of = fields.Integer()


class PointsHistorySchema(Schema):
    items = fields.List(fields.Nested(PointsEntrySchema))
    meta = fields.Nested(PageMeta)


class MyPointsSchema(Schema):
    total = fields.Integer()
    today = fields.Integer()
    by_action = fields.List(fields.Nested(ActionPointsSchema))
    rank = fields.Nested(RankSchema)
    history = fields.Nested(PointsHistorySchema)


class RankingArgs(Schema):
    period = fields.String(
        load_default="month", validate=validate.OneOf(["week", "month", "year", "all"])
    )


class BranchRankSchema(Schema):
    rank = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String()
    members = fields.Integer()
    points = fields.Integer()
    per_member = fields.Float()


class RankingSchema(Schema):
    period = fields.String()
    since = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(BranchRankSchema))
