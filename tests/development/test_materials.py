"""Materials of a development record: the applicant's own papers and the branch's records,
checked by content and size, readable by whoever reads the record, deletable by the uploader
(while the record is active) or the branch, every upload, download and deletion audited."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.development.models import DevelopmentMaterial
from server.extensions import db, storage
from server.storage import StorageError
from tests.factories import auth

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# An old Word file: the OLE header and the Word marker at 512.
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 200


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def upload(dev, record_id, data=PDF, name="思想汇报.pdf", token=None, **form):
    body = {"file": (io.BytesIO(data), name), "kind": "thought_report", **form}
    return dev.client.post(
        f"/api/v1/development/records/{record_id}/materials",
        data=body,
        content_type="multipart/form-data",
        headers=auth(token or dev.applicant_token),
    )


def listing(dev, record_id, token=None):
    return dev.client.get(
        f"/api/v1/development/records/{record_id}/materials",
        headers=auth(token or dev.secretary_token),
    )


def download(dev, material, token=None):
    return dev.client.get(material["url"], headers=auth(token or dev.secretary_token))


def delete(dev, material, token=None):
    return dev.client.delete(
        f"/api/v1/development/materials/{material['id']}",
        headers=auth(token or dev.secretary_token),
    )


@pytest.fixture
def record_id(dev):
    response = dev.start()
    assert response.status_code == 201, response.json
    return response.json["id"]


def _actions(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        ).scalars()
    )


def test_the_applicant_uploads_a_thought_report_and_the_branch_reads_it(app, dev, record_id):
    response = upload(dev, record_id, title="2023年第二季度思想汇报", note="手写扫描件")
    assert response.status_code == 201, response.json
    report = response.json
    assert report["kind"] == "thought_report" and report["kind_label"] == "思想汇报"
    assert report["content_type"] == "application/pdf" and report["size"] == len(PDF)
    assert report["filename"] == "思想汇报.pdf" and report["entry_id"] is None
    assert report["title"] == "2023年第二季度思想汇报" and report["note"] == "手写扫描件"
    assert report["can_delete"] is True
    assert dev.applicant.name in report["uploaded_by"]
    assert report["url"] == f"/api/v1/development/materials/{report['id']}/content"

    # The branch adds the minutes of step 3 (a photo), linked to that entry.
    dev.complete(record_id, 2)
    step3 = dev.complete(record_id, 3)
    response = upload(
        dev,
        record_id,
        PNG,
        "支委会记录.pdf",  # the content decides: it is a PNG
        token=dev.secretary_token,
        kind="minutes",
        entry_id=str(step3["id"]),
        title="",
    )
    assert response.status_code == 201, response.json
    minutes = response.json
    assert (minutes["content_type"], minutes["filename"]) == ("image/png", "支委会记录.png")
    assert minutes["entry_id"] == step3["id"] and minutes["title"] is None

    items = listing(dev, record_id).json["items"]
    assert [m["id"] for m in items] == [report["id"], minutes["id"]]
    # The applicant reads the list too, and may delete only their own upload.
    mine = listing(dev, record_id, dev.applicant_token).json["items"]
    assert [m["can_delete"] for m in mine] == [True, False]

    content = download(dev, report)
    assert content.status_code == 200 and content.data == PDF
    assert content.mimetype == "application/pdf"
    assert content.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%80%9D%E6%83%B3" in content.headers["Content-Disposition"]
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    photo = download(dev, minutes, dev.applicant_token)
    assert photo.status_code == 200 and photo.data == PNG
    assert photo.headers["Content-Disposition"].startswith("inline;")
    # A discipline inspector in scope reads (but does not upload).
    inspector = dev.f.account_token(
        dev.f.account("inspector", [("discipline_inspector", dev.orgs["committee"])])
    )
    assert download(dev, report, inspector).status_code == 200
    response = upload(dev, record_id, token=inspector, kind="minutes")
    assert response.status_code == 403 and response.json["code"] == "not_manager"

    uploads = _actions("development.material.upload")
    assert [a.detail["material_id"] for a in uploads] == [report["id"], minutes["id"]]
    assert all(a.target_id == record_id and a.org_id == dev.branch.id for a in uploads)
    downloads = _actions("development.material.download")
    assert [a.detail["material_id"] for a in downloads] == [
        report["id"],
        minutes["id"],
        report["id"],
    ]


def test_a_word_docx_is_accepted_and_an_old_doc_is_refused(app, dev, record_id):
    response = upload(dev, record_id, docx(), "入党申请书.doc", kind="application")
    assert response.status_code == 201, response.json
    assert response.json["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.json["filename"] == "入党申请书.docx"
    response = upload(dev, record_id, DOC, "入党申请书.doc", kind="application")
    assert response.status_code == 415 and response.json["code"] == "file_type_not_allowed"
    assert ".docx" in response.json["message"]


def test_what_the_applicant_may_not_upload(app, dev, record_id):
    response = upload(dev, record_id, kind="minutes")
    assert response.status_code == 403 and response.json["code"] == "kind_not_allowed"
    assert "会议记录" in response.json["message"]
    # Someone else's record: not even there.
    other = dev.f.person(dev.branch, member_type="applicant", birth_date=date(2001, 1, 1))
    other_id = dev.start(person=other).json["id"]
    response = upload(dev, other_id)
    assert response.status_code == 404 and response.json["code"] == "not_found"
    assert listing(dev, other_id, dev.applicant_token).status_code == 404
    # A stopped record takes no more papers from the applicant; the branch may still file.
    stopped = dev.client.post(
        f"/api/v1/development/records/{record_id}/stop",
        json={"reason": "本人申请撤回"},
        headers=auth(dev.secretary_token),
    )
    assert stopped.status_code == 200, stopped.json
    response = upload(dev, record_id)
    assert response.status_code == 409 and response.json["code"] == "record_closed"
    assert upload(dev, record_id, token=dev.secretary_token, kind="other").status_code == 201


def test_another_branch_sees_nothing(app, dev, record_id):
    report = upload(dev, record_id).json
    _, other = dev.f.secretary(dev.orgs["b"])
    assert listing(dev, record_id, other).status_code == 404
    response = upload(dev, record_id, token=other, kind="minutes")
    assert response.status_code == 404 and response.json["code"] == "not_found"
    response = download(dev, report, other)
    assert response.status_code == 404 and response.json["code"] == "not_found"
    assert delete(dev, report, other).status_code == 404
    stranger = dev.f.person(dev.orgs["b"])
    assert download(dev, report, dev.f.token_for(stranger)).status_code == 404
    missing = dev.client.get(
        "/api/v1/development/materials/999999/content", headers=auth(dev.secretary_token)
    )
    assert missing.status_code == 404
    assert len(_actions("development.material.download")) == 0


def test_disguised_empty_and_oversized_files_are_refused(app, dev, record_id, monkeypatch):
    html = upload(dev, record_id, b"<html><script>alert(1)</script></html>", "汇报.pdf")
    assert html.status_code == 415 and html.json["code"] == "file_type_not_allowed"
    assert html.json["errors"] == {"file": ["只能上传 PDF、JPG、PNG 或 Word（.docx）文件"]}
    fake_pdf = upload(dev, record_id, b"%PDX-1.4 not really" + b"\x00" * 64, "汇报.pdf")
    assert fake_pdf.status_code == 415 and fake_pdf.json["code"] == "file_type_not_allowed"
    exe = upload(dev, record_id, b"MZ\x90\x00" + b"\x00" * 100, "汇报.pdf")
    assert exe.status_code == 415
    empty = upload(dev, record_id, b"", "汇报.pdf")
    assert empty.status_code == 422 and empty.json["code"] == "file_empty"
    monkeypatch.setitem(app.config["DEVELOPMENT"], "material_max_mb", 1)
    big = upload(dev, record_id, PDF + b"\x00" * (1024 * 1024), "big.pdf")
    assert big.status_code == 413 and big.json["code"] == "file_too_large"
    assert "1 MB" in big.json["message"]
    no_file = dev.client.post(
        f"/api/v1/development/records/{record_id}/materials",
        data={"kind": "thought_report"},
        content_type="multipart/form-data",
        headers=auth(dev.applicant_token),
    )
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]
    bad_kind = upload(dev, record_id, kind="selfie")
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json["errors"]
    assert listing(dev, record_id).json["items"] == []
    assert db.session.scalar(select(db.func.count()).select_from(DevelopmentMaterial)) == 0


def test_the_entry_must_belong_to_the_record(app, dev, record_id):
    other = dev.f.person(dev.branch, member_type="applicant", birth_date=date(2001, 1, 1))
    other_record = dev.record(dev.start(person=other).json["id"])
    foreign = other_record["entries"][0]["id"]
    response = upload(dev, record_id, token=dev.secretary_token, entry_id=str(foreign))
    assert response.status_code == 422 and response.json["code"] == "unknown_entry"
    assert "entry_id" in response.json["errors"]
    response = upload(dev, record_id, entry_id="99999")
    assert response.status_code == 422 and response.json["code"] == "unknown_entry"
    response = upload(dev, record_id, entry_id="abc")
    assert response.status_code == 422 and "entry_id" in response.json["errors"]
    own = dev.record(record_id)["entries"][0]["id"]
    response = upload(dev, record_id, kind="application", entry_id=str(own))
    assert response.status_code == 201 and response.json["entry_id"] == own


def test_who_may_delete(app, dev, record_id):
    mine = upload(dev, record_id).json
    theirs = upload(dev, record_id, token=dev.secretary_token, kind="talk_record").json
    response = delete(dev, theirs, dev.applicant_token)
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    key = db.session.get(DevelopmentMaterial, mine["id"]).storage_key
    assert storage.load(key) == PDF
    assert delete(dev, mine, dev.applicant_token).status_code == 204
    with pytest.raises(StorageError):
        storage.load(key)  # the bytes go once the row is gone
    assert download(dev, mine).status_code == 404
    # Once the record has ended the applicant's uploads are part of the file: the branch only.
    again = upload(dev, record_id).json
    dev.client.post(
        f"/api/v1/development/records/{record_id}/stop",
        json={"reason": "本人申请撤回"},
        headers=auth(dev.secretary_token),
    )
    assert delete(dev, again, dev.applicant_token).status_code == 403
    assert delete(dev, again).status_code == 204
    assert delete(dev, theirs).status_code == 204
    assert listing(dev, record_id).json["items"] == []
    deletions = _actions("development.material.delete")
    assert [a.detail["material_id"] for a in deletions if a.result == "ok"] == [
        mine["id"],
        again["id"],
        theirs["id"],
    ]
