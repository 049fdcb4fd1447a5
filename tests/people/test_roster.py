"""Roster import/export (.xlsx): layout, masking, round trip, per-row rejections, scope, audit."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import Workbook, load_workbook

from server.audit.models import AuditLog
from server.extensions import db
from server.files import XLSX_MIMETYPE
from server.people import roster
from server.people.models import Person
from server.people.validation import make_id_number
from tests.factories import auth

HEADERS = [column.header for column in roster.COLUMNS]
GOOD_ID = make_id_number("110101", date(1999, 5, 6), "123")
OTHER_ID = make_id_number("110101", date(1998, 7, 8), "246")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


def xlsx(rows, headers=HEADERS) -> bytes:
    """An .xlsx with ``headers`` in row 1 and ``rows`` (dicts by header, or lists) below."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, token, content, org_id, dry_run=None, filename="名册.xlsx"):
    data = {"org_id": str(org_id)}
    if content is not None:
        data["file"] = (BytesIO(content), filename)
    if dry_run is not None:
        data["dry_run"] = "true" if dry_run else "false"
    return client.post(
        "/api/v1/people/import",
        data=data,
        headers=auth(token),
        content_type="multipart/form-data",
    )


def export(client, token, org_id):
    return client.get(f"/api/v1/people/export?org_id={org_id}", headers=auth(token))


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(BytesIO(content), read_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # write-only files carry no dimension
    rows = list(sheet.iter_rows(max_col=len(HEADERS), values_only=True))
    workbook.close()
    return rows


def person_by_staff_no(staff_no: str) -> Person | None:
    db.session.expire_all()
    return db.session.execute(
        db.select(Person).where(Person.staff_no == staff_no)
    ).scalar_one_or_none()


def audit_entries(action: str) -> list[AuditLog]:
    return list(
        db.session.execute(
            db.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        ).scalars()
    )


def rejected_by_row(report) -> dict[int, dict]:
    return {item["row"]: item for item in report["rejected"]}


def new_row(staff_no, name="王小明", member_type="申请人", **extra):
    return {"学号/工号": staff_no, "姓名": name, "党员类型": member_type, **extra}


@pytest.fixture
def world(f):
    tree = f.tree()
    _, sec_a = f.secretary(tree["a"])
    _, sec_b = f.secretary(tree["b"])
    member = f.person(
        tree["a"],
        name="张伟",
        staff_no="A001",
        phone="13812345678",
        gender="male",
        ethnicity="汉族",
        birth_date=date(2000, 1, 2),
        unit="计算机学院 软件工程",
        application_date=date(2019, 3, 1),
        activist_date=date(2019, 9, 1),
        admission_date=date(2020, 6, 1),
        full_membership_date=date(2021, 6, 1),
        introducers="李四、王五",
        group_id=tree["group_a"].id,
    )
    other = f.person(tree["b"], name="赵六", staff_no="B001")
    admin = f.account("office", [("committee_admin", tree["committee"])])
    return {
        "tree": tree,
        "sec_a": sec_a,
        "sec_b": sec_b,
        "member": member,
        "other": other,
        "member_token": f.token_for(member),
        "admin": f.account_token(admin),
    }


# --- export ------------------------------------------------------------------------------


def test_export_is_a_masked_labelled_xlsx_of_the_subtree(client, world):
    tree, member = world["tree"], world["member"]
    r = export(client, world["sec_a"], tree["a"].id)
    assert r.status_code == 200, r.json
    assert r.mimetype == XLSX_MIMETYPE
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('本科生第一党支部')}" in disposition
    assert r.headers["Cache-Control"] == "no-store"
    rows = sheet_rows(r.data)
    assert list(rows[0]) == HEADERS
    by_staff = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert "B001" not in by_staff  # branch B is not in A's subtree
    assert len(by_staff) == 2  # the member and the secretary
    row = by_staff["A001"]
    assert row["姓名"] == "张伟"
    assert row["性别"] == "男"
    assert row["党员类型"] == "正式党员"
    assert row["党籍状态"] == "正常"
    assert row["人员类别"] == "学生"
    assert row["手机号"] == "138****5678"
    assert row["公民身份号码"] == member.id_number_masked and "*" in row["公民身份号码"]
    assert row["入党日期"].date() == date(2020, 6, 1)
    assert row["所在支部"] == "本科生第一党支部"
    assert row["党小组"] == "第一党小组"
    secretary_row = next(v for k, v in by_staff.items() if k != "A001")
    assert secretary_row["党内职务"] == "书记"
    assert "13812345678" not in r.data.decode("latin-1")

    entries = audit_entries("person.export")
    assert len(entries) == 1
    assert entries[0].org_id == tree["a"].id and entries[0].result == "ok"
    assert entries[0].detail == {"org_id": tree["a"].id, "count": 2}


