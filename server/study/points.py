"""Points for study actions: the rules (``points.toml``) and the award, capped per day.

An award locks the member's counter for that action and day (``points_daily``, created by an
upsert that takes the row lock at once), grants what is left under the cap, and appends the
entry to the ledger, unique per source: of two awards at the same moment one waits for the
other, and a retried award of the same source adds nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.exc import IntegrityError

from ..db_types import locked_row
from ..extensions import db
from ..people.models import Person
from .models import PointsDaily, PointsEntry

DEFAULT_FILE = Path(__file__).parent / "points.toml"
ACTIONS = ("reading", "punch_in", "quiz")


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    points: int
    unit: str  # "action" or "minutes"
    minutes: int | None
    daily_cap: int

    def amount(self, units: int) -> int:
        """Points for ``units`` actions, or for ``units`` minutes of reading."""
        if self.unit == "minutes":
            return self.points * (units // self.minutes)
        return self.points * units


class _RuleSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=20))
    points = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    unit = fields.String(required=True, validate=validate.OneOf(["action", "minutes"]))
    minutes = fields.Integer(validate=validate.Range(min=1, max=600))
    daily_cap = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))

    @validates_schema
    def _minutes_for_reading(self, data, **_kwargs):
        if data["unit"] == "minutes" and not data.get("minutes"):
            raise ValidationError("unit = minutes needs minutes", "minutes")


@cache
def load(path: str = "") -> dict[str, Rule]:
    """The rules of ``path`` (the packaged points.toml when empty); ValueError naming the key."""
    file = Path(path) if path else DEFAULT_FILE
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"积分规则文件 {file} 无法读取：{exc}") from exc
    unknown = sorted(set(raw) - set(ACTIONS))
    missing = sorted(set(ACTIONS) - set(raw))
    if unknown or missing:
        raise ValueError(f"积分规则文件 {file}：未知 {unknown}，缺少 {missing}")
    rules = {}
    for action, values in raw.items():
        try:
            data = _RuleSchema().load(values)
        except ValidationError as exc:
            raise ValueError(f"积分规则文件 {file} 的 [{action}] 有误：{exc.messages}") from exc
        rules[action] = Rule(action, data["label"], data["points"], data["unit"],
                             data.get("minutes"), data["daily_cap"])  # fmt: skip
    return rules


def rules() -> dict[str, Rule]:
    return load(current_app.config["STUDY"]["points_file"])


def award(person: Person, action: str, units: int, source: str, on: date) -> int:
    """Award ``person`` for ``units`` of ``action`` (``source`` names what earned it) on the
    day ``on``; returns the points granted (0 at the cap, or if ``source`` was awarded)."""
    rule = rules()[action]
    amount = rule.amount(units)
    if amount <= 0:
        return 0
    counter = _counter(person.id, action, on)
    grant = min(amount, rule.daily_cap - counter.points)
    if grant <= 0:
        return 0
    try:
        with db.session.begin_nested():
            db.session.add(
                PointsEntry(
                    person_id=person.id,
                    org_id=person.org_id,
                    action=action,
                    points=grant,
                    day=on,
                    source=source,
                )
            )
    except IntegrityError:
        return 0  # this source has been awarded already
    counter.points += grant
    return grant


def _counter(person_id: int, action: str, on: date) -> PointsDaily:
    """The day's counter, created if need be and locked."""
    return locked_row(
        PointsDaily, {"person_id": person_id, "action": action, "day": on}, {"points": 0}
    )
