"""How the 会议 / 学习 / 待办 replies format what the providers return."""

from __future__ import annotations

import pytest

from bot import summaries
from bot.texts import MAX_REPLY_BYTES

PERSON = object()  # providers get the member; these ones ignore it


@pytest.fixture
def topic(ctx):
    """The meetings topic with its providers replaced for one test."""
    saved = list(summaries._providers["meetings"])
    summaries._providers["meetings"].clear()
    yield "meetings"
    summaries._providers["meetings"][:] = saved


def test_at_most_five_lines_and_the_rest_counted(topic):
    summaries.register(topic, lambda p: [f"会议 {n}" for n in range(1, 9)])
    lines = summaries.render(topic, PERSON).splitlines()
    assert lines[0] == "近期会议："
    assert lines[1:6] == [f"· 会议 {n}" for n in range(1, 6)]
    assert lines[6].startswith("还有 3 项，请<a data-miniprogram-appid=")
    assert len(lines) == 7


def test_long_linked_lines_stay_within_the_reply_size(topic):
    page = "pages/meeting/detail/index?id=1234567&from=bot"
    summaries.register(topic, lambda p: [summaries.Line("很长的会议名称" * 10, page)] * 5)
    reply = summaries.render(topic, PERSON)
    assert len(reply.encode()) < MAX_REPLY_BYTES
    lines = reply.splitlines()
    shown = [line for line in lines if line.startswith("· ")]
    assert 1 <= len(shown) < 5
    assert lines[-1].startswith(f"还有 {5 - len(shown)} 项")
    assert all(line.endswith("…</a>") for line in shown)  # each title cut at 30 characters


def test_provider_text_cannot_inject_links_or_break_lines(topic):
    summaries.register(topic, lambda p: ['<a href="x">点我</a>\n第二行\x07', "  多余   空格  "])
    lines = summaries.render(topic, PERSON).splitlines()
    assert lines[1] == '· ＜a href="x"＞点我＜/a＞ 第二行'
    assert lines[2] == "· 多余 空格"
    assert len(lines) == 3


def test_several_providers_are_shown_in_order(topic):
    summaries.register(topic, lambda p: ["甲"])
    summaries.register(topic, lambda p: None)
    summaries.register(topic, lambda p: [summaries.Line("乙")])
    assert summaries.render(topic, PERSON) == "近期会议：\n· 甲\n· 乙"


def test_nothing_returned_is_said_honestly(topic):
    assert summaries.render(topic, PERSON) == "近期没有需要参加的会议。"
    summaries.register(topic, lambda p: [])
    assert summaries.render(topic, PERSON) == "近期没有需要参加的会议。"


def test_registering_twice_adds_once_and_unknown_topics_are_refused(topic):
    def provider(p):
        return ["甲"]

    summaries.register(topic, provider)
    summaries.register(topic, provider)
    assert summaries.render(topic, PERSON) == "近期会议：\n· 甲"
    summaries.unregister(topic, provider)
    assert summaries.render(topic, PERSON) == "近期没有需要参加的会议。"
    with pytest.raises(ValueError):
        summaries.register("weather", provider)
