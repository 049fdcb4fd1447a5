"""The daily digest: at 08:00 Beijing, once a day, to the people in normal status who opted in,
with the newest items of the last 24 hours in their topics."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.news import digest, jobs
from server.news.models import NewsDigest, NewsPreference
from server.notify.models import Notification
from tests.news.conftest import add_item

AT_8 = datetime(2026, 3, 2, 0, 10)  # 08:10 Beijing
AT_9 = datetime(2026, 3, 2, 1, 10)
SOURCES = [("xinhua", "rss20.xml", ["politics"]), ("edu", "duplicates.xml", ["education"])]


def prefer(person, topics=(), wants=True):
    db.session.add(NewsPreference(person_id=person.id, topics=list(topics), digest=wants))
    db.session.commit()


def notes() -> list[Notification]:
    db.session.commit()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def run(app, now):
    db.session.commit()
    with app.app_context():
        return jobs.digest(now)


@pytest.fixture
def people(f):
    branch = f.tree()["a"]
    return {
        "all": f.person(branch),  # opted in, no topics chosen: everything
        "politics": f.person(branch),
        "education": f.person(branch),
        "sports_only": f.person(branch),  # chose a topic since taken out: everything
        "not_opted": f.person(branch),
        "lost": f.person(branch, status="lost_contact"),
        "applicant": f.person(branch, member_type="applicant"),
    }


def test_opted_in_people_get_their_topics_once_at_the_hour(app, news, people):
    news(SOURCES, digest_size=3)
    prefer(people["all"])
    prefer(people["politics"], ["politics"])
    prefer(people["education"], ["education"])
    prefer(people["sports_only"], ["sports"])
    prefer(people["not_opted"], ["politics"], wants=False)
    prefer(people["lost"])
    prefer(people["applicant"], ["education"])
    politics = [
        add_item("xinhua", title=f"时政{n}", published_at=AT_8 - timedelta(hours=n))
        for n in (1, 2, 3, 4)
    ]
    add_item("edu", title="教育1", topics=["education"], published_at=AT_8 - timedelta(hours=5))
    add_item("edu", title="旧闻", topics=["education"], published_at=AT_8 - timedelta(hours=25))
    add_item("retired", title="已撤下的源", published_at=AT_8)
    assert politics

    assert run(app, AT_9) == {"sent": 0, "skipped": "not the hour"}
    assert notes() == []
    assert run(app, AT_8) == {"sent": 5, "day": "2026-03-02"}
    received = {tuple(n.recipient_ids): n for n in notes()}
    ids = {key: person.id for key, person in people.items()}
    assert set(received) == {
        (ids["all"],),
        (ids["politics"],),
        (ids["education"],),
        (ids["sports_only"],),
        (ids["applicant"],),  # in normal status and opted in: what they asked for
    }
    everything = received[(ids["all"],)]
    assert everything.kind == "news_digest"
    assert everything.title == "今日要闻（3 条）"
    assert everything.body == "1. 时政1\n2. 时政2\n3. 时政3"
    assert everything.page == "pages/news/index"
    assert received[(ids["sports_only"],)].body == everything.body
    assert received[(ids["politics"],)].body == everything.body
    education = received[(ids["education"],)]
    assert education.title == "今日要闻（1 条）" and education.body == "1. 教育1"
    assert education.payload["template"]["thing1"] == {"value": "教育1"}

    # Later runs that day, at the hour or not, send nothing more.
    assert run(app, AT_8 + timedelta(minutes=30)) == {"sent": 0, "day": "2026-03-02"}
    assert len(notes()) == 5
    # The next day it starts again (with what is new by then).
    add_item("xinhua", title="次日要闻", published_at=AT_8 + timedelta(hours=23))
    # Education (two people) has nothing new within 24 hours.
    assert run(app, AT_8 + timedelta(days=1))["sent"] == 3
    assert notes()[-1].body.startswith("1. 次日要闻")


def test_nothing_new_notifies_nobody(app, news, people):
    news(SOURCES)
    prefer(people["all"])
    add_item("xinhua", published_at=AT_8 - timedelta(hours=30))
    assert run(app, AT_8) == {"sent": 0, "day": "2026-03-02", "skipped": "nothing new"}
    assert notes() == []
    assert db.session.scalar(select(func.count()).select_from(NewsDigest)) == 0


def test_a_member_whose_topics_have_nothing_gets_nothing(app, news, people):
    news(SOURCES)
    prefer(people["education"], ["education"])
    prefer(people["all"])
    add_item("xinhua", published_at=AT_8 - timedelta(hours=1))
    assert run(app, AT_8)["sent"] == 1
    assert [n.recipient_ids for n in notes()] == [[people["all"].id]]
    # A digest row only for the one who got one: the other may still get a digest later today
    # (not at another hour; but a second run at the hour after new items would).
    assert db.session.scalars(select(NewsDigest.person_id)).all() == [people["all"].id]


def test_the_hour_is_configurable_and_old_digest_rows_go(app, news, people):
    news(SOURCES, digest_hour=9)
    prefer(people["all"])
    add_item("xinhua", published_at=AT_9 - timedelta(hours=1))
    db.session.add(NewsDigest(person_id=people["all"].id, day=AT_9.date() - timedelta(days=40),
                              claim="old", items=1))  # fmt: skip
    db.session.commit()
    assert run(app, AT_8)["skipped"] == "not the hour"
    assert run(app, AT_9)["sent"] == 1
    assert db.session.scalars(select(NewsDigest.claim)).all() != ["old"]
    assert db.session.scalar(select(func.count()).select_from(NewsDigest)) == 1


def test_many_people_are_sent_in_batches(app, news, f, monkeypatch):
    news(SOURCES)
    monkeypatch.setattr(digest, "BATCH", 3)
    branch = f.tree()["a"]
    everyone = [f.person(branch) for _ in range(7)]
    for person in everyone:
        prefer(person)
    add_item("xinhua", published_at=AT_8 - timedelta(hours=1))
    assert run(app, AT_8)["sent"] == 7
    assert sorted(n.recipient_ids[0] for n in notes()) == sorted(p.id for p in everyone)
