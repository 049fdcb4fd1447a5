from __future__ import annotations

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from ..files import FileUpload
from ..schemas import Choice, PageArgs, Text, UtcDateTime, paged
from .models import (
    LEAVE_STATES,
    MEETING_STATUSES,
    MEETING_TYPES,
    PARTICIPANT_ROLES,
)
from .services import ATTENDANCE_LABELS, PHASE_LABELS, late_after, opens_at, phase

ID = {"validate": validate.Range(min=1, max=2**31 - 1)}
KEY_CHARS = r"^[A-Za-z0-9_-]{8,64}$"


def _utc(value):
    return UtcDateTime()._serialize(value, None, None)


# -- input -----------------------------------------------------------------------------------


class GeofenceSchema(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    radius_m = fields.Integer(required=True, validate=validate.Range(min=50, max=5000))


class MeetingWriteSchema(Schema):
    org_id = fields.Integer(required=True, **ID)
    type = Choice(MEETING_TYPES, required=True)
    title = Text(100, required=True)
    place = Text(100, required=True)
    description = Text(2000, allow_none=True)
    start_at = UtcDateTime(required=True)
    end_at = UtcDateTime(required=True)
    chair_id = fields.Integer(allow_none=True, **ID)
    recorder_id = fields.Integer(allow_none=True, **ID)
    geofence = fields.Nested(GeofenceSchema, allow_none=True)
    sign_out = fields.Boolean(truthy={True}, falsy={False})
    checkin_opens_minutes = fields.Integer(validate=validate.Range(min=0, max=24 * 60))
    late_grace_minutes = fields.Integer(validate=validate.Range(min=0, max=240))
    observer_ids = fields.List(fields.Integer(**ID), validate=validate.Length(max=500))
    extra_participant_ids = fields.List(fields.Integer(**ID), validate=validate.Length(max=2000))


class MeetingPatchSchema(MeetingWriteSchema):
    class Meta:
        exclude = ("org_id", "observer_ids", "extra_participant_ids")

    type = Choice(MEETING_TYPES)
    title = Text(100)
    place = Text(100)
    start_at = UtcDateTime()
    end_at = UtcDateTime()

    @validates_schema
    def _not_empty(self, data, **_):
        if not data:
            raise ValidationError("至少修改一项")


class DateRangeArgs(PageArgs):
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class MeetingArgs(DateRangeArgs):
    org_id = fields.Integer(**ID)
    type = Choice(MEETING_TYPES)
    status = Choice(MEETING_STATUSES)
    mine = fields.Boolean(load_default=False)


class CancelSchema(Schema):
    reason = Text(200, required=True)


class ParticipantsAddSchema(Schema):
    person_ids = fields.List(
        fields.Integer(**ID), required=True, validate=validate.Length(min=1, max=2000)
    )
    role = Choice(PARTICIPANT_ROLES, load_default="member")


class DeviceSchema(Schema):
    id = Text(64, allow_none=True)
    model = Text(64, allow_none=True)
    system = Text(64, allow_none=True)
    platform = Text(32, allow_none=True)
    network_type = Text(16, allow_none=True)


class LocationSchema(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    accuracy = fields.Float(allow_none=True, validate=validate.Range(min=0, max=100000))


class CheckInSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    idempotency_key = fields.String(required=True, validate=validate.Regexp(KEY_CHARS))
    scanned_at = UtcDateTime(allow_none=True)
    device = fields.Nested(DeviceSchema, allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)


class RevokeSchema(Schema):
    reason = Text(200, required=True)


class ManualSchema(Schema):
    person_id = fields.Integer(required=True, **ID)
    reason = Text(200, required=True)
    late = fields.Boolean(truthy={True}, falsy={False}, load_default=False)


class LeaveAskSchema(Schema):
    reason = Text(200, required=True)


class LeaveRecordSchema(Schema):
    person_id = fields.Integer(required=True, **ID)
    reason = Text(200, required=True)


class LeaveArgs(PageArgs):
    state = Choice(LEAVE_STATES)
    org_id = fields.Integer(**ID)
    meeting_id = fields.Integer(**ID)


class LeaveDecisionSchema(Schema):
    approve = fields.Boolean(required=True, truthy={True}, falsy={False})
    comment = Text(200, allow_none=True)


# -- output ----------------------------------------------------------------------------------


class PersonRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CheckInOutSchema(Schema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    meeting_title = fields.Function(
        lambda c: getattr(c, "meeting_title", None) or (c.meeting.title if c.meeting else None)
    )
    checked_in_at = UtcDateTime()
    late = fields.Boolean()
    sent_late = fields.Boolean()
    revoked = fields.Function(lambda c: c.revoked_at is not None)
    revoke_reason = fields.String(allow_none=True)
    signed_out_at = UtcDateTime(allow_none=True)
    source = fields.String()
    created = fields.Function(lambda c: getattr(c, "created", False))


class CheckInDetailSchema(CheckInOutSchema):
    class Meta:
        exclude = ("meeting_title", "created")

    ip = fields.String(allow_none=True)
    network = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    device_model = fields.String(allow_none=True)
    device_system = fields.String(allow_none=True)
    network_type = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)
    distance_m = fields.Float(allow_none=True)
    received_at = UtcDateTime()
    duration_minutes = fields.Function(
        lambda c: (
            int((c.signed_out_at - c.checked_in_at).total_seconds() // 60)
            if c.signed_out_at and c.revoked_at is None
            else None
        ),
        metadata={"description": "签到到签退的分钟数（党课学时）"},
    )
    flags = fields.Function(lambda c: getattr(c, "flags", []))
    manual_reason = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True)


class LeaveBriefSchema(Schema):
    id = fields.Integer()
    state = fields.String()
    state_label = fields.String()
    reason = fields.String()
    comment = fields.String(allow_none=True)


class LeaveSchema(LeaveBriefSchema):
    meeting_id = fields.Integer()
    meeting_title = fields.Function(lambda lr: lr.meeting.title)
    meeting_start_at = fields.Function(lambda lr: _utc(lr.meeting.start_at))
    person = fields.Nested(PersonRefSchema)
    decided_by = fields.String(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()


class LeavePageSchema(paged(LeaveSchema, "LeavePageBase")):
    pass


class MeetingCountsSchema(Schema):
    expected = fields.Integer()
    present = fields.Integer()
    late = fields.Integer()
    on_leave = fields.Integer()
    absent = fields.Integer()
    not_checked_in = fields.Integer()
    observers = fields.Integer()
    pending_leave = fields.Integer()


class MySchema(Schema):
    participant = fields.Boolean()
    role = fields.String()
    attendance = fields.String()
    attendance_label = fields.Function(lambda my: ATTENDANCE_LABELS[my["attendance"]])
    checkin = fields.Nested(CheckInOutSchema, allow_none=True, exclude=("meeting_title", "created"))
    leave = fields.Nested(LeaveBriefSchema, allow_none=True)


def _geofence(meeting):
    if meeting.radius_m is None:
        return None
    return {
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
        "radius_m": meeting.radius_m,
    }


class MeetingSummarySchema(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.Function(lambda m: m.org.name)
    type = fields.String()
    type_label = fields.String()
    title = fields.String()
    place = fields.String()
    start_at = UtcDateTime()
    end_at = UtcDateTime()
    status = fields.String()
    phase = fields.Function(lambda m: phase(m))
    phase_label = fields.Function(lambda m: PHASE_LABELS[phase(m)])
    my_attendance = fields.Function(lambda m: getattr(m, "my_attendance", None))


class MeetingPageSchema(paged(MeetingSummarySchema, "MeetingPageBase")):
    pass


class MeetingSchema(MeetingSummarySchema):
    class Meta:
        exclude = ("my_attendance",)

    description = fields.String(allow_none=True)
    chair = fields.Nested(PersonRefSchema, allow_none=True)
    recorder = fields.Nested(PersonRefSchema, allow_none=True)
    geofence = fields.Function(_geofence)
    checkin_opens_at = fields.Function(lambda m: _utc(opens_at(m)))
    checkin_closes_at = fields.Function(lambda m: _utc(m.end_at))
    late_after = fields.Function(lambda m: _utc(late_after(m)))
    checkin_opens_minutes = fields.Integer()
    late_grace_minutes = fields.Integer()
    sign_out = fields.Boolean()
    published_at = UtcDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    has_minutes = fields.Function(lambda m: getattr(m, "has_minutes", False))
    can_manage = fields.Function(lambda m: getattr(m, "can_manage", False))
    my = fields.Function(lambda m: MySchema().dump(m.my) if getattr(m, "my", None) else None)
    counts = fields.Function(
        lambda m: MeetingCountsSchema().dump(m.counts) if getattr(m, "counts", None) else None
    )


class ParticipantSchema(Schema):
    person_id = fields.Integer()
    name = fields.Function(lambda p: p.person.name)
    role = fields.String()
    role_label = fields.Function(lambda p: PARTICIPANT_ROLES[p.role])


class ParticipantListSchema(Schema):
    items = fields.List(fields.Nested(ParticipantSchema))


class CheckinCodeSchema(Schema):
    meeting_id = fields.Integer()
    title = fields.String()
    token = fields.String()
    url = fields.String()
    svg = fields.String()
    slot_seconds = fields.Integer()
    expires_in = fields.Float()
    opens_at = UtcDateTime()
    closes_at = UtcDateTime()
    phase = fields.String()
    counts = fields.Nested(MeetingCountsSchema)


class AttendanceItemSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    role = fields.String()
    attendance = fields.String()
    attendance_label = fields.String()
    checkin = fields.Nested(CheckInDetailSchema, allow_none=True)
    leave = fields.Nested(LeaveBriefSchema, allow_none=True)


class AnomalySchema(Schema):
    shared_device = fields.Integer()
    shared_address = fields.Integer()
    network_outlier = fields.Integer()
    location_outlier = fields.Integer()
    sent_late = fields.Integer()


class AttendanceSchema(Schema):
    counts = fields.Nested(MeetingCountsSchema)
    anomalies = fields.Nested(AnomalySchema)
    items = fields.List(fields.Nested(AttendanceItemSchema))


# -- minutes, attachments, history -----------------------------------------------------------


class VoteSchema(Schema):
    item = Text(100, required=True)
    yes = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))
    no = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))
    abstain = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))


