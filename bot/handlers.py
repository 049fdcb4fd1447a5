"""The bot's answers to each push. Each handler does only database work (WeChat is never
called inside the 5-second window; ``followers.follow`` queues the unionid lookup)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from wechatpy.messages import BaseMessage

from server.notify import delivery, followers
from server.people.models import MANAGING_POSTS, Person

from . import menu, summaries, texts
from .registry import on_click, on_default, on_event, on_text

# -- follows and pushes ---------------------------------------------------------------------


@on_event("subscribe")
def subscribe(message: BaseMessage) -> str:
    followers.follow(message.source)
    return texts.welcome(followers.member_for(message.source) is not None)


# wechatpy names a subscribe with EventKey=qrscene_X "subscribe_scan": it is a follow, then
# a scan. Scene ids carry no meaning yet, so both answer like the welcome.
@on_event("scan", "subscribe_scan")
def scan(message: BaseMessage) -> str:
    followers.follow(message.source)  # idempotent; catches a follow we never saw
    return texts.welcome(followers.member_for(message.source) is not None)


@on_event("unsubscribe")
def unsubscribe(message: BaseMessage) -> None:
    followers.unfollow(message.source)


@on_event("templatesendjobfinish")
def template_finished(message: BaseMessage) -> None:
    delivery.template_finished(int(message.id), message.status or "")


# -- commands (text, or the menu's click buttons) -------------------------------------------


def members_only(fn: Callable[[Person], str]) -> Callable[[BaseMessage], str]:
    """Answer with ``fn(person)`` when the follower is linked to a member, else explain how
    to link."""

    @wraps(fn)
    def handler(message: BaseMessage) -> str:
        person = followers.member_for(message.source)
        if person is None:
            return texts.binding()
        return fn(person)

    return handler


@on_text("会议")
@on_click(menu.MY_MEETINGS)
@members_only
def meetings(person: Person) -> str:
    return summaries.render("meetings", person)


@on_text("学习")
@on_click(menu.MY_STUDY)
@members_only
def study(person: Person) -> str:
    return summaries.render("study", person)


@on_text("待办")
@on_click(menu.MY_TODO)
@members_only
def todo(person: Person) -> str:
    if not any(post.post in MANAGING_POSTS for post in person.posts):
        return texts.TODO_MANAGERS_ONLY
    return summaries.render("todo", person)


@on_text("绑定")
@on_click(menu.BIND)
def bind(message: BaseMessage) -> str:
    person = followers.member_for(message.source)
    return texts.binding() if person is None else texts.already_bound(person.name)


@on_text("帮助", "help", "?", "？")
@on_click(menu.HELP)
def help_(message: BaseMessage) -> str:
    return texts.HELP


@on_default
def unknown(message: BaseMessage) -> str:
    return texts.UNKNOWN
