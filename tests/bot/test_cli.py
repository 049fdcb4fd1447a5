"""``flask wechat create-menu`` and ``flask wechat outbox``; the menu's shape."""

from __future__ import annotations

import json

import pytest

from bot import menu
from server.extensions import wechat
from server.wechat.gateway import HttpGateway


def test_create_menu_sends_the_menu_to_the_sandbox_outbox(app):
    result = app.test_cli_runner().invoke(args=["wechat", "create-menu"])
    assert result.exit_code == 0, result.output
    assert "menu sent to the sandbox outbox" in result.output
    [entry] = wechat.outbox(10)
    assert entry["channel"] == "menu"
    assert entry["menu"] == menu.build_menu("wx_sandbox_mini", "http://127.0.0.1:5000")


def test_outbox_prints_the_newest_entries(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["wechat", "create-menu"])
    wechat.send_template("oa-1", "TPL", {"thing1": {"value": "会议"}}, None, "party-d1")
    result = runner.invoke(args=["wechat", "outbox", "--limit", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["channel"] == "template"
    assert len(runner.invoke(args=["wechat", "outbox"]).stdout.splitlines()) == 2


def test_outbox_outside_the_sandbox_is_a_clear_error(app):
    previous = wechat.target
    settings = dict(app.config["WECHAT"], sandbox=False)
    wechat.bind(HttpGateway(settings, redis=app.extensions["party_redis"]))
    try:
        result = app.test_cli_runner().invoke(args=["wechat", "outbox"])
    finally:
        wechat.bind(previous)
    assert result.exit_code != 0
    assert "only in sandbox mode" in result.output


def test_create_menu_reports_wechats_refusal(app, real_wechat):
    real_wechat.fail_next("/cgi-bin/menu/create", 40013)
    result = app.test_cli_runner().invoke(args=["wechat", "create-menu"])
    assert result.exit_code == 1
    assert "WeChat refused the menu: errcode 40013" in result.output
    [call] = real_wechat.calls_to("/cgi-bin/menu/create")
    assert call[3] == menu.build_menu("wx_sandbox_mini", "http://127.0.0.1:5000")


@pytest.mark.parametrize("appid", ["wx_sandbox_mini", "wx1234567890abcdef"])
def test_menu_keeps_wechat_limits(appid):
    spec = menu.build_menu(appid, "https://party.example.edu.cn")
    buttons = spec["button"]
    assert 1 <= len(buttons) <= 3
    keys = set()
    for button in buttons:
        assert len(button["name"].encode()) <= 16
        for sub in button.get("sub_button", []):
            assert len(sub["name"].encode()) <= 60
        assert len(button.get("sub_button", [])) <= 5
        for item in [button, *button.get("sub_button", [])]:
            if item.get("type") == "click":
                assert len(item["key"].encode()) <= 128
                keys.add(item["key"])
            if item.get("type") == "miniprogram":
                assert item["appid"] == appid
                assert item["url"] == "https://party.example.edu.cn"
                assert not item["pagepath"].startswith("/")
    assert keys == {menu.MY_MEETINGS, menu.MY_STUDY, menu.MY_TODO, menu.HELP, menu.BIND}
