"""Study materials: managers write and publish for their subtree (articles sanitised, videos
https only, documents PDF by their bytes); members read what their own orgs published."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditLog
from server.extensions import db
from server.study.models import StudyMaterial
from tests.factories import auth

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def setup(f):
    orgs = f.tree()
    _, committee_token = f.secretary(orgs["committee"])
    _, a_token = f.secretary(orgs["a"])
    _, b_token = f.secretary(orgs["b"])
    member_a = f.token_for(f.person(orgs["a"]))
    member_b = f.token_for(f.person(orgs["b"]))
    member_c = f.token_for(f.person(orgs["c"]))
    return {
        "orgs": orgs,
        "committee": committee_token,
        "a": a_token,
        "b": b_token,
        "member_a": member_a,
        "member_b": member_b,
        "member_c": member_c,
    }


def _create(client, token, org, **body):
    payload = {
        "org_id": org.id,
        "kind": "article",
        "title": "学习党章",
        "category": "theory",
        "tags": ["党章", "理论"],
        "body_html": "<p>第一章 <b>党员</b></p>",
        **body,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post("/api/v1/study/materials", json=payload, headers=auth(token))


def test_an_article_is_sanitised_published_and_read_by_the_branch_below(app, client, setup):
    orgs = setup["orgs"]
    html = (
        '<p onclick="steal()">正文<script>alert(1)</script>'
        '<a href="javascript:alert(1)">链接</a><img src="https://x/a.png" onerror="x()">'
        '<iframe src="https://evil"></iframe><style>p{}</style></p>'
    )
    created = _create(client, setup["committee"], orgs["committee"], body_html=html)
    assert created.status_code == 201, created.json
    body = created.json["body_html"]
    for bad in ("script", "onclick", "javascript:", "onerror", "iframe", "style"):
        assert bad not in body
    assert '<img src="https://x/a.png">' in body and "正文" in body
    mid = created.json["id"]
    # A draft is not for members.
    assert (
        client.get(f"/api/v1/study/materials/{mid}", headers=auth(setup["member_a"])).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/study/materials/{mid}/publish", headers=auth(setup["committee"])
        ).status_code
        == 200
    )
    for member in ("member_a", "member_b", "member_c"):
        listing = client.get("/api/v1/study/materials", headers=auth(setup[member])).json
        assert [m["id"] for m in listing["items"]] == [mid]
    assert listing["items"][0]["category_label"] == "理论学习"
    assert listing["items"][0]["tags"] == ["党章", "理论"]


def test_a_branch_material_is_for_that_branch_only(app, client, setup):
    orgs = setup["orgs"]
    mid = _create(client, setup["a"], orgs["a"], title="支部学习").json["id"]
    client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(setup["a"]))
    assert (
        client.get(f"/api/v1/study/materials/{mid}", headers=auth(setup["member_a"])).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/study/materials/{mid}", headers=auth(setup["member_b"])).status_code
        == 404
    )
    # Another branch's secretary can neither see nor change it.
    assert client.get(f"/api/v1/study/materials/{mid}", headers=auth(setup["b"])).status_code == 404
    assert (
        client.patch(
            f"/api/v1/study/materials/{mid}", json={"title": "改"}, headers=auth(setup["b"])
        ).status_code
        == 404
    )
    # Nor write for an org outside their scope.
    assert _create(client, setup["b"], orgs["a"]).status_code == 404
    # A member cannot write.
    assert _create(client, setup["member_a"], orgs["a"]).status_code == 403
    managed = client.get("/api/v1/study/materials?managed=true", headers=auth(setup["b"])).json
    assert managed["items"] == []


def test_filters_by_category_tag_kind_and_title(app, client, setup):
    orgs = setup["orgs"]
    ids = []
    for title, category, tags in (
        ("党史一百年", "history", ["党史"]),
        ("政策解读 100%", "policy", ["政策", "50%折扣"]),
        ("党史与政策", "history", ["政策"]),
    ):
        mid = _create(
            client, setup["committee"], orgs["committee"], title=title, category=category, tags=tags
        ).json["id"]
        client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(setup["committee"]))
        ids.append(mid)
    headers = auth(setup["member_a"])

    def titles(query):
        items = client.get(f"/api/v1/study/materials?{query}", headers=headers).json["items"]
        return sorted(m["title"] for m in items)

    assert titles("category=history") == ["党史一百年", "党史与政策"]
    assert titles("tag=政策") == ["党史与政策", "政策解读 100%"]
    assert titles("q=100%25") == ["政策解读 100%"]  # a literal %, not a wildcard
    assert titles("tag=党") == []  # whole tags only
    assert client.get("/api/v1/study/materials?category=nope", headers=headers).status_code == 422
    assert client.get("/api/v1/study/materials?tag=a|b", headers=headers).status_code == 422


def test_video_must_be_https_and_documents_must_be_pdf(app, client, setup):
    orgs = setup["orgs"]
    token, org = setup["committee"], orgs["committee"]
    for url in ("http://v.example/x.mp4", "javascript:alert(1)", "ftp://x"):
        response = _create(client, token, org, kind="video", body_html=None, video_url=url)
        assert response.status_code == 422 and response.json["code"] == "video_url_invalid"
    ok = _create(client, token, org, kind="video", video_url="https://v.example/x.mp4")
    assert ok.status_code == 201 and ok.json["min_dwell_seconds"] == 300
    doc = _create(client, token, org, kind="document", title="文件汇编").json
    response = client.post(f"/api/v1/study/materials/{doc['id']}/publish", headers=auth(token))
    assert response.status_code == 409 and response.json["code"] == "no_document"
    url = f"/api/v1/study/materials/{doc['id']}/document"
    response = client.post(
        url, data={"file": (io.BytesIO(PNG), "假装.pdf")}, headers=auth(token),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 415 and response.json["code"] == "file_type_not_allowed"
    response = client.post(
        url, data={"file": (io.BytesIO(PDF), "汇编.pdf")}, headers=auth(token),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 200 and response.json["document_name"] == "汇编.pdf"
    assert (
        client.post(f"/api/v1/study/materials/{doc['id']}/publish", headers=auth(token)).status_code
        == 200
    )
    pdf = client.get(url, headers=auth(setup["member_a"]))
    assert pdf.status_code == 200 and pdf.data == PDF and pdf.mimetype == "application/pdf"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in pdf.headers["Content-Security-Policy"]


def test_update_withdraw_and_audit(app, client, setup):
    orgs = setup["orgs"]
    token = setup["a"]
    mid = _create(client, token, orgs["a"]).json["id"]
    response = client.patch(
        f"/api/v1/study/materials/{mid}",
        json={"body_html": "<p>新<script>x</script></p>", "tags": ["新"]},
        headers=auth(token),
    )
    assert response.status_code == 200 and response.json["body_html"] == "<p>新</p>"
    response = client.post(f"/api/v1/study/materials/{mid}/withdraw", headers=auth(token))
    assert response.status_code == 409 and response.json["code"] == "not_published"
    client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(token))
    response = client.post(f"/api/v1/study/materials/{mid}/withdraw", headers=auth(token))
    assert response.status_code == 200 and response.json["status"] == "withdrawn"
    assert (
        client.get(f"/api/v1/study/materials/{mid}", headers=auth(setup["member_a"])).status_code
        == 404
    )
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.target_type == "study_material")
    ).all()
    assert actions == [
        "study.material.create",
        "study.material.update",
        "study.material.publish",
        "study.material.withdraw",
    ]


def test_bad_bodies_are_422_and_store_nothing(app, client, setup):
    org = setup["orgs"]["committee"]
    token = setup["committee"]
    for body in (
        {"title": ""},
        {"kind": "podcast"},
        {"category": "misc"},
        {"tags": ["a" * 21]},
        {"tags": ["有|竖线"]},
        {"tags": [str(i) for i in range(11)]},
        {"min_dwell_seconds": 5},
        {"body_html": "<script>only</script>"},
        {"body_html": ""},
    ):
        response = _create(client, token, org, **body)
        assert response.status_code == 422, body
    assert db.session.scalar(select(func.count()).select_from(StudyMaterial)) == 0


def test_materials_carry_my_progress_and_categories_are_listed(app, client, setup):
    from datetime import datetime

    from server.people.models import Person
    from server.study.models import StudyProgress

    orgs = setup["orgs"]
    ids = []
    for title in ("甲", "乙", "丙"):
        mid = _create(client, setup["committee"], orgs["committee"], title=title).json["id"]
        client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(setup["committee"]))
        ids.append(mid)
    member = db.session.scalars(
        select(Person).where(Person.org_id == orgs["a"].id).order_by(Person.id.desc())
    ).first()  # member_a (made after the branch's secretary)
    now = datetime(2026, 3, 1, 12)
    db.session.add_all([
        StudyProgress(person_id=member.id, material_id=ids[0], seconds=130.0, studied_at=now,
                      last_read_at=now),
        StudyProgress(person_id=member.id, material_id=ids[1], seconds=45.5, last_read_at=now),
    ])  # fmt: skip
    db.session.commit()
    listing = client.get("/api/v1/study/materials", headers=auth(setup["member_a"])).json
    mine = {m["id"]: (m["my_seconds"], m["studied"]) for m in listing["items"]}
    assert mine == {ids[0]: (130.0, True), ids[1]: (45.5, False), ids[2]: (0.0, False)}
    other = client.get("/api/v1/study/materials", headers=auth(setup["member_b"])).json
    assert {m["my_seconds"] for m in other["items"]} == {0.0}  # someone else's progress
    one = client.get(f"/api/v1/study/materials/{ids[1]}", headers=auth(setup["member_a"])).json
    assert (one["my_seconds"], one["studied"]) == (45.5, False)
    found = client.get("/api/v1/study/categories", headers=auth(setup["member_a"])).json
    assert found["items"][0] == {"code": "theory", "label": "理论学习"}
    assert len(found["items"]) == 6
    assert client.get("/api/v1/study/categories").status_code == 401


def test_an_update_takes_only_the_kinds_own_content_and_refuses_bad_bodies(app, client, setup):
    org, token = setup["orgs"]["committee"], setup["committee"]
    article = _create(client, token, org).json
    video = _create(client, token, org, kind="video", body_html=None,
                    video_url="https://v.example/x.mp4").json  # fmt: skip
    document = _create(client, token, org, kind="document", body_html=None).json
    # Another kind's content is refused, not silently dropped, and nothing changes.
    for found, body, field in (
        (article, {"title": "新标题", "video_url": "https://v.example/y.mp4"}, "video_url"),
        (video, {"body_html": "<p>正文</p>"}, "body_html"),
        (document, {"body_html": "<p>正文</p>"}, "body_html"),
        (document, {"video_url": "https://v.example/y.mp4"}, "video_url"),
    ):
        response = client.patch(
            f"/api/v1/study/materials/{found['id']}", json=body, headers=auth(token)
        )
        assert response.status_code == 422 and response.json["code"] == "wrong_kind", body
        assert set(response.json["errors"]) == {field}
    assert db.session.get(StudyMaterial, article["id"]).title == "学习党章"
    # Each kind's own content is changed and checked as when created.
    url = f"/api/v1/study/materials/{video['id']}"
    response = client.patch(url, json={"video_url": "http://v.example/y.mp4"}, headers=auth(token))
    assert response.status_code == 422 and response.json["code"] == "video_url_invalid"
    response = client.patch(url, json={"video_url": "https://v.example/y.mp4"}, headers=auth(token))
    assert response.status_code == 200 and response.json["video_url"] == "https://v.example/y.mp4"
    assert response.json["body_html"] is None
    for body in ({"title": ""}, {"title": None}, {"min_dwell_seconds": "x"}, {"org_id": org.id},
                 {"kind": "video"}, {"tags": "党章"}, {"category": "misc"}):  # fmt: skip
        response = client.patch(
            f"/api/v1/study/materials/{article['id']}", json=body, headers=auth(token)
        )
        assert response.status_code == 422 and response.json["code"] == "validation_error", body
    too_big = client.get("/api/v1/study/materials/2147483648", headers=auth(token))
    assert too_big.status_code == 404 and too_big.json["code"] == "not_found"
    for org_id in (2**31, "x", 0):
        response = _create(client, token, org, org_id=org_id)
        assert response.status_code == 422 and response.json["errors"]["org_id"], org_id
