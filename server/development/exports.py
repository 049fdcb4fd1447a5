""".xlsx exports of development work: one record for the archive (基本信息, 发展过程, 材料)
and the register of everyone in the pipeline over the caller's scope.

Every cell written from user data goes through ``files.xlsx_cell`` (text never becomes a
formula). Both exports are audited, refused attempts too (the entry is recorded before the
checks, as the roster export does).
"""

from __future__ import annotations

from openpyxl import Workbook

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..files import Export, safe_filename, xlsx_bytes, xlsx_row, xlsx_sheet
from ..files import local_minute as _local
from ..orgs.models import Org
from . import services
from .due import cohort_label
from .materials import listing
from .models import ACTIVE, MATERIAL_KINDS, DevelopmentEntry, DevelopmentRecord
from .rules import APPROVERS, OUTCOMES, ROLE_NAMES
from .rules import RuleSet as _RuleSet

MAX_ROWS = 10_000  # the register refuses beyond this: filter by org
PAGE = 500  # records read per query while building the register


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# --------------------------------------------------------------------------------------------
# One record
# --------------------------------------------------------------------------------------------
ENTRY_COLUMNS = [
    ("步骤", 6),
    ("步骤名称", 30),
    ("阶段", 22),
    ("轮次", 6),
    ("日期", 12),
    ("状态", 10),
    ("相关人员", 36),
    ("培训", 14),
    ("政治审查", 10),
    ("表决", 36),
    ("结果", 18),
    ("特殊原因", 30),
    ("备注", 40),
    ("提示", 40),
    ("记录人", 20),
    ("记录时间", 18),
    ("审批", 14),
    ("审批人", 20),
    ("审批时间", 18),
    ("审批意见", 30),
    ("更正原因", 30),
]
MATERIAL_COLUMNS = [
    ("类别", 14),
    ("标题", 30),
    ("文件名", 36),
    ("关联步骤", 24),
    ("大小（KB）", 10),
    ("说明", 36),
    ("上传人", 20),
    ("上传时间", 18),
]


def people_text(details: dict) -> str:
    people = details.get("people") or {}
    return "；".join(
        f"{ROLE_NAMES.get(role, role)}：{'、'.join(p['name'] for p in named)}"
        for role, named in people.items()
        if named
    )


def training_text(details: dict) -> str:
    training = details.get("training") or {}
    parts = []
    if training.get("days") is not None:
        parts.append(f"{_number(training['days'])}天")
    if training.get("hours") is not None:
        parts.append(f"{_number(training['hours'])}学时")
    return "，".join(parts)


def votes_text(details: dict) -> str:
    v = details.get("votes")
    if not v:
        return ""
    return (
        f"应到{v['should_attend']}，实到{v['present']}，"
        f"赞成{v['yes']}，反对{v['no']}，弃权{v['abstain']}"
    )


def outcome_text(details: dict) -> str:
    outcome = details.get("outcome")
    if not outcome:
        return ""
    text = OUTCOMES.get(outcome, outcome)
    if outcome == "extend" and details.get("extension_months"):
        text += f"（{details['extension_months']}个月）"
    return text


def _entry_row(rules: _RuleSet, entry: DevelopmentEntry) -> list:
    step = rules.steps.get(entry.step)
    details = entry.details or {}
    review = details.get("review_passed")
    return [
        entry.step,
        step.name if step else "",
        rules.stages.get(step.stage, step.stage) if step else "",
        entry.round,
        entry.done_on,
        entry.state_label,
        people_text(details),
        training_text(details),
        "" if review is None else ("通过" if review else "未通过"),
        votes_text(details),
        outcome_text(details),
        details.get("special_reason") or "",
        details.get("note") or "",
        "；".join(entry.warnings or []),
        entry.recorded_by,
        _local(entry.recorded_at),
        APPROVERS.get(step.approver, "") if step and step.approver else "",
        entry.decided_by or "",
        _local(entry.decided_at),
        entry.decision_comment or "",
        entry.correction_reason or "",
    ]


