"""Real parallelism on MariaDB: ingest runs at once store each article once and take turns
instead of deadlocking; digest runs at once send each person one digest; simultaneous saves
of preferences leave one row."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.news.digest import send_digests
from server.news.ingest import ingest_all
from server.news.models import NewsDigest, NewsItem, NewsPreference
from server.notify.models import Notification
from tests.factories import auth
from tests.news.conftest import NOW, add_item
from tests.notify.test_parallel_mariadb import race

pytestmark = pytest.mark.mariadb


def test_parallel_ingests_store_each_article_once(app, news):
    news(
        [
            ("xinhua", "rss20.xml", ["politics"]),
            ("gmw", "same_article.xml", ["party"]),  # shares a link with xinhua
            ("edu", "duplicates.xml", ["education"]),
            ("people", "atom10.xml", ["party", "theory"]),
            ("theory", "cdata_script.xml", ["theory"]),
            ("broken", "status/500", ["politics"]),
        ]
    )
    results = []
    assert race(app, 6, lambda i: results.append(ingest_all(NOW))) == []
    total = db.session.scalar(select(func.count()).select_from(NewsItem))
    assert total == 3 + 1 + 4 + 2 + 2
    # Every run reported, and between them each item was counted new exactly once.
    assert len(results) == 6
    assert sum(r["sources"][key]["new"] for r in results for key in r["sources"]) == total
    assert len(set(db.session.scalars(select(NewsItem.link_hash)))) == total
    # Again, all at once: nothing new.
    assert race(app, 4, lambda i: ingest_all(NOW + timedelta(minutes=30))) == []
    assert db.session.scalar(select(func.count()).select_from(NewsItem)) == total


def test_parallel_digest_runs_send_each_person_one(app, news, f):
    news([("xinhua", "rss20.xml", ["politics"])])
    branch = f.tree()["a"]
    people = [f.person(branch) for _ in range(40)]
    db.session.add_all(
        NewsPreference(person_id=p.id, topics=["politics"] if p.id % 2 else [], digest=True)
        for p in people
    )
    db.session.commit()
    at = NOW.replace(hour=0, minute=10)
    add_item("xinhua", published_at=at - timedelta(hours=1))
    add_item("xinhua", published_at=at - timedelta(hours=2))
    sent = []
    assert race(app, 6, lambda i: sent.append(send_digests(at)["sent"])) == []
    assert sum(sent) == len(people)
    recipients = Counter(
        pid for ids in db.session.scalars(select(Notification.recipient_ids)) for pid in ids
    )
    assert recipients == Counter({p.id: 1 for p in people})
    assert db.session.scalar(select(func.count()).select_from(NewsDigest)) == len(people)


def test_simultaneous_preference_saves_leave_one_row(app, news, f):
    news([("xinhua", "rss20.xml", ["politics"])])
    token = f.token_for(f.person(f.tree()["a"]))
    codes = []

    def save(i):
        response = app.test_client().put(
            "/api/v1/news/preferences",
            json={"topics": ["politics"] if i % 2 else ["party"], "digest": bool(i % 2)},
            headers=auth(token),
        )
        codes.append(response.status_code)

    assert race(app, 8, save) == []
    assert codes == [200] * 8
    assert db.session.scalar(select(func.count()).select_from(NewsPreference)) == 1
