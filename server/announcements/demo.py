"""Announcements of the demo branch, made through the services: a pinned public 公示 (on the
portal at /portal/) and a notice for the branch's members (in the mini-program's 党务公开)."""

from __future__ import annotations

from ..audit.services import flush_pending
from ..extensions import db
from ..orgs.models import Org
from . import services

PUBLIC_BODY = (
    "<p>经支部委员会研究，拟将以下同志列为发展对象，现予公示：</p>"
    "<ul><li>王同学（计算机科学与技术专业）</li><li>李同学（软件工程专业）</li></ul>"
    "<p>公示期为五个工作日。如有意见，请通过小程序“我要反映”或当面向支部反映。</p>"
)
MEMBERS_BODY = (
    "<p>本月主题党日活动安排如下：</p>"
    "<p><strong>时间：</strong>本月最后一个周五 14:30<br><strong>地点：</strong>图书馆 301</p>"
    "<p>请全体党员提前完成本月学习计划中的材料学习。</p>"
)


def seed(branch: Org, sender) -> None:
    """``sender`` is the branch's acting secretary (a Principal-like object)."""
    for title, body, audience, pinned in (
        ("关于拟列为发展对象人选的公示", PUBLIC_BODY, "public", True),
        ("本月主题党日活动安排", MEMBERS_BODY, "members", False),
    ):
        services.create(
            {
                "org_id": branch.id,
                "title": title,
                "body": body,
                "audience": audience,
                "roles": None,
                "pinned": pinned,
                "publish": True,
            },
            sender,
        )
    flush_pending()
    db.session.commit()
