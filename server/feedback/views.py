"""Feedback, reports and help (docs/feedback.md).

The author of an anonymous case acts through ``/feedback/lookup`` and ``/feedback/receipt/*``
with the receipt code in the body: no URL carries the case's id for them, so no access log line
pairs the case with the address it was reached from.
"""

from __future__ import annotations

from ..auth.principal import allow, current
from ..files import MultipartBlueprint, uploaded_file
from ..notify.services import local_today
from ..schemas import PageArgs, page_result
from . import services
from .models import KINDS
from .schemas import (
    CasePageSchema,
    CaseReceiptRatingSchema,
    CaseReceiptReopenSchema,
    CaseReceiptSchema,
    CaseReceiptUploadSchema,
    CaseSchema,
    CloseSchema,
    FeedbackSubmitSchema,
    FeedbackUploadSchema,
    HandledArgs,
    HandlerCasePageSchema,
    HandlerCaseSchema,
    HandlingSchema,
    OverduePageSchema,
    RatingSchema,
    ReopenSchema,
    ReplySchema,
    SubjectOrgListSchema,
    SubmittedSchema,
)

blp = MultipartBlueprint(
    "feedback", __name__, url_prefix="/api/v1/feedback", description="意见建议、监督举报、求助"
)

HANDLERS = ("secretary", "discipline_inspector")
READERS = (*HANDLERS, services.AUDITOR)
ANY = ("member", "secretary", "committee_admin", "discipline_inspector", "auditor", "system_admin")
MINE = "/mine/<int(max=2147483647):case_id>"
CASE = "/cases/<int(max=2147483647):case_id>"
ATTACHMENT = "/attachments/<int(max=2147483647):attachment_id>"
BINARY = {"type": "string", "format": "binary"}


# -- the author ------------------------------------------------------------------------------


@blp.route("", methods=["POST"])
@allow("member")
@blp.arguments(FeedbackSubmitSchema)
@blp.response(201, SubmittedSchema)
def submit(data):
    """Send a case. Anonymous: the answer holds the receipt code, shown this once."""
    row, receipt = services.submit(data, current())
    return {
        "case": services.author_view(row),
        "receipt": services.format_receipt(receipt) if receipt else None,
    }


@blp.route("/subject-orgs", methods=["GET"])
@allow("member")
@blp.response(200, SubjectOrgListSchema)
def subject_orgs():
    """Every org, for choosing what a report is about."""
    return {"items": services.subject_orgs()}


@blp.route("/mine", methods=["GET"])
@allow("member")
@blp.arguments(PageArgs, location="query")
@blp.response(200, CasePageSchema)
def mine(args):
    """My named cases, newest first (anonymous ones are not linked to me: see lookup)."""
    result = page_result(services.mine(current(), args["page"], args["per_page"]))
    result["items"] = services.author_views(result["items"])
    return result


@blp.route(MINE, methods=["GET"])
@allow("member")
@blp.response(200, CaseSchema)
def my_case(case_id):
    return services.author_view(services.my_case(case_id, current()))


@blp.route(f"{MINE}/rating", methods=["POST"])
@allow("member")
@blp.arguments(RatingSchema)
@blp.response(200, CaseSchema)
def rate_mine(data, case_id):
    row = services.my_case(case_id, current())
    return services.author_view(services.rate(row, data["score"], data.get("comment") or None))


@blp.route(f"{MINE}/reopen", methods=["POST"])
@allow("member")
@blp.arguments(ReopenSchema)
@blp.response(200, CaseSchema)
def reopen_mine(data, case_id):
    row = services.my_case(case_id, current())
    return services.author_view(services.reopen(row, data["reason"]))


@blp.route(f"{MINE}/attachments", methods=["POST"])
@allow("member")
@blp.arguments(FeedbackUploadSchema, location="multipart")
@blp.response(201, CaseSchema)
def attach_mine(data, case_id):
    """A picture or PDF for my case: on the day it was sent, before it is accepted, up to 3."""
    row = services.my_case(case_id, current())
    services.add_attachment(row, data["file"])
    return services.author_view(row)


@blp.route(f"{MINE}{ATTACHMENT}", methods=["GET"])
@allow("member")
@blp.response(200, BINARY, content_type="application/octet-stream")
def my_attachment(case_id, attachment_id):
    row = services.my_case(case_id, current())
    return _file(services.attachment_of(row, attachment_id))


