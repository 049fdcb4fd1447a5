"""HTTP surface of the roster: ``GET /api/v1/people/export`` and ``POST /api/v1/people/import``.

The upload is one multipart/form-data body holding both the file and plain fields. flask-smorest
documents only one body location per endpoint (``files`` *or* ``form``), so this blueprint adds a
``multipart`` location: request.form and request.files parsed by one schema, documented as one
multipart requestBody.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from flask import Response
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from ..auth.principal import allow, current
from . import roster, services
from .schemas import ImportReportSchema


class _MultipartParser(FlaskParser):
    __location_map__: ClassVar[dict] = {
        **FlaskParser.__location_map__,
        "multipart": "load_multipart",
    }
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "multipart": None,
    }

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class _RosterBlueprint(Blueprint):
    ARGUMENTS_PARSER = _MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING: ClassVar[dict] = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


roster_blp = _RosterBlueprint(
    "people_roster",
    __name__,
    url_prefix="/api/v1/people",
    description="人员名册：Excel（.xlsx）导入与导出",
)


class FileUpload(Upload):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError("应上传文件")
        return value


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


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII fallback name and the real name per RFC 5987/6266."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@roster_blp.route("/export", methods=["GET"])
@allow(*services.READ_ROLES)
@roster_blp.arguments(ExportArgsSchema, location="query")
@roster_blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type=roster.XLSX_MIMETYPE,
    description="人员名册 .xlsx（公民身份号码、手机号已脱敏）",
)
def export_roster(args):
    """Everyone in the org's subtree as an .xlsx file. Audited as ``person.export``."""
    result = roster.export_people(args["org_id"], current())
    response = Response(result.content, mimetype=roster.XLSX_MIMETYPE)
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
