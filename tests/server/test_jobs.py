from datetime import timedelta

from server.auth.models import AuthSession
from server.db_types import utcnow
from server.extensions import db


def test_periodic_jobs_are_enqueued_once_per_period(app):
    jobs = app.extensions["party_queue"]
    first = jobs.schedule_periodic(now=1_800_000_000)
    again = jobs.schedule_periodic(now=1_800_000_030)
    assert first and again == []
    assert jobs.schedule_periodic(now=1_800_000_000 + 3600) != []


def test_purge_job_runs_by_dotted_name_and_deletes_old_sessions(app, f):
    person = f.person(f.tree()["a"])
    f.token_for(person)
    old_id = db.session.query(AuthSession.id).scalar()
    live = f.token_for(person)
    db.session.execute(
        db.update(AuthSession)
        .where(AuthSession.id == old_id)
        .values(expires_at=utcnow() - timedelta(days=3))
    )
    db.session.commit()
    jobs = app.extensions["party_queue"]
    jobs.enqueue("server.auth.jobs.purge_expired_sessions", job_id="purge-test")
    assert jobs.run_pending() == 1
    db.session.expire_all()
    remaining = db.session.query(AuthSession).one()
    assert remaining.id != old_id
    assert live


def test_unknown_job_names_are_refused(app):
    import pytest

    with pytest.raises(LookupError):
        app.extensions["party_queue"].enqueue("server.auth.jobs.no_such_job")


def test_the_in_process_worker_runs_jobs_from_a_thread(app, f):
    """The development worker lives in a thread of the web process, where Python forbids
    signal handlers: jobs must still run there."""
    import threading

    person = f.person(f.tree()["a"])
    f.token_for(person)
    db.session.execute(db.update(AuthSession).values(expires_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    jobs = app.extensions["party_queue"]
    jobs.enqueue("server.auth.jobs.purge_expired_sessions", job_id="purge-thread")
    errors = []

    def run():
        try:
            with app.app_context():
                errors.append(jobs.run_pending())
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert errors == [1]
    db.session.expire_all()
    assert db.session.query(AuthSession).count() == 0
