// 学习: study materials and their categories, the member's study plans, reading time (a reading
// session and its heartbeats), the daily quiz (每日答题), the daily punch-in (学习打卡) and its
// photo, my points and the branches' ranking, the learning trace (学习有痕: mine, or a managed
// person's), and the analytics of the orgs a secretary manages (学习统计), as docs/study.md
// describes the server. Everything is under /study; bodies use the server's field names, and
// query parameters go in `data` (wx.request turns a GET's data into the query string).
//
// How the study pages put these bodies into words is utils/study-view.js (utils/study-quiz.js for
// the quiz, utils/study-trace.js for the trace, utils/study-analytics.js for the analytics).

var api = require('../api/request')
var upload = require('../api/upload')
var errors = require('../api/errors')
var config = require('../config')
var meetings = require('./meetings')
var ids = require('../utils/ids')

var BASE = '/study'

var DEFAULT_PER_PAGE = 20

function materialPath(id) {
  return BASE + '/materials/' + encodeURIComponent(String(id))
}

function sessionPath(id) {
  return BASE + '/reading-sessions/' + encodeURIComponent(String(id))
}

// A punch-in, a quiz submitted, or reading time counted on this phone, changes what the study
// home shows (today's punch-in, points, plan progress); it lies under the page that made the change
// and reloads when shown again. A counter, as services/meetings.js has, so that each page under it
// sees the change.
var changes = 0

function markChanged(result) {
  changes += 1
  return result
}

function changeCount() {
  return changes
}

// GET /study/materials → { items: [{ id, org_id, org_name, kind, title, summary, category,
// category_label, tags, min_dwell_seconds, status, published_at, my_seconds, studied }], meta },
// newest first. my_seconds and studied are the caller's own counted reading of the material.
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

// GET /study/categories → { items: [{ code, label }] }, in the order to show them.
function categories() {
  return api.request({ url: BASE + '/categories' })
}

// GET /study/materials/{id} → the material (with my_seconds and studied) with body_html (an
// article, sanitised by the server), video_url (a video), document_name and document_size (a
// document), created_by and can_manage. 404 when the member may not read it.
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

// POST /study/punch-ins { reflection? } → { id, day, streak, reflection, reflection_status,
// photo_url, created_at, created, points_awarded }: 201 with created true, or 200 today's punch-in
// again (created false, points_awarded 0). An empty reflection is left out (the server refuses an
// empty text). reflection_status (docs/safety.md) is published, pending (held by the content
// check: others see it once a committee admin approves it), rejected (others never see it), or
// null without a reflection; a held reflection still makes the punch-in and earns its points.
// photo_url (null without a photo) is an API path that needs the session: downloadPhoto.
function punchIn(reflection) {
  var data = {}
  var text = String(reflection || '').trim()
  if (text) data.reflection = text
  return api.request({ url: BASE + '/punch-ins', method: 'POST', data: data }).then(markChanged)
}

// GET /study/punch-ins/me?days= → { today, punched_today, streak, items: [{ id, day, streak,
// reflection, reflection_status, photo_url, created_at }] } over the last `days` days (1–366; the
// server's default 30). reflection_status as punchIn() gives it: the member sees their own
// reflections whatever their status.
function myPunchIns(days) {
  var data = {}
  if (days) data.days = days
  return api.request({ url: BASE + '/punch-ins/me', data: data })
}

// POST /study/punch-ins/{id}/photo (multipart `file`, through api/upload.js) → the punch-in, as
// punchIn() gives it, with its photo_url. filePath is a temporary file of wx.chooseMedia. A new
// photo replaces the old one (under the same photo_url). Only for the caller's punch-in of today:
// 409 punch_in_closed for an earlier day's (the day changed since the page loaded), 404 for
// another's; 413 file_too_large (over [study] photo_max_mb), 415 file_type_not_allowed (not a
// JPEG, PNG or WebP by its bytes), 422 file_empty.
function uploadPunchInPhoto(id, filePath) {
  return upload.upload({
    url: BASE + '/punch-ins/' + encodeURIComponent(String(id)) + '/photo',
    filePath: filePath,
    name: 'file',
  })
}

