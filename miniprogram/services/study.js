// 学习: study materials, the member's study plans, reading time (a reading session and its
// heartbeats), the daily punch-in (学习打卡), my points and the branches' ranking, as
// docs/study.md describes the server. Everything is under /study; bodies use the server's field
// names, and query parameters go in `data` (wx.request turns a GET's data into the query string).
//
// How the study pages put these bodies into words is utils/study-view.js.

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

// A punch-in, or reading time counted on this phone, changes what the study home shows (today's
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
  punchIn: punchIn,
  myPunchIns: myPunchIns,
  myPoints: myPoints,
  branchRanking: branchRanking,
}
