"""Logging in: WeChat (jscode2session → binding → session token) and console passwords."""

from __future__ import annotations

import contextlib
import functools
import logging
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..crypto import token_digest
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, limiter, wechat
from ..people.models import Person
from ..wechat.gateway import WeChatError
from .models import Account, AuthSession, InviteCode, WechatBinding

log = logging.getLogger(__name__)
passwords = PasswordHasher()  # argon2id with the library's current parameters
BIND_TICKET = "bind-ticket"
BIND_TICKET_SECONDS = 15 * 60
# Unambiguous characters (no 0/O, 1/I/L) so codes survive being read aloud or retyped.
INVITE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _security(key: str):
    return current_app.config["SECURITY"][key]


def _cipher():
    return current_app.extensions["party_cipher"]


# -- sessions --------------------------------------------------------------------------------
def issue_session(kind: str, *, person_id: int | None = None, account_id: int | None = None):
    token = secrets.token_urlsafe(32)
    hours = current_app.config["APP"][
        "mini_session_hours" if kind == "mini" else "web_session_hours"
    ]
    session = AuthSession(
        token_digest=token_digest(token),
        kind=kind,
        person_id=person_id,
        account_id=account_id,
        expires_at=utcnow() + timedelta(hours=hours),
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:255] or None,
    )
    db.session.add(session)
    db.session.flush()
    return token, session


def revoke_session(session: AuthSession) -> None:
    if session.revoked_at is None:
        session.revoked_at = utcnow()


