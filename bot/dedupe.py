"""WeChat retries a push up to twice when the answer is late; each push is handled once.

The first copy claims its key in Redis (SET NX, kept 10 minutes — longer than WeChat's
retries take); later copies find it taken. A handler that fails releases the key, so the
retry is handled as if it were the first.
"""

from __future__ import annotations

from server.extensions import redis_client

PREFIX = "party:bot:seen:"
TTL_SECONDS = 600


def claim(key: str) -> bool:
    return bool(redis_client.set(PREFIX + key, 1, nx=True, ex=TTL_SECONDS))


def release(key: str) -> None:
    redis_client.delete(PREFIX + key)
