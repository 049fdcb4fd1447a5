"""Factories for test data: real rows through the models, sealed like the services seal them."""

from __future__ import annotations

from datetime import date
from itertools import count

from server.auth.models import Account, RoleGrant
from server.auth.services import hash_password, issue_session
from server.extensions import db
from server.orgs.models import Org
from server.people.models import PartyPost, Person
from server.people.validation import make_id_number

_seq = count(1)


class Factory:
    def __init__(self, app):
        self.app = app
        self.cipher = app.extensions["party_cipher"]

    def org(self, name: str, type_: str, parent: Org | None = None) -> Org:
        org = Org(
            name=name,
            type=type_,
            parent_id=parent.id if parent else None,
            depth=(parent.depth + 1) if parent else 0,
            path="",
        )
        db.session.add(org)
        db.session.flush()
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        db.session.commit()
        return org

    def tree(self) -> dict[str, Org]:
        """committee → general branch → branch A (+ group) and branch B; branch C directly
        under the committee."""
        committee = self.org("测试大学党委", "committee")
        general = self.org("计算机学院党总支", "general_branch", committee)
        a = self.org("本科生第一党支部", "branch", general)
        b = self.org("研究生党支部", "branch", general)
        c = self.org("机关第一党支部", "branch", committee)
        group = self.org("第一党小组", "group", a)
        return {
            "committee": committee,
            "general": general,
            "a": a,
            "b": b,
            "c": c,
            "group_a": group,
        }

    def person(
        self,
        org: Org,
        *,
        name: str | None = None,
        member_type: str = "full",
        phone: str | None = None,
        id_number: str | None = None,
        staff_no: str | None = None,
        status: str = "normal",
        **extra,
    ) -> Person:
        n = next(_seq)
        phone = phone or f"138{n:08d}"
        id_number = id_number or make_id_number(
            "330106", date(2000, 1, 1 + n % 28), f"{n % 1000:03d}"
        )
        person = Person(
            staff_no=staff_no or f"S{n:06d}",
            name=name or f"测试{n}",
            member_type=member_type,
            status=status,
            org_id=org.id,
            category="student",
            **extra,
        )
        person.seal_id_number(id_number, self.cipher)
        person.seal_phone(phone, self.cipher)
        db.session.add(person)
        db.session.commit()
        return person

    def post(self, person: Person, org: Org, post: str = "secretary") -> PartyPost:
        row = PartyPost(person_id=person.id, org_id=org.id, post=post)
        db.session.add(row)
        db.session.commit()
        return row

    def token_for(self, person: Person) -> str:
        token, _ = issue_session("mini", person_id=person.id)
        db.session.commit()
        return token

    def secretary(self, branch: Org, post: str = "secretary") -> tuple[Person, str]:
        person = self.person(branch)
        self.post(person, branch, post)
        return person, self.token_for(person)

    def wechat(
        self,
        person: Person,
        *,
        follower: bool = False,
        grants: dict[str, int] | None = None,
        unionid: bool = True,
    ):
        """Bind ``person`` to a WeChat user ``mp-<id>``; optionally make them follow the
        official account (``oa-<id>``, same unionid) and grant subscribe messages."""
        from server.auth.models import WechatBinding
        from server.notify.models import OaFollower, SubscribeGrant

        openid = f"mp-{person.id}"
        union = f"union-{person.id}" if unionid else None
        db.session.add(
            WechatBinding(person_id=person.id, openid=openid, unionid=union, bound_via="invite")
        )
        if follower:
            db.session.add(OaFollower(openid=f"oa-{person.id}", unionid=union, subscribed=True))
        for template_id, remaining in (grants or {}).items():
            db.session.add(
                SubscribeGrant(openid=openid, template_id=template_id, remaining=remaining)
            )
        db.session.commit()
        return openid

    def account(
        self,
        username: str,
        roles: list[tuple[str, Org | None]],
        password: str = "Passw0rd!x",  # noqa: S107,
        person: Person | None = None,
    ) -> Account:
        account = Account(
            username=username,
            display_name=username,
            password_hash=hash_password(password),
            person_id=person.id if person else None,
        )
        for role, org in roles:
            account.grants.append(RoleGrant(role=role, org_id=org.id if org else None))
        db.session.add(account)
        db.session.commit()
        return account

    def account_token(self, account: Account) -> str:
        token, _ = issue_session("web", account_id=account.id)
        db.session.commit()
        return token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
