"""Ingesting the configured feeds (the periodic job and ``flask --app server news fetch``).

1. The sources are fetched and read in threads (network and parsing only, no database, no
   transaction held), each within ``[news] timeout_seconds`` and ``max_feed_kb``. A source that
   fails — refused, timed out, a 500, too large, no feed — is recorded with its reason; the
   others go on.
2. One short transaction stores everything: it first locks every configured source's state
   row in key order, so two runs at once take turns here. Without that their inserts would
   interleave, and InnoDB's duplicate-key locks on two unique indexes deadlock such inserts.
   The inserts themselves ignore duplicates (ON DUPLICATE KEY / ON CONFLICT DO NOTHING) on
   either hash, so a re-run, or a run that lost the race, adds nothing.
3. Items published more than ``keep_days`` ago are deleted.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import SQLAlchemyError

from ..db_types import insert_ignoring_duplicates, locked_row, utcnow
from ..extensions import db
from . import feeds
from .models import NewsItem, NewsSourceState
from .services import settings

log = logging.getLogger(__name__)

FETCH_THREADS = 8


@dataclass
class Outcome:
    """What fetching one source gave: entries (None: not modified since the last success) and
    the validators to keep, or an error."""

    entries: list[feeds.Entry] | None = None
    etag: str | None = None
    last_modified: str | None = None
    skipped: int = 0
    error: str | None = None


def ingest_all(now: datetime | None = None) -> dict[str, Any]:
    """Fetch every configured source and store what is new; commits. Returns per source its
    status (``ok``, ``not_modified``, ``failed``), the items added and any error."""
    cfg = settings()
    now = (now or utcnow()).replace(microsecond=0)
    configured = cfg["sources"]
    validators = {
        row.source_key: (row.etag, row.last_modified)
        for row in db.session.scalars(select(NewsSourceState))
    }
    db.session.commit()  # no transaction stays open while the network is slow
    outcomes = _fetch_all(configured, validators, cfg, now)
    result = _store(configured, outcomes, now, cfg)
    db.session.commit()
    return result


def _fetch_all(configured, validators, cfg, now) -> dict[str, Outcome]:
    if not configured:
        return {}

    def one(source) -> tuple[str, Outcome]:
        etag, modified = validators.get(source["key"], (None, None))
        return source["key"], _fetch_one(source, etag, modified, cfg, now)

    with ThreadPoolExecutor(max_workers=min(FETCH_THREADS, len(configured))) as pool:
        return dict(pool.map(one, configured))


def _fetch_one(source, etag, modified, cfg, now) -> Outcome:
    key = source["key"]
    try:
        fetched = feeds.fetch(
            source["url"],
            timeout=cfg["timeout_seconds"],
            max_bytes=cfg["max_feed_kb"] * 1024,
            etag=etag,
            last_modified=modified,
        )
        if fetched.not_modified:
            return Outcome(entries=None, etag=etag, last_modified=modified)
        parsed = feeds.parse(
            fetched.body,
            source_key=key,
            base_url=source["url"],
            content_type=fetched.content_type,
            now=now,
            max_items=cfg["max_items_per_feed"],
            keep_days=cfg["keep_days"],
        )
    except feeds.FeedError as exc:
        log.warning("news source %s failed: %s", key, exc.reason)
        return Outcome(error=exc.reason)
    except Exception as exc:  # a bug must cost this source this run, not the whole run
        log.exception("news source %s: unexpected error", key)
        return Outcome(error=f"内部错误（{type(exc).__name__}）")
    if parsed.warning:
        log.info("news source %s read despite errors: %s", key, parsed.warning)
    if parsed.skipped:
        log.info("news source %s: %d entries without a title or web link", key, parsed.skipped)
    return Outcome(
        entries=parsed.entries,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        skipped=parsed.skipped,
    )


def _store(configured, outcomes: dict[str, Outcome], now: datetime, cfg) -> dict[str, Any]:
    # Every configured source's row, in key order, whether or not it was fetched this time:
    # runs that fetched different sources still take turns (they may share links).
    states = {
        key: locked_row(NewsSourceState, {"source_key": key})
        for key in sorted(source["key"] for source in configured)
    }
    report: dict[str, Any] = {}
    for source in configured:
        key = source["key"]
        outcome, state = outcomes[key], states[key]
        state.last_fetch_at = now
        if outcome.error is None:
            try:
                with db.session.begin_nested():
                    added = _insert(source, outcome.entries or [], now)
            except SQLAlchemyError as exc:
                log.exception("news source %s: storing failed", key)
                outcome.error = f"保存失败（{type(exc).__name__}）"
        if outcome.error is not None:
            state.last_error = outcome.error[:500]
            state.failures += 1
            report[key] = {"status": "failed", "new": 0, "error": state.last_error}
            continue
        state.last_error = None
        state.failures = 0
        state.last_success_at = now
        state.etag, state.last_modified = outcome.etag, outcome.last_modified
        state.last_new = added
        report[key] = {
            "status": "not_modified" if outcome.entries is None else "ok",
            "new": added,
            "skipped": outcome.skipped,
        }
    cutoff = now - timedelta(days=cfg["keep_days"])
    pruned = db.session.execute(delete(NewsItem).where(NewsItem.published_at < cutoff)).rowcount
    return {"sources": report, "pruned": pruned}


def _insert(source, entries: list[feeds.Entry], now: datetime) -> int:
    """Insert the entries not stored yet; returns how many. Under the run's locks the
    existing hashes are current, so the count is exact; the insert still ignores duplicates."""
    if not entries:
        return 0
    guids = [e.guid_hash for e in entries]
    links = [e.link_hash for e in entries]
    known = db.session.execute(
        select(NewsItem.guid_hash, NewsItem.link_hash).where(
            or_(NewsItem.guid_hash.in_(guids), NewsItem.link_hash.in_(links))
        )
    ).all()
    known_guids = {row.guid_hash for row in known}
    known_links = {row.link_hash for row in known}
    fresh = [
        e for e in entries if e.guid_hash not in known_guids and e.link_hash not in known_links
    ]
    if not fresh:
        return 0
    rows = [
        {
            "source_key": source["key"],
            "guid_hash": e.guid_hash,
            "link_hash": e.link_hash,
            "title": e.title,
            "summary": e.summary,
            "url": e.url,
            "topics": list(source["topics"]),
            "published_at": e.published_at,
            "fetched_at": now,
        }
        for e in fresh
    ]
    db.session.execute(insert_ignoring_duplicates(NewsItem), rows)
    return len(rows)
