"""Demo data: a whole university party organisation (``flask --app server demo``).

华夏理工大学党委 → 党总支 → 党支部 → 党小组, about 300 people at every stage of the pipeline,
party posts, console accounts and two WeChat sandbox logins. Everything is drawn from
``random.Random(2026)`` so two runs on the same day build the same data; dates are placed
relative to ``date.today()`` so that nothing lies in the future. Sensitive fields are sealed
exactly as the people service seals them. Loading is idempotent: when the committee already
exists nothing is written and the same summary is returned.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app

from .auth.models import Account, RoleGrant, WechatBinding
from .auth.services import hash_password
from .db_types import utcnow
from .extensions import db
from .notify.models import OaFollower
from .orgs.models import ORG_TYPES, Org
from .people.models import MEMBER_TYPES, PartyPost, Person
from .people.validation import make_id_number

COMMITTEE_NAME = "华夏理工大学党委"
DEMO_PASSWORD = "demo1234"  # noqa: S105 - published demo credential
SEED = 2026
MEMBER_OPENID = "demo-member"
SECRETARY_OPENID = "demo-secretary"

# (account, display name, role, on the committee?)
STAFF_ACCOUNTS = [
    ("admin", "系统管理员", "system_admin", False),
    ("office", "党委组织部", "committee_admin", True),
    ("auditor", "审计员", "auditor", False),
    ("jiwei", "纪委办公室", "discipline_inspector", True),
]
ROLE_LABELS = {
    "system_admin": "系统管理员 system_admin",
    "committee_admin": "党委管理员 committee_admin",
    "auditor": "审计员 auditor",
    "discipline_inspector": "纪检 discipline_inspector",
}

# -- the organisation ---------------------------------------------------------------------
# college, short name, student-number code, majors, teaching departments, branches (name, kind)
COLLEGES = [
    (
        "计算机学院",
        1,
        ["计算机科学与技术", "软件工程", "人工智能", "网络空间安全"],
        ["计算机科学系", "软件工程系", "人工智能系", "实验教学中心"],
        [
            ("本科生第一党支部", "undergrad"),
            ("本科生第二党支部", "undergrad"),
            ("研究生第一党支部", "grad"),
            ("研究生第二党支部", "grad"),
            ("教工党支部", "faculty"),
        ],
    ),
    (
        "机械工程学院",
        2,
        ["机械设计制造及其自动化", "车辆工程", "机器人工程"],
        ["机械设计系", "车辆工程系", "工程训练中心"],
        [
            ("本科生第一党支部", "undergrad"),
            ("本科生第二党支部", "undergrad"),
            ("研究生党支部", "grad"),
            ("教工党支部", "faculty"),
        ],
    ),
    (
        "经济管理学院",
        3,
        ["工商管理", "会计学", "金融学", "国际经济与贸易"],
        ["管理科学系", "会计系", "金融系"],
        [("本科生党支部", "undergrad"), ("研究生党支部", "grad"), ("教工党支部", "faculty")],
    ),
    (
        "马克思主义学院",
        4,
        ["思想政治教育", "马克思主义理论"],
        ["马克思主义基本原理教研室", "思想政治教育教研室", "中国近现代史纲要教研室"],
        [("学生党支部", "mixed"), ("教工党支部", "faculty")],
    ),
]
OFFICE_BRANCHES = [
    ("机关第一党支部", ["党委办公室", "党委组织部", "党委宣传部", "纪委办公室", "学生工作部"]),
    ("机关第二党支部", ["校长办公室", "人事处", "教务处", "科研处", "财务处"]),
]
BRANCH_SIZES = {
    "undergrad": (18, 24),
    "grad": (15, 20),
    "mixed": (13, 17),
    "faculty": (11, 15),
    "office": (12, 16),
}
# Member-type mix of the rank and file (leaders are added as full members on top).
TYPE_MIX = {
    "undergrad": {"applicant": 20, "activist": 26, "candidate": 12, "probationary": 20, "full": 22},
    "grad": {"applicant": 8, "activist": 12, "candidate": 10, "probationary": 24, "full": 46},
    "mixed": {"applicant": 14, "activist": 18, "candidate": 10, "probationary": 22, "full": 36},
    "faculty": {"applicant": 3, "activist": 4, "candidate": 3, "probationary": 5, "full": 85},
    "office": {"applicant": 2, "activist": 4, "candidate": 3, "probationary": 6, "full": 85},
}
# Characters that do not make a given name on their own, and pairs that read as words.
NOT_ALONE = set("子一家天思可心语晓月嘉国东成")
ODD_PAIRS = {"国家", "家国", "天子", "东西", "子一", "一天"}
GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组"]

# -- people -------------------------------------------------------------------------------
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ["欧阳", "上官", "司马", "诸葛"]
MALE_CHARS = (
    "伟强磊军洋勇杰涛明超斌鹏辉华飞鑫波宇浩凯健俊帆旭宁龙林阳博文晨睿泽轩然昊航峰建志国海东晓"
    "子天一嘉家振思诚毅铭哲彬成"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀玲婷雪慧颖琳欣怡佳悦萱涵诗雨梦晴璐瑶倩洁蕾薇琪淑露月妍彤心语婧思晓可嘉"
)
HAN_REGIONS = [
    ("110105", "北京市朝阳区"),
    ("310115", "上海市浦东新区"),
    ("330106", "浙江省杭州市"),
    ("320102", "江苏省南京市"),
    ("320583", "江苏省昆山市"),
    ("420106", "湖北省武汉市"),
    ("430104", "湖南省长沙市"),
    ("440106", "广东省广州市"),
    ("510107", "四川省成都市"),
    ("610113", "陕西省西安市"),
    ("370102", "山东省济南市"),
    ("370203", "山东省青岛市"),
    ("410105", "河南省郑州市"),
    ("411302", "河南省南阳市"),
    ("130102", "河北省石家庄市"),
    ("350203", "福建省厦门市"),
    ("500103", "重庆市"),
    ("340104", "安徽省合肥市"),
    ("360102", "江西省南昌市"),
    ("140105", "山西省太原市"),
    ("230103", "黑龙江省哈尔滨市"),
    ("620102", "甘肃省兰州市"),
]
MINORITIES = [
    ("回族", 30, [("640104", "宁夏回族自治区银川市"), ("410105", "河南省郑州市")]),
    ("壮族", 25, [("450103", "广西壮族自治区南宁市"), ("450203", "广西壮族自治区柳州市")]),
    ("满族", 20, [("210102", "辽宁省沈阳市"), ("130802", "河北省承德市")]),
    ("蒙古族", 10, [("150102", "内蒙古自治区呼和浩特市")]),
    ("土家族", 8, [("433101", "湖南省吉首市"), ("422801", "湖北省恩施市")]),
    ("苗族", 8, [("520102", "贵州省贵阳市")]),
    ("朝鲜族", 5, [("222401", "吉林省延吉市")]),
    ("彝族", 4, [("513401", "四川省西昌市")]),
    ("维吾尔族", 4, [("650102", "新疆维吾尔自治区乌鲁木齐市")]),
    ("藏族", 3, [("540102", "西藏自治区拉萨市")]),
]
PHONE_PREFIXES = [
    *map(str, range(130, 140)),
    *("150", "151", "152", "155", "156", "157", "158", "159", "166", "177"),
    *("180", "181", "182", "183", "185", "186", "187", "188", "189", "198", "199"),
]
HONOURS = [
    "{y}年度校级优秀共产党员",
    "{y}年度校级优秀党务工作者",
    "{y}年获评校“两优一先”优秀共产党员",
    "{y}年度院级优秀共产党员",
]


@dataclass
class _Branch:
    org: Org
    kind: str
    college: tuple | None
    units: list[str] | None = None
    people: list[Person] = field(default_factory=list)
    groups: list[Org] = field(default_factory=list)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.today = date.today()
        self.cipher = current_app.extensions["party_cipher"]
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.id_numbers: set[str] = set()
        self.staff_nos: set[str] = set()
        self.student_seq: Counter = Counter()
        self.teacher_seq = 1000
        self.staff_seq = 2000
        self.people: list[Person] = []
        self.receipt: str | None = None  # the demo anonymous report's, printed once
        self.posts: list[PartyPost] = []
        # the academic year now running (it starts in September)
        self.academic_year = self.today.year if self.today.month >= 9 else self.today.year - 1

    # -- small random helpers ----------------------------------------------------------------
    def between(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def birthday(self, year: int) -> date:
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def name(self, gender: str) -> str:
        chars = MALE_CHARS if gender == "male" else FEMALE_CHARS
        while True:
            if self.rng.random() < 0.02:
                surname = self.rng.choice(COMPOUND_SURNAMES)
            else:
                # Common surnames first: a skewed pick over the frequency-ordered list.
                surname = SURNAMES[int(len(SURNAMES) * self.rng.random() ** 1.8)]
            given = self.rng.choice(chars)
            if self.rng.random() < 0.7:
                given += self.rng.choice(chars)
            if (len(given) == 1 and given in NOT_ALONE) or given in ODD_PAIRS:
                continue
            if given[0] != given[-1] or len(given) == 1 or self.rng.random() < 0.3:
                full = surname + given
                if full not in self.names:
                    self.names.add(full)
                    return full

    def phone(self) -> str:
        while True:
            value = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def origin(self) -> tuple[str, str, str]:
        """(ethnicity, 6-digit region code, native place)."""
        if self.rng.random() < 0.9:
            region = self.rng.choice(HAN_REGIONS)
            return "汉族", *region
        weights = [weight for _, weight, _ in MINORITIES]
        ethnicity, _, regions = self.rng.choices(MINORITIES, weights)[0]
        return ethnicity, *self.rng.choice(regions)

    def id_number(self, region: str, born: date, gender: str) -> str:
        while True:
            # The 17th digit is odd for men and even for women (GB 11643).
            seq = self.rng.randrange(100) * 10 + self.rng.randrange(5) * 2 + (gender == "male")
            value = make_id_number(region, born, f"{seq:03d}")
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    # -- dates -------------------------------------------------------------------------------
    def timeline(self, member_type: str, earliest: date, window=None) -> dict | None:
        """Pipeline dates for ``member_type`` with the application no earlier than
        ``earliest`` and nothing after today; None when that cannot be done."""
        today = self.today
        for gap1, gap2 in (
            (self.rng.randint(30, 240), self.rng.randint(395, 720)),
            (30, 395),
        ):
            # gap1: application → activist; gap2: activist → admission (a year of training
            # as an activist, then the candidate stage).
            if member_type == "applicant":
                lo, hi = max(earliest, today - timedelta(days=360)), today - timedelta(days=3)
                if lo <= hi:
                    return {"application_date": self.between(lo, hi)}
            elif member_type in ("activist", "candidate"):
                lo = max(
                    earliest + timedelta(days=gap1),
                    today - timedelta(days=700 if member_type == "activist" else 730),
                )
                hi = today - timedelta(days=7 if member_type == "activist" else 366)
                if lo <= hi:
                    activist = self.between(lo, hi)
                    return {
                        "application_date": activist - timedelta(days=gap1),
                        "activist_date": activist,
                    }
            else:
                lo = earliest + timedelta(days=gap1 + gap2)
                if member_type == "probationary":
                    lo, hi = max(lo, today - timedelta(days=360)), today - timedelta(days=7)
                else:
                    hi = today - timedelta(days=366)
                    if window and max(lo, window[0]) <= min(hi, window[1]):
                        lo, hi = max(lo, window[0]), min(hi, window[1])
                if lo <= hi:
                    admission = self.between(lo, hi)
                    activist = admission - timedelta(days=gap2)
                    dates = {
                        "application_date": activist - timedelta(days=gap1),
                        "activist_date": activist,
                        "admission_date": admission,
                    }
                    if member_type == "full":
                        dates["full_membership_date"] = _add_years(admission, 1)
                    return dates
        return None

    # -- people ------------------------------------------------------------------------------
    def person(self, branch: _Branch, member_type: str, role: str) -> Person:
        """One person of ``branch``; ``role`` is undergrad / grad / teacher / counsellor / staff."""
        rng = self.rng
        college = branch.college
        male_share = 0.62 if college and college[1] in (1, 2) else 0.45
        gender = "male" if rng.random() < male_share else "female"
        ethnicity, region, native_place = self.origin()
        extra: dict = {}
        if role in ("undergrad", "grad"):
            college_name, code, majors, _, _ = college
            major = rng.choice(majors)
            track, ages = (1, (18, 18))
            if role == "grad":
                track, ages = (8, (24, 27)) if rng.random() < 0.2 else (5, (21, 24))
            back = {
                "applicant": (0, 1),
                "activist": (0, 2),
                "candidate": (1, 2),
                "probationary": (2, 3),
                "full": (3, 3),
            }[member_type]
            if track != 1:
                back = (min(back[0], 2), min(back[1], 2))
            enrolled = self.academic_year - rng.randint(*back)
            for _ in range(6):
                year = min(2007, max(1998, enrolled - rng.randint(*ages) - (rng.random() < 0.2)))
                born = self.birthday(year)
                # Undergraduates join after enrolling; postgraduates may have joined
                # during their first degree.
                start = date(enrolled - (0 if track == 1 else 4), 9, 20)
                dates = self.timeline(member_type, max(_add_years(born, 18), start))
                if dates:
                    break
                enrolled -= 1
            else:  # pragma: no cover - the windows above always leave room
                raise RuntimeError("no room for a demo timeline")
            self.student_seq[(enrolled, code, track)] += rng.randint(1, 9)
            staff_no = f"{enrolled}{code:02d}{track}{self.student_seq[(enrolled, code, track)]:03d}"
            category = "student"
            if track == 1:
                unit = f"{college_name}{major}{enrolled % 100:02d}{rng.randint(1, 4):02d}班"
                education, degree = "本科在读", None
            elif track == 5:
                unit = f"{college_name}{major}专业硕士研究生"
                education, degree = "硕士研究生在读", "学士"
            else:
                unit = f"{college_name}{major}专业博士研究生"
                education, degree = "博士研究生在读", "硕士"
        else:
            if role == "teacher":
                born = self.birthday(rng.randint(1965, 1993))
                unit = f"{college[0]}{rng.choice(college[3])}"
                education, degree = rng.choice(
                    [("博士研究生", "博士")] * 3 + [("硕士研究生", "硕士")]
                )
            elif role == "counsellor":
                born = self.birthday(rng.randint(1985, 1995))
                unit = f"{college[0]}学生工作办公室"
                education, degree = "硕士研究生", "硕士"
            else:
                born = self.birthday(rng.randint(1965, 1995))
                unit = rng.choice(branch.units)
                education, degree = rng.choice(
                    [("硕士研究生", "硕士")] * 3 + [("大学本科", "学士")] * 2
                )
            category = "staff" if role == "staff" else "teacher"
            if role == "staff":
                self.staff_seq += rng.randint(1, 7)
                staff_no = f"S{self.staff_seq}"
            else:
                self.teacher_seq += rng.randint(1, 7)
                staff_no = f"T{self.teacher_seq}"
            # Most staff joined the party young, at university or in their first posts.
            window = (_add_years(born, 20), _add_years(born, 32))
            dates = self.timeline(member_type, _add_years(born, 18), window)
        id_number = self.id_number(region, born, gender)
        phone = self.phone()
        self.staff_nos.add(staff_no)
        if member_type == "full" and rng.random() < 0.08:
            year = min(self.today.year - 1, dates["full_membership_date"].year + rng.randint(0, 3))
            extra["rewards_punishments"] = rng.choice(HONOURS).format(y=year)
        person = Person(
            staff_no=staff_no,
            name=self.name(gender),
            gender=gender,
            ethnicity=ethnicity,
            birth_date=born,
            native_place=native_place,
            education=education,
            degree=degree,
            unit=unit,
            category=category,
            member_type=member_type,
            status="normal",
            org_id=branch.org.id,
            **dates,
            **extra,
        )
        person.seal_id_number(id_number, self.cipher)
        person.seal_phone(phone, self.cipher)
        branch.people.append(person)
        self.people.append(person)
        return person

    def post(self, person: Person, org: Org, post: str) -> None:
        since = self.today - timedelta(days=self.rng.randint(60, 1400))
        earliest = person.full_membership_date or person.admission_date or since
        self.posts.append(
            PartyPost(person=person, org_id=org.id, post=post, since=max(since, earliest))
        )

    def staff_role(self, kind: str) -> str:
        return "staff" if kind == "office" else "teacher"

    def fill_branch(self, branch: _Branch) -> None:
        rng, kind = self.rng, branch.kind
        rank_and_file = {
            "undergrad": "undergrad",
            "grad": "grad",
            "faculty": "teacher",
            "office": "staff",
        }
        student_kind = kind in ("undergrad", "grad", "mixed")
        # The leading body: 书记, 组织委员, 宣传委员 and in some branches a 纪检委员.
        secretary_role = "counsellor" if student_kind else self.staff_role(kind)
        member_role = rank_and_file.get(kind, "grad")
        secretary = self.person(branch, "full", secretary_role)
        self.post(secretary, branch.org, "secretary")
        leading = ["organization", "propaganda"]
        if rng.random() < 0.45:
            leading.append("discipline")
        for post in leading:
            self.post(self.person(branch, "full", member_role), branch.org, post)
        size = rng.randint(*BRANCH_SIZES[kind]) - 1 - len(leading)
        mix = TYPE_MIX[kind]
        for member_type in rng.choices(list(mix), list(mix.values()), k=size):
            role = member_role
            if kind == "mixed":
                role = "undergrad" if rng.random() < 0.6 else "grad"
            elif kind == "faculty" and rng.random() < 0.15:
                role = "counsellor"
            self.person(branch, member_type, role)
        # A few members are away (流动党员) – never the leaders.
        for person in branch.people[1 + len(leading) :]:
            if person.member_type == "full" and rng.random() < 0.02:
                person.status = "mobile"
        # Introducers (two full members of the branch) for everyone past the activist stage
        # who joined recently.
        full_names = [p.name for p in branch.people if p.member_type == "full"]
        recent = self.today - timedelta(days=6 * 365)
        for person in branch.people:
            if person.member_type == "candidate" or (
                person.admission_date and person.admission_date >= recent
            ):
                others = [n for n in full_names if n != person.name]
                if len(others) >= 2:
                    person.introducers = "、".join(rng.sample(others, 2))
        # Party groups: full and probationary members, each group led by a full member.
        members = [
            p
            for p in branch.people
            if p.member_type in ("full", "probationary") and p is not secretary
        ]
        rng.shuffle(members)
        full_members = [p for p in members if p.member_type == "full"]
        groups = branch.groups[: max(1, min(len(branch.groups), len(full_members)))]
        for i, person in enumerate(full_members[: len(groups)]):
            person.group_id = groups[i].id
            self.post(person, groups[i], "group_leader")
        for i, person in enumerate(p for p in members if p.group_id is None):
            if rng.random() < 0.85:
                person.group_id = groups[i % len(groups)].id

    # -- the whole university ----------------------------------------------------------------
    def build(self) -> None:
        rng = self.rng
        committee = Org(name=COMMITTEE_NAME, short_name="校党委", type="committee", depth=0)
        db.session.add(committee)
        db.session.flush()
        committee.path = f"/{committee.id}/"

        generals: list[tuple[Org, tuple]] = []
        branches: list[_Branch] = []
        level: list[tuple[Org, Org]] = []  # (child, parent) awaiting a path
        for order, college in enumerate(COLLEGES, 1):
            general = Org(
                name=f"{college[0]}党总支",
                short_name=college[0],
                type="general_branch",
                parent_id=committee.id,
                depth=1,
                sort_order=order,
            )
            generals.append((general, college))
            level.append((general, committee))
        for order, (name, units) in enumerate(OFFICE_BRANCHES, len(COLLEGES) + 1):
            org = Org(name=name, type="branch", parent_id=committee.id, depth=1, sort_order=order)
            branches.append(_Branch(org, "office", None, units))
            level.append((org, committee))
        db.session.add_all(org for org, _ in level)
        db.session.flush()
        for org, parent in level:
            org.path = f"{parent.path}{org.id}/"

        level = []
        for general, college in generals:
            for order, (name, kind) in enumerate(college[4], 1):
                org = Org(name=name, type="branch", parent_id=general.id, depth=2, sort_order=order)
                branches.append(_Branch(org, kind, college))
                level.append((org, general))
        db.session.add_all(org for org, _ in level)
        db.session.flush()
        for org, parent in level:
            org.path = f"{parent.path}{org.id}/"

        level = []
        for branch in branches:
            for order, name in enumerate(GROUP_NAMES[: rng.randint(1, 3)], 1):
                group = Org(
                    name=name,
                    type="group",
                    parent_id=branch.org.id,
                    depth=branch.org.depth + 1,
                    sort_order=order,
                )
                branch.groups.append(group)
                level.append((group, branch.org))
        db.session.add_all(org for org, _ in level)
        db.session.flush()
        for org, parent in level:
            org.path = f"{parent.path}{org.id}/"

        for branch in branches:
            self.fill_branch(branch)

        # General branches: a secretary (the college's party secretary, in its 教工党支部)
        # and the branch secretaries as 委员.
        for general, _college in generals:
            own = [b for b in branches if b.org.parent_id == general.id]
            faculty = next(b for b in own if b.kind == "faculty")
            self.post(self.person(faculty, "full", "teacher"), general, "secretary")
            for branch in own:
                self.post(branch.people[0], general, "committee_member")
        # The committee: 书记, 副书记 and 委员 (the general-branch secretaries, a 纪委书记).
        office_one, office_two = branches[0], branches[1]
        self.post(self.person(office_one, "full", "staff"), committee, "secretary")
        self.post(self.person(office_one, "full", "staff"), committee, "deputy_secretary")
        for post in self.posts[:]:
            if post.post == "secretary" and post.org_id in {g.id for g, _ in generals}:
                self.post(post.person, committee, "committee_member")
        inspector = self.person(office_two, "full", "staff")
        self.post(inspector, committee, "committee_member")
        self.post(inspector, committee, "discipline")

        db.session.add_all(self.people)
        db.session.add_all(self.posts)

        # Console accounts: one argon2 hash (slow by design) shared by every demo account.
        password_hash = hash_password(DEMO_PASSWORD)
        taken = set(db.session.execute(db.select(Account.username)).scalars())
        for username, display_name, role, on_committee in STAFF_ACCOUNTS:
            if username in taken:
                continue
            account = Account(
                username=username, display_name=display_name, password_hash=password_hash
            )
            account.grants.append(
                RoleGrant(role=role, org_id=committee.id if on_committee else None)
            )
            db.session.add(account)
        cs_undergrad = next(b for b in branches if b.kind == "undergrad")
        for branch in (cs_undergrad, office_one):
            secretary = branch.people[0]
            if secretary.staff_no not in taken:
                db.session.add(
                    Account(
                        username=secretary.staff_no,
                        display_name=secretary.name,
                        password_hash=password_hash,
                        person=secretary,
                    )
                )

        # WeChat sandbox logins (``dev:<openid>``): an ordinary full member and a secretary.
        with_posts = {id(post.person) for post in self.posts}
        member = next(
            p
            for p in cs_undergrad.people
            if p.member_type == "full" and p.status == "normal" and id(p) not in with_posts
        )
        bound = set(db.session.execute(db.select(WechatBinding.openid)).scalars())
        secretary = cs_undergrad.people[0]
        for person, openid in ((member, MEMBER_OPENID), (secretary, SECRETARY_OPENID)):
            if openid not in bound:
                # The unionid a sandbox login reports, so the official-account follower below
                # links to the same member.
                db.session.add(
                    WechatBinding(
                        person=person,
                        openid=openid,
                        unionid=f"sandbox-{openid}",
                        bound_via="invite",
                    )
                )
                db.session.add(
                    OaFollower(
                        openid=f"oa-{openid}",
                        unionid=f"sandbox-{openid}",
                        subscribed=True,
                        subscribed_at=utcnow(),
                    )
                )
        db.session.commit()
        self._welcome_notice(cs_undergrad.org, secretary)
        self._meetings(cs_undergrad.org, secretary, member)
        self._development(cs_undergrad, secretary)
        from .notify.services import local_today
        from .study.demo import seed as seed_study

        seed_study(committee, cs_undergrad.org, member, local_today())
        from .feedback.demo import seed as seed_feedback

        neighbour = next(p for p in cs_undergrad.people if p is not member and p is not secretary)
        self.receipt = seed_feedback(member, neighbour, _Sender(secretary))
        from .announcements.demo import seed as seed_announcements

        seed_announcements(cs_undergrad.org, _Sender(secretary))

    def _meetings(self, branch: Org, secretary: Person, member: Person) -> None:
        """Meetings of the demo branch, made through the meeting services: one whose check-in
        is open (for the projector page), a 党课 next week with a pending leave request."""
        from .audit.services import flush_pending
        from .meetings import leave
        from .meetings import services as meetings

        sender = _Sender(secretary)
        start = (utcnow() + timedelta(minutes=20)).replace(second=0, microsecond=0)
        now_meeting = meetings.create(
            {
                "org_id": branch.id,
                "type": "branch_assembly",
                "title": "支部党员大会：学习贯彻全会精神",
                "place": "图书馆 301 会议室",
                "start_at": start,
                "end_at": start + timedelta(minutes=90),
                "chair_id": secretary.id,
                "description": "1. 传达学习会议精神；2. 讨论本支部下一步工作安排。",
            },
            sender,
        )
        meetings.publish(now_meeting, sender)
        lecture_start = start.replace(hour=11, minute=0) + timedelta(days=7)
        lecture = meetings.create(
            {
                "org_id": branch.id,
                "type": "party_lecture",
                "title": "专题党课：党的历史与优良传统",
                "place": "信息楼报告厅",
                "start_at": lecture_start,
                "end_at": lecture_start + timedelta(hours=2),
                "sign_out": True,
            },
            sender,
        )
        meetings.publish(lecture, sender)
        leave.ask(lecture, member.id, "当天参加学科竞赛决赛，无法到会")
        flush_pending()
        db.session.commit()

    def _development(self, branch, secretary: Person) -> None:
        """Development records of three people of the demo branch, made through the services:
        an applicant whose 确定入党积极分子 waits for the branch committee (the secretary's
        to-do), an activist under assessment, and a development target whose 支部委员会审查
        waits. The dates follow the rules, ending about ten days ago."""
        from .audit.services import flush_pending
        from .development import services as development
        from .errors import ApiError

        sender = _Sender(secretary)
        full = [p for p in branch.people if p.member_type == "full" and p is not secretary]
        facts = {
            2: {"people": {"talkers": [secretary.id]}},
            5: {"people": {"contacts": [full[0].id]}},
            9: {"people": {"introducers": [full[0].id, full[1].id]}},
            10: {"review_passed": True},
            11: {"training": {"days": 3, "hours": 24}},
        }
        # (last step done, step waiting for a decision): an applicant, an activist, a target.
        plans = [(2, 3), (6, None), (11, 12)]
        end = self.today - timedelta(days=10)
        pool = [p for p in branch.people if p.member_type in ("applicant", "activist", "candidate")]
        for last, waiting in plans:
            while pool:
                person = pool.pop(0)
                shift = end - timedelta(days=DEMO_STEP_DAYS[last])
                on = {n: shift + timedelta(days=d) for n, d in DEMO_STEP_DAYS.items()}
                try:
                    with db.session.begin_nested():
                        record = development.start(
                            {
                                "person_id": person.id,
                                "applied_on": on[1],
                                "key": f"demo-{person.id}-1",
                            },
                            sender,
                        )
                        for step in range(2, last + 1):
                            self._demo_step(development, record, step, on[step], facts, sender)
                        if waiting:
                            development.submit(
                                record,
                                {"step": waiting, "done_on": end + timedelta(days=5),
                                 "key": f"demo-{person.id}-{waiting}"},
                                sender,
                            )  # fmt: skip
                except ApiError:
                    continue  # too young for this timeline: the next person
                break
        flush_pending()
        db.session.commit()

    @staticmethod
    def _demo_step(development, record, step, day, facts, sender) -> None:
        body = {"step": step, "done_on": day, "key": f"demo-{record.person_id}-{step}"}
        entry = development.submit(record, {**body, **facts.get(step, {})}, sender)
        if entry.state == "pending":
            development.decide(entry.id, True, {"comment": "同意"}, sender)

    def _welcome_notice(self, branch: Org, secretary: Person) -> None:
        """One branch notice, so the inbox, the delivery report and the sandbox outbox have
        something to show (the worker or its sweeper sends it)."""
        from .notify.services import notify, recipients_of_org

        notify(
            "branch_notice",
            recipients_of_org(branch.path),
            {
                "title": "欢迎使用智慧党建",
                "content": "支部通知、会议提醒和学习任务会出现在这里，也会通过微信提醒你。",
                "org_name": branch.name,
                "sent_at": utcnow(),
            },
            org_id=branch.id,
            sender=_Sender(secretary),
        )
        db.session.commit()


# Days from the application to each step of a demo record (a timeline within the rules).
DEMO_STEP_DAYS = {1: 0, 2: 14, 3: 184, 4: 193, 5: 193, 6: 366, 7: 551, 8: 559, 9: 559, 10: 580,
                  11: 589, 12: 599}  # fmt: skip


class _Sender:
    """The demo's acting secretary, shaped like a Principal for the services it calls."""

    def __init__(self, person: Person):
        self.person = person
        self.person_id = person.id
        self.account = None
        self.label = f"{person.name}({person.staff_no})"

    def covers(self, path: str | None, *roles: str) -> bool:
        return path is not None and path.startswith(self.person.org.path)


