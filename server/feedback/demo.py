"""Feedback for the demo university, made through the services: the demo member's answered
suggestion (to rate or reopen in the mini-program), a help request waiting for the branch
secretary, and an anonymous report on the branch, which goes to the level above. Its receipt
code is printed with the demo summary."""

from __future__ import annotations

from ..audit.services import flush_pending
from ..errors import ApiError
from ..extensions import db
from ..people.models import Person
from . import services


class _Author:
    """A member as the submit service sees the caller."""

    def __init__(self, person: Person):
        self.person = person

    def member(self) -> Person:
        return self.person


def seed(member: Person, neighbour: Person, secretary) -> str | None:
    """``secretary`` is the branch's acting secretary (a Principal-like sender)."""
    suggestion, _ = services.submit(
        {
            "kind": "suggestion",
            "anonymous": False,
            "title": "建议增加晚间自习室开放时间",
            "content": "期末复习期间图书馆自习室常常满座，建议支部向学校反映，延长晚间开放时间。",
        },
        _Author(member),
    )
    services.submit(
        {
            "kind": "help",
            "anonymous": False,
            "title": "家庭经济困难求助",
            "content": "家中近期遇到变故，想了解学校和学院有哪些帮扶渠道。",
        },
        _Author(neighbour),
    )
    try:
        _report, receipt = services.submit(
            {
                "kind": "report",
                "anonymous": True,
                "title": "活动经费报销不规范",
                "content": "支部组织的参观活动中，部分费用报销凭证不全，希望核查。",
                "subject_org_id": member.org_id,
            },
            _Author(member),
        )
    except ApiError:  # no discipline role above the branch: no demo report
        receipt = None
    db.session.flush()
    services.accept(suggestion.id, secretary)
    services.reply(
        suggestion.id, "已向图书馆反映，考试周期间自习室开放至 23:00，感谢你的建议。", secretary
    )
    flush_pending()
    db.session.commit()
    return services.format_receipt(receipt) if receipt else None
