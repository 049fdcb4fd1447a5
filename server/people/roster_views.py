"""HTTP surface of the roster: ``GET /api/v1/people/export`` and ``POST /api/v1/people/import``.

The upload is one multipart/form-data body holding both the file and plain fields
(``server.files.MultipartBlueprint``).
"""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields, validate

from ..auth.principal import allow, current
from ..files import XLSX_MIMETYPE, FileUpload, MultipartBlueprint, content_disposition
from . import roster, services
from .schemas import ImportReportSchema

roster_blp = MultipartBlueprint(
    "people_roster",
    __name__,
    url_prefix="/api/v1/people",
    description="人员名册：Excel（.xlsx）导入与导出",
)


class ExportArgsSchema(Schema):
    org_id = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "导出该组织及其下级组织的全部人员"},
    )


class ImportArgsSchema(Schema):
    file = FileUpload(required=True, metadata={"description": "名册 .xlsx（表头在第 1 行）"})
    org_id = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "新增人员默认归属的党支部（行内「所在支部」可另行指定）"},
    )
    dry_run = fields.Boolean(load_default=False, metadata={"description": "只校验，不写入"})


@roster_blp.route("/export", methods=["GET"])
@allow(*services.READ_ROLES)
@roster_blp.arguments(ExportArgsSchema, location="query")
@roster_blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type=XLSX_MIMETYPE,
    description="人员名册 .xlsx（公民身份号码、手机号已脱敏）",
)
def export_roster(args):
    """Everyone in the org's subtree as an .xlsx file. Audited as ``person.export``."""
    result = roster.export_people(args["org_id"], current())
    response = Response(result.content, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(
        result.filename, f"roster-{args['org_id']}.xlsx"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@roster_blp.route("/import", methods=["POST"])
@allow(*services.WRITE_ROLES)
@roster_blp.arguments(ImportArgsSchema, location="multipart")
@roster_blp.response(200, ImportReportSchema)
def import_roster(args):
    """Create or update people from an .xlsx roster (same columns as the export).

    Rows whose 学号/工号 exists in the caller's scope update that person (non-empty cells
    only); masked ID numbers and phones are ignored. Valid rows are applied even when others
    are rejected; ``dry_run`` applies nothing.
    """
    content = args["file"].read()  # bounded by MAX_CONTENT_LENGTH (413 beyond)
    return roster.import_people(content, args["org_id"], current(), dry_run=args["dry_run"])