// The path under config.apiBase of an address the server gives for a file of its own (a
// punch-in's photo_url, '/api/v1/study/punch-ins/88/photo'), or of a full address under
// config.apiBase; '' for anything else, so that the session's token never goes elsewhere.
function apiPath(url) {
  var text = typeof url === 'string' ? url : ''
  var base = config.apiBase
  var prefix = base.replace(/^[a-z]+:\/\/[^/]+/i, '')
  if (text.indexOf(base + '/') === 0) return text.slice(base.length)
  if (prefix && text.indexOf(prefix + '/') === 0) return text.slice(prefix.length)
  return ''
}

// GET a punch-in's photo (its photo_url, of a punch-in or of a trace's day) into a temporary file
// for <image> and wx.previewImage, which cannot send the bearer token themselves: downloaded with
// the session as a meeting's photo is (services/meetings.js downloadContent). Resolves with the
// path; 404 for someone who may not see it. An address that is not the server's is refused
// without asking.
function downloadPhoto(photoUrl) {
  var path = apiPath(photoUrl)
  if (!path) return Promise.reject(new errors.ApiError({ code: 'photo_url_invalid', message: '照片地址无效' }))
  return meetings.downloadContent(path)
}

// GET /study/points/me?page=&per_page= → { total, today, by_action: [{ action, label, points }],
// rank: { rank (null: not ranked), of }, history: { items: [{ id, action, label, points, day,
// created_at }], meta } }.
function myPoints(page, perPage) {
  return api.request({ url: BASE + '/points/me', data: { page: page || 1, per_page: perPage || DEFAULT_PER_PAGE } })
}

// GET /study/quiz/today → { id, day, submitted, correct (null until submitted), total,
// points_awarded (null until submitted; then what it earned), questions: [{ id, kind
// (single|multiple|judge), stem, options }] }. The first request of the (Beijing) day draws the
// questions; later ones get the same. Once submitted each question also has answer (the right
// option indexes), explanation, chosen and right.
// 404 no_questions when the bank has no question for the member; 403 no_member for an account
// without a member record.
function todayQuiz() {
  return api.request({ url: BASE + '/quiz/today' })
}

