// Bodies of the study API (docs/study.md) for the study page tests, named after their paths.
// Not a test file: required by tests/pages/study-*.test.js.

// An item of GET /study/materials.
function materialItem(id, overrides = {}) {
  return Object.assign(
    {
      id,
      org_id: 1,
      org_name: '某某大学党委',
      kind: 'article',
      title: `学习材料 ${id}`,
      summary: '摘要',
      category: 'theory',
      category_label: '理论学习',
      tags: [],
      min_dwell_seconds: 120,
      status: 'published',
      published_at: '2026-11-20T02:00:00+00:00',
    },
    overrides
  )
}

// A page of GET /study/materials: { items, meta }; options as routePages gives them.
function materials(items, { page = 1, perPage = 20, total = items.length, pages = 1 } = {}) {
  return { status: 200, body: { items, meta: { page, per_page: perPage, total, pages } } }
}

// GET /study/punch-ins/me.
function punchIns(punchedToday, streak, items = []) {
  return { status: 200, body: { today: '2026-11-24', punched_today: punchedToday, streak, items } }
}

// An item of GET /study/punch-ins/me: a reflection published, as the content check passes most.
function punchInItem(id, day, streak, reflection = null, createdAt = `${day}T00:05:00+00:00`) {
  return { id, day, streak, reflection, reflection_status: reflection ? 'published' : null, created_at: createdAt }
}

// POST /study/punch-ins: 201 (made now: 2 points) or 200 (today's, made before); a reflection
// published unless `overrides` say otherwise.
function punchInReply(status, overrides = {}) {
  const created = status === 201
  return {
    status,
    body: Object.assign(
      {
        id: 88,
        day: '2026-11-24',
        streak: 4,
        reflection: null,
        reflection_status: overrides.reflection ? 'published' : null,
        created_at: '2026-11-24T12:30:00+00:00',
        created,
        points_awarded: created ? 2 : 0,
      },
      overrides
    ),
  }
}

// GET /study/points/me.
function myPoints({ total = 57, today = 4, rank = { rank: 3, of: 20 }, items = [], meta = {} } = {}) {
  return {
    status: 200,
    body: {
      total,
      today,
      by_action: [
        { action: 'reading', label: '阅读学习', points: 31 },
        { action: 'punch_in', label: '学习打卡', points: 26 },
        { action: 'quiz', label: '每日答题', points: 0 },
      ],
      rank,
      history: { items, meta: Object.assign({ page: 1, per_page: 20, total: items.length, pages: 1 }, meta) },
    },
  }
}

function pointsEntry(id, action = 'punch_in', points = 2, createdAt = '2026-11-24T00:05:00+00:00') {
  const labels = { punch_in: '学习打卡', reading: '阅读学习', quiz: '每日答题' }
  return { id, action, label: labels[action], points, day: '2026-11-24', created_at: createdAt }
}

// A plan of GET /study/plans/mine.
function plan(id, overrides = {}) {
  return Object.assign(
    {
      id,
      org_id: 3,
      org_name: '本科生第一党支部',
      title: `学习计划 ${id}`,
      description: null,
      deadline: '2026-11-30',
      status: 'published',
      items: [
        { material_id: 31, title: '中国共产党章程', kind: 'article', min_dwell_seconds: 120, seconds: 130, studied: true },
        { material_id: 32, title: '党史微课', kind: 'video', min_dwell_seconds: 300, seconds: 0, studied: false },
      ],
      studied: 1,
      total: 2,
      complete: false,
      overdue: false,
    },
    overrides
  )
}

function plans(items) {
  return { status: 200, body: { items } }
}

// GET /study/rankings/branches.
function ranking(period = 'month', items = null, since = '2026-10-26') {
  return {
    status: 200,
    body: {
      period,
      since: period === 'all' ? null : since,
      items: items || [
        { rank: 1, org_id: 4, org_name: '研究生党支部', members: 12, points: 60, per_member: 5 },
        { rank: 2, org_id: 3, org_name: '本科生第一党支部', members: 20, points: 90, per_member: 4.5 },
        { rank: 3, org_id: 5, org_name: '教工党支部', members: 8, points: 8, per_member: 1 },
      ],
    },
  }
}

// Today's questions of GET /study/quiz/today, in the quiz's order, and what the server keeps of
// each until the quiz is submitted (the right option indexes and the explanation).
const QUIZ_QUESTIONS = [
  { id: 11, kind: 'single', stem: '中国共产党的最高理想和最终目标是什么？', options: ['实现共产主义', '全面建成小康社会', '实现现代化', '共同富裕'] },
  { id: 12, kind: 'multiple', stem: '党的纪律包括哪些？', options: ['政治纪律', '组织纪律', '廉洁纪律', '着装纪律'] },
  { id: 13, kind: 'judge', stem: '预备党员的预备期为一年。', options: ['正确', '错误'] },
]
const QUIZ_KEYS = {
  11: { answer: [0], explanation: '见党章总纲。' },
  12: { answer: [0, 1, 2], explanation: '党的纪律主要包括政治纪律、组织纪律、廉洁纪律等。' },
  13: { answer: [0], explanation: null },
}

// GET (or POST) /study/quiz/today. Submitted: `chosen` maps question id → the indexes the member
// chose, and the body is scored as the server scores it.
function quiz({ submitted = false, chosen = {}, pointsAwarded = null, questions = QUIZ_QUESTIONS, id = 301 } = {}) {
  const scored = questions.map((question) => {
    if (!submitted) return Object.assign({}, question)
    const key = QUIZ_KEYS[question.id]
    const mine = chosen[question.id] || []
    return Object.assign({}, question, {
      answer: key.answer,
      explanation: key.explanation,
      chosen: mine,
      right: JSON.stringify(mine) === JSON.stringify(key.answer),
    })
  })
  return {
    status: 200,
    body: {
      id,
      day: '2026-11-24',
      submitted,
      correct: submitted ? scored.filter((question) => question.right).length : null,
      total: questions.length,
      points_awarded: pointsAwarded,
      questions: scored,
    },
  }
}

