"""The development API (contract: docs/development.md)."""

from __future__ import annotations

from ..auth.principal import allow, current
from ..files import MultipartBlueprint
from ..schemas import page_result
from . import due, services
from . import rules as R
from .schemas import (
    CorrectionSchema,
    DecisionSchema,
    EntrySchema,
    PipelineSchema,
    RecordArgs,
    RecordPageSchema,
    RecordSchema,
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
