// 组织生活 for a member: the meetings they take part in, checking in and signing out with the
// projector's QR code, asking for leave, and reading the minutes and attachments afterwards, as
// docs/meetings.md describes the server. What a secretary does with a meeting is in
// services/meeting-admin.js. Query parameters go in `data` (wx.request turns a GET's data into
// the query string).

var api = require('../api/request')
var config = require('../config')
var session = require('../api/session')
var errors = require('../api/errors')

var DEFAULT_PER_PAGE = 20

// The server sends its own labels (type_label, phase_label, ...) with most bodies; these are for
// the bodies that carry only the code (a list item's my_attendance) and as a fallback.
var TYPE_LABELS = {
  branch_assembly: '支部党员大会',
  branch_committee: '支部委员会',
  group_meeting: '党小组会',
  party_lecture: '党课',
  theme_day: '主题党日',
  life_meeting: '组织生活会',
  appraisal: '民主评议党员',
  other: '其他',
}

var PHASE_LABELS = {
  draft: '草稿',
  upcoming: '未开始',
  checkin_open: '签到中',
  in_progress: '进行中',
  ended: '已结束',
  archived: '已归档',
  cancelled: '已取消',
}

var ATTENDANCE_LABELS = {
  present: '已签到',
  late: '迟到',
  on_leave: '请假',
  not_checked_in: '未签到',
  absent: '缺席',
}

var LEAVE_STATE_LABELS = {
  pending: '待审批',
  approved: '已批准',
  rejected: '未批准',
  withdrawn: '已撤回',
}

var ROLE_LABELS = {
  member: '参会党员',
  observer: '列席',
}

function label(labels, code) {
  return (code && labels[code]) || ''
}

function meetingPath(id) {
  return '/meetings/' + encodeURIComponent(String(id))
}

// Check-ins, sign-outs and leave — and a secretary's drafts, publishing, cancelling, minutes and
// attachments (services/meeting-admin.js marks those through markChanged too) — change what the
// meeting list and the detail page show; those pages lie under the one that made the change and
// reload when shown again. A counter rather than a flag: each of them (list and detail, one under
// the other) must see the change, and a flag would be taken by the first.
var changes = 0

// Counts one change and passes the result through, for the end of a request's promise chain.
function markChanged(result) {
  changes += 1
  return result
}

// How many changes this phone made so far; a page keeps the count its data is as fresh as.
function changeCount() {
  return changes
}

var LIST_PARAMS = ['org_id', 'type', 'from', 'to', 'status', 'mine']

// GET /meetings → { items, meta }. params: any of org_id, type, from, to (Beijing dates
// 'YYYY-MM-DD'), status, mine (bool), page, per_page; those left out are not sent.
function list(params) {
  params = params || {}
  var data = { page: params.page || 1, per_page: params.per_page || DEFAULT_PER_PAGE }
  LIST_PARAMS.forEach(function (key) {
    var value = params[key]
    if (value === undefined || value === null || value === '') return
    // The query string has no booleans; the server reads 'true'/'false'.
    data[key] = typeof value === 'boolean' ? (value ? 'true' : 'false') : value
  })
  return api.request({ url: '/meetings', data: data })
}

// GET /meetings/{id} → Meeting with `my` (null for a non-participant).
function get(id) {
  return api.request({ url: meetingPath(id) })
}

// POST /checkins → the check-in (201 new, 200 the existing one). body: { token, idempotency_key,
// scanned_at?, device?, location? }; see utils/checkin-queue.js, which builds it.
function checkIn(body) {
  return api.request({ url: '/checkins', method: 'POST', data: body }).then(markChanged)
}

// POST /checkins/sign-out → the check-in with signed_out_at. Same body as checkIn.
function signOut(body) {
  return api.request({ url: '/checkins/sign-out', method: 'POST', data: body }).then(markChanged)
}

// POST /meetings/{id}/leave → 201 LeaveRequest; 409 leave_too_late / leave_exists.
function askLeave(meetingId, reason) {
  return api
    .request({ url: meetingPath(meetingId) + '/leave', method: 'POST', data: { reason: reason } })
    .then(markChanged)
}

// DELETE /meetings/{id}/leave → the withdrawn LeaveRequest (pending ones only).
function withdrawLeave(meetingId) {
  return api.request({ url: meetingPath(meetingId) + '/leave', method: 'DELETE' }).then(markChanged)
}

// GET /me/attendance → { summary, items, meta }. params: from, to, page, per_page.
function myAttendance(params) {
  params = params || {}
  var data = { page: params.page || 1, per_page: params.per_page || DEFAULT_PER_PAGE }
  if (params.from) data.from = params.from
  if (params.to) data.to = params.to
  return api.request({ url: '/me/attendance', data: data })
}

// GET /orgs/{org_id}/feed → { items: [{ id, kind, title, summary, meeting_id, image_ids,
// occurred_at }], meta }: 支部动态, the org's meetings with minutes, newest first.
function feed(orgId, params) {
  params = params || {}
  return api.request({
    url: '/orgs/' + encodeURIComponent(String(orgId)) + '/feed',
    data: { page: params.page || 1, per_page: params.per_page || DEFAULT_PER_PAGE },
  })
}

// GET /meetings/{id}/minutes → Minutes; 404 no_minutes while there are none.
function minutes(id) {
  return api.request({ url: meetingPath(id) + '/minutes' })
}

// GET /meetings/{id}/attachments → { items }.
function attachments(id) {
  return api.request({ url: meetingPath(id) + '/attachments' })
}

// GET `path` (under config.apiBase: a file's content endpoint) into a temporary file, for
// wx.previewImage / wx.openDocument (neither can send the bearer token themselves). Resolves with
// the temporary path; an error status is an ApiError, a failed download a NetworkError. Unlike
// api/request.js this does not log in again on a 401: the page that offers the file has just
// loaded with a valid session. The one download with the session: services/development.js takes
// a material's content with it too.
function downloadContent(path) {
  return new Promise(function (resolve, reject) {
    wx.downloadFile({
      url: config.apiBase + path,
      header: { Authorization: 'Bearer ' + session.getToken() },
      success: function (res) {
        if (res.statusCode === 200 && res.tempFilePath) resolve(res.tempFilePath)
        else reject(new errors.ApiError({ status: res.statusCode }))
      },
      fail: function (err) {
        reject(new errors.NetworkError(err && err.errMsg))
      },
    })
  })
}

// GET /attachments/{id}/content into a temporary file (downloadContent). Resolves with the
// temporary path.
function downloadAttachment(id) {
  return downloadContent('/attachments/' + encodeURIComponent(String(id)) + '/content')
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  TYPE_LABELS: TYPE_LABELS,
  PHASE_LABELS: PHASE_LABELS,
  ATTENDANCE_LABELS: ATTENDANCE_LABELS,
  LEAVE_STATE_LABELS: LEAVE_STATE_LABELS,
  ROLE_LABELS: ROLE_LABELS,
  label: label,
  markChanged: markChanged,
  changeCount: changeCount,
  list: list,
  get: get,
  checkIn: checkIn,
  signOut: signOut,
  askLeave: askLeave,
  withdrawLeave: withdrawLeave,
  myAttendance: myAttendance,
  feed: feed,
  minutes: minutes,
  attachments: attachments,
  downloadContent: downloadContent,
  downloadAttachment: downloadAttachment,
}
