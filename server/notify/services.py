"""Sending notifications: the interface the rest of the platform uses.

    notify("meeting_reminder", person_ids, data, at=start - 30min, key=f"meeting:{id}:reminder")
    notify(..., key=same)          # replaces it while it waits (new time, people, text)
    cancel(f"meeting:{id}:reminder")

``notify`` stores the notification with its rendered text and enqueues ``dispatch`` (by the
notification's id, at its time) once the caller's transaction commits. ``dispatch`` gives each
recipient an inbox item and a delivery row, then ``push`` jobs deliver batches through WeChat
(``delivery.py``). A periodic ``sweep`` re-enqueues anything whose job was lost.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, queue
from ..jobs import after_commit
from ..people.models import Person
from . import templates
from .models import (
    CANCELLED,
    SCHEDULED,
    Delivery,
    KindOptOut,
    Notification,
)

DISPATCH_JOB = "server.notify.delivery.dispatch"


# -- configuration ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _load_kinds(path: str) -> dict[str, templates.Kind]:
    return templates.load_kinds(path or None)


def kinds() -> dict[str, templates.Kind]:
    return _load_kinds(current_app.config["NOTIFICATIONS"]["templates_file"])


def settings() -> dict[str, Any]:
    return current_app.config["NOTIFICATIONS"]


def timezone() -> ZoneInfo:
    return ZoneInfo(settings()["timezone"])


def local_time(value: datetime) -> datetime:
    """A naive-UTC time as an aware time in the configured zone (Beijing)."""
    return templates.in_zone(value, timezone())


def local_today() -> date:
    """Today in the configured zone (Asia/Shanghai): the day of records, streaks and caps."""
    return local_time(utcnow()).date()


def push_time(now: datetime, urgent: bool) -> datetime:
    """When a push may go out: now, or the end of quiet hours for a non-urgent one."""
    if urgent:
        return now
    cfg = settings()
    start = time.fromisoformat(cfg["quiet_start"])
    end = time.fromisoformat(cfg["quiet_end"])
    if start == end:
        return now
    local = local_time(now)
    clock = local.time()
    quiet = start <= clock or clock < end if start > end else start <= clock < end
    if not quiet:
        return now
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def dispatch_job_id(notification_id: int) -> str:
    return f"notify-n{notification_id}"


# -- the interface ---------------------------------------------------------------------------


def notify(
    kind: str,
    person_ids,
    data: dict[str, Any],
    *,
    at: datetime | None = None,
    key: str | None = None,
    org_id: int | None = None,
    sender=None,
    urgent: bool | None = None,
) -> Notification:
    """Notify ``person_ids`` of an event of ``kind`` now, or at ``at`` (naive UTC).

    With ``key``, a notification still waiting under that key is replaced (time, people and
    text), so callers need not remember ids. ``sender`` is the Principal who caused it (None
    for the system); the sender and the org's managers see its delivery report. Runs in the
    caller's transaction; nothing is queued unless that transaction commits.
    """
    values = _values(kind, person_ids, data, at, org_id, sender, urgent)
    if key:
        notification = _upsert_waiting(key, values)
    else:
        notification = Notification(state=SCHEDULED, **values)
        db.session.add(notification)
    db.session.flush()
    nid, when = notification.id, values["scheduled_at"]
    after_commit(lambda: _enqueue_dispatch(nid, when))
    return notification


def notify_many(items: list[dict[str, Any]]) -> list[int]:
    """Many unkeyed notifications at once (a daily scan's reminders): batched INSERTs, and
    their dispatch jobs queued when the caller's transaction commits. Each item holds the
    arguments of ``notify``: kind, person_ids, data and optionally at, org_id, urgent.
    Returns the new ids, in the order of ``items``."""
    if not items:
        return []
    rows = [
        {
            "state": SCHEDULED,
            **_values(
                item["kind"],
                item["person_ids"],
                item["data"],
                item.get("at"),
                item.get("org_id"),
                None,
                item.get("urgent"),
            ),
        }
        for item in items
    ]
    ids = list(
        db.session.scalars(
            insert(Notification).returning(Notification.id, sort_by_parameter_order=True), rows
        )
    )
    jobs = [(nid, row["scheduled_at"]) for nid, row in zip(ids, rows, strict=True)]

    def enqueue() -> None:
        for nid, when in jobs:
            _enqueue_dispatch(nid, when)

    after_commit(enqueue)
    return ids


def _values(kind, person_ids, data, at, org_id, sender, urgent) -> dict[str, Any]:
    spec = kinds().get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    rendered = templates.render(spec, data, timezone())
    return {
        "kind": kind,
        "title": rendered.title,
        "body": rendered.body,
        "page": rendered.page,
        "payload": rendered.payload,
        "recipient_ids": sorted({int(pid) for pid in person_ids}),
        "urgent": spec.urgent if urgent is None else urgent,
        "scheduled_at": at or utcnow(),
        "org_id": org_id,
        "sender_person_id": getattr(getattr(sender, "person", None), "id", None),
        "sender_account_id": getattr(getattr(sender, "account", None), "id", None),
        "sender_label": sender.label if sender is not None else None,
    }


def cancel(key: str) -> bool:
    """Cancel the notification waiting under ``key``; False if none was waiting."""
    notification = _waiting(key)
    return notification is not None and cancel_scheduled(notification)


def cancel_scheduled(notification: Notification) -> bool:
    """Cancel ``notification`` if it has not been dispatched; False if it has."""
    db.session.refresh(notification, with_for_update=True)
    if notification.state != SCHEDULED:
        return False
    notification.state = CANCELLED
    notification.pending_key = None
    notification.cancelled_at = utcnow()
    nid = notification.id
    after_commit(lambda: queue.cancel(dispatch_job_id(nid)))
    return True


def _waiting(key: str) -> Notification | None:
    """The notification waiting under ``key``, locked. The lookup does not lock first: a
    locking read of a missing key takes a gap lock, and two such transactions inserting the
    key then deadlock on MariaDB (the insert's unique key settles the race instead)."""
    found = db.session.execute(
        select(Notification.id).where(Notification.pending_key == key)
    ).scalar_one_or_none()
    if found is None:
        return None
    return db.session.execute(
        select(Notification)
        .where(Notification.id == found, Notification.pending_key == key)
        .with_for_update()
    ).scalar_one_or_none()


def _upsert_waiting(key: str, values: dict[str, Any]) -> Notification:
    """Create the notification waiting under ``key``, or replace the one waiting there, in one
    statement. An insert that fails on the unique key holds a shared lock on the winner's row;
    two such losers that then both lock it to update deadlock on MariaDB (the upsert takes the
    exclusive lock at once, so parallel callers queue instead)."""
    row = {"key": key, "pending_key": key, "state": SCHEDULED, "updated_at": utcnow(), **values}
    replace = [name for name in row if name not in ("key", "pending_key", "state")]
    if db.engine.dialect.name == "mysql":
        statement = mysql_insert(Notification).values(row)
        statement = statement.on_duplicate_key_update(
            {name: statement.inserted[name] for name in replace}
        )
    else:
        statement = sqlite_insert(Notification).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=["pending_key"],
            set_={name: statement.excluded[name] for name in replace},
        )
    db.session.execute(statement)
    return db.session.execute(
        select(Notification)
        .where(Notification.pending_key == key)
        .execution_options(populate_existing=True)
    ).scalar_one()


def _enqueue_dispatch(notification_id: int, when: datetime) -> None:
    job_id = dispatch_job_id(notification_id)
    queue.cancel(job_id)  # a moved notification: its old job goes
    queue.enqueue(DISPATCH_JOB, notification_id, job_id=job_id, at=when)


# -- inbox -----------------------------------------------------------------------------------


def _inbox_query(person_id: int, unread_only: bool):
    query = (
        select(Delivery)
        .join(Notification, Notification.id == Delivery.notification_id)
        .options(contains_eager(Delivery.notification))  # one query per page, not per item
        .where(Delivery.person_id == person_id)
        .order_by(Delivery.id.desc())
    )
    if unread_only:
        query = query.where(Delivery.read_at.is_(None))
    return query


def inbox(person_id: int, unread_only: bool, page: int, per_page: int):
    return db.paginate(
        _inbox_query(person_id, unread_only), page=page, per_page=per_page, error_out=False
    )


def unread_count(person_id: int) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.person_id == person_id, Delivery.read_at.is_(None))
    ).scalar_one()


