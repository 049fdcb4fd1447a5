from datetime import timedelta

from sqlalchemy import delete

from ..db_types import utcnow
from ..extensions import db
from ..jobs import job
from .models import AuthSession, InviteCode


@job("periodic")
def purge_expired_sessions() -> int:
    """Delete sessions expired or revoked more than a day ago, and dead invite codes."""
    cutoff = utcnow() - timedelta(days=1)
    removed = db.session.execute(
        delete(AuthSession).where(
            db.or_(AuthSession.expires_at < cutoff, AuthSession.revoked_at < cutoff)
        )
    ).rowcount
    db.session.execute(
        delete(InviteCode).where(InviteCode.expires_at < cutoff - timedelta(days=30))
    )
    return removed
