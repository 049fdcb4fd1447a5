"""What the bot says. Short on purpose: WeChat shows text replies as one chat bubble, and
every reply here stays under ``MAX_REPLY_BYTES``."""

from __future__ import annotations

import html
import re

from flask import current_app

MAX_REPLY_BYTES = 600
HOME_PAGE = "pages/me/index"

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def mini_link(label: str, page: str = HOME_PAGE) -> str:
    """A text-message link that opens a mini-program page (the mini-program must be
    associated with the official account)."""
    appid = html.escape(current_app.config["WECHAT"]["mini_appid"])
    return (
        f'<a data-miniprogram-appid="{appid}" data-miniprogram-path="{html.escape(page)}">'
        f"{label}</a>"
    )


def plain(text: str, limit: int = 30) -> str:
    """Data shown inside a reply (a meeting title, a name): one line, no markup, bounded."""
    text = _SPACE.sub(" ", _UNSAFE.sub("", str(text))).strip()
    text = text.replace("<", "＜").replace(">", "＞")
    return text if len(text) <= limit else text[: limit - 1] + "…"


COMMANDS = "回复“会议”“学习”“待办”“绑定”或“帮助”。"

HELP = (
    "可用指令：\n"
    "会议 — 近期会议和签到情况\n"
    "学习 — 今日学习任务、连续天数和积分\n"
    "待办 — 待审批事项和请假申请（书记、支委）\n"
    "绑定 — 如何关联党员身份\n"
    "帮助 — 显示本说明"
)

UNKNOWN = "没有这个指令。" + COMMANDS

TODO_MANAGERS_ONLY = "“待办”供支部书记和支委查看待审批事项和请假申请。" + COMMANDS


def binding() -> str:
    return (
        "关联党员身份：\n"
        f"1. {mini_link('打开智慧党建小程序')}，用微信登录并按提示绑定党员身份"
        "（邀请码向支部书记索取）；\n"
        "2. 公众号与小程序使用同一个微信号，绑定后会自动关联，无需其他操作。\n"
        "刚刚绑定？请稍候再发一次消息。"
    )


def welcome(linked: bool) -> str:
    if linked:
        return (
            "欢迎关注智慧党建！你的党员身份已关联，"
            + COMMANDS
            + "\n"
            + mini_link("打开智慧党建小程序")
        )
    return (
        "欢迎关注智慧党建！\n"
        f"{mini_link('打开智慧党建小程序')}\n"
        "首次使用请在小程序中登录并绑定党员身份，公众号会通过同一微信号自动关联。"
        "回复“绑定”查看详细步骤，回复“帮助”查看全部指令。"
    )


def already_bound(name: str) -> str:
    return f"你的党员身份已关联（{plain(name, 10)}）。" + COMMANDS
