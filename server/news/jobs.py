"""The news jobs. ``ingest`` is registered every 5 minutes and fetches once ``[news]
fetch_minutes`` have passed since the last run began (a Redis key with that lifetime; the
periodic table is data fixed at import, the setting is not). ``digest`` is hourly and acts at
``[news] digest_hour`` (Beijing) only."""

from __future__ import annotations

from datetime import datetime

from ..db_types import utcnow
from ..extensions import redis_client
from ..jobs import job
from ..notify.services import local_time
from .digest import send_digests
from .ingest import ingest_all
from .services import settings

_DUE_KEY = "party:news:ingest-started"


@job("periodic")
def ingest() -> dict:
    # A minute less than the period, so the slot that comes exactly fetch_minutes later (give
    # or take the scheduler's jitter) finds the key gone.
    seconds = max(settings()["fetch_minutes"] * 60 - 60, 60)
    if not redis_client.set(_DUE_KEY, 1, nx=True, ex=seconds):
        return {"skipped": "not due"}
    return ingest_all()


@job("periodic")
def digest(now: datetime | None = None) -> dict:
    local = local_time(now or utcnow())
    if local.hour != settings()["digest_hour"]:
        return {"sent": 0, "skipped": "not the hour"}
    return send_digests(now)
