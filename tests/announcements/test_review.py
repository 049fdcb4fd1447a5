"""Announcements pass the content check: flagged text waits in the review queue (its author
sees ``pending_review``), is published when a committee admin approves it, stays hidden when
rejected; a published one edited into flagged text is held again."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.notify.models import Notification
from server.safety.models import ContentReview

FLAGGED = "<p>周末组织大家去澳门赌 博</p>"


def _queue(world, **query):
    response = world.client.get(
        "/api/v1/safety/reviews", query_string=query, headers=world.h("admin")
    )
    assert response.status_code == 200, response.json
    return response.json["items"]


def _decide(world, review_id, approve):
    return world.client.post(
        f"/api/v1/safety/reviews/{review_id}/decision",
        json={"approve": approve},
        headers=world.h("admin"),
    )


def test_flagged_text_waits_for_review_and_is_published_when_approved(world):
    held = world.made("sec_a", body=FLAGGED)
    assert (held["status"], held["status_label"]) == ("pending_review", "审核中")
    assert held["published_at"] is None
    assert held["id"] not in world.listed("member_a")
    assert world.get("member_a", held["id"]).status_code == 404
    assert world.client.get(f"/portal/notices/{held['id']}").status_code == 404
    # Its author sees it, under review; it cannot be changed or published meanwhile.
    assert world.get("sec_a", held["id"]).json["status"] == "pending_review"
    assert world.patch("sec_a", held["id"], title="改").json["code"] == "under_review"
    assert world.post("sec_a", held["id"], "publish").json["code"] == "under_review"
    assert db.session.scalars(select(Notification)).all() == []
    (item,) = _queue(world)
    assert (item["kind"], item["kind_label"], item["object_id"]) == (
        "announcement", "公告", held["id"],
    )  # fmt: skip
    assert item["reasons"][0]["word"] == "赌博"
    assert item["content"].startswith("关于开展主题党日活动的通知\n")
    assert _decide(world, item["id"], True).status_code == 200
    shown = world.get("member_a", held["id"])
    assert shown.status_code == 200 and shown.json["status"] == "published"
    assert shown.json["published_at"]
    (sent,) = db.session.scalars(select(Notification)).all()
    assert sent.kind == "announcement"


def test_a_rejected_announcement_stays_hidden_and_can_be_fixed(world):
    held = world.made("sec_a", body=FLAGGED)
    (item,) = _queue(world)
    assert _decide(world, item["id"], False).status_code == 200
    assert world.get("sec_a", held["id"]).json["status"] == "rejected"
    assert world.get("member_a", held["id"]).status_code == 404
    # Publishing it unchanged sends it to the queue again (the same row, reopened).
    assert world.post("sec_a", held["id"], "publish").json["status"] == "pending_review"
    (again,) = _queue(world)
    assert again["id"] == item["id"] and again["decided_at"] is None
    assert world.post("sec_a", held["id"], "withdraw").json["status"] == "withdrawn"
    # Withdrawn while held: an approval afterwards publishes nothing.
    assert _decide(world, again["id"], True).status_code == 200
    assert world.get("sec_a", held["id"]).json["status"] == "withdrawn"
    fixed = world.patch("sec_a", held["id"], body="<p>周末组织大家参观党史馆</p>")
    assert fixed.status_code == 200
    published = world.post("sec_a", held["id"], "publish").json
    assert published["status"] == "published"
    assert held["id"] in world.listed("member_a")


def test_a_published_announcement_edited_into_flagged_text_is_held_again(world):
    made = world.made("sec_a", audience="public")
    assert world.client.get(f"/portal/notices/{made['id']}").status_code == 200
    # Pinning needs no check.
    assert world.patch("sec_a", made["id"], pinned=True).json["status"] == "published"
    held = world.patch("sec_a", made["id"], title="网络赌场招聘")
    assert held.status_code == 200 and held.json["status"] == "pending_review"
    assert world.client.get(f"/portal/notices/{made['id']}").status_code == 404
    assert made["id"] not in world.listed("member_c")
    (item,) = _queue(world)
    assert item["content"].startswith("网络赌场招聘\n")
    assert _decide(world, item["id"], True).status_code == 200
    shown = world.get("member_c", made["id"]).json
    assert shown["title"] == "网络赌场招聘"
    assert shown["published_at"] == made["published_at"]
    # Approved once, then edited into flagged text again: the review row is reopened.
    assert world.patch("sec_a", made["id"], body="<p>办证请联系</p>").json["status"] == (
        "pending_review"
    )
    (reopened,) = _queue(world)
    assert reopened["id"] == item["id"] and "办证" in reopened["content"]
    reviews = db.session.scalars(select(ContentReview)).all()
    assert len(reviews) == 1


def test_image_alt_text_is_checked_too(world):
    held = world.made("sec_a", body='<p>活动照片</p><img src="https://x/a.png" alt="冰毒">')
    assert held["status"] == "pending_review"


def test_a_draft_is_checked_when_published_not_when_saved(world):
    draft = world.made("sec_a", body=FLAGGED, publish=False)
    assert draft["status"] == "draft"
    assert _queue(world) == []
    assert world.post("sec_a", draft["id"], "publish").json["status"] == "pending_review"
    assert len(_queue(world)) == 1
