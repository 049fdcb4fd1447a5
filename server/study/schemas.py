"""Request and response shapes of the study API (docs/study.md)."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from ..files import FileUpload
from ..schemas import Choice, PageArgs, Text, UtcDateTime, paged
from .models import CATEGORIES, MATERIAL_KINDS, MATERIAL_STATUSES

ID = {"validate": validate.Range(min=1, max=2**31 - 1)}


class PunchInBodySchema(Schema):
    reflection = Text(500, min_length=0, allow_none=True)  # empty: no reflection


class PunchInSchema(Schema):
    id = fields.Integer()
    day = fields.Date()
    streak = fields.Integer()
    reflection = fields.String(allow_none=True)
    reflection_status = fields.String(
        allow_none=True,
        metadata={"description": "published；pending 审核中（他人暂不可见）；rejected 未通过"},
    )
    photo_url = fields.String(allow_none=True, metadata={"description": "照片地址（需登录）"})
    created_at = UtcDateTime()


class PunchInResultSchema(PunchInSchema):
    created = fields.Boolean()
    points_awarded = fields.Integer()


class PunchInArgs(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))


class MyPunchInsSchema(Schema):
    today = fields.Date()
    punched_today = fields.Boolean()
    streak = fields.Integer()
    items = fields.List(fields.Nested(PunchInSchema))


class PointsEntrySchema(Schema):
    id = fields.Integer()
    action = fields.String()
    label = fields.String()
    points = fields.Integer()
    day = fields.Date()
    created_at = UtcDateTime()


class ActionPointsSchema(Schema):
    action = fields.String()
    label = fields.String()
    points = fields.Integer()


class RankSchema(Schema):
    rank = fields.Integer(allow_none=True)
    of = fields.Integer()


class MyPointsSchema(Schema):
    total = fields.Integer()
    today = fields.Integer()
    by_action = fields.List(fields.Nested(ActionPointsSchema))
    rank = fields.Nested(RankSchema)
    history = fields.Nested(paged(PointsEntrySchema, "PointsHistory"))


class CategorySchema(Schema):
    code = fields.String()
    label = fields.String()


class CategoriesSchema(Schema):
    items = fields.List(fields.Nested(CategorySchema))


class RankingArgs(Schema):
    period = fields.String(
        load_default="month", validate=validate.OneOf(["week", "month", "year", "all"])
    )


class BranchRankSchema(Schema):
    rank = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String()
    members = fields.Integer()
    points = fields.Integer()
    per_member = fields.Float()


class RankingSchema(Schema):
    period = fields.String()
    since = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(BranchRankSchema))


# -- materials -------------------------------------------------------------------------------
TAG = validate.Regexp(
    r"^[^|,，\s][^|,，]{0,18}[^|,，\s]?$", error="标签为 1–20 个字符，不含 | 和逗号"
)


class StudyMaterialUpdateSchema(Schema):
    title = Text(100)
    summary = Text(300, allow_none=True)
    category = Choice(CATEGORIES)
    tags = fields.List(fields.String(validate=TAG), validate=validate.Length(max=10))
    body_html = fields.String(validate=validate.Length(max=200_000))
    video_url = fields.String(validate=validate.Length(max=500))
    min_dwell_seconds = fields.Integer(validate=validate.Range(min=10, max=3600))


class StudyMaterialWriteSchema(StudyMaterialUpdateSchema):
    org_id = fields.Integer(required=True, **ID)
    kind = Choice(MATERIAL_KINDS, required=True)
    title = Text(100, required=True)
    summary = Text(300)
    category = Choice(CATEGORIES, required=True)


class UploadSchema(Schema):
    """A multipart body of one file (a material's PDF, a punch-in photo)."""

    file = FileUpload(required=True)


class StudyMaterialArgs(PageArgs):
    category = Choice(CATEGORIES)
    kind = Choice(MATERIAL_KINDS)
    tag = fields.String(validate=TAG)
    q = Text(50)
    managed = fields.Boolean(load_default=False)
    status = Choice(MATERIAL_STATUSES)


class StudyMaterialSummarySchema(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.Function(lambda m: m.org.name)
    kind = fields.String()
    title = fields.String()
    summary = fields.String(allow_none=True)
    category = fields.String()
    category_label = fields.Function(lambda m: CATEGORIES.get(m.category, m.category))
    tags = fields.List(fields.String())
    min_dwell_seconds = fields.Integer()
    status = fields.String()
    published_at = UtcDateTime(allow_none=True)
    my_seconds = fields.Float(metadata={"description": "我已计入的阅读秒数"})
    studied = fields.Boolean(metadata={"description": "我是否已学完（达到最短学习时长）"})


class StudyMaterialSchema(StudyMaterialSummarySchema):
    body_html = fields.String(allow_none=True)
    video_url = fields.String(allow_none=True)
    document_name = fields.String(allow_none=True)
    document_size = fields.Integer(allow_none=True)
    created_by = fields.String()
    can_manage = fields.Boolean()


StudyMaterialPageSchema = paged(StudyMaterialSummarySchema, "StudyMaterialPage")


# -- reading sessions ------------------------------------------------------------------------
class SessionStartSchema(Schema):
    seq = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
    client_at = UtcDateTime()


class SessionEventSchema(Schema):
    kind = fields.String(
        required=True, validate=validate.OneOf(["beat", "pause", "resume", "finish", "start"])
    )
    seq = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))
    client_at = UtcDateTime()