def test_export_writes_formula_like_text_as_text(client, world, f):
    f.person(world["tree"]["a"], staff_no="A009", unit='=HYPERLINK("http://x","y")')
    r = export(client, world["sec_a"], world["tree"]["a"].id)
    sheet = load_workbook(BytesIO(r.data)).worksheets[0]
    cell = next(row[10] for row in sheet.iter_rows(min_row=2) if row[0].value == "A009")
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_export_scope(client, world, f):
    tree = world["tree"]
    assert export(client, world["sec_b"], tree["a"].id).status_code == 404
    assert export(client, world["sec_b"], 999999).status_code == 404
    r = export(client, world["admin"], tree["committee"].id)
    assert r.status_code == 200
    assert {row[0] for row in sheet_rows(r.data)[1:]} >= {"A001", "B001"}
    _, inspector = f.secretary(tree["b"], post="discipline")
    assert export(client, inspector, tree["b"].id).status_code == 200
    failed = [e for e in audit_entries("person.export") if e.result != "ok"]
    assert [e.result for e in failed] == ["not_found", "not_found"]


def test_roster_endpoints_need_login_and_a_role(client, world):
    oid = world["tree"]["a"].id
    assert client.get(f"/api/v1/people/export?org_id={oid}").status_code == 401
    r = client.post("/api/v1/people/import", data={"org_id": str(oid)})
    assert r.status_code == 401 and r.json["code"] == "unauthenticated"
    assert export(client, world["member_token"], oid).status_code == 403
    content = xlsx([new_row("N1")])
    r = upload(client, world["member_token"], content, oid)
    assert r.status_code == 403 and r.json["code"] == "forbidden"
    assert person_by_staff_no("N1") is None


# --- round trip ----------------------------------------------------------------------------


def _snapshot(person: Person) -> dict:
    columns = [c.key for c in Person.__table__.columns if c.key not in {"updated_at"}]
    return {key: getattr(person, key) for key in columns}


def test_reimporting_an_export_changes_nothing(client, world):
    a = world["tree"]["a"]
    before = {p.staff_no: _snapshot(p) for p in db.session.execute(db.select(Person)).scalars()}
    exported = export(client, world["sec_a"], a.id)
    r = upload(client, world["sec_a"], exported.data, a.id)
    assert r.status_code == 200, r.json
    assert r.json == {"created": 0, "updated": 2, "rejected": [], "dry_run": False}
    db.session.expire_all()
    after = {p.staff_no: _snapshot(p) for p in db.session.execute(db.select(Person)).scalars()}
    assert after == before  # same values, same version, same sealed ID number and phone
    updates = audit_entries("person.update")
    assert len(updates) == 2 and all(e.detail is None for e in updates)


def test_import_updates_only_the_cells_given(client, world):
    member = world["member"]
    row = new_row(
        "A001", member_type=None, **{"手机号": "13900001111", "公民身份号码": "1101**********1234"}
    )
    row["姓名"] = "张伟"
    r = upload(client, world["sec_a"], xlsx([row]), world["tree"]["a"].id)
    assert r.json == {"created": 0, "updated": 1, "rejected": [], "dry_run": False}
    person = person_by_staff_no("A001")
    assert person.phone_masked == "139****1111"
    assert person.id_number_index == member.id_number_index  # masked value ignored
    assert person.member_type == "full" and person.unit == "计算机学院 软件工程"
    assert person.group_id == world["tree"]["group_a"].id
    assert audit_entries("person.update")[0].detail == {"phone": "changed"}


def test_changed_dates_are_checked_against_the_whole_record(client, world):
    a = world["tree"]["a"]
    # Stored: application 2019-03-01 ... full membership 2021-06-01.
    row = new_row("A001", member_type=None, **{"入党日期": "2018-01-01"})
    row["姓名"] = None
    r = upload(client, world["sec_a"], xlsx([row]), a.id)
    assert r.json["updated"] == 0
    assert r.json["rejected"][0]["errors"] == {
        "admission_date": ["入党日期不能早于确定积极分子日期"]
    }
    row["入党日期"] = "2020-7-1"
    r = upload(client, world["sec_a"], xlsx([row]), a.id)
    assert r.json["updated"] == 1, r.json
    person = person_by_staff_no("A001")
    assert person.admission_date == date(2020, 7, 1) and person.name == "张伟"
    [entry] = audit_entries("person.update")[-1:]
    assert entry.detail == {"admission_date": ["2020-06-01", "2020-07-01"]}


