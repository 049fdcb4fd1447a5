"""The daily quiz: the bank from .xlsx (all rows or none), the same questions all day, answers
kept secret until the one counted submission, scored on the server, points per right answer."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from server.extensions import db
from server.study.models import PointsEntry, QuizAttempt, QuizQuestion
from server.study.quiz import HEADERS
from tests.factories import auth


def _xlsx(rows, headers=HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


GOOD = [
    ["单选题", "党的最高理想是？", "共产主义", "小康社会", "", "", "", "", "A", "党章总纲", "党章"],
    [
        "多选题",
        "三会一课包括？",
        "支部党员大会",
        "支部委员会",
        "党小组会",
        "党课",
        "",
        "",
        "ABCD",
        "",
        "",
    ],
    ["判断题", "预备期从支部大会通过之日算起。", "", "", "", "", "", "", "对", "", ""],
]


@pytest.fixture
def bank(client, f):
    orgs = f.tree()
    _, committee = f.secretary(orgs["committee"])
    _, b_sec = f.secretary(orgs["b"])
    member = f.person(orgs["a"])
    token = f.token_for(member)
    response = client.post(
        "/api/v1/study/quiz/questions/import",
        data={"org_id": str(orgs["committee"].id), "file": (_xlsx(GOOD), "题库.xlsx")},
        headers=auth(committee),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert response.json == {"imported": 3}
    return {"orgs": orgs, "committee": committee, "b": b_sec, "member": member, "token": token}


def test_the_quiz_keeps_its_answers_until_the_one_counted_submission(app, client, bank):
    headers = auth(bank["token"])
    first = client.get("/api/v1/study/quiz/today", headers=headers).json
    assert first["submitted"] is False and first["total"] == 3
    for question in first["questions"]:
        assert set(question) == {"id", "kind", "stem", "options"}  # no answer, no explanation
    again = client.get("/api/v1/study/quiz/today", headers=headers).json
    assert [q["id"] for q in again["questions"]] == [q["id"] for q in first["questions"]]
    right = {q.id: q.answer for q in db.session.scalars(select(QuizQuestion)).all()}
    answers = [
        {"question_id": q["id"], "choices": right[q["id"]] if q["kind"] != "multiple" else [0, 1]}
        for q in first["questions"]
    ]
    scored = client.post("/api/v1/study/quiz/today", json={"answers": answers}, headers=headers)
    assert scored.status_code == 200, scored.json
    assert scored.json["correct"] == 2 and scored.json["points_awarded"] == 2
    multiple = next(q for q in scored.json["questions"] if q["kind"] == "multiple")
    assert multiple["answer"] == [0, 1, 2, 3] and multiple["right"] is False
    again = client.post("/api/v1/study/quiz/today", json={"answers": answers}, headers=headers)
    assert again.status_code == 409 and again.json["code"] == "already_submitted"
    shown = client.get("/api/v1/study/quiz/today", headers=headers).json
    assert shown["submitted"] is True and "answer" in shown["questions"][0]
    assert shown["points_awarded"] == 2  # what it earned, read back from the ledger
    assert db.session.scalar(select(func.sum(PointsEntry.points))) == 2


def test_refusals(app, client, bank):
    headers = auth(bank["token"])
    response = client.post("/api/v1/study/quiz/today", json={"answers": []}, headers=headers)
    assert response.status_code == 409 and response.json["code"] == "no_quiz"
    client.get("/api/v1/study/quiz/today", headers=headers)
    response = client.post(
        "/api/v1/study/quiz/today",
        json={"answers": [{"question_id": 999999, "choices": [0]}]},
        headers=headers,
    )
    assert response.status_code == 422 and response.json["code"] == "not_in_quiz"
    # Answers to a quiz of another day (loaded before midnight, sent after it).
    today_id = client.get("/api/v1/study/quiz/today", headers=headers).json["id"]
    for stale in (today_id + 1, today_id + 1000):
        response = client.post(
            "/api/v1/study/quiz/today",
            json={"quiz_id": stale, "answers": [{"question_id": 1, "choices": [0]}]},
            headers=headers,
        )
        assert response.status_code == 409 and response.json["code"] == "quiz_expired"
    for body in ({"answers": [{"question_id": 1, "choices": [9]}]}, {"answers": "A"}, {},
                 {"quiz_id": 0, "answers": []}, {"quiz_id": "x", "answers": []}):  # fmt: skip
        response = client.post("/api/v1/study/quiz/today", json=body, headers=headers)
        assert response.status_code == 422
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(QuizAttempt)
            .where(QuizAttempt.submitted_at.is_not(None))
        )
        == 0
    )


def test_import_is_all_or_nothing_and_names_the_bad_rows(app, client, bank):
    org = bank["orgs"]["committee"]
    bad = [
        *GOOD,
        ["问答题", "什么？", "", "", "", "", "", "", "A", "", ""],
        ["单选题", "两个答案？", "甲", "乙", "", "", "", "", "AB", "", ""],
        ["判断题", "对吗？", "", "", "", "", "", "", "也许", "", ""],
        ["多选题", "选项不足", "甲", "", "", "", "", "", "A", "", ""],
    ]
    response = client.post(
        "/api/v1/study/quiz/questions/import",
        data={"org_id": str(org.id), "file": (_xlsx(bad), "题库.xlsx")},
        headers=auth(bank["committee"]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and response.json["code"] == "xlsx_rows_invalid"
    assert set(response.json["errors"]) == {"第5行", "第6行", "第7行", "第8行"}
    wrong = client.post(
        "/api/v1/study/quiz/questions/import",
        data={"org_id": str(org.id), "file": (_xlsx(GOOD, headers=["题目"]), "题库.xlsx")},
        headers=auth(bank["committee"]),
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and wrong.json["code"] == "xlsx_headers"
    pdf = client.post(
        "/api/v1/study/quiz/questions/import",
        data={"org_id": str(org.id), "file": (io.BytesIO(b"%PDF-1.4 x"), "题库.xlsx")},
        headers=auth(bank["committee"]),
        content_type="multipart/form-data",
    )
    assert pdf.status_code == 415
    # Another branch's secretary cannot fill the committee's bank; a member cannot import.
    for token in (bank["b"], bank["token"]):
        response = client.post(
            "/api/v1/study/quiz/questions/import",
            data={"org_id": str(org.id), "file": (_xlsx(GOOD), "题库.xlsx")},
            headers=auth(token),
            content_type="multipart/form-data",
        )
        assert response.status_code in (403, 404)
    assert db.session.scalar(select(func.count()).select_from(QuizQuestion)) == 3


def test_a_branch_bank_is_for_that_branch(app, client, bank, f):
    orgs = bank["orgs"]
    client.post(
        "/api/v1/study/quiz/questions/import",
        data={"org_id": str(orgs["b"].id), "file": (_xlsx(GOOD), "题库.xlsx")},
        headers=auth(bank["b"]),
        content_type="multipart/form-data",
    )
    quiz = client.get("/api/v1/study/quiz/today", headers=auth(bank["token"])).json
    owners = {
        q.org_id for q in db.session.scalars(
            select(QuizQuestion).where(QuizQuestion.id.in_([x["id"] for x in quiz["questions"]]))
        )
    }  # fmt: skip
    assert owners == {orgs["committee"].id}  # branch A's member never gets branch B's questions
    lonely = f.token_for(f.person(orgs["c"]))
    db.session.execute(db.update(QuizQuestion).values(active=False))
    db.session.commit()
    response = client.get("/api/v1/study/quiz/today", headers=auth(lonely))
    assert response.status_code == 404 and response.json["code"] == "no_questions"


def test_an_import_with_a_bad_org_or_no_file_is_a_clear_refusal(app, client, bank):
    def send(data):
        return client.post(
            "/api/v1/study/quiz/questions/import",
            data=data,
            headers=auth(bank["committee"]),
            content_type="multipart/form-data",
        )

    for org_id in ("x", str(2**31), "0", ""):
        response = send({"org_id": org_id, "file": (_xlsx(GOOD), "题库.xlsx")})
        assert response.status_code == 422 and response.json["errors"]["org_id"], org_id
    response = send({"org_id": str(bank["orgs"]["committee"].id)})
    assert response.status_code == 422 and response.json["errors"]["file"]
    response = send({"org_id": "999999", "file": (_xlsx(GOOD), "题库.xlsx")})
    assert response.status_code == 404 and response.json["message"] == "组织不存在"
    assert db.session.scalar(select(func.count()).select_from(QuizQuestion)) == 3
