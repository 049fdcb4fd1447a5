"""Roster import and export: people as an .xlsx sheet with Chinese headers and labels.

Export writes one row per person of an org subtree, ID numbers and phones masked (the file
travels). Import reads the same layout (headers matched by name, order-free), turns labels
back into codes, validates every row with ``PersonWriteSchema`` — the API's own rules — and
applies each valid row through ``services.create`` / ``services.update`` inside its own
savepoint, so one bad row never blocks the others and audit/encryption work as for the API.

Usable without HTTP: ``export_people`` and ``import_people`` need only an app/request context
(for the audit trail) and a principal.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from flask import current_app
from marshmallow import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..errors import ApiError
from ..extensions import db
from ..files import safe_filename, xlsx_cell
from ..orgs.models import Org
from ..orgs.services import get_visible as get_visible_org
from . import services
from .models import (
    CATEGORIES,
    GENDERS,
    ID_NUMBER_PURPOSE,
    MEMBER_TYPES,
    PHONE_PURPOSE,
    STATUSES,
    PartyPost,
    Person,
)
from .schemas import DATE_FIELDS, PersonWriteSchema
from .validation import normalize_id_number

MAX_ROWS = 5000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
SHEET_TITLE = "人员名册"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text | choice | date | sensitive | branch | group | posts
    choices: dict[str, str] | None = None
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column("学号/工号", "staff_no", width=14),
    Column("姓名", "name", width=10),
    Column("性别", "gender", "choice", GENDERS, width=6),
    Column("民族", "ethnicity", width=8),
    Column("出生日期", "birth_date", "date"),
    Column("籍贯", "native_place", width=16),
    Column("公民身份号码", "id_number", "sensitive", width=21),
    Column("手机号", "phone", "sensitive", width=14),
    Column("学历", "education", width=10),
    Column("学位", "degree", width=10),
    Column("单位/专业", "unit", width=24),
    Column("人员类别", "category", "choice", CATEGORIES, width=8),
    Column("党员类型", "member_type", "choice", MEMBER_TYPES),
    Column("党籍状态", "status", "choice", STATUSES),
    Column("申请入党日期", "application_date", "date", width=14),
    Column("确定积极分子日期", "activist_date", "date", width=16),
    Column("入党日期", "admission_date", "date"),
    Column("转正日期", "full_membership_date", "date"),
    Column("所在支部", "org_id", "branch", width=22),
    Column("党小组", "group_id", "group", width=14),
    Column("党内职务", "posts", "posts", width=16),  # export only: posts have their own rules
    Column("入党介绍人", "introducers", width=16),
)
BY_HEADER = {column.header: column for column in COLUMNS}
# Spellings people type in hand-made sheets.
HEADER_ALIASES = {
    "学号": "学号/工号",
    "工号": "学号/工号",
    "身份证号": "公民身份号码",
    "身份证号码": "公民身份号码",
    "手机号码": "手机号",
    "单位": "单位/专业",
    "专业": "单位/专业",
    "支部": "所在支部",
}
REQUIRED_HEADERS = ("学号/工号", "姓名", "党员类型")

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_ERROR = "日期格式应为 2024-03-01、2024/3/1 或 2024.3.1"
TAKEN_ELSEWHERE = "学号/工号已被其他组织登记"


# ---------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------


@dataclass
class RosterExport:
    content: bytes
    filename: str
    count: int


def export_people(org_id: int, principal) -> RosterExport:
    """Everyone in the org's subtree as .xlsx (masked ID number and phone); audited."""
    entry = audit.record("person.export", "org", org_id, org_id)
    org = get_visible_org(org_id, principal, services.READ_ROLES)
    query = (
        db.select(Person)
        .join(Org, Person.org_id == Org.id)
        .where(Org.path.startswith(org.path))
        .options(
            selectinload(Person.org),
            selectinload(Person.group),
            selectinload(Person.posts).selectinload(PartyPost.org),
        )
        .order_by(Org.path, Person.staff_no)
        .execution_options(yield_per=500)
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([column.header for column in COLUMNS])
    count = 0
    for person in db.session.execute(query).scalars():
        sheet.append([xlsx_cell(sheet, _export_value(person, column)) for column in COLUMNS])
        count += 1
    buffer = BytesIO()
    workbook.save(buffer)
    entry.detail = {"org_id": org.id, "count": count}
    filename = f"{safe_filename(org.name)}-人员名册-{date.today():%Y%m%d}.xlsx"
    return RosterExport(buffer.getvalue(), filename, count)


def _export_value(person: Person, column: Column):
    if column.kind == "sensitive":
        return getattr(person, f"{column.field}_masked")
    if column.kind == "branch":
        return person.org.name
    if column.kind == "group":
        return person.group.name if person.group else None
    if column.kind == "posts":
        labels = [
            post.post_label if post.org_id == person.org_id else f"{post.org.name}{post.post_label}"
            for post in person.posts
        ]
        return "、".join(labels) or None
    value = getattr(person, column.field)
    if column.kind == "choice" and value is not None:
        return column.choices.get(value, value)
    return value


# ---------------------------------------------------------------------------------------
# Reading a file
# ---------------------------------------------------------------------------------------


def unreadable(detail: str = "文件无法读取，请上传 Excel .xlsx 格式的名册") -> ApiError:
    return ApiError(422, "roster_unreadable", detail, {"file": [detail]})


@dataclass
class RosterRow:
    number: int  # as Excel shows it: the header is row 1
    cells: dict[str, object]  # Column.field -> raw cell value (non-empty cells only)


def read_roster(content: bytes) -> list[RosterRow]:
    """The data rows of the first sheet, keyed by column field.

    422 ``roster_unreadable`` for anything that is not a sound .xlsx, ``roster_too_large``
    beyond ``MAX_ROWS`` rows or ``MAX_UNCOMPRESSED_BYTES``, ``roster_bad_header`` when a
    required column is missing.
    """
    _check_archive(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML errors, ...)
        raise unreadable() from exc
    try:
        return _read_rows(workbook)
    except ApiError:
        raise
    except Exception as exc:  # read-only sheets parse lazily: errors surface while iterating
        raise unreadable() from exc
    finally:
        workbook.close()


def _check_archive(content: bytes) -> None:
    """Refuse non-zip input and zip bombs before openpyxl inflates anything.

    ``zipfile`` never inflates an entry beyond its declared size (a lying entry fails its
    CRC check), so the declared sizes bound what openpyxl can be made to read.
    """
    if not content:
        raise unreadable("文件为空")
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise unreadable() from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise unreadable()
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise ApiError(
            422, "roster_too_large", "文件内容过大（解压后超过 50 MB），请拆分后分批导入"
        )


def _normalize_header(value) -> str:
    text = re.sub(r"\s+", "", str(value)).replace("／", "/")
    return HEADER_ALIASES.get(text, text)


def _read_rows(workbook) -> list[RosterRow]:
    if not workbook.worksheets:
        raise unreadable("文件中没有工作表")
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # the stored dimension may be absent or wrong
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None) or ()
    positions: dict[int, Column] = {}
    seen: set[str] = set()
    for index, value in enumerate(header):
        if value is None:
            continue
        name = _normalize_header(value)
        column = BY_HEADER.get(name)
        if column is None:
            continue  # unknown headers are ignored
        if name in seen:
            raise ApiError(
                422,
                "roster_bad_header",
                f"表头「{name}」重复",
                {"headers": [f"表头「{name}」重复"]},
            )
        seen.add(name)
        positions[index] = column
    missing = [name for name in REQUIRED_HEADERS if name not in seen]
    if missing:
        message = f"缺少必需的列：{'、'.join(missing)}（表头应在第 1 行）"
        raise ApiError(422, "roster_bad_header", message, {"headers": [message]})
    width = max(positions) + 1
    rows: list[RosterRow] = []
    for number, values in enumerate(
        sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
    ):
        cells = {}
        for index, column in positions.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str):
                value = value.strip()
            if value is not None and value != "":
                cells[column.field] = value
        if not cells:
            continue  # blank (or only formatted) rows
        if len(rows) >= MAX_ROWS:
            raise ApiError(422, "roster_too_large", f"一次最多导入 {MAX_ROWS} 行，请拆分后分批导入")
        rows.append(RosterRow(number, cells))
    return rows


