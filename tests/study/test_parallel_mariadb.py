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
