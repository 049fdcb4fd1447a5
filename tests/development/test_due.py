"""What is due: the secretary's to-do, the committee's pipeline and the daily reminder scan
(sent once, moved when a date changes, never a query per record)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event, func, select

from server.development import due
from server.development.models import DevelopmentReminder
from server.extensions import db
from server.notify.models import Notification
from tests.conftest import IS_MARIADB
from tests.factories import auth


def _record(dev, person=None, applied_on=date(2023, 3, 1)):
    response = dev.start(person=person, applied_on=applied_on)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_todo_buckets_steps_by_their_dates_and_lists_approvals_i_may_decide(app, dev):
    record_id = _record(dev)  # step 2 due 2023-04-01: long overdue
    recent = dev.f.person(dev.branch, member_type="applicant", birth_date=date(2000, 1, 1))
    fresh_id = _record(dev, recent, applied_on=due.today() - timedelta(days=27))  # due in 4 days
    todo = dev.client.get("/api/v1/development/todo", headers=auth(dev.secretary_token)).json
    buckets = {(i["record_id"], i["step"]): i["bucket"] for i in todo["items"]}
    assert buckets == {(record_id, 2): "overdue", (fresh_id, 2): "due_soon"}
    assert todo["counts"] == {"overdue": 1, "due_soon": 1, "open": 0, "approvals": 0}
    assert todo["truncated"] is False
    dev.complete(record_id, 2)
    entry = dev.submit(record_id, 3).json
    todo = dev.client.get("/api/v1/development/todo", headers=auth(dev.secretary_token)).json
    assert [a["entry_id"] for a in todo["approvals"]] == [entry["id"]]
    assert todo["approvals"][0]["approver_label"] == "支部委员会"
    # The committee does not decide a branch committee's step; the general branch sees nothing
    # to approve either.
    for token in (dev.committee_token, dev.general_token):
        other = dev.client.get("/api/v1/development/todo", headers=auth(token)).json
        assert other["approvals"] == []
    # Another branch's secretary sees none of it.
    _, b_token = dev.f.secretary(dev.orgs["b"])
    other = dev.client.get("/api/v1/development/todo", headers=auth(b_token)).json
    assert other["items"] == [] and other["approvals"] == []
    member = dev.client.get(
        "/api/v1/development/todo", headers=auth(dev.f.token_for(dev.members[0]))
    )
    assert member.status_code == 403


def test_committee_approvals_show_in_the_committee_todo(app, dev):
    record_id = _record(dev)
    dev.through(record_id, 12)
    entry = dev.submit(record_id, 13).json
    todo = dev.client.get("/api/v1/development/todo", headers=auth(dev.committee_token)).json
    assert [a["entry_id"] for a in todo["approvals"]] == [entry["id"]]
    branch = dev.client.get("/api/v1/development/todo", headers=auth(dev.secretary_token)).json
    assert branch["approvals"] == []


def test_pipeline_counts_stages_per_branch_overdue_and_cohorts(app, dev):
    first = _record(dev)
    dev.through(first, 3)  # an activist, steps 4/5 overdue since 2023-10-01
    second_person = dev.f.person(
        dev.orgs["c"], member_type="applicant", birth_date=date(2001, 1, 1)
    )
    _, c_token = dev.f.secretary(dev.orgs["c"])
    response = dev.start(person=second_person, applied_on=date(2025, 9, 1), token=c_token)
    assert response.status_code == 201
    pipeline = dev.client.get(
        "/api/v1/development/pipeline", headers=auth(dev.committee_token)
    ).json
    by_branch = {b["org_id"]: b for b in pipeline["branches"]}
    assert by_branch[dev.branch.id]["stages"] == {"activist": 1}
    assert by_branch[dev.orgs["c"].id]["stages"] == {"apply": 1}
    assert by_branch[dev.branch.id]["overdue"] == 1
    assert pipeline["totals"]["activist"] == 1 and pipeline["totals"]["apply"] == 1
    assert pipeline["overdue"][0]["record_id"] == first
    assert pipeline["overdue"][0]["deadline"] == "2023-10-01"  # ISO, like every date
    cohorts = {c["cohort"]: c for c in pipeline["cohorts"]}
    assert cohorts["2023-H1"]["label"] == "2023年上半年" and cohorts["2023-H1"]["total"] == 1
    assert cohorts["2025-H2"]["stages"] == {"apply": 1}
    # A branch secretary sees only their branch; a member nothing.
    mine = dev.client.get("/api/v1/development/pipeline", headers=auth(c_token)).json
    assert [b["org_id"] for b in mine["branches"]] == [dev.orgs["c"].id]
    assert (
        dev.client.get(
            "/api/v1/development/pipeline", headers=auth(dev.f.token_for(dev.members[0]))
        ).status_code
        == 403
    )


def _scan(app, on):
    db.session.rollback()  # this test's reads end (SQLite: a reader would block the scan's writes)
    with app.app_context():
        return due.scan_due(on)


def test_scan_reminds_when_a_step_opens_and_before_its_deadline_once(app, dev):
    applied = date(2026, 3, 1)
    record_id = _record(dev, applied_on=applied)  # step 2: deadline 2026-04-01
    # 7 days before the deadline: the secretary is reminded, once however often it runs.
    result = _scan(app, date(2026, 3, 25))
    assert result["sent"] == 1
    assert _scan(app, date(2026, 3, 25))["sent"] == 0
    assert _scan(app, date(2026, 3, 26))["sent"] == 0  # the catch-up window, already sent
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    due_notes = [n for n in notes if n.kind == "development_step_due"]
    assert len(due_notes) == 1 and due_notes[0].recipient_ids == [dev.secretary.id]
    assert "应于 2026年4月1日 前完成" in due_notes[0].body
    # The day before: the second reminder.
    assert _scan(app, date(2026, 3, 31))["sent"] == 1
    assert db.session.scalar(select(func.count()).select_from(DevelopmentReminder)) == 2
    assert record_id


def test_scan_tells_the_applicant_of_their_own_steps_and_follows_changed_dates(app, dev):
    record_id = _record(dev)
    dev.through(record_id, 21)  # T15 = 2024-11-20: step 22 opens 2025-10-20
    assert _scan(app, date(2025, 10, 20))["sent"] >= 1
    opened = db.session.scalars(
        select(Notification).where(Notification.kind == "development_step_open")
    ).all()
    assert any(dev.applicant.id in n.recipient_ids for n in opened)
    assert any("提出转正申请" in n.body for n in opened)


def test_scan_is_a_few_queries_whatever_the_number_of_records(app, dev):
    statements = []

    def count(*_args):
        statements.append(1)

    def scan():
        db.session.execute(db.delete(DevelopmentReminder))
        db.session.execute(db.delete(Notification))
        db.session.commit()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with app.app_context():
                sent = due.scan_due(date(2026, 3, 25))["sent"]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return sent, len(statements)

    people = [
        dev.f.person(dev.branch, member_type="applicant", birth_date=date(2000, 1, 1))
        for _ in range(10)
    ]
    for person in people[:2]:
        _record(dev, person, applied_on=date(2026, 3, 1))  # due on the day
    sent_two, two = scan()
    for person in people[2:6]:
        _record(dev, person, applied_on=date(2025, 1, 1))  # not due that day
    assert scan() == (sent_two, two)  # records that are not due cost nothing
    for person in people[6:]:
        _record(dev, person, applied_on=date(2026, 3, 1))
    sent_six, six = scan()
    assert (sent_two, sent_six) == (2, 6)
    if IS_MARIADB:
        assert six == two  # nor do more reminders: they are inserted in batches
    else:
        # SQLite cannot promise the order of a batch's RETURNING rows: SQLAlchemy inserts
        # the notifications and reminders one by one there.
        assert six == two + 2 * (sent_six - sent_two)


def test_a_corrected_date_moves_the_reminders(app, dev):
    record_id = _record(dev, applied_on=date(2026, 3, 1))  # step 2 due 2026-04-01
    entry1 = dev.record(record_id)["entries"][0]
    response = dev.client.post(
        f"/api/v1/development/entries/{entry1['id']}/correct",
        json={"done_on": "2026-03-10", "reason": "申请书落款日期有误", "key": "move-000001"},
        headers=auth(dev.secretary_token),
    )
    assert response.status_code == 201, response.json
    assert dev.record(record_id)["next"][0]["deadline"] == "2026-04-10"
    assert _scan(app, date(2026, 3, 25))["sent"] == 0  # the old reminder day has no reminder
    assert _scan(app, date(2026, 4, 3))["sent"] == 1  # 7 days before the new deadline
    note = db.session.scalars(
        select(Notification).where(Notification.kind == "development_step_due")
    ).one()
    assert "2026年4月10日" in note.body


def test_a_long_todo_lists_the_most_urgent_and_counts_everything(app, dev, monkeypatch):
    overdue = _record(dev)
    recent = dev.f.person(dev.branch, member_type="applicant", birth_date=date(2000, 1, 1))
    _record(dev, recent, applied_on=due.today() - timedelta(days=27))
    monkeypatch.setattr(due, "TODO_LIMIT", 1)
    todo = dev.client.get("/api/v1/development/todo", headers=auth(dev.secretary_token)).json
    assert [(i["record_id"], i["bucket"]) for i in todo["items"]] == [(overdue, "overdue")]
    assert todo["counts"]["overdue"] == 1 and todo["counts"]["due_soon"] == 1
    assert todo["truncated"] is True
