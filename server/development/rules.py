"""The 25 steps as data, and the checks they imply (DOMAIN.md §1).

A rule set is a TOML file in ``rules/`` (``2014.toml`` is the default), validated when loaded:
stages, steps, what each step requires, its earliest date and deadlines as offsets from
another step's date (or the birth date, or the end of the probation), the people, training,
review, vote and outcome it records, and what it changes on the person. A revision of the
rules is a new file; a record keeps the version it was started under.

Everything here is pure: ``check`` judges one proposed entry against a ``Timeline`` (the
dates already recorded) and returns every violation with a Chinese message naming the date or
condition; ``outlook`` says which steps are open, from when and until when. The services feed
them from the database; the tests (hypothesis included) feed them directly.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from dateutil.relativedelta import relativedelta
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_VERSION = "2014"

ACTORS = {"applicant": "申请人", "branch": "党支部", "superior": "上级党委"}
APPROVERS = {
    "branch_committee": "支部委员会",
    "branch_assembly": "支部党员大会",
    "base_committee": "基层党委",
}
DEADLINE_KINDS = ("due", "warn", "hard")
OUTCOMES = {"full": "按期转正", "extend": "延长预备期", "cancel": "取消预备资格"}
ANCHOR_NAMES = {"birth": "出生", "probation_end": "预备期满"}
_NUMERALS = "零一二三四五六七八九十"


# --------------------------------------------------------------------------------------------
# The rule set
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Offset:
    """T(anchor) + years/months/days, months clamped at month end (Jan 31 + 1 month = Feb 28)."""

    anchor: int | str  # a step number, "birth" or "probation_end"
    years: int = 0
    months: int = 0
    days: int = 0
    kind: str | None = None  # deadlines: due | warn | hard

    def apply(self, day: date) -> date:
        return day + relativedelta(years=self.years, months=self.months, days=self.days)

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months


@dataclass(frozen=True)
class PeopleRule:
    min: int
    max: int
    full_members: bool


@dataclass(frozen=True)
class Step:
    number: int
    stage: str
    name: str
    short: str
    actor: str
    approver: str | None = None
    requires: tuple[int, ...] = ()
    recurring: bool = False
    every_months: int | None = None
    until: int | None = None
    earliest: tuple[Offset, ...] = ()
    deadline: tuple[Offset, ...] = ()
    people: dict[str, PeopleRule] = field(default_factory=dict)
    training: tuple[int, int] | None = None  # (days, hours): at least one of them
    review: bool = False
    vote: bool = False
    outcome: bool = False
    effect: dict = field(default_factory=dict)
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    version: str
    title: str
    stages: dict[str, str]  # key → name, in order
    stage_starts: dict[str, int]  # key → the step that puts a person in the stage
    steps: dict[int, Step]
    extension_min: int
    extension_max: int
    extension_times: int
    extension_repeats: tuple[int, ...]  # steps done again after an extension

    def step(self, number: int) -> Step | None:
        return self.steps.get(number)

    def stage_reached(self, done) -> str:
        """The stage a person is in: the last whose starting step is done."""
        reached = next(iter(self.stages))
        for key, start in self.stage_starts.items():
            if start in done:
                reached = key
        return reached

    def outcome_confirmed_by(self, number: int) -> int | None:
        """The outcome step (转正 or extend or cancel) that step ``number`` approves, if any."""
        return next((n for n in self.steps[number].requires if self.steps[n].outcome), None)


# -- validation of the file ------------------------------------------------------------------
class _OffsetSchema(Schema):
    from_ = fields.Raw(required=True, data_key="from")
    years = fields.Integer(load_default=0, validate=validate.Range(min=-100, max=100))
    months = fields.Integer(load_default=0, validate=validate.Range(min=-120, max=120))
    days = fields.Integer(load_default=0, validate=validate.Range(min=-3650, max=3650))
    kind = fields.String(validate=validate.OneOf(DEADLINE_KINDS))


class _PeopleSchema(Schema):
    min = fields.Integer(required=True, validate=validate.Range(min=0, max=10))
    max = fields.Integer(required=True, validate=validate.Range(min=1, max=10))
    full_members = fields.Boolean(load_default=False)


class _StepSchema(Schema):
    number = fields.Integer(required=True, validate=validate.Range(min=1, max=99))
    stage = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    short = fields.String(required=True, validate=validate.Length(min=1, max=40))
    actor = fields.String(required=True, validate=validate.OneOf(ACTORS))
    approver = fields.String(validate=validate.OneOf(APPROVERS))
    requires = fields.List(fields.Integer(), load_default=list)
    recurring = fields.Boolean(load_default=False)
    every_months = fields.Integer(validate=validate.Range(min=1, max=24))
    until = fields.Integer()
    earliest = fields.List(fields.Nested(_OffsetSchema), load_default=list)
    deadline = fields.List(fields.Nested(_OffsetSchema), load_default=list)
    people = fields.Dict(
        keys=fields.String(validate=validate.OneOf(["talkers", "contacts", "introducers"])),
        values=fields.Nested(_PeopleSchema),
        load_default=dict,
    )
    training = fields.Dict(keys=fields.String(validate=validate.OneOf(["days", "hours"])))
    review = fields.Boolean(load_default=False)
    vote = fields.Boolean(load_default=False)
    outcome = fields.Boolean(load_default=False)
    effect = fields.Dict(load_default=dict)
    materials = fields.List(fields.String(), load_default=list)

    @validates_schema
    def _deadlines_have_kinds(self, data, **_kwargs):
        for offset in data["deadline"]:
            if "kind" not in offset:
                raise ValidationError("a deadline needs kind = due | warn | hard", "deadline")


class _RuleSetSchema(Schema):
    version = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z._-]{1,20}$"))
    title = fields.String(required=True)
    extension = fields.Dict(required=True)
    stages = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))
    steps = fields.List(fields.Nested(_StepSchema), required=True, validate=validate.Length(min=1))


def _offset(raw: dict, where: str, numbers: set[int]) -> Offset:
    anchor = raw["from_"]
    if not (anchor in ANCHOR_NAMES or (isinstance(anchor, int) and anchor in numbers)):
        raise ValueError(f"{where}: from = {anchor!r} is not a step, 'birth' or 'probation_end'")
    return Offset(anchor, raw["years"], raw["months"], raw["days"], raw.get("kind"))


def parse(text: str, source: str = "<rules>") -> RuleSet:
    """A rule set from TOML text; ValueError naming the place of the first problem."""
    try:
        raw = _RuleSetSchema().load(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ValueError(f"{source}: {exc}") from exc
    stages, starts = {}, {}
    for stage in raw["stages"]:
        if (
            not isinstance(stage.get("key"), str)
            or not isinstance(stage.get("name"), str)
            or not isinstance(stage.get("from_step"), int)
        ):
            raise ValueError(f"{source}: every stage needs a key, a name and from_step")
        stages[stage["key"]] = stage["name"]
        starts[stage["key"]] = stage["from_step"]
    numbers = [s["number"] for s in raw["steps"]]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"{source}: steps must be numbered 1, 2, 3 … in order")
    known = set(numbers)
    if not set(starts.values()) <= known or list(starts.values()) != sorted(starts.values()):
        raise ValueError(f"{source}: each stage's from_step must be a step, in order")
    steps: dict[int, Step] = {}
    for s in raw["steps"]:
        where = f"{source}: step {s['number']}"
        if s["stage"] not in stages:
            raise ValueError(f"{where}: unknown stage {s['stage']!r}")
        for r in s["requires"]:
            if r not in known or r >= s["number"]:
                raise ValueError(f"{where}: requires {r}, which is not an earlier step")
        if s.get("until") is not None and s["until"] not in known:
            raise ValueError(f"{where}: until {s['until']} is not a step")
        for kind in s.get("materials", []):
            if not kind.isidentifier():
                raise ValueError(f"{where}: material kind {kind!r}")
        training = s.get("training")
        steps[s["number"]] = Step(
            number=s["number"],
            stage=s["stage"],
            name=s["name"],
            short=s["short"],
            actor=s["actor"],
            approver=s.get("approver"),
            requires=tuple(s["requires"]),
            recurring=s["recurring"],
            every_months=s.get("every_months"),
            until=s.get("until"),
            earliest=tuple(_offset(o, where, known) for o in s["earliest"]),
            deadline=tuple(_offset(o, where, known) for o in s["deadline"]),
            people={
                role: PeopleRule(r["min"], r["max"], r["full_members"])
                for role, r in s["people"].items()
            },
            training=(int(training.get("days", 0)), int(training.get("hours", 0)))
            if training
            else None,
            review=s["review"],
            vote=s["vote"],
            outcome=s["outcome"],
            effect=dict(s["effect"]),
            materials=tuple(s["materials"]),
        )
    ext = raw["extension"]
    try:
        extension = (
            int(ext["min_months"]),
            int(ext["max_months"]),
            int(ext["times"]),
            tuple(int(n) for n in ext["repeats"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{source}: [extension] needs min_months, max_months, times, repeats"
        ) from exc
    if not set(extension[3]) <= known:
        raise ValueError(f"{source}: [extension] repeats a step that does not exist")
    return RuleSet(raw["version"], raw["title"], stages, starts, steps, *extension)


@cache
def load(version: str = DEFAULT_VERSION) -> RuleSet:
    """The rule set ``version`` from ``rules/<version>.toml`` (cached)."""
    path = RULES_DIR / f"{version}.toml"
    if not version.replace(".", "").replace("-", "").isalnum() or not path.is_file():
        raise LookupError(f"no rule set {version!r}")
    rules = parse(path.read_text(encoding="utf-8"), path.name)
    if rules.version != version:
        raise ValueError(f"{path.name}: says version {rules.version!r}")
    return rules


def versions() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.toml"))


# --------------------------------------------------------------------------------------------
# What has happened, and what is proposed
# --------------------------------------------------------------------------------------------
@dataclass
class Timeline:
    """The recorded facts of one record that the rules look at.

    ``done``: step → date of its completed entry in the current round (for a recurring step,
    the latest); ``counts``: completed entries per step; ``extension_months``: the approved
    extension of the probation (0 if none); ``extensions``: how many were approved.
    """

    birth_date: date | None = None
    done: dict[int, date] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    extension_months: int = 0
    extensions: int = 0
    first: dict[int, date] = field(default_factory=dict)  # recurring steps: the earliest entry

    def add(self, step: int, day: date) -> None:
        """Record a completed entry of ``step`` on ``day``."""
        self.counts[step] = self.counts.get(step, 0) + 1
        if step not in self.done or day > self.done[step]:
            self.done[step] = day
        if step not in self.first or day < self.first[step]:
            self.first[step] = day

    def probation_end(self, admission_step: int = 15) -> date | None:
        start = self.done.get(admission_step)
        if start is None:
            return None
        return start + relativedelta(months=12 + self.extension_months)

    def anchor(self, anchor: int | str) -> date | None:
        if anchor == "birth":
            return self.birth_date
        if anchor == "probation_end":
            return self.probation_end()
        return self.done.get(anchor)


@dataclass(frozen=True)
class Person:
    """Someone named in an entry (a talker, contact or introducer), as the rules see them."""

    id: int
    name: str
    member_type: str
    status: str


@dataclass
class Proposal:
    """A proposed entry: the step, its date and whatever the step records."""

    step: int
    done_on: date
    people: dict[str, list[Person]] = field(default_factory=dict)
    training_days: float | None = None
    training_hours: float | None = None
    review_passed: bool | None = None
    votes: dict[str, int] | None = None  # should_attend, present, yes, no, abstain
    outcome: str | None = None
    extension_months: int | None = None
    special_reason: str | None = None
    note: str | None = None
    applicant_id: int | None = None


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    field: str | None = None


@dataclass
class Verdict:
    errors: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------
def _number(n: int) -> str:
    if 0 <= n <= 10:
        return _NUMERALS[n]
    if n < 20:
        return "十" + _NUMERALS[n - 10]
    return str(n)


def _duration(offset: Offset) -> str:
    months = abs(offset.total_months)
    days = abs(offset.days)
    parts = []
    if months and months % 12 == 0:
        parts.append(f"{_number(months // 12)}年")
    elif months:
        parts.append(f"{_number(months)}个月")
    if days:
        parts.append(f"{days}天")
    return "".join(parts)


def _anchor_name(rules: RuleSet, anchor: int | str) -> str:
    if isinstance(anchor, int):
        return rules.steps[anchor].short
    return ANCHOR_NAMES[anchor]


def _fmt(day: date) -> str:
    return day.isoformat()


def earliest_message(rules: RuleSet, step: Step, offset: Offset, earliest: date) -> str:
    if offset.anchor == "birth":
        return f"{step.short}须年满{offset.years}周岁（最早 {_fmt(earliest)}）"
    anchor = _anchor_name(rules, offset.anchor)
    if offset.total_months < 0 or offset.days < 0:
        return f"{step.short}最早在{anchor}前{_duration(offset)}（最早 {_fmt(earliest)}）"
    if not offset.total_months and not offset.days:
        return f"{step.short}须在{anchor}之后（最早 {_fmt(earliest)}）"
    return f"{step.short}须在{anchor}满{_duration(offset)}后（最早 {_fmt(earliest)}）"


def deadline_text(rules: RuleSet, offset: Offset, latest: date) -> str:
    anchor = _anchor_name(rules, offset.anchor)
    if not offset.total_months and not offset.days:
        return f"{anchor}前（{_fmt(latest)}）"
    return f"{anchor}后{_duration(offset)}内（{_fmt(latest)}）"


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------
def check(rules: RuleSet, timeline: Timeline, proposal: Proposal, today: date) -> Verdict:
    """Every rule the proposed entry breaks (errors) or strains (warnings)."""
    verdict = Verdict()
    step = rules.step(proposal.step)
    if step is None:
        verdict.errors.append(Violation("unknown_step", f"没有第{proposal.step}步", "step"))
        return verdict
    err = verdict.errors.append
    if proposal.done_on > today:
        err(Violation("future_date", f"日期不能晚于今天（{_fmt(today)}）", "done_on"))
    if not step.recurring and step.number in timeline.done:
        err(
            Violation(
                "step_done",
                f"第{step.number}步「{step.name}」已完成；如需更正，请提交更正并说明理由",
            )
        )
    if step.recurring and step.until is not None and step.until in timeline.done:
        err(
            Violation(
                "step_closed",
                f"第{step.until}步「{rules.steps[step.until].name}」已完成，不再记录{step.short}",
            )
        )
    check_dates(rules, timeline, step, proposal.done_on, proposal.special_reason, verdict)
    _check_people(step, proposal, err)
    _check_training(step, proposal, err)
    if step.review and proposal.review_passed is not True:
        err(
            Violation(
                "review_failed",
                "政治审查结论须为合格；不合格的不能发展入党",
                "review_passed",
            )
        )
    if step.vote:
        _check_votes(proposal.votes, err)
    if step.outcome:
        _check_outcome(rules, timeline, proposal, err)
    return verdict


def check_dates(
    rules: RuleSet,
    timeline: Timeline,
    step: Step,
    done_on: date,
    special_reason: str | None,
    verdict: Verdict,
) -> None:
    """The order and time rules of ``step`` done on ``done_on``: its predecessors done and not
    later, its earliest dates reached, its hard deadlines kept and warned ones explained."""
    err = verdict.errors.append
    for number in step.requires:
        before = timeline.done.get(number)
        if before is None:
            err(
                Violation(
                    "requires",
                    f"须先完成第{number}步「{rules.steps[number].name}」，才能进行第{step.number}步",
                    "step",
                )
            )
        elif done_on < before:
            err(
                Violation(
                    "before_predecessor",
                    f"{step.short}的日期不能早于{rules.steps[number].short}（{_fmt(before)}）",
                    "done_on",
                )
            )
    for offset in step.earliest:
        start = timeline.anchor(offset.anchor)
        if start is None:
            if offset.anchor == "birth":
                err(Violation("birth_date_missing", "缺少出生日期，无法核对年龄", "done_on"))
            continue  # a missing step is reported by ``requires``
        earliest = offset.apply(start)
        if done_on < earliest:
            code = "too_young" if offset.anchor == "birth" else "too_early"
            err(Violation(code, earliest_message(rules, step, offset, earliest), "done_on"))
    for offset in step.deadline:
        start = timeline.anchor(offset.anchor)
        if start is None or offset.kind == "due":
            continue
        latest = offset.apply(start)
        if done_on <= latest:
            continue
        text = deadline_text(rules, offset, latest)
        if offset.kind == "hard":
            err(Violation("too_late", f"{step.short}须在{text}完成，已超期", "done_on"))
        elif not (special_reason or "").strip():
            err(
                Violation(
                    "special_reason_required",
                    f"{step.short}应在{text}完成，已超期，须说明特殊情况",
                    "special_reason",
                )
            )
        else:
            verdict.warnings.append(
                Violation("late", f"{step.short}应在{text}完成，已超期（特殊情况）", "done_on")
            )


def timeline_errors(
    rules: RuleSet, timeline: Timeline, reasons: dict[int, str | None] | None = None
) -> list[Violation]:
    """Whether every completed step still keeps its order and time rules against the others
    (after a correction changed one date). ``reasons``: the special reasons on record."""
    reasons = reasons or {}
    out: list[Violation] = []
    for number, done_on in sorted(timeline.done.items()):
        step = rules.steps[number]
        others = Timeline(
            timeline.birth_date,
            {n: d for n, d in timeline.done.items() if n != number},
            timeline.counts,
            timeline.extension_months,
            timeline.extensions,
        )
        verdict = Verdict()
        # A recurring step's every entry must fit: its earliest one is the one at risk.
        day = timeline.first.get(number, done_on) if step.recurring else done_on
        check_dates(rules, others, step, day, reasons.get(number), verdict)
        out.extend(verdict.errors)
    return out


ROLE_NAMES = {"talkers": "谈话人", "contacts": "培养联系人", "introducers": "入党介绍人"}


def _check_people(step: Step, proposal: Proposal, err) -> None:
    for role, rule in step.people.items():
        label = ROLE_NAMES[role]
        people = proposal.people.get(role, [])
        ids = [p.id for p in people]
        if len(set(ids)) != len(ids):
            err(Violation("people_repeated", f"{label}不能重复", role))
        if not rule.min <= len(people) <= rule.max:
            count = f"{rule.min}名" if rule.min == rule.max else f"{rule.min}至{rule.max}名"
            err(Violation("people_count", f"{label}须为{count}（现为{len(people)}名）", role))
        for person in people:
            if proposal.applicant_id is not None and person.id == proposal.applicant_id:
                err(Violation("people_self", f"{label}不能是本人", role))
            elif rule.full_members and not (
                person.member_type == "full" and person.status == "normal"
            ):
                what = "是" + {
                    "probationary": "预备党员",
                    "applicant": "申请人",
                    "activist": "入党积极分子",
                    "candidate": "发展对象",
                }.get(person.member_type, "非正式党员")
                if person.member_type == "full":
                    what = "党籍状态不正常"
                err(
                    Violation(
                        "not_full_member",
                        f"{label}须为正式党员（不能是预备党员或受留党察看处分的党员）：{person.name}{what}",
                        role,
                    )
                )


def _check_training(step: Step, proposal: Proposal, err) -> None:
    if step.training is None:
        return
    min_days, min_hours = step.training
    days = proposal.training_days or 0
    hours = proposal.training_hours or 0
    if days < 0 or hours < 0:
        err(Violation("training_invalid", "培训天数和学时不能为负", "training"))
    elif days < min_days and hours < min_hours:
        err(
            Violation(
                "training_short",
                f"集中培训时间不少于{min_days}天或{min_hours}学时"
                f"（本次 {days:g} 天、{hours:g} 学时）",
                "training",
            )
        )


def _check_votes(votes: dict[str, int] | None, err) -> None:
    if not votes:
        err(Violation("votes_required", "须填写表决情况（应到、实到、赞成、反对、弃权）", "votes"))
        return
    should, present = votes["should_attend"], votes["present"]
    cast = votes["yes"] + votes["no"] + votes["abstain"]
    if should < 1 or present > should or cast > present:
        err(
            Violation(
                "votes_inconsistent",
                f"表决人数不一致：应到 {should}，实到 {present}，投票 {cast}",
                "votes",
            )
        )
    elif present * 2 <= should:
        err(
            Violation(
                "no_quorum",
                "到会有表决权的党员须超过应到会人数的半数"
                f"（应到 {should}，实到 {present}），会议无效",
                "votes",
            )
        )


def vote_passed(votes: dict[str, int] | None) -> bool:
    """赞成票超过应到会有表决权的党员的半数."""
    return bool(votes) and votes["yes"] * 2 > votes["should_attend"]


def _check_outcome(rules: RuleSet, timeline: Timeline, proposal: Proposal, err) -> None:
    if proposal.outcome not in OUTCOMES:
        err(
            Violation(
                "outcome_required", "须选择讨论结果：按期转正、延长预备期或取消预备资格", "outcome"
            )
        )
        return
    if proposal.outcome in ("extend", "cancel") and not (proposal.note or "").strip():
        err(
            Violation(
                "outcome_reason_required",
                f"{OUTCOMES[proposal.outcome]}须在备注中写明理由",
                "note",
            )
        )
    if proposal.outcome != "extend":
        return
    if timeline.extensions >= rules.extension_times:
        err(Violation("extension_repeated", "预备期只能延长一次", "outcome"))
    months = proposal.extension_months
    if months is None or not rules.extension_min <= months <= rules.extension_max:
        err(
            Violation(
                "extension_months",
                f"延长预备期须为{rules.extension_min}至{rules.extension_max}个月",
                "extension_months",
            )
        )


# --------------------------------------------------------------------------------------------
# What comes next
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Opening:
    """A step that may be done now or later: from ``earliest``, by ``deadline`` (its kind)."""

    step: int
    earliest: date
    deadline: date | None
    deadline_kind: str | None
    recurring: bool = False


def outlook(rules: RuleSet, timeline: Timeline) -> list[Opening]:
    """The steps whose predecessors are all complete and which are not done yet (a recurring
    step until the step that closes it), with their earliest date and nearest deadline."""
    out: list[Opening] = []
    for step in rules.steps.values():
        if step.recurring:
            if step.until is not None and step.until in timeline.done:
                continue
        elif step.number in timeline.done:
            continue
        starts = [timeline.done.get(n) for n in step.requires]
        if any(s is None for s in starts):
            continue
        earliest_dates = [s for s in starts if s is not None]
        for offset in step.earliest:
            start = timeline.anchor(offset.anchor)
            if start is not None:
                earliest_dates.append(offset.apply(start))
        earliest = max(earliest_dates) if earliest_dates else None
        deadline, kind = None, None
        for offset in step.deadline:
            start = timeline.anchor(offset.anchor)
            if start is None:
                continue
            latest = offset.apply(start)
            if deadline is None or latest < deadline:
                deadline, kind = latest, offset.kind
        if step.recurring and step.every_months:
            last = timeline.done.get(step.number) or (max(starts) if starts else None)
            if last is not None:
                deadline, kind = last + relativedelta(months=step.every_months), "due"
        if earliest is None:
            continue  # step 1 without a birth date: nothing to plan from
        out.append(Opening(step.number, earliest, deadline, kind, step.recurring))
    return out