# --- rejections ----------------------------------------------------------------------------


def test_bad_rows_are_reported_and_good_rows_still_created(client, world):
    a = world["tree"]["a"]
    future = (date.today() + timedelta(days=3)).isoformat()
    rows = [
        new_row("N1", **{"公民身份号码": GOOD_ID, "手机号": "13700001111", "性别": "女"}),  # 2
        new_row("N2", **{"公民身份号码": BAD_ID}),  # 3
        new_row("N3", **{"手机号": "12345"}),  # 4
        new_row("N4", member_type="群众"),  # 5
        new_row("N5", member_type="正式党员", **{"入党日期": future}),  # 6
        new_row("N1", name="重复"),  # 7
        new_row("B001", name="冒名"),  # 8
        new_row("N6", **{"所在支部": "研究生党支部"}),  # 9: branch B, outside A's scope
        new_row(
            "N7",
            member_type="入党积极分子",
            **{
                "申请入党日期": "2024/3/1",
                "确定积极分子日期": "2024.9.1",
                "出生日期": datetime(2003, 4, 5),
                "党小组": "第一党小组",
                "党籍状态": "正常",
                "人员类别": "学生",
            },
        ),  # 10
        new_row("N8", **{"党小组": "不存在的小组"}),  # 11
    ]
    r = upload(client, world["sec_a"], xlsx(rows), a.id)
    assert r.status_code == 200, r.json
    report = r.json
    assert report["created"] == 2 and report["updated"] == 0
    bad = rejected_by_row(report)
    assert sorted(bad) == [3, 4, 5, 6, 7, 8, 9, 11]
    assert bad[3] == {
        "row": 3,
        "staff_no": "N2",
        "errors": {"id_number": ["公民身份号码校验位不正确"]},
    }
    assert bad[4]["errors"] == {"phone": ["手机号应为 11 位大陆手机号"]}
    assert bad[5]["errors"]["member_type"][0].startswith("应为以下之一：申请人、入党积极分子")
    assert bad[6]["errors"] == {"admission_date": ["日期应在 1900 年之后且不晚于今天"]}
    assert bad[7]["errors"] == {"staff_no": ["与第 2 行的学号/工号重复"]}
    assert bad[8]["errors"] == {"staff_no": ["学号/工号已被其他组织登记"]}
    assert "研究生" not in str(bad[8])  # which org holds it is not revealed
    assert bad[9]["errors"] == {"org_id": ["管理范围内没有名为「研究生党支部」的党支部"]}
    assert bad[11]["errors"] == {
        "group_id": ["「本科生第一党支部」下没有名为「不存在的小组」的党小组"]
    }

    n1 = person_by_staff_no("N1")
    assert n1.org_id == a.id and n1.gender == "female" and n1.name == "王小明"
    assert n1.phone_masked == "137****1111" and n1.id_number_index is not None
    assert n1.birth_date == date(1999, 5, 6)  # derived from the ID number, as in the API
    n7 = person_by_staff_no("N7")
    assert n7.member_type == "activist" and n7.group_id == world["tree"]["group_a"].id
    assert (n7.application_date, n7.activist_date) == (date(2024, 3, 1), date(2024, 9, 1))
    assert n7.birth_date == date(2003, 4, 5)
    for staff_no in ("N2", "N3", "N4", "N5", "N6", "N8"):
        assert person_by_staff_no(staff_no) is None
    assert person_by_staff_no("B001").name == "赵六"

    creates = audit_entries("person.create")
    assert len(creates) == 2 and {e.result for e in creates} == {"ok"}
    [entry] = audit_entries("person.import")
    assert entry.detail == {
        "org_id": a.id,
        "rows": 10,
        "created": 2,
        "updated": 0,
        "rejected": 8,
        "dry_run": False,
    }


