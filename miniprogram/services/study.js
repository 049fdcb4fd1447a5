// 学习: study materials, the member's study plans, reading time (a reading session and its
// heartbeats), the daily quiz (每日答题), the daily punch-in (学习打卡), my points and the
// branches' ranking, and my learning trace (学习有痕), as docs/study.md describes the server. Everything is under /study; bodies use the server's field
// names, and query parameters go in `data` (wx.request turns a GET's data into the query string).
//
// How the study pages put these bodies into words is utils/study-view.js (utils/study-quiz.js for
// the quiz, utils/study-trace.js for the trace).

var api = require('../api/request')
var meetings = require('./meetings')

var BASE = '/study'

var DEFAULT_PER_PAGE = 20

function materialPath(id) {
  return BASE + '/materials/' + encodeURIComponent(String(id))
}

function sessionPath(id) {
  return BASE + '/reading-sessions/' + encodeURIComponent(String(id))
}

// A punch-in, a quiz submitted, or reading time counted on this phone, changes what the study home shows (today's
// punch-in, points, plan progress); it lies under the page that made the change and reloads when
// shown again. A counter, as services/meetings.js has, so that each page under it sees the change.
var changes = 0

function markChanged(result) {
  changes += 1
  return result
}

function changeCount() {
  return changes
}

// GET /study/materials → { items: [{ id, org_id, org_name, kind, title, summary, category,
// category_label, tags, min_dwell_seconds, status, published_at }], meta }, newest first.
// params: { category?, kind?, tag?, q?, page?, per_page? }; empty ones are left out.
function materials(params) {
  params = params || {}
  var data = { page: params.page || 1, per_page: params.per_page || DEFAULT_PER_PAGE }
  ;['category', 'kind', 'tag', 'q'].forEach(function (name) {
    var value = params[name]
    if (value !== undefined && value !== null && value !== '') data[name] = value
  })
  return api.request({ url: BASE + '/materials', data: data })
}

// GET /study/materials/{id} → the material with body_html (an article, sanitised by the server),
// video_url (a video), document_name and document_size (a document), created_by and can_manage.
// 404 when the member may not read it.
function material(id) {
  return api.request({ url: materialPath(id) })
}

// GET /study/materials/{id}/document (the PDF) into a temporary file, downloaded with the session
// as a meeting's attachment is (services/meetings.js downloadContent). Resolves with the path.
function downloadDocument(id) {
  return meetings.downloadContent(materialPath(id) + '/document')
}

// GET /study/plans/mine → { items: [{ id, org_id, org_name, title, description, deadline, status,
// items: [{ material_id, title, kind, min_dwell_seconds, seconds, studied }], studied, total,
// complete, overdue }] }, nearest deadline first.
function myPlans() {
  return api.request({ url: BASE + '/plans/mine' })
}

// POST /study/materials/{id}/reading-sessions { seq: 0, client_at? } → 201 { id, material_id,
// started_at, interval_seconds, min_dwell_seconds, material_seconds, studied }. The start takes
// seq 0; the session's events go on from 1. 404 for a material the member may not read; 409
// not_published for a draft a manager previews.
function startReading(materialId, clientAt) {
  var data = { seq: 0 }
  if (clientAt) data.client_at = clientAt
  return api.request({ url: materialPath(materialId) + '/reading-sessions', method: 'POST', data: data })
}

// POST /study/reading-sessions/{id}/events { kind: beat|pause|resume|finish, seq, client_at? } →
// { session_id, verdict, credited_seconds, session_seconds, material_seconds, studied, finished,
// points_awarded }. Counted time (or a finished session) is a change for the study home.
function sendReadingEvent(sessionId, kind, seq, clientAt) {
  var data = { kind: kind, seq: seq }
  if (clientAt) data.client_at = clientAt
  return api.request({ url: sessionPath(sessionId) + '/events', method: 'POST', data: data }).then(function (body) {
    if (body && (body.credited_seconds > 0 || body.points_awarded > 0)) markChanged()
    return body
  })
}

// POST /study/punch-ins { reflection? } → { id, day, streak, reflection, created_at, created,
// points_awarded }: 201 with created true, or 200 today's punch-in again (created false,
// points_awarded 0). An empty reflection is left out (the server refuses an empty text).
function punchIn(reflection) {
  var data = {}
  var text = String(reflection || '').trim()
  if (text) data.reflection = text
  return api.request({ url: BASE + '/punch-ins', method: 'POST', data: data }).then(markChanged)
}

