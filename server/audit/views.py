from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth.principal import allow
from ..schemas import Choice, PageArgs, Text, UtcDateTime, page_result, paged
from . import services

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-logs", description="审计日志（只读）")


class AuditLogSchema(Schema):
    id = fields.Integer()
    at = UtcDateTime()
    actor_account_id = fields.Integer(allow_none=True)
    actor_person_id = fields.Integer(allow_none=True)
    actor_label = fields.String(allow_none=True)
    action = fields.String()
    target_type = fields.String(allow_none=True)
    target_id = fields.Integer(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    result = fields.String()
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)


class AuditQuerySchema(PageArgs):
    action = Text(50)
    target_type = Choice({"person": "人员", "org": "组织", "account": "账号"})
    target_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    actor_account_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    actor_person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    result = Text(50)
    since = UtcDateTime()
    until = UtcDateTime()


@blp.route("", methods=["GET"])
@allow("system_admin", "auditor")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, paged(AuditLogSchema, "AuditLogPage"))
def list_audit_logs(args):
    """Page through the audit log, newest first."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return page_result(services.list_entries(args, page, per_page))
