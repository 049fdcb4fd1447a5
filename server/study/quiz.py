"""The daily quiz (每日答题): a question bank imported from .xlsx, N questions a day per member,
scored on the server; the answers never leave it before the member submits.

- The bank: an org's managers import questions for their org's subtree. A member draws from
  the active questions of the orgs above and at their own.
- One quiz a day per member (unique person and day, Asia/Shanghai): the first request of the
  day draws it, every later one gets the same questions. It is answered once: a conditional
  UPDATE makes the first submission the one that counts; a second gets 409.
- Points: one unit per right answer, within the daily cap (``points.toml``).
"""

from __future__ import annotations

import random
from io import BytesIO

from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..files import read_upload
from ..notify.services import local_today
from ..orgs import services as org_services
from ..orgs.models import Org
from . import points
from .materials import MANAGE_ROLES
from .models import QUESTION_KINDS, PointsEntry, QuizAttempt, QuizQuestion

XLSX = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
LETTERS = "ABCDEF"
KIND_NAMES = {label: kind for kind, label in QUESTION_KINDS.items()} | {
    "单选": "single",
    "多选": "multiple",
    "判断": "judge",
}
JUDGE_OPTIONS = ["正确", "错误"]
JUDGE_ANSWERS = {"对": 0, "正确": 0, "√": 0, "错": 1, "错误": 1, "×": 1}
HEADERS = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "分类",
]
MAX_ROWS = 2000


