"""The .xlsx exports: one record for the archive (基本信息, 发展过程, 材料) and the register of
everyone in the pipeline over the caller's scope — scope, contents, formula-safe text, the
row cap, and the audit trail."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

from openpyxl import load_workbook
from sqlalchemy import select

from server.audit.models import AuditLog
from server.development import exports
from server.extensions import db
from server.files import XLSX_MIMETYPE
from tests.development.conftest import DATES
from tests.development.test_materials import PDF, upload
from tests.factories import auth


def _export(dev, record_id, token=None):
    return dev.client.get(
        f"/api/v1/development/records/{record_id}/export",
        headers=auth(token or dev.secretary_token),
    )


def _register(dev, token=None, **query):
    return dev.client.get(
        "/api/v1/development/register.xlsx",
        query_string=query,
        headers=auth(token or dev.secretary_token),
    )


def _book(response):
    assert response.status_code == 200, response.json
    assert response.mimetype == XLSX_MIMETYPE
    return load_workbook(io.BytesIO(response.data))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _actions(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        ).scalars()
    )


def test_one_record_exports_for_the_archive(app, dev):
    record_id = dev.start().json["id"]
    dev.through(record_id, 9)
    dev.complete(record_id, 10, note='=HYPERLINK("http://evil.example","点我")')
    material = upload(dev, record_id, PDF, "汇报.pdf", title="=1+1", note="@SUM(A1)").json
    response = _export(dev, record_id)
    book = _book(response)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="development-record-')
    assert quote(f"{dev.applicant.name}-发展党员档案-", safe="") in disposition
    assert book.sheetnames == ["基本信息", "发展过程", "材料"]

    basic = dict(_rows(book["基本信息"])[1:])
    assert basic["姓名"] == dev.applicant.name
    assert basic["学号/工号"] == dev.applicant.staff_no
    assert basic["所在党支部"] == dev.branch.name
    assert basic["人员类别"] == "发展对象"
    assert basic["档案状态"] == "进行中"
    assert basic["批次"] == "2023年上半年"
    assert basic["申请入党日期"].date() == DATES[1]
    assert basic["确定为入党积极分子日期"].date() == DATES[3]
    assert basic["入党日期（接收为预备党员）"] is None
    assert "2014" in basic["规则版本"]

    process = _rows(book["发展过程"])
    header = process[0]
    assert header[:6] == ("步骤", "步骤名称", "阶段", "轮次", "日期", "状态")
    rows = [dict(zip(header, row, strict=True)) for row in process[1:]]
    assert [r["步骤"] for r in rows] == list(range(1, 11))
    by_step = {r["步骤"]: r for r in rows}
    assert by_step[1]["步骤名称"] == "递交入党申请书"
    assert by_step[3]["状态"] == "已完成" and by_step[3]["审批意见"] == "同意"
    assert by_step[3]["审批"] == "支部委员会" and by_step[3]["审批人"]
    assert by_step[3]["日期"].date() == DATES[3]
    assert by_step[9]["相关人员"] == (f"入党介绍人：{dev.members[0].name}、{dev.members[1].name}")
    assert by_step[2]["相关人员"] == f"谈话人：{dev.secretary.name}"
    assert by_step[10]["政治审查"] == "通过"
    assert by_step[4]["记录人"] and by_step[4]["记录时间"]

    materials = _rows(book["材料"])
    assert materials[0][:3] == ("类别", "标题", "文件名")
    assert len(materials) == 2
    assert materials[1][0] == "思想汇报" and materials[1][2] == "汇报.pdf"
    assert dev.applicant.name in materials[1][6]
    # Text that looks like a formula stays text.
    note_cell = next(
        c for c in book["发展过程"][11] if isinstance(c.value, str) and "HYPERLINK" in c.value
    )
    assert note_cell.data_type == "s" and note_cell.value.startswith("=HYPERLINK")
    title_cell = book["材料"]["B2"]
    assert (title_cell.value, title_cell.data_type) == ("=1+1", "s")
    assert book["材料"]["F2"].value == "@SUM(A1)"

    audits = _actions("development.export")
    assert len(audits) == 1 and audits[0].target_id == record_id
    assert audits[0].org_id == dev.branch.id and audits[0].detail["entries"] == 10
    assert audits[0].detail["materials"] == 1 and material["id"]


def test_a_completed_record_carries_its_dates_and_the_votes(app, dev):
    record_id = dev.start().json["id"]
    dev.through(record_id, 25)
    book = _book(_export(dev, record_id))
    basic = dict(_rows(book["基本信息"])[1:])
    assert basic["档案状态"] == "已完成" and basic["人员类别"] == "正式党员"
    assert basic["入党日期（接收为预备党员）"].date() == DATES[15]
    assert basic["转为正式党员日期"].date() == date(2025, 11, 20)
    assert basic["预备期满日期"].date() == date(2025, 11, 20)
    header, *rows = _rows(book["发展过程"])
    rows = [dict(zip(header, row, strict=True)) for row in rows]
    step23 = next(r for r in rows if r["步骤"] == 23)
    assert step23["表决"] == "应到20，实到18，赞成17，反对1，弃权0"
    assert step23["结果"] == "按期转正"
    step11 = next(r for r in rows if r["步骤"] == 11)
    assert step11["培训"] == "3天，24学时"


def test_who_may_export_a_record(app, dev):
    record_id = dev.start().json["id"]
    assert _export(dev, record_id, dev.applicant_token).status_code == 200
    assert _export(dev, record_id, dev.committee_token).status_code == 200
    inspector = dev.f.account_token(
        dev.f.account("inspector", [("discipline_inspector", dev.orgs["general"])])
    )
    assert _export(dev, record_id, inspector).status_code == 200
    _, other = dev.f.secretary(dev.orgs["b"])
    response = _export(dev, record_id, other)
    assert response.status_code == 404 and response.json["code"] == "not_found"
    stranger = dev.f.person(dev.branch)
    assert _export(dev, record_id, dev.f.token_for(stranger)).status_code == 404
    assert _export(dev, 999999).status_code == 404
    results = [a.result for a in _actions("development.export")]
    assert results.count("ok") == 3 and len(results) == 6  # refusals are on record too


def _applicant(dev, org, name):
    return dev.f.person(org, name=name, member_type="applicant", birth_date=date(2000, 1, 1))


def test_the_register_lists_exactly_the_records_in_scope(app, dev):
    a1 = dev.start().json["id"]
    dev.through(a1, 3)
    a2_person = _applicant(dev, dev.branch, "=CMD()")
    a2 = dev.start(person=a2_person, applied_on=date(2024, 8, 1)).json["id"]
    dev.client.post(
        f"/api/v1/development/records/{a2}/stop",
        json={"reason": "本人申请撤回"},
        headers=auth(dev.secretary_token),
    )
    _, b_token = dev.f.secretary(dev.orgs["b"])
    b_person = _applicant(dev, dev.orgs["b"], "乙支部申请人")
    assert dev.start(person=b_person, token=b_token).status_code == 201

    response = _register(dev)
    book = _book(response)
    assert book.sheetnames == ["发展党员名册"]
    header, *rows = _rows(book["发展党员名册"])
    assert header == tuple(h for h, _w in exports.REGISTER_COLUMNS)
    rows = [dict(zip(header, row, strict=True)) for row in rows]
    assert [r["姓名"] for r in rows] == [dev.applicant.name, "=CMD()"]
    first, second = rows
    assert first["党支部"] == dev.branch.name and first["学号/工号"] == dev.applicant.staff_no
    assert first["人员类别"] == "入党积极分子" and first["阶段"] == "入党积极分子的确定和培养教育"
    assert first["当前步骤"] == "第3步 推荐和确定入党积极分子"
    assert first["下一步"].startswith("第4步")
    assert first["逾期"] in ("是", "否") and first["状态"] == "进行中"
    assert first["申请入党日期"].date() == DATES[1]
    assert first["确定为积极分子日期"].date() == DATES[3]
    assert first["批次"] == "2023年上半年"
    assert second["状态"] == "已中止" and second["逾期"] == "否" and second["下一步"] is None
    assert book["发展党员名册"]["B3"].data_type == "s"  # a name like a formula stays text
    disposition = response.headers["Content-Disposition"]
    assert quote("发展党员名册-", safe="") in disposition

    # The committee sees both branches; a filter narrows it.
    names = [r[1] for r in _rows(_book(_register(dev, dev.committee_token)).active)[1:]]
    assert sorted(names) == sorted([dev.applicant.name, "=CMD()", "乙支部申请人"])
    only_b = _register(dev, dev.committee_token, org_id=dev.orgs["b"].id)
    assert [r[1] for r in _rows(_book(only_b).active)[1:]] == ["乙支部申请人"]
    assert (
        quote(f"{dev.orgs['b'].name}-发展党员名册-", safe="")
        in (only_b.headers["Content-Disposition"])
    )
    stopped = _register(dev, dev.committee_token, status="stopped")
    assert [r[1] for r in _rows(_book(stopped).active)[1:]] == ["=CMD()"]
    applying = _register(dev, dev.committee_token, stage="apply", status="active")
    assert [r[1] for r in _rows(_book(applying).active)[1:]] == ["乙支部申请人"]
    # Another branch's secretary: only theirs; a filter outside the scope finds nothing.
    assert [r[1] for r in _rows(_book(_register(dev, b_token)).active)[1:]] == ["乙支部申请人"]
    outside = _register(dev, b_token, org_id=dev.branch.id)
    assert _rows(_book(outside).active)[1:] == []
    assert quote(dev.branch.name, safe="") not in outside.headers["Content-Disposition"]

    audits = _actions("development.register")
    assert [a.detail["count"] for a in audits] == [2, 3, 1, 1, 1, 1, 0]
    assert audits[2].org_id == dev.orgs["b"].id


def test_the_register_is_for_managers_and_capped(app, dev, monkeypatch):
    dev.start()
    response = _register(dev, dev.applicant_token)
    assert response.status_code == 403
    response = _register(dev, status="nonsense")
    assert response.status_code == 422 and "status" in response.json["errors"]
    monkeypatch.setattr(exports, "MAX_ROWS", 0)
    response = _register(dev)
    assert response.status_code == 422 and response.json["code"] == "register_too_large"
    assert "org_id" in response.json["message"]
    refused = _actions("development.register")
    assert [a.result for a in refused] == ["register_too_large"]


def test_the_register_reads_every_page(app, dev, monkeypatch):
    monkeypatch.setattr(exports, "PAGE", 2)
    people = [_applicant(dev, dev.branch, f"申请人{n}") for n in range(5)]
    for n, person in enumerate(people):
        assert dev.start(person=person, applied_on=date(2023, 1, 10 + n)).status_code == 201
    names = [r[1] for r in _rows(_book(_register(dev)).active)[1:]]
    assert names == [p.name for p in people]
