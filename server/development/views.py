"""The development API (contract: docs/development.md)."""

from __future__ import annotations

from flask import Response

from ..auth.principal import allow, current
from ..files import XLSX_MIMETYPE, MultipartBlueprint, uploaded_file, xlsx_response
from ..schemas import page_result
from . import due, exports, materials, services
from . import rules as R
from .schemas import (
    CorrectionSchema,
    DecisionSchema,
    EntryDetailSchema,
    EntrySchema,
    MaterialListSchema,
    MaterialSchema,
    MaterialUploadSchema,
    PipelineSchema,
    RecordArgs,
    RecordPageSchema,
    RecordSchema,
    RegisterArgs,
    RulesSchema,
    StartSchema,
    StopSchema,
    SubmitSchema,
    TodoArgs,
    TodoSchema,
)

blp = MultipartBlueprint(
    "development", __name__, url_prefix="/api/v1/development", description="发展党员"
)

RECORD = "/records/<int(max=2147483647):record_id>"
ENTRY = "/entries/<int(max=2147483647):entry_id>"
MANAGE = services.MANAGE_ROLES
READ = services.READ_ROLES


@blp.route("/rules", methods=["GET"])
@allow("member", *READ)
@blp.response(200, RulesSchema)
def rules():
    """The 25 steps as the server enforces them (the default rule set)."""
    from flask import current_app

    return services.rules_view(R.load(current_app.config["DEVELOPMENT"]["rules_version"]))