def revoke_person_sessions(person_id: int) -> int:
    result = db.session.execute(
        update(AuthSession)
        .where(AuthSession.person_id == person_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount


# -- WeChat login and binding ------------------------------------------------------------------
_WECHAT_LOGIN_ERRORS = {
    40029: (400, "wx_code_invalid", "微信登录凭证无效，请重新进入小程序"),
    40163: (400, "wx_code_invalid", "微信登录凭证已被使用，请重新进入小程序"),
    45011: (429, "wx_rate_limited", "登录过于频繁，请一分钟后再试"),
    40226: (403, "wx_user_blocked", "该微信账号被微信判定为高风险，暂不能登录"),
}


def exchange_code(code: str):
    try:
        return wechat.code_to_session(code)
    except WeChatError as exc:
        if exc.errcode in _WECHAT_LOGIN_ERRORS:
            status, err_code, message = _WECHAT_LOGIN_ERRORS[exc.errcode]
            raise ApiError(status, err_code, message) from exc
        if exc.errcode in (40013, 40125, 40164, 41002, 41004):
            log.error("WeChat rejects our credentials or IP (%s): check [wechat] config", exc)
        else:
            log.warning("WeChat unavailable for jscode2session: %s", exc)
        raise ApiError(503, "wechat_unavailable", "微信服务暂不可用，请稍后重试") from exc


def wx_login(code: str) -> dict:
    session = exchange_code(code)
    binding = db.session.execute(
        db.select(WechatBinding).where(WechatBinding.openid == session.openid)
    ).scalar_one_or_none()
    if binding is None:
        ticket_payload = {"openid": session.openid, "unionid": session.unionid}
        ticket = _cipher().seal(ticket_payload, BIND_TICKET_SECONDS, BIND_TICKET)
        # session_key is not put in the ticket: it must never leave the server.
        return {
            "status": "unbound",
            "bind_ticket": ticket,
            "expires_at": utcnow() + timedelta(seconds=BIND_TICKET_SECONDS),
        }
    person = binding.person
    if person.status != "normal":
        raise ApiError(403, "member_inactive", f"党籍状态为「{person.status_label}」，不能登录")
    if session.session_key:
        binding.session_key_enc = _cipher().encrypt(session.session_key, "wechat.session_key")
    token, auth_session = issue_session("mini", person_id=person.id)
    entry = audit.record("auth.wx_login", "person", person.id, person.org_id)
    entry.actor_person_id, entry.actor_label = person.id, f"{person.name}({person.staff_no})"
    return {
        "status": "bound",
        "token": token,
        "expires_at": auth_session.expires_at,
        "person": person,
    }


def _open_ticket(ticket: str) -> dict:
    payload = _cipher().unseal(ticket, BIND_TICKET)
    if not payload or not payload.get("openid"):
        raise ApiError(401, "bind_ticket_invalid", "绑定凭证无效或已过期，请重新登录")
    return payload


def bind(data: dict) -> dict:
    payload = _open_ticket(data["bind_ticket"])
    openid = payload["openid"]
    attempts = _security("bind_attempts")
    window = _security("bind_window_minutes")
    per_ip = _security("ip_attempts_per_minute")
    ip = request.remote_addr or "?"
    if limiter.exhausted(attempts, window, "bind", openid) or limiter.exhausted(
        per_ip, 1, "bind-ip", ip
    ):
        raise ApiError(429, "too_many_attempts", f"尝试次数过多，请 {window} 分钟后再试")
    entry = audit.record("auth.bind", detail={"method": data["method"]})

    def failed(error: ApiError) -> ApiError:
        limiter.hit(attempts, window, "bind", openid)
        limiter.hit(per_ip, 1, "bind-ip", ip)
        return error

    if data["method"] == "invite":
        code = data["invite_code"].strip().upper().replace("-", "").replace(" ", "")
        invite = db.session.execute(
            db.select(InviteCode).where(InviteCode.code_digest == token_digest(code))
        ).scalar_one_or_none()
        now = utcnow()
        if (
            invite is None
            or invite.used_at is not None
            or invite.revoked_at is not None
            or invite.expires_at <= now
        ):
            raise failed(ApiError(422, "invite_code_invalid", "邀请码无效、已使用或已过期"))
        # Claim the code atomically: of two simultaneous binds, only one updates the row.
        claimed = db.session.execute(
            update(InviteCode)
            .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))
            .values(used_at=now)
        ).rowcount
        if claimed != 1:
            raise failed(ApiError(422, "invite_code_invalid", "邀请码无效、已使用或已过期"))
        person = db.session.get(Person, invite.person_id)
    else:
        person = db.session.execute(
            db.select(Person).where(Person.staff_no == data["staff_no"].strip())
        ).scalar_one_or_none()
        phone = person.phone(_cipher()) if person else None
        if (
            person is None
            or person.name != data["name"].strip()
            or not phone
            or phone[-4:] != data["phone_last4"]
        ):
            # One message for every mismatch: it must not reveal which field was wrong.
            raise failed(
                ApiError(422, "bind_mismatch", "信息与党员档案不一致，请核对或联系支部书记")
            )
    if person is None or person.status != "normal":
        raise failed(ApiError(422, "bind_mismatch", "信息与党员档案不一致，请核对或联系支部书记"))
    audit.set_target(entry, person.id, person.org_id)
    entry.target_type = "person"
    existing = db.session.execute(
        db.select(WechatBinding).where(WechatBinding.person_id == person.id)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.openid == openid:
            pass  # already bound to this very account: just log in
        else:
            raise ApiError(409, "already_bound", "该党员已绑定其他微信账号，如需更换请联系支部书记")
    else:
        db.session.add(
            WechatBinding(
                person_id=person.id,
                openid=openid,
                unionid=payload.get("unionid"),
                bound_via=data["method"],
            )
        )
        try:
            db.session.flush()
        except IntegrityError as exc:
            db.session.rollback()
            raise ApiError(
                409, "already_bound", "该微信账号或党员已完成绑定，请重新登录或联系支部书记"
            ) from exc
    limiter.clear(attempts, window, "bind", openid)
    token, auth_session = issue_session("mini", person_id=person.id)
    return {"token": token, "expires_at": auth_session.expires_at, "person": person}


# -- invite codes and unbinding (secretaries) ---------------------------------------------------
def create_invite_code(person: Person, principal) -> dict:
    now = utcnow()
    db.session.execute(
        update(InviteCode)
        .where(
            InviteCode.person_id == person.id,
            InviteCode.used_at.is_(None),
            InviteCode.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
    expires = now + timedelta(days=_security("invite_code_days"))
    db.session.add(
        InviteCode(
            person_id=person.id,
            code_digest=token_digest(code),
            created_by_account_id=principal.account.id if principal.account else None,
            created_by_person_id=principal.person.id if principal.person else None,
            expires_at=expires,
        )
    )
    audit.record("person.invite_code", "person", person.id, person.org_id)
    db.session.flush()
    return {"invite_code": code, "expires_at": expires}


def unbind(person: Person) -> None:
    binding = db.session.execute(
        db.select(WechatBinding).where(WechatBinding.person_id == person.id)
    ).scalar_one_or_none()
    audit.record("person.unbind_wechat", "person", person.id, person.org_id)
    if binding is None:
        raise ApiError(404, "not_bound", "该党员尚未绑定微信")
    db.session.delete(binding)
    revoke_person_sessions(person.id)
    db.session.flush()


def bound_person_ids(person_ids: list[int]) -> set[int]:
    """Which of these people have bound WeChat — one query for a whole page."""
    if not person_ids:
        return set()
    return set(
        db.session.execute(
            db.select(WechatBinding.person_id).where(WechatBinding.person_id.in_(person_ids))
        ).scalars()
    )


# -- console passwords ----------------------------------------------------------------------
def hash_password(password: str) -> str:
    return passwords.hash(password)


def password_login(username: str, password: str) -> dict:
    ip = request.remote_addr or "?"
    per_ip = _security("ip_attempts_per_minute")
    if limiter.exhausted(per_ip, 1, "login-ip", ip):
        raise ApiError(429, "too_many_attempts", "登录尝试过于频繁，请稍后再试")
    account = db.session.execute(
        db.select(Account).where(Account.username == username.strip())
    ).scalar_one_or_none()
    entry = audit.record("auth.login", "account", account.id if account else None)
    entry.actor_label = username.strip()[:80]
    if account is not None:
        entry.actor_account_id = account.id
    now = utcnow()
    if account is not None and account.locked_until is not None and account.locked_until > now:
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        raise ApiError(423, "account_locked", f"账号因多次密码错误已锁定，请 {minutes} 分钟后再试")
    valid = False
    if account is not None and account.is_active:
        try:
            valid = passwords.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            valid = False
    else:
        # Spend the same time as a real check so response timing does not reveal usernames.
        with contextlib.suppress(VerificationError, InvalidHashError):
            passwords.verify(_dummy_hash(), password)
    if not valid:
        limiter.hit(per_ip, 1, "login-ip", ip)
        if account is not None:
            account.failed_logins += 1
            if account.failed_logins >= _security("login_max_failures"):
                account.locked_until = now + timedelta(minutes=_security("lockout_minutes"))
                account.failed_logins = 0
            db.session.commit()  # the failure count must survive the error response
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    if passwords.check_needs_rehash(account.password_hash):
        account.password_hash = passwords.hash(password)
    token, session = issue_session("web", account_id=account.id)
    return {"token": token, "expires_at": session.expires_at, "account": account}


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users (made on first use, not at import)."""
    return passwords.hash("not-a-real-password")
