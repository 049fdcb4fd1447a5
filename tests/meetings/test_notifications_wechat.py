"""From publishing a meeting to the WeChat message: through the job queue and the real gateway
to the local WeChat stand-in, which enforces the template contract (47003 on a long thing)."""

from __future__ import annotations

from datetime import timedelta

from tests.notify.conftest import _no_quiet_hours, jobs  # noqa: F401 - fixtures


def test_publish_and_decide_leave_reach_wechat_followers(app, branch, f, real_wechat, jobs):  # noqa: F811
    for template in ("OA_MEETING_NOTICE", "OA_MEETING_REMINDER", "OA_LEAVE_RESULT"):
        fields = (
            ["thing1", "phrase2", "thing3"]
            if template == "OA_LEAVE_RESULT"
            else ["thing1", "time2", "thing3"]
        )
        real_wechat.add_template(template, fields)
    member = branch.members[0]
    f.wechat(member, follower=True)
    real_wechat.add_follower(f"oa-{member.id}", unionid=f"union-{member.id}")
    meeting = branch.meeting(
        starts_in=timedelta(days=2),
        title="关于深入学习贯彻党的二十届三中全会精神的专题组织生活会",
    )
    jobs.run()
    notices = [
        m for m in real_wechat.sent_template_messages if m["template_id"] == "OA_MEETING_NOTICE"
    ]
    assert [m["touser"] for m in notices] == [f"oa-{member.id}"]
    assert len(notices[0]["data"]["thing1"]["value"]) <= 20
    assert (
        notices[0]["miniprogram"]["pagepath"] == f"pages/meetings/detail/index?id={meeting['id']}"
    )
    leave = branch.client.post(
        f"/api/v1/meetings/{meeting['id']}/leave",
        json={"reason": "出差"},
        headers=branch.as_member(member),
    ).json
    branch.client.post(
        f"/api/v1/leave-requests/{leave['id']}/decision",
        json={"approve": False, "comment": "本次会议很重要，请调整行程"},
        headers=branch.as_secretary(),
    )
    jobs.run()
    results = [
        m for m in real_wechat.sent_template_messages if m["template_id"] == "OA_LEAVE_RESULT"
    ]
    assert len(results) == 1 and results[0]["data"]["phrase2"]["value"] == "未获批准"
    # The 24-hour reminder goes out a day before, once.
    jobs.travel(timedelta(days=1, minutes=1))
    jobs.run()
    reminders = [
        m for m in real_wechat.sent_template_messages if m["template_id"] == "OA_MEETING_REMINDER"
    ]
    assert len(reminders) == 1
    assert jobs.failed() == []
