"""Scanning in: the projector's rotating code, the check-in itself, sign-out, and what the
secretary does about doubtful check-ins (anomaly flags, revoke, 补签)."""

from __future__ import annotations

import ipaddress
import math
import statistics
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from flask import current_app, request
from sqlalchemy import Insert, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..auth.principal import MEMBER_OF_SESSION, PendingCaller
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import local_time
from . import checkin_token, facts
from .facts import MeetingFacts
from .models import (
    ARCHIVED,
    CANCELLED,
    DRAFT,
    MANUAL,
    QR,
    CheckIn,
    Meeting,
    Participant,
)
from .services import (
    ATTENDANCE_LABELS,
    attendance_of,
    counts,
    late_after,
    opens_at,
    participant_of,
    participant_rows,
    phase,
    settings,
    tally,
)

CHECKIN_PATH = "/m/checkin"


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _rotate() -> int:
    return settings()["qr_rotate_seconds"]


def _beijing(moment: datetime) -> str:
    return local_time(moment).strftime("%m月%d日 %H:%M")


# -- the projector ---------------------------------------------------------------------------


def checkin_url(token: str) -> str:
    base = current_app.config["APP"]["public_base_url"].rstrip("/")
    return f"{base}{CHECKIN_PATH}?{urlencode({'t': token})}"


def current_code(meeting: Meeting, now: float | None = None) -> dict:
    """What the projector shows now: the token, its URL as a QR (SVG) and the live count."""
    if meeting.status in (DRAFT, CANCELLED):
        raise ApiError(409, "meeting_not_published", "会议未发布或已取消，不能签到")
    now = time.time() if now is None else now
    rotate = _rotate()
    slot = checkin_token.slot_at(now, rotate)
    token = checkin_token.make(_key(), meeting.id, slot, meeting.checkin_secret)
    url = checkin_url(token)
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = BytesIO()
    image.save(svg)
    return {
        "meeting_id": meeting.id,
        "title": meeting.title,
        "token": token,
        "url": url,
        "svg": svg.getvalue().decode(),
        "slot_seconds": rotate,
        "expires_in": round((slot + 1) * rotate - now, 3),
        "opens_at": opens_at(meeting),
        "closes_at": meeting.end_at,
        "phase": phase(meeting),
        "counts": counts(meeting),
    }


# -- checking in -----------------------------------------------------------------------------


def _network_of(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    radius = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))


def _resolve(data: dict, now: datetime) -> tuple[MeetingFacts, int, datetime, bool]:
    """Token → (meeting, slot, when the member was there, sent late?) or the precise error."""
    parsed = checkin_token.parse(data["token"])
    if parsed is None:
        raise ApiError(400, "qr_invalid", "这不是本系统的签到二维码")
    meeting = facts.get(parsed.meeting_id)
    if meeting is None or not checkin_token.verify(_key(), parsed, meeting.checkin_secret):
        raise ApiError(400, "qr_invalid", "签到二维码无效，请扫描大屏上的二维码")
    rotate = _rotate()
    current = checkin_token.slot_at(now.replace(tzinfo=UTC).timestamp(), rotate)
    if parsed.slot > current:
        raise ApiError(400, "qr_invalid", "签到二维码无效，请扫描大屏上的二维码")
    if parsed.slot >= current - 1:
        return meeting, parsed.slot, now, False
    # An older code is only good as the retry of a scan the phone could not send at the time.
    scanned_at = data.get("scanned_at")
    if scanned_at is None:
        raise ApiError(400, "qr_expired", "二维码已更新，请重新扫描大屏上的二维码")
    shown_from = datetime.fromtimestamp(parsed.slot * rotate, UTC).replace(tzinfo=None)
    shown_until = shown_from + timedelta(seconds=2 * rotate)
    minutes = settings()["offline_limit_minutes"]
    if now - shown_from > timedelta(minutes=minutes, seconds=2 * rotate):
        raise ApiError(
            400,
            "offline_too_late",
            f"这次扫码距今已超过 {minutes} 分钟，不能补传，请联系书记补签",
        )
    # The phone's clock may be off: the scan happened while the code was shown, whatever it says.
    when = min(max(scanned_at, shown_from), shown_until)
    return meeting, parsed.slot, when, True


def _check_window(meeting: MeetingFacts, when: datetime) -> None:
    if meeting.status == CANCELLED:
        raise ApiError(409, "meeting_cancelled", "会议已取消")
    if meeting.status == DRAFT:
        raise ApiError(400, "qr_invalid", "签到二维码无效")
    if when < opens_at(meeting):
        raise ApiError(
            409, "checkin_not_open", f"签到尚未开始，将于 {_beijing(opens_at(meeting))} 开放"
        )
    if when >= meeting.end_at:
        raise ApiError(409, "checkin_closed", "会议已结束，签到已关闭；如需补签请联系书记")


