from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..people.schemas import MeSchema
from ..schemas import Text, TrimmedString, UtcDateTime


class WxLoginSchema(Schema):
    code = TrimmedString(required=True, validate=validate.Length(min=1, max=128))


class WxLoginResultSchema(Schema):
    status = fields.String(metadata={"description": "bound | unbound"})
    token = fields.String()
    bind_ticket = fields.String()
    expires_at = UtcDateTime()
    member = fields.Nested(MeSchema)


class BindSchema(Schema):
    bind_ticket = TrimmedString(required=True, validate=validate.Length(min=10, max=1024))
    method = fields.String(required=True, validate=validate.OneOf(["invite", "identity"]))
    invite_code = TrimmedString(validate=validate.Length(min=4, max=32))
    staff_no = Text(32)
    name = Text(50)
    phone_last4 = fields.String(validate=validate.Regexp(r"^\d{4}$", error="应为手机号后 4 位数字"))

    @validates_schema
    def _method_fields(self, data, **_):
        needed = (
            ["invite_code"]
            if data.get("method") == "invite"
            else ["staff_no", "name", "phone_last4"]
        )
        missing = {name: ["此项为必填项"] for name in needed if not data.get(name)}
        if missing:
            raise ValidationError(missing)


class BindResultSchema(Schema):
    token = fields.String()
    expires_at = UtcDateTime()
    member = fields.Nested(MeSchema)


class PasswordLoginSchema(Schema):
    username = Text(64, required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class AccountBriefSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    person_id = fields.Integer(allow_none=True)


class PasswordLoginResultSchema(Schema):
    token = fields.String()
    expires_at = UtcDateTime()
    account = fields.Nested(AccountBriefSchema)
    roles = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "角色 → 管辖组织路径"},
    )


class WhoAmISchema(Schema):
    kind = fields.String(metadata={"description": "mini | web"})
    account = fields.Nested(AccountBriefSchema, allow_none=True)
    person = fields.Nested(MeSchema, allow_none=True)
    roles = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Integer()),
        metadata={"description": "角色 → 管辖组织 id（空表示全部）"},
    )
    expires_at = UtcDateTime()
