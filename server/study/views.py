"""The study API: materials, plans, reading time, the quiz, punch-ins, points, the learning
trace and analytics (docs/study.md)."""

from __future__ import annotations

from datetime import timedelta

from ..auth.principal import allow, current
from ..files import MultipartBlueprint, uploaded_file, xlsx_response
from ..notify.services import local_today
from ..schemas import PageArgs, page_result
from . import analytics, materials, plans, quiz, services, sessions, trace
from .models import CATEGORIES
from .schemas import (
    AnalyticsArgs,
    AnalyticsPeopleArgs,
    AnalyticsPeopleSchema,
    BranchPointsArgs,
    BranchPointsSchema,
    CategoriesSchema,
    CompletionSchema,
    MyPlansSchema,
    MyPointsSchema,
    MyPunchInsSchema,
    OverviewSchema,
    PlanSchema,
    PlanWriteSchema,
    PunchInArgs,
    PunchInBodySchema,
    PunchInResultSchema,
    PunchInSchema,
    QuizImportResultSchema,
    QuizImportSchema,
    QuizSchema,
    QuizSubmitSchema,
    RankingArgs,
    RankingSchema,
    SessionEventResultSchema,
    SessionEventSchema,
    SessionSchema,
    SessionStartSchema,
    StudyMaterialArgs,
    StudyMaterialPageSchema,
    StudyMaterialSchema,
    StudyMaterialUpdateSchema,
    StudyMaterialWriteSchema,
    TraceArgs,
    TraceSchema,
    UploadSchema,
)

blp = MultipartBlueprint(
    "study",
    __name__,
    url_prefix="/api/v1/study",
    description="学习：材料、计划、阅读计时、每日答题、打卡、积分、学习有痕与学习统计",
)
MATERIAL = "/materials/<int(max=2147483647):material_id>"
MANAGE = materials.MANAGE_ROLES


@blp.route("/punch-ins", methods=["POST"])
@allow("member")
@blp.arguments(PunchInBodySchema)
@blp.response(201, PunchInResultSchema)
@blp.alt_response(200, schema=PunchInResultSchema, description="今日已打卡：返回原打卡")
def punch_in(data):
    """Today's 学习打卡 (Asia/Shanghai day) with an optional reflection; once a day."""
    row, created, awarded = services.punch_in(data, current())
    answer = {**services.punch_in_view(row), "created": created, "points_awarded": awarded}
    return answer, 201 if created else 200


PUNCH_IN = "/punch-ins/<int(max=2147483647):punch_in_id>"


@blp.route(f"{PUNCH_IN}/photo", methods=["POST"])
@allow("member")
@blp.arguments(UploadSchema, location="multipart")
@blp.response(200, PunchInSchema)
def upload_punch_in_photo(data, punch_in_id):
    """A photo for today's punch-in (JPEG/PNG/WebP, ``[study] photo_max_mb``); replaces any."""
    return services.punch_in_view(services.attach_photo(punch_in_id, data["file"], current()))


@blp.route(f"{PUNCH_IN}/photo", methods=["GET"])
@allow("member", *MANAGE)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="image/jpeg")
def punch_in_photo(punch_in_id):
    """The photo, for its author or a manager of their org."""
    content, mime = services.photo(punch_in_id, current())
    return uploaded_file(content, mime)


@blp.route("/punch-ins/me", methods=["GET"])
@allow("member")
@blp.arguments(PunchInArgs, location="query")
@blp.response(200, MyPunchInsSchema)
def my_punch_ins(args):
    return services.my_punch_ins(current(), args["days"])


@blp.route("/points/me", methods=["GET"])
@allow("member")
@blp.arguments(PageArgs, location="query")
@blp.response(200, MyPointsSchema)
def my_points(args):
    """My total, today's points, points by action, my rank in my branch, my history."""
    return services.my_points(current(), args["page"], args["per_page"])


PERIOD_DAYS = {"week": 7, "month": 30, "year": 365}


def _since(period: str):
    days = PERIOD_DAYS.get(period)
    return local_today() - timedelta(days=days - 1) if days else None


