"""The study API, first slice: punch-in, my points, the branches' ranking (docs/study.md)."""

from __future__ import annotations

from datetime import timedelta

from flask_smorest import Blueprint

from ..auth.principal import allow, current
from ..notify.services import local_today
from ..schemas import PageArgs
from . import services
from .schemas import (
    MyPointsSchema,
    MyPunchInsSchema,
    PunchInArgs,
    PunchInBodySchema,
    PunchInResultSchema,
    RankingArgs,
    RankingSchema,
)

blp = Blueprint("study", __name__, url_prefix="/api/v1/study", description="学习：打卡与积分")


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


@blp.route("/rankings/branches", methods=["GET"])
@allow("member")
@blp.arguments(RankingArgs, location="query")
@blp.response(200, RankingSchema)
def branch_ranking(args):
    """Branches by points per member over the period (the public ranking is of branches)."""
    days = PERIOD_DAYS.get(args["period"])
    since = local_today() - timedelta(days=days - 1) if days else None
    return {"period": args["period"], "since": since, "items": services.branch_ranking(since)}