def export_record(record_id: int, principal) -> Export:
    """One record as the branch files it: the person, every entry in order, the materials.
    The applicant, and managers and inspectors in scope (``services.get_visible``)."""
    entry = audit.record("development.export", "development_record", record_id)
    record = services.get_visible(record_id, principal)
    person = record.person
    entry.org_id = person.org_id
    rules = services.rules_of(record)
    line = services.timeline(record, rules)
    workbook = Workbook(write_only=True)

    basic = xlsx_sheet(workbook, "基本信息", [("项目", 22), ("内容", 50)])
    rows = [
        ("姓名", person.name),
        ("学号/工号", person.staff_no),
        ("所在党支部", person.org.name),
        ("人员类别", person.member_type_label),
        ("规则版本", f"{rules.title}（{rules.version}）"),
        ("档案状态", record.status_label),
        ("当前阶段", rules.stages.get(record.stage, record.stage)),
        ("批次", cohort_label(record.cohort)),
        ("申请入党日期", person.application_date),
        ("确定为入党积极分子日期", person.activist_date),
        ("入党日期（接收为预备党员）", person.admission_date),
        ("转为正式党员日期", person.full_membership_date),
        ("预备期满日期", line.probation_end()),
        ("延长预备期（月）", record.extension_months or ""),
        ("入党介绍人", person.introducers or ""),
        ("中止/取消原因", record.ended_reason or ""),
        ("导出时间", _local(utcnow())),
        ("导出人", principal.label),
    ]
    for label, value in rows:
        xlsx_row(basic, [label, value])

    process = xlsx_sheet(workbook, "发展过程", ENTRY_COLUMNS)
    for item in record.entries:
        xlsx_row(process, _entry_row(rules, item))

    materials = xlsx_sheet(workbook, "材料", MATERIAL_COLUMNS)
    steps = {e.id: e for e in record.entries}
    count = 0
    for material in listing(record):
        linked = steps.get(material.entry_id)
        linked_name = ""
        if linked is not None:
            step = rules.steps.get(linked.step)
            linked_name = f"第{linked.step}步 {step.name if step else ''}".strip()
        xlsx_row(
            materials,
            [
                MATERIAL_KINDS.get(material.kind, material.kind),
                material.title or "",
                material.filename,
                linked_name,
                round(material.size / 1024, 1),
                material.note or "",
                material.uploaded_by,
                _local(material.uploaded_at),
            ],
        )
        count += 1
    entry.detail = {"person_id": person.id, "entries": len(record.entries), "materials": count}
    name = f"{safe_filename(person.name)}-发展党员档案-{services.today():%Y%m%d}.xlsx"
    return Export(xlsx_bytes(workbook), name)


# --------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------
REGISTER_COLUMNS = [
    ("党支部", 24),
    ("姓名", 10),
    ("学号/工号", 14),
    ("人员类别", 12),
    ("阶段", 22),
    ("当前步骤", 30),
    ("下一步", 30),
    ("最近期限", 12),
    ("逾期", 6),
    ("申请入党日期", 12),
    ("确定为积极分子日期", 12),
    ("入党日期", 12),
    ("批次", 14),
    ("状态", 14),
]


def _records(principal, filters: dict) -> list[DevelopmentRecord]:
    """The records ``services.search`` finds (the same scope and filters as the list), read
    in pages; 422 beyond ``MAX_ROWS``."""
    first = services.search(principal, filters, 1, PAGE)
    if (first.total or 0) > MAX_ROWS:
        raise ApiError(
            422,
            "register_too_large",
            f"符合条件的发展档案有 {first.total} 份，一次最多导出 {MAX_ROWS} 份，"
            "请按党组织（org_id）筛选后分批导出",
            {"org_id": ["请按党组织筛选"]},
        )
    found = list(first.items)
    for page in range(2, (first.pages or 1) + 1):
        found.extend(services.search(principal, filters, page, PAGE).items)
    return found


def _step_text(rules: _RuleSet, number: int | None) -> str:
    if not number:
        return ""
    step = rules.steps.get(number)
    return f"第{number}步 {step.name}" if step else f"第{number}步"


def export_register(principal, filters: dict) -> Export:
    """One row per record in the caller's scope (``org_id``, ``status``, ``stage``), by
    branch, then by date of application."""
    org_id = filters.get("org_id")
    entry = audit.record("development.register", "org" if org_id else None, org_id, org_id)
    records = _records(principal, filters)
    on = services.today()
    records.sort(key=lambda r: (r.person.org.path, r.applied_on, r.id))
    workbook = Workbook(write_only=True)
    sheet = xlsx_sheet(workbook, "发展党员名册", REGISTER_COLUMNS)
    for record in records:
        rules = services.rules_of(record)
        person = record.person
        # An ended record has no next step (``stop`` leaves the old summary columns).
        live = record.status == ACTIVE
        deadline = record.next_deadline if live else None
        overdue = deadline is not None and deadline < on
        xlsx_row(
            sheet,
            [
                person.org.name,
                person.name,
                person.staff_no,
                person.member_type_label,
                rules.stages.get(record.stage, record.stage),
                _step_text(rules, record.current_step),
                _step_text(rules, record.next_step if live else None),
                deadline,
                "是" if overdue else "否",
                person.application_date or record.applied_on,
                person.activist_date,
                person.admission_date,
                cohort_label(record.cohort),
                record.status_label,
            ],
        )
    entry.detail = {
        "count": len(records),
        **{k: str(v) for k, v in filters.items() if v is not None},
    }
    org = db.session.get(Org, org_id) if org_id else None
    prefix = (
        f"{safe_filename(org.name)}-"
        if org is not None and principal.covers(org.path, *services.READ_ROLES)
        else ""
    )
    name = f"{prefix}发展党员名册-{on:%Y%m%d}.xlsx"
    return Export(xlsx_bytes(workbook), name)
