"""The URL surface of meetings: lifecycle, participants, check-in, attendance and leave."""

from flask_smorest import Blueprint

from ..auth.principal import allow, current
from ..auth.views import ANY_ROLE
from ..errors import ApiError
from ..schemas import page_result
from . import checkin, leave, services
from .schemas import (
    AttendanceItemSchema,
    AttendanceSchema,
    CancelSchema,
    CheckinCodeSchema,
    CheckInOutSchema,
    CheckInSchema,
    LeaveArgs,
    LeaveAskSchema,
    LeaveDecisionSchema,
    LeavePageSchema,
    LeaveSchema,
    ManualSchema,
    MeetingArgs,
    MeetingPageSchema,
    MeetingPatchSchema,
    MeetingSchema,
    MeetingWriteSchema,
    ParticipantListSchema,
    ParticipantsAddSchema,
    RevokeSchema,
)

blp = Blueprint("meetings", __name__, url_prefix="/api/v1", description="会议、签到、请假")

MEETING = "/meetings/<int(max=2147483647):meeting_id>"
MANAGE = services.MANAGE_ROLES


def _member_id() -> int:
    person = current().person
    if person is None:
        raise ApiError(403, "no_member", "该账号未关联党员档案")
    return person.id


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


@blp.route("/checkins", methods=["POST"])
@allow("member")
@blp.arguments(CheckInSchema)
@blp.response(201, CheckInOutSchema)
@blp.alt_response(200, schema=CheckInOutSchema, description="已签到过：返回原签到记录")
def create_checkin(data):
    """Check in with a scanned code. A second scan is answered with the first check-in (200)."""
    row, created = checkin.check_in(data, _member_id())
    row.created = created
    return row, 201 if created else 200


@blp.route("/checkins/sign-out", methods=["POST"])
@allow("member")
@blp.arguments(CheckInSchema)
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
