"""News services: the configured topics and sources, the list, a member's preferences and the
administrators' view of the sources (docs/news.md). Services flush; ``@allow`` commits."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import String, cast, func, or_, select

from ..audit import services as audit
from ..db_types import locked_row, utcnow
from ..errors import ApiError
from ..extensions import db
from .models import NewsItem, NewsPreference, NewsSourceState

# Who sees how the sources are doing (their addresses and errors are installation matters).
SOURCE_ROLES = ("committee_admin", "system_admin")


def settings() -> dict[str, Any]:
    return current_app.config["NEWS"]


def topics() -> dict[str, str]:
    """Topic key → Chinese label, in the configured order."""
    return settings()["topics"]


def sources() -> list[dict[str, Any]]:
    return settings()["sources"]


def topic_list(keys) -> list[dict[str, str]]:
    """``[{key, label}]`` of the keys that are (still) configured topics."""
    labels = topics()
    return [{"key": key, "label": labels[key]} for key in keys if key in labels]


def _unknown_topics(keys, field: str) -> None:
    unknown = [key for key in keys if key not in topics()]
    if unknown:
        raise ApiError(
            422,
            "unknown_topic",
            "未知的新闻主题",
            {field: {key: ["未知的主题"] for key in unknown}},
        )


def _any_topic(keys):
    """SQL: the item carries one of ``keys`` (see NewsItem.topics). Escaped: ``_`` is a LIKE
    wildcard, and ``"a_b"`` must not match ``"axb"``."""
    text = cast(NewsItem.topics, String)
    return or_(*[text.contains(f'"{key}"', autoescape=True) for key in keys])


# -- the list --------------------------------------------------------------------------------


def listing(principal, topic: str | None, mine: bool, page: int, per_page: int):
    """Items of the configured sources, newest first; ``topic`` narrows to one topic, ``mine``
    to the caller's chosen topics (all of them when they chose none). Items of a source taken
    out of the configuration are no longer listed (and are deleted with age)."""
    if topic is not None:
        _unknown_topics([topic], "topic")
    keys = [source["key"] for source in sources()]
    query = (
        select(NewsItem)
        .where(NewsItem.source_key.in_(keys))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
    )
    if topic is not None:
        query = query.where(_any_topic([topic]))
    if mine:
        chosen = preferences(principal)["topics"]
        if chosen:
            query = query.where(_any_topic(chosen))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def item_views(items) -> list[dict[str, Any]]:
    names = {source["key"]: source["name"] for source in sources()}
    return [
        {
            "id": item.id,
            "title": item.title,
            "summary": item.summary,
            "url": item.url,
            "source": item.source_key,
            "source_name": names.get(item.source_key, item.source_key),
            "topics": topic_list(item.topics or []),
            "published_at": item.published_at,
        }
        for item in items
    ]


# -- preferences -----------------------------------------------------------------------------


def preferences(principal) -> dict[str, Any]:
    """The caller's choice (403 ``no_member`` for an account without a member record). Topics
    no longer configured are left out; no row means every topic and no digest."""
    person = principal.member()
    row = db.session.execute(
        select(NewsPreference).where(NewsPreference.person_id == person.id)
    ).scalar_one_or_none()
    if row is None:
        return {"topics": [], "digest": False}
    return {"topics": [key for key in row.topics if key in topics()], "digest": row.digest}


def set_preferences(principal, data: dict[str, Any]) -> dict[str, Any]:
    person = principal.member()
    _unknown_topics(data["topics"], "topics")
    chosen = list(dict.fromkeys(data["topics"]))  # without repeats, in the order sent
    # The member's row, made if missing and locked: two saves at once take turns, the last wins.
    row = locked_row(
        NewsPreference,
        {"person_id": person.id},
        {"topics": [], "digest": False, "updated_at": utcnow()},
    )
    before = {"topics": list(row.topics), "digest": row.digest}
    row.topics = chosen
    row.digest = data["digest"]
    row.updated_at = utcnow()
    audit.record(
        "news.preferences.update",
        "person",
        person.id,
        person.org_id,
        {"before": before, "after": {"topics": chosen, "digest": data["digest"]}},
    )
    db.session.flush()
    return {"topics": chosen, "digest": row.digest}


# -- sources, for administrators ---------------------------------------------------------------


def source_report() -> list[dict[str, Any]]:
    """Each configured source with how its fetching went and how many items it has."""
    states = {row.source_key: row for row in db.session.scalars(select(NewsSourceState))}
    counts = dict(
        db.session.execute(
            select(NewsItem.source_key, func.count()).group_by(NewsItem.source_key)
        ).all()
    )
    report = []
    for source in sources():
        state = states.get(source["key"])
        report.append(
            {
                "key": source["key"],
                "name": source["name"],
                "url": source["url"],
                "topics": topic_list(source["topics"]),
                "items": counts.get(source["key"], 0),
                "last_fetch_at": state.last_fetch_at if state else None,
                "last_success_at": state.last_success_at if state else None,
                "last_error": state.last_error if state else None,
                "failures": state.failures if state else 0,
                "last_new": state.last_new if state else 0,
            }
        )
    return report