class SessionSchema(Schema):
    id = fields.Integer()
    material_id = fields.Integer()
    started_at = UtcDateTime()
    interval_seconds = fields.Float()
    min_dwell_seconds = fields.Integer()
    material_seconds = fields.Float()
    studied = fields.Boolean()


class SessionEventResultSchema(Schema):
    session_id = fields.Integer()
    verdict = fields.String()
    credited_seconds = fields.Float()
    session_seconds = fields.Float()
    material_seconds = fields.Float()
    studied = fields.Boolean()
    finished = fields.Boolean()
    points_awarded = fields.Integer()


# -- plans -----------------------------------------------------------------------------------
ID_LIST = fields.List(fields.Integer(**ID), validate=validate.Length(max=200))


class PlanWriteSchema(Schema):
    org_id = fields.Integer(required=True, **ID)
    title = Text(100, required=True)
    description = Text(1000)
    deadline = fields.Date(required=True)
    material_ids = fields.List(
        fields.Integer(**ID),
        required=True,
        validate=validate.Length(min=1, max=50),
    )
    org_ids = ID_LIST
    person_ids = ID_LIST


class PlanSchema(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    deadline = fields.Date()
    status = fields.String()


class PlanItemSchema(Schema):
    material_id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    min_dwell_seconds = fields.Integer()
    seconds = fields.Float()
    studied = fields.Boolean()


class MyPlanSchema(PlanSchema):
    items = fields.List(fields.Nested(PlanItemSchema))
    studied = fields.Integer()
    total = fields.Integer()
    complete = fields.Boolean()
    overdue = fields.Boolean()


class MyPlansSchema(Schema):
    items = fields.List(fields.Nested(MyPlanSchema))


class CompletionRowSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    studied = fields.Integer()
    complete = fields.Boolean()


class CompletionOrgSchema(Schema):
    org_id = fields.Integer()
    org_name = fields.String()
    people = fields.Integer()
    complete = fields.Integer()
    rate = fields.Float()


class CompletionSchema(PlanSchema):
    total_materials = fields.Integer()
    people = fields.Integer()
    complete = fields.Integer()
    rate = fields.Float()
    by_org = fields.List(fields.Nested(CompletionOrgSchema))
    items = fields.List(fields.Nested(CompletionRowSchema))


# -- quiz ------------------------------------------------------------------------------------
class QuizImportSchema(Schema):
    org_id = fields.Integer(required=True, **ID)
    file = FileUpload(required=True)


class QuizImportResultSchema(Schema):
    imported = fields.Integer()


class QuizAnswerSchema(Schema):
    question_id = fields.Integer(required=True, **ID)
    choices = fields.List(
        fields.Integer(validate=validate.Range(min=0, max=5)),
        required=True,
        validate=validate.Length(max=6),
    )


class QuizSubmitSchema(Schema):
    quiz_id = fields.Integer(
        **ID,
        metadata={"description": "the id of the quiz answered; another day's gets 409"},
    )
    answers = fields.List(
        fields.Nested(QuizAnswerSchema), required=True, validate=validate.Length(max=50)
    )


class QuizQuestionOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    stem = fields.String()
    options = fields.List(fields.String())
    answer = fields.List(fields.Integer(), metadata={"description": "提交后才返回"})
    explanation = fields.String(allow_none=True)
    chosen = fields.List(fields.Integer())
    right = fields.Boolean()


class QuizSchema(Schema):
    id = fields.Integer()
    day = fields.Date()
    submitted = fields.Boolean()
    correct = fields.Integer(allow_none=True)
    total = fields.Integer()
    points_awarded = fields.Integer(allow_none=True)
    questions = fields.List(fields.Nested(QuizQuestionOutSchema))


# -- trace -----------------------------------------------------------------------------------
# A period's days: from 2000 on (an earlier one names no study, and date arithmetic near year 1
# would overflow).
PERIOD_DAY = {"validate": validate.Range(min=date(2000, 1, 1))}


class TraceArgs(Schema):
    since = fields.Date(**PERIOD_DAY)
    until = fields.Date(**PERIOD_DAY)


class TraceReadingSchema(Schema):
    material_id = fields.Integer()
    title = fields.String()
    seconds = fields.Float()


class TracePunchInSchema(Schema):
    streak = fields.Integer()
    reflection = fields.String(allow_none=True)
    photo_url = fields.String(allow_none=True)


class TraceQuizSchema(Schema):
    correct = fields.Integer()
    total = fields.Integer()


class TraceDaySchema(Schema):
    day = fields.Date()
    reading = fields.List(fields.Nested(TraceReadingSchema))
    punch_in = fields.Nested(TracePunchInSchema, allow_none=True)
    quiz = fields.Nested(TraceQuizSchema, allow_none=True)


class TracePersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    org_name = fields.String()


class TraceSchema(Schema):
    person = fields.Nested(TracePersonSchema)
    since = fields.Date()
    until = fields.Date()
    reading_seconds = fields.Float()
    days_studied = fields.Integer()
    days = fields.List(fields.Nested(TraceDaySchema))


class BranchPointsArgs(RankingArgs):
    org_id = fields.Integer(required=True, **ID)


class MemberPointsSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    org_name = fields.String()
    points = fields.Integer()


class BranchPointsSchema(Schema):
    org_id = fields.Integer()
    org_name = fields.String()
    since = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(MemberPointsSchema))