def _check_fence(meeting: MeetingFacts, location: dict | None) -> float | None:
    if location is None:
        if meeting.radius_m is not None:
            raise ApiError(400, "location_required", "本次会议需要定位签到，请允许获取位置后重试")
        return None
    if meeting.radius_m is None:
        return None
    distance = distance_m(
        meeting.latitude, meeting.longitude, location["latitude"], location["longitude"]
    )
    # A phone's fix is uncertain by its reported accuracy; give it the benefit, within reason.
    slack = min(location.get("accuracy") or 0, 100)
    if distance - slack > meeting.radius_m:
        raise ApiError(
            403,
            "out_of_range",
            f"你距会场约 {round(distance)} 米，超出签到范围（{meeting.radius_m} 米）",
        )
    return round(distance, 1)


# The participant check and the insert in one statement: a row is inserted only for someone on
# the meeting's list (nothing inserted = not a participant), and the unique (meeting, person)
# turns a second scan into an IntegrityError. The person is a bound id, or the caller's session
# itself (``MEMBER_OF_SESSION``), so that the same statement checks who is calling.
_COLUMNS = (
    "meeting_id", "person_id", "source", "checked_in_at", "received_at", "late", "sent_late",
    "idempotency_key", "slot", "ip", "network", "user_agent", "device_id", "device_model",
    "device_system", "network_type", "latitude", "longitude", "accuracy_m", "distance_m",
)  # fmt: skip
_checkins, _participants = CheckIn.__table__, Participant.__table__


def _insert_for(person) -> Insert:
    meeting_id = bindparam("meeting_id", type_=_checkins.c.meeting_id.type)
    values = [
        _participants.c.person_id
        if name == "person_id"
        else meeting_id
        if name == "meeting_id"
        else bindparam(name, type_=_checkins.c[name].type)
        for name in _COLUMNS
    ]
    chosen = select(*values).where(
        _participants.c.meeting_id == meeting_id, _participants.c.person_id == person
    )
    return insert(_checkins).from_select(list(_COLUMNS), chosen)


_INSERT_FOR_PERSON = _insert_for(bindparam("person_id", type_=_participants.c.person_id.type))
_INSERT_FOR_SESSION = _insert_for(MEMBER_OF_SESSION)


def _person_id(caller: PendingCaller) -> int:
    """The caller's person id, reading their session (401/403 for a bad one)."""
    person_id = caller.person_id
    if person_id is None:
        raise ApiError(403, "no_member", "该账号未关联党员档案")
    return person_id


def _person(caller: PendingCaller):
    """Where the caller goes in a statement, and its parameters: their session while it is
    unread (the statement checks it), else their person id."""
    if caller.known:
        return _person_id(caller), {}
    return MEMBER_OF_SESSION, caller.session_params()


def check_in(data: dict, caller: PendingCaller) -> tuple[CheckIn, bool]:
    """Check the caller in with a scanned token. Returns (check-in, created?); a second scan
    returns the first check-in.

    This is the hot path of a 1,500-person meeting (bench/checkin.py): the meeting comes from
    the per-process cache (facts.py), and the caller's session, the participant check and the
    insert are one statement. Only a losing (second) scan reads the existing row; only a
    caller the statement did not take (not on the list, a console session, a bad token)
    costs a separate read of the session.
    """
    now = utcnow().replace(microsecond=0)  # what DATETIME keeps: answers match re-reads
    meeting, slot, when, sent_late = _resolve(data, now)
    _check_window(meeting, when)
    try:
        distance = _check_fence(meeting, data.get("location"))
    except ApiError:
        # Already checked in from inside the fence: the second scan is answered with that.
        existing = _existing(meeting, caller)
        if existing is not None:
            return existing, False
        raise
    device = data.get("device") or {}
    location = data.get("location") or {}
    ip = request.remote_addr
    values = {
        "meeting_id": meeting.id,
        "source": QR,
        "checked_in_at": when,
        "received_at": now,
        "late": when > late_after(meeting),
        "sent_late": sent_late,
        "idempotency_key": data["idempotency_key"],
        "slot": slot,
        "ip": ip,
        "network": _network_of(ip),
        "user_agent": (request.user_agent.string or "")[:255] or None,
        "device_id": device.get("id"),
        "device_model": device.get("model"),
        "device_system": device.get("system"),
        "network_type": device.get("network_type"),
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "accuracy_m": location.get("accuracy"),
        "distance_m": distance,
    }
    try:
        # A failed statement leaves the transaction usable (MySQL and SQLite roll back only the
        # statement), so no savepoint is needed.
        if not caller.known:
            result = db.session.execute(_INSERT_FOR_SESSION, {**values, **caller.session_params()})
            if result.rowcount:
                caller.confirm()
                return _answer(meeting, result.lastrowid, values), True
        # Not taken by the session's statement: read the session (401/403 for a bad one) and
        # try as that person (a console session may be a member's too).
        values["person_id"] = _person_id(caller)
        result = db.session.execute(_INSERT_FOR_PERSON, values)
    except IntegrityError:
        # The same member's other request won the unique (meeting, person): answer with it.
        # A locking read sees their committed row, which this transaction's snapshot may not.
        existing = _existing(meeting, caller, latest=True)
        if existing is None:
            raise
        return existing, False
    if result.rowcount == 0:
        raise ApiError(403, "not_participant", "你不在本次会议的参会名单中")
    return _answer(meeting, result.lastrowid, values), True


