"""Minutes with automatic attendance, revisions and signatures; archiving freezes them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db


def _put(branch, meeting, body, headers=None):
    return branch.client.put(
        f"/api/v1/meetings/{meeting['id']}/minutes",
        json=body,
        headers=headers or branch.as_secretary(),
    )


BODY = {
    "agenda": "1. 传达会议精神\n2. 讨论发展对象",
    "content": "张三：……\n李四：……",
    "resolutions": "同意确定王五为发展对象",
    "votes": [{"item": "确定王五为发展对象", "yes": 3, "no": 0, "abstain": 1}],
}


def test_recorder_writes_minutes_with_attendance_filled_in(app, branch):
    recorder = branch.members[2]
    meeting = branch.meeting(starts_in=timedelta(minutes=-20), recorder_id=recorder.id)
    branch.check_in(branch.members[0], branch.code(meeting["id"]))  # late (20 min in)
    response = _put(branch, meeting, BODY, branch.as_member(recorder))
    assert response.status_code == 200, response.json
    minutes = response.json
    assert minutes["version"] == 1 and minutes["frozen"] is False
    attendance = minutes["attendance"]
    assert attendance["expected"] == 4 and attendance["present"] == 1 and attendance["late"] == 1
    assert attendance["lists"]["late"] == [branch.members[0].name]
    assert len(attendance["lists"]["not_checked_in"]) == 3
    assert minutes["recorder"]["id"] == recorder.id
    other_member = branch.members[1]
    response = _put(branch, meeting, BODY, branch.as_member(other_member))
    assert response.status_code == 403 and response.json["code"] == "not_recorder"
    read = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/minutes", headers=branch.as_member(other_member)
    )
    assert read.status_code == 200 and read.json["resolutions"] == BODY["resolutions"]


def test_versions_conflict_revisions_kept_and_signatures_reset(app, branch):
    chair, recorder = branch.members[1], branch.members[2]
    meeting = branch.meeting(
        starts_in=timedelta(minutes=-5), chair_id=chair.id, recorder_id=recorder.id
    )
    first = _put(branch, meeting, {**BODY, "version": 0}).json
    sign = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/minutes/sign", headers=branch.as_member(chair)
    )
    assert (
        sign.status_code == 200
        and sign.json["chair_signed_at"]
        and not sign.json["recorder_signed_at"]
    )
    stale = _put(branch, meeting, {**BODY, "content": "旧版本上的修改", "version": 0})
    assert stale.status_code == 409 and stale.json["code"] == "minutes_conflict"
    second = _put(branch, meeting, {**BODY, "content": "补充发言", "version": first["version"]})
    assert second.status_code == 200 and second.json["version"] == 2
    assert second.json["chair_signed_at"] is None  # changed after signing: sign again
    revisions = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/minutes/revisions", headers=branch.as_secretary()
    ).json["items"]
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[1]["content"] == BODY["content"]
    secretary_sign = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/minutes/sign", headers=branch.as_secretary()
    )
    assert secretary_sign.status_code == 403 and secretary_sign.json["code"] == "not_signer"


def test_minutes_before_the_start_or_with_bad_votes_are_refused(app, branch):
    upcoming = branch.meeting(starts_in=timedelta(days=1))
    response = _put(branch, upcoming, BODY)
    assert response.status_code == 409 and response.json["code"] == "meeting_not_started"
    started = branch.meeting(starts_in=timedelta(minutes=-5))
    for votes in (
        [{"item": "x", "yes": -1, "no": 0, "abstain": 0}],
        [{"item": "", "yes": 1, "no": 0, "abstain": 0}],
        "many",
    ):
        response = _put(branch, started, {**BODY, "votes": votes})
        assert response.status_code == 422, votes
    response = _put(branch, started, {"agenda": "", "content": "x"})
    assert response.status_code == 422 and "agenda" in response.json["errors"]
    assert (
        branch.client.get(
            f"/api/v1/meetings/{started['id']}/minutes", headers=branch.as_secretary()
        ).json["code"]
        == "no_minutes"
    )


def test_archive_needs_an_ended_meeting_with_minutes_and_freezes_attendance(app, branch):
    running = branch.meeting(starts_in=timedelta(minutes=-5))
    _put(branch, running, BODY)
    early = branch.client.post(
        f"/api/v1/meetings/{running['id']}/archive", headers=branch.as_secretary()
    )
    assert early.status_code == 409 and early.json["code"] == "meeting_not_ended"
    ended = branch.meeting(starts_in=timedelta(hours=-3), minutes=60)
    url = f"/api/v1/meetings/{ended['id']}/archive"
    assert branch.client.post(url, headers=branch.as_secretary()).json["code"] == "no_minutes"
    _put(branch, ended, BODY)
    manual = branch.client.post(
        f"/api/v1/meetings/{ended['id']}/attendance/manual",
        json={"person_id": branch.members[0].id, "reason": "会后核实在场"},
        headers=branch.as_secretary(),
    )
    assert manual.status_code == 200
    response = branch.client.post(url, headers=branch.as_secretary())
    assert response.status_code == 200 and response.json["status"] == "archived"
    minutes = branch.client.get(
        f"/api/v1/meetings/{ended['id']}/minutes", headers=branch.as_secretary()
    ).json
    assert minutes["frozen"] is True
    assert minutes["attendance"]["present"] == 1 and minutes["attendance"]["absent"] == 3
    assert _put(branch, ended, BODY).json["code"] == "meeting_archived"
    late_checkin = branch.client.post(
        f"/api/v1/meetings/{ended['id']}/attendance/manual",
        json={"person_id": branch.members[1].id, "reason": "x"},
        headers=branch.as_secretary(),
    )
    assert late_checkin.status_code == 409
    actions = {a.action for a in db.session.scalars(select(AuditLog))}
    assert {"meeting.minutes.save", "meeting.archive"} <= actions


def test_minutes_xlsx_has_the_record_and_attendance(app, branch):
    from io import BytesIO

    from openpyxl import load_workbook

    meeting = branch.meeting(starts_in=timedelta(minutes=-5))
    branch.check_in(branch.members[0], branch.code(meeting["id"]))
    _put(branch, meeting, {**BODY, "resolutions": '=HYPERLINK("http://x")'})
    response = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/minutes.xlsx", headers=branch.as_secretary()
    )
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    record = {row[0]: row[1] for row in book["会议记录"].iter_rows(values_only=True)}
    assert record["会议名称"] == meeting["title"] and record["实到人数"] == 1
    assert record["决议"] == '=HYPERLINK("http://x")'  # text, not a formula
    assert book["会议记录"]["B1"].data_type != "f"
    rows = list(book["出勤"].iter_rows(values_only=True))
    assert rows[0][2] == "姓名" and len(rows) == 5
    member = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/minutes.xlsx",
        headers=branch.as_member(branch.members[1]),
    )
    assert member.status_code == 403
