"""What a check-in needs to know about a meeting, cached for a moment in each process.

A 1,500-person meeting scans in within a couple of minutes, every scan asking about the same
meeting; re-reading its row each time is most of a check-in's cost. Each process keeps a copy
for ``checkin_cache_seconds`` (default 2). A change made by this process drops its copy at once;
other processes see it within that time, so a meeting cancelled or moved this instant may still
take a scan for two seconds. Nothing here is shared state: a process without the copy reads
the row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import event, select

from ..extensions import db
from .models import Meeting

MAX_ENTRIES = 512


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    org_id: int
    title: str
    status: str
    start_at: datetime
    end_at: datetime
    checkin_opens_minutes: int
    late_grace_minutes: int
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    checkin_secret: str
    sign_out: bool


_COLUMNS = [getattr(Meeting, name) for name in MeetingFacts.__dataclass_fields__]
_cache: dict[int, tuple[float, MeetingFacts]] = {}


def get(meeting_id: int) -> MeetingFacts | None:
    ttl = current_app.config["MEETINGS"]["checkin_cache_seconds"]
    now = time.monotonic()
    hit = _cache.get(meeting_id) if ttl > 0 else None
    if hit is not None and hit[0] > now:
        return hit[1]
    row = db.session.execute(select(*_COLUMNS).where(Meeting.id == meeting_id)).first()
    if row is None:
        return None
    facts = MeetingFacts(*row)
    if ttl > 0:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[meeting_id] = (now + ttl, facts)
    return facts


def forget(meeting_id: int) -> None:
    _cache.pop(meeting_id, None)


@event.listens_for(Meeting, "after_update")
@event.listens_for(Meeting, "after_delete")
def _changed(_mapper, _connection, meeting: Meeting) -> None:
    forget(meeting.id)
