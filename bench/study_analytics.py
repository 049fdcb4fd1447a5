"""Benchmark the study analytics of a whole university with a year of data on MariaDB: the
rollup of 365 days, and the committee's overview (53 weeks) in process and under gunicorn.

Run from the project root (MariaDB on 127.0.0.1:3306 as root, Redis on 127.0.0.1:6379)::

    .venv/bin/python bench/study_analytics.py [--readings 1000000] [--members 3000] [--rounds 5]

Setup: (re)create ``party_bench_study_analytics``, flush Redis db 9, ``init-db``, then
bulk-insert in process a committee → general branches → branches (3,000 members by default,
two party groups in the first branch), a committee admin (web session) and the first
branch's secretary (mini-program session), the committee's published materials, a quiz bank,
published plans, and a year (365 days ending today) of members' reading sessions (1,000,000),
punch-ins (one a day, streaks consistent), quizzes (one a day, most submitted), progress per
member and material, and points entries (within the daily caps), day by day as a live
database gets them. Then ``rollup_day`` for every day (timed, SQL statements counted) and
``ANALYZE TABLE``.

1. **In process** (``--rounds``, median and max, SQL statements): ``overview(committee, 53)``,
   ``overview(branch, 53)``, ``people(committee, last 365 days, by minutes, page 1 of 20)``;
   and the baseline, the same weekly figures of the whole university straight from the raw
   tables (what the overview would cost without the rollup). The overview's weekly reading
   minutes, active members and punch-ins must equal the baseline's.
2. **Served** (gunicorn ``-w 4`` as the other benchmarks, ``--clients`` closed-loop clients,
   ``--duration`` seconds each): ``GET /api/v1/study/analytics/overview?weeks=53`` as the
   committee admin, then ``GET /api/v1/me`` with the same token as the ceiling of an
   authenticated request: req/s, p50/p99 and the ratio. Target: overview p99 < 300 ms
   (printed PASS/FAIL, not asserted).

Writes ``bench/results/study_analytics-<ts>.json``. Exits non-zero only on a wrong answer: a
non-200, an overview whose ``members`` is not the members created, or figures that differ
from the raw tables'.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

import harness

DB_NAME = "party_bench_study_analytics"
DB_URL = harness.db_url(DB_NAME)
REDIS_URL = harness.redis_url(9)
OVERVIEW_PATH = "/api/v1/study/analytics/overview?weeks=53"
ME_PATH = "/api/v1/me"
WEEKS = 53
TARGET_P99_MS = 300.0
MEMBER_TYPES = ("probationary", "full")
RAW_TABLES = (
    "study_reading_sessions",
    "study_punch_ins",
    "study_quiz_attempts",
    "study_progress",
    "study_points",
    "study_materials",
    "study_plans",
    "study_plan_items",
    "study_plan_targets",
    "people",
    "orgs",
    "party_posts",
)
ROLLUP_TABLES = ("study_daily", "study_org_weeks", "study_rollup_weeks", "study_plan_orgs")


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
class Loader:
    """Rows buffered per table and inserted ``chunk`` at a time (executemany), each chunk
    committed; counts rows and the seconds spent inserting, per table.

    ``render_nulls``: without it the ORM leaves a None column out of a row's INSERT, so rows
    with and without NULLs (a quiz drawn but not submitted) break the executemany into small
    batches."""

    def __init__(self, db, chunk: int):
        self.db, self.chunk = db, chunk
        self.buffers: dict = {}
        self.counts: dict[str, int] = {}
        self.table_seconds: dict[str, float] = {}
        self.seconds = 0.0

    def add(self, model, row: dict) -> None:
        rows = self.buffers.setdefault(model, [])
        rows.append(row)
        if len(rows) >= self.chunk:
            self.flush(model)

    def flush(self, model) -> None:
        from sqlalchemy import insert

        rows = self.buffers.get(model)
        if not rows:
            return
        t0 = time.perf_counter()
        self.db.session.execute(insert(model).execution_options(render_nulls=True), rows)
        self.db.session.commit()
        elapsed = time.perf_counter() - t0
        self.seconds += elapsed
        name = model.__tablename__
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        self.table_seconds[name] = self.table_seconds.get(name, 0.0) + elapsed
        self.buffers[model] = []

    def flush_all(self) -> None:
        for model in list(self.buffers):
            self.flush(model)


def make_data(env, args) -> dict:
    harness.use_env(env)
    import secrets

    from sqlalchemy import insert, select, text

    from server import create_app
    from server.auth.models import Account, AuthSession, RoleGrant
    from server.crypto import token_digest
    from server.db_types import utcnow
    from server.extensions import db
    from server.notify.services import local_today
    from server.orgs.models import Org
    from server.people.models import PartyPost, Person
    from server.study import points
    from server.study.models import (
        CATEGORIES,
        PUBLISHED,
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

    rng = random.Random(args.seed)
    app = create_app()
    with app.app_context():
        t_start = time.perf_counter()
        on = local_today()
        now = utcnow()
        first_day = on - timedelta(days=args.days - 1)
        stamps = {"created_at": now, "updated_at": now}

        # -- the org tree ---------------------------------------------------------------------
        committee = Org(name="基准大学党委", type="committee", path="/", depth=0)
        db.session.add(committee)
        db.session.flush()
        committee.path = f"/{committee.id}/"
        generals = []
        for g in range(args.general_branches):
            org = Org(name=f"第{g + 1}党总支", type="general_branch", parent_id=committee.id,
                      path="/", depth=1, sort_order=g)  # fmt: skip
            db.session.add(org)
            generals.append(org)
        db.session.flush()
        for org in generals:
            org.path = f"{committee.path}{org.id}/"
        branches = []
        for b in range(args.branches):
            parent = generals[b % len(generals)]
            org = Org(name=f"第{b + 1}党支部", type="branch", parent_id=parent.id, path="/",
                      depth=2, sort_order=b)  # fmt: skip
            db.session.add(org)
            branches.append(org)
        db.session.flush()
        for b, org in enumerate(branches):
            org.path = f"{generals[b % len(generals)].path}{org.id}/"
        groups = []
        for k in range(2):  # the first branch's party groups (members keep org_id = branch)
            org = Org(name=f"第{k + 1}党小组", type="group", parent_id=branches[0].id,
                      path="/", depth=3, sort_order=k)  # fmt: skip
            db.session.add(org)
            groups.append(org)
        db.session.flush()
        for org in groups:
            org.path = f"{branches[0].path}{org.id}/"
        db.session.commit()

        # -- members, the secretary and the committee admin -----------------------------------
        people = []
        for i in range(args.members):
            branch = branches[i * len(branches) // args.members]
            group_id = None
            if branch is branches[0] and i % 5:
                group_id = groups[i % 2].id
            people.append(
                {"staff_no": f"M{i:06d}", "name": f"党员{i}", "org_id": branch.id,
                 "group_id": group_id, "status": "normal", "category": "student",
                 "member_type": "probationary" if rng.random() < 0.15 else "full", **stamps}
            )  # fmt: skip
        for i in range(0, len(people), args.chunk):
            db.session.execute(
                insert(Person).execution_options(render_nulls=True), people[i : i + args.chunk]
            )
        db.session.commit()
        members = db.session.execute(select(Person.id, Person.org_id).order_by(Person.id)).all()
        secretary_id, admin_person_id = members[0][0], members[1][0]
        db.session.execute(
            insert(PartyPost),
            [{"person_id": secretary_id, "org_id": branches[0].id, "post": "secretary"}],
        )
        account = Account(username="bench-committee", display_name="校党委组织部",
                          password_hash="!bench-no-login", person_id=admin_person_id)  # fmt: skip
        account.grants.append(RoleGrant(role="committee_admin", org_id=committee.id))
        db.session.add(account)
        db.session.flush()
        admin_token, secretary_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = now + timedelta(days=2)
        db.session.execute(
            insert(AuthSession),
            [
                {"token_digest": token_digest(admin_token), "kind": "web",
                 "account_id": account.id, "created_at": now, "expires_at": expires,
                 "user_agent": "bench"},
                {"token_digest": token_digest(secretary_token), "kind": "mini",
                 "person_id": secretary_id, "created_at": now, "expires_at": expires,
                 "user_agent": "bench"},
            ],
        )  # fmt: skip

        # -- materials (published through the year), the quiz bank, plans --------------------
        n_mat = args.materials
        early = min(4, n_mat)  # published before the year began
        publish_day = [
            -30 if k < early else (k - early) * args.days // max(1, n_mat - early)
            for k in range(n_mat)
        ]
        categories = list(CATEGORIES)
        materials = []
        for k in range(n_mat):
            video = k % 4 == 3
            materials.append(
                StudyMaterial(
                    org_id=committee.id, kind="video" if video else "article",
                    title=f"学习材料{k + 1}", category=categories[k % len(categories)],
                    body_html=None if video else f"<p>学习材料{k + 1}</p>",
                    video_url=f"https://media.example.edu.cn/{k}.mp4" if video else None,
                    min_dwell_seconds=300 if video else 120, status=PUBLISHED,
                    published_at=datetime.combine(first_day, clock(1))
                    + timedelta(days=publish_day[k]),
                    created_by="bench",
                )
            )  # fmt: skip
        db.session.add_all(materials)
        for q in range(10):
            db.session.add(
                QuizQuestion(org_id=committee.id, kind="single", stem=f"题目{q + 1}",
                             options=["甲", "乙", "丙", "丁"], answer=[q % 4], category="theory")
            )  # fmt: skip
        db.session.flush()
        material_ids = [m.id for m in materials]
        dwell = [m.min_dwell_seconds for m in materials]
        question_ids = list(db.session.scalars(select(QuizQuestion.id)))
        plan_count = 0
        for p in range(args.plans):
            deadline = first_day + timedelta(days=(p + 1) * (args.days + 30) // args.plans)
            ready = [k for k in range(n_mat) if publish_day[k] <= (deadline - first_day).days - 14]
            ready = ready or list(range(early))
            plan = StudyPlan(
                org_id=committee.id, title=f"学习计划{p + 1}", deadline=deadline,
                status=PUBLISHED, published_at=datetime.combine(deadline, clock(1))
                - timedelta(days=30), created_by="bench",
            )  # fmt: skip
            for pos, k in enumerate(rng.sample(ready, min(3, len(ready)))):
                plan.items.append(StudyPlanItem(material_id=material_ids[k], position=pos))
            if p % 3 == 0:
                target = committee
            elif p % 3 == 1:
                target = generals[p // 3 % len(generals)]
            else:
                target = branches[0] if p % 2 else branches[p % len(branches)]
            plan.targets.append(StudyPlanTarget(org_id=target.id))
            db.session.add(plan)
            plan_count += 1
        db.session.commit()
        setup_s = time.perf_counter() - t_start

        # -- a year of activity ---------------------------------------------------------------
        rules = points.rules()
        reading_cap = rules["reading"].daily_cap
        punch_points, quiz_cap = rules["punch_in"].points, rules["quiz"].daily_cap

        t_gen = time.perf_counter()
        n = len(members)
        keen = [rng.uniform(0.05, 0.95) for _ in range(n)]
        prefs = [rng.sample(range(n_mat), rng.randint(min(3, n_mat), min(12, n_mat)))
                 for _ in range(n)]  # fmt: skip
        # Pass 1: who studies on which day (weekends less), then the sessions of each such
        # member-day, so that there are exactly ``readings`` sessions in all.
        active: list[list[int]] = []
        for d in range(args.days):
            factor = 0.6 if (first_day + timedelta(days=d)).weekday() >= 5 else 1.0
            active.append([i for i in range(n) if rng.random() < keen[i] * factor])
        n_active = sum(len(a) for a in active)
        if args.readings >= n_active:
            sessions_of = [1] * n_active
            for _ in range(args.readings - n_active):
                sessions_of[rng.randrange(n_active)] += 1
        else:
            sessions_of = [0] * n_active
            for j in rng.sample(range(n_active), args.readings):
                sessions_of[j] = 1
        # Pass 2: day by day, as a live database gets its rows (ids grow with time).
        load = Loader(db, args.chunk)
        session_id = punch_id = quiz_id = 0
        last_punch, streak = [-2] * n, [0] * n
        progress: dict[tuple[int, int], dict] = {}
        figures = {"member_days": 0, "punch_ins": 0, "quizzes": 0, "quizzes_unsubmitted": 0}
        j = 0
        for d in range(args.days):
            day = first_day + timedelta(days=d)
            published = [k for k in range(n_mat) if publish_day[k] <= d]
            for i in active[d]:
                count, j = sessions_of[j], j + 1
                if not count:
                    continue
                figures["member_days"] += 1
                person_id, org_id = members[i]
                cap = reading_cap
                # 08:00–22:59 Beijing is 00:00–14:59 UTC of the same date (naive UTC columns).
                first_at = None
                for _ in range(count):
                    session_id += 1
                    k = rng.choice([k for k in prefs[i] if publish_day[k] <= d] or published)
                    seconds = rng.randint(60, 1800)
                    start = datetime.combine(
                        day, clock(rng.randint(0, 14), rng.randint(0, 59), rng.randint(0, 59))
                    )
                    first_at = min(first_at or start, start)
                    blocks = seconds // 300
                    load.add(
                        ReadingSession,
                        {"id": session_id, "person_id": person_id,
                         "material_id": material_ids[k], "day": day, "started_at": start,
                         "clock_at": start + timedelta(seconds=seconds),
                         "last_seq": seconds // 15, "paused": False,
                         "total_seconds": float(seconds), "beats": seconds // 15,
                         "finished": True, "blocks_awarded": blocks},
                    )  # fmt: skip
                    mine = progress.get((i, k))
                    if mine is None:
                        mine = progress[(i, k)] = {
                            "person_id": person_id, "material_id": material_ids[k],
                            "seconds": 0.0, "studied_at": None, "last_read_at": start,
                        }  # fmt: skip
                    mine["seconds"] += seconds
                    mine["last_read_at"] = max(mine["last_read_at"], start)
                    if mine["studied_at"] is None and mine["seconds"] >= dwell[k]:
                        mine["studied_at"] = start + timedelta(seconds=dwell[k])
                    earned = min(blocks * rules["reading"].points, cap)
                    if earned:
                        cap -= earned
                        load.add(
                            PointsEntry,
                            {"person_id": person_id, "org_id": org_id, "action": "reading",
                             "points": earned, "day": day,
                             "source": f"reading:{session_id}:{blocks}",
                             "created_at": start + timedelta(seconds=seconds)},
                        )  # fmt: skip
                if rng.random() < 0.6:
                    punch_id += 1
                    streak[i] = streak[i] + 1 if last_punch[i] == d - 1 else 1
                    last_punch[i] = d
                    figures["punch_ins"] += 1
                    load.add(
                        PunchIn,
                        {"id": punch_id, "person_id": person_id, "day": day,
                         "streak": streak[i], "created_at": first_at},
                    )  # fmt: skip
                    load.add(
                        PointsEntry,
                        {"person_id": person_id, "org_id": org_id, "action": "punch_in",
                         "points": punch_points, "day": day, "source": f"punch_in:{punch_id}",
                         "created_at": first_at},
                    )  # fmt: skip
                draw = rng.random()
                if draw < 0.33 and question_ids:
                    quiz_id += 1
                    drawn = rng.sample(question_ids, min(5, len(question_ids)))
                    submitted = draw < 0.3
                    right = rng.randint(0, len(drawn)) if submitted else None
                    figures["quizzes" if submitted else "quizzes_unsubmitted"] += 1
                    load.add(
                        QuizAttempt,
                        {"id": quiz_id, "person_id": person_id, "day": day,
                         "question_ids": drawn, "answers": [] if submitted else None,
                         "correct": right, "created_at": first_at,
                         "submitted_at": first_at if submitted else None},
                    )  # fmt: skip
                    if right:
                        load.add(
                            PointsEntry,
                            {"person_id": person_id, "org_id": org_id, "action": "quiz",
                             "points": min(right, quiz_cap), "day": day,
                             "source": f"quiz:{quiz_id}", "created_at": first_at},
                        )  # fmt: skip
        for row in progress.values():
            load.add(StudyProgress, row)
        load.flush_all()
        activity_s = time.perf_counter() - t_gen

        # Statistics as a live database keeps them (bulk inserts leave them stale).
        t0 = time.perf_counter()
        for table in RAW_TABLES:
            db.session.execute(text(f"ANALYZE TABLE {table}"))
        db.session.commit()
        analyze_s = time.perf_counter() - t0
        data = {
            "today": on.isoformat(),
            "first_day": first_day.isoformat(),
            "days": args.days,
            "orgs": 1 + len(generals) + len(branches) + len(groups),
            "committee_id": committee.id,
            "branch_id": branches[0].id,
            "members": n,
            "branch_members": sum(1 for _, org_id in members if org_id == branches[0].id),
            "materials": n_mat,
            "plans": plan_count,
            "rows": dict(load.counts),
            "insert_seconds": {k: round(v, 1) for k, v in load.table_seconds.items()},
            "studied": sum(1 for row in progress.values() if row["studied_at"]),
            **figures,
            "seconds": {
                "setup": round(setup_s, 1),
                "activity": round(activity_s, 1),
                "activity_insert": round(load.seconds, 1),
                "activity_generate": round(activity_s - load.seconds, 1),
                "analyze": round(analyze_s, 1),
            },
            "admin_token": admin_token,
            "secretary_token": secretary_token,
        }
        db.session.remove()
        db.engine.dispose()
    return data


# --------------------------------------------------------------------------------------------
# The rollup of the year
# --------------------------------------------------------------------------------------------
class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.count = engine, 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args):
        self.count += 1

    def close(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)


def run_rollup(env, first_day: date, days: int) -> dict:
    harness.use_env(env)
    from sqlalchemy import text

    from server import create_app
    from server.extensions import db
    from server.study import analytics

    app = create_app()
    per_day = []
    with app.app_context():
        counter = StatementCounter(db.engine)
        try:
            t_all = time.perf_counter()
            for d in range(days):
                day = first_day + timedelta(days=d)
                counter.count = 0
                t0 = time.perf_counter()
                rows = analytics.rollup_day(day)
                db.session.commit()
                per_day.append(
                    {"day": day.isoformat(), "seconds": time.perf_counter() - t0,
                     "statements": counter.count, "member_rows": rows}
                )  # fmt: skip
            total_s = time.perf_counter() - t_all
            counter.count = 0
            t0 = time.perf_counter()
            plans = analytics.rollup_plans()
            db.session.commit()
            plans_s, plans_statements = time.perf_counter() - t0, counter.count
        finally:
            counter.close()
        t0 = time.perf_counter()
        for table in (*ROLLUP_TABLES, *RAW_TABLES):
            db.session.execute(text(f"ANALYZE TABLE {table}"))
        db.session.commit()
        analyze_s = time.perf_counter() - t0
        counts = {
            table: db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()  # noqa: S608
            for table in ROLLUP_TABLES
        }
        db.session.remove()
        db.engine.dispose()
    seconds = [r["seconds"] for r in per_day]
    statements = [r["statements"] for r in per_day]
    return {
        "days": days,
        "total_s": round(total_s, 2),
        "plans": plans,
        "plans_ms": round(plans_s * 1000, 1),
        "plans_statements": plans_statements,
        "day_median_ms": round(statistics.median(seconds) * 1000, 1),
        "day_max_ms": round(max(seconds) * 1000, 1),
        "statements_per_day_median": statistics.median(statements),
        "statements_per_day_max": max(statements),
        "member_rows_per_day_median": statistics.median(r["member_rows"] for r in per_day),
        "analyze_s": round(analyze_s, 2),
        "rows": counts,
        "per_day": [{**r, "seconds": round(r["seconds"], 4)} for r in per_day],
    }


# --------------------------------------------------------------------------------------------
# In process: the overview, the people list, and the raw baseline
# --------------------------------------------------------------------------------------------
RAW_READING = """
SELECT DATE_SUB(r.day, INTERVAL WEEKDAY(r.day) DAY) AS week,
       SUM(r.total_seconds) AS seconds, COUNT(DISTINCT r.person_id) AS readers
