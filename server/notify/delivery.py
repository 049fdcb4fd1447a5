"""Delivery jobs: dispatch a notification to its recipients, push batches through WeChat.

Once, never twice:
- ``dispatch`` runs under a row lock and creates deliveries with INSERTs that a unique
  (notification, person) key makes single, so a retried or doubled dispatch adds nothing.
- ``push`` claims its recipients with one UPDATE ... WHERE state = 'queued' (a random claim
  token), so two jobs for the same batch split it rather than both sending. Each claim commits
  before any message leaves, with the channel it will use.
- Template messages carry ``client_msg_id`` = the delivery's id: if a worker dies after WeChat
  accepted a message but before the outcome was stored, the sweeper re-queues the claim and
  WeChat drops the resend (its window is 10 minutes; older claims are failed instead).
  Subscribe messages have no such key, so a claim lost mid-send is marked failed
  ("unknown_outcome") rather than risk a second message.

Channel per recipient, best first: official-account template (the follower linked by unionid
still follows), then a mini-program subscribe message (a grant is consumed atomically before
sending), else the inbox alone, recorded as unreachable so the sender sees it.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, or_, select, update

from ..auth.models import WechatBinding
from ..db_types import utcnow
from ..extensions import db, queue, redis_client, wechat
from ..jobs import after_commit, job
from ..people.models import Person
from ..wechat.gateway import TOKEN_ERRORS, TRANSIENT_ERRORS, WeChatError
from . import services
from .models import (
    BLOCKED,
    DELIVERED,
    DISPATCHED,
    FAILED,
    MUTED,
    QUEUED,
    SCHEDULED,
    SENDING,
    SENT,
    SUBSCRIBE,
    TEMPLATE,
    UNREACHABLE,
    Delivery,
    KindOptOut,
    Notification,
    OaFollower,
    SubscribeGrant,
)

log = logging.getLogger(__name__)

PUSH_JOB = "server.notify.delivery.push"
# WeChat keeps a client_msg_id for 10 minutes; resend a lost claim only well inside that.
DEDUPE_SAFE = timedelta(minutes=8)
_CHUNK = 500  # ids per IN (...) list


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- dispatch --------------------------------------------------------------------------------


@job("notifications")
def dispatch(notification_id: int) -> int:
    """Create the inbox items and deliveries of a due notification; enqueue its pushes."""
    notification = db.session.execute(
        select(Notification).where(Notification.id == notification_id).with_for_update()
    ).scalar_one_or_none()
    now = utcnow()
    if notification is None or notification.state != SCHEDULED:
        return 0
    if notification.scheduled_at > now + timedelta(seconds=1):
        return 0  # moved later: the job enqueued for the new time does it
    spec = services.kinds()[notification.kind]
    wanted = [int(pid) for pid in notification.recipient_ids]
    people: set[int] = set()
    muted: set[int] = set()
    for chunk in _chunks(wanted):
        people.update(db.session.execute(select(Person.id).where(Person.id.in_(chunk))).scalars())
        if spec.switchable:
            muted.update(
                db.session.execute(
                    select(KindOptOut.person_id).where(
                        KindOptOut.kind == notification.kind, KindOptOut.person_id.in_(chunk)
                    )
                ).scalars()
            )
    already = set(
        db.session.execute(
            select(Delivery.person_id).where(Delivery.notification_id == notification_id)
        ).scalars()
    )
    push_at = services.push_time(now, notification.urgent)
    rows = [
        {
            "notification_id": notification_id,
            "person_id": pid,
            "state": MUTED if pid in muted else QUEUED,
            "reason": "opted_out" if pid in muted else None,
            "attempts": 0,
            "next_attempt_at": push_at,
            "created_at": now,
        }
        for pid in sorted(people - already)
    ]
    if rows:
        db.session.execute(insert(Delivery), rows)
    notification.state = DISPATCHED
    notification.dispatched_at = now
    notification.push_at = push_at
    notification.pending_key = None
    queued = list(
        db.session.execute(
            select(Delivery.id)
            .where(Delivery.notification_id == notification_id, Delivery.state == QUEUED)
            .order_by(Delivery.id)
        ).scalars()
    )
    size = services.settings()["batch_size"]
    batches = list(_chunks(queued, size))
    after_commit(lambda: _enqueue_pushes(notification_id, batches, push_at, "d"))
    return len(rows)


def _enqueue_pushes(notification_id: int, batches: list[list[int]], at: datetime, tag: str):
    for batch in batches:
        queue.enqueue(
            PUSH_JOB,
            notification_id,
            batch,
            job_id=f"push-{notification_id}-{batch[0]}-{tag}",
            at=at,
        )


# -- push ------------------------------------------------------------------------------------


@dataclass
class _Target:
    delivery_id: int
    person_id: int
    attempts: int
    channels: list[tuple[str, str]] = field(default_factory=list)  # (channel, openid)
    outcome: dict | None = None
    last_reason: str = "no_wechat_channel"


@job("notifications")
def push(notification_id: int, delivery_ids: list[int]) -> dict[str, int]:
    """Deliver one batch: claim, choose channels, send concurrently, record outcomes."""
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return {}
    spec = services.kinds()[notification.kind]
    cfg = services.settings()
    page, payload = notification.page, notification.payload  # before the commit expires them
    token = secrets.token_hex(8)
    now = utcnow()
    claimed = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id.in_(delivery_ids),
            Delivery.notification_id == notification_id,
            Delivery.state == QUEUED,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
        )
        .values(
            state=SENDING,
            claim=token,
            claimed_at=now,
            first_claimed_at=db.func.coalesce(Delivery.first_claimed_at, now),
            attempts=Delivery.attempts + 1,
            channel=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return {}
    targets = [
        _Target(row.id, row.person_id, row.attempts)
        for row in db.session.execute(
            select(Delivery.id, Delivery.person_id, Delivery.attempts).where(
                Delivery.claim == token
            )
        )
    ]
    _plan_channels(targets, spec)

    pending = [t for t in targets if t.channels]
    with ThreadPoolExecutor(max_workers=cfg["send_concurrency"]) as pool:
        while pending:
            sendable = _reserve(pending, spec)
            _mark_channels(sendable)
            db.session.commit()  # claims and consumed grants are durable before anything leaves
            results = pool.map(lambda t: _send(t, spec, payload, page), sendable)
            retry_next = []
            for target, outcome in zip(sendable, results, strict=True):
                if outcome["state"] == UNREACHABLE:
                    _channel_gone(target, outcome, spec)
                    target.last_reason = outcome["reason"]
                    if target.channels:
                        retry_next.append(target)
                        continue
                target.outcome = outcome
            # Targets _reserve left out have no channel left; only fall-throughs go round again.
            pending = retry_next
    return _record(targets, token, cfg, spec, notification_id)


def _plan_channels(targets: list[_Target], spec) -> None:
    person_ids = [t.person_id for t in targets]
    bindings = {
        row.person_id: row
        for row in db.session.execute(
            select(WechatBinding.person_id, WechatBinding.openid, WechatBinding.unionid).where(
                WechatBinding.person_id.in_(person_ids)
            )
        )
    }
    unionids = [b.unionid for b in bindings.values() if b.unionid]
    followers = {}
    if spec.template and unionids:
        followers = {
            row.unionid: row.openid
            for row in db.session.execute(
                select(OaFollower.unionid, OaFollower.openid).where(
                    OaFollower.unionid.in_(unionids), OaFollower.subscribed.is_(True)
                )
            )
        }
    granted = set()
    if spec.subscribe and bindings:
        granted = set(
            db.session.execute(
                select(SubscribeGrant.openid).where(
                    SubscribeGrant.openid.in_([b.openid for b in bindings.values()]),
                    SubscribeGrant.template_id == spec.subscribe.template_id,
                    SubscribeGrant.remaining > 0,
                )
            ).scalars()
        )
    for target in targets:
        binding = bindings.get(target.person_id)
        if binding is None:
            target.last_reason = "not_bound"
            continue
        if binding.unionid in followers:
            target.channels.append((TEMPLATE, followers[binding.unionid]))
        if binding.openid in granted:
            target.channels.append((SUBSCRIBE, binding.openid))


def _reserve(pending: list[_Target], spec) -> list[_Target]:
    """Targets whose next channel can be used now; a subscribe grant is consumed here."""
    ready = []
    for target in pending:
        while target.channels:
            channel, openid = target.channels[0]
            if channel != SUBSCRIBE:
                ready.append(target)
                break
            taken = db.session.execute(
                update(SubscribeGrant)
                .where(
                    SubscribeGrant.openid == openid,
                    SubscribeGrant.template_id == spec.subscribe.template_id,
                    SubscribeGrant.remaining > 0,
                )
                .values(remaining=SubscribeGrant.remaining - 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken:
                ready.append(target)
                break
            target.channels.pop(0)
            target.last_reason = "no_subscribe_grant"
    return ready


def _mark_channels(targets: list[_Target]) -> None:
    for channel in (TEMPLATE, SUBSCRIBE):
        ids = [t.delivery_id for t in targets if t.channels[0][0] == channel]
        if ids:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(channel=channel)
                .execution_options(synchronize_session=False)
            )


# WeChat errors that mean "this channel cannot reach this person": try the next channel.
_UNREACHABLE_REASONS = {
    43004: "not_following",
    40003: "invalid_openid",
    43101: "no_subscribe_grant",
}


def _send(target: _Target, spec, payload: dict, page: str | None) -> dict:
    """One WeChat call (in a pool thread: no database work here)."""
    channel, openid = target.channels[0]
    try:
        if channel == TEMPLATE:
            msgid = wechat.send_template(
                openid,
                spec.template.template_id,
                payload["template"],
                page,
                client_msg_id=f"party-d{target.delivery_id}",
            )
        else:
            msgid = wechat.send_subscribe(
                openid, spec.subscribe.template_id, payload["subscribe"], page
            )
    except WeChatError as exc:
        code = exc.errcode
        if code in _UNREACHABLE_REASONS:
            reason = _UNREACHABLE_REASONS[code]
            return {"state": UNREACHABLE, "reason": reason, "errcode": code, "channel": channel}
        if code in TRANSIENT_ERRORS or code in TOKEN_ERRORS:
            reason = "network" if code is None else f"wechat_{code}"
            return {
                "state": QUEUED,
                "reason": reason,
                "errcode": code,
                "channel": channel,
                "openid": openid,
            }
        return {"state": FAILED, "reason": f"wechat_{code}", "errcode": code, "channel": channel}
    except Exception as exc:  # a bug must not strand the claim in 'sending'
        log.exception("sending delivery %s failed", target.delivery_id)
        return {
            "state": QUEUED,
            "reason": type(exc).__name__[:60],
            "errcode": None,
            "channel": channel,
            "openid": openid,
        }
    return {"state": SENT, "msgid": msgid, "channel": channel}


def _channel_gone(target: _Target, outcome: dict, spec) -> None:
    """The channel just proved dead: remember it, and fall through to the next one."""
    channel, openid = target.channels.pop(0)
    if channel == TEMPLATE and outcome["errcode"] in (43004, 40003):
        db.session.execute(
            update(OaFollower)
            .where(OaFollower.openid == openid)
            .values(subscribed=False, unsubscribed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    if channel == SUBSCRIBE:  # 43101: no grant left for this template (others may have some)
        db.session.execute(
            update(SubscribeGrant)
            .where(
                SubscribeGrant.openid == openid,
                SubscribeGrant.template_id == spec.subscribe.template_id,
            )
            .values(remaining=0)
            .execution_options(synchronize_session=False)
        )


def _record(targets: list[_Target], token: str, cfg: dict, spec, notification_id: int) -> dict:
    now = utcnow()
    rows = []
    retry: dict[datetime, list[int]] = {}
    counts: dict[str, int] = {}
    for target in targets:
        outcome = target.outcome or {
            "state": UNREACHABLE,
            "reason": target.last_reason,
            "errcode": None,
            "channel": None,
        }
        state = outcome["state"]
        next_at = None
        if state == QUEUED and outcome["channel"] == SUBSCRIBE:
            # The send did not happen: the grant it used is still good on WeChat's side.
            _refund_grant(outcome["openid"], spec)
        if state == QUEUED:
            if target.attempts >= cfg["max_attempts"]:
                state = FAILED
            else:
                delay = cfg["retry_delay_seconds"] * 2 ** (target.attempts - 1)
                next_at = now + timedelta(seconds=delay)
                retry.setdefault(next_at, []).append(target.delivery_id)
        counts[state] = counts.get(state, 0) + 1
        rows.append(
            {
                "b_id": target.delivery_id,
                "b_claim": token,
                "state": state,
                "channel": outcome.get("channel"),
                "reason": outcome.get("reason"),
                "errcode": outcome.get("errcode"),
                "msgid": outcome.get("msgid"),
                "sent_at": now if state == SENT else None,
                "next_attempt_at": next_at,
                "claim": None,
            }
        )
    if rows:
        table = Delivery.__table__
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("b_id"), table.c.claim == bindparam("b_claim"))
            .values(
                state=bindparam("state"),
                channel=bindparam("channel"),
                reason=bindparam("reason"),
                errcode=bindparam("errcode"),
                msgid=bindparam("msgid"),
                sent_at=bindparam("sent_at"),
                next_attempt_at=bindparam("next_attempt_at"),
                claim=bindparam("claim"),
            ),
            rows,
        )
        _apply_early_finishes([r["msgid"] for r in rows if r["state"] == SENT and r["msgid"]])
    for when, ids in retry.items():
        after_commit(
            lambda ids=ids, when=when: _enqueue_pushes(
                notification_id, [ids], when, f"r{int(when.timestamp())}"
            )
        )
    return counts


def _refund_grant(openid: str, spec) -> None:
    db.session.execute(
        update(SubscribeGrant)
        .where(
            SubscribeGrant.openid == openid,
            SubscribeGrant.template_id == spec.subscribe.template_id,
        )
        .values(remaining=SubscribeGrant.remaining + 1)
        .execution_options(synchronize_session=False)
    )


# -- the safety net --------------------------------------------------------------------------


@job("periodic")
def sweep() -> dict[str, int]:
    """Find work whose job was lost (Redis flushed, worker killed) and redo it safely."""
    now = utcnow()
    cfg = services.settings()
    grace = timedelta(seconds=30)
    done = {"dispatch": 0, "requeued": 0, "unknown": 0, "push": 0}

    due = db.session.execute(
        select(Notification.id).where(
            Notification.state == SCHEDULED, Notification.scheduled_at <= now - grace
        )
    ).scalars()
    for nid in due:
        queue.enqueue(services.DISPATCH_JOB, nid, job_id=services.dispatch_job_id(nid))
        done["dispatch"] += 1

    stale = db.session.execute(
        select(Delivery.id, Delivery.channel, Delivery.first_claimed_at).where(
            Delivery.state == SENDING,
            Delivery.claimed_at <= now - timedelta(seconds=cfg["lease_seconds"]),
        )
    ).all()
    resend = [
        row.id
        for row in stale
        if row.channel != SUBSCRIBE
        and (row.first_claimed_at is None or row.first_claimed_at >= now - DEDUPE_SAFE)
    ]
    give_up = sorted({row.id for row in stale} - set(resend))
    for ids, values in (
        # next_attempt_at None = at once: the overdue query below pushes them in this sweep.
        (resend, {"state": QUEUED, "claim": None, "next_attempt_at": None}),
        (give_up, {"state": FAILED, "claim": None, "reason": "unknown_outcome"}),
    ):
        for chunk in _chunks(ids):
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(chunk), Delivery.state == SENDING)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    done["requeued"], done["unknown"] = len(resend), len(give_up)

    overdue = db.session.execute(
        select(Delivery.notification_id, Delivery.id)
        .where(
            Delivery.state == QUEUED,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now - grace),
        )
        .order_by(Delivery.notification_id, Delivery.id)
    ).all()
    by_notification: dict[int, list[int]] = {}
    for nid, did in overdue:
        by_notification.setdefault(nid, []).append(did)
    slot = int(now.timestamp() // 60)
    for nid, ids in by_notification.items():
        batches = list(_chunks(ids, cfg["batch_size"]))
        after_commit(lambda nid=nid, b=batches: _enqueue_pushes(nid, b, now, f"s{slot}"))
        done["push"] += len(ids)
    return done


# -- events from WeChat ----------------------------------------------------------------------

_FINISH_STATES = {"success": DELIVERED, "failed:user block": BLOCKED}
# A finish event can beat the worker that sent the message to recording its msgid: it waits in
# Redis for that worker (an hour is far longer than a batch takes).
_EARLY_FINISH = "party:tplfinish:"
_EARLY_FINISH_TTL = 3600


def template_finished(msgid: int, status: str) -> bool:
    """TEMPLATESENDJOBFINISH: the final state of a template message. Idempotent."""
    changed = _finish(msgid, status)
    if not changed:
        known = db.session.execute(
            select(Delivery.id).where(Delivery.msgid == msgid).limit(1)
        ).first()
        if known is None:
            redis_client.set(f"{_EARLY_FINISH}{msgid}", status[:60], ex=_EARLY_FINISH_TTL)
    return changed


def _apply_early_finishes(msgids: list[int]) -> None:
    if not msgids:
        return
    keys = [f"{_EARLY_FINISH}{m}" for m in msgids]
    for msgid, key, status in zip(msgids, keys, redis_client.mget(keys), strict=True):
        if status is not None:
            _finish(msgid, status.decode() if isinstance(status, bytes) else status)
            redis_client.delete(key)


def _finish(msgid: int, status: str) -> bool:
    state = _FINISH_STATES.get(status.strip(), FAILED)
    reason = None if state == DELIVERED else status.strip()[:60]
    changed = db.session.execute(
        update(Delivery)
        .where(
            Delivery.msgid == msgid,
            Delivery.channel == TEMPLATE,
            Delivery.state == SENT,
        )
        .values(state=state, reason=reason, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)