def _answer(meeting: MeetingFacts, checkin_id: int, values: dict) -> CheckIn:
    """The new check-in as the answer shows it (not added to the session: it is stored)."""
    row = CheckIn(id=checkin_id, **values)
    row.meeting_title = meeting.title
    return row


def _existing(meeting: MeetingFacts, caller: PendingCaller, latest: bool = False) -> CheckIn | None:
    person, params = _person(caller)
    query = select(CheckIn).where(CheckIn.meeting_id == meeting.id, CheckIn.person_id == person)
    if latest:
        query = query.with_for_update(read=True)
    row = db.session.execute(query, params).scalar_one_or_none()
    if params:  # looked up through the session
        if row is None:
            # Not a member's session (401/403 now), or a console session that may be one.
            _person_id(caller)
            return _existing(meeting, caller, latest)
        caller.confirm()
    if row is not None and row.revoked_at is not None:
        raise ApiError(
            409, "checkin_revoked", f"你的签到已被撤销（{row.revoke_reason}），如有异议请联系书记"
        )
    if row is not None:
        row.meeting_title = meeting.title  # (the meeting itself is not loaded)
    return row


def sign_out(data: dict, person_id: int) -> CheckIn:
    now = utcnow().replace(microsecond=0)  # what DATETIME keeps: answers match re-reads
    meeting, _slot, when, _late = _resolve(data, now)
    if not meeting.sign_out:
        raise ApiError(409, "sign_out_not_enabled", "本次会议不需要签退")
    if meeting.status == CANCELLED:
        raise ApiError(409, "meeting_cancelled", "会议已取消")
    row = db.session.execute(
        select(CheckIn)
        .where(CheckIn.meeting_id == meeting.id, CheckIn.person_id == person_id)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise ApiError(409, "not_checked_in", "你还没有签到，不能签退")
    if when < meeting.start_at:
        raise ApiError(409, "sign_out_too_early", "会议开始后才能签退")
    if row.signed_out_at is None:
        # Leaving later than the end still counts until the end (the hours of a 党课).
        row.signed_out_at = min(when, meeting.end_at + timedelta(hours=2))
    return row


# -- the secretary's live view ---------------------------------------------------------------


def attendance(meeting: Meeting) -> dict:
    now = utcnow().replace(microsecond=0)  # what DATETIME keeps: answers match re-reads
    rows = participant_rows(meeting)
    checkins = [c for _p, c, _l in rows if c is not None]
    flags = anomaly_flags(checkins, meeting)
    items = []
    for participant, checkin, leave in rows:
        state = attendance_of(meeting, checkin, leave, now)
        if checkin is not None:
            checkin.flags = flags.get(checkin.id, [])
        items.append(
            {
                "person_id": participant.person_id,
                "name": participant.person.name,
                "role": participant.role,
                "attendance": state,
                "attendance_label": ATTENDANCE_LABELS[state],
                "checkin": checkin,
                "leave": leave,
            }
        )
    summary = Counter(flag for found in flags.values() for flag in found)
    return {
        "counts": tally(meeting, rows, now),
        "anomalies": {
            name: summary.get(name, 0)
            for name in (
                "shared_device",
                "shared_address",
                "network_outlier",
                "location_outlier",
                "sent_late",
            )
        },
        "items": items,
    }


def anomaly_flags(checkins: list[CheckIn], meeting: Meeting) -> dict[int, list[str]]:
    """Signals that a check-in may not be what it seems; the secretary decides.

    - ``shared_device``: one device id checked in several members (a phone passed around).
    - ``network_outlier``: when one network (IPv4 /24, IPv6 /48) holds at least half of the
      check-ins (the room's Wi-Fi), a different network shared by at most a quarter of them (the
      member was elsewhere, or on mobile data); ``shared_address``: such an outside address
      that checked in several members (proxies at home).
    - ``location_outlier``: far from the median of the reported locations.
    """
    valid = [c for c in checkins if c.revoked_at is None and c.source == QR]
    flags: dict[int, list[str]] = defaultdict(list)
    by_device: dict[str, set[int]] = defaultdict(set)
    by_ip: dict[str, set[int]] = defaultdict(set)
    for c in valid:
        if c.device_id:
            by_device[c.device_id].add(c.person_id)
        if c.ip:
            by_ip[c.ip].add(c.person_id)
    networks = Counter(c.network for c in valid if c.network)
    total = sum(networks.values())
    room, in_room = networks.most_common(1)[0] if networks else (None, 0)
    crowded = total >= 5 and in_room * 2 >= total
    for c in valid:
        if c.device_id and len(by_device[c.device_id]) > 1:
            flags[c.id].append("shared_device")
        if crowded and c.network and c.network != room and networks[c.network] * 4 <= total:
            flags[c.id].append("network_outlier")
            if c.ip and len(by_ip[c.ip]) > 1:
                flags[c.id].append("shared_address")
    located = [c for c in valid if c.latitude is not None and c.longitude is not None]
    if meeting.radius_m is None and len(located) >= 3:
        lat = statistics.median(c.latitude for c in located)
        lng = statistics.median(c.longitude for c in located)
        limit = settings()["location_outlier_m"]
        for c in located:
            if distance_m(lat, lng, c.latitude, c.longitude) > limit:
                flags[c.id].append("location_outlier")
    for c in checkins:
        if c.sent_late:
            flags[c.id].append("sent_late")
        if c.source == MANUAL:
            flags[c.id].append("manual")
    return flags


def _item(meeting: Meeting, person_id: int) -> dict:
    for item in attendance(meeting)["items"]:
        if item["person_id"] == person_id:
            return item
    raise ApiError(404, "not_found", "该人员不在参会名单中")


def _check_open_record(meeting: Meeting) -> None:
    """Attendance can be corrected until the meeting is archived (then the minutes hold it)."""
    if meeting.status in (DRAFT, CANCELLED):
        raise ApiError(409, "meeting_not_published", "会议未发布或已取消")
    if meeting.status == ARCHIVED:
        raise ApiError(409, "meeting_archived", "会议已归档，出勤记录不能再修改")


def revoke(meeting: Meeting, checkin_id: int, reason: str, principal) -> dict:
    _check_open_record(meeting)
    row = db.session.execute(
        select(CheckIn)
        .where(CheckIn.id == checkin_id, CheckIn.meeting_id == meeting.id)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise ApiError(404, "not_found", "签到记录不存在")
    if row.revoked_at is not None:
        raise ApiError(409, "already_revoked", "该签到已被撤销")
    row.revoked_at = utcnow().replace(microsecond=0)
    row.revoke_reason = reason
    row.revoked_by = principal.label[:100]
    audit.record(
        "meeting.checkin.revoke",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"checkin_id": row.id, "person_id": row.person_id, "reason": reason},
    )
    db.session.flush()
    return _item(meeting, row.person_id)


def manual(meeting: Meeting, data: dict, principal) -> dict:
    """补签: the secretary records someone as present, with a reason (audited)."""
    _check_open_record(meeting)
    now = utcnow().replace(microsecond=0)  # what DATETIME keeps: answers match re-reads
    if now < opens_at(meeting):
        raise ApiError(409, "checkin_not_open", "签到开始前不能补签")
    person_id = data["person_id"]
    if participant_of(meeting.id, person_id) is None:
        raise ApiError(404, "not_participant", "该人员不在参会名单中")
    late = bool(data.get("late"))
    # Look up without a lock first: a locking read of a missing row takes a gap lock that
    # deadlocks against the member's own simultaneous scan (the unique key settles that race).
    found = db.session.execute(
        select(CheckIn.id).where(CheckIn.meeting_id == meeting.id, CheckIn.person_id == person_id)
    ).scalar_one_or_none()
    row = None
    if found is not None:
        row = db.session.execute(
            select(CheckIn).where(CheckIn.id == found).with_for_update()
        ).scalar_one()
    if row is not None and row.revoked_at is None:
        raise ApiError(409, "already_checked_in", "该人员已签到，无需补签")
    when = min(now, meeting.end_at) if late else min(now, meeting.start_at)
    values = {
        "source": MANUAL,
        "checked_in_at": when,
        "received_at": now,
        "late": late,
        "sent_late": False,
        "manual_reason": data["reason"],
        "recorded_by": principal.label[:100],
        "revoked_at": None,
        "revoke_reason": None,
        "revoked_by": None,
    }
    if row is None:
        row = CheckIn(meeting_id=meeting.id, person_id=person_id, **values)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            raise ApiError(409, "already_checked_in", "该人员刚刚已签到，无需补签") from None
    else:
        for name, value in values.items():
            setattr(row, name, value)
    audit.record(
        "meeting.checkin.manual",
        "meeting",
        meeting.id,
        meeting.org_id,
        {"person_id": person_id, "reason": data["reason"], "late": late},
    )
    db.session.flush()
    return _item(meeting, person_id)
