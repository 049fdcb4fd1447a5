"""Notification kinds from TOML, and fitting values to WeChat's template limits.

The kinds are fixed in code (``KINDS``: the rest of the platform sends them); their wording,
pages and WeChat template ids come from ``templates.toml`` (or the file named by
``notifications.templates_file``) and are validated at start-up, so a typo in a deployment's
file stops the server with the key named instead of failing at the first send.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

BUNDLED = Path(__file__).with_name("templates.toml")

KINDS = (
    "meeting_notice",
    "meeting_reminder",
    "meeting_changed",
    "meeting_cancelled",
    "compliance_due",
    "leave_result",
    "development_step_open",
    "development_step_due",
    "approval_needed",
    "approval_result",
    "study_reminder",
    "news_digest",
    "feedback_reply",
    "feedback_new",
    "feedback_due",
    "branch_notice",
    "announcement",
)

# Longest value WeChat accepts per keyword type (WECHAT.md); other types are passed through.
LIMITS = {
    "thing": 20,
    "number": 32,
    "letter": 32,
    "character_string": 32,
    "phrase": 5,
    "name": 10,
    "symbol": 5,
    "car_number": 8,
    "phone_number": 17,
}
KEYWORD = re.compile(r"^(?P<type>[a-z_]+?)(?P<n>\d+)$")
PAGE = re.compile(r"^[a-z0-9_/\-]+(\?[A-Za-z0-9_=&{}\-]*)?$")


class TemplateError(ValueError):
    """A notification was sent without a value its kind's texts need."""


def _placeholders(text: str) -> set[str]:
    names = set()
    for _, name, spec, conv in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise ValidationError(f"占位符只能是 {{名称}}：{text}")
        names.add(name)
    return names


class _ChannelSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Length(max=64))
    fields = fields.Dict(
        keys=fields.String(validate=validate.Regexp(KEYWORD)),
        values=fields.String(validate=validate.Regexp(r"^[a-z_][a-z0-9_]*$")),
        load_default=dict,
    )


class _KindSchema(Schema):
    class Meta:
        unknown = RAISE

    label = fields.String(required=True, validate=validate.Length(min=1, max=20))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    body = fields.String(required=True, validate=validate.Length(min=1, max=500))
    page = fields.String(load_default=None, validate=validate.Regexp(PAGE))
    urgent = fields.Boolean(load_default=False)
    switchable = fields.Boolean(load_default=True)
    template = fields.Nested(_ChannelSchema, load_default=None)
    subscribe = fields.Nested(_ChannelSchema, load_default=None)

    @validates_schema
    def _texts(self, data, **_):
        for key in ("title", "body", "page"):
            if data.get(key):
                _placeholders(data[key])


@dataclass(frozen=True)
class Channel:
    template_id: str
    fields: dict[str, str]  # keyword → value name


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    title: str
    body: str
    page: str | None
    urgent: bool
    switchable: bool
    template: Channel | None
    subscribe: Channel | None
    needs: frozenset[str] = field(default_factory=frozenset)


def load_kinds(path: str | Path | None = None) -> dict[str, Kind]:
    path = Path(path) if path else BUNDLED
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"无法读取通知模板文件 {path}：{exc}") from exc
    problems: dict[str, Any] = {}
    missing = [kind for kind in KINDS if kind not in raw]
    unknown = [kind for kind in raw if kind not in KINDS]
    if missing:
        problems["missing"] = missing
    if unknown:
        problems["unknown"] = unknown
    kinds = {}
    for name in KINDS:
        if name not in raw:
            continue
        try:
            data = _KindSchema().load(raw[name])
        except ValidationError as exc:
            problems[name] = exc.messages
            continue
        channels = {}
        needs = set()
        for text in (data["title"], data["body"], data["page"] or ""):
            needs |= _placeholders(text)
        for which in ("template", "subscribe"):
            spec = data[which]
            channels[which] = Channel(spec["id"], spec["fields"]) if spec and spec["id"] else None
            if spec:
                needs |= set(spec["fields"].values())
        kinds[name] = Kind(
            name=name,
            label=data["label"],
            title=data["title"],
            body=data["body"],
            page=data["page"],
            urgent=data["urgent"],
            switchable=data["switchable"],
            template=channels["template"],
            subscribe=channels["subscribe"],
            needs=frozenset(needs),
        )
    if problems:
        raise ValueError(f"通知模板文件 {path} 有误：{problems}")
    return kinds


# -- rendering --------------------------------------------------------------------------------


def in_zone(value: datetime, tz: ZoneInfo) -> datetime:
    # Naive datetimes are UTC, as everywhere in this code base.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def text_value(value: Any, tz: ZoneInfo) -> str:
    """A value as people read it in the inbox."""
    if isinstance(value, datetime):
        local = in_zone(value, tz)
        return f"{local.month}月{local.day}日 {local:%H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


def fit(keyword: str, value: Any, tz: ZoneInfo) -> str:
    """``value`` as WeChat accepts it for ``keyword`` (thing1, time2, ...)."""
    match = KEYWORD.match(keyword)
    kind = match.group("type") if match else keyword
    if kind == "time":
        if isinstance(value, datetime):
            local = in_zone(value, tz)
            return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        if isinstance(value, date):
            return f"{value.year}年{value.month}月{value.day}日"
    if kind == "date":
        if isinstance(value, datetime):
            value = in_zone(value, tz).date()
        if isinstance(value, date):
            return f"{value.year}年{value.month}月{value.day}日"
    text = text_value(value, tz)
    text = " ".join(text.split())  # WeChat shows one line; newlines only waste the budget
    if kind == "number":
        text = re.sub(r"[^0-9.]", "", text) or "0"
    limit = LIMITS.get(kind)
    if limit is not None and len(text) > limit:
        # The ellipsis counts: "…" is one character of the 20.
        text = text[: limit - 1] + "…" if limit > 5 else text[:limit]
    if kind == "thing" and not text:
        text = "—"  # an empty thing is rejected too
    return text


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    page: str | None
    payload: dict[str, dict[str, dict[str, str]]]


def render(kind: Kind, data: dict[str, Any], tz: ZoneInfo) -> Rendered:
    missing = kind.needs - set(data)
    if missing:
        raise TemplateError(f"{kind.name} needs values for {sorted(missing)}")
    texts = {name: text_value(value, tz) for name, value in data.items()}
    page = None
    if kind.page:
        page = kind.page.format_map({k: quote(v, safe="") for k, v in texts.items()})
    payload = {}
    for which in ("template", "subscribe"):
        channel = getattr(kind, which)
        if channel is None:
            continue
        payload[which] = {
            keyword: {"value": fit(keyword, data[name], tz)}
            for keyword, name in channel.fields.items()
        }
    title = kind.title.format_map(texts)
    body = kind.body.format_map(texts)
    return Rendered(
        title=_clip(title, 100),
        body=_clip(body, 1000),
        page=page,
        payload=payload,
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
