"""The evening study reminder: at ``[study] remind_hour`` (20:00 Beijing), members who have not
studied today — no reading time, no punch-in, no quiz — get ``study_reminder`` with their
streak. Members switch it off in their notification settings (the kind is switchable), which
the notification service honours. An hourly periodic job acts at that hour only, and one row
per day makes a second run or a second worker send nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..extensions import db
from ..jobs import job
from ..notify.services import local_time, notify_many
from ..people.models import Person, counted_members
from .models import PunchIn, QuizAttempt, ReadingSession, StudyReminderDay


@job("periodic")
def remind_study(now: datetime | None = None) -> dict:
    local = local_time(now or utcnow())
    if local.hour != current_app.config["STUDY"]["remind_hour"]:
        return {"sent": 0, "skipped": "not the hour"}
    on = local.date()
    marker = StudyReminderDay(day=on, sent=0)
    try:
        with db.session.begin_nested():
            db.session.add(marker)
    except IntegrityError:
        return {"sent": 0, "skipped": "sent already"}
    idle = list(
        db.session.execute(
            select(Person.id)
            .where(
                *counted_members(),
                ~exists().where(
                    ReadingSession.person_id == Person.id,
                    ReadingSession.day == on,
                    ReadingSession.total_seconds > 0,
                ),
                ~exists().where(PunchIn.person_id == Person.id, PunchIn.day == on),
                ~exists().where(
                    QuizAttempt.person_id == Person.id,
                    QuizAttempt.day == on,
                    QuizAttempt.submitted_at.is_not(None),
                ),
            )
            .order_by(Person.id)
        ).scalars()
    )
    streaks = dict(
        db.session.execute(
            select(PunchIn.person_id, PunchIn.streak).where(
                PunchIn.day == on - timedelta(days=1), PunchIn.person_id.in_(idle)
            )
        ).all()
    ) if idle else {}  # fmt: skip
    notify_many(
        [
            {
                "kind": "study_reminder",
                "person_ids": [person_id],
                "data": {"task": "今日学习", "streak": streaks.get(person_id, 0)},
            }
            for person_id in idle
        ]
    )
    marker.sent = len(idle)
    db.session.commit()
    return {"sent": len(idle), "day": on.isoformat()}
