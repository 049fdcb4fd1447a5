"""Helpers for notification tests: run the job queue, travel in time, read the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from server.db_types import utcnow
from server.extensions import wechat


class Jobs:
    def __init__(self, app, monkeypatch):
        self.app = app
        self.queue = app.extensions["party_queue"]
        self.monkeypatch = monkeypatch
        self.offset = timedelta(0)

    # -- time ----------------------------------------------------------------------------
    def travel(self, delta: timedelta) -> datetime:
        """Move the notification code's clock forward (rq's own clock is not moved)."""
        self.offset += delta
        fake = lambda: utcnow() + self.offset  # noqa: E731
        for module in ("server.notify.services", "server.notify.delivery"):
            self.monkeypatch.setattr(f"{module}.utcnow", fake)
        return fake()

    def now(self) -> datetime:
        return utcnow() + self.offset

    # -- queue ---------------------------------------------------------------------------
    def scheduled(self) -> dict[str, datetime]:
        """Scheduled job id → naive UTC time."""
        out = {}
        for q in self.queue.queues.values():
            registry = ScheduledJobRegistry(queue=q)
            for job_id in registry.get_job_ids():
                when = registry.get_scheduled_time(job_id)
                out[job_id] = when.astimezone(UTC).replace(tzinfo=None)
        return out

    def queued_ids(self) -> list[str]:
        return [job_id for q in self.queue.queues.values() for job_id in q.job_ids]

    def lose_queued(self) -> None:
        """Drop every queued job, as if the worker holding them died (Queue.empty needs Lua,
        which fakeredis lacks)."""
        for q in self.queue.queues.values():
            for job_id in q.get_job_ids():
                q.remove(job_id)

    def release(self, until: datetime | None = None) -> int:
        """Move scheduled jobs due by ``until`` (default: all) onto their queues."""
        moved = 0
        for q in self.queue.queues.values():
            registry = ScheduledJobRegistry(queue=q)
            for job_id in registry.get_job_ids():
                when = registry.get_scheduled_time(job_id).astimezone(UTC).replace(tzinfo=None)
                if until is not None and when > until:
                    continue
                registry.remove(job_id)
                q.enqueue_job(Job.fetch(job_id, connection=self.queue.connection))
                moved += 1
        return moved

    def call(self, fn, *args):
        """Run a job's body in the test's own session and commit (the worker's wrapper would
        also close the session, detaching the test's objects)."""
        from server.extensions import db

        result = fn.__wrapped__(*args)
        db.session.commit()
        return result

    def run(self, rounds: int = 10) -> int:
        """Run queued jobs, and scheduled ones due by the test's clock, until none are left
        (jobs enqueue follow-up jobs on commit)."""
        from server.extensions import db

        # End the test's own read transaction: on SQLite it would block the job's writes.
        db.session.commit()
        total = 0
        for _ in range(rounds):
            # Jobs scheduled for a time the test's clock has passed are due now.
            self.release(until=self.now())
            ran = self.queue.run_pending()
            total += ran
            if not ran:
                return total
        raise AssertionError("jobs keep enqueueing jobs")

    def failed(self) -> list[str]:
        from rq.registry import FailedJobRegistry

        out = []
        for q in self.queue.queues.values():
            for job_id in FailedJobRegistry(queue=q).get_job_ids():
                job = Job.fetch(job_id, connection=self.queue.connection)
                out.append(
                    f"{job_id}: {job.latest_result().exc_string if job.latest_result() else ''}"
                )
        return out


@pytest.fixture
def jobs(app, monkeypatch):
    return Jobs(app, monkeypatch)


@pytest.fixture
def outbox():
    """The sandbox gateway's outbox (newest first)."""
    return lambda limit=500: wechat.outbox(limit)


@pytest.fixture(autouse=True)
def _no_quiet_hours(app, monkeypatch):
    """Tests run at any hour: quiet hours are off unless a test sets them."""
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_start", "00:00")
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_end", "00:00")
