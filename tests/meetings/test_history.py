"""Attachments, the branch feed, a member's attendance history and the meetings export."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.factories import auth

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(branch, meeting, data, name="photo.png", headers=None, caption=None):
    form = {"file": (io.BytesIO(data), name)}
    if caption:
        form["caption"] = caption
    return branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/attachments",
        data=form,
        content_type="multipart/form-data",
        headers=headers or branch.as_secretary(),
    )


def test_photos_and_pdfs_are_accepted_by_content_and_served_back(app, branch):
    meeting = branch.meeting(starts_in=timedelta(minutes=-5))
    photo = _upload(branch, meeting, PNG, name="会场照片.jpg", caption="会场")
    assert photo.status_code == 201, photo.json
    assert photo.json["content_type"] == "image/png"  # the content decides, not the name
    pdf = _upload(branch, meeting, PDF, name="材料.pdf")
    assert pdf.status_code == 201 and pdf.json["content_type"] == "application/pdf"
    member = branch.members[0]
    content = branch.client.get(photo.json["url"], headers=branch.as_member(member))
    assert content.status_code == 200 and content.data == PNG
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    assert content.headers["Content-Disposition"].startswith("inline;")
    listing = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/attachments", headers=branch.as_member(member)
    )
    assert [a["filename"] for a in listing.json["items"]] == ["会场照片.jpg", "材料.pdf"]


def test_disguised_empty_and_oversized_files_are_refused(app, branch, monkeypatch):
    meeting = branch.meeting(starts_in=timedelta(minutes=-5))
    html = _upload(branch, meeting, b"<html><script>alert(1)</script></html>", name="x.png")
    assert html.status_code == 415 and html.json["code"] == "file_type_not_allowed"
    exe = _upload(branch, meeting, b"MZ\x90\x00" + b"\x00" * 100, name="x.pdf")
    assert exe.status_code == 415
    assert _upload(branch, meeting, b"", name="x.png").json["code"] == "file_empty"
    monkeypatch.setitem(app.config["MEETINGS"], "attachment_max_mb", 1)
    big = _upload(branch, meeting, PNG + b"\x00" * (1024 * 1024), name="big.png")
    assert big.status_code == 413 and big.json["code"] == "file_too_large"
    missing = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/attachments",
        data={},
        content_type="multipart/form-data",
        headers=branch.as_secretary(),
    )
    assert missing.status_code == 422
    listing = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/attachments", headers=branch.as_secretary()
    )
    assert listing.json["items"] == []


def test_only_those_running_the_meeting_upload_and_outsiders_cannot_download(app, branch, f):
    meeting = branch.meeting(starts_in=timedelta(minutes=-5))
    member = branch.members[0]
    assert _upload(branch, meeting, PNG, headers=branch.as_member(member)).status_code == 403
    photo = _upload(branch, meeting, PNG).json
    _, other = f.secretary(branch.orgs["b"])
    assert branch.client.get(photo["url"], headers=auth(other)).status_code == 404
    assert (
        branch.client.delete(
            f"/api/v1/attachments/{photo['id']}", headers=branch.as_member(member)
        ).status_code
        == 403
    )
    assert (
        branch.client.delete(
            f"/api/v1/attachments/{photo['id']}", headers=branch.as_secretary()
        ).status_code
        == 204
    )
    assert branch.client.get(photo["url"], headers=branch.as_secretary()).status_code == 404


def test_branch_feed_shows_meetings_with_minutes_and_their_photos(app, branch, f):
    held = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    branch.client.put(
        f"/api/v1/meetings/{held['id']}/minutes",
        json={"agenda": "议程", "content": "发言", "resolutions": "通过了年度工作计划"},
        headers=branch.as_secretary(),
    )
    photo = _upload(branch, held, PNG).json
    branch.meeting(starts_in=timedelta(days=1))  # no minutes: not in the feed
    member = branch.members[0]
    feed = branch.client.get(f"/api/v1/orgs/{branch.org.id}/feed", headers=branch.as_member(member))
    assert feed.status_code == 200
    assert [(i["meeting_id"], i["image_ids"]) for i in feed.json["items"]] == [
        (held["id"], [photo["id"]])
    ]
    assert feed.json["items"][0]["summary"] == "通过了年度工作计划"
    outsider = f.person(branch.orgs["b"])
    response = branch.client.get(
        f"/api/v1/orgs/{branch.org.id}/feed", headers=auth(f.token_for(outsider))
    )
    assert response.status_code == 404


def test_my_attendance_lists_started_meetings_with_totals(app, branch):
    member = branch.members[0]
    attended = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    branch.client.post(
        f"/api/v1/meetings/{attended['id']}/attendance/manual",
        json={"person_id": member.id, "reason": "会后补签"},
        headers=branch.as_secretary(),
    )
    branch.meeting(starts_in=timedelta(hours=-5), minutes=60)  # missed
    now_on = branch.meeting(starts_in=timedelta(minutes=-10))
    branch.check_in(member, branch.code(now_on["id"]))
    branch.meeting(starts_in=timedelta(days=1))  # not started: not listed
    response = branch.client.get("/api/v1/me/attendance", headers=branch.as_member(member))
    assert response.status_code == 200
    body = response.json
    assert body["summary"] == {"total": 3, "present": 2, "late": 1, "on_leave": 0, "absent": 1}
    assert [i["attendance"] for i in body["items"]] == ["late", "present", "absent"]
    assert body["meta"]["total"] == 3
    assert (
        branch.client.get(
            "/api/v1/me/attendance?from=bad", headers=branch.as_member(member)
        ).status_code
        == 422
    )


def test_meetings_export_has_both_sheets_and_refuses_other_branches(app, branch, f):
    meeting = branch.meeting(starts_in=timedelta(minutes=-10))
    branch.check_in(branch.members[0], branch.code(meeting["id"]))
    response = branch.client.get(
        f"/api/v1/meetings/export.xlsx?org_id={branch.org.id}", headers=branch.as_secretary()
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    summary = list(book["会议"].iter_rows(values_only=True))
    assert summary[1][2] == meeting["title"] and summary[1][8] == 4 and summary[1][9] == 1
    detail = list(book["出勤"].iter_rows(values_only=True))
    assert len(detail) == 5 and {row[4] for row in detail[1:]} == {"迟到", "未签到"}
    _, other = f.secretary(branch.orgs["b"])
    refused = branch.client.get(
        f"/api/v1/meetings/export.xlsx?org_id={branch.org.id}", headers=auth(other)
    )
    assert refused.status_code == 404
    member = branch.client.get(
        f"/api/v1/meetings/export.xlsx?org_id={branch.org.id}",
        headers=branch.as_member(branch.members[0]),
    )
    assert member.status_code == 403


def test_branch_members_can_open_feed_meetings_they_did_not_attend(app, branch, f):
    held = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    newcomer = f.person(branch.org)  # joined after the meeting: not on its list
    photo = _upload(branch, held, PNG).json
    headers = auth(f.token_for(newcomer))
    detail = branch.client.get(f"/api/v1/meetings/{held['id']}", headers=headers)
    assert detail.status_code == 200 and detail.json["my"] is None and detail.json["counts"] is None
    assert branch.client.get(photo["url"], headers=headers).status_code == 200
    draft = branch.meeting(publish=False)
    assert branch.client.get(f"/api/v1/meetings/{draft['id']}", headers=headers).status_code == 404
    outsider = f.person(branch.orgs["b"])
    other = auth(f.token_for(outsider))
    assert branch.client.get(f"/api/v1/meetings/{held['id']}", headers=other).status_code == 404
    assert branch.client.get(photo["url"], headers=other).status_code == 404