def _branch_label(org: Org) -> str:
    if org.parent is not None and org.parent.type == "general_branch":
        return f"{org.parent.short_name or org.parent.name} {org.name}"
    return org.name


def _summary(committee: Org) -> list[str]:
    orgs = dict(
        db.session.execute(
            db.select(Org.type, db.func.count())
            .where(Org.path.startswith(committee.path))
            .group_by(Org.type)
        ).all()
    )
    people = dict(
        db.session.execute(
            db.select(Person.member_type, db.func.count())
            .join(Org, Person.org_id == Org.id)
            .where(Org.path.startswith(committee.path))
            .group_by(Person.member_type)
        ).all()
    )
    lines = [
        f"演示数据 Demo data: {committee.name}",
        "组织 Orgs: "
        + ", ".join(f"{label} {kind} {orgs.get(kind, 0)}" for kind, label in ORG_TYPES.items()),
        f"人员 People: {sum(people.values())} — "
        + ", ".join(
            f"{label} {kind} {people.get(kind, 0)}" for kind, label in MEMBER_TYPES.items()
        ),
        f"控制台账号 Console accounts (密码 password: {DEMO_PASSWORD}), POST /api/v1/auth/login:",
    ]
    for username, _display, role, on_committee in STAFF_ACCOUNTS:
        scope = f" @ {committee.name}" if on_committee else ""
        lines.append(f"  {username:<12} {ROLE_LABELS[role]}{scope}")
    secretaries = db.session.execute(
        db.select(Account, PartyPost)
        .join(PartyPost, PartyPost.person_id == Account.person_id)
        .join(Org, PartyPost.org_id == Org.id)
        .where(PartyPost.post == "secretary", Org.type == "branch")
        .where(Org.path.startswith(committee.path))
        .order_by(Account.id)
    ).all()
    for account, post in secretaries:
        lines.append(
            f"  {account.username:<12} {account.display_name}，书记 branch secretary "
            f"({_branch_label(post.org)})"
        )
    bindings = db.session.execute(
        db.select(WechatBinding)
        .where(WechatBinding.openid.in_([MEMBER_OPENID, SECRETARY_OPENID]))
        .order_by(WechatBinding.openid)
    ).scalars()
    for binding in bindings:
        person = binding.person
        lines.append(
            f"小程序沙箱登录 Mini-program sandbox login: code dev:{binding.openid} → "
            f"{person.name} ({_branch_label(person.org)}); "
            f"公众号关注者 official-account follower oa-{binding.openid}"
        )
    from .meetings.models import Meeting

    base = current_app.config["APP"]["public_base_url"].rstrip("/")
    for meeting in db.session.execute(
        db.select(Meeting)
        .join(Org, Meeting.org_id == Org.id)
        .where(Org.path.startswith(committee.path), Meeting.status == "published")
        .order_by(Meeting.start_at)
    ).scalars():
        lines.append(
            f"会议 Meeting #{meeting.id} {meeting.title}: 投屏签到 projector "
            f"{base}/screen/meetings/{meeting.id} (书记账号登录 log in as its branch secretary)"
        )
    from .development.models import DevelopmentEntry, DevelopmentRecord

    records = db.session.scalar(db.select(db.func.count()).select_from(DevelopmentRecord))
    waiting = db.session.scalar(
        db.select(db.func.count())
        .select_from(DevelopmentEntry)
        .where(DevelopmentEntry.state == "pending")
    )
    lines.append(
        f"发展党员 Development: {records} records, {waiting} waiting for the branch committee — "
        "GET /api/v1/development/todo as its secretary (dev:demo-secretary)"
    )
    from .study.models import ReadingSession

    sessions = db.session.scalar(db.select(db.func.count()).select_from(ReadingSession))
    lines.append(
        f"学习 Study: {sessions} reading sessions over the last 8 weeks, rolled up — "
        "GET /api/v1/study/analytics/overview as office or a secretary"
    )
    from .feedback.models import FeedbackCase

    cases = db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase))
    lines.append(
        f"反映 Feedback: {cases} cases (suggestion replied, help waiting, anonymous report) — "
        "GET /api/v1/feedback/cases as the branch secretary (dev:demo-secretary)"
    )
    from .announcements.models import Announcement

    public = db.session.scalar(
        db.select(db.func.count())
        .select_from(Announcement)
        .where(Announcement.audience == "public")
    )
    lines.append(
        f"党务公开 Disclosure portal (no login): {public} public announcement(s) at /portal/, "
        "RSS at /portal/rss.xml"
    )
    lines.append(
        "沙箱发件箱 Sandbox outbox (WeChat pushes are kept, not sent): "
        "GET /api/v1/wechat/outbox as admin/office, or `flask --app server wechat outbox`"
    )
    return lines


def load_demo() -> list[str]:
    """Build the demo university (once) and return the summary lines to print."""
    committee = db.session.execute(
        db.select(Org).where(Org.name == COMMITTEE_NAME, Org.parent_id.is_(None))
    ).scalar_one_or_none()
    receipt = None
    if committee is None:
        builder = _Builder()
        builder.build()
        receipt = builder.receipt
        committee = db.session.execute(
            db.select(Org).where(Org.name == COMMITTEE_NAME, Org.parent_id.is_(None))
        ).scalar_one()
    lines = _summary(committee)
    if receipt:  # shown once, like to its author: only its digest is stored
        lines.append(
            f"匿名举报 Anonymous report: receipt {receipt} — POST /api/v1/feedback/lookup; "
            "handled by the discipline inspectors above the branch (jiwei)"
        )
    return lines