@blp.route("/records", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(StartSchema)
@blp.response(201, RecordSchema)
def start(data):
    """Register an application (step 1) and open the applicant's record."""
    record = services.start(data, current())
    return services.detail(record, current())


@blp.route("/records", methods=["GET"])
@allow(*READ)
@blp.arguments(RecordArgs, location="query")
@blp.response(200, RecordPageSchema)
def records(args):
    page = services.search(current(), args, args["page"], args["per_page"])
    result = page_result(page)
    result["items"] = [services.summary(r) for r in result["items"]]
    return result


@blp.route("/me", methods=["GET"])
@allow("member")
@blp.response(200, RecordSchema)
def my_record():
    """The caller's own record (applicants, activists, development targets, probationers)."""
    principal = current()
    return services.detail(services.mine(principal), principal)


@blp.route(RECORD, methods=["GET"])
@allow("member", *READ)
@blp.response(200, RecordSchema)
def record(record_id):
    principal = current()
    return services.detail(services.get_visible(record_id, principal), principal)


@blp.route(f"{RECORD}/entries", methods=["POST"])
@allow("member", *MANAGE)
@blp.arguments(SubmitSchema)
@blp.response(201, EntrySchema)
@blp.alt_response(200, schema=EntrySchema, description="同一 key 的重复提交：返回原记录")
def submit(data, record_id):
    """Record a step: done at once, or waiting for the decision of the body the rules name."""
    record = services.get_visible(record_id, current(), lock=True)
    entry = services.submit(record, data, current())
    return services.entry_view(entry), 200 if getattr(entry, "replayed", False) else 201


@blp.route(ENTRY, methods=["GET"])
@allow("member", *READ)
@blp.response(200, EntryDetailSchema)
def entry(entry_id):
    """One entry with its record and applicant, and whether the caller may decide it (what an
    approval notification opens)."""
    principal = current()
    found = services.get_entry(entry_id, principal)
    return services.entry_detail(found, principal)


@blp.route(f"{ENTRY}/approve", methods=["POST"])
@allow("member", *MANAGE)
@blp.arguments(DecisionSchema)
@blp.response(200, EntrySchema)
def approve(data, entry_id):
    return services.entry_view(services.decide(entry_id, True, data, current()))


@blp.route(f"{ENTRY}/reject", methods=["POST"])
@allow("member", *MANAGE)
@blp.arguments(DecisionSchema)
@blp.response(200, EntrySchema)
def reject(data, entry_id):
    return services.entry_view(services.decide(entry_id, False, data, current()))


@blp.route(f"{ENTRY}/correct", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(CorrectionSchema)
@blp.response(201, EntrySchema)
def correct(data, entry_id):
    """A completed step recorded again with a reason; the old entry stays, superseded."""
    return services.entry_view(services.correct(entry_id, data, current()))


@blp.route(f"{RECORD}/stop", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(StopSchema)
@blp.response(200, RecordSchema)
def stop(data, record_id):
    principal = current()
    record = services.get_visible(record_id, principal, lock=True)
    return services.detail(services.stop(record, data["reason"], principal), principal)


@blp.route("/todo", methods=["GET"])
@allow("member", *MANAGE)
@blp.arguments(TodoArgs, location="query")
@blp.response(200, TodoSchema)
def todo(args):
    """The secretary's to-do: steps open, near or past their deadline, approvals waiting."""
    return due.todo(current(), args.get("org_id"))


@blp.route("/pipeline", methods=["GET"])
@allow(*READ)
@blp.arguments(TodoArgs, location="query")
@blp.response(200, PipelineSchema)
def pipeline(args):
    """The committee office's view: people per stage per branch, overdue, cohorts."""
    return due.pipeline(current(), args.get("org_id"))


# -- materials and exports -------------------------------------------------------------------

MATERIAL = "/materials/<int(max=2147483647):material_id>"
BINARY = {"type": "string", "format": "binary"}


@blp.route(f"{RECORD}/materials", methods=["POST"])
@allow("member", *READ)
@blp.arguments(MaterialUploadSchema, location="multipart")
@blp.response(201, MaterialSchema)
def upload_material(data, record_id):
    """A material of the record (PDF, JPG, PNG or .docx, checked by content;
    ``material_max_mb``). The applicant: their own 入党申请书, 思想汇报, 转正申请书 and other
    materials; the branch's managers: any kind."""
    principal = current()
    record = services.get_visible(record_id, principal)
    material = materials.upload(record, data, principal)
    return materials.view(material, record, principal)


@blp.route(f"{RECORD}/materials", methods=["GET"])
@allow("member", *READ)
@blp.response(200, MaterialListSchema)
def list_materials(record_id):
    principal = current()
    record = services.get_visible(record_id, principal)
    return {"items": [materials.view(m, record, principal) for m in materials.listing(record)]}


@blp.route(f"{MATERIAL}/content", methods=["GET"])
@allow("member", *READ)
@blp.response(200, BINARY, content_type="application/octet-stream")
def material_content(material_id):
    """The file (audited): images inline, the others as a download."""
    material, data = materials.content(material_id, current())
    ext = materials.ALLOWED.get(material.content_type, "bin")
    return uploaded_file(
        data, material.content_type, filename=material.filename,
        fallback=f"material-{material.id}.{ext}",
        inline=material.content_type in materials.IMAGES, cache="private, no-store",
    )  # fmt: skip


@blp.route(MATERIAL, methods=["DELETE"])
@allow("member", *READ)
@blp.response(204)
def delete_material(material_id):
    """The uploader while the record is active, or the branch's managers."""
    materials.delete(material_id, current())


def _xlsx(export: exports.Export, fallback: str) -> Response:
    return xlsx_response(export.content, export.filename, fallback)


@blp.route(f"{RECORD}/export", methods=["GET"])
@allow("member", *READ)
@blp.response(200, BINARY, content_type=XLSX_MIMETYPE, description="发展党员档案 .xlsx")
def export_record(record_id):
    """One record for the archive: 基本信息, 发展过程 (every entry), 材料. Audited."""
    return _xlsx(
        exports.export_record(record_id, current()), f"development-record-{record_id}.xlsx"
    )


@blp.route("/register.xlsx", methods=["GET"])
@allow(*READ)
@blp.arguments(RegisterArgs, location="query")
@blp.response(200, BINARY, content_type=XLSX_MIMETYPE, description="发展党员名册 .xlsx")
def export_register(args):
    """Everyone in the pipeline over the caller's scope, one row per record (at most
    10,000: filter by org beyond). Audited."""
    return _xlsx(exports.export_register(current(), args), "development-register.xlsx")
