"""The learning trace: day by day reading, punch-ins and quizzes; the member's own, or a
managed person's (audited); exported as .xlsx with formula-looking text kept as text."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.study.models import PunchIn, QuizAttempt, ReadingSession, StudyMaterial
from tests.factories import auth


@pytest.fixture
def traced(f):
    orgs = f.tree()
    _, a_sec = f.secretary(orgs["a"])
    _, b_sec = f.secretary(orgs["b"])
    member = f.person(orgs["a"])
    material = StudyMaterial(
        org_id=orgs["a"].id, kind="article", title="学习党章", category="theory",
        body_html="<p>x</p>", min_dwell_seconds=60, status="published", created_by="t",
    )  # fmt: skip
    db.session.add(material)
    db.session.flush()
    start = datetime(2026, 3, 1, 12, 0)
    for seconds in (120.0, 60.0):
        db.session.add(
            ReadingSession(
                person_id=member.id, material_id=material.id, day=date(2026, 3, 1),
                started_at=start, clock_at=start, last_seq=3, total_seconds=seconds,
            )
        )  # fmt: skip
    db.session.add(PunchIn(person_id=member.id, day=date(2026, 3, 2), streak=2,
                           reflection="=HYPERLINK(\"http://x\")"))  # fmt: skip
    db.session.add(QuizAttempt(person_id=member.id, day=date(2026, 3, 2), question_ids=[1, 2],
                               answers=[], correct=1, submitted_at=start))  # fmt: skip
    db.session.commit()
    return {"orgs": orgs, "a": a_sec, "b": b_sec, "member": member,
            "token": f.token_for(member)}  # fmt: skip


PERIOD = "since=2026-03-01&until=2026-03-31"


def test_my_trace_day_by_day(app, client, traced):
    found = client.get(f"/api/v1/study/trace/me?{PERIOD}", headers=auth(traced["token"])).json
    assert found["reading_seconds"] == 180.0 and found["days_studied"] == 2
    assert [d["day"] for d in found["days"]] == ["2026-03-02", "2026-03-01"]
    assert found["days"][1]["reading"] == [
        {"material_id": found["days"][1]["reading"][0]["material_id"], "title": "学习党章",
         "seconds": 180.0}
    ]  # fmt: skip
    assert found["days"][0]["quiz"] == {"correct": 1, "total": 2}
    assert found["days"][0]["punch_in"]["streak"] == 2
    # Reading one's own trace is not audited.
    assert db.session.scalars(select(AuditLog.action)).all() == []


def test_a_secretary_reads_and_exports_their_members_trace_audited(app, client, traced):
    url = f"/api/v1/study/trace/people/{traced['member'].id}"
    assert client.get(f"{url}?{PERIOD}", headers=auth(traced["a"])).status_code == 200
    assert client.get(f"{url}?{PERIOD}", headers=auth(traced["b"])).status_code == 404
    response = client.get(f"{url}.xlsx?{PERIOD}", headers=auth(traced["a"]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # personal data
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["日期", "阅读材料", "阅读分钟"]
    assert rows[1][0] == "2026-03-02" and rows[1][6] == "1/2"
    reflection = sheet.cell(row=2, column=6)
    assert reflection.data_type == "s"  # a formula-looking reflection stays text
    assert rows[2][1:3] == ["学习党章", 3.0]
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["study.trace.read", "study.trace.read", "study.trace.export"]


def test_bad_periods_and_members(app, client, traced):
    headers = auth(traced["token"])
    response = client.get(
        "/api/v1/study/trace/me?since=2026-03-02&until=2026-03-01", headers=headers
    )
    assert response.status_code == 422 and response.json["code"] == "period_invalid"
    response = client.get(
        "/api/v1/study/trace/me?since=2024-01-01&until=2026-03-01", headers=headers
    )
    assert response.status_code == 422 and response.json["code"] == "period_too_long"
    assert client.get("/api/v1/study/trace/me?since=x", headers=headers).status_code == 422
    # A period reaching into the future ends today.
    from server.notify.services import local_today

    today = local_today()
    ahead = client.get(
        f"/api/v1/study/trace/me?since={today}&until={today.replace(year=today.year + 1)}",
        headers=headers,
    )
    assert ahead.status_code == 200 and ahead.json["until"] == today.isoformat()
    # A member cannot read another person's trace.
    other = traced["member"].id
    assert client.get(f"/api/v1/study/trace/people/{other}", headers=headers).status_code == 403
    # Days before 2000 are refused (a default period ending near year 1 overflowed: a 500).
    for query in ("until=0001-01-01", "since=0001-01-01&until=0001-01-05", "until=1999-12-31"):
        response = client.get(f"/api/v1/study/trace/me?{query}", headers=headers)
        assert response.status_code == 422 and response.json["code"] == "validation_error", query
        assert response.json["errors"], query
    early = client.get(f"/api/v1/study/trace/people/{other}.xlsx?until=0001-01-02",
                       headers=auth(traced["a"]))  # fmt: skip
    assert early.status_code == 422 and early.json["code"] == "validation_error"
    assert client.get("/api/v1/study/trace/me?until=2000-01-01", headers=headers).status_code == 200