def test_service_refusals_become_row_errors_and_failed_audit_entries(client, world):
    a = world["tree"]["a"]
    taken = world["member"]
    rows = [
        new_row("N1", **{"公民身份号码": GOOD_ID}),
        new_row("N2", **{"公民身份号码": GOOD_ID}),  # same ID number as row 2
        new_row("N3", name="新人"),
    ]
    r = upload(client, world["sec_a"], xlsx(rows), a.id)
    assert r.json["created"] == 2
    assert rejected_by_row(r.json)[3]["errors"] == {"id_number": ["与第 2 行的公民身份号码重复"]}

    # The ID number of an existing person: refused by services (409 id_number_taken).
    clash = f"{taken.staff_no}X"
    other_id = make_id_number("110101", date(1990, 1, 1), "555")
    upload(client, world["sec_a"], xlsx([new_row(clash, **{"公民身份号码": other_id})]), a.id)
    r = upload(client, world["sec_a"], xlsx([new_row("N9", **{"公民身份号码": other_id})]), a.id)
    assert r.json["created"] == 0
    assert r.json["rejected"][0]["errors"] == {"id_number": ["该公民身份号码已登记在其他人员名下"]}
    assert person_by_staff_no("N9") is None
    failed = [e for e in audit_entries("person.create") if e.result != "ok"]
    assert [e.result for e in failed] == ["id_number_taken"]


def test_an_update_refused_by_services_leaves_the_person_untouched(client, world):
    member = world["member"]
    existing_id = make_id_number("110101", date(1990, 1, 1), "777")
    upload(
        client,
        world["sec_a"],
        xlsx([new_row("N1", **{"公民身份号码": existing_id})]),
        world["tree"]["a"].id,
    )
    row = new_row("A001", name="改了名字", member_type=None, **{"公民身份号码": existing_id})
    r = upload(client, world["sec_a"], xlsx([row]), world["tree"]["a"].id)
    assert r.json["updated"] == 0 and r.json["rejected"][0]["row"] == 2
    person = person_by_staff_no("A001")
    assert person.name == "张伟" and person.id_number_index == member.id_number_index


def test_dry_run_applies_nothing(client, world):
    a = world["tree"]["a"]
    rows = [new_row("N1"), new_row("N2", member_type="群众"), new_row("A001", name="改名")]
    r = upload(client, world["sec_a"], xlsx(rows), a.id, dry_run=True)
    assert r.status_code == 200, r.json
    assert r.json["dry_run"] is True
    assert (r.json["created"], r.json["updated"]) == (1, 1)
    assert [item["row"] for item in r.json["rejected"]] == [3]
    assert person_by_staff_no("N1") is None
    assert person_by_staff_no("A001").name == "张伟"
    assert audit_entries("person.create") == [] and audit_entries("person.update") == []
    [entry] = audit_entries("person.import")
    assert entry.detail["dry_run"] is True and entry.detail["created"] == 1


def test_rows_naming_another_branch_in_scope_go_there(client, world):
    tree = world["tree"]
    rows = [new_row("N1", **{"所在支部": "研究生党支部"}), new_row("N2")]
    r = upload(client, world["admin"], xlsx(rows), tree["a"].id)
    assert r.json["created"] == 2, r.json
    assert person_by_staff_no("N1").org_id == tree["b"].id
    assert person_by_staff_no("N2").org_id == tree["a"].id
    # Moving an existing person to another branch drops their old party group.
    r = upload(
        client,
        world["admin"],
        xlsx([new_row("A001", member_type=None, **{"所在支部": "机关第一党支部"})]),
        tree["a"].id,
    )
    assert r.json["updated"] == 1, r.json
    moved = person_by_staff_no("A001")
    assert moved.org_id == tree["c"].id and moved.group_id is None


def test_import_into_a_non_branch_needs_a_branch_per_row(client, world):
    tree = world["tree"]
    rows = [new_row("N1"), new_row("N2", **{"所在支部": "本科生第一党支部"})]
    r = upload(client, world["admin"], xlsx(rows), tree["committee"].id)
    assert r.json["created"] == 1
    assert rejected_by_row(r.json)[2]["errors"] == {"org_id": ["应为党支部"]}


def test_import_scope(client, world):
    a = world["tree"]["a"]
    r = upload(client, world["sec_b"], xlsx([new_row("N1")]), a.id)
    assert r.status_code == 404 and r.json["code"] == "not_found"
    assert person_by_staff_no("N1") is None
    [entry] = audit_entries("person.import")
    assert entry.result == "not_found"
    r = upload(client, world["admin"], xlsx([new_row("N1")]), a.id)
    assert r.status_code == 200 and r.json["created"] == 1


# --- bad files -----------------------------------------------------------------------------


