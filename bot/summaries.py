"""What the 会议 / 学习 / 待办 commands list, filled by the modules that own the data.

The bot does not know meetings or study tasks; their modules register providers::

    from bot import summaries

    def upcoming(person) -> list[str | summaries.Line]:
        return [summaries.Line("12-01 支部党员大会 未签到", "pages/meeting/detail/index?id=7")]

    summaries.register("meetings", upcoming)

A topic may have several providers (待办: approvals and leave requests); their lines are shown
in registration order, at most ``MAX_LINES`` and within the reply size, the rest counted.
With nothing registered or nothing returned the reply says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from server.people.models import Person

from .texts import HOME_PAGE, MAX_REPLY_BYTES, mini_link, plain

MAX_LINES = 5


@dataclass(frozen=True)
class Line:
    text: str
    page: str | None = None  # mini-program page the line opens


@dataclass(frozen=True)
class Topic:
    title: str
    empty: str
    page: str = HOME_PAGE  # where "还有 N 项" points


Provider = Callable[[Person], list[str | Line]]

TOPICS = {
    "meetings": Topic("近期会议", "近期没有需要参加的会议。"),
    "study": Topic("今日学习", "今天没有待完成的学习任务。"),
    "todo": Topic("待办事项", "目前没有等待处理的审批和请假申请。"),
}

_providers: dict[str, list[Provider]] = {name: [] for name in TOPICS}


def register(topic: str, provider: Provider) -> Provider:
    if topic not in TOPICS:
        raise ValueError(f"unknown summary topic {topic!r}")
    if provider not in _providers[topic]:
        _providers[topic].append(provider)
    return provider


def unregister(topic: str, provider: Provider) -> None:
    if provider in _providers.get(topic, []):
        _providers[topic].remove(provider)


def collect(topic: str, person: Person) -> list[Line]:
    lines: list[Line] = []
    for provider in _providers[topic]:
        for item in provider(person) or []:
            lines.append(item if isinstance(item, Line) else Line(str(item)))
    return lines


def render(topic: str, person: Person) -> str:
    spec = TOPICS[topic]
    lines = collect(topic, person)
    if not lines:
        return spec.empty
    head = f"{spec.title}："
    shown: list[str] = []
    for line in lines[:MAX_LINES]:
        text = plain(line.text)
        entry = "· " + (mini_link(text, line.page) if line.page else text)
        hidden = len(lines) - len(shown) - 1
        if _size([head, *shown, entry, *_more(hidden, spec)]) >= MAX_REPLY_BYTES:
            break
        shown.append(entry)
    return "\n".join([head, *shown, *_more(len(lines) - len(shown), spec)])


def _more(hidden: int, spec: Topic) -> list[str]:
    if hidden <= 0:
        return []
    return [f"还有 {hidden} 项，请{mini_link('打开小程序', spec.page)}查看。"]


def _size(parts: list[str]) -> int:
    return len("\n".join(parts).encode())
