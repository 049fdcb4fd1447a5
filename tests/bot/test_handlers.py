"""What each push does: follows, unfollows, template results, commands and menu clicks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import menu, summaries
from server.auth.models import WechatBinding
from server.db_types import utcnow
from server.extensions import db
from server.notify.models import (
    BLOCKED,
    DELIVERED,
    DISPATCHED,
    FAILED,
    SENT,
    TEMPLATE,
    Delivery,
    Notification,
    OaFollower,
)
from tests.bot.conftest import count


def _follower(openid: str) -> OaFollower | None:
    row = db.session.execute(
        select(OaFollower).where(OaFollower.openid == openid)
    ).scalar_one_or_none()
    db.session.commit()
    return row


@pytest.fixture
def member(f):
    """A member linked to the follower ``oa-<id>`` (same unionid)."""
    person = f.person(f.org("第一党支部", "branch"), name="张党员")
    f.wechat(person, follower=True)
    return person


@pytest.fixture
def secretary(f):
    branch = f.org("第二党支部", "branch")
    person = f.person(branch, name="李书记")
    f.post(person, branch, "secretary")
    f.wechat(person, follower=True)
    return person


def oa(person) -> str:
    return f"oa-{person.id}"


# -- subscribe, scan, unsubscribe ------------------------------------------------------------


def test_subscribe_records_the_follower_and_queues_the_unionid_lookup(wx, app):
    reply = wx.event("oa-new", "subscribe")
    assert "欢迎关注智慧党建" in reply
    assert 'data-miniprogram-appid="wx_sandbox_mini"' in reply
    assert 'data-miniprogram-path="pages/me/index"' in reply
    assert "绑定" in reply
    follower = _follower("oa-new")
    assert follower.subscribed and follower.unionid is None
    job_queue = app.extensions["party_queue"]
    assert job_queue.queues["default"].job_ids == ["follower-oa-new"]


def test_the_lookup_job_links_the_follower_to_the_member_of_the_same_wechat_user(wx, app, f):
    person = f.person(f.org("第三党支部", "branch"), name="王党员")
    db.session.add(
        WechatBinding(person_id=person.id, openid="x", unionid="sandbox-x", bound_via="invite")
    )
    db.session.commit()
    assert "关联党员身份" in wx.say("oa-x", "会议")  # not linked yet

    wx.event("oa-x", "subscribe")
    assert app.extensions["party_queue"].run_pending() == 1

    assert _follower("oa-x").unionid == "sandbox-x"
    assert wx.say("oa-x", "会议") == "近期没有需要参加的会议。"
    assert "王党员" in wx.say("oa-x", "绑定")


def test_subscribe_of_a_linked_follower_says_so(wx, member):
    reply = wx.event(oa(member), "subscribe")
    assert "党员身份已关联" in reply
    assert len(reply.encode()) < 600


def test_subscribe_from_a_qr_code_follows_then_answers_like_a_scan(wx, app):
    reply = wx.event("oa-qr", "subscribe", EventKey="qrscene_meeting7", Ticket="t")
    assert "欢迎关注智慧党建" in reply
    assert _follower("oa-qr").subscribed
    assert app.extensions["party_queue"].queues["default"].job_ids == ["follower-oa-qr"]


def test_scan_follows_idempotently_and_welcomes(wx):
    assert "欢迎关注" in wx.event("oa-scan", "SCAN", EventKey="42", Ticket="t")
    assert "欢迎关注" in wx.event("oa-scan", "SCAN", EventKey="42", Ticket="t")
    assert count(OaFollower, OaFollower.openid == "oa-scan") == 1


def test_unsubscribe_marks_the_follower_unreachable(wx, member):
    assert wx.event(oa(member), "unsubscribe") == "success"
    follower = _follower(oa(member))
    assert not follower.subscribed
    assert follower.unsubscribed_at is not None
    assert "欢迎" in wx.event(oa(member), "subscribe")  # following again
    assert _follower(oa(member)).subscribed


def test_unsubscribe_of_an_unknown_follower_is_fine(wx):
    assert wx.event("oa-never-seen", "unsubscribe") == "success"


@pytest.mark.parametrize(
    "extra",
    [
        {"Event": "VIEW", "EventKey": "https://example.org/"},
        {"Event": "LOCATION", "Latitude": "23.1", "Longitude": "113.3", "Precision": "10"},
        {"Event": "subscribe_msg_popup_event"},  # no wechatpy class for it
        {"Event": "CLICK", "EventKey": "NO_SUCH_BUTTON"},
    ],
    ids=["view", "location", "unknown", "unknown-click"],
)
def test_events_without_a_handler_get_success(wx, extra):
    xml = wx.event_xml("oa-a", extra.pop("Event"), **extra)
    assert wx.reply(wx.post_plain(xml)) == "success"


# -- TEMPLATESENDJOBFINISH -------------------------------------------------------------------


@pytest.fixture
def sent_delivery(member):
    notification = Notification(
        kind="meeting_notice",
        title="支部党员大会",
        body="12月1日 19:00 A301",
        payload={},
        recipient_ids=[member.id],
        state=DISPATCHED,
        scheduled_at=utcnow(),
    )
    db.session.add(notification)
    db.session.flush()
    row = Delivery(
        notification_id=notification.id,
        person_id=member.id,
        state=SENT,
        channel=TEMPLATE,
        msgid=200228332,
        sent_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def _delivery(delivery_id: int) -> Delivery:
    row = db.session.get(Delivery, delivery_id)
    db.session.refresh(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(
    ("status", "state", "reason"),
    [
        ("success", DELIVERED, None),
        ("failed:user block", BLOCKED, "failed:user block"),
        ("failed: system failed", FAILED, "failed: system failed"),
    ],
)
def test_template_send_result_updates_the_delivery(
    wx, member, sent_delivery, status, state, reason
):
    reply = wx.event(oa(member), "TEMPLATESENDJOBFINISH", MsgID=200228332, Status=status)
    assert reply == "success"
    row = _delivery(sent_delivery)
    assert row.state == state
    assert row.reason == reason
    assert row.finished_at is not None


def test_a_repeated_template_send_result_changes_nothing(wx, member, sent_delivery):
    xml = wx.event_xml(oa(member), "TEMPLATESENDJOBFINISH", MsgID=200228332, Status="success")
    assert wx.reply(wx.post_plain(xml)) == "success"
    # Put the row back: had the retry run its handler, it would be delivered again.
    db.session.get(Delivery, sent_delivery).state = SENT
    db.session.commit()
    assert wx.reply(wx.post_plain(xml)) == "success"
    assert _delivery(sent_delivery).state == SENT


def test_template_send_result_for_an_unknown_msgid_is_acknowledged(wx, member, sent_delivery):
    assert wx.event(oa(member), "TEMPLATESENDJOBFINISH", MsgID=1, Status="success") == "success"
    assert _delivery(sent_delivery).state == SENT


# -- commands --------------------------------------------------------------------------------


@pytest.fixture
def providers():
    """Register summary providers for one test."""
    added = []

    def add(topic, fn):
        summaries.register(topic, fn)
        added.append((topic, fn))
        return fn

    yield add
    for topic, fn in added:
        summaries.unregister(topic, fn)


@pytest.mark.parametrize("command", ["会议", "学习", "待办", "绑定"])
def test_unlinked_followers_are_told_how_to_link(wx, command):
    reply = wx.say("oa-stranger", command)
    assert reply.startswith("关联党员身份")
    assert 'data-miniprogram-path="pages/me/index"' in reply
    assert "同一个微信号" in reply
    assert "再发一次消息" in reply
    assert len(reply.encode()) < 600


def test_help_is_for_everyone(wx, member):
    for openid in ("oa-stranger", oa(member)):
        reply = wx.say(openid, "帮助")
        for command in ("会议", "学习", "待办", "绑定", "帮助"):
            assert command in reply
        assert len(reply.encode()) < 600
    assert wx.say("oa-stranger", " 帮助 \n") == wx.say("oa-stranger", "帮助")


@pytest.mark.parametrize("text", ["你好", "会议安排", "", "会 议"])
def test_unknown_text_gets_a_short_help(wx, member, text):
    reply = wx.say(oa(member), text)
    assert reply.startswith("没有这个指令")
    assert len(reply.encode()) < 200


def test_other_message_types_get_the_short_help(wx, member):
    xml = wx.text_xml(oa(member), "").replace("[text]", "[image]")
    assert wx.reply(wx.post_plain(xml)).startswith("没有这个指令")


def test_meetings_without_providers_says_there_are_none(wx, member):
    assert wx.say(oa(member), "会议") == "近期没有需要参加的会议。"
    assert wx.say(oa(member), "学习") == "今天没有待完成的学习任务。"


def test_meetings_lists_what_the_providers_return(wx, member, providers):
    seen = []

    def upcoming(person):
        seen.append(person.id)
        return [
            summaries.Line("12-01 19:00 支部党员大会 未签到", "pages/meeting/detail/index?id=7"),
            "12-08 14:00 党课",
        ]

    providers("meetings", upcoming)
    reply = wx.say(oa(member), "会议")
    assert seen == [member.id]
    assert reply.splitlines() == [
        "近期会议：",
        '· <a data-miniprogram-appid="wx_sandbox_mini" '
        'data-miniprogram-path="pages/meeting/detail/index?id=7">'
        "12-01 19:00 支部党员大会 未签到</a>",
        "· 12-08 14:00 党课",
    ]


def test_study_shows_tasks_streak_and_points(wx, member, providers):
    providers("study", lambda person: ["已连续学习 5 天，积分 120"])
    providers("study", lambda person: [summaries.Line("习近平新时代中国特色社会主义思想", "p")])
    lines = wx.say(oa(member), "学习").splitlines()
    assert lines[0] == "今日学习："
    assert lines[1] == "· 已连续学习 5 天，积分 120"
    assert "习近平新时代中国特色社会主义思想" in lines[2]


def test_todo_is_for_secretaries(wx, member, secretary, providers):
    providers("todo", lambda person: [f"请假申请：{person.name}"])
    assert "供支部书记和支委" in wx.say(oa(member), "待办")
    assert wx.say(oa(secretary), "待办") == "待办事项：\n· 请假申请：李书记"


def test_todo_without_anything_waiting(wx, secretary):
    assert wx.say(oa(secretary), "待办") == "目前没有等待处理的审批和请假申请。"


@pytest.mark.parametrize(
    ("key", "command"),
    [
        (menu.MY_MEETINGS, "会议"),
        (menu.MY_STUDY, "学习"),
        (menu.MY_TODO, "待办"),
        (menu.HELP, "帮助"),
        (menu.BIND, "绑定"),
    ],
)
def test_menu_buttons_answer_like_their_commands(wx, member, secretary, key, command):
    for person in (member, secretary):
        assert wx.event(oa(person), "CLICK", EventKey=key) == wx.say(oa(person), command)
    assert wx.event("oa-stranger", "CLICK", EventKey=key) == wx.say("oa-stranger", command)


def test_encrypted_command_for_a_linked_member(wx, member, providers):
    providers("meetings", lambda person: ["12-01 19:00 支部党员大会"])
    query = wx.query()
    reply = wx.open(wx.post_safe(wx.text_xml(oa(member), "会议"), query=query), query)
    assert reply["Content"] == "近期会议：\n· 12-01 19:00 支部党员大会"


def test_every_fixed_reply_fits_one_short_bubble(ctx):
    from bot import texts

    for reply in (
        texts.HELP,
        texts.UNKNOWN,
        texts.TODO_MANAGERS_ONLY,
        texts.binding(),
        texts.welcome(linked=False),
        texts.welcome(linked=True),
        texts.already_bound("欧阳" * 30),
    ):
        assert len(reply.encode()) < texts.MAX_REPLY_BYTES, reply
