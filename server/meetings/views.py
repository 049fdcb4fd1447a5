"""The URL surface of meetings: lifecycle, participants, check-in, attendance and leave."""

from flask import Response

from ..auth.principal import allow, current, pending_caller
from ..auth.views import ANY_ROLE
from ..errors import ApiError
from ..files import XLSX_MIMETYPE, MultipartBlueprint, uploaded_file, xlsx_response
from ..schemas import PageArgs, page_result
from . import attachments, checkin, comments, compliance, history, leave, minutes, services
from .schemas import (
    AttachmentListSchema,
    AttachmentSchema,
    AttachmentUploadSchema,
    AttendanceItemSchema,
    AttendanceSchema,
    CancelSchema,
    CheckinCodeSchema,
    CheckInOutSchema,
    CheckInSchema,
    CommentPageSchema,
    CommentSchema,
    CommentWriteSchema,
    ComplianceArgs,
    ComplianceSchema,
    DateRangeArgs,
    ExportArgs,
    FeedPageSchema,
    LeaveArgs,
    LeaveAskSchema,
    LeaveDecisionSchema,
    LeavePageSchema,
    LeaveRecordSchema,
    LeaveSchema,
    ManualSchema,
    MeetingArgs,
    MeetingPageSchema,
    MeetingPatchSchema,
    MeetingSchema,
    MeetingWriteSchema,
    MinutesSchema,
    MinutesWriteSchema,
    MyAttendancePageSchema,
    ParticipantListSchema,
    ParticipantsAddSchema,
    RevisionListSchema,
    RevokeSchema,
    UnmetListSchema,
)

blp = MultipartBlueprint(
    "meetings", __name__, url_prefix="/api/v1", description="会议、签到、请假、会议记录"
)

MEETING = "/meetings/<int(max=2147483647):meeting_id>"
MANAGE = services.MANAGE_ROLES


def _member_id() -> int:
    person_id = current().person_id
    if person_id is None:
        raise ApiError(403, "no_member", "该账号未关联党员档案")
    return person_id


def _detail(meeting):
    return services.detail(meeting, current())


# -- meetings --------------------------------------------------------------------------------


@blp.route("/meetings", methods=["GET"])
@allow(*ANY_ROLE)
@blp.arguments(MeetingArgs, location="query")
@blp.response(200, MeetingPageSchema)
def list_meetings(args):
    """Meetings I take part in (``mine``), or those of the orgs I manage or oversee."""
    args["from"] = args.pop("from_", None)
    return page_result(services.search(current(), args, args["page"], args["per_page"]))