def mark_read(person_id: int, delivery_id: int) -> Delivery:
    item = db.session.get(Delivery, delivery_id)
    if item is None or item.person_id != person_id:
        raise ApiError(404, "not_found", "消息不存在")
    if item.read_at is None:
        item.read_at = utcnow().replace(microsecond=0)  # as DATETIME stores it
    return item


def mark_all_read(person_id: int) -> int:
    return db.session.execute(
        db.update(Delivery)
        .where(Delivery.person_id == person_id, Delivery.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount


# -- preferences -----------------------------------------------------------------------------


def preferences(person_id: int) -> list[dict[str, Any]]:
    off = set(
        db.session.execute(
            select(KindOptOut.kind).where(KindOptOut.person_id == person_id)
        ).scalars()
    )
    return [
        {
            "kind": spec.name,
            "label": spec.label,
            "enabled": not (spec.switchable and spec.name in off),
            "switchable": spec.switchable,
        }
        for spec in kinds().values()
    ]


def set_preferences(person_id: int, wanted: dict[str, bool]) -> list[dict[str, Any]]:
    specs = kinds()
    unknown = sorted(kind for kind in wanted if kind not in specs)
    if unknown:
        raise ApiError(
            422,
            "unknown_kind",
            "未知的提醒类型",
            {"preferences": {k: ["未知类型"] for k in unknown}},
        )
    fixed = sorted(kind for kind, on in wanted.items() if not on and not specs[kind].switchable)
    if fixed:
        raise ApiError(
            422,
            "not_switchable",
            "该类提醒不能关闭",
            {"preferences": {k: ["不能关闭"] for k in fixed}},
        )
    existing = {
        row.kind: row
        for row in db.session.execute(
            select(KindOptOut).where(KindOptOut.person_id == person_id)
        ).scalars()
    }
    for kind, on in wanted.items():
        if on and kind in existing:
            db.session.delete(existing[kind])
        elif not on and kind not in existing:
            try:
                with db.session.begin_nested():
                    db.session.add(KindOptOut(person_id=person_id, kind=kind))
            except IntegrityError:
                pass  # a parallel request switched it off already
    db.session.flush()
    return preferences(person_id)


# -- sender side -----------------------------------------------------------------------------

REPORT_ROLES = ("secretary", "committee_admin")


def recipients_of_org(org_path: str) -> list[int]:
    from ..orgs.models import Org

    return list(
        db.session.execute(
            select(Person.id)
            .join(Org, Org.id == Person.org_id)
            .where(Org.path.startswith(org_path), Person.status == "normal")
        ).scalars()
    )


def visible_notifications(principal):
    from ..orgs.models import Org

    conditions = []
    prefixes = principal.scope(*REPORT_ROLES)
    if "/" in prefixes:
        conditions.append(db.true())
    elif prefixes:
        conditions.append(
            Notification.org_id.in_(
                select(Org.id).where(db.or_(*[Org.path.startswith(p) for p in prefixes]))
            )
        )
    if principal.person is not None:
        conditions.append(Notification.sender_person_id == principal.person.id)
    if principal.account is not None:
        conditions.append(Notification.sender_account_id == principal.account.id)
    return select(Notification).where(db.or_(*conditions)).order_by(Notification.id.desc())


def get_visible(principal, notification_id: int) -> Notification:
    notification = db.session.execute(
        visible_notifications(principal).where(Notification.id == notification_id)
    ).scalar_one_or_none()
    if notification is None:
        raise ApiError(404, "not_found", "通知不存在")
    return notification


def report_deliveries(notification_id: int, state: str | None, page: int, per_page: int):
    query = (
        select(Delivery)
        .where(Delivery.notification_id == notification_id)
        .order_by(Delivery.id)
        .options(db.joinedload(Delivery.person))
    )
    if state:
        query = query.where(Delivery.state == state)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def attach_counts(notifications: list[Notification]) -> list[Notification]:
    """Set ``counts`` (by state, by channel, read) on each notification, in one query."""
    counts = {
        n.id: {"total": 0, "read": 0, "by_state": {}, "by_channel": {}} for n in notifications
    }
    if counts:
        rows = db.session.execute(
            select(
                Delivery.notification_id,
                Delivery.state,
                Delivery.channel,
                func.count(),
                func.count(Delivery.read_at),
            )
            .where(Delivery.notification_id.in_(list(counts)))
            .group_by(Delivery.notification_id, Delivery.state, Delivery.channel)
        ).all()
        for nid, state, channel, count, read in rows:
            entry = counts[nid]
            entry["total"] += count
            entry["read"] += read
            entry["by_state"][state] = entry["by_state"].get(state, 0) + count
            if channel:
                entry["by_channel"][channel] = entry["by_channel"].get(channel, 0) + count
    for notification in notifications:
        notification.counts = counts[notification.id]
    return notifications
