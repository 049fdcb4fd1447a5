"""Checks of personal identifiers (GB 11643 citizen ID numbers, mainland mobile numbers)."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
STAFF_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
NAME_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z·• .-]{1,50}$")


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_problem(value: str) -> str | None:
    """None when ``value`` is a valid 18-digit citizen ID number, else a Chinese reason."""
    if not _ID_RE.match(value):
        return "公民身份号码应为 18 位（末位可为 X）"
    if _CHECK[sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True)) % 11] != value[17]:
        return "公民身份号码校验位不正确"
    if birth_date_from_id(value) is None:
        return "公民身份号码中的出生日期无效"
    return None


def birth_date_from_id(value: str) -> date | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    if born.year < 1900 or born > date.today():
        return None
    return born


def gender_from_id(value: str) -> str:
    return "male" if int(value[16]) % 2 else "female"


def make_id_number(prefix6: str, born: date, seq3: str) -> str:
    """Build a valid ID number (demo data and tests)."""
    body = f"{prefix6}{born:%Y%m%d}{seq3}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
