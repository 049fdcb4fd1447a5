"""The demo university loaded by ``flask --app server demo``."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from flask import current_app

from server.auth.models import Account, RoleGrant, WechatBinding
from server.demo import COMMITTEE_NAME, load_demo
from server.extensions import db
from server.notify.models import Delivery, Notification, OaFollower
from server.orgs.models import Org
from server.people.models import MEMBER_TYPES, PartyPost, Person
from server.people.validation import (
    PHONE_RE,
    birth_date_from_id,
    gender_from_id,
    id_number_problem,
)


@pytest.fixture
def demo(app, ctx):
    return load_demo(), None


def _all(model):
    return db.session.execute(db.select(model)).scalars().all()


def test_org_tree_shape_and_paths(demo):
    orgs = _all(Org)
    by_id = {org.id: org for org in orgs}
    kinds = Counter(org.type for org in orgs)
    assert kinds["committee"] == 1
    assert 3 <= kinds["general_branch"] <= 4
    assert 13 <= kinds["branch"] <= 17
    committee = next(org for org in orgs if org.type == "committee")
    assert committee.name == COMMITTEE_NAME and committee.parent_id is None
    assert committee.path == f"/{committee.id}/" and committee.depth == 0
    direct = [o for o in orgs if o.type == "branch" and o.parent_id == committee.id]
    assert 1 <= len(direct) <= 2
    for org in orgs:
        if org.parent_id is None:
            continue
        parent = by_id[org.parent_id]
        assert org.path == f"{parent.path}{org.id}/"
        assert org.depth == parent.depth + 1
    for branch in (o for o in orgs if o.type == "branch"):
        groups = [o for o in orgs if o.parent_id == branch.id]
        assert 1 <= len(groups) <= 3 and all(g.type == "group" for g in groups)


def test_people_counts_and_member_types(demo):
    people = _all(Person)
    assert 250 <= len(people) <= 350
    types = Counter(p.member_type for p in people)
    assert set(types) == set(MEMBER_TYPES)
    assert types["full"] + types["probationary"] > len(people) / 2
    assert types["full"] == max(types.values())
    assert len({p.name for p in people}) == len(people)
    assert len({p.staff_no for p in people}) == len(people)
    assert {p.category for p in people} == {"student", "teacher", "staff"}
    assert {p.gender for p in people} == {"male", "female"}
    ethnicities = Counter(p.ethnicity for p in people)
    assert ethnicities.most_common(1)[0][0] == "汉族" and len(ethnicities) > 2
    assert any(p.group_id for p in people)
    orgs = {org.id: org for org in _all(Org)}
    for person in people:
        assert orgs[person.org_id].type == "branch"
        if person.group_id:
            assert orgs[person.group_id].parent_id == person.org_id
        if person.category == "student":
            assert person.staff_no.isdigit() and len(person.staff_no) == 10
            assert 1998 <= person.birth_date.year <= 2007
        else:
            assert person.staff_no[0] in "TS"
            assert 1965 <= person.birth_date.year <= 1995


def test_students_and_staff_sit_in_their_own_branches(demo):
    orgs = {org.id: org for org in _all(Org)}
    for person in _all(Person):
        branch = orgs[person.org_id].name
        if "机关" in branch:
            assert person.category == "staff"
        if "教工" in branch:
            assert person.category == "teacher"
        if person.category == "student":
            assert "生" in branch


def test_every_branch_has_one_full_secretary_and_posts_are_held_by_full_members(demo):
    orgs = _all(Org)
    posts = _all(PartyPost)
    for org in orgs:
        secretaries = [p for p in posts if p.org_id == org.id and p.post == "secretary"]
        if org.type == "group":
            leaders = [p for p in posts if p.org_id == org.id and p.post == "group_leader"]
            assert len(leaders) == 1 and leaders[0].person.group_id == org.id
            assert not secretaries
            continue
        assert len(secretaries) == 1, org.name
        assert secretaries[0].person.member_type == "full"
        assert secretaries[0].person.status == "normal"
        if org.type == "branch":
            assert secretaries[0].person.org_id == org.id
            mine = {p.post for p in posts if p.org_id == org.id}
            assert {"organization", "propaganda"} <= mine
    for post in posts:
        assert post.person.member_type == "full"
        assert post.since is None or post.since <= date.today()
    assert any(p.post == "discipline" and p.org.type == "branch" for p in posts)
    committee = next(o for o in orgs if o.type == "committee")
    assert any(p.post == "committee_member" and p.org_id == committee.id for p in posts)


def test_sealed_fields_decrypt_to_valid_values_matching_birth_date_and_gender(demo):
    cipher = current_app.extensions["party_cipher"]
    people = _all(Person)
    id_numbers = set()
    for person in people:
        id_number = cipher.decrypt(person.id_number_enc, "person.id_number")
        assert id_number_problem(id_number) is None
        assert birth_date_from_id(id_number) == person.birth_date
        assert gender_from_id(id_number) == person.gender
        assert person.id_number_index == cipher.blind_index(id_number, "person.id_number")
        assert person.id_number_masked == id_number[:4] + "*" * 10 + id_number[-4:]
        phone = cipher.decrypt(person.phone_enc, "person.phone")
        assert PHONE_RE.match(phone)
        assert person.phone_index == cipher.blind_index(phone, "person.phone")
        assert person.phone_masked == phone[:3] + "****" + phone[-4:]
        id_numbers.add(id_number)
    assert len(id_numbers) == len(people)


def test_dates_follow_the_pipeline_and_are_not_in_the_future(demo):
    today = date.today()
    required = {
        "applicant": {"application_date"},
        "activist": {"application_date", "activist_date"},
        "candidate": {"application_date", "activist_date"},
        "probationary": {"application_date", "activist_date", "admission_date"},
        "full": {"application_date", "activist_date", "admission_date", "full_membership_date"},
    }
    fields = ("application_date", "activist_date", "admission_date", "full_membership_date")
    for person in _all(Person):
        present = {f for f in fields if getattr(person, f)}
        assert present == required[person.member_type], person.member_type
        dates = [getattr(person, f) for f in fields if getattr(person, f)]
        assert dates == sorted(dates)
        assert dates[-1] <= today
        assert person.birth_date.replace(year=person.birth_date.year + 18) <= dates[0] or (
            person.birth_date.month == 2 and person.birth_date.day == 29
        )
        if person.activist_date and person.member_type != "activist":
            # a year as an activist before becoming a candidate
            end = person.admission_date or today
            assert (end - person.activist_date).days >= 365
        if person.member_type == "full":
            admitted = person.admission_date
            assert person.full_membership_date == admitted.replace(year=admitted.year + 1)
        if person.member_type == "probationary":
            admitted = person.admission_date
            assert admitted.replace(year=admitted.year + 1) > today


def test_accounts_and_sandbox_bindings(demo):
    lines, _ = demo
    accounts = {a.username: a for a in _all(Account)}
    assert {"admin", "office", "auditor", "jiwei"} <= set(accounts)
    grants = {(g.account.username, g.role, g.org.type if g.org else None) for g in _all(RoleGrant)}
    assert grants == {
        ("admin", "system_admin", None),
        ("office", "committee_admin", "committee"),
        ("auditor", "auditor", None),
        ("jiwei", "discipline_inspector", "committee"),
    }
    linked = [a for a in accounts.values() if a.person_id]
    assert len(linked) == 2
    for account in linked:
        assert account.username == account.person.staff_no
        assert any(p.post == "secretary" and p.org.type == "branch" for p in account.person.posts)
    # one argon2 hash for every demo account
    assert len({a.password_hash for a in accounts.values()}) == 1
    bindings = {b.openid: b.person for b in _all(WechatBinding)}
    assert set(bindings) == {"demo-member", "demo-secretary"}
    member, secretary = bindings["demo-member"], bindings["demo-secretary"]
    assert member.member_type == "full" and member.status == "normal" and not member.posts
    assert any(p.post == "secretary" for p in secretary.posts)
    text = "\n".join(lines)
    assert "demo1234" in text and "dev:demo-member" in text and "dev:demo-secretary" in text
    assert member.name in text and secretary.name in text
    for username in accounts:
        assert username in text


def test_load_is_idempotent(demo):
    first, _ = demo
    counts = [len(_all(model)) for model in (Org, Person, PartyPost, Account, WechatBinding)]
    second = load_demo()
    # The anonymous report's receipt is shown once, when it is made (only its digest is kept).
    assert second == [line for line in first if not line.startswith("匿名举报")]
    assert len(second) == len(first) - 1
    assert [
        len(_all(model)) for model in (Org, Person, PartyPost, Account, WechatBinding)
    ] == counts


def test_demo_is_deterministic(app, ctx):
    load_demo()
    first = [(p.staff_no, p.name, p.member_type, p.birth_date) for p in _all(Person)]
    db.session.rollback()
    from server.announcements.models import Announcement, AnnouncementRead
    from server.development.models import (
        DevelopmentEntry,
        DevelopmentOpening,
        DevelopmentRecord,
    )
    from server.feedback.models import FeedbackCase, FeedbackEvent
    from server.meetings.models import LeaveRequest, Meeting, Participant
    from server.study import models as study

    for model in (
        AnnouncementRead,
        Announcement,
        FeedbackEvent,
        FeedbackCase,
        study.StudyOrgWeek,
        study.StudyDaily,
        study.StudyRollupWeek,
        study.PointsDaily,
        study.PointsEntry,
        study.QuizAttempt,
        study.QuizQuestion,
        study.PunchIn,
        study.StudyProgress,
        study.ReadingSession,
        study.StudyPlanTarget,
        study.StudyPlanItem,
        study.StudyPlan,
        study.StudyMaterial,
        DevelopmentOpening,
        DevelopmentEntry,
        DevelopmentRecord,
        LeaveRequest,
        Participant,
        Meeting,
        Delivery,
        Notification,
        OaFollower,
        WechatBinding,
        RoleGrant,
        Account,
        PartyPost,
        Person,
    ):
        db.session.execute(db.delete(model))
    db.session.execute(db.update(Org).values(parent_id=None))
    db.session.execute(db.delete(Org))
    db.session.commit()
    load_demo()
    assert [(p.staff_no, p.name, p.member_type, p.birth_date) for p in _all(Person)] == first


def test_the_demo_notice_reaches_the_sandbox_followers(app, demo, monkeypatch):
    from server.extensions import wechat

    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_start", "00:00")
    monkeypatch.setitem(app.config["NOTIFICATIONS"], "quiet_end", "00:00")
    db.session.commit()
    app.extensions["party_queue"].run_pending()
    notice = db.session.execute(
        db.select(Notification).where(Notification.kind == "branch_notice")
    ).scalar_one()
    assert notice.state == "dispatched"
    states = dict(
        db.session.execute(
            db.select(Delivery.state, db.func.count())
            .where(Delivery.notification_id == notice.id)
            .group_by(Delivery.state)
        ).all()
    )
    assert states["sent"] == 2  # the two sandbox members, through the official account
    assert states["unreachable"] > 0  # everyone else in the branch: inbox only
    assert {m["touser"] for m in wechat.outbox()} == {"oa-demo-member", "oa-demo-secretary"}


def test_demo_has_a_meeting_open_for_checkin_and_a_lecture_with_a_pending_leave(app, demo, client):
    from server.auth.services import issue_session
    from server.meetings.models import LeaveRequest, Meeting

    meetings = {m.type: m for m in _all(Meeting)}
    assert {m.status for m in meetings.values()} == {"published"}
    assembly = meetings["branch_assembly"]
    leave = db.session.execute(db.select(LeaveRequest)).scalar_one()
    assert leave.meeting_id == meetings["party_lecture"].id and leave.state == "pending"
    secretary = db.session.execute(
        db.select(WechatBinding).where(WechatBinding.openid == "demo-secretary")
    ).scalar_one()
    token, _ = issue_session("mini", person_id=secretary.person_id)
    db.session.commit()
    code = client.get(
        f"/api/v1/meetings/{assembly.id}/checkin-code", headers={"Authorization": f"Bearer {token}"}
    )
    assert code.status_code == 200 and code.json["phase"] == "checkin_open"
    assert code.json["counts"]["expected"] > 3


def test_office_can_log_in_with_the_demo_password(app, demo):
    client = app.test_client()
    r = client.post("/api/v1/auth/login", json={"username": "office", "password": "demo1234"})
    assert r.status_code == 200, r.json
    assert r.json["token"]
    assert "committee_admin" in r.json["roles"]
    r = client.post("/api/v1/auth/login", json={"username": "office", "password": "wrong-pass"})
    assert r.status_code == 401


def test_sandbox_member_logs_in_from_the_mini_program(app, demo):
    client = app.test_client()
    r = client.post("/api/v1/auth/wx-login", json={"code": "dev:demo-member"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "bound" and r.json["token"]


def test_the_demo_has_development_records_with_an_approval_waiting(app, demo):
    from server.development.models import DevelopmentEntry, DevelopmentRecord

    records = _all(DevelopmentRecord)
    assert len(records) == 3
    assert sorted(r.stage for r in records) == ["activist", "apply", "candidate"]
    pending = db.session.scalars(
        db.select(DevelopmentEntry).where(DevelopmentEntry.state == "pending")
    ).all()
    assert sorted(e.step for e in pending) == [3, 12]


def test_the_demo_has_eight_weeks_of_study_within_the_rules(app, demo):
    from sqlalchemy import func

    from server.notify.services import local_today
    from server.study import points
    from server.study.models import PointsDaily, PunchIn

    client = app.test_client()
    token = client.post(
        "/api/v1/auth/login", json={"username": "office", "password": "demo1234"}
    ).json["token"]
    found = client.get(
        "/api/v1/study/analytics/overview?weeks=8", headers={"Authorization": f"Bearer {token}"}
    ).json
    assert all(week["active"] > 0 and week["reading_minutes"] > 0 for week in found["weeks"])
    below = db.session.scalars(
        db.select(Org.id).where(Org.parent_id == found["org"]["id"]).order_by(Org.id)
    ).all()
    assert [row["org_id"] for row in found["orgs"]] == below
    assert found["plans"][0]["title"] == "本月理论学习计划"
    caps = {action: rule.daily_cap for action, rule in points.rules().items()}
    for action, most in db.session.execute(
        db.select(PointsDaily.action, func.max(PointsDaily.points)).group_by(PointsDaily.action)
    ):
        assert most <= caps[action]
    # The sandbox member has today's punch-in and quiz still to do.
    member = db.session.scalars(
        db.select(WechatBinding.person_id).where(WechatBinding.openid == "demo-member")
    ).one()
    assert not db.session.scalars(
        db.select(PunchIn).where(PunchIn.person_id == member, PunchIn.day == local_today())
    ).all()
    mp = client.post("/api/v1/auth/wx-login", json={"code": "dev:demo-member"}).json["token"]
    quiz = client.get("/api/v1/study/quiz/today", headers={"Authorization": f"Bearer {mp}"})
    assert quiz.status_code == 200 and len(quiz.json["questions"]) == 5
    assert quiz.json["submitted"] is False


def test_the_demo_has_feedback_to_handle_and_an_anonymous_report(app, demo):
    from server.feedback.models import FeedbackCase

    cases = db.session.scalars(db.select(FeedbackCase)).all()
    kinds = sorted((c.kind, c.anonymous, c.status) for c in cases)
    assert kinds == [("help", False, "submitted"), ("report", True, "submitted"),
                     ("suggestion", False, "replied")]  # fmt: skip
    (report,) = [c for c in cases if c.anonymous]
    # The branch's general branch has no 纪检委员 in the demo: the report goes on to the 纪委.
    assert report.person_id is None and report.handler_org.type == "committee"


def test_the_demo_portal_shows_the_branch_public_notice(app, demo, client):
    page = client.get("/portal/")
    assert page.status_code == 200
    assert "关于拟列为发展对象人选的公示" in page.get_data(as_text=True)
    assert "本月主题党日活动安排" not in page.get_data(as_text=True)  # members only
