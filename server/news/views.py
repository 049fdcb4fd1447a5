"""The news API: the list, topics, a member's preferences, the sources' health
(docs/news.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth.principal import allow, current
from ..auth.views import ANY_ROLE
from ..schemas import page_result
from . import services
from .schemas import (
    NewsArgs,
    NewsPageSchema,
    PreferencesSchema,
    SourceListSchema,
    TopicListSchema,
)

blp = Blueprint("news", __name__, url_prefix="/api/v1", description="新闻资讯：央媒要闻与每日推送")


@blp.route("/news", methods=["GET"])
@allow(*ANY_ROLE)
@blp.arguments(NewsArgs, location="query")
@blp.response(200, NewsPageSchema)
def list_news(args):
    """News from the configured sources, newest first; ``topic`` narrows to one topic, ``mine``
    to the topics I chose (all when I chose none; 403 no_member for an account without a member
    record). 422 unknown_topic for a topic that is not configured."""
    result = page_result(
        services.listing(current(), args.get("topic"), args["mine"], args["page"], args["per_page"])
    )
    result["items"] = services.item_views(result["items"])
    return result


@blp.route("/news/topics", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, TopicListSchema)
def list_topics():
    """The topics, in the order to show them."""
    return {"items": services.topic_list(services.topics())}


@blp.route("/news/preferences", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, PreferencesSchema)
def get_preferences():
    """My topics and whether I get the daily digest (403 no_member without a member record)."""
    return services.preferences(current())


@blp.route("/news/preferences", methods=["PUT"])
@allow(*ANY_ROLE)
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(data):
    """Replace my topics and digest choice; 422 unknown_topic for a topic not configured."""
    return services.set_preferences(current(), data)


@blp.route("/news/sources", methods=["GET"])
@allow(*services.SOURCE_ROLES)
@blp.response(200, SourceListSchema)
def list_sources():
    """Each configured source: its last fetch, last success, last error and item count."""
    return {"items": services.source_report()}
