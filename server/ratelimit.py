"""Attempt limits (binding, password login) on the `limits` library: Redis-backed when Redis is
configured, so every app server shares the counts; in memory on a laptop."""

from __future__ import annotations

from limits import RateLimitItemPerMinute, storage, strategies


class AttemptLimiter:
    def __init__(self, redis_url: str):
        uri = redis_url if redis_url else "memory://"
        self.storage = storage.storage_from_string(uri)
        self.strategy = strategies.MovingWindowRateLimiter(self.storage)

    @staticmethod
    def item(count: int, minutes: int):
        return RateLimitItemPerMinute(count, minutes)

    def exhausted(self, count: int, minutes: int, *key: str) -> bool:
        return not self.strategy.test(self.item(count, minutes), *key)

    def hit(self, count: int, minutes: int, *key: str) -> bool:
        return self.strategy.hit(self.item(count, minutes), *key)

    def clear(self, count: int, minutes: int, *key: str) -> None:
        self.strategy.clear(self.item(count, minutes), *key)

    def reset(self) -> None:
        self.storage.reset()
