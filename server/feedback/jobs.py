"""The hourly feedback job: tell handlers of new and reopened cases, queue held ones for
review, and remind handlers of deadlines.

Handlers hear of a case here, not when it is sent: a notice made at the moment an anonymous
author pressed send would date the case to the second. Deadline reminders go once per case,
deadline and day (a unique row), so a second run or a second worker sends nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..jobs import job
from ..notify.services import local_today, notify_many
from . import routing, services
from .models import ACCEPTED, KINDS, OPEN, PUBLISHED, SUBMITTED, FeedbackCase, FeedbackReminder

STAGES = {"accept": "受理", "reply": "答复"}


@job("periodic")
def sweep() -> dict:
    held = services.hold_flagged()
    announced = _announce()
    reminded = _remind()
    return {"held": held, "announced": announced, "reminded": reminded}


def _announce() -> int:
    rows = db.session.scalars(
        select(FeedbackCase).where(
            FeedbackCase.announced.is_(False),
            FeedbackCase.review_status == PUBLISHED,
            FeedbackCase.status.in_(OPEN),
        )
    ).all()
    items = []
    for row in rows:
        claimed = db.session.execute(
            update(FeedbackCase)
            .where(FeedbackCase.id == row.id, FeedbackCase.announced.is_(False))
            .values(announced=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        people = routing.handler_ids(row)
        if claimed != 1 or not people:
            continue
        items.append(
            {
                "kind": "feedback_new",
                "person_ids": people,
                "data": {
                    "kind_label": KINDS[row.kind] + ("（重新打开）" if row.reopened_on else ""),
                    "case_no": str(row.id),
                    "org_name": row.handler_org.name,
                    "accept_due": row.reply_due if row.reopened_on else row.accept_due,
                },
                "org_id": row.handler_org_id,
            }
        )
    notify_many(items)
    return len(items)


def _remind() -> int:
    today = local_today()
    horizon = today + timedelta(days=1)
    rows = db.session.scalars(
        select(FeedbackCase).where(
            FeedbackCase.review_status == PUBLISHED,
            ((FeedbackCase.status == SUBMITTED) & (FeedbackCase.accept_due <= horizon))
            | ((FeedbackCase.status == ACCEPTED) & (FeedbackCase.reply_due <= horizon)),
        )
    ).all()
    items = []
    for row in rows:
        stage = "accept" if row.status == SUBMITTED else "reply"
        try:
            with db.session.begin_nested():
                db.session.add(FeedbackReminder(case_id=row.id, stage=stage, day=today))
        except IntegrityError:
            continue  # reminded today already
        people = routing.handler_ids(row)
        if not people:
            continue
        due = row.accept_due if stage == "accept" else row.reply_due
        late = (today - due).days
        items.append(
            {
                "kind": "feedback_due",
                "person_ids": people,
                "data": {
                    "kind_label": KINDS[row.kind],
                    "case_no": str(row.id),
                    "stage": STAGES[stage],
                    "due": due,
                    "state": f"已超期 {late} 天" if late > 0 else "即将到期",
                },
                "org_id": row.handler_org_id,
            }
        )
    notify_many(items)
    return len(items)