@blp.route("/points/branch", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(BranchPointsArgs, location="query")
@blp.response(200, BranchPointsSchema)
def branch_points(args):
    """For secretaries: each member's points in their org over the period (not public)."""
    return services.branch_points(args["org_id"], current(), _since(args["period"]))


@blp.route("/rankings/branches", methods=["GET"])
@allow("member")
@blp.arguments(RankingArgs, location="query")
@blp.response(200, RankingSchema)
def branch_ranking(args):
    """Branches by points per member over the period (the public ranking is of branches)."""
    since = _since(args["period"])
    return {"period": args["period"], "since": since, "items": services.branch_ranking(since)}


# -- materials -------------------------------------------------------------------------------
def _material(material, principal):
    """The material as the answer shows it, with whether the caller may change it."""
    material.can_manage = materials.can_manage(material, principal)
    return materials.with_progress([material], principal)[0]


@blp.route("/materials", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(StudyMaterialWriteSchema)
@blp.response(201, StudyMaterialSchema)
def create_material(data):
    """A draft: an article (HTML, sanitised), a video (https URL) or a document (PDF next)."""
    return _material(materials.create(data, current()), current())


@blp.route("/materials", methods=["GET"])
@allow("member", *MANAGE)
@blp.arguments(StudyMaterialArgs, location="query")
@blp.response(200, StudyMaterialPageSchema)
def list_materials(args):
    """Published materials for me; with ``managed=true`` everything of the orgs I manage."""
    found = page_result(materials.search(current(), args, args["page"], args["per_page"]))
    materials.with_progress(found["items"], current())
    return found


@blp.route("/categories", methods=["GET"])
@allow("member", *MANAGE)
@blp.response(200, CategoriesSchema)
def categories():
    """The materials' categories, in the order to show them."""
    return {"items": [{"code": code, "label": label} for code, label in CATEGORIES.items()]}


@blp.route(MATERIAL, methods=["GET"])
@allow("member", *MANAGE)
@blp.response(200, StudyMaterialSchema)
def material(material_id):
    return _material(materials.get_visible(material_id, current()), current())


@blp.route(MATERIAL, methods=["PATCH"])
@allow(*MANAGE)
@blp.arguments(StudyMaterialUpdateSchema)
@blp.response(200, StudyMaterialSchema)
def update_material(data, material_id):
    found = materials.get_managed(material_id, current())
    return _material(materials.update(found, data, current()), current())


@blp.route(f"{MATERIAL}/document", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(UploadSchema, location="multipart")
@blp.response(200, StudyMaterialSchema)
def upload_document(data, material_id):
    """The PDF of a document material (checked by its bytes, ``[study] document_max_mb``)."""
    found = materials.get_managed(material_id, current())
    return _material(materials.attach_document(found, data["file"], current()), current())


@blp.route(f"{MATERIAL}/document", methods=["GET"])
@allow("member", *MANAGE)
@blp.response(200, description="PDF")
def document(material_id):
    found = materials.get_visible(material_id, current())
    return uploaded_file(
        materials.document(found), "application/pdf",
        filename=found.document_name or "学习材料.pdf", fallback="material.pdf",
    )  # fmt: skip


@blp.route(f"{MATERIAL}/publish", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, StudyMaterialSchema)
def publish_material(material_id):
    found = materials.get_managed(material_id, current())
    return _material(materials.publish(found, current()), current())


@blp.route(f"{MATERIAL}/withdraw", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, StudyMaterialSchema)
def withdraw_material(material_id):
    found = materials.get_managed(material_id, current())
    return _material(materials.withdraw(found, current()), current())


# -- reading ---------------------------------------------------------------------------------
@blp.route(f"{MATERIAL}/reading-sessions", methods=["POST"])
@allow("member")
@blp.arguments(SessionStartSchema)
@blp.response(201, SessionSchema)
def start_reading(data, material_id):
    """Open a reading session (the page's ``start``); then send its events every
    ``interval_seconds`` while the page is visible."""
    return sessions.start(material_id, data, current())


@blp.route("/reading-sessions/<int(max=2147483647):session_id>/events", methods=["POST"])
@allow("member")
@blp.arguments(SessionEventSchema)
@blp.response(200, SessionEventResultSchema)
def reading_event(data, session_id):
    """A heartbeat (``beat``), ``pause``, ``resume`` or ``finish``; the server counts the time
    by when it receives them (``verdict`` says what it made of this one)."""
    return sessions.event(session_id, data, current())


# -- plans -----------------------------------------------------------------------------------
PLAN = "/plans/<int(max=2147483647):plan_id>"


@blp.route("/plans", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(PlanWriteSchema)
@blp.response(201, PlanSchema)
def create_plan(data):
    """A draft plan: materials of the plan's org or above, for orgs or people in its scope
    (the plan's own org if none are named), with a deadline."""
    return plans.summary(plans.create(data, current()))


@blp.route(f"{PLAN}/publish", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, PlanSchema)
def publish_plan(plan_id):
    return plans.summary(plans.publish(plans.get_managed(plan_id, current()), current()))


@blp.route("/plans/mine", methods=["GET"])
@allow("member")
@blp.response(200, MyPlansSchema)
def my_plans():
    """My published plans with my progress on each material, nearest deadline first."""
    return {"items": plans.mine(current())}


@blp.route(f"{PLAN}/completion", methods=["GET"])
@allow(*MANAGE)
@blp.response(200, CompletionSchema)
def plan_completion(plan_id):
    """Who of the people the plan covers has studied how much of it."""
    return plans.completion(plans.get_managed(plan_id, current()))


# -- quiz ------------------------------------------------------------------------------------
@blp.route("/quiz/questions/import", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(QuizImportSchema, location="multipart")
@blp.response(201, QuizImportResultSchema)
def import_questions(data):
    """Questions from an .xlsx (题型, 题干, 选项A–F, 答案, 解析, 分类): all rows or none."""
    return {"imported": quiz.import_questions(data["org_id"], data["file"], current())}


@blp.route("/quiz/today", methods=["GET"])
@allow("member")
@blp.response(200, QuizSchema)
def today_quiz():
    """Today's questions (the same all day), without their answers until submitted."""
    attempt, questions = quiz.today_quiz(current())
    return quiz.view(attempt, questions)


@blp.route("/quiz/today", methods=["POST"])
@allow("member")
@blp.arguments(QuizSubmitSchema)
@blp.response(200, QuizSchema)
def submit_quiz(data):
    """Today's answers, scored on the server once; then the right answers and explanations."""
    attempt, questions, awarded = quiz.submit(data, current())
    return quiz.view(attempt, questions, awarded)


# -- the learning trace ----------------------------------------------------------------------
def _trace(person_id, args):
    principal = current()
    person = trace.person_for(person_id, principal)
    since, until = trace.period(args)
    return trace.trace(person, since, until, principal)


def _xlsx(found):
    content, name = trace.export(found, current())
    return xlsx_response(content, name, "trace.xlsx")


@blp.route("/trace/me", methods=["GET"])
@allow("member")
@blp.arguments(TraceArgs, location="query")
@blp.response(200, TraceSchema)
def my_trace(args):
    """学习有痕: day by day what I read and for how long, my punch-ins and quizzes."""
    return _trace(None, args)


@blp.route("/trace/me.xlsx", methods=["GET"])
@allow("member")
@blp.arguments(TraceArgs, location="query")
@blp.response(200, description="xlsx")
def my_trace_xlsx(args):
    return _xlsx(_trace(None, args))


@blp.route("/trace/people/<int(max=2147483647):person_id>", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(TraceArgs, location="query")
@blp.response(200, TraceSchema)
def person_trace(args, person_id):
    """A managed person's trace (audited)."""
    return _trace(person_id, args)


@blp.route("/trace/people/<int(max=2147483647):person_id>.xlsx", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(TraceArgs, location="query")
@blp.response(200, description="xlsx")
def person_trace_xlsx(args, person_id):
    return _xlsx(_trace(person_id, args))


# -- analytics -------------------------------------------------------------------------------
@blp.route("/analytics/overview", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(AnalyticsArgs, location="query")
@blp.response(200, OverviewSchema)
def analytics_overview(args):
    """An org's subtree (by default the broadest org the caller manages) over the last
    ``weeks`` weeks: weekly trends, each org below it, today, and plan completion."""
    org = analytics.org_for(args.get("org_id"), current())
    return analytics.overview(org, args["weeks"], current())


@blp.route("/analytics/people", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(AnalyticsPeopleArgs, location="query")
@blp.response(200, AnalyticsPeopleSchema)
def analytics_people(args):
    """Each member of the subtree over a period (default the last 30 days)."""
    org = analytics.org_for(args.get("org_id"), current())
    since, until = trace.period(args)
    return analytics.people(org, since, until, args["sort"], args["page"], args["per_page"])
