"""The evening reminder: at 20:00 Beijing, once a day, to members who have not studied today."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from server.extensions import db
from server.notify.models import Notification
from server.study import reminders
from server.study.models import PunchIn, QuizAttempt, ReadingSession, StudyMaterial

AT_20 = datetime(2026, 3, 2, 12, 5)  # 20:05 Beijing
AT_19 = datetime(2026, 3, 2, 11, 5)


def _run(app, now):
    db.session.rollback()
    with app.app_context():
        return reminders.remind_study(now)


def test_idle_members_are_reminded_once_at_eight(app, f):
    orgs = f.tree()
    reader, puncher, quizzer, idle, streaker = (f.person(orgs["a"]) for _ in range(5))
    applicant = f.person(orgs["a"], member_type="applicant")
    material = StudyMaterial(org_id=orgs["a"].id, kind="article", title="材料", category="theory",
                             body_html="<p>x</p>", min_dwell_seconds=60, status="published",
                             created_by="t")  # fmt: skip
    db.session.add(material)
    db.session.flush()
    on = date(2026, 3, 2)
    db.session.add_all(
        [
            ReadingSession(person_id=reader.id, material_id=material.id, day=on,
                           started_at=AT_19, clock_at=AT_19, last_seq=2, total_seconds=30.0),
            PunchIn(person_id=puncher.id, day=on, streak=1),
            QuizAttempt(person_id=quizzer.id, day=on, question_ids=[1], answers=[], correct=1,
                        submitted_at=AT_19),
            PunchIn(person_id=streaker.id, day=date(2026, 3, 1), streak=6),
        ]
    )  # fmt: skip
    db.session.commit()
    assert _run(app, AT_19) == {"sent": 0, "skipped": "not the hour"}
    result = _run(app, AT_20)
    assert result["sent"] == 2
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [n.recipient_ids for n in notes] == [[idle.id], [streaker.id]]
    assert "已连续打卡 6 天" in notes[1].body
    assert applicant.id not in {pid for n in notes for pid in n.recipient_ids}
    assert _run(app, AT_20) == {"sent": 0, "skipped": "sent already"}
