"""Background jobs on rq.

Jobs are plain functions registered with ``@job("queue")``; they are enqueued by dotted name
and take ids (never objects), run inside the app context, and commit once at the end. Periodic
jobs are declared as data with deterministic ids, so every worker may register them and none is
enqueued twice for the same period.

Without ``redis.url`` the same code runs on fakeredis in this process, with a worker thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps

from rq import Queue, SimpleWorker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.timeouts import TimerDeathPenalty
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

QUEUES = ("default", "notifications", "periodic")
REGISTRY: dict[str, Callable] = {}


def job(queue: str = "default"):
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue}")

    def decorator(fn: Callable) -> Callable:
        name = f"{fn.__module__}.{fn.__name__}"

        @wraps(fn)
        def run(*args, **kwargs):
            from .extensions import db

            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

        run.job_name = name
        run.queue_name = queue
        REGISTRY[name] = run
        return run

    return decorator


def after_commit(action: Callable[[], None]) -> None:
    """Run ``action`` once the current transaction commits (dropped on rollback).

    Enqueueing a job that reads rows this transaction writes must wait for the commit, or the
    worker may look before the rows exist. If ``action`` fails the work is not lost: the
    periodic sweeps find rows whose job never came.
    """
    from .extensions import db

    db.session().info.setdefault(_AFTER_COMMIT, []).append(action)


_AFTER_COMMIT = "party_after_commit"


@event.listens_for(Session, "after_commit")
def _run_after_commit(session) -> None:
    actions = session.info.pop(_AFTER_COMMIT, [])
    for action in actions:
        try:
            action()
        except Exception:
            log.exception("after-commit action failed (the sweeper will retry)")


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session) -> None:
    # A savepoint rollback leaves the outer transaction (and its actions) alive.
    if not session.in_transaction():
        session.info.pop(_AFTER_COMMIT, None)


@dataclass(frozen=True)
class Periodic:
    name: str  # dotted job name
    every: timedelta


PERIODIC: list[Periodic] = [
    Periodic("server.auth.jobs.purge_expired_sessions", timedelta(hours=1)),
    Periodic("server.notify.delivery.sweep", timedelta(minutes=1)),
    # Once per requirement and period (a unique row), so hourly only bounds the delay.
    Periodic("server.meetings.compliance.remind_compliance", timedelta(hours=1)),
    # Daily (the slot starts at 00:00 UTC, 08:00 Beijing); a unique row per reminder and day,
    # and a two-day catch-up window, so a late or repeated run sends each reminder once.
    Periodic("server.development.due.scan_due", timedelta(days=1)),
    # Hourly, acting only at [study] remind_hour (20:00 Beijing), once a day (a row per day).
    Periodic("server.study.reminders.remind_study", timedelta(hours=1)),
    # Today's study figures (and yesterday's until 03:00); a rollup replaces, never adds.
    Periodic("server.study.analytics.rollup", timedelta(minutes=10)),
    # Every 5 minutes, fetching once [news] fetch_minutes (30) have passed since the last fetch.
    Periodic("server.news.jobs.ingest", timedelta(minutes=5)),
    # Hourly, acting only at [news] digest_hour (08:00 Beijing); a row per person and day.
    Periodic("server.news.jobs.digest", timedelta(hours=1)),
    # New cases to their handlers, held ones to review, deadline reminders (a row per day).
    Periodic("server.feedback.jobs.sweep", timedelta(hours=1)),
]


class AppWorker(SimpleWorker):
    """Runs each job inside the Flask app context (no fork: workers scale by process count)."""

    app = None

    def perform_job(self, job, queue):
        with self.app.app_context():
            return super().perform_job(job, queue)


class ThreadWorker(AppWorker):
    """The development worker inside the web process: off the main thread, Python allows no
    signal handlers, so no SIGINT/SIGTERM handling and job timeouts by timer, not SIGALRM."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


