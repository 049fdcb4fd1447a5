"""The daily digest (每日要闻): at ``[news] digest_hour`` (Beijing), each person in normal status
who opted in gets ``news_digest`` with the newest ``digest_size`` items of the last 24 hours in
their topics (every topic when they chose none). Nobody is notified when nothing matches.

Once per person and day: each batch inserts its people's ``news_digests`` rows (unique per
person and day, duplicates ignored) marked with a claim token, reads back the rows that carry
its token, and notifies exactly those people in the same transaction. A second run, or a run
in parallel, finds the rows taken and sends nothing twice.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, select

from ..db_types import insert_ignoring_duplicates, utcnow
from ..extensions import db
from ..notify.services import local_time, notify_many
from ..people.models import Person
from .models import NewsDigest, NewsItem, NewsPreference
from .services import settings, topics

KIND = "news_digest"
BATCH = 500
# Candidates read for a digest: a day of news from all sources, bounded.
RECENT_MAX = 2000
KEEP_DIGEST_DAYS = 31


def send_digests(now: datetime | None = None) -> dict[str, Any]:
    """Send today's digests (whatever the hour: the job checks it); commits per batch."""
    cfg = settings()
    now = now or utcnow()
    day = local_time(now).date()
    source_keys = [source["key"] for source in cfg["sources"]]
    recent = (
        db.session.execute(
            select(NewsItem.id, NewsItem.title, NewsItem.topics)
            .where(
                NewsItem.source_key.in_(source_keys),
                NewsItem.published_at >= now - timedelta(hours=24),
                NewsItem.published_at <= now,
            )
            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
            .limit(RECENT_MAX)
        ).all()
        if source_keys
        else []
    )
    # In a transaction of its own: a range delete's gap locks held while inserting today's rows
    # would deadlock two runs at once.
    _prune(day)
    db.session.commit()
    if not recent:
        return {"sent": 0, "day": day.isoformat(), "skipped": "nothing new"}
    wanting = db.session.execute(
        select(NewsPreference.person_id, NewsPreference.topics)
        .join(Person, Person.id == NewsPreference.person_id)
        .where(
            NewsPreference.digest.is_(True),
            Person.status == "normal",
            ~exists().where(NewsDigest.person_id == Person.id, NewsDigest.day == day),
        )
        .order_by(NewsPreference.person_id)
    ).all()
    configured = topics()
    picks: dict[tuple[str, ...], list] = {}  # by chosen topics: many members choose alike
    digests = []
    for person_id, chosen in wanting:
        wanted = tuple(sorted(key for key in chosen or [] if key in configured))
        if wanted not in picks:
            picks[wanted] = _pick(recent, set(wanted), cfg["digest_size"])
        if picks[wanted]:
            digests.append((person_id, picks[wanted]))
    sent = 0
    for start in range(0, len(digests), BATCH):
        sent += _send_batch(digests[start : start + BATCH], day, now)
        db.session.commit()
    return {"sent": sent, "day": day.isoformat()}


def _pick(recent, wanted: set[str], size: int) -> list:
    """The newest ``size`` items with one of ``wanted`` topics (any item when none wanted)."""
    chosen = [row for row in recent if not wanted or wanted & set(row.topics or [])]
    return chosen[:size]


def _send_batch(batch, day, now: datetime) -> int:
    claim = secrets.token_hex(16)
    db.session.execute(
        insert_ignoring_duplicates(NewsDigest),
        [
            {"person_id": pid, "day": day, "claim": claim, "items": len(items), "created_at": now}
            for pid, items in batch
        ],
    )
    mine = set(
        db.session.execute(
            select(NewsDigest.person_id).where(
                NewsDigest.day == day,
                NewsDigest.claim == claim,
                NewsDigest.person_id.in_([pid for pid, _ in batch]),
            )
        ).scalars()
    )
    notify_many(
        [
            {"kind": KIND, "person_ids": [pid], "data": _data(items, day)}
            for pid, items in batch
            if pid in mine
        ]
    )
    return len(mine)


def _data(items, day) -> dict[str, Any]:
    return {
        "count": len(items),
        "headline": items[0].title,
        "headlines": "\n".join(f"{n}. {row.title}" for n, row in enumerate(items, 1)),
        "day": day,
    }


def _prune(day) -> None:
    """Digest rows only guard their own day; a month is kept to look back on."""
    db.session.execute(
        delete(NewsDigest).where(NewsDigest.day < day - timedelta(days=KEEP_DIGEST_DAYS))
    )
