"""The content check on punch-in reflections and the review queue: flagged text is held from
others (its author still sees it, marked pending), committee admins of the author's org
decide once (audited), other admins neither see nor decide it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.safety.models import ContentReview
from tests.factories import auth


@pytest.fixture
def held(client, f):
    orgs = f.tree()
    member = f.person(orgs["a"])
    token = f.token_for(member)
    _, secretary = f.secretary(orgs["a"])
    admin = f.account_token(f.account("office", [("committee_admin", orgs["committee"])]))
    other_admin = f.account_token(f.account("c-office", [("committee_admin", orgs["c"])]))
    made = client.post("/api/v1/study/punch-ins", json={"reflection": "周末一起去赌 博吧"},
                       headers=auth(token))  # fmt: skip
    assert made.status_code == 201, made.json
    return {"member": member, "token": token, "secretary": secretary, "admin": admin,
            "other_admin": other_admin, "punch_in": made.json}  # fmt: skip


def _reflections(client, token, person_id=None):
    url = f"/api/v1/study/trace/people/{person_id}" if person_id else "/api/v1/study/trace/me"
    days = client.get(url, headers=auth(token)).json["days"]
    return [d["punch_in"]["reflection"] for d in days if d["punch_in"]]


def _queue(client, token, **query):
    return client.get("/api/v1/safety/reviews", query_string=query, headers=auth(token))


def _decide(client, token, review_id, **body):
    return client.post(f"/api/v1/safety/reviews/{review_id}/decision", json=body,
                       headers=auth(token))  # fmt: skip


def test_a_flagged_reflection_waits_for_review_and_is_shown_once_approved(app, client, held):
    assert held["punch_in"]["reflection_status"] == "pending"
    member_id = held["member"].id
    # Its author still sees it; the secretary does not, yet.
    assert _reflections(client, held["token"]) == ["周末一起去赌 博吧"]
    assert _reflections(client, held["secretary"], member_id) == [None]
    queue = _queue(client, held["admin"]).json
    assert queue["meta"]["total"] == 1
    item = queue["items"][0]
    assert (item["kind"], item["kind_label"], item["author"]) == (
        "study.reflection", "学习心得", held["member"].name,
    )  # fmt: skip
    assert item["reasons"] == [{"source": "words", "word": "赌博", "excerpt": "赌 博"}]
    decided = _decide(client, held["admin"], item["id"], approve=True, comment="属正常讨论")
    assert decided.status_code == 200 and decided.json["status"] == "approved"
    assert _reflections(client, held["secretary"], member_id) == ["周末一起去赌 博吧"]
    again = _decide(client, held["admin"], item["id"], approve=False)
    assert again.status_code == 409 and again.json["code"] == "already_decided"
    assert _queue(client, held["admin"]).json["meta"]["total"] == 0
    assert _queue(client, held["admin"], status="approved").json["meta"]["total"] == 1
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert actions.count("safety.review.decide") == 1


def test_a_rejected_reflection_stays_hidden_and_its_author_is_told(app, client, held):
    review = db.session.scalars(select(ContentReview)).one()
    assert _decide(client, held["admin"], review.id, approve=False).status_code == 200
    mine = client.get("/api/v1/study/punch-ins/me", headers=auth(held["token"])).json
    assert mine["items"][0]["reflection_status"] == "rejected"
    assert _reflections(client, held["secretary"], held["member"].id) == [None]


def test_only_the_authors_administrators_review(app, client, held):
    review = db.session.scalars(select(ContentReview)).one()
    assert _queue(client, held["other_admin"]).json["items"] == []
    assert _decide(client, held["other_admin"], review.id, approve=True).status_code == 404
    for token in (held["secretary"], held["token"]):
        assert _queue(client, token).status_code == 403
        assert _decide(client, token, review.id, approve=True).status_code == 403
    assert _decide(client, held["admin"], 999999, approve=True).status_code == 404
    assert db.session.get(ContentReview, review.id).status == "pending"


@pytest.mark.parametrize(
    "body", [{}, {"approve": "maybe"}, {"approve": True, "comment": "长" * 501}]
)
def test_bad_decisions_are_422_and_change_nothing(app, client, held, body):
    review = db.session.scalars(select(ContentReview)).one()
    assert _decide(client, held["admin"], review.id, **body).status_code == 422
    assert _queue(client, held["admin"], status="bogus").status_code == 422
    assert db.session.get(ContentReview, review.id).status == "pending"


def test_a_clean_reflection_is_published_at_once(app, client, f):
    orgs = f.tree()
    token = f.token_for(f.person(orgs["a"]))
    made = client.post("/api/v1/study/punch-ins", json={"reflection": "学习党章，收获很大"},
                       headers=auth(token)).json  # fmt: skip
    assert made["reflection_status"] == "published"
    none = client.post("/api/v1/study/punch-ins", json={}, headers=auth(f.token_for(
        f.person(orgs["b"])))).json  # fmt: skip
    assert none["reflection_status"] is None
    assert db.session.scalars(select(ContentReview)).all() == []


@pytest.mark.mariadb
def test_simultaneous_decisions_make_one(app, client, held):
    from tests.notify.test_parallel_mariadb import race

    review_id = db.session.scalars(select(ContentReview.id)).one()
    codes = []

    def decide(i):
        response = app.test_client().post(
            f"/api/v1/safety/reviews/{review_id}/decision",
            json={"approve": i % 2 == 0},
            headers=auth(held["admin"]),
        )
        codes.append(response.status_code)

    assert race(app, 6, decide) == []
    assert sorted(codes) == [200] + [409] * 5
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "safety.review.decide"))


@pytest.fixture
def wechat_check(app, real_wechat, monkeypatch):
    monkeypatch.setitem(app.config["SAFETY"], "wechat_check", True)
    real_wechat.set_sec_words({"不当言论": ("risky", 20001), "存疑": ("review", 21000)})
    return real_wechat


def test_wechat_msg_sec_check_holds_what_it_does_not_pass(app, client, f, wechat_check):
    orgs = f.tree()
    member = f.person(orgs["a"])
    f.wechat(member)
    token = f.token_for(member)
    made = client.post("/api/v1/study/punch-ins", json={"reflection": "心得里有不当言论"},
                       headers=auth(token)).json  # fmt: skip
    assert made["reflection_status"] == "pending"
    review = db.session.scalars(select(ContentReview)).one()
    assert review.reasons == [{"source": "wechat", "suggest": "risky", "label": 20001}]
    (call,) = wechat_check.sec_checks()
    assert call == {"content": "心得里有不当言论", "version": 2, "scene": 2,
                    "openid": f"mp-{member.id}"}  # fmt: skip
    # Both checks hold a text: the word filter's reason and WeChat's.
    other = f.person(orgs["a"])
    f.wechat(other)
    client.post("/api/v1/study/punch-ins", json={"reflection": "赌博的事存疑"},
                headers=auth(f.token_for(other)))  # fmt: skip
    reasons = db.session.scalars(
        select(ContentReview.reasons).where(ContentReview.person_id == other.id)
    ).one()
    assert [r["source"] for r in reasons] == ["words", "wechat"]


def test_without_wechat_the_word_filter_decides(app, client, f, wechat_check):
    orgs = f.tree()
    member = f.person(orgs["a"])
    f.wechat(member)
    wechat_check.fail_next("/wxa/msg_sec_check", 61010)  # the user has not visited lately
    made = client.post("/api/v1/study/punch-ins", json={"reflection": "心得里有不当言论"},
                       headers=auth(f.token_for(member))).json  # fmt: skip
    assert made["reflection_status"] == "published"
    # A member without a mini-program openid is not sent to WeChat at all.
    unbound = f.person(orgs["a"])
    made = client.post("/api/v1/study/punch-ins", json={"reflection": "不当言论"},
                       headers=auth(f.token_for(unbound))).json  # fmt: skip
    assert made["reflection_status"] == "published"
    assert len(wechat_check.sec_checks()) == 0  # the fault answered before recording