FROM study_reading_sessions r
JOIN people p ON p.id = r.person_id
JOIN orgs o ON o.id = p.org_id
WHERE r.day >= :first AND r.day <= :today AND r.total_seconds > 0
  AND p.status = 'normal' AND p.member_type IN ('probationary', 'full')
  AND o.path LIKE :prefix
GROUP BY week
"""
RAW_PUNCH_INS = """
SELECT DATE_SUB(u.day, INTERVAL WEEKDAY(u.day) DAY) AS week, COUNT(*) AS punch_ins
FROM study_punch_ins u
JOIN people p ON p.id = u.person_id
JOIN orgs o ON o.id = p.org_id
WHERE u.day >= :first AND u.day <= :today
  AND p.status = 'normal' AND p.member_type IN ('probationary', 'full')
  AND o.path LIKE :prefix
GROUP BY week
"""


def _summary(samples: list[float], statements: int) -> dict:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
        "statements": statements,
        "rounds_ms": [round(s * 1000, 2) for s in samples],
    }


def measure_in_process(env, data: dict, rounds: int) -> dict:
    harness.use_env(env)
    from sqlalchemy import text

    from server import create_app
    from server.auth.principal import authenticate
    from server.extensions import db
    from server.notify.services import local_today
    from server.study import analytics

    app = create_app()

    def overview(org, caller):
        return analytics.overview(org, WEEKS, caller)

    with app.app_context():
        today = local_today()
        first = analytics.week_of(today) - timedelta(weeks=WEEKS - 1)
        counter = StatementCounter(db.engine)

        def timed(token, org_id, call):
            """One call on a fresh session, as a request has (nothing cached); the caller and
            the org are found first, untimed, as the view does before calling."""
            caller = authenticate(token)
            org = analytics.org_for(org_id, caller)
            counter.count = 0
            t0 = time.perf_counter()
            result = call(org, caller)
            elapsed = time.perf_counter() - t0
            statements = counter.count
            db.session.remove()
            return result, elapsed, statements

        def raw(org, _caller):
            params = {"first": first, "today": today, "prefix": org.path + "%"}
            weeks: dict[date, dict] = {}
            for week, seconds, readers in db.session.execute(text(RAW_READING), params):
                weeks.setdefault(week, {})["seconds"] = float(seconds or 0)
                weeks[week]["readers"] = int(readers)
            for week, punch_ins in db.session.execute(text(RAW_PUNCH_INS), params):
                weeks.setdefault(week, {})["punch_ins"] = int(punch_ins)
            return weeks

        admin, secretary = data["admin_token"], data["secretary_token"]
        committee_id, branch_id = data["committee_id"], data["branch_id"]
        calls = {
            "overview_committee": (admin, committee_id, overview),
            "overview_branch": (secretary, branch_id, overview),
            "people_committee": (
                admin,
                committee_id,
                lambda o, _c: analytics.people(
                    o, today - timedelta(days=365), today, "minutes", 1, 20
                ),
            ),
            "people_committee_30d": (
                admin,
                committee_id,
                lambda o, _c: analytics.people(
                    o, today - timedelta(days=29), today, "minutes", 1, 20
                ),
            ),
            "raw_weeks": (admin, committee_id, raw),
        }
        samples: dict[str, list[float]] = {name: [] for name in calls}
        statements: dict[str, int] = {}
        results: dict[str, object] = {}
        try:
            for token, org_id, call in calls.values():  # warm-up, unrecorded
                timed(token, org_id, call)
            for _ in range(rounds):
                for name, (token, org_id, call) in calls.items():
                    results[name], elapsed, statements[name] = timed(token, org_id, call)
                    samples[name].append(elapsed)
        finally:
            counter.close()
        db.session.remove()
        db.engine.dispose()
    figures = {name: _summary(samples[name], statements[name]) for name in calls}
    committee, branch = results["overview_committee"], results["overview_branch"]
    people = results["people_committee"]
    checks = check_figures(committee, branch, people, results["raw_weeks"], data)
    return {
        "figures": figures,
        "ratio_raw_over_overview": round(
            figures["raw_weeks"]["median_ms"] / figures["overview_committee"]["median_ms"], 2
        ),
        "overview_committee": {
            "members": committee["members"],
            "weeks": len(committee["weeks"]),
            "orgs": len(committee["orgs"]),
            "plans": len(committee["plans"]),
            "totals": committee["totals"],
            "today": committee["today"],
        },
        "overview_branch": {
            "members": branch["members"],
            "orgs": [
                {"org_name": o["org_name"], "direct": o["direct"], "members_now": o["members_now"]}
                for o in branch["orgs"]
            ],
            "plans": len(branch["plans"]),
        },
        "people_committee": {"total": people["meta"]["total"], "first": people["items"][0]},
        "checks": checks,
    }


def check_figures(committee, branch, people, raw, data) -> list[str]:
    """What the overview says against the raw tables; each difference is a problem."""
    problems = []
    if committee["members"] != data["members"]:
        problems.append(f"overview(committee) members {committee['members']} != {data['members']}")
    if branch["members"] != data["branch_members"]:
        problems.append(f"overview(branch) members {branch['members']} != {data['branch_members']}")
    if people["meta"]["total"] != data["members"]:
        problems.append(f"people total {people['meta']['total']} != {data['members']}")
    for week in committee["weeks"]:
        want = raw.get(week["week_start"], {})
        expected = {
            "reading_minutes": round(want.get("seconds", 0) / 60, 1),
            "active": want.get("readers", 0),
            "punch_ins": want.get("punch_ins", 0),
        }
        for key, value in expected.items():
            if week[key] != value:
                problems.append(
                    f"week {week['week_start']}: overview {key} {week[key]} != raw {value}"
                )
    return problems[:20]


# --------------------------------------------------------------------------------------------
# Served by gunicorn
# --------------------------------------------------------------------------------------------
def _requests(path, token, members):
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        yield "GET", path, None, headers, members


def run_load(port, path, token, members, n_threads, start_at, stop_at, timeout):
    """One generator process; every overview answer (``members`` not None) is checked here."""
    streams = [_requests(path, token, members) for _ in range(n_threads)]
    part = harness.closed_loop(port, streams, start_at, stop_at, timeout)
    replies = part.pop("replies")
    bad: list[str] = []
    for body, expected in replies:
        try:
            got = json.loads(body).get("members")
        except ValueError as exc:
            got = f"unreadable: {exc}"
        if got != expected:
            bad.append(f"members {got!r} != {expected}")
    part["checked"] = len(replies)
    part["bad_replies"] = len(bad)
    part["samples"] = (part["samples"] + bad)[:5]
    return part


def measure_http(pool, port, path, token, members, clients, processes, seconds, timeout=30.0):
    start_at = time.time() + 0.5
    stop_at = start_at + seconds
    jobs = [
        pool.apply_async(run_load, (port, path, token, members, n, start_at, stop_at, timeout))
        for _first, n in harness.split_clients(clients, processes)
    ]
    parts = [job.get(timeout=seconds + timeout + 30) for job in jobs]
    figures = harness.closed_loop_figures(parts, start_at)
    figures["checked"] = sum(p["checked"] for p in parts)
    figures["bad_replies"] = sum(p["bad_replies"] for p in parts)
    return {"path": path, **figures}


def get_json(port, path, token) -> tuple[int, dict, int, float]:
    conn = http.client.HTTPConnection(harness.HOST, port, timeout=60)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        body = resp.read()
        elapsed = time.perf_counter() - t0
    finally:
        conn.close()
    if resp.status != 200:
        raise RuntimeError(f"GET {path} -> {resp.status}: {body[:300]!r}")
    return resp.status, json.loads(body), len(body), elapsed


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
def _jsonable(value):
    """Dates as ISO strings and Decimals (MariaDB's SUM) as floats, for the results file."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--readings", type=int, default=1_000_000, help="reading sessions in all")
    p.add_argument("--members", type=int, default=3000, help="members (正式/预备党员)")
    p.add_argument("--general-branches", type=int, default=6, help="general branches")
    p.add_argument("--branches", type=int, default=60, help="branches (under the generals)")
    p.add_argument("--days", type=int, default=365, help="days of history, ending today")
    p.add_argument("--materials", type=int, default=20, help="published materials")
    p.add_argument("--plans", type=int, default=12, help="published study plans")
    p.add_argument("--rounds", type=int, default=5, help="in-process rounds of each call")
    p.add_argument("--clients", type=int, default=4, help="closed-loop clients")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per served run")
    p.add_argument("--http-rounds", type=int, default=1, help="rounds of overview, me")
    p.add_argument("--processes", type=int, default=2, help="load generator processes")
    p.add_argument("--chunk", type=int, default=10_000, help="rows per bulk insert")
    p.add_argument("--seed", type=int, default=20261126)
    args = p.parse_args(argv)
    counts = (args.members, args.general_branches, args.rounds, args.clients, args.http_rounds,
              args.processes, args.chunk, args.materials, args.plans)  # fmt: skip
    if min(counts) < 1 or args.readings < 0 or args.duration <= 0:
        p.error("counts must be positive")
    if not args.general_branches <= args.branches <= args.members:
        p.error("need general branches <= branches <= members")
    if not 7 * WEEKS - 6 <= args.days <= 366:
        p.error(f"--days must be {7 * WEEKS - 6}..366 (the overview reads {WEEKS} weeks)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    harness.time_limit(int(2400 + args.http_rounds * 3 * (args.duration + 30)))
    stamp = harness.utc_stamp()
    env = harness.bench_env(DB_URL, REDIS_URL)
    load_before = os.getloadavg()
    with harness.Bench("study_analytics") as bench:
        t0 = time.perf_counter()
        harness.fresh_database(DB_NAME, env, REDIS_URL)
        data = make_data(env, args)
        setup_s = time.perf_counter() - t0
        rows, sec = data["rows"], data["seconds"]
        print(
            f"setup ({setup_s:.1f}s): {data['members']} members in {data['orgs']} orgs, "
            f"{data['materials']} materials, {data['plans']} plans; {data['first_day']} .. "
            f"{data['today']}: {rows.get('study_reading_sessions', 0)} reading sessions over "
            f"{data['member_days']} member-days, {data['punch_ins']} punch-ins, "
            f"{data['quizzes']} quizzes (+{data['quizzes_unsubmitted']} unsubmitted), "
            f"{rows.get('study_progress', 0)} progress rows ({data['studied']} studied), "
            f"{rows.get('study_points', 0)} points entries"
        )
        print(
            f"  activity {sec['activity']}s = generate {sec['activity_generate']}s + insert "
            f"{sec['activity_insert']}s (chunks of {args.chunk}); ANALYZE {sec['analyze']}s"
        )
        roll = run_rollup(env, date.fromisoformat(data["first_day"]), args.days)
        print(
            f"rollup of {roll['days']} days: {roll['total_s']:.1f}s; per day median "
            f"{roll['day_median_ms']:.0f} ms, max {roll['day_max_ms']:.0f} ms, "
            f"{roll['statements_per_day_median']:g} SQL statements (max "
            f"{roll['statements_per_day_max']}), {roll['member_rows_per_day_median']:g} member "
            f"rows; study_daily {roll['rows']['study_daily']} rows, study_org_weeks "
            f"{roll['rows']['study_org_weeks']} rows; ANALYZE {roll['analyze_s']:.1f}s"
        )
        print(
            f"plan completion rollup: {roll['plans']} plans in {roll['plans_ms']:.0f} ms, "
            f"{roll['plans_statements']} SQL statements"
        )

        inproc = measure_in_process(env, data, args.rounds)
        f = inproc["figures"]
        print(f"\nin process ({args.rounds} rounds){'median ms':>28}{'max ms':>10}{'SQL':>6}")
        labels = {
            "overview_committee": f"overview(committee, {WEEKS})",
            "overview_branch": f"overview(branch, {WEEKS})",
            "people_committee": "people(committee, 365 d, page 1)",
            "people_committee_30d": "people(committee, 30 d, page 1)",
            "raw_weeks": "raw tables, weekly (baseline)",
        }
        for name, label in labels.items():
            s = f[name]
            print(f"  {label:<38}{s['median_ms']:>12.1f}{s['max_ms']:>10.1f}{s['statements']:>6}")
        ov = inproc["overview_committee"]
        print(
            f"ratio raw / overview(committee): {inproc['ratio_raw_over_overview']:.1f}x; "
            f"overview: {ov['members']} members, {ov['weeks']} weeks, {ov['orgs']} orgs, "
            f"{ov['plans']} plans, active rate {ov['totals']['active_rate']}; branch rows "
            f"{[o['org_name'] for o in inproc['overview_branch']['orgs']]}"
        )
        print(
            "figures vs raw tables: "
            + ("equal (weekly minutes, active members, punch-ins)" if not inproc["checks"]
               else f"{len(inproc['checks'])} DIFFERENCES")
        )  # fmt: skip

        app = bench.gunicorn("server:create_app()", env, "app.log")
        harness.wait_healthy(app)
        admin, secretary = data["admin_token"], data["secretary_token"]
        _, first_answer, size, first_s = get_json(app.port, OVERVIEW_PATH, admin)
        _, branch_answer, branch_size, branch_s = get_json(app.port, OVERVIEW_PATH, secretary)
        get_json(app.port, ME_PATH, admin)
        single = {
            "committee": {"members": first_answer["members"], "bytes": size,
                          "first_ms": round(first_s * 1000, 1)},
            "branch": {"members": branch_answer["members"], "bytes": branch_size,
                       "first_ms": round(branch_s * 1000, 1)},
        }  # fmt: skip
        print(
            f"\nserved: overview {size} bytes (first call {first_s * 1000:.0f} ms), "
            f"the secretary's branch overview {branch_size} bytes, members "
            f"{branch_answer['members']}"
        )
        pool = bench.generators(args.processes)
        members = data["members"]
        # One client alone first: the overview's service time, without queueing.
        runs = [
            ("overview", OVERVIEW_PATH, members, args.clients),
            ("me", ME_PATH, None, args.clients),
        ]
        if args.clients > 1:
            runs.insert(0, ("overview_1", OVERVIEW_PATH, members, 1))
        for _name, path, expect, clients in runs[-2:]:  # warm-up, unrecorded
            measure_http(pool, app.port, path, admin, expect, clients, args.processes, 2.0)
        load_http = os.getloadavg()
        rounds: dict[str, list] = {name: [] for name, *_ in runs}
        for r in range(1, args.http_rounds + 1):
            for name, path, expect, clients in runs:
                res = measure_http(
                    pool, app.port, path, admin, expect, clients, args.processes, args.duration
                )
                res["round"], res["clients"] = r, clients
                rounds[name].append(res)
                print(
                    f"  round {r} {name:<10} {clients:>3} clients {res['rps']:>7.1f} req/s"
                    f"  p50 {res['p50_ms']:>7.2f} ms"
                    f"  p99 {res['p99_ms']:>7.2f} ms  max {res['max_ms']:>7.2f} ms"
                    f"  ({res['completed']} done, {res['non_200']} non-200, "
                    f"{res['bad_replies']} wrong)"
                )
        summary = {name: harness.median_of_rounds(rs) for name, rs in rounds.items()}
        ratio = summary["overview"]["rps"] / summary["me"]["rps"] if summary["me"]["rps"] else 0.0
        rows = [(f"GET {ME_PATH} (ceiling), {args.clients} clients", summary["me"])]
        if "overview_1" in summary:
            rows.append((f"GET {OVERVIEW_PATH}, 1 client", summary["overview_1"]))
        rows.append((f"GET {OVERVIEW_PATH}, {args.clients} clients", summary["overview"]))
        harness.print_medians(rows, "req/s", 66)
        print(f"ratio overview / me: {ratio:.3f}")
        p99 = summary["overview"]["p99_ms"]
        verdict = "PASS" if p99 < TARGET_P99_MS else "FAIL"
        alone = summary.get("overview_1")
        print(
            f"\nVERDICT: overview p99 {p99:.1f} ms served ({args.clients} clients) vs target "
            f"< {TARGET_P99_MS:.0f} ms: {verdict}"
        )
        print(
            (f"  1 client alone: p50 {alone['p50_ms']:.1f} ms, p99 {alone['p99_ms']:.1f} ms; "
             if alone else "  ")
            + f"in process: median {f['overview_committee']['median_ms']:.1f} ms, max "
            f"{f['overview_committee']['max_ms']:.1f} ms"
        )  # fmt: skip
        print(
            f"load average before the run {load_before[0]:.2f}, at the served runs "
            f"{load_http[0]:.2f} ({os.cpu_count()} CPUs)"
        )

        problems = list(inproc["checks"])
        if single["committee"]["members"] != members:
            problems.append(f"served overview members {single['committee']['members']}")
        if single["branch"]["members"] != data["branch_members"]:
            problems.append(f"served branch overview members {single['branch']['members']}")
        for name, rs in rounds.items():
            if any(r["non_200"] for r in rs):
                problems.append(f"{name}: non-200 answers")
            if any(r["bad_replies"] for r in rs):
                problems.append(f"{name}: answers with the wrong members")
        result = {
            "benchmark": "study_analytics",
            "timestamp": stamp,
            "ok": not problems,
            "problems": problems,
            "config": {**vars(args), "gunicorn": harness.GUNICORN_SETTINGS, "database": DB_URL},
            "host": {**harness.host_info(), "loadavg_before": load_before,
                     "loadavg_served": load_http},
            "setup": {k: v for k, v in data.items() if not k.endswith("_token")},
            "setup_s": round(setup_s, 1),
            "rollup": roll,
            "in_process": inproc,
            "served": {"single": single, "summary": summary,
                       "ratio_overview_over_me": round(ratio, 3), "rounds": rounds,
                       "target_p99_ms": TARGET_P99_MS, "verdict": verdict},
        }  # fmt: skip
        out = harness.write_result("study_analytics", stamp, _jsonable(result))
        return bench.done(out, "; ".join(problems[:3]) if problems else None, problems[3:])
    return 1


if __name__ == "__main__":
    sys.exit(main())