# -- analytics -------------------------------------------------------------------------------
class AnalyticsArgs(Schema):
    org_id = fields.Integer(**ID)
    weeks = fields.Integer(load_default=12, validate=validate.Range(min=1, max=53))


class OrgRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AnalyticsOrgSchema(OrgRefSchema):
    type = fields.String()


class FiguresSchema(Schema):
    member_weeks = fields.Integer()
    active = fields.Integer()
    active_rate = fields.Float(allow_none=True)
    active_days = fields.Integer()
    reading_minutes = fields.Float()
    minutes_per_member_week = fields.Float()
    materials_studied = fields.Integer()
    punch_ins = fields.Integer()
    quizzes = fields.Integer()
    quiz_accuracy = fields.Float(allow_none=True)
    points = fields.Integer()


class WeekFiguresSchema(FiguresSchema):
    week_start = fields.Date()


class ChildFiguresSchema(FiguresSchema):
    org_id = fields.Integer()
    org_name = fields.String()
    direct = fields.Boolean()
    has_children = fields.Boolean()
    members_now = fields.Integer()


class TodayFiguresSchema(Schema):
    day = fields.Date()
    active = fields.Integer()
    reading_minutes = fields.Float()
    punch_ins = fields.Integer()
    quizzes = fields.Integer()


class PlanFiguresSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    org_name = fields.String()
    deadline = fields.Date()
    overdue = fields.Boolean()
    people = fields.Integer()
    complete = fields.Integer()
    rate = fields.Float(allow_none=True)


class OverviewSchema(Schema):
    org = fields.Nested(AnalyticsOrgSchema)
    parent = fields.Nested(OrgRefSchema, allow_none=True)
    refreshed_at = UtcDateTime(allow_none=True)
    since = fields.Date()
    until = fields.Date()
    members = fields.Integer()
    today = fields.Nested(TodayFiguresSchema)
    totals = fields.Nested(FiguresSchema)
    weeks = fields.List(fields.Nested(WeekFiguresSchema))
    orgs = fields.List(fields.Nested(ChildFiguresSchema))
    plans = fields.List(fields.Nested(PlanFiguresSchema))


class AnalyticsPeopleArgs(PageArgs, TraceArgs):
    org_id = fields.Integer(**ID)
    sort = fields.String(
        load_default="minutes", validate=validate.OneOf(["minutes", "days", "points", "least"])
    )


class PersonFiguresSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    org_name = fields.String()
    reading_minutes = fields.Float()
    days_studied = fields.Integer()
    punch_ins = fields.Integer()
    quizzes = fields.Integer()
    quiz_accuracy = fields.Float(allow_none=True)
    materials_studied = fields.Integer()
    points = fields.Integer()
    last_studied = fields.Date(allow_none=True)


class AnalyticsPeopleSchema(paged(PersonFiguresSchema, "AnalyticsPeoplePage")):
    org = fields.Nested(AnalyticsOrgSchema)
    since = fields.Date()
    until = fields.Date()
