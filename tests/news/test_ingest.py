"""Ingesting feeds served over HTTP by a local server: what is stored, what a re-run adds
(nothing), failing sources beside working ones, conditional GETs, age limits, the job and the
CLI command."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.news import jobs
from server.news.ingest import ingest_all
from server.news.models import NewsItem, NewsSourceState
from tests.news.conftest import FEEDS, NOW, add_item, refused_url


def items() -> list[NewsItem]:
    db.session.commit()  # a fresh snapshot (MariaDB)
    return list(db.session.scalars(select(NewsItem).order_by(NewsItem.published_at.desc())))


def state(key: str) -> NewsSourceState:
    db.session.commit()
    return db.session.get(NewsSourceState, key)


def test_feeds_are_stored_once_with_their_sources_topics(app, news):
    news(
        [
            ("xinhua", "rss20.xml", ["politics"]),
            ("people", "atom10.xml", ["party", "theory"]),
            ("theory", "cdata_script.xml", ["theory"]),
            ("edu", "duplicates.xml", ["education"]),
        ]
    )
    result = ingest_all(NOW)
    assert result["sources"] == {
        "xinhua": {"status": "ok", "new": 3, "skipped": 0},
        "people": {"status": "ok", "new": 2, "skipped": 0},
        "theory": {"status": "ok", "new": 2, "skipped": 0},
        "edu": {"status": "ok", "new": 4, "skipped": 4},
    }
    stored = items()
    assert len(stored) == 11
    by_title = {item.title: item for item in stored}
    party = by_title["基层党组织建设质量提升三年行动计划"]
    assert party.source_key == "people" and party.topics == ["party", "theory"]
    assert party.fetched_at == NOW
    script = by_title["深入学习贯彻党的创新理论"]
    assert script.summary == "理论武装头脑，指导实践。"
    assert not any(item.url.startswith(("javascript", "data")) for item in stored)
    assert all(item.published_at <= NOW for item in stored)
    assert state("edu").last_success_at == NOW and state("edu").last_new == 4

    # Again, and again with the validators dropped (a full download): nothing new.
    unchanged = {"status": "not_modified", "new": 0, "skipped": 0}
    assert ingest_all(NOW)["sources"]["xinhua"] == unchanged
    db.session.execute(db.update(NewsSourceState).values(etag=None, last_modified=None))
    db.session.commit()
    again = ingest_all(NOW)
    assert {key: r["new"] for key, r in again["sources"].items()} == dict.fromkeys(
        ["xinhua", "people", "theory", "edu"], 0
    )
    assert len(items()) == 11


def test_a_conditional_get_sends_the_etag_of_the_last_success(app, news, feed_server):
    news([("xinhua", "rss20.xml", ["politics"])])
    ingest_all(NOW)
    ingest_all(NOW)
    first, second = feed_server.requests["/rss20.xml"]
    assert "If-None-Match" not in first
    assert second["If-None-Match"] == state("xinhua").etag
    # The feed changes: the new article arrives, the old ones stay once.
    changed = (
        (FEEDS / "rss20.xml")
        .read_text(encoding="utf-8")
        .replace(
            "<item>",
            "<item><title>新增的一条</title><link>http://news.example.cn/new.htm</link>"
            "<pubDate>Mon, 02 Mar 2026 11:30:00 +0800</pubDate></item><item>",
            1,
        )
    )
    feed_server.serve("rss20.xml", changed.encode("utf-8"))
    assert ingest_all(NOW)["sources"]["xinhua"]["new"] == 1
    assert items()[0].title == "新增的一条"
    assert len(items()) == 4


def test_one_failing_source_does_not_stop_the_others(app, news):
    news(
        [
            ("broken", "status/500", ["politics"]),
            ("missing", "status/404", ["politics"]),
            ("slow", "slow", ["politics"]),
            ("refused", refused_url(), ["politics"]),
            ("big", "big", ["politics"]),
            ("stream", "big-stream", ["politics"]),
            ("page", "page.html", ["politics"]),
            ("empty", "empty.xml", ["politics"]),
            ("junk", "junk.bin", ["politics"]),
            ("cut", "truncated.xml", ["party"]),
            ("gbk", "gbk_mislabelled.xml", ["education"]),
            ("huge", "huge.xml", ["theory"]),
            ("xinhua", "rss20.xml", ["politics"]),
        ],
        timeout_seconds=1.0,  # /slow answers after 3 s
    )
    result = ingest_all(NOW)["sources"]
    failed = {key for key, r in result.items() if r["status"] == "failed"}
    assert failed == {
        "broken",
        "missing",
        "slow",
        "refused",
        "big",
        "stream",
        "page",
        "empty",
        "junk",
    }
    assert result["broken"]["error"] == "HTTP 500"
    assert "超时" in result["slow"]["error"]
    assert "连接失败" in result["refused"]["error"]
    assert "2048 KB" in result["big"]["error"] and "2048 KB" in result["stream"]["error"]
    assert "RSS/Atom" in result["page"]["error"]
    assert result["empty"]["error"] == "内容为空"
    assert result["junk"]["error"] == "无法识别的字符编码"
    assert {key: result[key]["new"] for key in ("cut", "gbk", "huge", "xinhua")} == {
        "cut": 1,
        "gbk": 1,
        "huge": 1,
        "xinhua": 3,
    }
    titles = {item.title for item in items()}
    assert "高校思政课建设座谈会召开" in titles  # GBK read as GBK, not mojibake
    assert state("broken").failures == 1 and state("broken").last_error == "HTTP 500"
    assert state("broken").last_success_at is None

    # A source that recovers is cleared.
    news([("broken", "rss20.xml", ["politics"])])
    ingest_all(NOW)
    assert state("broken").failures == 0 and state("broken").last_error is None


def test_the_same_article_from_two_sources_is_kept_once(app, news):
    news([("xinhua", "rss20.xml", ["politics"]), ("gmw", "same_article.xml", ["party"])])
    result = ingest_all(NOW)["sources"]
    assert result["xinhua"]["new"] == 3 and result["gmw"]["new"] == 1
    opened = [item for item in items() if "新闻中心正式开放" in item.title]
    assert [(item.source_key, item.title) for item in opened] == [
        ("xinhua", "全国两会新闻中心正式开放")
    ]


def test_old_items_are_deleted_and_not_fetched_again(app, news):
    news([("edu", "duplicates.xml", ["education"])], keep_days=30)
    old = add_item("edu", published_at=NOW - timedelta(days=31)).id
    kept = add_item("edu", published_at=NOW - timedelta(days=29)).id
    result = ingest_all(NOW)
    assert result["pruned"] == 1
    ids = {item.id for item in items()}
    assert old not in ids and kept in ids
    assert "半年前的条目" not in {item.title for item in items()}


# The job and the command run at the real time: the feeds' March 2026 must not be too old.
def test_the_periodic_job_fetches_once_per_period(app, news, feed_server):
    news([("xinhua", "rss20.xml", ["politics"])], keep_days=3650)
    with app.app_context():
        assert jobs.ingest()["sources"]["xinhua"]["new"] == 3
    with app.app_context():
        assert jobs.ingest() == {"skipped": "not due"}
    assert len(feed_server.requests["/rss20.xml"]) == 1
    ttl = app.extensions["party_redis"].ttl("party:news:ingest-started")
    assert 0 < ttl <= 29 * 60


def test_the_cli_command_fetches_now(app, news):
    news(
        [("xinhua", "rss20.xml", ["politics"]), ("broken", "status/503", ["politics"])],
        keep_days=3650,
    )
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["news", "fetch"]).output
    assert "xinhua: ok, 3 new" in output
    assert "broken: failed, HTTP 503" in output
    assert "2 source(s)" in output
    assert db.session.scalar(select(func.count()).select_from(NewsItem)) == 3


def test_no_sources_no_work(app, news):
    assert ingest_all(NOW) == {"sources": {}, "pruned": 0}