@blp.route("/meetings", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(MeetingWriteSchema)
@blp.response(201, MeetingSchema)
def create_meeting(data):
    """A draft meeting; participants default to the org's full and probationary members."""
    return _detail(services.create(data, current()))


@blp.route(MEETING, methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id):
    return _detail(services.get_visible(meeting_id, current()))


@blp.route(MEETING, methods=["PATCH"])
@allow(*MANAGE)
@blp.arguments(MeetingPatchSchema)
@blp.response(200, MeetingSchema)
def patch_meeting(data, meeting_id):
    """Edit; a new time or place of a published meeting is sent to participants and the
    reminders move with it."""
    meeting = services.get_managed(meeting_id, current())
    return _detail(services.update(meeting, data, current()))


@blp.route(MEETING, methods=["DELETE"])
@allow(*MANAGE)
@blp.response(204)
def delete_meeting(meeting_id):
    services.delete_draft(services.get_managed(meeting_id, current()))


@blp.route(f"{MEETING}/publish", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, MeetingSchema)
def publish_meeting(meeting_id):
    meeting = services.get_managed(meeting_id, current())
    return _detail(services.publish(meeting, current()))


@blp.route(f"{MEETING}/cancel", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(CancelSchema)
@blp.response(200, MeetingSchema)
def cancel_meeting(data, meeting_id):
    meeting = services.get_managed(meeting_id, current())
    return _detail(services.cancel(meeting, data["reason"], current()))


@blp.route(f"{MEETING}/participants", methods=["GET"])
@allow(*MANAGE, "member")
@blp.response(200, ParticipantListSchema)
def list_participants(meeting_id):
    meeting = services.get_run(meeting_id, current())
    return {"items": services.participants(meeting)}


@blp.route(f"{MEETING}/participants", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(ParticipantsAddSchema)
@blp.response(200, ParticipantListSchema)
def add_participants(data, meeting_id):
    meeting = services.get_managed(meeting_id, current())
    services.add_participants(meeting, data["person_ids"], data["role"], current())
    return {"items": services.participants(meeting)}


@blp.route(f"{MEETING}/participants/<int(max=2147483647):person_id>", methods=["DELETE"])
@allow(*MANAGE)
@blp.response(204)
def remove_participant(meeting_id, person_id):
    meeting = services.get_managed(meeting_id, current())
    services.remove_participant(meeting, person_id, current())


# -- check-in --------------------------------------------------------------------------------


@blp.route(f"{MEETING}/checkin-code", methods=["GET"])
@allow(*MANAGE, "member")
@blp.response(200, CheckinCodeSchema)
def checkin_code(meeting_id):
    """The projector's current code (rotates every ``qr_rotate_seconds``) and live counts;
    for managers, the chair and the recorder."""
    return checkin.current_code(services.get_run(meeting_id, current()))


# The schema as an instance: webargs instantiates a schema class on every request (and its
# nested schemas with it), which is a noticeable part of the check-in's hot path.
CHECKIN_BODY = CheckInSchema()


@blp.route("/checkins", methods=["POST"])
@allow("member", pending=True)  # the insert itself checks the member's session
@blp.arguments(CHECKIN_BODY)
@blp.response(201, CheckInOutSchema)
@blp.alt_response(200, schema=CheckInOutSchema, description="已签到过：返回原签到记录")
def create_checkin(data):
    """Check in with a scanned code. A second scan is answered with the first check-in (200)."""
    row, created = checkin.check_in(data, pending_caller())
    row.created = created
    return row, 201 if created else 200


@blp.route("/checkins/sign-out", methods=["POST"])
@allow("member", lean=True)
@blp.arguments(CHECKIN_BODY)
@blp.response(200, CheckInOutSchema)
def sign_out(data):
    """签退 for meetings that count hours: scan the projector's code again."""
    return checkin.sign_out(data, _member_id())


@blp.route(f"{MEETING}/attendance", methods=["GET"])
@allow(*MANAGE, "member")
@blp.response(200, AttendanceSchema)
def attendance(meeting_id):
    """Live attendance with anomaly flags (managers, chair, recorder)."""
    return checkin.attendance(services.get_run(meeting_id, current()))


@blp.route(f"{MEETING}/checkins/<int(max=2147483647):checkin_id>/revoke", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(RevokeSchema)
@blp.response(200, AttendanceItemSchema)
def revoke_checkin(data, meeting_id, checkin_id):
    meeting = services.get_managed(meeting_id, current())
    return checkin.revoke(meeting, checkin_id, data["reason"], current())


@blp.route(f"{MEETING}/attendance/manual", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(ManualSchema)
@blp.response(200, AttendanceItemSchema)
def manual_checkin(data, meeting_id):
    """补签 with a reason (audited); reinstates a revoked check-in."""
    meeting = services.get_managed(meeting_id, current())
    return checkin.manual(meeting, data, current())


# -- leave -----------------------------------------------------------------------------------


@blp.route(f"{MEETING}/leave", methods=["POST"])
@allow("member")
@blp.arguments(LeaveAskSchema)
@blp.response(201, LeaveSchema)
def ask_leave(data, meeting_id):
    meeting = services.get_visible(meeting_id, current())
    return leave.ask(meeting, _member_id(), data["reason"])


@blp.route(f"{MEETING}/leave", methods=["DELETE"])
@allow("member")
@blp.response(200, LeaveSchema)
def withdraw_leave(meeting_id):
    meeting = services.get_visible(meeting_id, current())
    return leave.withdraw(meeting, _member_id())


@blp.route(f"{MEETING}/leave/record", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(LeaveRecordSchema)
@blp.response(201, LeaveSchema)
def record_leave(data, meeting_id):
    """A manager records a member's leave with its reason (approved at once; audited), e.g.
    one asked in person or after the fact; the minutes list it with the reason."""
    meeting = services.get_managed(meeting_id, current())
    return leave.record(meeting, data["person_id"], data["reason"], current())


@blp.route("/leave-requests", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(LeaveArgs, location="query")
@blp.response(200, LeavePageSchema)
def list_leave(args):
    return page_result(leave.visible(current(), args, args["page"], args["per_page"]))


@blp.route("/leave-requests/<int(max=2147483647):leave_id>/decision", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(LeaveDecisionSchema)
@blp.response(200, LeaveSchema)
def decide_leave(data, leave_id):
    return leave.decide(leave_id, data["approve"], data.get("comment"), current())


# -- minutes ---------------------------------------------------------------------------------


@blp.route(f"{MEETING}/minutes", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, MinutesSchema)
def get_minutes(meeting_id):
    return minutes.get(services.get_visible(meeting_id, current()))


@blp.route(f"{MEETING}/minutes", methods=["PUT"])
@allow(*MANAGE, "member")
@blp.arguments(MinutesWriteSchema)
@blp.response(200, MinutesSchema)
def save_minutes(data, meeting_id):
    """Write the minutes (recorder, chair or managers); send the ``version`` you edited, so a
    save over someone else's newer version is refused (409 ``minutes_conflict``)."""
    return minutes.save(services.get_visible(meeting_id, current()), data, current())


@blp.route(f"{MEETING}/minutes/revisions", methods=["GET"])
@allow(*MANAGE, "member")
@blp.response(200, RevisionListSchema)
def minutes_revisions(meeting_id):
    return {"items": minutes.revisions(services.get_run(meeting_id, current()))}


@blp.route(f"{MEETING}/minutes/sign", methods=["POST"])
@allow(*MANAGE, "member")
@blp.response(200, MinutesSchema)
def sign_minutes(meeting_id):
    """The chair and the recorder sign (a later edit clears both signatures)."""
    return minutes.sign(services.get_visible(meeting_id, current()), current())


@blp.route(f"{MEETING}/archive", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, MeetingSchema)
def archive_meeting(meeting_id):
    """Archive an ended meeting with minutes; its attendance is frozen into the minutes."""
    meeting = services.get_managed(meeting_id, current())
    return _detail(minutes.archive(meeting, current()))


@blp.route(f"{MEETING}/minutes.xlsx", methods=["GET"])
@allow(*MANAGE, "member", "discipline_inspector")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX_MIMETYPE)
def minutes_xlsx(meeting_id):
    meeting = services.get_visible(meeting_id, current())
    if not (
        services.runs(meeting, current())
        or current().covers(meeting.org.path, *services.READ_ROLES)
    ):
        raise ApiError(403, "not_manager", "只有书记、会议主持人或记录人可以导出会议记录")
    try:
        record = minutes.get(meeting)
    except ApiError:
        record = None
    return _xlsx(history.export_minutes(meeting, record), f"minutes-{meeting.id}.xlsx")


COMMENTS = f"{MEETING}/comments"


@blp.route(COMMENTS, methods=["POST"])
@allow("member")
@blp.arguments(CommentWriteSchema)
@blp.response(201, CommentSchema)
def create_comment(data, meeting_id):
    """Comment on the minutes (members who may read them). A comment the content check flags
    is ``pending``: only its author sees it until an administrator approves it."""
    meeting = services.get_visible(meeting_id, current())
    return comments.create(meeting, data["content"], current())


@blp.route(COMMENTS, methods=["GET"])
@allow(*ANY_ROLE)
@blp.arguments(PageArgs, location="query")
@blp.response(200, CommentPageSchema)
def list_comments(args, meeting_id):
    """Published comments, oldest first, and my own whatever their status."""
    meeting = services.get_visible(meeting_id, current())
    return comments.listing(meeting, current(), args["page"], args["per_page"])


@blp.route(f"{COMMENTS}/<int(max=2147483647):comment_id>", methods=["DELETE"])
@allow(*MANAGE, "member")
@blp.response(204)
def delete_comment(meeting_id, comment_id):
    """The author or a manager of the meeting's org removes a comment (audited)."""
    meeting = services.get_visible(meeting_id, current())
    comments.delete(meeting, comment_id, current())


# -- attachments -----------------------------------------------------------------------------


@blp.route(f"{MEETING}/attachments", methods=["POST"])
@allow(*MANAGE, "member")
@blp.arguments(AttachmentUploadSchema, location="multipart")
@blp.response(201, AttachmentSchema)
def upload_attachment(data, meeting_id):
    """A photo or PDF of the meeting (type checked by content, ``attachment_max_mb``)."""
    meeting = services.get_visible(meeting_id, current())
    return attachments.upload(meeting, data["file"], data.get("caption"), current())


@blp.route(f"{MEETING}/attachments", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, AttachmentListSchema)
def list_attachments(meeting_id):
    return {"items": attachments.listing(services.get_visible(meeting_id, current()))}


ATTACHMENT = "/attachments/<int(max=2147483647):attachment_id>"


@blp.route(f"{ATTACHMENT}/content", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def attachment_content(attachment_id):
    attachment, data = attachments.content(attachment_id, current())
    return uploaded_file(
        data, attachment.content_type, filename=attachment.filename,
        fallback=f"attachment-{attachment.id}.{attachments.ALLOWED[attachment.content_type]}",
        inline=attachment.content_type in attachments.IMAGES,
    )  # fmt: skip


@blp.route(ATTACHMENT, methods=["DELETE"])
@allow(*ANY_ROLE)
@blp.response(204)
def delete_attachment(attachment_id):
    attachments.delete(attachment_id, current())


# -- history, feed, exports ------------------------------------------------------------------


@blp.route("/me/attendance", methods=["GET"])
@allow("member")
@blp.arguments(DateRangeArgs, location="query")
@blp.response(200, MyAttendancePageSchema)
def my_attendance(args):
    """My attendance at meetings that have started, with totals."""
    args["from"] = args.pop("from_", None)
    return history.my_attendance(_member_id(), args, args["page"], args["per_page"])


@blp.route("/orgs/<int(max=2147483647):org_id>/feed", methods=["GET"])
@allow(*ANY_ROLE)
@blp.arguments(PageArgs, location="query")
@blp.response(200, FeedPageSchema)
def org_feed(args, org_id):
    """支部动态: the org's meetings with recorded minutes and their photos, newest first."""
    return history.feed(org_id, current(), args["page"], args["per_page"])


@blp.route("/meetings/export.xlsx", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX_MIMETYPE)
def export_meetings(args):
    """Meetings of an org's subtree with their attendance (sheets 会议 and 出勤); audited."""
    args["from"] = args.pop("from_", None)
    return _xlsx(history.export_meetings(current(), args), f"meetings-{args['org_id']}.xlsx")


# -- compliance ------------------------------------------------------------------------------


@blp.route("/compliance", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.arguments(ComplianceArgs, location="query")
@blp.response(200, ComplianceSchema)
def compliance_report(args):
    """三会一课: each branch and party group under the org, its required meetings in the current
    and the previous period, held (with minutes) against required."""
    org = compliance.visible_org(args["org_id"], current())
    on = args.get("on") or compliance.today()
    return {"on": on, "items": compliance.report(org, on)}


@blp.route("/compliance/overdue", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.arguments(ComplianceArgs, location="query")
@blp.response(200, UnmetListSchema)
def compliance_overdue(args):
    """What is overdue, then what falls due within ``compliance_warn_days``."""
    org = compliance.visible_org(args["org_id"], current())
    on = args.get("on") or compliance.today()
    return {"on": on, "items": compliance.unmet(org, on)}


def _xlsx(export, fallback: str) -> Response:
    return xlsx_response(export.content, export.filename, fallback)
