"""Request and response shapes of the development API (docs/development.md)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..files import FileUpload
from ..schemas import Choice, PageArgs, Text, UtcDateTime, paged
from .models import ENTRY_STATES, MATERIAL_KINDS, RECORD_STATUSES
from .rules import OUTCOMES

ID = {"validate": validate.Range(min=1, max=2**31 - 1)}
KEY = {"required": True, "validate": validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$")}
STAGES = {
    "apply": "申请入党",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "admission": "预备党员的接收",
    "probation": "预备党员的教育考察和转正",
}


# -- input -----------------------------------------------------------------------------------
class PeopleSchema(Schema):
    talkers = fields.List(fields.Integer(**ID), validate=validate.Length(max=10))
    contacts = fields.List(fields.Integer(**ID), validate=validate.Length(max=10))
    introducers = fields.List(fields.Integer(**ID), validate=validate.Length(max=10))


class TrainingSchema(Schema):
    days = fields.Float(validate=validate.Range(min=0, max=365))
    hours = fields.Float(validate=validate.Range(min=0, max=2000))


class VotesSchema(Schema):
    should_attend = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    present = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    yes = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    no = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    abstain = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))


class _StepFacts(Schema):
    """What a step may record; which of it a step needs is the rules' business."""

    people = fields.Nested(PeopleSchema)
    training = fields.Nested(TrainingSchema)
    review_passed = fields.Boolean()
    votes = fields.Nested(VotesSchema)
    outcome = Choice(OUTCOMES)
    extension_months = fields.Integer(validate=validate.Range(min=1, max=24))
    special_reason = Text(300)
    note = Text(1000)


class StartSchema(Schema):
    person_id = fields.Integer(required=True, **ID)
    applied_on = fields.Date(required=True)
    rules_version = fields.String(validate=validate.Regexp(r"^[0-9A-Za-z._-]{1,20}$"))
    note = Text(1000)
    key = fields.String(**KEY)


class SubmitSchema(_StepFacts):
    step = fields.Integer(required=True, validate=validate.Range(min=1, max=99))
    done_on = fields.Date(required=True)
    key = fields.String(**KEY)


class DecisionSchema(Schema):
    comment = Text(500, required=True)
    done_on = fields.Date()
    special_reason = Text(300)


class CorrectionSchema(_StepFacts):
    done_on = fields.Date(required=True)
    reason = Text(500, required=True)
    key = fields.String(**KEY)


class StopSchema(Schema):
    reason = Text(200, required=True)


class RecordArgs(PageArgs):
    org_id = fields.Integer(**ID)
    status = Choice(RECORD_STATUSES)
    stage = Choice(STAGES)
    q = Text(50)
    overdue = fields.Boolean()

    @validates_schema
    def _no_empty_q(self, data, **_kwargs):
        if "q" in data and not data["q"]:
            raise ValidationError("不能为空", "q")


# -- output ----------------------------------------------------------------------------------
class PersonBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    staff_no = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    member_type = fields.String()
    member_type_label = fields.String()


class EntrySchema(Schema):
    id = fields.Integer()
    step = fields.Integer()
    name = fields.String()
    stage = fields.String()
    round = fields.Integer()
    state = fields.String(
        metadata={"description": "; ".join(f"{k}={v}" for k, v in ENTRY_STATES.items())}
    )
    state_label = fields.String()
    done_on = fields.Date()
    details = fields.Dict()
    warnings = fields.List(fields.String())
    recorded_by = fields.String()
    recorded_at = UtcDateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    decision_comment = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    correction_reason = fields.String(allow_none=True)
    approver = fields.String(allow_none=True)


class EntryDetailSchema(EntrySchema):
    record_id = fields.Integer()
    person = fields.Nested(PersonBriefSchema)
    approver_label = fields.String(allow_none=True)
    can_decide = fields.Boolean(metadata={"description": "待审批且调用者代表审批机构"})


class OpeningSchema(Schema):
    step = fields.Integer()
    name = fields.String()
    stage = fields.String()
    actor = fields.String()
    approver = fields.String(allow_none=True)
    recurring = fields.Boolean()
    earliest = fields.Date()
    deadline = fields.Date(allow_none=True)
    deadline_kind = fields.String(allow_none=True)
    open = fields.Boolean()
    overdue = fields.Boolean()