class JobQueue:
    def __init__(self, app, connection, in_process: bool):
        self.app = app
        self.connection = connection
        self.in_process = in_process
        self.queues = {name: Queue(name, connection=connection) for name in QUEUES}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- enqueueing ------------------------------------------------------------------------
    def enqueue(
        self,
        name: str,
        *args,
        job_id: str | None = None,
        at: datetime | None = None,
        queue: str | None = None,
    ):
        """Enqueue job ``name`` now, or at ``at`` (naive UTC, as the database holds times;
        a time already past means now)."""
        fn = _resolve(name)
        q = self.queues[queue or fn.queue_name]
        kwargs = {
            "job_id": job_id,
            "job_timeout": self.app.config["JOBS"]["default_timeout_seconds"],
        }
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if at is not None and at > datetime.now(UTC) + timedelta(seconds=1):
            return q.enqueue_at(at, name, *args, **kwargs)
        return q.enqueue(name, *args, **kwargs)

    def cancel(self, job_id: str) -> None:
        try:
            job_ = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return  # never enqueued, already done, or cancelled by a parallel caller
        job_.cancel()
        job_.delete()

    def exists(self, job_id: str) -> bool:
        return Job.exists(job_id, connection=self.connection)

    def schedule_periodic(self, now: float | None = None) -> list[str]:
        """Enqueue each periodic job once per period; safe to call from many processes."""
        now = time.time() if now is None else now
        enqueued = []
        for spec in PERIODIC:
            seconds = int(spec.every.total_seconds())
            slot = int(now // seconds)
            job_id = f"periodic-{spec.name.rsplit('.', 1)[-1]}-{slot}"
            # SET NX is the once-per-period guarantee across workers.
            if self.connection.set(f"party:periodic:{job_id}", 1, nx=True, ex=seconds * 2):
                self.enqueue(spec.name, job_id=job_id, queue="periodic")
                enqueued.append(job_id)
        return enqueued

    # -- working ---------------------------------------------------------------------------
    def worker(self, queue_names=QUEUES) -> AppWorker:
        base = AppWorker if threading.current_thread() is threading.main_thread() else ThreadWorker
        worker_cls = type("BoundAppWorker", (base,), {"app": self.app})
        return worker_cls([self.queues[n] for n in queue_names], connection=self.connection)

    def run_pending(self) -> int:
        """Run every queued job now, in this thread (tests, CLI)."""
        total = sum(len(q) for q in self.queues.values())
        if total:
            self.worker().work(burst=True, with_scheduler=False, logging_level="WARNING")
        return total

    def work_forever(self, with_scheduler: bool = True) -> None:
        """The worker process: periodic registration in a thread, rq's worker loop here."""
        # rq raises the pool's socket timeout above its blocking-pop timeout when the worker is
        # built; connections opened before that keep the old timeout, so drop them first.
        worker = self.worker()
        self.connection.connection_pool.disconnect()
        ticker = threading.Thread(target=self._periodic_loop, daemon=True, name="periodic")
        ticker.start()
        worker.work(with_scheduler=with_scheduler, logging_level="INFO")

    def _periodic_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.schedule_periodic()
            except Exception:
                log.exception("periodic scheduling failed")
            self._stop.wait(30)

    def start_in_process(self) -> None:
        """Development: a daemon thread that drains the queues every second."""
        if self._thread is not None:
            return

        def loop():
            while not self._stop.is_set():
                try:
                    self.schedule_periodic()
                    self.run_pending()
                except Exception:
                    log.exception("in-process job run failed")
                self._stop.wait(1)

        self._thread = threading.Thread(target=loop, daemon=True, name="in-process-jobs")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()


def _resolve(name: str) -> Callable:
    if name not in REGISTRY:
        # Import the module so its @job functions register themselves.
        module = name.rsplit(".", 1)[0]
        __import__(module)
    if name not in REGISTRY:
        raise LookupError(f"no job named {name}")
    return REGISTRY[name]
