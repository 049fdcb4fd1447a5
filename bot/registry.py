"""Which handler answers which push: a table filled by decorators, not an if-chain.

A handler takes the parsed wechatpy message and returns the reply text, or None for no reply
(WeChat then gets the plain ``success``)::

    @on_event("unsubscribe")
    def unsubscribe(message): ...

    @on_text("会议")
    @on_click(menu.MY_MEETINGS)
    def meetings(message): ...

Events without a handler (VIEW, LOCATION, unknown ones) get no reply; messages without one
(other text, images, voice...) go to the ``@on_default`` handler.
"""

from __future__ import annotations

from collections.abc import Callable

from wechatpy.events import BaseEvent
from wechatpy.messages import BaseMessage, UnknownMessage

Handler = Callable[[BaseMessage], str | None]

_events: dict[str, Handler] = {}
_texts: dict[str, Handler] = {}
_clicks: dict[str, Handler] = {}
_default: list[Handler] = []


def _register(table: dict[str, Handler], keys: tuple[str, ...]):
    def decorator(fn: Handler) -> Handler:
        for key in keys:
            if key in table:
                raise ValueError(f"{key!r} already has a handler")
            table[key] = fn
        return fn

    return decorator


def on_event(*events: str):
    """Events by wechatpy's lower-case name: ``subscribe``, ``subscribe_scan`` (subscribe with
    ``EventKey=qrscene_…``), ``scan``, ``unsubscribe``, ``templatesendjobfinish``…"""
    return _register(_events, tuple(e.lower() for e in events))


def on_text(*words: str):
    """Text messages whose trimmed content is exactly one of ``words``."""
    return _register(_texts, tuple(w.strip() for w in words))


def on_click(*keys: str):
    """CLICK events of the custom-menu buttons with these keys."""
    return _register(_clicks, keys)


def on_default(fn: Handler) -> Handler:
    _default[:] = [fn]
    return fn


def find(message: BaseMessage) -> Handler | None:
    if isinstance(message, BaseEvent):
        if message.event == "click":
            return _clicks.get(message.key or "")
        return _events.get(message.event)
    if isinstance(message, UnknownMessage) and message._data.get("MsgType") == "event":
        return None  # an event wechatpy has no class for (it keeps the raw fields in _data)
    if message.type == "text":
        handler = _texts.get((message.content or "").strip())
        if handler is not None:
            return handler
    return _default[0] if _default else None


def dispatch(message: BaseMessage) -> str | None:
    handler = find(message)
    return handler(message) if handler is not None else None