class MinutesWriteSchema(Schema):
    version = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=2**31 - 1))
    agenda = Text(2000, required=True)
    content = Text(20000, required=True)
    resolutions = Text(5000, allow_none=True)
    votes = fields.List(fields.Nested(VoteSchema), validate=validate.Length(max=50))


class OnLeaveNameSchema(Schema):
    name = fields.String()
    reason = fields.String()


class AttendanceListsSchema(Schema):
    present = fields.List(fields.String())
    late = fields.List(fields.String())
    on_leave = fields.List(fields.Nested(OnLeaveNameSchema))
    absent = fields.List(fields.String())
    not_checked_in = fields.List(fields.String())
    observers = fields.List(fields.String())


class MinutesAttendanceSchema(MeetingCountsSchema):
    class Meta:
        exclude = ("pending_leave",)

    lists = fields.Nested(AttendanceListsSchema)


class MinutesSchema(Schema):
    meeting_id = fields.Integer()
    version = fields.Integer()
    agenda = fields.String()
    content = fields.String()
    resolutions = fields.String(allow_none=True)
    votes = fields.List(fields.Nested(VoteSchema), allow_none=True)
    attendance = fields.Nested(MinutesAttendanceSchema, attribute="live_attendance")
    frozen = fields.Boolean()
    chair = fields.Nested(PersonRefSchema, allow_none=True)
    recorder = fields.Nested(PersonRefSchema, allow_none=True)
    chair_signed_at = UtcDateTime(allow_none=True)
    recorder_signed_at = UtcDateTime(allow_none=True)
    updated_at = UtcDateTime()
    updated_by = fields.String(allow_none=True)


