"""The audit trail: who did what to which record, from where, with what result.

Services call ``record(...)`` before they act. On success the entries are written in the
request's own transaction (``flush_pending``); when the request fails, the error handler rolls
back and ``flush_failed_audits`` writes them in a new transaction with the error code as the
result — so refused and failed attempts are on record too.
"""

from __future__ import annotations

import logging

from flask import g, has_request_context, request

from ..auth.principal import PendingCaller
from ..db_types import utcnow
from ..extensions import db
from .models import AuditLog

log = logging.getLogger(__name__)


def _pending() -> list[AuditLog]:
    if not hasattr(g, "_audit_pending"):
        g._audit_pending = []
    return g._audit_pending


def record(
    action: str,
    target_type: str | None = None,
    target_id: int | None = None,
    org_id: int | None = None,
    detail: dict | None = None,
) -> AuditLog:
    principal = getattr(g, "principal", None)
    if isinstance(principal, PendingCaller):  # the entry names who it was: read the session
        principal = principal.principal
    entry = AuditLog(
        at=utcnow(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        org_id=org_id,
        detail=detail or None,
        result="ok",
    )
    if principal is not None:
        entry.actor_account_id = principal.account.id if principal.account else None
        entry.actor_person_id = principal.person.id if principal.person else None
        entry.actor_label = principal.label
    if has_request_context():
        entry.ip = request.remote_addr
        entry.user_agent = (request.user_agent.string or "")[:255] or None
    _pending().append(entry)
    return entry


def set_target(entry: AuditLog, target_id: int, org_id: int | None = None) -> None:
    """For creations: the id is known only after flush."""
    entry.target_id = target_id
    if org_id is not None:
        entry.org_id = org_id


def flush_pending() -> None:
    entries = _pending()
    if entries:
        db.session.add_all(entries)
        g._audit_pending = []


def flush_failed_audits(result: str) -> None:
    entries = getattr(g, "_audit_pending", None) if has_request_context() else None
    if not entries:
        return
    g._audit_pending = []
    try:
        for entry in entries:
            fresh = AuditLog(
                at=entry.at,
                actor_account_id=entry.actor_account_id,
                actor_person_id=entry.actor_person_id,
                actor_label=entry.actor_label,
                action=entry.action,
                target_type=entry.target_type,
                target_id=entry.target_id,
                org_id=entry.org_id,
                detail=entry.detail,
                ip=entry.ip,
                user_agent=entry.user_agent,
                result=result[:50],
            )
            db.session.add(fresh)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not write audit entries for a failed request")


def list_entries(filters: dict, page: int, per_page: int):
    query = db.select(AuditLog)
    for column in ("action", "target_type", "target_id", "actor_account_id", "actor_person_id"):
        if filters.get(column) is not None:
            query = query.where(getattr(AuditLog, column) == filters[column])
    if filters.get("since"):
        query = query.where(AuditLog.at >= filters["since"])
    if filters.get("until"):
        query = query.where(AuditLog.at < filters["until"])
    if filters.get("result"):
        query = query.where(AuditLog.result == filters["result"])
    return db.paginate(
        query.order_by(AuditLog.id.desc()), page=page, per_page=per_page, error_out=False
    )
