"""Bad input gets a clear 4xx with a stable code and a Chinese message — never a 500."""

import pytest

from tests.factories import auth


def test_malformed_json_is_400(client):
    r = client.post("/api/v1/auth/wx-login", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json["code"] == "malformed_json"
    assert r.json["message"] == "请求体不是有效的 JSON"


def test_validation_errors_are_422_per_field_in_chinese(client):
    r = client.post("/api/v1/auth/wx-login", json={"code": 5, "extra": 1})
    assert r.status_code == 422
    assert r.json == {
        "code": "validation_error",
        "status": 422,
        "message": "输入数据有误",
        "errors": {"code": ["应为字符串"], "extra": ["不允许的字段"]},
    }


def test_oversized_body_is_413(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    r = client.post(
        "/api/v1/auth/wx-login", data=b"x" * (limit + 1), content_type="application/json"
    )
    assert r.status_code == 413
    assert r.json["code"] == "payload_too_large"


def test_unknown_route_and_method_are_json(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json["code"] == "not_found"
    r = client.put("/api/v1/auth/wx-login", json={})
    assert r.status_code == 405 and r.json["code"] == "method_not_allowed"


def test_person_validation_messages(client, f):
    tree = f.tree()
    _, token = f.secretary(tree["a"])
    r = client.post(
        "/api/v1/people",
        headers=auth(token),
        json={
            "staff_no": "A 1",
            "name": "张三",
            "member_type": "boss",
            "org_id": tree["a"].id,
            "id_number": "330106200001011236",
            "phone": "12345",
            "application_date": "2030-01-01",
        },
    )
    assert r.status_code == 422
    errors = r.json["errors"]
    assert set(errors) == {"staff_no", "member_type", "id_number", "phone", "application_date"}
    assert errors["id_number"] == ["公民身份号码校验位不正确"]


def test_dates_out_of_order_are_refused(client, f):
    tree = f.tree()
    _, token = f.secretary(tree["a"])
    r = client.post(
        "/api/v1/people",
        headers=auth(token),
        json={
            "staff_no": "A1",
            "name": "张三",
            "member_type": "full",
            "org_id": tree["a"].id,
            "application_date": "2022-03-01",
            "admission_date": "2021-03-01",
        },
    )
    assert r.status_code == 422
    assert r.json["errors"] == {"admission_date": ["入党日期不能早于申请入党日期"]}


def test_duplicate_staff_number_is_409_and_nothing_changes(client, f):
    tree = f.tree()
    _, token = f.secretary(tree["a"])
    existing = f.person(tree["a"], staff_no="2023001", name="原有")
    body = {
        "staff_no": "2023001",
        "name": "新人",
        "member_type": "applicant",
        "org_id": tree["a"].id,
    }
    r = client.post("/api/v1/people", headers=auth(token), json=body)
    assert r.status_code == 409 and r.json["code"] == "staff_no_taken"
    assert client.get(f"/api/v1/people/{existing.id}", headers=auth(token)).json["name"] == "原有"


def test_id_number_derives_birth_date_and_gender(client, f):
    tree = f.tree()
    _, token = f.secretary(tree["a"])
    from datetime import date

    from server.people.validation import make_id_number

    number = make_id_number("110101", date(2003, 7, 15), "123")
    r = client.post(
        "/api/v1/people",
        headers=auth(token),
        json={
            "staff_no": "B7",
            "name": "李雷",
            "member_type": "applicant",
            "org_id": tree["a"].id,
            "id_number": number,
        },
    )
    assert r.status_code == 201, r.json
    assert r.json["birth_date"] == "2003-07-15"
    assert r.json["gender"] == "male"  # the 17th digit, 3, is odd


def test_a_time_at_the_edge_of_the_calendar_is_invalid_not_a_500():
    """A zone offset that pushes a time before year 1 or past 9999 has no UTC value."""
    from marshmallow import Schema, ValidationError

    from server.schemas import UtcDateTime

    schema = Schema.from_dict({"at": UtcDateTime(required=True)})()
    assert schema.load({"at": "2026-11-25T10:00:00+08:00"})["at"].hour == 2
    for edge in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        with pytest.raises(ValidationError) as refused:
            schema.load({"at": edge})
        assert "at" in refused.value.messages
