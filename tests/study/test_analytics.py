"""Study analytics: the rollup (members' days, orgs' weeks; rerunnable), the overview (weekly
trends, the orgs below, today, plan completion), the people list, scope and bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.study import analytics
from server.study.models import (
    PointsEntry,
    PunchIn,
    QuizAttempt,
    ReadingSession,
    StudyDaily,
    StudyMaterial,
    StudyOrgWeek,
    StudyPlan,
    StudyPlanItem,
    StudyPlanTarget,
    StudyProgress,
)
from tests.factories import auth

TODAY = date(2026, 3, 11)  # a Wednesday; this week began on Monday 9 March
NOON_TODAY = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)  # 12:00 Beijing


def _at(monkeypatch, moment: datetime) -> None:
    import server.notify.services as notify_services

    monkeypatch.setattr(notify_services, "utcnow", lambda: moment.replace(tzinfo=None))


def _read(person, material, on: date, seconds: float) -> None:
    start = datetime.combine(on, datetime.min.time())
    db.session.add(
        ReadingSession(
            person_id=person.id, material_id=material.id, day=on, started_at=start,
            clock_at=start, last_seq=1, total_seconds=seconds,
        )
    )  # fmt: skip


@pytest.fixture
def world(f, monkeypatch):
    """Branch A: m1, m2, its secretary, an applicant and m3 (in A's party group); branch B: m4
    and its secretary; the general branch's secretary; branch C (under the committee): m5.
    Only m1, m2, m3 and m4 study."""
    _at(monkeypatch, NOON_TODAY)
    orgs = f.tree()
    m1, m2 = f.person(orgs["a"]), f.person(orgs["a"])
    # A party group's member: their org is the branch, the group is in group_id (the roster's way).
    m3 = f.person(orgs["a"], member_type="probationary", group_id=orgs["group_a"].id)
    applicant = f.person(orgs["a"], member_type="applicant")
    m4, m5 = f.person(orgs["b"]), f.person(orgs["c"])
    material = StudyMaterial(
        org_id=orgs["committee"].id, kind="article", title="党章", category="theory",
        body_html="<p>x</p>", min_dwell_seconds=60, status="published", created_by="t",
    )  # fmt: skip
    db.session.add(material)
    db.session.flush()
    _read(m1, material, date(2026, 3, 3), 300)
    _read(m1, material, date(2026, 3, 10), 400)
    _read(m1, material, date(2026, 3, 10), 200)
    _read(m1, material, TODAY, 120)
    _read(m2, material, date(2026, 3, 10), 0)  # opened, nothing counted: not studying
    _read(m3, material, date(2026, 3, 9), 240)
    _read(applicant, material, date(2026, 3, 10), 500)
    _read(m4, material, date(2026, 3, 10), 60)
    # Studied at 20:00 Beijing on 10 March (12:00 UTC).
    evening = datetime(2026, 3, 10, 12)
    db.session.add(StudyProgress(person_id=m1.id, material_id=material.id, seconds=600,
                                 studied_at=evening, last_read_at=evening))  # fmt: skip
    db.session.add(PunchIn(person_id=m1.id, day=date(2026, 3, 10), streak=1))
    db.session.add(PunchIn(person_id=m2.id, day=date(2026, 3, 3), streak=1))
    db.session.add(
        QuizAttempt(person_id=m1.id, day=date(2026, 3, 10), answers=[],
                    question_ids=[1, 2, 3, 4, 5], correct=4, submitted_at=evening)
    )  # fmt: skip
    # Drawn but never submitted: not a quiz taken.
    db.session.add(QuizAttempt(person_id=m4.id, day=date(2026, 3, 10), question_ids=[1, 2],
                               answers=None, correct=None))  # fmt: skip
    for action, pts in (("punch_in", 2), ("reading", 2), ("quiz", 4)):
        db.session.add(
            PointsEntry(person_id=m1.id, org_id=orgs["a"].id, action=action, points=pts,
                        day=evening.date(), source=f"{action}:1")
        )  # fmt: skip
    plan = StudyPlan(org_id=orgs["a"].id, title="三月学习计划", deadline=date(2026, 3, 31),
                     status="published", created_by="t")  # fmt: skip
    plan.items.append(StudyPlanItem(material_id=material.id, position=0))
    plan.targets.append(StudyPlanTarget(org_id=orgs["a"].id))
    db.session.add(plan)
    db.session.commit()
    secretaries = [f.secretary(orgs[name]) for name in ("a", "b", "general")]
    (sa, a_sec), (sb, b_sec), (sg, general_sec) = secretaries
    admin = f.account_token(f.account("office", [("committee_admin", orgs["committee"])]))
    return {
        "orgs": orgs, "people": {"m1": m1, "m2": m2, "m3": m3, "m4": m4, "m5": m5,
                                 "applicant": applicant, "sa": sa, "sb": sb, "sg": sg},
        "a_sec": a_sec, "b_sec": b_sec, "general_sec": general_sec, "admin": admin,
        "member": f.token_for(m2), "plan": plan,
    }  # fmt: skip


def _roll(first: date = date(2026, 3, 2), last: date = TODAY) -> None:
    day = first
    while day <= last:
        analytics.rollup_day(day)
        db.session.commit()
        day += timedelta(days=1)
    analytics.rollup_plans()
    db.session.commit()


def _daily() -> dict:
    rows = db.session.scalars(select(StudyDaily)).all()
    return {
        (r.person_id, r.day): (r.org_id, r.active, r.reading_seconds, r.materials_studied,
                               r.punched, r.quiz_correct, r.quiz_total, r.points)
        for r in rows
    }  # fmt: skip


def _weeks() -> dict:
    rows = db.session.scalars(select(StudyOrgWeek)).all()
    return {
        (r.org_id, r.week_start): (r.members, r.active, r.active_days, r.reading_seconds,
                                   r.punch_ins, r.quizzes, r.quiz_correct, r.quiz_total,
                                   r.materials_studied, r.points)
        for r in rows
    }  # fmt: skip


def test_the_rollup_of_members_days_and_orgs_weeks(app, ctx, world):
    _roll()
    p, o = world["people"], world["orgs"]
    a = o["a"].id
    assert _daily() == {
        (p["m1"].id, date(2026, 3, 3)): (a, True, 300, 0, False, None, None, 0),
        (p["m1"].id, date(2026, 3, 10)): (a, True, 600, 1, True, 4, 5, 8),
        (p["m1"].id, TODAY): (a, True, 120, 0, False, None, None, 0),
        (p["m2"].id, date(2026, 3, 3)): (a, True, 0, 0, True, None, None, 0),
        (p["m3"].id, date(2026, 3, 9)): (o["group_a"].id, True, 240, 0, False, None, None, 0),
        (p["m4"].id, date(2026, 3, 10)): (o["b"].id, True, 60, 0, False, None, None, 0),
    }  # the applicant's reading and m2's empty session and m4's unsent quiz count nothing
    this, last = date(2026, 3, 9), date(2026, 3, 2)
    weeks = _weeks()
    # members, active, active days, seconds, punch-ins, quizzes, right, asked, studied, points
    assert weeks[(a, this)] == (3, 1, 2, 720, 1, 1, 4, 5, 1, 8)
    assert weeks[(a, last)] == (3, 2, 2, 300, 1, 0, 0, 0, 0, 0)
    assert weeks[(o["group_a"].id, this)] == (1, 1, 1, 240, 0, 0, 0, 0, 0, 0)
    assert weeks[(o["b"].id, this)] == (2, 1, 1, 60, 0, 0, 0, 0, 0, 0)
    assert weeks[(o["c"].id, this)] == (1, 0, 0, 0, 0, 0, 0, 0, 0, 0)  # counted, idle
    assert weeks[(o["general"].id, this)] == (1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert (o["committee"].id, this) not in weeks  # no members of its own


def test_a_rollup_run_again_replaces_and_follows_new_rows(app, ctx, world):
    _roll()
    before = (_daily(), _weeks())
    _roll(date(2026, 3, 9), TODAY)  # a retried job, a second worker, a backfill
    assert (_daily(), _weeks()) == before
    # Later reading today is picked up by the next run, not added twice.
    _read(world["people"]["m1"], db.session.scalars(select(StudyMaterial)).one(), TODAY, 60)
    db.session.commit()
    analytics.rollup_day(TODAY)
    analytics.rollup_day(TODAY)
    db.session.commit()
    row = _daily()[(world["people"]["m1"].id, TODAY)]
    assert row[2] == 180
    assert _weeks()[(world["orgs"]["a"].id, date(2026, 3, 9))][3] == 780


def test_the_periodic_job_rolls_up_today_and_until_3am_yesterday(app, ctx, world):
    late = world["people"]["m4"].id  # read 10 March only
    analytics.rollup(now=datetime(2026, 3, 10, 17, 0))  # 01:00 Beijing on 11 March
    days = {day for _, day in _daily()}
    assert days == {date(2026, 3, 10), TODAY}
    db.session.execute(db.delete(StudyDaily))
    db.session.commit()
    analytics.rollup(now=datetime(2026, 3, 11, 2, 0))  # 10:00 Beijing: today only
    assert {day for _, day in _daily()} == {TODAY}
    assert late not in {person for person, _ in _daily()}


def test_the_rollup_command_backfills_a_period(app, ctx, world):
    result = app.test_cli_runner().invoke(
        args=["study", "rollup", "--since", "2026-03-02", "--until", "2026-03-11"]
    )
    assert result.exit_code == 0, result.output
    assert "10 day(s): 6 member-day row(s); 1 plan(s)" in result.output
    assert len(_daily()) == 6
    bad = app.test_cli_runner().invoke(
        args=["study", "rollup", "--since", "2026-03-11", "--until", "2026-03-02"]
    )
    assert bad.exit_code != 0 and "--since is after --until" in bad.output


def _overview(client, token, **query):
    return client.get("/api/v1/study/analytics/overview", query_string=query,
                      headers=auth(token))  # fmt: skip


def test_the_overview_of_a_general_branch(app, client, world):
    _roll()
    o = world["orgs"]
    found = _overview(client, world["general_sec"], weeks=2)
    assert found.status_code == 200, found.json
    body = found.json
    assert body["org"]["id"] == o["general"].id
    assert (body["since"], body["until"]) == ("2026-03-02", "2026-03-11")
    assert body["members"] == 7 and body["refreshed_at"].endswith("+00:00")
    assert body["today"] == {"day": "2026-03-11", "active": 1, "reading_minutes": 2.0,
                             "punch_ins": 0, "quizzes": 0}  # fmt: skip
    last, this = body["weeks"]
    assert last["week_start"] == "2026-03-02" and this["week_start"] == "2026-03-09"
    assert (last["member_weeks"], last["active"], last["active_rate"]) == (7, 2, 0.286)
    assert (this["member_weeks"], this["active"], this["active_rate"]) == (7, 3, 0.429)
    assert this["reading_minutes"] == 17.0 and last["reading_minutes"] == 5.0
    assert this["quiz_accuracy"] == 0.8 and last["quiz_accuracy"] is None
    assert body["totals"]["punch_ins"] == 2 and body["totals"]["points"] == 8
    # The general branch's own secretary, then its branches (A with its party group).
    rows = [(r["org_name"], r["direct"], r["members_now"], r["member_weeks"], r["active"])
            for r in body["orgs"]]  # fmt: skip
    assert rows == [(o["general"].name, True, 1, 2, 0), (o["a"].name, False, 4, 8, 4),
                    (o["b"].name, False, 2, 4, 1)]  # fmt: skip
    assert [r["active_rate"] for r in body["orgs"]] == [0.0, 0.5, 0.25]
    # Only A has an org below it (its party group); the committee above is not the
    # general branch secretary's to see.
    assert [r["has_children"] for r in body["orgs"]] == [False, True, False]
    assert body["parent"] is None
    assert body["plans"] == [
        {"id": world["plan"].id, "title": "三月学习计划", "org_name": o["a"].name,
         "deadline": "2026-03-31", "overdue": False, "people": 4, "complete": 1,
         "rate": 0.25}
    ]  # fmt: skip


def test_a_branch_sees_its_groups_and_its_own_members(app, client, world):
    _roll()
    o = world["orgs"]
    body = _overview(client, world["a_sec"], weeks=1).json  # by default: the branch
    assert body["org"]["id"] == o["a"].id and body["members"] == 4
    assert body["parent"] is None  # the general branch is not this secretary's
    rows = [(r["org_name"], r["direct"], r["members_now"], r["active"]) for r in body["orgs"]]
    assert rows == [(o["a"].name, True, 3, 1), (o["group_a"].name, False, 1, 1)]


def test_the_committee_sees_everything_and_weeks_before_any_rollup_are_empty(app, client, world):
    _roll()
    o = world["orgs"]
    body = _overview(client, world["admin"], weeks=3).json
    assert body["org"]["id"] == o["committee"].id and body["members"] == 8
    below = _overview(client, world["admin"], org_id=o["general"].id).json
    assert below["parent"] == {"id": o["committee"].id, "name": o["committee"].name}
    assert [r["org_name"] for r in body["orgs"]] == [o["general"].name, o["c"].name]
    first = body["weeks"][0]
    assert first["week_start"] == "2026-02-23"
    assert (first["member_weeks"], first["active"], first["active_rate"]) == (0, 0, None)
    assert body["weeks"][2]["member_weeks"] == 8


def test_the_overview_refuses_other_branches_and_members(app, client, world):
    o = world["orgs"]
    assert _overview(client, world["a_sec"], org_id=o["b"].id).status_code == 404
    assert _overview(client, world["a_sec"], org_id=o["general"].id).status_code == 404
    assert _overview(client, world["b_sec"], org_id=o["a"].id).status_code == 404
    assert _overview(client, world["a_sec"], org_id=999999).status_code == 404
    refused = _overview(client, world["member"])
    assert refused.status_code == 403 and refused.json["code"] == "forbidden"
    assert _overview(client, world["general_sec"], org_id=o["a"].id).status_code == 200


@pytest.mark.parametrize(
    "query",
    [{"weeks": 0}, {"weeks": 54}, {"weeks": "x"}, {"org_id": 0}, {"org_id": "a"},
     {"org_id": 2**31}],
)  # fmt: skip
def test_the_overview_rejects_bad_queries(app, client, world, query):
    found = _overview(client, world["admin"], **query)
    assert found.status_code == 422 and found.json["message"]


def _people(client, token, **query):
    return client.get("/api/v1/study/analytics/people", query_string=query, headers=auth(token))


def test_the_people_list_over_a_period_with_idle_members(app, client, world):
    _roll()
    p, o = world["people"], world["orgs"]
    found = _people(client, world["general_sec"], since="2026-03-02", until="2026-03-11")
    assert found.status_code == 200, found.json
    items = found.json["items"]
    # Most minutes first; members with none (m2 only punched in, the secretaries) by id.
    assert [i["person_id"] for i in items] == [
        p[k].id for k in ("m1", "m3", "m4", "m2", "sa", "sb", "sg")
    ]
    m1 = items[0]
    assert (m1["reading_minutes"], m1["days_studied"], m1["punch_ins"], m1["quizzes"]) == (
        17.0, 3, 1, 1,
    )  # fmt: skip
    assert (m1["quiz_accuracy"], m1["materials_studied"], m1["points"]) == (0.8, 1, 8)
    assert m1["last_studied"] == "2026-03-11"
    assert found.json["meta"] == {"page": 1, "per_page": 20, "total": 7, "pages": 1}
    least = _people(client, world["admin"], sort="least", per_page=2,
                    since="2026-03-09", until="2026-03-11").json  # fmt: skip
    # The least active first; among those with as few days, the fewest minutes.
    assert [i["person_id"] for i in least["items"]] == [p["m2"].id, p["m5"].id]
    whole = _people(client, world["admin"], sort="least", per_page=50,
                    since="2026-03-09", until="2026-03-11").json["items"]  # fmt: skip
    assert [i["person_id"] for i in whole][-3:] == [p["m4"].id, p["m3"].id, p["m1"].id]
    assert least["items"][0]["last_studied"] is None and least["meta"]["pages"] == 4
    # The default period is the last 30 days; the branch secretary sees only the branch.
    mine = _people(client, world["a_sec"]).json
    assert (mine["since"], mine["until"]) == ("2026-02-10", "2026-03-11")
    assert {i["person_id"] for i in mine["items"]} == {p[k].id for k in ("m1", "m2", "m3", "sa")}
    assert p["applicant"].id not in {i["person_id"] for i in mine["items"]}
    assert _people(client, world["a_sec"], org_id=o["b"].id).status_code == 404
    assert _people(client, world["member"]).status_code == 403


@pytest.mark.parametrize(
    "query, code",
    [({"since": "2026-03-11", "until": "2026-03-01"}, "period_invalid"),
     ({"since": "2025-01-01", "until": "2026-03-01"}, "period_too_long"),
     ({"sort": "name"}, "validation_error"), ({"since": "03/01/2026"}, "validation_error"),
     ({"per_page": 101}, "validation_error"), ({"until": "0001-01-01"}, "validation_error"),
     ({"org_id": 2**31}, "validation_error")],
)  # fmt: skip
def test_the_people_list_rejects_bad_queries(app, client, world, query, code):
    found = _people(client, world["admin"], **query)
    assert found.status_code == 422 and found.json["code"] == code, found.json


def test_plan_completion_per_org(app, client, world):
    _roll()
    o = world["orgs"]
    found = client.get(f"/api/v1/study/plans/{world['plan'].id}/completion",
                       headers=auth(world["a_sec"])).json  # fmt: skip
    assert (found["people"], found["complete"]) == (4, 1)
    assert found["by_org"] == [
        {"org_id": o["a"].id, "org_name": o["a"].name, "people": 3, "complete": 1,
         "rate": 0.333},
        {"org_id": o["group_a"].id, "org_name": o["group_a"].name, "people": 1,
         "complete": 0, "rate": 0.0},
    ]  # fmt: skip


def test_the_overview_counts_members_only_once_per_week(app, ctx, world):
    """m1 studied on two days of this week: one active member, two active days."""
    _roll()
    count = db.session.scalar(
        select(func.sum(StudyOrgWeek.active)).where(StudyOrgWeek.week_start == date(2026, 3, 9))
    )
    assert count == 3


def test_a_backfill_keeps_a_past_weeks_head_count(app, ctx, world, f):
    _roll()
    a = world["orgs"]["a"].id
    before = _weeks()[(a, date(2026, 3, 2))][0]
    f.person(world["orgs"]["a"])  # a member who joined this week
    _roll(date(2026, 3, 3), date(2026, 3, 3))  # the past week again
    analytics.rollup_day(TODAY)
    db.session.commit()
    weeks = _weeks()
    assert weeks[(a, date(2026, 3, 2))][0] == before == 3  # as it was then
    assert weeks[(a, date(2026, 3, 9))][0] == 4  # this week: today's head count


def test_plan_figures_follow_the_rollup_and_groups_count_their_members(app, client, world, f):
    """The overview's plan completion is rolled up (the 10-minute job); a plan for a party
    group covers the members whose group it is; a group's people list is its members."""
    _roll()
    o, p = world["orgs"], world["people"]
    group_plan = StudyPlan(org_id=o["a"].id, title="小组计划", deadline=date(2026, 3, 20),
                           status="published", created_by="t")  # fmt: skip
    material = db.session.scalars(select(StudyMaterial)).one()
    group_plan.items.append(StudyPlanItem(material_id=material.id, position=0))
    group_plan.targets.append(StudyPlanTarget(org_id=o["group_a"].id))
    db.session.add(group_plan)
    db.session.commit()

    def plans():
        body = _overview(client, world["a_sec"], weeks=1).json
        return [(x["title"], x["people"], x["complete"]) for x in body["plans"]]

    assert plans() == [("三月学习计划", 4, 1)]  # not rolled up yet
    m3, group_id = p["m3"].id, o["group_a"].id  # (the job ends this session)
    m3_token = f.token_for(p["m3"])
    # The group's member has the group's plan among theirs; the other members do not.
    mine = client.get("/api/v1/study/plans/mine", headers=auth(m3_token)).json
    assert {x["title"] for x in mine["items"]} == {"三月学习计划", "小组计划"}
    theirs = client.get("/api/v1/study/plans/mine", headers=auth(world["member"])).json
    assert {x["title"] for x in theirs["items"]} == {"三月学习计划"}
    morning = datetime(2026, 3, 11, 1)
    db.session.add(StudyProgress(person_id=m3, material_id=material.id, seconds=90,
                                 studied_at=morning, last_read_at=morning))  # fmt: skip
    db.session.commit()
    analytics.rollup(now=NOON_TODAY.replace(tzinfo=None))  # the job
    assert plans() == [("小组计划", 1, 1), ("三月学习计划", 4, 2)]
    group = _people(client, world["a_sec"], org_id=group_id).json
    assert [i["person_id"] for i in group["items"]] == [m3]
    points = client.get(f"/api/v1/study/points/branch?org_id={group_id}&period=all",
                        headers=auth(world["a_sec"])).json  # fmt: skip
    assert [i["person_id"] for i in points["items"]] == [m3]
    body = _overview(client, world["a_sec"], org_id=group_id, weeks=1).json
    assert body["members"] == 1 and body["plans"][0]["title"] == "小组计划"