class RevisionSchema(Schema):
    number = fields.Integer()
    editor = fields.String(allow_none=True)
    created_at = UtcDateTime()
    agenda = fields.String()
    content = fields.String()
    resolutions = fields.String(allow_none=True)
    votes = fields.List(fields.Nested(VoteSchema), allow_none=True)


class RevisionListSchema(Schema):
    items = fields.List(fields.Nested(RevisionSchema))


class CommentWriteSchema(Schema):
    content = Text(500, required=True, metadata={"description": "纯文本，不超过 500 字"})


class CommentSchema(Schema):
    id = fields.Integer()
    author = fields.Nested(PersonRefSchema, attribute="person")
    content = fields.String()
    status = fields.String(
        metadata={"description": "published 已发布；pending 审核中；rejected 未通过（仅作者可见）"}
    )
    created_at = UtcDateTime()
    mine = fields.Boolean()


class CommentPageSchema(paged(CommentSchema, "CommentPageBase")):
    pass


class AttachmentUploadSchema(Schema):
    file = FileUpload(required=True, metadata={"description": "JPG/PNG/WebP 图片或 PDF"})
    caption = Text(100, allow_none=True)


class AttachmentSchema(Schema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    caption = fields.String(allow_none=True)
    url = fields.Function(lambda a: f"/api/v1/attachments/{a.id}/content")
    uploaded_by = fields.String(allow_none=True)
    created_at = UtcDateTime()


class AttachmentListSchema(Schema):
    items = fields.List(fields.Nested(AttachmentSchema))


class FeedArgs(PageArgs):
    pass


class FeedItemSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    summary = fields.String()
    meeting_id = fields.Integer()
    image_ids = fields.List(fields.Integer())
    occurred_at = UtcDateTime()
    comment_count = fields.Integer(metadata={"description": "已发布的评论数"})


class FeedPageSchema(paged(FeedItemSchema, "FeedPageBase")):
    pass


class MyMeetingSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    type = fields.String()
    type_label = fields.String()
    start_at = UtcDateTime()
    place = fields.String()
    org_name = fields.Function(lambda m: m.org.name)


class MyAttendanceItemSchema(Schema):
    meeting = fields.Nested(MyMeetingSchema)
    attendance = fields.String()
    attendance_label = fields.String()
    checked_in_at = UtcDateTime(allow_none=True)
    late = fields.Boolean()


class MyAttendanceSummarySchema(Schema):
    total = fields.Integer()
    present = fields.Integer()
    late = fields.Integer()
    on_leave = fields.Integer()
    absent = fields.Integer()


class MyAttendancePageSchema(paged(MyAttendanceItemSchema, "MyAttendancePageBase")):
    summary = fields.Nested(MyAttendanceSummarySchema)


class ExportArgs(Schema):
    org_id = fields.Integer(required=True, **ID)
    type = Choice(MEETING_TYPES)
    from_ = fields.Date(data_key="from")
    to = fields.Date()


# -- compliance ------------------------------------------------------------------------------

COMPLIANCE_STATUSES = {
    "met": "已完成",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "open": "进行中",
}


class ComplianceArgs(Schema):
    org_id = fields.Integer(required=True, **ID)
    on = fields.Date(metadata={"description": "以该日（北京时间）所在的周期计算，默认今天"})


class RequirementSchema(Schema):
    type = fields.String()
    type_label = fields.String()
    period = fields.String()
    period_label = fields.String()
    period_end = fields.Date()
    required = fields.Integer()
    held = fields.Integer()
    status = fields.String()
    status_label = fields.Function(lambda r: COMPLIANCE_STATUSES[r["status"]])


class OrgComplianceSchema(Schema):
    org_id = fields.Integer()
    org_name = fields.String()
    requirements = fields.List(fields.Nested(RequirementSchema))


class ComplianceSchema(Schema):
    on = fields.Date()
    items = fields.List(fields.Nested(OrgComplianceSchema))


class UnmetSchema(RequirementSchema):
    org_id = fields.Integer()
    org_name = fields.String()


class UnmetListSchema(Schema):
    on = fields.Date()
    items = fields.List(fields.Nested(UnmetSchema))