# --------------------------------------------------------------------------------------------
# The bank
# --------------------------------------------------------------------------------------------
def import_questions(org_id: int, file, principal) -> int:
    """All the rows of the workbook, or none: 422 listing every bad row by its number."""
    org = org_services.get_visible(org_id, principal, MANAGE_ROLES)
    content, _mime = read_upload(file, 5, XLSX, "只能导入 .xlsx 题库文件")
    try:
        sheet = load_workbook(BytesIO(content), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ApiError(422, "xlsx_unreadable", "题库文件无法读取") from exc
    if not rows or [str(c or "").strip() for c in rows[0][: len(HEADERS)]] != HEADERS:
        raise ApiError(422, "xlsx_headers", f"第一行须为：{'、'.join(HEADERS)}")
    if len(rows) - 1 > MAX_ROWS:
        raise ApiError(422, "xlsx_too_many", f"一次最多导入 {MAX_ROWS} 题")
    questions, errors = [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in (list(row) + [None] * 11)[:11]]
        if not any(cells):
            continue
        try:
            questions.append(_question(org, cells))
        except ValueError as exc:
            errors[f"第{number}行"] = [str(exc)]
    if errors:
        raise ApiError(422, "xlsx_rows_invalid", f"{len(errors)} 行有误，未导入", errors)
    if not questions:
        raise ApiError(422, "xlsx_empty", "文件中没有题目")
    db.session.add_all(questions)
    db.session.flush()
    audit.record("study.quiz.import", "org", org.id, org.id, {"questions": len(questions)})
    return len(questions)


def _question(org: Org, cells: list[str]) -> QuizQuestion:
    kind_text, stem, *rest = cells
    options, answer_text, explanation, category = rest[:6], rest[6], rest[7], rest[8]
    kind = KIND_NAMES.get(kind_text)
    if kind is None:
        raise ValueError(f"题型须为 单选题、多选题 或 判断题（现为「{kind_text}」）")
    if not stem or len(stem) > 1000:
        raise ValueError("题干不能为空，且不超过 1000 字")
    if kind == "judge":
        options = list(JUDGE_OPTIONS)
        if answer_text not in JUDGE_ANSWERS:
            raise ValueError("判断题答案须为 对 或 错")
        answer = [JUDGE_ANSWERS[answer_text]]
    else:
        options = [o for o in options if o]
        if len(options) < 2:
            raise ValueError("选择题至少两个选项，且选项须从 A 起连续填写")
        if any(len(o) > 200 for o in options):
            raise ValueError("选项不超过 200 字")
        letters = answer_text.upper().replace(",", "").replace("，", "").replace(" ", "")
        if not letters or any(ch not in LETTERS[: len(options)] for ch in letters):
            raise ValueError(f"答案须为选项字母（A–{LETTERS[len(options) - 1]}）")
        answer = sorted({LETTERS.index(ch) for ch in letters})
        if kind == "single" and len(answer) != 1:
            raise ValueError("单选题只能有一个答案")
        if kind == "multiple" and len(answer) < 2:
            raise ValueError("多选题至少两个答案")
    return QuizQuestion(
        org_id=org.id,
        kind=kind,
        stem=stem,
        options=options,
        answer=answer,
        explanation=explanation[:1000] or None,
        category=category[:20] or None,
        active=True,
    )


# --------------------------------------------------------------------------------------------
# Today's quiz
# --------------------------------------------------------------------------------------------
def today_quiz(principal) -> tuple[QuizAttempt, list[QuizQuestion]]:
    """Today's quiz of the caller, drawn on the first request of the day."""
    person = principal.member()
    on = local_today()
    attempt = _attempt(person.id, on)
    if attempt is None:
        ancestors = person.org.ancestor_ids
        pool = list(
            db.session.execute(
                select(QuizQuestion.id).where(
                    QuizQuestion.org_id.in_(ancestors), QuizQuestion.active.is_(True)
                )
            ).scalars()
        )
        if not pool:
            raise ApiError(404, "no_questions", "题库中还没有题目")
        count = min(current_app.config["STUDY"]["quiz_questions"], len(pool))
        chosen = random.Random(f"{person.id}:{on.isoformat()}").sample(sorted(pool), count)
        attempt = QuizAttempt(person_id=person.id, day=on, question_ids=chosen)
        try:
            with db.session.begin_nested():
                db.session.add(attempt)
        except IntegrityError:
            attempt = _attempt(person.id, on, latest=True)  # a parallel request drew it
    return attempt, _questions(attempt.question_ids)


def _attempt(person_id: int, on, latest: bool = False) -> QuizAttempt | None:
    query = select(QuizAttempt).where(QuizAttempt.person_id == person_id, QuizAttempt.day == on)
    if latest:
        query = query.with_for_update(read=True)
    return db.session.execute(query).scalar_one_or_none()


def _questions(ids: list[int]) -> list[QuizQuestion]:
    found = {
        q.id: q
        for q in db.session.execute(select(QuizQuestion).where(QuizQuestion.id.in_(ids))).scalars()
    }
    return [found[i] for i in ids if i in found]


def submit(data: dict, principal) -> tuple[QuizAttempt, list[QuizQuestion], int]:
    """Score today's answers once: (attempt, questions, points awarded)."""
    person = principal.member()
    on = local_today()
    attempt = _attempt(person.id, on)
    if data.get("quiz_id") is not None and (attempt is None or attempt.id != data["quiz_id"]):
        raise ApiError(409, "quiz_expired", "这套题已不是今天的题目，请刷新后重新作答")
    if attempt is None:
        raise ApiError(409, "no_quiz", "请先获取今日题目")
    questions = _questions(attempt.question_ids)
    given = {a["question_id"]: sorted(set(a["choices"])) for a in data["answers"]}
    unknown = set(given) - {q.id for q in questions}
    if unknown:
        raise ApiError(422, "not_in_quiz", "答案中有不属于今日题目的题", {"answers": ["题目不符"]})
    answers = [{"question_id": q.id, "choices": given.get(q.id, [])} for q in questions]
    correct = sum(1 for q, a in zip(questions, answers, strict=True) if a["choices"] == q.answer)
    changed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers, correct=correct, submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ApiError(409, "already_submitted", "今日已答题，每天只计一次")
    db.session.refresh(attempt)
    awarded = points.award(person, "quiz", correct, f"quiz:{attempt.id}", on)
    return attempt, questions, awarded


def awarded_for(attempt: QuizAttempt) -> int:
    """The points a submitted quiz earned (its ledger entry; 0 at the day's cap)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.person_id == attempt.person_id,
            PointsEntry.action == "quiz",
            PointsEntry.source == f"quiz:{attempt.id}",
        )
    )


def view(attempt: QuizAttempt, questions: list[QuizQuestion], awarded: int | None = None) -> dict:
    """The quiz as the member sees it: the right answers only once it is submitted."""
    done = attempt.submitted_at is not None
    if done and awarded is None:
        awarded = awarded_for(attempt)
    mine = {a["question_id"]: a["choices"] for a in attempt.answers or []}
    return {
        "id": attempt.id,
        "day": attempt.day,
        "submitted": done,
        "correct": attempt.correct if done else None,
        "total": len(questions),
        "points_awarded": awarded,
        "questions": [
            {
                "id": q.id,
                "kind": q.kind,
                "stem": q.stem,
                "options": q.options,
                **(
                    {
                        "answer": q.answer,
                        "explanation": q.explanation,
                        "chosen": mine.get(q.id, []),
                        "right": mine.get(q.id, []) == q.answer,
                    }
                    if done
                    else {}
                ),
            }
            for q in questions
        ],
    }
