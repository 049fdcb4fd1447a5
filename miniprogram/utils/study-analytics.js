// 支部学习统计 (pages/study/branch): pure functions over GET /study/analytics/overview and
// /analytics/people (services/study.js) — the choices of the page (weeks, the
// people's period and sort), and the figures as the page shows them: rates as percentages ("—"
// when the server has none), minutes, the weekly trend as bars, the orgs below, the plans and the
// people — and the trail of orgs above the one shown, as far as the server says the caller may go
// up. Who may see them is utils/roles.js canManage.
//
// Dates are the server's Beijing dates ('YYYY-MM-DD'); refreshed_at is an ISO UTC time shown in
// Beijing time (utils/time.js).

var time = require('./time')
var studyTrace = require('./study-trace')

// The overview's spans, in weeks back from this one (the server takes 1–53; default 12).
var WEEK_OPTIONS = [
  { value: 4, label: '近4周' },
  { value: 12, label: '近12周' },
  { value: 26, label: '近26周' },
]
var DEFAULT_WEEKS = 12

// The people's periods, counting back from today as the trace's do (utils/study-trace.js).
var PEOPLE_PERIODS = [
  { value: '7', label: '近7天' },
  { value: '30', label: '近30天' },
]
// The server's default too.
var DEFAULT_PEOPLE_PERIOD = '30'

// The sorts of GET /analytics/people (services/study.js PEOPLE_SORTS).
var SORTS = [
  { value: 'minutes', label: '学习时长' },
  { value: 'days', label: '学习天数' },
  { value: 'points', label: '积分' },
  { value: 'least', label: '最不活跃' },
]
var DEFAULT_SORT = 'minutes'

var NONE = '—'

function isWeeks(value) {
  return WEEK_OPTIONS.some(function (option) {
    return option.value === value
  })
}

function isSort(value) {
  return SORTS.some(function (sort) {
    return sort.value === value
  })
}

// { since, until } of a period of PEOPLE_PERIODS ending `todayText`; null for one that is not.
function peopleRange(value, todayText) {
  var known = PEOPLE_PERIODS.some(function (period) {
    return period.value === String(value)
  })
  return known ? studyTrace.periodRange(value, todayText) : null
}

function isNumber(value) {
  return typeof value === 'number' && !isNaN(value)
}

// A share (0–1, or null) → its percentage, to one decimal at most: 0.625 → 62.5; null → null.
function percent(rate) {
  if (!isNumber(rate)) return null
  return Math.round(rate * 1000) / 10
}

// "62.5%"; "—" when the server has no rate (no members, no question answered).
function rateText(rate) {
  var value = percent(rate)
  return value === null ? NONE : value + '%'
}

// The width of a bar of `rate`, in percent of its track: 0–100, 0 without a rate.
function barWidth(rate) {
  var value = percent(rate)
  return value === null ? 0 : Math.max(0, Math.min(100, value))
}

// A number to one decimal at most, without a trailing zero: 12.0 → "12", 12.25 → "12.3".
function decimalText(value) {
  var number = Number(value) || 0
  return String(Math.round(number * 10) / 10)
}

// Whole minutes, to the nearest, for totals: 1234.6 → "1235".
function minutesText(value) {
  return String(Math.round(Math.max(0, Number(value) || 0)))
}

// "数据更新于 20:40" (Beijing) of a rollup made today, "数据更新于 11月23日 20:40" of an earlier one;
// the server has none before its first rollup.
function refreshedText(refreshedAt, now) {
  var ms = time.parseIso(refreshedAt)
  if (isNaN(ms)) return '数据尚未统计'
  if (time.beijingDate(ms) === time.today(now)) return '数据更新于 ' + time.beijingClock(ms)
  return '数据更新于 ' + time.formatBeijing(ms, now)
}

// The figures the server gives for the totals, each week and each org.
function viewFigures(figures) {
  figures = figures || {}
  return {
    activeRateText: rateText(figures.active_rate),
    activeWidth: barWidth(figures.active_rate),
    active: Number(figures.active) || 0,
    memberWeeks: Number(figures.member_weeks) || 0,
    activeDays: Number(figures.active_days) || 0,
    readingMinutesText: minutesText(figures.reading_minutes),
    minutesPerMemberWeekText: decimalText(figures.minutes_per_member_week),
    materialsStudied: Number(figures.materials_studied) || 0,
    punchIns: Number(figures.punch_ins) || 0,
    quizzes: Number(figures.quizzes) || 0,
    quizAccuracyText: rateText(figures.quiz_accuracy),
    points: Number(figures.points) || 0,
  }
}

// A week of the trend: "11月17日" (its Monday; 本周 for this one), its bar and minutes.
function viewWeek(week, todayText) {
  var current = time.addDays(week.week_start, 7) > todayText && week.week_start <= todayText
  return Object.assign(viewFigures(week), {
    weekStart: week.week_start || '',
    label: current ? '本周' : time.dayText(week.week_start, todayText),
    current: current,
  })
}

