"""Simultaneous requests on MariaDB: one read receipt per person however many views at once;
of simultaneous publications one wins and the audience is told once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.announcements.models import AnnouncementRead
from server.extensions import db
from server.notify.models import Notification
from tests.factories import auth
from tests.notify.test_parallel_mariadb import race

pytestmark = pytest.mark.mariadb

URL = "/api/v1/announcements"


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_simultaneous_views_record_one_receipt(app, world):
    made = world.made("sec_a")
    token = world.tokens["member_a"]
    answers = []

    def view(i):
        response = app.test_client().get(f"{URL}/{made['id']}", headers=auth(token))
        answers.append((response.status_code, response.json.get("read")))

    assert race(app, 12, view) == []
    assert answers == [(200, True)] * 12
    assert _count(AnnouncementRead) == 1


def test_simultaneous_views_by_many_people_record_one_receipt_each(app, world, f):
    made = world.made("sec_a")
    tokens = [f.token_for(f.person(world.orgs["a"])) for _ in range(6)] * 2

    def view(i):
        response = app.test_client().get(f"{URL}/{made['id']}", headers=auth(tokens[i]))
        assert response.status_code == 200, response.json

    assert race(app, len(tokens), view) == []
    assert _count(AnnouncementRead) == 6
    report = world.receipts("sec_a", made["id"], state="read").json
    assert report["read_count"] == 6


def test_simultaneous_publications_publish_and_notify_once(app, world):
    draft = world.made("sec_a", publish=False)
    tokens = [world.tokens["sec_a"], world.tokens["admin"]] * 3
    codes = []

    def publish(i):
        response = app.test_client().post(f"{URL}/{draft['id']}/publish", headers=auth(tokens[i]))
        codes.append(response.status_code)

    assert race(app, len(tokens), publish) == []
    assert set(codes) <= {200, 409} and 200 in codes, codes
    assert _count(Notification) == 1
    assert world.get("member_a", draft["id"]).json["status"] == "published"
