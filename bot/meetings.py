"""The bot's 会议 and 待办 lines, from the meeting services."""

from __future__ import annotations

from server.auth.principal import derive_roles
from server.meetings import services as meetings
from server.notify.services import local_time
from server.people.models import Person

from . import summaries

STATE_TEXT = {
    "present": "已签到",
    "late": "已签到（迟到）",
    "on_leave": "已请假",
    "leave_pending": "请假待审批",
    "not_checked_in": "",
}
LEAVE_APPROVALS_PAGE = "pages/meetings/leave-approvals/index"


def upcoming(person: Person) -> list[summaries.Line]:
    lines = []
    for meeting, state in meetings.upcoming_for(person.id):
        when = local_time(meeting.start_at).strftime("%m-%d %H:%M")
        note = STATE_TEXT.get(state, "")
        text = f"{when} {meeting.title}" + (f"（{note}）" if note else "")
        lines.append(summaries.Line(text, f"pages/meetings/detail/index?id={meeting.id}"))
    return lines


def leave_to_decide(person: Person) -> list[summaries.Line]:
    prefixes = derive_roles(person, None).get("secretary", set())
    count = meetings.pending_leave_count(prefixes)
    if not count:
        return []
    return [summaries.Line(f"请假审批：{count} 条待处理", LEAVE_APPROVALS_PAGE)]


summaries.register("meetings", upcoming)
summaries.register("todo", leave_to_decide)
