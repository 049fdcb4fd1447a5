"""三会一课 compliance: periods, which rules apply, what counts as held, statuses, the API and the
once-per-period reminder job."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.meetings import compliance
from server.meetings.compliance import period_of, status_of
from server.notify.models import Notification
from tests.factories import auth


def test_periods_are_calendar_months_quarters_and_years():
    assert period_of(date(2026, 2, 14), "month").end == date(2026, 2, 28)
    assert period_of(date(2028, 2, 14), "month").end == date(2028, 2, 29)
    q4 = period_of(date(2026, 11, 24), "quarter")
    assert (q4.key, q4.start, q4.end, q4.label) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026年第4季度",
    )
    assert q4.previous("quarter").key == "2026-Q3"
    assert period_of(date(2026, 1, 5), "month").previous("month").key == "2025-12"
    assert period_of(date(2026, 6, 1), "year").key == "2026"


@pytest.mark.parametrize(
    ("held", "on", "expected"),
    [
        (1, date(2026, 11, 29), "met"),
        (0, date(2026, 11, 29), "due_soon"),
        (0, date(2026, 11, 10), "open"),
        (0, date(2026, 12, 2), "overdue"),
    ],
)
def test_status(held, on, expected):
    assert status_of(1, held, period_of(date(2026, 11, 15), "month"), on, 7) == expected


def _minutes(branch, meeting):
    response = branch.client.put(
        f"/api/v1/meetings/{meeting['id']}/minutes",
        json={"agenda": "议程", "content": "内容"},
        headers=branch.as_secretary(),
    )
    assert response.status_code == 200, response.json


def _requirements(report, org_id):
    unit = next(u for u in report if u["org_id"] == org_id)
    return {(r["type"], r["period"]): r for r in unit["requirements"]}


def test_held_means_with_minutes_and_small_branches_have_no_committee_rule(app, branch):
    with_minutes = branch.meeting(starts_in=timedelta(hours=-3), minutes=60, type="theme_day")
    _minutes(branch, with_minutes)
    branch.meeting(starts_in=timedelta(hours=-5), minutes=60, type="party_lecture")  # no minutes
    on = compliance.today()
    month = period_of(on, "month").key
    quarter = period_of(on, "quarter").key
    report = compliance.report(branch.org, on)
    rules = _requirements(report, branch.org.id)
    assert (
        rules[("theme_day", month)]["held"] == 1 and rules[("theme_day", month)]["status"] == "met"
    )
    assert rules[("party_lecture", quarter)]["held"] == 0
    assert not any(t == "branch_committee" for t, _ in rules)  # 4 full members: no committee
    group_rules = _requirements(report, branch.orgs["group_a"].id)
    assert {t for t, _ in group_rules} == {"group_meeting"}


def test_big_branches_must_hold_committee_meetings(app, branch, f):
    for _ in range(4):
        f.person(branch.org)
    rules = _requirements(compliance.report(branch.org, compliance.today()), branch.org.id)
    assert any(t == "branch_committee" for t, _ in rules)


def test_api_reports_in_scope_only(app, branch, f):
    response = branch.client.get(
        f"/api/v1/compliance?org_id={branch.orgs['general'].id}", headers=branch.as_secretary()
    )
    assert response.status_code == 404  # the general branch is above this secretary
    response = branch.client.get(
        f"/api/v1/compliance?org_id={branch.org.id}&on=2026-12-28", headers=branch.as_secretary()
    )
    assert response.status_code == 200 and response.json["on"] == "2026-12-28"
    statuses = {
        (r["type"], r["period"]): r["status"]
        for u in response.json["items"]
        for r in u["requirements"]
    }
    assert statuses[("theme_day", "2026-12")] == "due_soon"
    assert statuses[("theme_day", "2026-11")] == "overdue"
    assert statuses[("life_meeting", "2026")] == "due_soon"
    overdue = branch.client.get(
        f"/api/v1/compliance/overdue?org_id={branch.org.id}&on=2026-12-28",
        headers=branch.as_secretary(),
    ).json["items"]
    assert overdue[0]["status"] == "overdue" and {i["status"] for i in overdue} == {
        "overdue",
        "due_soon",
    }
    member = branch.client.get(
        f"/api/v1/compliance?org_id={branch.org.id}", headers=branch.as_member(branch.members[0])
    )
    assert member.status_code == 403
    admin = f.account("zzb", [("committee_admin", branch.orgs["committee"])])
    whole = branch.client.get(
        f"/api/v1/compliance?org_id={branch.orgs['committee'].id}",
        headers=auth(f.account_token(admin)),
    )
    assert {u["org_id"] for u in whole.json["items"]} >= {
        branch.org.id,
        branch.orgs["b"].id,
        branch.orgs["c"].id,
    }
    assert (
        branch.client.get(
            "/api/v1/compliance?org_id=1&on=tomorrow", headers=branch.as_secretary()
        ).status_code
        == 422
    )


def test_reminder_job_tells_the_secretaries_once_per_requirement_and_period(
    app, branch, monkeypatch
):
    month_end = period_of(compliance.today(), "month").end
    monkeypatch.setattr(compliance, "today", lambda: month_end - timedelta(days=2))
    sent = compliance.remind_compliance.__wrapped__()
    db.session.commit()
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "compliance_due")
    ).all()
    assert sent == len(notes) >= 1
    assert all(n.recipient_ids == [branch.secretary.id] for n in notes if n.org_id == branch.org.id)
    assert any("主题党日" in n.title for n in notes)
    assert compliance.remind_compliance.__wrapped__() == 0
    db.session.commit()
    again = db.session.scalars(
        select(Notification).where(Notification.kind == "compliance_due")
    ).all()
    assert len(again) == len(notes)