// GET /study/punch-ins/me?days= → { today, punched_today, streak, items: [{ id, day, streak,
// reflection, created_at }] } over the last `days` days (1–366; the server's default 30).
function myPunchIns(days) {
  var data = {}
  if (days) data.days = days
  return api.request({ url: BASE + '/punch-ins/me', data: data })
}

// GET /study/points/me?page=&per_page= → { total, today, by_action: [{ action, label, points }],
// rank: { rank (null: not ranked), of }, history: { items: [{ id, action, label, points, day,
// created_at }], meta } }.
function myPoints(page, perPage) {
  return api.request({ url: BASE + '/points/me', data: { page: page || 1, per_page: perPage || DEFAULT_PER_PAGE } })
}

// GET /study/quiz/today → { id, day, submitted, correct (null until submitted), total,
// points_awarded (null), questions: [{ id, kind (single|multiple|judge), stem, options }] }. The
// first request of the (Beijing) day draws the questions; later ones get the same. Once submitted
// each question also has answer (the right option indexes), explanation, chosen and right.
// 404 no_questions when the bank has no question for the member; 403 no_member for an account
// without a member record.
function todayQuiz() {
  return api.request({ url: BASE + '/quiz/today' })
}

// POST /study/quiz/today { answers: [{ question_id, choices: [option index, …] }] } → the scored
// quiz, as todayQuiz() gives it once submitted, with points_awarded. Only the first submission
// counts: 409 already_submitted after it; 409 no_quiz when today's quiz was never drawn (the day
// changed since it was loaded); 422 not_in_quiz for a question not in today's quiz. A scored quiz
// (its points) is a change for the study home.
function submitQuiz(answers) {
  return api.request({ url: BASE + '/quiz/today', method: 'POST', data: { answers: answers || [] } }).then(markChanged)
}

// The since/until of a trace request ('YYYY-MM-DD', Beijing dates); empty ones are left out, so
// that the server takes its default (the last 30 days up to today).
function traceQuery(params) {
  params = params || {}
  var data = {}
  ;['since', 'until'].forEach(function (name) {
    var value = params[name]
    if (value !== undefined && value !== null && value !== '') data[name] = String(value)
  })
  return data
}

// GET /study/trace/me?since=&until= → { person: { id, name, org_name }, since, until,
// reading_seconds, days_studied, days: [{ day, reading: [{ material_id, title, seconds }],
// punch_in: { streak, reflection } | null, quiz: { correct, total } | null }] }: the days with
// something studied, newest first. At most 366 days: 422 period_too_long; since after until: 422
// period_invalid.
function trace(params) {
  return api.request({ url: BASE + '/trace/me', data: traceQuery(params) })
}

// GET /study/trace/me.xlsx?since=&until= (the same period as trace()) into a temporary file,
// downloaded with the session as a meeting's attachment is (services/meetings.js
// downloadContent). Resolves with the path.
function downloadTrace(params) {
  var data = traceQuery(params)
  var query = Object.keys(data)
    .map(function (name) {
      return name + '=' + encodeURIComponent(data[name])
    })
    .join('&')
  return meetings.downloadContent(BASE + '/trace/me.xlsx' + (query ? '?' + query : ''))
}

var PERIODS = ['week', 'month', 'year', 'all']

// GET /study/rankings/branches?period= → { period, since, items: [{ rank, org_id, org_name,
// members, points, per_member }] }. Branches only, never individuals.
function branchRanking(period) {
  var data = {}
  if (PERIODS.indexOf(period) !== -1) data.period = period
  return api.request({ url: BASE + '/rankings/branches', data: data })
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  PERIODS: PERIODS,
  markChanged: markChanged,
  changeCount: changeCount,
  materials: materials,
  material: material,
  downloadDocument: downloadDocument,
  myPlans: myPlans,
  startReading: startReading,
  sendReadingEvent: sendReadingEvent,
  todayQuiz: todayQuiz,
  submitQuiz: submitQuiz,
  punchIn: punchIn,
  myPunchIns: myPunchIns,
  myPoints: myPoints,
  branchRanking: branchRanking,
  trace: trace,
  downloadTrace: downloadTrace,
}
