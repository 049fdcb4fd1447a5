"""The official account's custom menu (``flask --app server wechat create-menu``).

``click`` buttons come back as CLICK events with their key and get the same replies as the
text commands; ``miniprogram`` buttons open the mini-program (older clients open ``url``).
WeChat's limits: 3 top-level buttons, 5 per sub-menu, names of at most 4 / 8 Chinese
characters (16 / 60 bytes), keys of at most 128 bytes.
"""

from __future__ import annotations

from typing import Any

from .texts import HOME_PAGE

MY_MEETINGS = "MY_MEETINGS"
MY_STUDY = "MY_STUDY"
MY_TODO = "MY_TODO"
HELP = "HELP"
BIND = "BIND"


def build_menu(mini_appid: str, public_base_url: str) -> dict[str, Any]:
    def mini(name: str, page: str) -> dict[str, str]:
        return {
            "type": "miniprogram",
            "name": name,
            "url": public_base_url,
            "appid": mini_appid,
            "pagepath": page,
        }

    def click(name: str, key: str) -> dict[str, str]:
        return {"type": "click", "name": name, "key": key}

    return {
        "button": [
            mini("智慧党建", HOME_PAGE),
            {
                "name": "我的",
                "sub_button": [
                    click("近期会议", MY_MEETINGS),
                    click("今日学习", MY_STUDY),
                    click("待办事项", MY_TODO),
                ],
            },
            {
                "name": "帮助",
                "sub_button": [
                    click("关联身份", BIND),
                    click("使用帮助", HELP),
                ],
            },
        ]
    }