class RecordSchema(Schema):
    id = fields.Integer()
    rules_version = fields.String()
    status = fields.String()
    status_label = fields.String()
    stage = fields.String()
    stage_label = fields.String()
    current_step = fields.Integer()
    applied_on = fields.Date()
    cohort = fields.String()
    probation_end = fields.Date(allow_none=True)
    extension_months = fields.Integer()
    ended_reason = fields.String(allow_none=True)
    person = fields.Nested(PersonBriefSchema)
    entries = fields.List(fields.Nested(EntrySchema))
    next = fields.List(fields.Nested(OpeningSchema))
    can_manage = fields.Boolean()


class RecordSummarySchema(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    member_type_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    stage = fields.String()
    stage_label = fields.String()
    current_step = fields.Integer()
    next_step = fields.Integer(allow_none=True)
    next_step_name = fields.String(allow_none=True)
    next_deadline = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    applied_on = fields.Date()
    cohort = fields.String()


RecordPageSchema = paged(RecordSummarySchema, "DevelopmentRecordPage")


class RulesSchema(Schema):
    version = fields.String()
    title = fields.String()
    stages = fields.List(fields.Dict())
    steps = fields.List(fields.Dict())
    extension = fields.Dict()


class TodoArgs(Schema):
    org_id = fields.Integer(**ID)


class TodoItemSchema(Schema):
    record_id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    step = fields.Integer()
    step_name = fields.String()
    actor = fields.String()
    approver = fields.String(allow_none=True)
    recurring = fields.Boolean()
    earliest = fields.Date()
    deadline = fields.Date(allow_none=True)
    deadline_kind = fields.String(allow_none=True)
    bucket = fields.String(metadata={"description": "overdue | due_soon | open"})


class ApprovalItemSchema(Schema):
    entry_id = fields.Integer()
    record_id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    step = fields.Integer()
    step_name = fields.String()
    approver = fields.String()
    approver_label = fields.String()
    done_on = fields.Date()
    details = fields.Dict()
    warnings = fields.List(fields.String())
    recorded_by = fields.String()
    recorded_at = UtcDateTime()


class TodoSchema(Schema):
    on = fields.Date()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(TodoItemSchema))
    truncated = fields.Boolean(metadata={"description": "待办步骤超过 500 条时只列出最紧急的"})
    approvals = fields.List(fields.Nested(ApprovalItemSchema))


class OverdueSchema(Schema):
    record_id = fields.Integer()
    name = fields.String()
    org_name = fields.String()
    step = fields.Integer(allow_none=True)
    step_name = fields.String(allow_none=True)
    deadline = fields.Date()


class PipelineSchema(Schema):
    on = fields.Date()
    stages = fields.List(fields.Dict())
    branches = fields.List(fields.Dict())
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    overdue = fields.List(fields.Nested(OverdueSchema))
    cohorts = fields.List(fields.Dict())


# -- materials and exports -------------------------------------------------------------------


class MaterialUploadSchema(Schema):
    """A multipart body: the file and plain fields."""

    file = FileUpload(required=True, metadata={"description": "PDF、JPG、PNG 或 Word（.docx）"})
    kind = Choice(MATERIAL_KINDS, required=True)
    title = Text(100, min_length=0)
    note = Text(1000, min_length=0)
    entry_id = fields.Integer(metadata={"description": "关联的步骤记录（须属于该档案）"}, **ID)


class MaterialSchema(Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    entry_id = fields.Integer(allow_none=True)
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String(allow_none=True)
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    note = fields.String(allow_none=True)
    url = fields.String()
    uploaded_by = fields.String()
    uploaded_at = UtcDateTime()
    can_delete = fields.Boolean()


class MaterialListSchema(Schema):
    items = fields.List(fields.Nested(MaterialSchema))


class RegisterArgs(Schema):
    org_id = fields.Integer(**ID)
    status = Choice(RECORD_STATUSES)
    stage = Choice(STAGES)
