"""The news API: the list and its filters, topics, preferences (validation, scope, audit) and
the administrators' view of the sources."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.news.ingest import ingest_all
from tests.factories import auth
from tests.news.conftest import NOW, add_item

SOURCES = [("xinhua", "rss20.xml", ["politics"]), ("people", "atom10.xml", ["party", "theory"])]


@pytest.fixture
def member(f):
    return f.token_for(f.person(f.tree()["a"]))


@pytest.fixture
def console(f):
    """A console account without a member record."""
    return f.account_token(f.account("sysadmin", [("system_admin", None)]))


def get(client, token, path="/api/v1/news", **query):
    return client.get(path, query_string=query, headers=auth(token))


def test_the_list_newest_first_with_sources_and_topics(client, news, member):
    news(SOURCES)
    ingest_all(NOW)
    body = get(client, member).json
    assert body["meta"]["total"] == 5
    times = [item["published_at"] for item in body["items"]]
    assert times == sorted(times, reverse=True)
    first = body["items"][0]
    assert first == {
        "id": first["id"],
        "title": "习近平总书记在参加江苏代表团审议时强调",
        "summary": "坚持以高质量发展为首要任务。",
        "url": "http://news.example.cn/politics/2026-03/02/c_3.htm",
        "source": "xinhua",
        "source_name": "源xinhua",
        "topics": [{"key": "politics", "label": "时政要闻"}],
        "published_at": "2026-03-02T03:00:00+00:00",
    }
    party = get(client, member, topic="party").json["items"]
    assert {item["source"] for item in party} == {"people"} and len(party) == 2
    assert party[0]["topics"] == [
        {"key": "party", "label": "党建动态"},
        {"key": "theory", "label": "理论学习"},
    ]
    assert get(client, member, topic="education").json["items"] == []
    paged = get(client, member, page=2, per_page=2).json
    assert [i["id"] for i in paged["items"]] == [i["id"] for i in body["items"][2:4]]
    assert paged["meta"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}


def test_an_unknown_topic_is_refused(client, news, member):
    news(SOURCES)
    response = get(client, member, topic="sports")
    assert response.status_code == 422
    assert response.json["code"] == "unknown_topic"
    assert response.json["errors"] == {"topic": {"sports": ["未知的主题"]}}
    assert get(client, member, topic="x" * 41).status_code == 422
    assert get(client, member, mine="maybe").status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        {"topic": ""},
        {"mine": ""},
        {"page": 0},
        {"page": "abc"},
        {"page": 10**12},
        {"per_page": 101},
        {"per_page": -1},
    ],
)
def test_bad_list_queries_are_refused(client, news, member, query):
    news(SOURCES)
    response = get(client, member, **query)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_error"
    assert set(response.json["errors"]) == set(query)


def test_mine_lists_the_chosen_topics_or_everything(client, news, member):
    news(SOURCES)
    ingest_all(NOW)
    assert get(client, member, mine="true").json["meta"]["total"] == 5  # nothing chosen: all
    client.put(
        "/api/v1/news/preferences",
        json={"topics": ["theory"], "digest": False},
        headers=auth(member),
    )
    mine = get(client, member, mine="true").json["items"]
    assert {item["source"] for item in mine} == {"people"} and len(mine) == 2
    assert get(client, member, mine="false").json["meta"]["total"] == 5


def test_items_of_a_source_taken_out_of_the_configuration_are_not_listed(client, news, member):
    news(SOURCES)
    add_item("xinhua")
    add_item("retired")
    assert [i["source"] for i in get(client, member).json["items"]] == ["xinhua"]


def test_a_topic_key_inside_another_does_not_match(client, news, member):
    news([("a", "rss20.xml", ["party"])], topics={"party": "党建", "party_history": "党史"})
    add_item("a", topics=["party_history"], title="党史")
    add_item("a", topics=["party"], title="党建")
    assert [i["title"] for i in get(client, member, topic="party").json["items"]] == ["党建"]


def test_an_underscore_in_a_topic_key_is_no_wildcard(client, news, member):
    # "_" is a LIKE wildcard: unescaped, "a_b" would also match "axb".
    news([("a", "rss20.xml", ["a_b"])], topics={"a_b": "甲乙", "axb": "甲叉乙"})
    add_item("a", topics=["axb"], title="甲叉乙")
    add_item("a", topics=["a_b"], title="甲乙")
    assert [i["title"] for i in get(client, member, topic="a_b").json["items"]] == ["甲乙"]
    assert [i["title"] for i in get(client, member, topic="axb").json["items"]] == ["甲叉乙"]
    client.put(
        "/api/v1/news/preferences", json={"topics": ["a_b"], "digest": False}, headers=auth(member)
    )
    assert [i["title"] for i in get(client, member, mine="true").json["items"]] == ["甲乙"]


def test_topics_in_their_order(client, news, member):
    news(topics={"theory": "理论学习", "politics": "时政要闻"})
    assert get(client, member, "/api/v1/news/topics").json == {
        "items": [{"key": "theory", "label": "理论学习"}, {"key": "politics", "label": "时政要闻"}]
    }


def test_preferences_default_save_and_audit(client, news, member):
    news(SOURCES)
    path = "/api/v1/news/preferences"
    assert get(client, member, path).json == {"topics": [], "digest": False}
    saved = client.put(
        path, json={"topics": ["party", "politics", "party"], "digest": True}, headers=auth(member)
    )
    assert saved.status_code == 200
    assert saved.json == {"topics": ["party", "politics"], "digest": True}
    assert get(client, member, path).json == {"topics": ["party", "politics"], "digest": True}
    client.put(path, json={"topics": [], "digest": False}, headers=auth(member))
    assert get(client, member, path).json == {"topics": [], "digest": False}
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "news.preferences.update").order_by(AuditLog.id)
    ).all()
    assert len(entries) == 2
    assert entries[0].detail == {
        "before": {"topics": [], "digest": False},
        "after": {"topics": ["party", "politics"], "digest": True},
    }


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"topics": ["sports"], "digest": True}, "unknown_topic"),
        ({"topics": ["politics"]}, "validation_error"),
        ({"digest": True}, "validation_error"),
        ({"topics": "politics", "digest": True}, "validation_error"),
        ({"topics": ["politics"], "digest": "sometimes"}, "validation_error"),
        ({"topics": ["x"] * 51, "digest": True}, "validation_error"),
        ({"topics": [""], "digest": True}, "validation_error"),
        ({"topics": [123], "digest": True}, "validation_error"),
        ({"topics": [None], "digest": True}, "validation_error"),
        ({"topics": None, "digest": True}, "validation_error"),
        ({"topics": ["x" * 41], "digest": True}, "validation_error"),
        ({"topics": [], "digest": None}, "validation_error"),
        ({"topics": [], "digest": True, "extra": 1}, "validation_error"),
        ([], "validation_error"),
        ("politics", "validation_error"),
    ],
)
def test_preferences_are_validated(client, news, member, body, code):
    news(SOURCES)
    response = client.put("/api/v1/news/preferences", json=body, headers=auth(member))
    assert response.status_code == 422, response.json
    assert response.json["code"] == code
    assert get(client, member, "/api/v1/news/preferences").json == {"topics": [], "digest": False}


def test_preferences_are_each_members_own(client, f, news, member):
    news(SOURCES)
    other = f.token_for(f.person(f.tree()["b"]))
    path = "/api/v1/news/preferences"
    client.put(path, json={"topics": ["party"], "digest": True}, headers=auth(member))
    assert get(client, other, path).json == {"topics": [], "digest": False}
    client.put(path, json={"topics": ["theory"], "digest": False}, headers=auth(other))
    assert get(client, member, path).json == {"topics": ["party"], "digest": True}


def test_a_body_that_is_no_json_is_refused(client, news, member):
    news(SOURCES)
    response = client.put(
        "/api/v1/news/preferences",
        data="{topics",
        headers={**auth(member), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json["code"] == "malformed_json"
    assert get(client, member, "/api/v1/news/preferences").json == {"topics": [], "digest": False}


def test_a_topic_no_longer_configured_drops_out_of_the_preferences(client, news, member):
    news(SOURCES)
    client.put(
        "/api/v1/news/preferences",
        json={"topics": ["education", "party"], "digest": True},
        headers=auth(member),
    )
    news(SOURCES, topics={"politics": "时政要闻", "party": "党建动态", "theory": "理论学习"})
    assert get(client, member, "/api/v1/news/preferences").json == {
        "topics": ["party"],
        "digest": True,
    }


def test_console_accounts_read_the_list_but_have_no_preferences(client, news, console):
    news(SOURCES)
    add_item("xinhua")
    assert get(client, console).status_code == 200
    assert get(client, console, "/api/v1/news/topics").status_code == 200
    assert get(client, console, mine="true").json["code"] == "no_member"
    response = get(client, console, "/api/v1/news/preferences")
    assert response.status_code == 403 and response.json["code"] == "no_member"
    response = client.put(
        "/api/v1/news/preferences", json={"topics": [], "digest": True}, headers=auth(console)
    )
    assert response.status_code == 403 and response.json["code"] == "no_member"


def test_a_member_not_in_normal_status_and_strangers_are_refused(client, f, news):
    news(SOURCES)
    lost = f.token_for(f.person(f.tree()["a"], status="lost_contact"))
    assert get(client, lost).status_code == 403
    assert client.get("/api/v1/news").status_code == 401
    assert client.get("/api/v1/news/preferences").status_code == 401


def test_the_sources_report_for_administrators(client, f, news, member):
    news([*SOURCES, ("broken", "status/500", ["politics"])])
    ingest_all(NOW)
    ingest_all(NOW + timedelta(minutes=30))
    admin = f.account_token(f.account("admin", [("committee_admin", f.tree()["committee"])]))
    body = get(client, admin, "/api/v1/news/sources").json
    by_key = {source["key"]: source for source in body["items"]}
    assert [source["key"] for source in body["items"]] == ["xinhua", "people", "broken"]
    assert by_key["xinhua"]["items"] == 3 and by_key["people"]["items"] == 2
    assert by_key["xinhua"]["last_success_at"] == "2026-03-02T04:30:00+00:00"
    assert by_key["xinhua"]["last_error"] is None and by_key["xinhua"]["last_new"] == 0
    assert by_key["broken"] == {
        "key": "broken",
        "name": "源broken",
        "url": by_key["broken"]["url"],
        "topics": [{"key": "politics", "label": "时政要闻"}],
        "items": 0,
        "last_fetch_at": "2026-03-02T04:30:00+00:00",
        "last_success_at": None,
        "last_error": "HTTP 500",
        "failures": 2,
        "last_new": 0,
    }
    assert get(client, member, "/api/v1/news/sources").status_code == 403
    console = f.account_token(f.account("sysadmin", [("system_admin", None)]))
    assert get(client, console, "/api/v1/news/sources").json == body
    _, secretary = f.secretary(f.tree()["b"])
    assert get(client, secretary, "/api/v1/news/sources").status_code == 403
