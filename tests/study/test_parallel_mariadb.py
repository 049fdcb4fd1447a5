"""Simultaneous punch-ins and awards on MariaDB: one punch-in a day, caps never exceeded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.people.models import Person
from server.study import points
from server.study.models import PointsEntry, PunchIn
from tests.factories import auth
from tests.notify.test_parallel_mariadb import race

pytestmark = pytest.mark.mariadb


def test_simultaneous_punch_ins_make_one(app, f):
    person = f.person(f.tree()["a"])
    token = f.token_for(person)
    answers = []

    def punch(i):
        response = app.test_client().post(
            "/api/v1/study/punch-ins", json={"reflection": f"心得{i}"}, headers=auth(token)
        )
        answers.append((response.status_code, response.json["points_awarded"]))

    assert race(app, 10, punch) == []
    assert sorted(answers) == [(200, 0)] * 9 + [(201, 2)], answers
    assert db.session.scalar(select(func.count()).select_from(PunchIn)) == 1
    assert db.session.scalar(select(func.sum(PointsEntry.points))) == 2


def test_simultaneous_awards_never_pass_the_daily_cap(app, f):
    person_id = f.person(f.tree()["a"]).id
    granted = []

    def award(i):
        person = db.session.get(Person, person_id)
        granted.append(points.award(person, "quiz", 3, f"quiz:{i}", date(2026, 3, 1)))
        db.session.commit()

    assert race(app, 8, award) == []
    assert sum(granted) == 10  # 8 × 3 = 24 asked, the cap is 10
    assert db.session.scalar(select(func.sum(PointsEntry.points))) == 10


def test_the_same_heartbeat_sent_twice_at_once_counts_once(app, f, client):
    from datetime import timedelta

    import server.study.sessions as sessions
    from server.db_types import utcnow
    from server.study.models import ReadingSession, StudyProgress

    orgs = f.tree()
    _, secretary = f.secretary(orgs["a"])
    token = f.token_for(f.person(orgs["a"]))
    body = {"org_id": orgs["a"].id, "kind": "article", "title": "材料", "category": "theory",
            "body_html": "<p>正文</p>"}  # fmt: skip
    mid = client.post("/api/v1/study/materials", json=body, headers=auth(secretary)).json["id"]
    client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(secretary))
    sid = client.post(
        f"/api/v1/study/materials/{mid}/reading-sessions", json={}, headers=auth(token)
    ).json["id"]
    db.session.execute(  # the session started 15 s ago
        db.update(ReadingSession)
        .where(ReadingSession.id == sid)
        .values(
            started_at=utcnow().replace(microsecond=0) - timedelta(seconds=15),
            clock_at=utcnow().replace(microsecond=0) - timedelta(seconds=15),
        )
    )
    db.session.commit()
    verdicts = []

    def beat(_i):
        response = app.test_client().post(
            f"/api/v1/study/reading-sessions/{sid}/events",
            json={"kind": "beat", "seq": 1},
            headers=auth(token),
        )
        verdicts.append(response.json["verdict"])

    assert race(app, 6, beat) == []
    assert sorted(verdicts) == ["counted"] + ["replay"] * 5, verdicts
    progress = db.session.scalars(select(StudyProgress)).one()
    assert 15 <= progress.seconds <= 20
    assert sessions.SETTINGS.interval == 15


def test_simultaneous_quiz_requests_draw_one_quiz_and_count_one_submission(app, f, client):
    import io

    from openpyxl import Workbook

    from server.study.models import QuizAttempt
    from server.study.quiz import HEADERS

    orgs = f.tree()
    _, committee = f.secretary(orgs["committee"])
    token = f.token_for(f.person(orgs["a"]))
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(["判断题", "对吗？", "", "", "", "", "", "", "对", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    client.post(
        "/api/v1/study/quiz/questions/import",
        data={"org_id": str(orgs["committee"].id), "file": (buffer, "q.xlsx")},
        headers=auth(committee),
        content_type="multipart/form-data",
    )
    ids = []

    def draw(_i):
        ids.append(
            app.test_client().get("/api/v1/study/quiz/today", headers=auth(token)).json["id"]
        )

    assert race(app, 6, draw) == []
    assert len(set(ids)) == 1
    question = app.test_client().get("/api/v1/study/quiz/today", headers=auth(token)).json
    answers = {"answers": [{"question_id": question["questions"][0]["id"], "choices": [0]}]}
    statuses = []

    def submit(_i):
        response = app.test_client().post(
            "/api/v1/study/quiz/today", json=answers, headers=auth(token)
        )
        statuses.append(response.status_code)

    assert race(app, 6, submit) == []
    assert sorted(statuses) == [200] + [409] * 5
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(select(func.sum(PointsEntry.points))) == 1


def test_simultaneous_rollups_of_one_week_take_turns(app, f):
    """Workers rolling up the same day, and another day of its week, at once: no deadlock or
    duplicate key, and the rows are what one rollup makes."""
    from datetime import datetime

    from server.study import analytics
    from server.study.models import ReadingSession, StudyDaily, StudyMaterial, StudyOrgWeek

    branch = f.tree()["a"]
    people = [f.person(branch) for _ in range(5)]
    material = StudyMaterial(
        org_id=branch.id, kind="article", title="党章", category="theory", body_html="<p/>",
        min_dwell_seconds=60, status="published", created_by="t",
    )  # fmt: skip
    db.session.add(material)
    db.session.flush()
    days = (date(2026, 3, 10), date(2026, 3, 11))
    for i, person in enumerate(people):
        for on in days:
            start = datetime.combine(on, datetime.min.time())
            db.session.add(ReadingSession(
                person_id=person.id, material_id=material.id, day=on, started_at=start,
                clock_at=start, last_seq=1, total_seconds=60.0 * (i + 1),
            ))  # fmt: skip
    db.session.commit()

    def roll(i):
        analytics.rollup_day(days[i % 2])
        db.session.commit()

    assert race(app, 8, roll) == []
    assert db.session.scalar(select(func.count()).select_from(StudyDaily)) == 10
    week = db.session.scalars(select(StudyOrgWeek).where(StudyOrgWeek.org_id == branch.id)).one()
    assert (week.members, week.active, week.active_days) == (5, 5, 10)
    assert week.reading_seconds == 2 * 60 * (1 + 2 + 3 + 4 + 5)


def test_many_members_first_heartbeats_at_once_all_count(app, f, client):
    """The first counted beat of each member makes their progress row. Made by a locking read
    then an insert, members whose keys share an index gap deadlocked (503 at the evening
    peak); an upsert that takes the row lock has no gap to fight over."""
    from datetime import timedelta

    from server.db_types import utcnow
    from server.study.models import ReadingSession, StudyMaterial, StudyProgress

    orgs = f.tree()
    material = StudyMaterial(
        org_id=orgs["committee"].id, kind="article", title="党章", category="theory",
        body_html="<p/>", min_dwell_seconds=600, status="published", created_by="t",
    )  # fmt: skip
    db.session.add(material)
    db.session.commit()
    members = [f.person(orgs["a"]) for _ in range(12)]
    tokens = [f.token_for(m) for m in members]
    ago = utcnow().replace(microsecond=0) - timedelta(seconds=15)
    sessions = []
    for member in members:
        row = ReadingSession(person_id=member.id, material_id=material.id, day=ago.date(),
                             started_at=ago, clock_at=ago, last_seq=0)  # fmt: skip
        db.session.add(row)
        db.session.flush()
        sessions.append(row.id)
    db.session.commit()
    answers = []

    def beat(i):
        response = app.test_client().post(
            f"/api/v1/study/reading-sessions/{sessions[i]}/events",
            json={"kind": "beat", "seq": 1},
            headers=auth(tokens[i]),
        )
        answers.append((response.status_code, response.json.get("verdict")))

    assert race(app, 12, beat) == []
    assert answers == [(200, "counted")] * 12, answers
    assert db.session.scalar(select(func.count()).select_from(StudyProgress)) == 12


def test_simultaneous_plan_rollups_take_turns(app, f):
    from datetime import datetime

    from server.notify.services import local_today
    from server.study import analytics
    from server.study.models import (
        StudyMaterial,
        StudyPlan,
        StudyPlanItem,
        StudyPlanOrg,
        StudyPlanTarget,
        StudyProgress,
    )

    orgs = f.tree()
    people = [f.person(orgs[name]) for name in ("a", "a", "b", "c")]
    material = StudyMaterial(
        org_id=orgs["committee"].id, kind="article", title="党章", category="theory",
        body_html="<p/>", min_dwell_seconds=60, status="published", created_by="t",
    )  # fmt: skip
    db.session.add(material)
    db.session.flush()
    for n in range(3):
        plan = StudyPlan(org_id=orgs["committee"].id, title=f"计划{n}", status="published",
                         deadline=local_today(), created_by="t")  # fmt: skip
        plan.items.append(StudyPlanItem(material_id=material.id, position=0))
        plan.targets.append(StudyPlanTarget(org_id=orgs["committee"].id))
        db.session.add(plan)
    now = datetime(2026, 3, 1)
    db.session.add(StudyProgress(person_id=people[0].id, material_id=material.id, seconds=60,
                                 studied_at=now, last_read_at=now))  # fmt: skip
    db.session.commit()

    def roll(_i):
        analytics.rollup_plans()
        db.session.commit()

    assert race(app, 6, roll) == []
    rows = db.session.execute(
        select(StudyPlanOrg.org_id, func.sum(StudyPlanOrg.people), func.sum(StudyPlanOrg.complete))
        .group_by(StudyPlanOrg.org_id)
        .order_by(StudyPlanOrg.org_id)
    ).all()
    assert [(org, int(n), int(done)) for org, n, done in rows] == [
        (orgs["a"].id, 6, 3), (orgs["b"].id, 3, 0), (orgs["c"].id, 3, 0),
    ]  # fmt: skip
