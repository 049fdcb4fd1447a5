"""The rotating check-in code shown on the projector.

A token is ``<meeting id base36>.<slot base36>.<mac>``: the slot is the number of
``qr_rotate_seconds`` periods since the epoch, the MAC an HMAC-SHA256 of meeting, slot and the
meeting's own random secret under the server's secret key, cut to 16 base64url characters (96
bits). At most 6 + 1 + 6 + 1 + 16 = 30 characters from ``[0-9a-z._A-Z-]``, so it also fits a
mini-program code's ``scene`` (≤ 32 characters).

A token proves only that someone saw the screen during that slot; who checks in is the member of
the session that sends it, so a relayed photo is useless without the recipient being a
participant, and the two-slot validity keeps a relayed code alive for under a minute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_LENGTH = 32
_SHAPE = re.compile(r"^([0-9a-z]{1,7})\.([0-9a-z]{1,7})\.([A-Za-z0-9_-]{16})$")


@dataclass(frozen=True)
class ParsedToken:
    meeting_id: int
    slot: int
    mac: str


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def slot_at(timestamp: float, rotate_seconds: int) -> int:
    return int(timestamp // rotate_seconds)


def _mac(key: bytes, meeting_id: int, slot: int, meeting_secret: str) -> str:
    message = f"checkin|{meeting_id}|{slot}|{meeting_secret}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def make(key: bytes, meeting_id: int, slot: int, meeting_secret: str) -> str:
    return f"{_b36(meeting_id)}.{_b36(slot)}.{_mac(key, meeting_id, slot, meeting_secret)}"


def parse(token: str) -> ParsedToken | None:
    """The token's parts, or None when it is not shaped like one of ours."""
    if not isinstance(token, str) or len(token) > MAX_LENGTH:
        return None
    match = _SHAPE.match(token)
    if match is None:
        return None
    meeting_id = int(match.group(1), 36)
    if not 1 <= meeting_id <= 2**31 - 1:
        return None
    return ParsedToken(meeting_id, int(match.group(2), 36), match.group(3))


def verify(key: bytes, parsed: ParsedToken, meeting_secret: str) -> bool:
    expected = _mac(key, parsed.meeting_id, parsed.slot, meeting_secret)
    return hmac.compare_digest(expected, parsed.mac)