// Days of GET /study/trace/me, newest first: only the days with something studied.
const TRACE_DAYS = [
  {
    day: '2026-11-24',
    reading: [
      { material_id: 31, title: '中国共产党章程', seconds: 320.5 },
      { material_id: 32, title: '党史微课', seconds: 600 },
    ],
    punch_in: { streak: 4, reflection: '学习了党章第二章', photo_url: '/api/v1/study/punch-ins/5/photo' },
    quiz: { correct: 3, total: 3 },
  },
  { day: '2026-11-22', reading: [], punch_in: { streak: 2, reflection: null, photo_url: null }, quiz: null },
  { day: '2026-11-20', reading: [{ material_id: 33, title: '关于加强基层党建的意见', seconds: 45 }], punch_in: null, quiz: { correct: 1, total: 3 } },
]

// GET /study/trace/me (or /trace/people/{id}, of `person`) over since–until (by default the
// server's: the last 30 days).
function trace({ since = '2026-10-26', until = '2026-11-24', days = TRACE_DAYS, person = { id: 7, name: '张三', org_name: '本科生第一党支部' } } = {}) {
  const seconds = days.reduce((sum, day) => sum + day.reading.reduce((total, item) => total + item.seconds, 0), 0)
  return {
    status: 200,
    body: {
      person,
      since,
      until,
      reading_seconds: seconds,
      days_studied: days.length,
      days,
    },
  }
}

// The figures of the overview's totals, weeks and orgs (GET /study/analytics/overview).
function figures(overrides = {}) {
  return Object.assign(
    {
      member_weeks: 240,
      active: 150,
      active_rate: 0.625,
      active_days: 480,
      reading_minutes: 3620.4,
      minutes_per_member_week: 15.1,
      materials_studied: 96,
      punch_ins: 310,
      quizzes: 200,
      quiz_accuracy: 0.812,
      points: 1280,
    },
    overrides
  )
}

// GET /study/analytics/overview of `org` (by default the committee the caller manages, with nothing
// above it the caller manages: `parent` null), with two orgs below it — one with orgs below it
// too, one without — and its own members (本级直属) first, three weeks and two plans.
function overview({ org = { id: 1, name: '某某大学党委', type: 'committee' }, parent = null, orgs = null, plans = null, weeks = null, refreshedAt = '2026-11-24T12:20:00Z' } = {}) {
  return {
    status: 200,
    body: {
      org,
      parent,
      refreshed_at: refreshedAt,
      since: '2026-09-07',
      until: '2026-11-24',
      members: 20,
      today: { day: '2026-11-24', active: 6, reading_minutes: 95.5, punch_ins: 5, quizzes: 4 },
      totals: figures(),
      weeks: weeks || [
        Object.assign(figures({ active_rate: 0.5, reading_minutes: 300 }), { week_start: '2026-11-09' }),
        Object.assign(figures({ active_rate: null, reading_minutes: 0 }), { week_start: '2026-11-16' }),
        Object.assign(figures({ active_rate: 0.75, reading_minutes: 212.4 }), { week_start: '2026-11-23' }),
      ],
      orgs: orgs || [
        Object.assign(figures({ active_rate: 1, minutes_per_member_week: 30 }), { org_id: org.id, org_name: org.name, direct: true, has_children: false, members_now: 2 }),
        Object.assign(figures({ active_rate: 0.4, minutes_per_member_week: 12.25 }), { org_id: 2, org_name: '计算机学院党总支', direct: false, has_children: true, members_now: 12 }),
        Object.assign(figures({ active_rate: null, minutes_per_member_week: 0 }), { org_id: 5, org_name: '机关党支部', direct: false, has_children: false, members_now: 0 }),
      ],
      plans: plans || [
        { id: 8, title: '十一月学习计划', org_name: '某某大学党委', deadline: '2026-11-30', overdue: false, people: 20, complete: 12, rate: 0.6 },
        { id: 6, title: '十月学习计划', org_name: '某某大学党委', deadline: '2026-11-20', overdue: true, people: 20, complete: 19, rate: 0.95 },
      ],
    },
  }
}

// An item of GET /study/analytics/people.
function personFigures(personId, overrides = {}) {
  return Object.assign(
    {
      person_id: personId,
      name: `党员 ${personId}`,
      org_name: '本科生第一党支部',
      reading_minutes: 35.5,
      days_studied: 6,
      punch_ins: 4,
      quizzes: 2,
      quiz_accuracy: 0.9,
      materials_studied: 3,
      points: 21,
      last_studied: '2026-11-23',
    },
    overrides
  )
}

// A page of GET /study/analytics/people; options as routePages gives them.
function people(items, { page = 1, perPage = 20, total = items.length, pages = 1 } = {}, org = { id: 1, name: '某某大学党委', type: 'committee' }) {
  return { status: 200, body: { org, since: '2026-10-26', until: '2026-11-24', items, meta: { page, per_page: perPage, total, pages } } }
}

module.exports = {
  figures,
  overview,
  personFigures,
  people,
  materialItem,
  materials,
  punchIns,
  punchInItem,
  punchInReply,
  myPoints,
  pointsEntry,
  plan,
  plans,
  ranking,
  QUIZ_QUESTIONS,
  quiz,
  TRACE_DAYS,
  trace,
}
