"""Study data for the demo university: the committee's materials and question bank, a plan for
the demo branch, and eight weeks of members' reading, punch-ins, quizzes and points (by the
rules of points.toml), rolled up so the analytics have something to show.

The history is written as rows, not through the heartbeat API (eight weeks of 15-second beats
would be a million requests); it keeps the rules the services keep: one punch-in a day with its
streak, one quiz a day, points within the daily caps, a material studied at its dwell time.
The sandbox member does nothing today, so the mini-program's punch-in and quiz are still open.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from ..db_types import utcnow
from ..extensions import db
from ..orgs.models import Org
from ..people.models import Person, counted_members
from . import analytics, points
from .models import (
    PUBLISHED,
    PointsDaily,
    PointsEntry,
    PunchIn,
    QuizAttempt,
    QuizQuestion,
    ReadingSession,
    StudyMaterial,
    StudyPlan,
    StudyPlanItem,
    StudyPlanTarget,
    StudyProgress,
)
from .quiz import JUDGE_OPTIONS

WEEKS = 8

MATERIALS = [
    ("article", "theory", "《中国共产党章程》总纲导读", ["党章", "理论学习"],
     "<h2>党章总纲</h2><p>党章是党的根本大法。本文按段落导读总纲的主要内容，"
     "帮助党员把握党的性质、宗旨和基本路线。</p><p>学习后请结合本职工作写一段心得。</p>"),
    ("article", "history", "党史故事：红船精神", ["党史"],
     "<h2>红船精神</h2><p>1921年，中国共产党第一次全国代表大会在嘉兴南湖的一条游船上闭幕。"
     "开天辟地、敢为人先的首创精神，坚定理想、百折不挠的奋斗精神，"
     "立党为公、忠诚为民的奉献精神，是红船精神的内涵。</p>"),
    ("article", "rules", "《中国共产党纪律处分条例》要点", ["党规党纪"],
     "<h2>六项纪律</h2><p>政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。</p>"),
    ("article", "theory", "“三会一课”制度怎么落实", ["组织生活", "支部建设"],
     "<p>支部党员大会、支部委员会、党小组会和党课，是党的组织生活的基本制度。"
     "本文介绍各项会议的频次、议程和记录要求。</p>"),
    ("video", "model", "先进典型：扎根基层的好支书", ["先进典型"], None),
]  # fmt: skip

QUESTIONS = [
    ("judge", "党章是党的根本大法。", JUDGE_OPTIONS, [0]),
    ("single", "支部党员大会一般多久召开一次？", ["每月", "每季度", "每半年", "每年"], [1]),
    ("single", "预备党员的预备期为几年？", ["半年", "一年", "两年", "三年"], [1]),
    ("multiple", "“三会一课”中的“三会”包括：",
     ["支部党员大会", "支部委员会", "党小组会", "民主生活会"], [0, 1, 2]),
    ("judge", "党员可以委托他人代缴党费。", JUDGE_OPTIONS, [0]),
    ("single", "红船精神中“开天辟地、敢为人先”指的是：",
     ["首创精神", "奋斗精神", "奉献精神", "创新精神"], [0]),
    ("multiple", "党的纪律包括：", ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律"],
     [0, 1, 2, 3]),
    ("judge", "入党积极分子的培养考察期一般不少于一年。", JUDGE_OPTIONS, [0]),
]  # fmt: skip


def seed(committee: Org, branch: Org, sandbox_person: Person, today: date) -> None:
    rng = random.Random(20261124)
    now = utcnow()
    materials = []
    for kind, category, title, tags, body in MATERIALS:
        material = StudyMaterial(
            org_id=committee.id, kind=kind, title=title, category=category,
            body_html=body, min_dwell_seconds=120 if kind == "article" else 300,
            video_url="https://media.example.edu.cn/study/model-secretary.mp4"
            if kind == "video" else None,
            status=PUBLISHED, published_at=now - timedelta(days=7 * WEEKS + 7),
            created_by="演示数据",
        )  # fmt: skip
        material.tags = tags
        materials.append(material)
    db.session.add_all(materials)
    for kind, stem, options, answer in QUESTIONS:
        db.session.add(
            QuizQuestion(org_id=committee.id, kind=kind, stem=stem, options=options,
                         answer=answer, category="theory")
        )  # fmt: skip
    db.session.flush()
    plan = StudyPlan(
        org_id=branch.id, title="本月理论学习计划", deadline=today + timedelta(days=14),
        description="学习党章总纲和“三会一课”制度，月底前完成。", status=PUBLISHED,
        published_at=now - timedelta(days=10), created_by="演示数据",
    )  # fmt: skip
    plan.items = [
        StudyPlanItem(material_id=materials[0].id, position=0),
        StudyPlanItem(material_id=materials[3].id, position=1),
    ]
    plan.targets = [StudyPlanTarget(org_id=branch.id)]
    db.session.add(plan)
    db.session.flush()
    _history(rng, materials, today, sandbox_person.id)
    db.session.commit()
    day = today - timedelta(weeks=WEEKS)
    while day <= today:
        analytics.rollup_day(day)
        day += timedelta(days=1)
    analytics.rollup_plans()
    db.session.commit()


def _history(rng: random.Random, materials, today: date, sandbox_id: int) -> None:
    rules = points.rules()
    question_ids = list(db.session.scalars(select(QuizQuestion.id)))
    people = db.session.execute(
        select(Person.id, Person.org_id).where(*counted_members()).order_by(Person.id)
    ).all()
    sessions, punch_ins, quizzes, earned = [], [], [], []
    progress: dict[tuple[int, int], dict] = {}
    first = today - timedelta(weeks=WEEKS)
    for person_id, org_id in people:
        keen = rng.uniform(0.05, 0.85)  # how often this member studies
        streak = 0
        day = first
        while day <= today:
            if (person_id == sandbox_id and day == today) or rng.random() > keen:
                streak, day = 0, day + timedelta(days=1)
                continue
            start = datetime.combine(day, time(12 + rng.randint(0, 2), rng.randint(0, 59)))
            material = rng.choice(materials)
            seconds = float(rng.randint(60, 1500))
            sessions.append({
                "person_id": person_id, "material_id": material.id, "day": day,
                "started_at": start, "clock_at": start + timedelta(seconds=seconds),
                "last_seq": int(seconds // 15), "total_seconds": seconds,
                "beats": int(seconds // 15), "finished": True,
                "blocks_awarded": int(seconds // 300),
            })  # fmt: skip
            mine = progress.setdefault(
                (person_id, material.id),
                {"person_id": person_id, "material_id": material.id, "seconds": 0.0,
                 "studied_at": None, "last_read_at": start},
            )  # fmt: skip
            mine["seconds"] += seconds
            mine["last_read_at"] = start
            if mine["studied_at"] is None and mine["seconds"] >= material.min_dwell_seconds:
                mine["studied_at"] = start
            reading = min(rules["reading"].amount(int(seconds // 60)), rules["reading"].daily_cap)
            if reading:
                earned.append((person_id, org_id, "reading", reading, day, len(sessions)))
            if rng.random() < 0.7:
                streak += 1
                punch_ins.append({"person_id": person_id, "day": day, "streak": streak,
                                  "created_at": start})  # fmt: skip
                earned.append((person_id, org_id, "punch_in", rules["punch_in"].points, day, 0))
            else:
                streak = 0
            if rng.random() < 0.35 and question_ids:
                drawn = rng.sample(question_ids, min(5, len(question_ids)))
                right = rng.randint(len(drawn) // 2, len(drawn))
                quizzes.append({"person_id": person_id, "day": day, "question_ids": drawn,
                                "answers": [], "correct": right, "created_at": start,
                                "submitted_at": start})  # fmt: skip
                if right:
                    earned.append((person_id, org_id, "quiz", min(right, rules["quiz"].daily_cap),
                                   day, 0))  # fmt: skip
            day += timedelta(days=1)
    for table, rows in ((ReadingSession, sessions), (PunchIn, punch_ins), (QuizAttempt, quizzes),
                        (StudyProgress, list(progress.values()))):  # fmt: skip
        if rows:
            db.session.execute(insert(table), rows)
    daily: dict[tuple, int] = {}
    for pid, _org, action, pts, day, _n in earned:
        daily[(pid, action, day)] = daily.get((pid, action, day), 0) + pts
    if daily:
        db.session.execute(
            insert(PointsDaily),
            [{"person_id": pid, "action": action, "day": day, "points": pts}
             for (pid, action, day), pts in daily.items()],
        )  # fmt: skip
    db.session.execute(
        insert(PointsEntry),
        [
            {"person_id": pid, "org_id": org_id, "action": action, "points": pts, "day": day,
             "source": f"demo:{action}:{day.isoformat()}:{n}"}
            for pid, org_id, action, pts, day, n in earned
        ],
    )  # fmt: skip
