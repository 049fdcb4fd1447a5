from marshmallow import Schema, fields, validate

from ..schemas import Choice, Text, UtcDateTime
from .models import ORG_TYPES


class OrgSchema(Schema):
    id = fields.Integer(dump_only=True)
    parent_id = fields.Integer(allow_none=True)
    type = fields.String()
    type_label = fields.String()
    name = fields.String()
    short_name = fields.String(allow_none=True)
    path = fields.String()
    depth = fields.Integer()
    sort_order = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class OrgDetailSchema(OrgSchema):
    member_counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class OrgCreateSchema(Schema):
    parent_id = fields.Integer(
        allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1)
    )
    type = Choice(ORG_TYPES, required=True)
    name = Text(100, required=True)
    short_name = Text(40, allow_none=True)
    sort_order = fields.Integer(validate=validate.Range(min=-10000, max=10000))


class OrgUpdateSchema(Schema):
    parent_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    name = Text(100)
    short_name = Text(40, allow_none=True)
    sort_order = fields.Integer(validate=validate.Range(min=-10000, max=10000))


class OrgTreeNodeSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()
    type_label = fields.String()
    parent_id = fields.Integer(allow_none=True)
    children = fields.List(fields.Nested(lambda: OrgTreeNodeSchema()))


class OrgTreeSchema(Schema):
    roots = fields.List(fields.Nested(OrgTreeNodeSchema))