// A row of `orgs`: an org directly below (tapped, the page shows its figures) or, first, the
// members directly in the org itself (本级直属), which has nothing below to show.
// Which rows open (canOpen, the ones with a ›): every org below, also one without orgs below it
// (has_children false) — its page still lists its members' figures, each opening their trace;
// 本级直属 never, being the org shown. hasChildren (含下级组织) says which of them lead further down.
function viewOrgRow(row) {
  var direct = !!row.direct
  return Object.assign(viewFigures(row), {
    orgId: row.org_id,
    name: direct ? '本级直属' : row.org_name || '',
    orgName: row.org_name || '',
    direct: direct,
    canOpen: !direct,
    hasChildren: !direct && !!row.has_children,
    membersNow: Number(row.members_now) || 0,
  })
}

// A plan of `plans`, with how many of the people it covers have completed it.
function viewPlan(plan, todayText) {
  var people = Number(plan.people) || 0
  var complete = Number(plan.complete) || 0
  return {
    id: plan.id,
    title: plan.title || '',
    orgName: plan.org_name || '',
    deadlineText: time.dayText(plan.deadline, todayText),
    overdue: !!plan.overdue,
    countText: complete + '/' + people + ' 人',
    rateText: rateText(plan.rate),
    width: barWidth(plan.rate),
  }
}

// GET /analytics/overview as the page shows it.
function viewOverview(body, now) {
  body = body || {}
  var todayText = time.today(now)
  var org = body.org || {}
  var today = body.today || {}
  var members = Number(body.members) || 0
  var activeToday = Number(today.active) || 0
  return {
    orgId: org.id,
    orgName: org.name || '',
    // { id, name } of the org above if the caller manages it too (the way back up), else null.
    parent: body.parent && body.parent.id ? { id: body.parent.id, name: body.parent.name || '' } : null,
    refreshedText: refreshedText(body.refreshed_at, now),
    rangeText: studyTrace.rangeText(body.since, body.until, todayText),
    members: members,
    today: {
      active: activeToday,
      activeRateText: members ? rateText(activeToday / members) : NONE,
      readingMinutesText: minutesText(today.reading_minutes),
      punchIns: Number(today.punch_ins) || 0,
      quizzes: Number(today.quizzes) || 0,
    },
    totals: viewFigures(body.totals),
    weeks: (body.weeks || []).map(function (week) {
      return viewWeek(week, todayText)
    }),
    orgs: (body.orgs || []).map(viewOrgRow),
    plans: (body.plans || []).map(function (plan) {
      return viewPlan(plan, todayText)
    }),
  }
}

// The trail of orgs (broadest first, [{ id, name }]; the last the one shown) once the overview of
// the last (viewOverview) has answered: the org shown as the server names it, and before it the
// org above (its `parent`), the server's word on whether there is a way back up. The crumbs of the
// orgs opened down to it are kept when the one before it is that parent; without them (opened
// with ?org_id=, the default org) the trail starts at the parent; without a parent, the org alone.
function trailOf(trail, overview) {
  var shown = { id: overview.orgId, name: overview.orgName }
  var parent = overview.parent
  if (!parent) return [shown]
  var above = (trail || []).slice(0, -1)
  var before = above[above.length - 1]
  // The crumbs above the parent, when the trail came down through it.
  var kept = before && String(before.id) === String(parent.id) ? above.slice(0, -1) : []
  return kept.concat([{ id: parent.id, name: parent.name }, shown])
}

// An item of GET /analytics/people, keyed by the person's id (utils/paged-list.js lists by `id`).
function viewPerson(item, now) {
  var last = item.last_studied || ''
  return {
    id: item.person_id,
    name: item.name || '',
    orgName: item.org_name || '',
    minutesText: decimalText(item.reading_minutes),
    daysStudied: Number(item.days_studied) || 0,
    points: Number(item.points) || 0,
    lastText: last ? time.dayText(last, time.today(now)) : '未学习',
    never: !last,
  }
}

module.exports = {
  WEEK_OPTIONS: WEEK_OPTIONS,
  DEFAULT_WEEKS: DEFAULT_WEEKS,
  PEOPLE_PERIODS: PEOPLE_PERIODS,
  DEFAULT_PEOPLE_PERIOD: DEFAULT_PEOPLE_PERIOD,
  SORTS: SORTS,
  DEFAULT_SORT: DEFAULT_SORT,
  isWeeks: isWeeks,
  isSort: isSort,
  peopleRange: peopleRange,
  percent: percent,
  rateText: rateText,
  barWidth: barWidth,
  decimalText: decimalText,
  minutesText: minutesText,
  refreshedText: refreshedText,
  viewOrgRow: viewOrgRow,
  viewPlan: viewPlan,
  viewOverview: viewOverview,
  trailOf: trailOf,
  viewPerson: viewPerson,
}