// POST /study/quiz/today { quiz_id, answers: [{ question_id, choices: [option index, …] }] } → the
// scored quiz, as todayQuiz() gives it once submitted, with points_awarded. quiz_id is the id of
// the quiz the answers are to (left out when not known). Only the first submission counts: 409
// already_submitted after it; 409 quiz_expired when quiz_id is not today's quiz (loaded before
// midnight, sent after it); 409 no_quiz when today's quiz was never drawn; 422 not_in_quiz for a
// question not in today's quiz. A scored quiz (its points) is a change for the study home.
function submitQuiz(answers, quizId) {
  var data = { answers: answers || [] }
  if (quizId !== undefined && quizId !== null && quizId !== '') data.quiz_id = quizId
  return api.request({ url: BASE + '/quiz/today', method: 'POST', data: data }).then(markChanged)
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

// The trace of the caller ('/trace/me') or of a person they manage ('/trace/people/{id}').
function tracePath(personId) {
  return BASE + (personId ? '/trace/people/' + encodeURIComponent(String(personId)) : '/trace/me')
}

// GET /study/trace/me?since=&until= → { person: { id, name, org_name }, since, until,
// reading_seconds, days_studied, days: [{ day, reading: [{ material_id, title, seconds }],
// punch_in: { streak, reflection, photo_url } | null, quiz: { correct, total } | null }] }: the
// days with something studied, newest first. At most 366 days: 422 period_too_long; since after
// until: 422 period_invalid.
// With `personId`, GET /study/trace/people/{id}?since=&until=: the trace of a person the caller
// manages, as the caller's own (audited by the server). 403 for a caller who manages nothing (not
// a secretary or committee admin); 404 for a person outside the orgs they manage.
function trace(params, personId) {
  return api.request({ url: tracePath(personId), data: traceQuery(params) })
}

// GET /study/trace/me.xlsx?since=&until= (the same period as trace()), or with `personId`
// /study/trace/people/{id}.xlsx, into a temporary file, downloaded with the session as a meeting's
// attachment is (services/meetings.js downloadContent). Resolves with the path.
function downloadTrace(params, personId) {
  var data = traceQuery(params)
  var query = Object.keys(data)
    .map(function (name) {
      return name + '=' + encodeURIComponent(data[name])
    })
    .join('&')
  return meetings.downloadContent(tracePath(personId) + '.xlsx' + (query ? '?' + query : ''))
}

var PERIODS = ['week', 'month', 'year', 'all']

// GET /study/rankings/branches?period= → { period, since, items: [{ rank, org_id, org_name,
// members, points, per_member }] }. Branches only, never individuals.
function branchRanking(period) {
  var data = {}
  if (PERIODS.indexOf(period) !== -1) data.period = period
  return api.request({ url: BASE + '/rankings/branches', data: data })
}

// The sorts of GET /analytics/people: reading minutes (the server's default), days studied,
// points, and the least active first.
var PEOPLE_SORTS = ['minutes', 'days', 'points', 'least']

// GET /study/analytics/overview?org_id=&weeks= → { org: { id, name, type }, parent ({ id, name } |
// null), refreshed_at (ISO UTC | null), since (the Monday `weeks` weeks back), until (today),
// members (today's head count), today: { day, active, reading_minutes, punch_ins, quizzes },
// totals: Figures, weeks: [Figures with week_start], oldest first, orgs: [Figures with org_id,
// org_name, direct, has_children, members_now], plans: [{ id, title, org_name, deadline, overdue,
// people, complete, rate | null }] }, where Figures is { member_weeks, active, active_rate | null,
// active_days, reading_minutes, minutes_per_member_week, materials_studied, punch_ins, quizzes,
// quiz_accuracy | null, points }. `parent` is the org above when the caller manages it too (the
// way back up), else null. `orgs` are the orgs directly below, the org's own members first
// (direct: true); has_children says whether an org has orgs below it (never on the direct row).
// params: { org_id? (the server's default: the broadest org the caller manages), weeks? (1–53;
// the server's default 12) }.
// 403 forbidden for a caller who manages nothing; 404 for an org they do not manage.
function analyticsOverview(params) {
  params = params || {}
  var data = {}
  var orgId = ids.positiveId(params.org_id)
  if (orgId) data.org_id = orgId
  var weeks = Number(params.weeks)
  if (weeks >= 1 && weeks <= 53 && weeks % 1 === 0) data.weeks = weeks
  return api.request({ url: BASE + '/analytics/overview', data: data })
}

// GET /study/analytics/people?org_id=&since=&until=&sort=&page=&per_page= → { org: { id, name,
// type }, since, until, items: [{ person_id, name, org_name, reading_minutes, days_studied,
// punch_ins, quizzes, quiz_accuracy | null, materials_studied, points, last_studied ('YYYY-MM-DD'
// | null) }], meta }: every member of the org's subtree over the period, those who did nothing
// too. params: { org_id?, since?, until? (the server's default: the last 30 days, at most 366),
// sort? (PEOPLE_SORTS; the server's default minutes), page?, per_page? }. Refusals as
// analyticsOverview's.
function analyticsPeople(params) {
  params = params || {}
  var data = traceQuery(params)
  data.page = params.page || 1
  data.per_page = params.per_page || DEFAULT_PER_PAGE
  var orgId = ids.positiveId(params.org_id)
  if (orgId) data.org_id = orgId
  if (PEOPLE_SORTS.indexOf(params.sort) !== -1) data.sort = params.sort
  return api.request({ url: BASE + '/analytics/people', data: data })
}

module.exports = {
  PERIODS: PERIODS,
  changeCount: changeCount,
  materials: materials,
  categories: categories,
  material: material,
  downloadDocument: downloadDocument,
  myPlans: myPlans,
  startReading: startReading,
  sendReadingEvent: sendReadingEvent,
  todayQuiz: todayQuiz,
  submitQuiz: submitQuiz,
  punchIn: punchIn,
  myPunchIns: myPunchIns,
  uploadPunchInPhoto: uploadPunchInPhoto,
  downloadPhoto: downloadPhoto,
  myPoints: myPoints,
  branchRanking: branchRanking,
  trace: trace,
  downloadTrace: downloadTrace,
  analyticsOverview: analyticsOverview,
  analyticsPeople: analyticsPeople,
}
