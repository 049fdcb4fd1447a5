"""The development API end to end: the 25 steps with their approvals, the person's record
updated at admission and full membership, refusals with the rule's own words, scope,
corrections, extension and cancellation, and notifications."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from server.audit.models import AuditLog
from server.development.models import DevelopmentEntry, DevelopmentRecord
from server.extensions import db
from server.notify.models import Notification
from server.people.models import Person
from tests.development.conftest import COMMITTEE_STEPS, DATES
from tests.factories import auth


def _started(dev) -> int:
    response = dev.start()
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_the_whole_way_from_application_to_full_membership(app, dev):
    record_id = _started(dev)
    person = db.session.get(Person, dev.applicant.id)
    assert (person.member_type, person.application_date) == ("applicant", DATES[1])
    for step in range(2, 26):
        dev.complete(record_id, step)
        db.session.expire_all()
        person = db.session.get(Person, dev.applicant.id)
        if step == 3:
            assert (person.member_type, person.activist_date) == ("activist", DATES[3])
        if step == 7:
            assert person.member_type == "candidate"
        if step == 9:
            assert person.introducers == f"{dev.members[0].name}、{dev.members[1].name}"
        if step == 17:
            # Admitted: the 入党日期 is the branch assembly's (T15), not the approval's.
            assert (person.member_type, person.admission_date) == ("probationary", DATES[15])
        if step == 24:
            # Full membership dates from the end of the probation (T15 + 1 year).
            assert person.member_type == "full"
            assert person.full_membership_date == date(2025, 11, 20)
    record = dev.record(record_id)
    assert record["status"] == "completed" and record["next"] == []
    assert record["probation_end"] == "2025-11-20"
    steps = [e["step"] for e in record["entries"] if e["state"] == "done"]
    assert steps == list(range(1, 26))
    approvals = [e for e in record["entries"] if e["decided_by"]]
    assert {e["step"] for e in approvals} == {3, 7, 12, 13, 15, 17, 23, 24}
    assert all(e["decision_comment"] == "同意" for e in approvals)


def test_refusals_name_the_rule_and_the_date(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 6)
    response = dev.submit(record_id, 7, done_on=date(2024, 8, 31))
    assert response.status_code == 422 and response.json["code"] == "too_early"
    assert "确定发展对象须在确定入党积极分子满一年后（最早 2024-09-01）" in response.json["message"]
    # Out of order: step 12 before 8–11.
    response = dev.submit(record_id, 12)
    assert response.status_code == 422 and response.json["code"] == "requires"
    assert "须先完成第8步" in response.json["message"]
    dev.complete(record_id, 7)
    # Introducers must be full members: a probationary one is refused by name.
    probationer = dev.f.person(dev.branch, member_type="probationary", name="王预备")
    response = dev.submit(record_id, 9, people={"introducers": [dev.members[0].id, probationer.id]})
    assert response.status_code == 422 and response.json["code"] == "not_full_member"
    assert "王预备是预备党员" in response.json["message"]
    response = dev.submit(record_id, 11, training={"days": 2, "hours": 16})
    assert response.status_code == 422 and response.json["code"] == "training_short"
    response = dev.submit(record_id, 10, review_passed=False)
    assert response.status_code == 422 and response.json["code"] == "review_failed"
    response = dev.submit(record_id, 8, done_on=date(2099, 1, 1))
    assert response.status_code == 422 and response.json["code"] == "future_date"
    assert (
        db.session.scalar(
            select(func.count()).select_from(DevelopmentEntry).where(DevelopmentEntry.step >= 8)
        )
        == 0
    )


def test_under_18_at_application_is_refused(app, dev):
    young = dev.f.person(dev.branch, member_type="applicant", birth_date=date(2005, 3, 2))
    response = dev.start(person=young, applied_on=date(2023, 3, 1))
    assert response.status_code == 422 and response.json["code"] == "too_young"
    assert response.json["message"] == "递交入党申请书须年满18周岁（最早 2023-03-02）"
    assert dev.start(person=young, applied_on=date(2023, 3, 2)).status_code == 201
    unborn = dev.f.person(dev.branch, member_type="applicant")
    response = dev.start(person=unborn)
    assert response.status_code == 422 and response.json["code"] == "birth_date_missing"


def test_a_general_branch_may_not_approve_admission(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 16)
    entry = dev.submit(record_id, 17).json
    assert entry["state"] == "pending"
    response = dev.decide(entry["id"], token=dev.general_token)
    assert response.status_code == 403 and response.json["code"] == "body_may_not_approve"
    assert "党总支无权审批" in response.json["message"]
    # Nor may the branch itself.
    response = dev.decide(entry["id"], token=dev.secretary_token)
    assert response.status_code == 403 and response.json["code"] == "not_approver"
    # The committee may; a committee admin over it too.
    assert dev.decide(entry["id"], token=dev.committee_token).status_code == 200


def test_approval_of_17_after_three_months_needs_a_special_reason_and_after_six_is_refused(
    app, dev
):
    record_id = _started(dev)
    dev.through(record_id, 16)
    entry = dev.submit(record_id, 17).json
    late = {"done_on": "2025-02-21"}  # T15 = 2024-11-20: + 3 months = 2025-02-20
    response = dev.decide(entry["id"], token=dev.committee_token, **late)
    assert response.status_code == 422 and response.json["code"] == "special_reason_required"
    response = dev.decide(
        entry["id"], token=dev.committee_token, done_on="2025-05-21", special_reason="材料补正"
    )
    assert response.status_code == 422 and response.json["code"] == "too_late"
    response = dev.decide(entry["id"], token=dev.committee_token, special_reason="材料补正", **late)
    assert response.status_code == 200, response.json
    assert response.json["done_on"] == "2025-02-21"


def test_a_failed_vote_is_recorded_as_not_passed_and_a_missing_quorum_refused(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 14)
    response = dev.submit(
        record_id, 15, votes={"should_attend": 20, "present": 10, "yes": 10, "no": 0, "abstain": 0}
    )
    assert response.status_code == 422 and response.json["code"] == "no_quorum"
    response = dev.submit(
        record_id, 15, votes={"should_attend": 20, "present": 15, "yes": 10, "no": 5, "abstain": 0}
    )
    assert response.status_code == 201 and response.json["state"] == "rejected"
    assert "未通过" in response.json["decision_comment"]
    # It may be put to the assembly again later.
    assert dev.complete(record_id, 15)["state"] == "done"


def test_extension_once_then_full_membership_at_the_end_of_it(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 22)
    response = dev.submit(record_id, 23, outcome="extend", extension_months=6)
    assert response.status_code == 422 and response.json["code"] == "outcome_reason_required"
    dev.complete(record_id, 23, outcome="extend", extension_months=6, note="理论学习有待加强")
    # Approving the extension closes the first round of 22–24 (kept, marked as such).
    dev.complete(record_id, 24, state="closed")
    record = dev.record(record_id)
    assert record["extension_months"] == 6 and record["probation_end"] == "2026-05-20"
    assert db.session.get(Person, dev.applicant.id).member_type == "probationary"
    # The 转正 steps start again once the extended probation is near its end.
    assert {o["step"] for o in record["next"]} >= {22}
    dev.complete(record_id, 22, done_on=date(2026, 5, 1))
    response = dev.submit(
        record_id,
        23,
        done_on=date(2026, 5, 20),
        outcome="extend",
        extension_months=6,
        note="仍需考察",
    )
    assert response.status_code == 422 and response.json["code"] == "extension_repeated"
    dev.complete(record_id, 23, done_on=date(2026, 5, 20))
    dev.complete(record_id, 24, done_on=date(2026, 6, 1))
    db.session.expire_all()
    person = db.session.get(Person, dev.applicant.id)
    assert person.member_type == "full"
    assert person.full_membership_date == date(2026, 5, 20)  # the end of the extension


def test_cancelling_the_probation(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 22)
    dev.complete(record_id, 23, outcome="cancel", note="不具备党员条件")
    dev.complete(record_id, 24)
    record = dev.record(record_id)
    assert record["status"] == "cancelled" and record["next"] == []
    assert db.session.get(Person, dev.applicant.id).status == "probation_cancelled"
    assert dev.submit(record_id, 25).json["code"] == "record_closed"


def test_a_correction_is_a_new_entry_and_must_keep_later_steps_valid(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 7)
    entry3 = next(e for e in dev.record(record_id)["entries"] if e["step"] == 3)
    url = f"/api/v1/development/entries/{entry3['id']}/correct"
    body = {"done_on": "2023-10-01", "reason": "会议记录日期有误", "key": "fix-000001"}
    response = dev.client.post(url, json=body, headers=auth(dev.secretary_token))
    # Steps 4–7 would then come before it, and T7 (2024-09-02) less than a year after it.
    assert response.status_code == 422
    assert "确定发展对象须在确定入党积极分子满一年后（最早 2024-10-01）" in response.json["message"]
    body["done_on"] = "2023-08-30"
    response = dev.client.post(url, json=body, headers=auth(dev.secretary_token))
    assert response.status_code == 201, response.json
    assert response.json["corrects_id"] == entry3["id"]
    assert response.json["correction_reason"] == "会议记录日期有误"
    record = dev.record(record_id)
    states = [(e["step"], e["state"]) for e in record["entries"] if e["step"] == 3]
    assert states == [(3, "superseded"), (3, "done")]
    assert db.session.get(Person, dev.applicant.id).activist_date == date(2023, 8, 30)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "development.correct")
        )
        == 1
    )
    # A completed step cannot simply be recorded again.
    response = dev.submit(record_id, 3)
    assert response.status_code == 422 and response.json["code"] == "step_done"


def test_the_same_submission_twice_is_one_entry(app, dev):
    record_id = _started(dev)
    body = {"step": 2, "done_on": "2023-03-15", "key": "same-key-01", **dev.facts(2)}
    url = f"/api/v1/development/records/{record_id}/entries"
    first = dev.client.post(url, json=body, headers=auth(dev.secretary_token))
    again = dev.client.post(url, json=body, headers=auth(dev.secretary_token))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]
    other = dev.client.post(
        url, json={**body, "key": "other-key-01"}, headers=auth(dev.secretary_token)
    )
    assert other.status_code == 422 and other.json["code"] == "step_done"


def test_scope_another_branch_sees_nothing_and_the_applicant_sees_their_own(app, dev):
    record_id = _started(dev)
    _, other_token = dev.f.secretary(dev.orgs["b"])
    assert (
        dev.client.get(
            f"/api/v1/development/records/{record_id}", headers=auth(other_token)
        ).status_code
        == 404
    )
    assert dev.submit(record_id, 2, token=other_token).status_code == 404
    listing = dev.client.get("/api/v1/development/records", headers=auth(other_token)).json
    assert listing["items"] == []
    mine = dev.client.get("/api/v1/development/me", headers=auth(dev.applicant_token))
    assert mine.status_code == 200 and mine.json["id"] == record_id
    assert mine.json["next"][0]["step"] == 2 and mine.json["next"][0]["deadline"] == "2023-04-01"
    # The applicant records only their own steps, and decides nothing.
    response = dev.submit(record_id, 2, token=dev.applicant_token)
    assert response.status_code == 403 and response.json["code"] == "not_manager"
    member_token = dev.f.token_for(dev.members[2])
    assert (
        dev.client.get(
            f"/api/v1/development/records/{record_id}", headers=auth(member_token)
        ).status_code
        == 404
    )
    assert (
        dev.client.get("/api/v1/development/records", headers=auth(member_token)).status_code == 403
    )
    # The committee sees every branch.
    listing = dev.client.get("/api/v1/development/records", headers=auth(dev.committee_token))
    assert [r["id"] for r in listing.json["items"]] == [record_id]


def test_applicant_records_their_own_conversion_application(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 21)
    response = dev.submit(record_id, 22, token=dev.applicant_token)
    assert response.status_code == 201 and response.json["state"] == "done"


def test_approvers_are_notified_once_and_the_applicant_hears_the_result(app, dev):
    organiser = dev.f.person(dev.branch)
    dev.f.post(organiser, dev.branch, "organization")
    record_id = _started(dev)
    dev.through(record_id, 2)
    entry = dev.submit(record_id, 3).json
    needed = db.session.scalars(
        select(Notification).where(Notification.kind == "approval_needed")
    ).all()
    # The other branch committee member is asked; the secretary who submitted is not.
    assert [n.recipient_ids for n in needed] == [[organiser.id]]
    dev.decide(entry["id"], approve=False)
    results = db.session.scalars(
        select(Notification).where(Notification.kind == "approval_result")
    ).all()
    assert len(results) == 1 and dev.applicant.id in results[0].recipient_ids
    assert "未通过" in results[0].title
    # A refused step may be submitted again.
    assert dev.submit(record_id, 3).status_code == 201


def test_one_active_record_per_person_and_members_cannot_start(app, dev):
    assert dev.start().status_code == 201
    again = dev.start()
    assert again.status_code == 409 and again.json["code"] == "record_exists"
    member = dev.start(person=dev.members[0])
    assert member.status_code == 409 and member.json["code"] == "already_member"
    assert db.session.scalar(select(func.count()).select_from(DevelopmentRecord)) == 1


def test_stop_before_admission_only(app, dev):
    record_id = _started(dev)
    url = f"/api/v1/development/records/{record_id}/stop"
    response = dev.client.post(
        url, json={"reason": "本人撤回申请"}, headers=auth(dev.secretary_token)
    )
    assert response.status_code == 200 and response.json["status"] == "stopped"
    assert response.json["next"] == []
    listing = dev.client.get("/api/v1/development/records", headers=auth(dev.secretary_token)).json[
        "items"
    ]
    assert listing[0]["next_step"] is None and listing[0]["overdue"] is False
    assert dev.submit(record_id, 2).json["code"] == "record_closed"
    assert dev.start().status_code == 201  # a new application opens a new record


def test_bad_bodies_are_422(app, dev):
    record_id = _started(dev)
    url = f"/api/v1/development/records/{record_id}/entries"
    for body in (
        {"step": 2, "done_on": "2023-03-15"},
        {"step": 2, "done_on": "yesterday", "key": "bad-key-001"},
        {"step": 0, "done_on": "2023-03-15", "key": "bad-key-002"},
        {"step": 2, "done_on": "2023-03-15", "key": "bad key"},
        {"step": 15, "done_on": "2023-03-15", "key": "bad-key-003", "votes": {"yes": 1}},
        {"step": 2, "done_on": "2023-03-15", "key": "bad-key-004", "people": {"talkers": ["x"]}},
    ):
        response = dev.client.post(url, json=body, headers=auth(dev.secretary_token))
        assert response.status_code == 422, body
    response = dev.submit(record_id, 2, people={"talkers": [999999]})
    assert response.status_code == 422 and response.json["code"] == "unknown_person"
    assert (
        dev.client.post(
            "/api/v1/development/entries/999999/approve",
            json={"comment": "同意"},
            headers=auth(dev.secretary_token),
        ).status_code
        == 404
    )


def test_committee_steps_are_the_ones_the_rules_name(app):
    from server.development import rules

    steps = rules.load().steps
    assert {n for n, s in steps.items() if s.approver == "base_committee"} == COMMITTEE_STEPS


def test_a_decided_step_cannot_be_decided_again(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 2)
    entry = dev.submit(record_id, 3).json
    assert dev.decide(entry["id"]).status_code == 200
    again = dev.decide(entry["id"], approve=False)
    assert again.status_code == 409 and again.json["code"] == "already_decided"
    assert again.json["message"] == "这一步已处理（已完成），不能重复审批"


def test_an_entry_says_who_may_decide_it(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 16)
    entry = dev.submit(record_id, 17).json
    url = f"/api/v1/development/entries/{entry['id']}"
    mine = dev.client.get(url, headers=auth(dev.committee_token)).json
    assert mine["record_id"] == record_id and mine["can_decide"] is True
    assert mine["person"]["name"] == dev.applicant.name and mine["approver_label"] == "基层党委"
    assert dev.client.get(url, headers=auth(dev.general_token)).json["can_decide"] is False
    assert dev.client.get(url, headers=auth(dev.secretary_token)).json["can_decide"] is False
    applicant = dev.client.get(url, headers=auth(dev.applicant_token)).json
    assert applicant["can_decide"] is False
    _, other = dev.f.secretary(dev.orgs["b"])
    assert dev.client.get(url, headers=auth(other)).status_code == 404
    dev.decide(entry["id"], token=dev.committee_token)
    assert dev.client.get(url, headers=auth(dev.committee_token)).json["can_decide"] is False


def test_the_talk_after_a_month_needs_a_special_reason(app, dev):
    record_id = _started(dev)  # T1 = 2023-03-01
    response = dev.submit(record_id, 2, done_on=date(2023, 4, 2))
    assert response.status_code == 422 and response.json["code"] == "special_reason_required"
    message = response.json["message"]
    assert "谈话应在递交入党申请书后一个月内（2023-04-01）完成，已超期，须说明特殊情况" in message
    response = dev.submit(record_id, 2, done_on=date(2023, 4, 2), special_reason="寒假离校")
    assert response.status_code == 201 and response.json["warnings"]


def test_named_people_must_be_needed_by_the_step_and_visible_to_the_caller(app, dev):
    """Naming someone returns their name in the entry, so the ids a caller may name are those
    of people they could see anyway; a role the step does not have is refused."""
    record_id = _started(dev)
    outsider = dev.f.person(dev.orgs["b"], name="外支部某人")
    response = dev.submit(record_id, 2, people={"talkers": [outsider.id]})
    assert response.status_code == 422 and response.json["code"] == "unknown_person"
    assert "外支部某人" not in str(response.json)
    response = dev.submit(record_id, 2, people={"introducers": [dev.members[0].id]})
    assert response.status_code == 422 and response.json["code"] == "people_not_needed"
    assert response.json["errors"]["people"] == {"introducers": ["这一步不需要"]}
    # The general branch's secretary manages branch B too: they may name its people.
    response = dev.submit(record_id, 2, token=dev.general_token,
                          people={"talkers": [outsider.id]})  # fmt: skip
    assert response.status_code == 201, response.json
    assert response.json["details"]["people"]["talkers"] == [
        {"id": outsider.id, "name": "外支部某人"}
    ]


def test_a_correction_cannot_turn_a_failed_vote_into_a_done_step(app, dev):
    record_id = _started(dev)
    dev.through(record_id, 15)
    entry = next(e for e in dev.record(record_id)["entries"] if e["step"] == 15)
    url = f"/api/v1/development/entries/{entry['id']}/correct"
    votes = {"should_attend": 20, "present": 18, "yes": 1, "no": 17, "abstain": 0}
    body = {"done_on": entry["done_on"], "reason": "票数记错", "key": "fix-vote-01", "votes": votes}
    response = dev.client.post(url, json=body, headers=auth(dev.decider_token(15)))
    assert response.status_code == 422 and response.json["code"] == "vote_not_passed", response.json
    states = [e["state"] for e in dev.record(record_id)["entries"] if e["step"] == 15]
    assert states == ["done"]