# ---------------------------------------------------------------------------------------
# Cell values -> API input
# ---------------------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 2021001 typed as a number comes back as 2021001.0
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value) -> date:
    """Excel date cells, or text 2024-03-01 / 2024/3/1 / 2024.3.1 / 2024年3月1日 / 20240301."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not match:
        raise ValueError(DATE_ERROR)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise ValueError("日期无效") from exc


def parse_choice(value, choices: dict[str, str]) -> str:
    text = _text(value)
    by_label = {label: code for code, label in choices.items()}
    if text in by_label:
        return by_label[text]
    if text in choices:
        return text  # the code itself is accepted too
    raise ValueError(f"应为以下之一：{'、'.join(choices.values())}")


def row_input(row: RosterRow) -> tuple[dict, dict[str, list[str]], str | None, str | None]:
    """(API input without placement, errors, branch name, group name) for one row."""
    data: dict = {}
    errors: dict[str, list[str]] = {}
    branch = group = None
    for key, value in row.cells.items():
        column = next(c for c in COLUMNS if c.field == key)
        try:
            if column.kind == "date":
                data[key] = parse_date(value).isoformat()
            elif column.kind == "choice":
                data[key] = parse_choice(value, column.choices)
            elif column.kind == "sensitive":
                text = _text(value)
                if "*" not in text:  # masked values (an exported file) are left alone
                    data[key] = text
            elif column.kind == "branch":
                branch = _text(value)
            elif column.kind == "group":
                group = _text(value)
            elif column.kind == "text":
                data[key] = _text(value)
        except ValueError as exc:
            errors[key] = [str(exc)]
    return data, errors, branch, group


# ---------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "dry_run": self.dry_run,
        }


def import_people(content: bytes, org_id: int, principal, *, dry_run: bool = False) -> dict:
    """Create or update people from a roster file; returns the report (ImportReportSchema).

    New rows go to ``org_id`` (a branch) unless they name a branch in 所在支部; existing
    people (same 学号/工号, inside the caller's write scope) get the non-empty cells of their
    row that differ from what is stored (a 学号/工号 held outside the scope is refused). Masked
    ID numbers / phones are ignored; 党内职务 is export-only. Everything runs in the caller's
    transaction, one savepoint per row; ``dry_run`` rolls every row back.
    """
    entry = audit.record("person.import", "org", org_id, org_id, {"dry_run": dry_run})
    target = get_visible_org(org_id, principal, services.WRITE_ROLES)
    rows = read_roster(content)
    importer = _Importer(principal, target, dry_run)
    importer.run(rows)
    report = importer.report
    entry.detail = {
        "org_id": target.id,
        "rows": len(rows),
        "created": report.created,
        "updated": report.updated,
        "rejected": len(report.rejected),
        "dry_run": dry_run,
    }
    return report.as_dict()


class _Importer:
    def __init__(self, principal, target: Org, dry_run: bool):
        self.principal = principal
        self.target = target
        self.dry_run = dry_run
        self.report = ImportReport(dry_run=dry_run)
        self.existing: dict[str, Person] = {}
        self.staff_rows: dict[str, int] = {}
        self.id_rows: dict[str, int] = {}
        self.branches: dict[str, list[Org]] = {}
        self.groups: dict[tuple[int, str], Org | None] = {}

    def run(self, rows: list[RosterRow]) -> None:
        self._load_branches()
        self._load_existing(rows)
        for row in rows:
            self.apply(row)

    def _load_branches(self) -> None:
        prefixes = sorted(self.principal.scope(*services.WRITE_ROLES))
        query = db.select(Org).where(Org.type == "branch")
        if "/" not in prefixes:
            query = query.where(db.or_(*[Org.path.startswith(p) for p in prefixes]))
        for org in db.session.execute(query).scalars():
            self.branches.setdefault(org.name, []).append(org)

    def _load_existing(self, rows: list[RosterRow]) -> None:
        numbers = sorted({_text(row.cells["staff_no"]) for row in rows if "staff_no" in row.cells})
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            people = db.session.execute(
                db.select(Person)
                .where(Person.staff_no.in_(chunk))
                .options(selectinload(Person.org))
            ).scalars()
            for person in people:
                self.existing[person.staff_no.casefold()] = person

    def reject(self, row: RosterRow, staff_no: str | None, errors: dict) -> None:
        self.report.rejected.append({"row": row.number, "staff_no": staff_no, "errors": errors})

    def apply(self, row: RosterRow) -> None:
        data, errors, branch_name, group_name = row_input(row)
        staff_no = data.get("staff_no") or None
        key = staff_no.casefold() if staff_no else None
        if key is not None:
            if key in self.staff_rows:
                message = f"与第 {self.staff_rows[key]} 行的学号/工号重复"
                return self.reject(row, staff_no, {"staff_no": [message]})
            self.staff_rows[key] = row.number
        person = self.existing.get(key) if key else None
        if person is not None and not self.principal.covers(person.org.path, *services.WRITE_ROLES):
            # Never say which org holds it.
            return self.reject(row, staff_no, {"staff_no": [TAKEN_ELSEWHERE]})
        if data.get("id_number"):
            id_key = normalize_id_number(data["id_number"])
            if id_key in self.id_rows:
                errors.setdefault("id_number", []).append(
                    f"与第 {self.id_rows[id_key]} 行的公民身份号码重复"
                )
            else:
                self.id_rows[id_key] = row.number
        self._placement(data, errors, person, branch_name, group_name)
        if person is not None:
            data = _changed_only(person, data)
        schema = PersonWriteSchema(partial=True) if person is not None else PersonWriteSchema()
        try:
            data = schema.load(data)
        except ValidationError as exc:
            for name, messages in exc.normalized_messages().items():
                if name not in errors:
                    errors[name] = _flatten(messages)
        if errors:
            return self.reject(row, staff_no, errors)
        self._write(row, staff_no, person, data)

    def _placement(self, data, errors, person, branch_name, group_name) -> None:
        branch = None
        if branch_name:
            branch = self._branch(branch_name, errors)
            if branch is None:
                return
        elif person is None:
            branch = self.target  # services.create refuses it unless it is a branch
        if branch is not None:
            data["org_id"] = branch.id
        home = branch if branch is not None else (person.org if person else None)
        if group_name:
            group = self._group(home, group_name) if home is not None else None
            if group is None:
                where = f"「{home.name}」" if home is not None else "所在支部"
                errors["group_id"] = [f"{where}下没有名为「{group_name}」的党小组"]
            else:
                data["group_id"] = group.id
        elif person is not None and branch is not None and branch.id != person.org_id:
            data["group_id"] = None  # the old party group belongs to the old branch

    def _branch(self, name: str, errors) -> Org | None:
        candidates = self.branches.get(name, [])
        if len(candidates) > 1:
            inside = [org for org in candidates if self.target.contains(org)]
            candidates = inside or candidates
        if not candidates:
            errors["org_id"] = [f"管理范围内没有名为「{name}」的党支部"]
            return None
        if len(candidates) > 1:
            errors["org_id"] = [f"管理范围内有多个名为「{name}」的党支部，请在所选组织下分别导入"]
            return None
        return candidates[0]

    def _group(self, branch: Org, name: str) -> Org | None:
        key = (branch.id, name)
        if key not in self.groups:
            self.groups[key] = db.session.execute(
                db.select(Org).where(
                    Org.parent_id == branch.id, Org.type == "group", Org.name == name
                )
            ).scalar_one_or_none()
        return self.groups[key]

    def _write(self, row: RosterRow, staff_no: str, person: Person | None, data: dict) -> None:
        pending = audit._pending()  # this row's audit entries: marked failed or dropped below
        mark = len(pending)
        savepoint = db.session.begin_nested()
        try:
            if person is None:
                services.create(data, self.principal)
            else:
                services.update(person, data, self.principal)
        except ApiError as exc:
            savepoint.rollback()
            for entry in pending[mark:]:
                entry.result = exc.code[:50]
            return self.reject(row, staff_no, _api_errors(exc))
        except IntegrityError:
            savepoint.rollback()
            for entry in pending[mark:]:
                entry.result = "conflict"
            return self.reject(row, staff_no, {"_schema": ["与现有数据冲突（可能重复登记）"]})
        if self.dry_run:
            savepoint.rollback()
            del pending[mark:]
        else:
            savepoint.commit()
        if person is None:
            self.report.created += 1
        else:
            self.report.updated += 1


_DATE_KEYS = {"birth_date", *DATE_FIELDS}


def _changed_only(person: Person, data: dict) -> dict:
    """The cells that differ from what is stored. Unchanged cells are neither re-validated nor
    re-written, so a re-imported export is a no-op even for values that predate a rule. When a
    date changes, the person's other dates (from the row, else as stored) go along so that the
    schema checks their order against the whole record, not just the cells given."""
    cipher = current_app.extensions["party_cipher"]

    def same(key: str, value) -> bool:
        if key == "id_number":
            index = cipher.blind_index(normalize_id_number(value), ID_NUMBER_PURPOSE)
            return index == person.id_number_index
        if key == "phone":
            return cipher.blind_index(value, PHONE_PURPOSE) == person.phone_index
        current = getattr(person, key)
        return value == (current.isoformat() if isinstance(current, date) else current)

    changed = {key: value for key, value in data.items() if not same(key, value)}
    if changed.keys() & _DATE_KEYS:
        for key in _DATE_KEYS:
            stored = getattr(person, key)
            if key not in changed and (key in data or stored is not None):
                changed[key] = data[key] if key in data else stored.isoformat()
    return changed


_ERROR_FIELDS = {"staff_no_taken": "staff_no", "id_number_taken": "id_number"}


def _api_errors(exc: ApiError) -> dict[str, list[str]]:
    if exc.errors:
        return {name: _flatten(messages) for name, messages in exc.errors.items()}
    return {_ERROR_FIELDS.get(exc.code, "_schema"): [exc.message]}


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flatten(value)]
    if isinstance(messages, list | tuple):
        return [text for value in messages for text in _flatten(value)]
    return [str(messages)]