@blp.route("/lookup", methods=["POST"])
@allow("member")
@blp.arguments(CaseReceiptSchema)
@blp.response(200, CaseSchema)
def lookup(data):
    """An anonymous case by its receipt code (in the body, never the URL)."""
    return services.author_view(services.by_receipt(data["receipt"], current()))


@blp.route("/receipt/rating", methods=["POST"])
@allow("member")
@blp.arguments(CaseReceiptRatingSchema)
@blp.response(200, CaseSchema)
def rate_by_receipt(data):
    row = services.by_receipt(data["receipt"], current())
    return services.author_view(services.rate(row, data["score"], data.get("comment") or None))


@blp.route("/receipt/reopen", methods=["POST"])
@allow("member")
@blp.arguments(CaseReceiptReopenSchema)
@blp.response(200, CaseSchema)
def reopen_by_receipt(data):
    row = services.by_receipt(data["receipt"], current())
    return services.author_view(services.reopen(row, data["reason"]))


@blp.route("/receipt/attachments", methods=["POST"])
@allow("member")
@blp.arguments(CaseReceiptUploadSchema, location="multipart")
@blp.response(201, CaseSchema)
def attach_by_receipt(data):
    """A picture for an anonymous case (its metadata is removed), the receipt as a form field."""
    row = services.by_receipt(data["receipt"], current())
    services.add_attachment(row, data["file"])
    return services.author_view(row)


# -- handlers, auditors, the committee -------------------------------------------------------


@blp.route("/handling", methods=["GET"])
@allow(*ANY)
@blp.response(200, HandlingSchema)
def handling():
    """Whether I handle cases, and how many wait for acceptance or a reply."""
    return services.handling(current())


@blp.route("/cases", methods=["GET"])
@allow(*READERS)
@blp.arguments(HandledArgs, location="query")
@blp.response(200, HandlerCasePageSchema)
def cases(args):
    """The cases I handle (an auditor: all in scope), the most urgent first."""
    result = page_result(
        services.handled(
            current(), args.get("status"), args.get("kind"), args["page"], args["per_page"]
        )
    )
    result["items"] = services.handler_views(result["items"])
    return result


@blp.route(CASE, methods=["GET"])
@allow(*READERS)
@blp.response(200, HandlerCaseSchema)
def case(case_id):
    return services.handler_view(services.read(case_id, current()))


@blp.route(f"{CASE}/accept", methods=["POST"])
@allow(*HANDLERS)
@blp.response(200, HandlerCaseSchema)
def accept(case_id):
    return services.handler_view(services.accept(case_id, current()))


@blp.route(f"{CASE}/reply", methods=["POST"])
@allow(*HANDLERS)
@blp.arguments(ReplySchema)
@blp.response(200, HandlerCaseSchema)
def reply(data, case_id):
    return services.handler_view(services.reply(case_id, data["content"], current()))


@blp.route(f"{CASE}/close", methods=["POST"])
@allow(*HANDLERS)
@blp.arguments(CloseSchema)
@blp.response(200, HandlerCaseSchema)
def close(data, case_id):
    return services.handler_view(services.close(case_id, data.get("content") or None, current()))


@blp.route(f"{CASE}{ATTACHMENT}", methods=["GET"])
@allow(*READERS)
@blp.response(200, BINARY, content_type="application/octet-stream")
def case_attachment(case_id, attachment_id):
    row = services.read(case_id, current())
    return _file(services.attachment_of(row, attachment_id))


@blp.route("/overdue", methods=["GET"])
@allow("committee_admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, OverduePageSchema)
def overdue(args):
    """Cases past a deadline in the orgs I administer: no text, no author."""
    result = page_result(services.overdue(current(), args["page"], args["per_page"]))
    today = local_today()
    items = []
    for row in result["items"]:
        stage = services.overdue_stage(row, today)
        due = row.accept_due if stage == "accept" else row.reply_due
        items.append(
            {
                "id": row.id,
                "kind": row.kind,
                "kind_label": KINDS[row.kind],
                "handler_org_name": row.handler_org.name,
                "status": row.status,
                "submitted_on": row.submitted_on,
                "accept_due": row.accept_due,
                "reply_due": row.reply_due,
                "overdue": stage,
                "overdue_days": (today - due).days,
            }
        )
    result["items"] = items
    return result


def _file(attachment):
    return uploaded_file(
        attachment.data,
        attachment.content_type,
        filename=attachment.name,
        fallback=f"attachment-{attachment.id}",
        cache="private, no-store",
    )