def test_missing_required_header(client, world):
    content = xlsx([["N1", "王小明"]], headers=["学号/工号", "姓名", "备注"])
    r = upload(client, world["sec_a"], content, world["tree"]["a"].id)
    assert r.status_code == 422
    assert r.json["code"] == "roster_bad_header"
    assert "党员类型" in r.json["message"]


def test_headers_are_matched_by_name_in_any_order(client, world):
    headers = ["备注", "党员类型", " 姓 名 ", "学号／工号"]
    content = xlsx([["随便", "预备党员", "钱七", "N1"], [None, None, None, None]], headers=headers)
    r = upload(client, world["sec_a"], content, world["tree"]["a"].id)
    assert r.json == {"created": 1, "updated": 0, "rejected": [], "dry_run": False}
    assert person_by_staff_no("N1").member_type == "probationary"


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a spreadsheet",
        b"",
        b"PK\x03\x04garbage",
    ],
    ids=["text", "empty", "broken-zip"],
)
def test_unreadable_files_get_422(client, world, content):
    r = upload(client, world["sec_a"], content, world["tree"]["a"].id)
    assert r.status_code == 422, r.json
    assert r.json["code"] == "roster_unreadable"


def test_a_zip_that_is_not_a_workbook_gets_422(client, world):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    r = upload(client, world["sec_a"], buffer.getvalue(), world["tree"]["a"].id)
    assert r.status_code == 422 and r.json["code"] == "roster_unreadable"


def test_zip_bomb_is_refused_before_parsing(client, world):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (roster.MAX_UNCOMPRESSED_BYTES + 1))
    assert len(buffer.getvalue()) < 1024 * 1024
    r = upload(client, world["sec_a"], buffer.getvalue(), world["tree"]["a"].id)
    assert r.status_code == 422 and r.json["code"] == "roster_too_large"


def test_too_many_rows(client, world):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["学号/工号", "姓名", "党员类型"])
    for n in range(roster.MAX_ROWS + 1):
        sheet.append([f"N{n}", "王小明", "申请人"])
    buffer = BytesIO()
    workbook.save(buffer)
    r = upload(client, world["sec_a"], buffer.getvalue(), world["tree"]["a"].id)
    assert r.status_code == 422 and r.json["code"] == "roster_too_large"
    assert person_by_staff_no("N0") is None


def test_missing_file_or_org_gets_422(client, world):
    r = upload(client, world["sec_a"], None, world["tree"]["a"].id)
    assert r.status_code == 422 and "file" in r.json["errors"]
    r = client.post(
        "/api/v1/people/import",
        data={"org_id": str(world["tree"]["a"].id), "file": "not a file"},
        headers=auth(world["sec_a"]),
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.json["errors"]["file"] == ["应上传文件"]
    r = client.post(
        "/api/v1/people/import",
        data={"file": (BytesIO(xlsx([])), "x.xlsx")},
        headers=auth(world["sec_a"]),
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "org_id" in r.json["errors"]


def test_formula_cells_give_their_values_only(client, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["学号/工号", "姓名", "党员类型", "入党日期"])
    sheet.append(["N1", "王小明", "申请人", "=TODAY()"])  # no cached value: treated as empty
    buffer = BytesIO()
    workbook.save(buffer)
    r = upload(client, world["sec_a"], buffer.getvalue(), world["tree"]["a"].id)
    assert r.json["created"] == 1, r.json
    assert person_by_staff_no("N1").admission_date is None


# --- parsing without HTTP ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2024-03-01", "2024/3/1", "2024.3.1", "2024年3月1日", "20240301", datetime(2024, 3, 1, 0, 0)],
)
def test_parse_date_accepts_common_spellings(value):
    assert roster.parse_date(value) == date(2024, 3, 1)


@pytest.mark.parametrize("value", ["2024-13-01", "昨天", "3/1/2024", 45352])
def test_parse_date_rejects_the_rest(value):
    with pytest.raises(ValueError):
        roster.parse_date(value)


def test_row_input_maps_labels_and_numbers():
    row = roster.RosterRow(
        2,
        {
            "staff_no": 2021001.0,
            "name": "王小明",
            "gender": "女",
            "member_type": "full",
            "phone": "138****5678",
            "category": "教师",
            "status": "流动",
            "org_id": "本科生第一党支部",
        },
    )
    data, errors, branch, group = roster.row_input(row)
    assert errors == {}
    assert data == {
        "staff_no": "2021001",
        "name": "王小明",
        "gender": "female",
        "member_type": "full",
        "category": "teacher",
        "status": "mobile",
    }
    assert (branch, group) == ("本科生第一党支部", None)
