"""The bot's 会议 and 待办 replies list a member's upcoming meetings and a secretary's leave
requests waiting for a decision."""

from __future__ import annotations

from datetime import timedelta

from bot import summaries
from tests.meetings.conftest import branch  # noqa: F401 - a fixture


def test_meetings_reply_lists_upcoming_meetings_with_my_state(app, branch):  # noqa: F811
    soon = branch.meeting(starts_in=timedelta(minutes=10))
    later = branch.meeting(starts_in=timedelta(days=2), title="季度党课")
    branch.meeting(starts_in=timedelta(hours=-3), minutes=60, title="已结束的会")
    member = branch.members[0]
    branch.check_in(member, branch.code(soon["id"]))
    branch.client.post(
        f"/api/v1/meetings/{later['id']}/leave",
        json={"reason": "出差"},
        headers=branch.as_member(member),
    )
    lines = summaries.collect("meetings", member)
    texts = [line.text for line in lines]
    assert len(texts) == 2
    assert texts[0].endswith("十二月支部党员大会（已签到）")
    assert texts[1].endswith("季度党课（请假待审批）")
    assert lines[1].page == f"pages/meetings/detail/index?id={later['id']}"
    reply = summaries.render("meetings", member)
    assert reply.startswith("近期会议：") and "季度党课" in reply


def test_todo_reply_counts_leave_requests_for_the_secretary_only(app, branch):  # noqa: F811
    meeting = branch.meeting(starts_in=timedelta(days=2))
    for member in branch.members[:2]:
        branch.client.post(
            f"/api/v1/meetings/{meeting['id']}/leave",
            json={"reason": "事假"},
            headers=branch.as_member(member),
        )
    lines = summaries.collect("todo", branch.secretary)
    assert [(line.text, line.page) for line in lines] == [
        ("请假审批：2 条待处理", "pages/meetings/leave-approvals/index")
    ]
    assert summaries.collect("todo", branch.members[2]) == []
