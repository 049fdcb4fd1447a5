"""Official-account followers and subscribe-message grants: who can be reached how.

A follower becomes a member's WeChat channel when its unionid (from ``user/info``) equals the
unionid the member's mini-program login reported. The bot records follows and unfollows at
once (it must answer WeChat within 5 seconds) and looks the unionid up in a job.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from ..auth.models import WechatBinding
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, queue, wechat
from ..jobs import after_commit, job
from ..people.models import Person
from ..wechat.gateway import WeChatError
from .models import OaFollower, SubscribeGrant

REFRESH_JOB = "server.notify.followers.refresh_follower"
GRANT_RESULTS = ("accept", "reject", "ban", "filter")


def follow(openid: str) -> OaFollower:
    """The user followed the account (or scanned while following): record it, look up later."""
    now = utcnow()
    follower = _get(openid)
    if follower is None:
        try:
            with db.session.begin_nested():
                follower = OaFollower(openid=openid, subscribed=True, subscribed_at=now)
                db.session.add(follower)
        except IntegrityError:
            follower = _get(openid)  # a retried push raced us
    follower.subscribed = True
    follower.subscribed_at = follower.subscribed_at or now
    follower.unsubscribed_at = None
    db.session.flush()
    if follower.unionid is None:
        after_commit(lambda: queue.enqueue(REFRESH_JOB, openid, job_id=f"follower-{openid}"))
    return follower


def unfollow(openid: str) -> bool:
    return bool(
        db.session.execute(
            update(OaFollower)
            .where(OaFollower.openid == openid)
            .values(subscribed=False, unsubscribed_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    )


@job("default")
def refresh_follower(openid: str) -> str | None:
    """Fetch the follower's unionid and subscription from WeChat (user/info)."""
    follower = _get(openid)
    if follower is None:
        return None
    try:
        info = wechat.user_info(openid)
    except WeChatError as exc:
        if exc.errcode == 40003:
            follower.subscribed = False
            return None
        raise  # transient: rq records the failure; the next follow event tries again
    follower.subscribed = bool(info.get("subscribe"))
    if info.get("unionid"):
        follower.unionid = str(info["unionid"])[:64]
    return follower.unionid


def member_for(openid: str) -> Person | None:
    """The member this follower is, if both apps report the same unionid."""
    return db.session.execute(
        select(Person)
        # The bot answers within WeChat's 5 s on every message: only the columns it shows.
        .options(load_only(Person.id, Person.name, Person.staff_no, Person.org_id, Person.status))
        .join(WechatBinding, WechatBinding.person_id == Person.id)
        .join(OaFollower, OaFollower.unionid == WechatBinding.unionid)
        .where(OaFollower.openid == openid, OaFollower.unionid.is_not(None))
    ).scalar_one_or_none()


def _get(openid: str) -> OaFollower | None:
    return db.session.execute(
        select(OaFollower).where(OaFollower.openid == openid)
    ).scalar_one_or_none()


def record_grants(person_id: int, results: dict[str, str], known: set[str]) -> dict[str, int]:
    """Count what ``wx.requestSubscribeMessage`` reported for the member's WeChat account:
    each "accept" allows one message. Unknown template ids are ignored (the mini-program may
    be newer than this config)."""
    openid = db.session.execute(
        select(WechatBinding.openid).where(WechatBinding.person_id == person_id)
    ).scalar_one_or_none()
    if openid is None:
        raise ApiError(409, "not_bound", "请先在小程序中绑定微信")
    granted = {}
    for template_id, result in results.items():
        if template_id not in known:
            continue
        if result == "accept":
            _add_grant(openid, template_id)
        granted[template_id] = (
            db.session.execute(
                select(SubscribeGrant.remaining).where(
                    SubscribeGrant.openid == openid, SubscribeGrant.template_id == template_id
                )
            ).scalar_one_or_none()
            or 0
        )
    return granted


def _add_grant(openid: str, template_id: str) -> None:
    """One more grant, as a single upsert: an UPDATE-then-INSERT takes a gap lock on MariaDB
    when the row is missing, and two parallel reports then deadlock."""
    values = {"openid": openid, "template_id": template_id, "remaining": 1, "updated_at": utcnow()}
    if db.engine.dialect.name == "mysql":
        statement = mysql_insert(SubscribeGrant).values(values)
        statement = statement.on_duplicate_key_update(
            remaining=SubscribeGrant.remaining + 1, updated_at=statement.inserted.updated_at
        )
    else:
        statement = sqlite_insert(SubscribeGrant).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=["openid", "template_id"],
            set_={"remaining": SubscribeGrant.remaining + 1, "updated_at": values["updated_at"]},
        )
    db.session.execute(statement)
