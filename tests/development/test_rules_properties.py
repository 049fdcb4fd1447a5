"""Property tests of the rules engine (server/development/rules.py, rules/2014.toml).

A hypothesis strategy builds a complete, valid record of the 25 steps from the rule data itself
(requires, earliest offsets, warn/hard deadlines, people, training, review, vote, outcome):
replayed step by step it must pass ``check`` everywhere. Each violation test then breaks exactly
one rule of such a record and asserts the refusal and its stable code. Plain tests pin the date
edge cases (leap days, month ends) and the wording of the messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.development import rules as R

RULES = R.load()
TODAY = date(2035, 12, 31)  # later than any generated date
# Days between a step and its lower bound (+ up to 30 to reach a month end): T16 stays
# within T15 + 3 months (at least 89 days), so step 17 can always be on time.
MAX_GAP = 45
SPECIAL_REASON = "上级党委换届，审批会议推迟"
DATE_CODES = {"requires", "before_predecessor", "too_early", "too_young"}
NOT_FULL_TYPES = ["applicant", "activist", "candidate", "probationary"]
ABNORMAL_STATUSES = ["mobile", "lost_contact", "suspended", "expelled", "deceased"]


@pytest.fixture(autouse=True)
def _clean():
    """These tests are pure: no app and no database to empty (overrides tests/conftest.py)."""


# Random but modest; no example database (nothing written under .hypothesis/).
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FEW = settings(SETTINGS, max_examples=75)  # the single-violation tests


# --------------------------------------------------------------------------------------------
# A valid record
# --------------------------------------------------------------------------------------------
@dataclass
class Entry:
    step: int
    done_on: date
    facts: dict = field(default_factory=dict)  # the other keyword arguments of R.Proposal


@dataclass
class Case:
    birth: date
    applicant_id: int
    entries: list[Entry]

    def before(self, index: int) -> R.Timeline:
        """The timeline of the entries recorded before ``entries[index]``."""
        line = R.Timeline(birth_date=self.birth)
        for entry in self.entries[:index]:
            record(line, entry)
        return line

    def full(self) -> R.Timeline:
        return self.before(len(self.entries))

    def proposal(self, index: int, **changes) -> R.Proposal:
        entry = self.entries[index]
        proposal = R.Proposal(
            entry.step, entry.done_on, applicant_id=self.applicant_id, **entry.facts
        )
        return replace(proposal, **changes)

    def index(self, step: int) -> int:
        return next(i for i, e in enumerate(self.entries) if e.step == step)

    def indices(self, keep) -> list[int]:
        return [i for i, e in enumerate(self.entries) if keep(RULES.steps[e.step])]

    def reasons(self) -> dict[int, str | None]:
        return {e.step: e.facts.get("special_reason") for e in self.entries}


def record(line: R.Timeline, entry: Entry) -> None:
    line.done[entry.step] = entry.done_on
    line.counts[entry.step] = line.counts.get(entry.step, 0) + 1


def codes(violations) -> list[str]:
    return [v.code for v in violations]


def lower_bound(step: R.Step, line: R.Timeline) -> date:
    """The earliest date the rules allow for ``step`` on ``line``."""
    bounds = [line.done[n] for n in step.requires]
    bounds += [o.apply(line.anchor(o.anchor)) for o in step.earliest]
    if step.recurring and step.number in line.done:
        bounds.append(line.done[step.number])  # entries of a recurring step in date order
    return max(bounds)


def latest(step: R.Step, line: R.Timeline, kind: str) -> date | None:
    dates = [o.apply(line.anchor(o.anchor)) for o in step.deadline if o.kind == kind]
    return min(dates) if dates else None


def member(person_id: int, member_type: str = "full", status: str = "normal") -> R.Person:
    return R.Person(person_id, f"党员{person_id}", member_type, status)


@cache
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """``st.integers`` built once per range: the strategies below are drawn from thousands of
    times per test, and a fresh strategy is validated on each draw."""
    return st.integers(low, high)


@cache
def id_lists(count: int) -> st.SearchStrategy[list[int]]:
    return st.lists(PERSON_IDS, min_size=count, max_size=count, unique=True)


APPLICANT_IDS = st.integers(1, 99_999)
PERSON_IDS = st.integers(100_000, 999_999)  # never the applicant
BIRTHS = st.one_of(
    st.dates(date(1950, 1, 1), date(1995, 12, 31)),
    st.sampled_from([date(year, 2, 29) for year in range(1952, 1996, 4)]),
)


def draw_people(draw, count: int) -> list[R.Person]:
    return [member(i) for i in draw(id_lists(count))]


def draw_votes(draw) -> dict[str, int]:
    """Quorum (present > half of should_attend) and a passing majority."""
    should = draw(ints(1, 200))
    present = draw(ints(should // 2 + 1, should))
    yes = draw(ints(should // 2 + 1, present))
    no = draw(ints(0, present - yes))
    abstain = draw(ints(0, present - yes - no))
    return {"should_attend": should, "present": present, "yes": yes, "no": no, "abstain": abstain}


@cache
def trainings(min_days: int, min_hours: int) -> st.SearchStrategy[dict]:
    """At least ``min_days`` days or ``min_hours`` hours (the other one may fall short)."""
    short_days = st.one_of(st.none(), st.integers(0, min_days - 1), st.just(min_days - 0.5))
    short_hours = st.one_of(st.none(), st.integers(0, min_hours - 1))
    enough_days = st.one_of(st.integers(min_days, 30), st.just(min_days + 0.5))
    enough_hours = st.integers(min_hours, 300)
    return st.one_of(
        st.tuples(days, hours)
        for days, hours in [
            (enough_days, short_hours),
            (short_days, enough_hours),
            (enough_days, enough_hours),
        ]
    ).map(lambda t: {"training_days": t[0], "training_hours": t[1]})


def draw_facts(draw, step: R.Step) -> dict:
    """What the step records, all within the rules."""
    facts: dict = {}
    if step.people:
        facts["people"] = {
            role: draw_people(draw, draw(ints(rule.min, rule.max)))
            for role, rule in step.people.items()
        }
    if step.training:
        facts.update(draw(trainings(*step.training)))
    if step.review:
        facts["review_passed"] = True
    if step.vote:
        facts["votes"] = draw_votes(draw)
    if step.outcome:
        facts["outcome"] = "full"
    return facts


def draw_date(draw, step: R.Step, line: R.Timeline) -> tuple[date, str | None]:
    """A date at or after the lower bound; within a warn deadline, or past it with a reason
    (never past a hard one)."""
    lower = lower_bound(step, line)
    spread = 3650 if step.number == 1 else MAX_GAP  # an application years after turning 18
    done_on = lower + timedelta(days=draw(ints(0, spread)))
    if draw(ints(0, 3)) == 0:
        done_on += relativedelta(day=31)  # month ends, where the month arithmetic clamps
    warn, hard = latest(step, line, "warn"), latest(step, line, "hard")
    if warn is None:
        assert hard is None or lower <= hard
        return (min(done_on, hard) if hard else done_on), None
    assert lower <= warn
    if not draw(st.booleans()):
        return min(done_on, warn), None
    first = warn + timedelta(days=1)
    last = hard or warn + timedelta(days=90)
    days = min(draw(ints(0, (last - first).days + 9)), (last - first).days)  # often the last
    return first + timedelta(days=days), SPECIAL_REASON


@st.composite
def valid_cases(draw) -> Case:
    """A complete record of all the steps (recurring ones one to three times), built from the
    rule data in step order, every date at or before TODAY."""
    birth = draw(BIRTHS)
    line = R.Timeline(birth_date=birth)
    entries: list[Entry] = []
    for step in RULES.steps.values():
        for _ in range(draw(ints(1, 3)) if step.recurring else 1):
            done_on, reason = draw_date(draw, step, line)
            facts = draw_facts(draw, step)
            if reason:
                facts["special_reason"] = reason
            entry = Entry(step.number, done_on, facts)
            entries.append(entry)
            record(line, entry)
    assert max(e.done_on for e in entries) <= TODAY
    return Case(birth, draw(APPLICANT_IDS), entries)


def pick(data, case: Case, keep) -> int:
    return data.draw(st.sampled_from(case.indices(keep)), label="entry")


# --------------------------------------------------------------------------------------------
# 1. A valid record passes, step by step
# --------------------------------------------------------------------------------------------
@SETTINGS
@given(valid_cases())
def test_valid_record_replays_without_errors(case):
    line = R.Timeline(birth_date=case.birth)
    for index, entry in enumerate(case.entries):
        openings = {o.step: o for o in R.outlook(RULES, line)}
        assert entry.step in openings, (entry, sorted(openings))
        assert openings[entry.step].earliest <= entry.done_on
        verdict = R.check(RULES, line, case.proposal(index), TODAY)
        assert verdict.errors == [], (entry, verdict.errors)
        expected = ["late"] if entry.facts.get("special_reason") else []
        assert codes(verdict.warnings) == expected
        record(line, entry)
    assert all(line.counts[n] == 1 for n in RULES.steps if not RULES.steps[n].recurring)
    assert R.timeline_errors(RULES, line, case.reasons()) == []
    # the explained lateness is on record; without the reasons it is an error again
    late = [e for e in case.entries if e.facts.get("special_reason")]
    assert codes(R.timeline_errors(RULES, line)) == ["special_reason_required"] * len(late)
    assert [o.step for o in R.outlook(RULES, line)] == []  # everything done, nothing open


@SETTINGS
@given(valid_cases())
def test_valid_record_properties(case):
    line = case.full()
    t = line.done
    assert t[1] >= case.birth + relativedelta(years=18)
    assert t[7] >= t[3] + relativedelta(years=1)
    assert t[17] <= t[15] + relativedelta(months=6)
    assert (t[17] > t[15] + relativedelta(months=3)) == bool(
        case.entries[case.index(17)].facts.get("special_reason")
    )
    assert line.probation_end() == t[15] + relativedelta(months=12)
    assert t[23] >= t[15] + relativedelta(months=12)
    assert t[22] >= t[15] + relativedelta(months=12) + relativedelta(months=-1)
    for entry in case.entries:
        step = RULES.steps[entry.step]
        assert all(t[n] <= entry.done_on for n in step.requires)
        if step.vote:
            assert R.vote_passed(entry.facts["votes"])


# --------------------------------------------------------------------------------------------
# 2. One violation at a time
# --------------------------------------------------------------------------------------------
@FEW
@given(valid_cases(), st.data())
def test_missing_predecessor(case, data):
    index = pick(data, case, lambda s: s.requires)
    step = RULES.steps[case.entries[index].step]
    missing = data.draw(st.sampled_from(step.requires), label="missing")
    line = case.before(index)
    del line.done[missing]
    verdict = R.check(RULES, line, case.proposal(index), TODAY)
    assert codes(verdict.errors) == ["requires"]
    assert f"须先完成第{missing}步「{RULES.steps[missing].name}」" in verdict.errors[0].message


@FEW
@given(valid_cases(), st.data())
def test_predecessor_later_than_the_step(case, data):
    index = pick(data, case, lambda s: s.requires)
    entry = case.entries[index]
    before = data.draw(st.sampled_from(RULES.steps[entry.step].requires), label="predecessor")
    line = case.before(index)
    line.done[before] = entry.done_on + timedelta(days=data.draw(st.integers(1, 400)))
    verdict = R.check(RULES, line, case.proposal(index), TODAY)
    assert codes(verdict.errors) == ["before_predecessor"]
    assert line.done[before].isoformat() in verdict.errors[0].message


@FEW
@given(valid_cases(), st.data())
def test_step_dated_before_a_predecessor(case, data):
    index = pick(data, case, lambda s: s.requires)
    entry = case.entries[index]
    line = case.before(index)
    before = data.draw(st.sampled_from(RULES.steps[entry.step].requires), label="predecessor")
    done_on = line.done[before] - timedelta(days=data.draw(st.integers(1, 400)))
    verdict = R.check(RULES, line, case.proposal(index, done_on=done_on), TODAY)
    assert "before_predecessor" in codes(verdict.errors)
    assert set(codes(verdict.errors)) <= DATE_CODES - {"requires"}
    assert verdict.warnings == []


def _anchor_step(anchor: int | str) -> int | str:
    return 15 if anchor == "probation_end" else anchor


def _set_anchor(line: R.Timeline, anchor: int | str, day: date) -> None:
    if anchor == "birth":
        line.birth_date = day
    else:
        line.done[_anchor_step(anchor)] = day


def _anchor_value(line: R.Timeline, anchor: int | str) -> date:
    return line.birth_date if anchor == "birth" else line.done[_anchor_step(anchor)]


def _push_anchor_past(line: R.Timeline, offset: R.Offset, done_on: date) -> date:
    """Move the anchor of ``offset`` to the first date whose earliest is after ``done_on``."""
    day = _anchor_value(line, offset.anchor)
    while True:
        _set_anchor(line, offset.anchor, day)
        if offset.apply(line.anchor(offset.anchor)) > done_on:
            return day
        day += timedelta(days=1)


@FEW
@given(valid_cases(), st.data())
def test_too_early_by_a_later_anchor(case, data):
    """The step keeps its date; the date its earliest is counted from moves later."""
    index = pick(data, case, lambda s: s.earliest)
    entry = case.entries[index]
    step = RULES.steps[entry.step]
    offset = data.draw(st.sampled_from(step.earliest), label="offset")
    line = case.before(index)
    day = _push_anchor_past(line, offset, entry.done_on)
    if data.draw(st.booleans(), label="further"):
        _set_anchor(line, offset.anchor, day + timedelta(days=data.draw(st.integers(1, 400))))
    earliest = offset.apply(line.anchor(offset.anchor))
    verdict = R.check(RULES, line, case.proposal(index), TODAY)
    expected = "too_young" if offset.anchor == "birth" else "too_early"
    assert codes(verdict.errors) == [expected]
    assert f"（最早 {earliest.isoformat()}）" in verdict.errors[0].message


@FEW
@given(valid_cases(), st.data())
def test_too_early_by_an_earlier_date(case, data):
    index = pick(data, case, lambda s: s.earliest)
    entry = case.entries[index]
    step = RULES.steps[entry.step]
    line = case.before(index)
    earliest = max(o.apply(line.anchor(o.anchor)) for o in step.earliest)
    done_on = earliest - timedelta(days=data.draw(st.integers(1, 800)))
    verdict = R.check(RULES, line, case.proposal(index, done_on=done_on), TODAY)
    expected = "too_young" if step.number == 1 else "too_early"
    assert expected in codes(verdict.errors)
    assert set(codes(verdict.errors)) <= DATE_CODES - {"requires"}
    if step.number == 1:
        assert codes(verdict.errors) == ["too_young"]
        assert verdict.errors[0].message == (
            f"递交入党申请书须年满18周岁（最早 {earliest.isoformat()}）"
        )


@FEW
@given(valid_cases(), st.data())
def test_step_17_after_the_hard_deadline(case, data):
    index = case.index(17)
    line = case.before(index)
    hard = line.done[15] + relativedelta(months=6)
    done_on = hard + timedelta(days=data.draw(st.integers(1, 400)))
    with_reason = R.check(
        RULES, line, case.proposal(index, done_on=done_on, special_reason=SPECIAL_REASON), TODAY
    )
    assert codes(with_reason.errors) == ["too_late"]
    assert hard.isoformat() in with_reason.errors[0].message
    without = R.check(
        RULES, line, case.proposal(index, done_on=done_on, special_reason=None), TODAY
    )
    assert sorted(codes(without.errors)) == ["special_reason_required", "too_late"]


@FEW
@given(valid_cases(), st.data())
def test_step_17_between_three_and_six_months(case, data):
    index = case.index(17)
    line = case.before(index)
    warn = line.done[15] + relativedelta(months=3)
    hard = line.done[15] + relativedelta(months=6)
    done_on = warn + timedelta(days=data.draw(st.integers(1, (hard - warn).days)))
    blank = data.draw(st.sampled_from([None, "", "  \n"]), label="blank reason")
    without = R.check(
        RULES, line, case.proposal(index, done_on=done_on, special_reason=blank), TODAY
    )
    assert codes(without.errors) == ["special_reason_required"]
    assert warn.isoformat() in without.errors[0].message
    assert without.warnings == []
    with_reason = R.check(
        RULES, line, case.proposal(index, done_on=done_on, special_reason=SPECIAL_REASON), TODAY
    )
    assert with_reason.errors == []
    assert codes(with_reason.warnings) == ["late"]


@FEW
@given(
    valid_cases(),
    st.one_of(st.none(), st.floats(0, 3, exclude_max=True), st.integers(0, 2)),
    st.one_of(st.none(), st.floats(0, 24, exclude_max=True), st.integers(0, 23)),
)
def test_training_below_both_thresholds(case, days, hours):
    index = case.index(11)
    proposal = case.proposal(index, training_days=days, training_hours=hours)
    verdict = R.check(RULES, case.before(index), proposal, TODAY)
    assert codes(verdict.errors) == ["training_short"]
    assert "不少于3天或24学时" in verdict.errors[0].message


def _full_member_roles(step: R.Step) -> list[str]:
    return [role for role, rule in step.people.items() if rule.full_members]


@FEW
@given(valid_cases(), st.data())
def test_not_a_full_member(case, data):
    index = pick(data, case, _full_member_roles)
    entry = case.entries[index]
    role = data.draw(st.sampled_from(_full_member_roles(RULES.steps[entry.step])), label="role")
    people = list(entry.facts["people"][role])
    at = data.draw(st.integers(0, len(people) - 1), label="person")
    if data.draw(st.booleans(), label="probationary or abnormal"):
        kind = data.draw(st.sampled_from(NOT_FULL_TYPES), label="member_type")
        people[at] = member(people[at].id, kind, "normal")
    else:
        people[at] = member(people[at].id, "full", data.draw(st.sampled_from(ABNORMAL_STATUSES)))
    proposal = case.proposal(index, people={**entry.facts["people"], role: people})
    verdict = R.check(RULES, case.before(index), proposal, TODAY)
    assert codes(verdict.errors) == ["not_full_member"]
    assert people[at].name in verdict.errors[0].message
    assert verdict.errors[0].field == role


@FEW
@given(valid_cases(), st.data())
def test_wrong_number_of_people(case, data):
    index = pick(data, case, lambda s: s.people)
    entry = case.entries[index]
    step = RULES.steps[entry.step]
    role = data.draw(st.sampled_from(sorted(step.people)), label="role")
    rule = step.people[role]
    count = data.draw(
        st.integers(0, rule.max + 3).filter(lambda n: not rule.min <= n <= rule.max), label="n"
    )
    people = draw_people(data.draw, count)
    proposal = case.proposal(index, people={**entry.facts["people"], role: people})
    verdict = R.check(RULES, case.before(index), proposal, TODAY)
    assert codes(verdict.errors) == ["people_count"]
    assert f"（现为{count}名）" in verdict.errors[0].message


def test_two_introducers_exactly():
    assert RULES.steps[9].people["introducers"] == R.PeopleRule(2, 2, True)


@FEW
@given(valid_cases(), st.data())
def test_applicant_named_for_themselves(case, data):
    index = pick(data, case, lambda s: s.people)
    entry = case.entries[index]
    role = data.draw(st.sampled_from(sorted(RULES.steps[entry.step].people)), label="role")
    people = list(entry.facts["people"][role])
    people[data.draw(st.integers(0, len(people) - 1))] = member(case.applicant_id)
    proposal = case.proposal(index, people={**entry.facts["people"], role: people})
    verdict = R.check(RULES, case.before(index), proposal, TODAY)
    assert codes(verdict.errors) == ["people_self"]


@FEW
@given(valid_cases(), st.sampled_from([False, None]))
def test_review_not_passed(case, passed):
    index = case.index(10)
    verdict = R.check(RULES, case.before(index), case.proposal(index, review_passed=passed), TODAY)
    assert codes(verdict.errors) == ["review_failed"]


@st.composite
def votes_without_quorum(draw) -> dict[str, int]:
    should = draw(ints(1, 200))
    present = draw(ints(0, should // 2))
    yes = draw(ints(0, present))
    no = draw(ints(0, present - yes))
    abstain = draw(ints(0, present - yes - no))
    return {"should_attend": should, "present": present, "yes": yes, "no": no, "abstain": abstain}


@FEW
@given(valid_cases(), st.data(), votes_without_quorum())
def test_no_quorum(case, data, votes):
    index = pick(data, case, lambda s: s.vote)
    verdict = R.check(RULES, case.before(index), case.proposal(index, votes=votes), TODAY)
    assert codes(verdict.errors) == ["no_quorum"]
    assert not R.vote_passed(votes)


@FEW
@given(valid_cases(), st.data())
def test_votes_and_outcome_required(case, data):
    index = pick(data, case, lambda s: s.vote)
    verdict = R.check(RULES, case.before(index), case.proposal(index, votes=None), TODAY)
    assert codes(verdict.errors) == ["votes_required"]
    index = case.index(23)
    outcome = data.draw(st.sampled_from([None, "", "approve"]), label="outcome")
    verdict = R.check(RULES, case.before(index), case.proposal(index, outcome=outcome), TODAY)
    assert codes(verdict.errors) == ["outcome_required"]


def _extended(case: Case, data, extensions: int) -> tuple[R.Timeline, date]:
    """The timeline before step 23 with ``extensions`` approved, and a date for step 23 at or
    after the (extended) end of the probation."""
    index = case.index(23)
    line = case.before(index)
    line.extensions = extensions
    line.extension_months = data.draw(st.integers(6, 12)) if extensions else 0
    start = max(case.entries[index].done_on, line.probation_end())
    return line, start + timedelta(days=data.draw(st.integers(0, MAX_GAP)))


@FEW
@given(valid_cases(), st.data())
def test_first_extension_is_accepted(case, data):
    line, done_on = _extended(case, data, 0)
    months = data.draw(st.integers(RULES.extension_min, RULES.extension_max))
    proposal = case.proposal(
        case.index(23),
        done_on=done_on,
        outcome="extend",
        extension_months=months,
        note="仍需考察",
    )
    assert R.check(RULES, line, proposal, TODAY).errors == []


@FEW
@given(valid_cases(), st.data())
def test_second_extension(case, data):
    line, done_on = _extended(case, data, 1)
    months = data.draw(st.integers(RULES.extension_min, RULES.extension_max))
    proposal = case.proposal(
        case.index(23),
        done_on=done_on,
        outcome="extend",
        extension_months=months,
        note="仍需考察",
    )
    verdict = R.check(RULES, line, proposal, TODAY)
    assert codes(verdict.errors) == ["extension_repeated"]
    # the other outcomes stay open after an extension
    for outcome in ("full", "cancel"):
        verdict = R.check(RULES, line, replace(proposal, outcome=outcome), TODAY)
        assert verdict.errors == []
    # extending or cancelling says why
    for outcome in ("extend", "cancel"):
        verdict = R.check(RULES, line, replace(proposal, outcome=outcome, note=" "), TODAY)
        assert "outcome_reason_required" in codes(verdict.errors)


@FEW
@given(
    valid_cases(),
    st.data(),
    st.one_of(st.none(), st.integers(-24, 5), st.integers(13, 60)),
)
def test_extension_months_out_of_range(case, data, months):
    line, done_on = _extended(case, data, 0)
    proposal = case.proposal(
        case.index(23),
        done_on=done_on,
        outcome="extend",
        extension_months=months,
        note="仍需考察",
    )
    verdict = R.check(RULES, line, proposal, TODAY)
    assert codes(verdict.errors) == ["extension_months"]
    assert "6至12个月" in verdict.errors[0].message


@FEW
@given(valid_cases(), st.data())
def test_future_date(case, data):
    index = data.draw(st.integers(0, len(case.entries) - 1), label="entry")
    entry = case.entries[index]
    today = entry.done_on - timedelta(days=data.draw(st.integers(1, 3650)))
    verdict = R.check(RULES, case.before(index), case.proposal(index), today)
    assert codes(verdict.errors) == ["future_date"]
    assert today.isoformat() in verdict.errors[0].message


@FEW
@given(valid_cases(), st.data())
def test_step_done_twice_or_closed(case, data):
    index = pick(data, case, lambda s: not s.recurring)
    verdict = R.check(RULES, case.before(index + 1), case.proposal(index), TODAY)
    assert codes(verdict.errors) == ["step_done"]
    index = pick(data, case, lambda s: s.recurring)
    until = RULES.steps[case.entries[index].step].until
    line = case.before(case.index(until) + 1)
    verdict = R.check(RULES, line, case.proposal(index), TODAY)
    assert codes(verdict.errors) == ["step_closed"]


# --------------------------------------------------------------------------------------------
# 3. Date edge cases
# --------------------------------------------------------------------------------------------
BIRTH = date(2000, 5, 17)
PEOPLE = {"introducers": [member(101), member(102)]}


def _check(done: dict[int, date], step: int, done_on: date, birth=BIRTH, **kwargs) -> R.Verdict:
    line = R.Timeline(birth_date=birth, done=dict(done), counts=dict.fromkeys(done, 1))
    for key in ("extension_months", "extensions"):
        if key in kwargs:
            setattr(line, key, kwargs.pop(key))
    return R.check(RULES, line, R.Proposal(step, done_on, **kwargs), TODAY)


ACTIVIST_ON_LEAP_DAY = {
    1: date(2023, 10, 9),
    2: date(2023, 10, 20),
    3: date(2024, 2, 29),
    4: date(2024, 3, 5),
    5: date(2024, 3, 5),
    6: date(2024, 8, 30),
}


def test_step_7_a_year_after_an_activist_on_a_leap_day():
    assert _check(ACTIVIST_ON_LEAP_DAY, 7, date(2025, 2, 28)).errors == []
    verdict = _check(ACTIVIST_ON_LEAP_DAY, 7, date(2025, 2, 27))
    assert codes(verdict.errors) == ["too_early"]
    assert (
        verdict.errors[0].message == "确定发展对象须在确定入党积极分子满一年后（最早 2025-02-28）"
    )
    assert verdict.errors[0].field == "done_on"
    opening = {o.step: o for o in R.outlook(RULES, R.Timeline(BIRTH, ACTIVIST_ON_LEAP_DAY))}[7]
    assert opening.earliest == date(2025, 2, 28)


def test_step_1_on_the_18th_birthday():
    born = date(2006, 2, 28)
    assert _check({}, 1, date(2024, 2, 28), birth=born).errors == []
    verdict = _check({}, 1, date(2024, 2, 27), birth=born)
    assert codes(verdict.errors) == ["too_young"]
    assert verdict.errors[0].message == "递交入党申请书须年满18周岁（最早 2024-02-28）"


def test_step_1_born_on_a_leap_day():
    born = date(2004, 2, 29)
    assert _check({}, 1, date(2022, 2, 28), birth=born).errors == []
    verdict = _check({}, 1, date(2022, 2, 27), birth=born)
    assert codes(verdict.errors) == ["too_young"]
    assert "最早 2022-02-28" in verdict.errors[0].message
    opening = R.outlook(RULES, R.Timeline(birth_date=born))
    assert [(o.step, o.earliest) for o in opening] == [(1, date(2022, 2, 28))]


def test_step_1_without_a_birth_date():
    line = R.Timeline()
    verdict = R.check(RULES, line, R.Proposal(1, date(2024, 1, 1)), TODAY)
    assert codes(verdict.errors) == ["birth_date_missing"]
    assert R.outlook(RULES, line) == []


ADMITTED_ON_JAN_31 = {15: date(2024, 1, 31), 16: date(2024, 2, 1)}


def test_step_17_boundaries_from_a_month_end():
    def verdict(day: date, reason: str | None = None) -> R.Verdict:
        return _check(ADMITTED_ON_JAN_31, 17, day, special_reason=reason)

    on_time = verdict(date(2024, 4, 30))
    assert on_time.errors == [] and on_time.warnings == []
    late = verdict(date(2024, 5, 1))
    assert codes(late.errors) == ["special_reason_required"]
    assert (
        late.errors[0].message
        == "上级党委审批应在支部大会讨论接收预备党员后三个月内（2024-04-30）完成，"
        "已超期，须说明特殊情况"
    )
    explained = verdict(date(2024, 5, 1), SPECIAL_REASON)
    assert explained.errors == [] and codes(explained.warnings) == ["late"]
    last = verdict(date(2024, 7, 31), SPECIAL_REASON)
    assert last.errors == [] and codes(last.warnings) == ["late"]
    too_late = verdict(date(2024, 8, 1), SPECIAL_REASON)
    assert codes(too_late.errors) == ["too_late"]
    assert (
        too_late.errors[0].message
        == "上级党委审批须在支部大会讨论接收预备党员后六个月内（2024-07-31）完成，已超期"
    )
    opening = {o.step: o for o in R.outlook(RULES, R.Timeline(BIRTH, ADMITTED_ON_JAN_31))}[17]
    assert (opening.earliest, opening.deadline, opening.deadline_kind) == (
        date(2024, 2, 1),
        date(2024, 4, 30),
        "warn",
    )


PROBATION = {15: date(2024, 1, 31), 17: date(2024, 3, 1), 22: date(2024, 12, 31)}
VOTES = {"should_attend": 20, "present": 18, "yes": 17, "no": 1, "abstain": 0}


def test_probation_end_with_and_without_an_extension():
    def verdict(day: date, **kwargs) -> R.Verdict:
        return _check(PROBATION, 23, day, votes=VOTES, outcome="full", **kwargs)

    assert R.Timeline(done=PROBATION).probation_end() == date(2025, 1, 31)
    assert verdict(date(2025, 1, 31)).errors == []
    assert codes(verdict(date(2025, 1, 30)).errors) == ["too_early"]
    extended = R.Timeline(done=PROBATION, extension_months=6, extensions=1)
    assert extended.probation_end() == date(2025, 7, 31)
    assert verdict(date(2025, 7, 31), extension_months=6, extensions=1).errors == []
    early = verdict(date(2025, 7, 30), extension_months=6, extensions=1)
    assert codes(early.errors) == ["too_early"]
    assert early.errors[0].message == "支部大会讨论转正须在预备期满之后（最早 2025-07-31）"


def test_extension_from_a_month_end_clamps_once():
    """The probation end is T15 + (12 + extension) months, clamped at the month end."""
    done = {15: date(2023, 8, 31), 17: date(2023, 10, 9), 22: date(2024, 8, 1)}
    for months, end in [(0, date(2024, 8, 31)), (6, date(2025, 2, 28)), (12, date(2025, 8, 31))]:
        line = R.Timeline(done=done, extension_months=months, extensions=int(months > 0))
        assert line.probation_end() == end
        opening = {o.step: o for o in R.outlook(RULES, line)}[23]
        assert opening.earliest == end


def test_outlook_after_steps_1_to_3():
    done = {1: date(2024, 3, 1), 2: date(2024, 3, 15), 3: date(2024, 8, 31)}
    openings = {o.step: o for o in R.outlook(RULES, R.Timeline(BIRTH, done))}
    assert sorted(openings) == [4, 5, 6]
    assert openings[4] == R.Opening(4, date(2024, 8, 31), date(2024, 9, 30), "due")
    assert openings[5] == R.Opening(5, date(2024, 8, 31), date(2024, 9, 30), "due")
    assert openings[6] == R.Opening(6, date(2024, 8, 31), date(2025, 2, 28), "due", True)


def test_vote_passed_needs_more_than_half_of_those_who_should_attend():
    assert R.vote_passed({"should_attend": 20, "present": 11, "yes": 11, "no": 0, "abstain": 0})
    assert not R.vote_passed(
        {"should_attend": 20, "present": 20, "yes": 10, "no": 10, "abstain": 0}
    )
    assert not R.vote_passed(None)
    verdict = _check(
        {14: date(2024, 1, 1)},
        15,
        date(2024, 1, 2),
        votes={"should_attend": 20, "present": 10, "yes": 10, "no": 0, "abstain": 0},
    )
    assert codes(verdict.errors) == ["no_quorum"]


# --------------------------------------------------------------------------------------------
# 4. Corrections: timeline_errors
# --------------------------------------------------------------------------------------------
CANDIDATE = {
    1: date(2023, 3, 1),
    2: date(2023, 3, 15),
    3: date(2024, 1, 10),
    4: date(2024, 1, 20),
    5: date(2024, 1, 20),
    6: date(2024, 7, 1),
    7: date(2025, 1, 15),
}


def test_correction_of_step_3_breaks_step_7():
    assert R.timeline_errors(RULES, R.Timeline(BIRTH, CANDIDATE)) == []
    corrected = R.Timeline(BIRTH, {**CANDIDATE, 3: date(2024, 1, 16)})
    errors = R.timeline_errors(RULES, corrected)
    assert codes(errors) == ["too_early"]
    assert errors[0].message == "确定发展对象须在确定入党积极分子满一年后（最早 2025-01-16）"


@FEW
@given(valid_cases(), st.data())
def test_correction_of_step_3_in_a_valid_record(case, data):
    line = case.full()
    day = _push_anchor_past(line, RULES.steps[7].earliest[0], line.done[7])
    if data.draw(st.booleans(), label="further"):
        day += timedelta(days=data.draw(st.integers(1, 400)))
        line.done[3] = day
    expected = Counter({"too_early": 1})
    expected["before_predecessor"] = sum(line.done[n] < day for n in (4, 5, 6))
    expected += Counter()  # drop a zero count
    assert Counter(codes(R.timeline_errors(RULES, line, case.reasons()))) == expected


def test_timeline_errors_checks_the_first_entry_of_a_recurring_step():
    line = R.Timeline(BIRTH)
    for step in (1, 2, 3):
        line.add(step, CANDIDATE[step])
    line.add(6, date(2024, 3, 1))  # two assessments of the activist
    line.add(6, date(2024, 9, 1))
    assert R.timeline_errors(RULES, line) == []
    line.done[3] = date(2024, 4, 1)  # T3 corrected: the first assessment now comes before it
    errors = R.timeline_errors(RULES, line)
    assert codes(errors) == ["before_predecessor"]
    assert "2024-04-01" in errors[0].message
