"""Who handles a case, and which cases a caller handles.

- Suggestions and help go to the author's branch: the people holding 书记 or 副书记 there,
  or, for a branch with neither, at the nearest org above that has one.
- Reports go to the level above the org reported on: the people holding 纪检委员 there or the
  accounts with a ``discipline_inspector`` grant on it, passing up past levels with neither.
  A report on the top org goes to the installation's 纪委 (``discipline_inspector`` accounts
  over the whole installation). A report never reaches the org reported on or anything below.

A case's handler org is fixed when it is sent; who handles it is read from the posts and
grants of the day, so a new secretary takes over their branch's open cases.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from ..auth.models import RoleGrant
from ..errors import ApiError
from ..extensions import db
from ..orgs.models import Org
from ..people.models import PartyPost, Person
from .models import FeedbackCase

SECRETARY_POSTS = ("secretary", "deputy_secretary")
DISCIPLINE_POST = "discipline"
INSPECTOR = "discipline_inspector"
POSTS = {"suggestion": SECRETARY_POSTS, "help": SECRETARY_POSTS, "report": (DISCIPLINE_POST,)}


def _holders_at(org_ids: list[int], posts: tuple[str, ...]) -> set[int]:
    """Of ``org_ids``, those where someone in normal status holds one of ``posts``."""
    return set(
        db.session.scalars(
            select(PartyPost.org_id)
            .join(Person, Person.id == PartyPost.person_id)
            .where(
                PartyPost.org_id.in_(org_ids),
                PartyPost.post.in_(posts),
                Person.status == "normal",
            )
        )
    )


def _inspector_orgs(org_ids: list[int]) -> set[int | None]:
    return set(
        db.session.scalars(
            select(RoleGrant.org_id).where(
                RoleGrant.role == INSPECTOR,
                or_(RoleGrant.org_id.in_(org_ids), RoleGrant.org_id.is_(None)),
            )
        )
    )


def handler_org(kind: str, start: Org) -> Org:
    """The org whose holders handle a case of ``kind`` starting at ``start`` (the author's
    branch, or the org reported on): 422 ``no_handler`` when nobody anywhere above can."""
    if kind == "report":
        if start.parent_id is None:  # the top org itself: its 纪委
            if None in _inspector_orgs([]):
                return start
            raise _no_handler()
        chain = list(reversed(start.ancestor_ids[:-1]))  # the parent first, the top last
        held = _holders_at(chain, POSTS[kind]) | _inspector_orgs(chain)
        top_grants = None in held
    else:
        chain = list(reversed(start.ancestor_ids))  # the branch itself first
        held = _holders_at(chain, POSTS[kind])
        top_grants = False
    for org_id in chain:
        if org_id in held or (top_grants and org_id == chain[-1]):
            return db.session.get(Org, org_id)
    raise _no_handler()


def _no_handler() -> ApiError:
    return ApiError(422, "no_handler", "暂无可以受理的组织负责人，请联系党委")


def handled_condition(principal):
    """SQL condition on FeedbackCase: the cases ``principal`` handles; None if they hold no
    post or grant that handles any."""
    terms = []
    person = principal.person
    if person is not None and person.status == "normal":
        for post in person.posts:
            kinds = [kind for kind, posts in POSTS.items() if post.post in posts]
            if kinds:
                term = and_(
                    FeedbackCase.handler_org_id == post.org_id, FeedbackCase.kind.in_(kinds)
                )
                if "report" in kinds:  # the top's own holders never take a report on it
                    term = and_(term, _not_on_handler_itself())
                terms.append(term)
    if principal.account is not None:
        for grant in principal.account.grants:
            if grant.role != INSPECTOR:
                continue
            if grant.org_id is None:  # the 纪委: reports that reached the top
                top = select(Org.id).where(Org.parent_id.is_(None))
                terms.append(
                    and_(FeedbackCase.kind == "report", FeedbackCase.handler_org_id.in_(top))
                )
            else:
                terms.append(
                    and_(
                        FeedbackCase.kind == "report",
                        FeedbackCase.handler_org_id == grant.org_id,
                        _not_on_handler_itself(),
                    )
                )
    return or_(*terms) if terms else None


def _not_on_handler_itself():
    return or_(
        FeedbackCase.subject_org_id.is_(None),
        FeedbackCase.subject_org_id != FeedbackCase.handler_org_id,
    )


def handler_ids(case: FeedbackCase) -> list[int]:
    """The people to tell about ``case`` (accounts have no WeChat: they see the console)."""
    if case.kind == "report" and case.subject_org_id == case.handler_org_id:
        return []
    return sorted(
        set(
            db.session.scalars(
                select(PartyPost.person_id)
                .join(Person, Person.id == PartyPost.person_id)
                .where(
                    PartyPost.org_id == case.handler_org_id,
                    PartyPost.post.in_(POSTS[case.kind]),
                    Person.status == "normal",
                )
            )
        )
    )
