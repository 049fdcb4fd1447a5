"""Attachments (type, size, count, day; pictures lose their metadata; anonymous cases take
pictures only) and the hourly job (new cases announced once, held ones queued for review,
deadline reminders once a day)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from PIL import Image
from sqlalchemy import select

from server.extensions import db
from server.feedback.jobs import sweep
from server.feedback.models import FeedbackCase, FeedbackReminder
from server.notify.models import Notification
from server.notify.services import local_today
from server.safety.models import ContentReview
from tests.factories import auth
from tests.feedback.conftest import act, listed


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:11:25 10:32:05"  # DateTime
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _upload(client, token, url, content, name="photo.jpg", **form):
    return client.post(
        url,
        data={"file": (BytesIO(content), name), **form},
        content_type="multipart/form-data",
        headers=auth(token),
    )


def test_a_picture_loses_its_metadata_and_the_handler_can_open_it(client, world, send):
    original = _jpeg_with_gps()
    assert b"PhoneMaker" in original
    cid = send(world.token)["case"]["id"]
    made = _upload(
        client,
        world.token,
        f"/api/v1/feedback/mine/{cid}/attachments",
        original,
        name="张明的照片.jpg",
    )
    assert made.status_code == 201, made.json
    (attachment,) = made.json["attachments"]
    assert attachment["name"] == "张明的照片.jpg" and attachment["content_type"] == "image/jpeg"
    got = client.get(
        f"/api/v1/feedback/cases/{cid}/attachments/{attachment['id']}",
        headers=auth(world.a_secretary_token),
    )
    assert got.status_code == 200 and got.headers["X-Content-Type-Options"] == "nosniff"
    assert b"PhoneMaker" not in got.data and b"2026:11:25" not in got.data
    with Image.open(BytesIO(got.data)) as image:
        assert image.size == (40, 30) and not image.getexif()
    # Another branch's secretary cannot open it; the author can.
    assert (
        client.get(
            f"/api/v1/feedback/cases/{cid}/attachments/{attachment['id']}",
            headers=auth(world.b_secretary_token),
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/feedback/mine/{cid}/attachments/{attachment['id']}", headers=auth(world.token)
        ).status_code
        == 200
    )


def test_anonymous_attachments_go_by_receipt_pictures_only_and_lose_their_name(client, world, send):
    sent = send(world.token, anonymous=True)
    receipt = sent["receipt"]
    url = "/api/v1/feedback/receipt/attachments"
    pdf = b"%PDF-1.4\n1 0 obj<</Author(Zhang Ming)>>endobj\ntrailer<<>>\n%%EOF"
    refused = _upload(client, world.token, url, pdf, name="a.pdf", receipt=receipt)
    assert refused.status_code == 415 and refused.json["code"] == "file_type_not_allowed"
    made = _upload(client, world.token, url, _jpeg_with_gps(), name="张明.jpg", receipt=receipt)
    assert made.status_code == 201, made.json
    assert made.json["attachments"][0]["name"] == "附件1.jpg"
    wrong = _upload(client, world.token, url, _jpeg_with_gps(), receipt="AAAA-BBBB-CCCC-DDDD")
    assert wrong.status_code == 404


def test_attachments_are_bounded_by_type_size_count_day_and_state(client, world, send, app):
    cid = send(world.token)["case"]["id"]
    url = f"/api/v1/feedback/mine/{cid}/attachments"
    assert _upload(client, world.token, url, b"MZ\x90\x00" * 10, name="x.exe").status_code == 415
    assert _upload(client, world.token, url, b"").status_code == 422
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024)
    assert _upload(client, world.token, url, big).status_code == 413
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 100
    assert _upload(client, world.token, url, broken).json["code"] == "file_invalid"
    for _ in range(3):
        assert _upload(client, world.token, url, _jpeg_with_gps()).status_code == 201
    fourth = _upload(client, world.token, url, _jpeg_with_gps())
    assert fourth.status_code == 409 and fourth.json["code"] == "too_many_attachments"
    other = send(world.token)["case"]["id"]
    row = db.session.get(FeedbackCase, other)
    row.submitted_on = local_today() - timedelta(days=1)
    db.session.commit()
    late = _upload(
        client, world.token, f"/api/v1/feedback/mine/{other}/attachments", _jpeg_with_gps()
    )
    assert late.status_code == 409 and late.json["code"] == "attachments_closed"
    stranger = _upload(client, world.other_token, url, _jpeg_with_gps())
    assert stranger.status_code == 404


def _notifications(kind):
    return [n for n in db.session.scalars(select(Notification)) if n.kind == kind]


def test_handlers_hear_of_a_case_from_the_hourly_job_once(client, world, send):
    secretary_ids = sorted([world.a_secretary.id, world.a_deputy.id])
    cid = send(world.token, anonymous=True)["case"]["id"]
    assert _notifications("feedback_new") == []  # not at the moment it was sent
    assert sweep()["announced"] == 1
    assert sweep()["announced"] == 0
    (notice,) = _notifications("feedback_new")
    assert notice.recipient_ids == secretary_ids
    assert str(cid) in notice.body and "意见建议" in notice.title


def test_deadline_reminders_go_once_a_day(client, world, send):
    cid = send(world.token)["case"]["id"]
    sweep()
    row = db.session.get(FeedbackCase, cid)
    row.accept_due = local_today() - timedelta(days=1)
    db.session.commit()
    assert sweep()["reminded"] == 1
    assert sweep()["reminded"] == 0
    (reminder,) = _notifications("feedback_due")
    assert "已超期 1 天" in reminder.body and "受理" in reminder.body
    assert db.session.scalar(select(db.func.count(FeedbackReminder.id))) == 1
    # Accepted, the reply deadline is what counts: tomorrow's due date reminds today.
    act(client, world.a_secretary_token, cid, "accept")
    row = db.session.get(FeedbackCase, cid)
    row.reply_due = local_today() + timedelta(days=1)
    db.session.commit()
    assert sweep()["reminded"] == 1
    assert "即将到期" in _notifications("feedback_due")[-1].body


def test_a_flagged_case_waits_for_review_before_handlers_see_it(client, world, send):
    sent = send(world.token, anonymous=True, title="一起去赌 博", content="周末")
    case = sent["case"]
    assert case["review_status"] == "pending" and case["accept_due"] is None
    assert listed(client, world.a_secretary_token) == []
    assert db.session.scalars(select(ContentReview)).all() == []  # queued by the job
    assert sweep()["held"] == 1
    assert sweep()["held"] == 0
    (review,) = db.session.scalars(select(ContentReview)).all()
    assert review.person_id is None and review.kind == "feedback.case"
    # The author sees it is under review.
    looked = client.post(
        "/api/v1/feedback/lookup", json={"receipt": sent["receipt"]}, headers=auth(world.token)
    )
    assert looked.json["review_status"] == "pending"
    decided = client.post(
        f"/api/v1/safety/reviews/{review.id}/decision",
        json={"approve": True},
        headers=auth(world.admin),
    )
    assert decided.status_code == 200, decided.json
    assert listed(client, world.a_secretary_token) == [case["id"]]
    row = db.session.get(FeedbackCase, case["id"])
    assert row.accept_due == local_today() + timedelta(days=3)


def test_a_rejected_case_never_reaches_the_handlers(client, world, send):
    cid = send(world.token, title="赌博", content="内容")["case"]["id"]
    sweep()
    review = db.session.scalars(select(ContentReview)).one()
    client.post(
        f"/api/v1/safety/reviews/{review.id}/decision",
        json={"approve": False},
        headers=auth(world.admin),
    )
    assert listed(client, world.a_secretary_token) == []
    assert (
        client.get(f"/api/v1/feedback/mine/{cid}", headers=auth(world.token)).json["review_status"]
        == "rejected"
    )
    assert sweep()["announced"] == 0
