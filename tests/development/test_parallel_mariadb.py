"""Simultaneous decisions and submissions on MariaDB: one approval, one entry, one record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditLog
from server.development.models import DevelopmentEntry, DevelopmentRecord
from server.extensions import db
from server.notify.models import Notification
from tests.development.conftest import DATES
from tests.factories import auth
from tests.notify.test_parallel_mariadb import race

pytestmark = pytest.mark.mariadb


def test_two_secretaries_approving_at_once_make_one_approval(app, dev):
    deputy = dev.f.person(dev.branch)
    dev.f.post(deputy, dev.branch, "deputy_secretary")
    tokens = [dev.secretary_token, dev.f.token_for(deputy)]
    record_id = dev.start().json["id"]
    dev.through(record_id, 2)
    entry_id = dev.submit(record_id, 3).json["id"]
    answers = []

    def approve(i):
        response = app.test_client().post(
            f"/api/v1/development/entries/{entry_id}/approve",
            json={"comment": f"同意（{i}）"},
            headers=auth(tokens[i % 2]),
        )
        answers.append((response.status_code, response.json.get("code")))

    assert race(app, 8, approve) == []
    assert sorted(answers) == [(200, None)] + [(409, "already_decided")] * 7, answers
    db.session.expire_all()
    entry = db.session.get(DevelopmentEntry, entry_id)
    assert entry.state == "done"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "development.decide")
        )
        == 1
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "approval_result")
        )
        == 1
    )


def test_simultaneous_submissions_of_one_step_make_one_entry(app, dev):
    record_id = dev.start().json["id"]
    headers = auth(dev.secretary_token)
    body = {"step": 2, "done_on": DATES[2].isoformat(), **dev.facts(2)}
    answers = []

    def submit(i):
        response = app.test_client().post(
            f"/api/v1/development/records/{record_id}/entries",
            json={**body, "key": f"race-key-{i:04d}"},
            headers=headers,
        )
        answers.append((response.status_code, response.json.get("code")))

    assert race(app, 8, submit) == []
    assert sorted(answers)[0] == (201, None), answers
    assert {code for _, code in sorted(answers)[1:]} <= {"step_done", "step_in_progress"}
    assert (
        db.session.scalar(
            select(func.count()).select_from(DevelopmentEntry).where(DevelopmentEntry.step == 2)
        )
        == 1
    )


def test_simultaneous_registrations_of_one_applicant_make_one_record(app, dev):
    person_id = dev.applicant.id
    answers = []

    def start(i):
        response = app.test_client().post(
            "/api/v1/development/records",
            json={"person_id": person_id, "applied_on": "2023-03-01", "key": f"start-{i:05d}"},
            headers=auth(dev.secretary_token),
        )
        answers.append((response.status_code, response.json.get("code")))

    assert race(app, 6, start) == []
    assert sorted(answers) == [(201, None)] + [(409, "record_exists")] * 5, answers
    assert db.session.scalar(select(func.count()).select_from(DevelopmentRecord)) == 1


def test_simultaneous_scans_send_each_reminder_once(app, dev):
    from datetime import date

    from server.development import due
    from server.development.models import DevelopmentReminder

    people = [
        dev.f.person(dev.branch, member_type="applicant", birth_date=date(2000, 1, 1))
        for _ in range(5)
    ]
    for person in people:
        assert dev.start(person=person, applied_on=date(2026, 3, 1)).status_code == 201
    results = []

    def scan(_i):
        results.append(due.scan_due(date(2026, 3, 25)))

    assert race(app, 4, scan) == []
    assert sum(r["sent"] for r in results) == 5, results
    assert db.session.scalar(select(func.count()).select_from(DevelopmentReminder)) == 5
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "development_step_due")
        )
        == 5
    )


def test_a_decision_and_a_submission_on_one_record_at_once_both_land(app, dev):
    """They queue on the record row: no lost update of the record (its version) and no 500."""
    record_id = dev.start().json["id"]
    dev.through(record_id, 3)  # steps 4, 5 and 6 are open
    organiser = dev.f.person(dev.branch)
    dev.f.post(organiser, dev.branch, "organization")
    tokens = [dev.secretary_token, dev.f.token_for(organiser)]
    bodies = [
        {"step": 4, "done_on": DATES[4].isoformat(), "key": "both-000004"},
        {"step": 5, "done_on": DATES[5].isoformat(), "key": "both-000005", **dev.facts(5)},
        {"step": 6, "done_on": DATES[6].isoformat(), "key": "both-000006"},
    ]
    answers = []

    def submit(i):
        response = app.test_client().post(
            f"/api/v1/development/records/{record_id}/entries",
            json=bodies[i],
            headers=auth(tokens[i % 2]),
        )
        answers.append(response.status_code)

    assert race(app, 3, submit) == []
    assert sorted(answers) == [201, 201, 201]
    db.session.expire_all()
    record = db.session.get(DevelopmentRecord, record_id)
    assert record.current_step == 5 and {o.step for o in record.openings} >= {6, 7}
