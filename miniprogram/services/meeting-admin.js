// 会议管理: what a secretary (or committee_admin) does with a meeting of their orgs — the draft,
// publishing and cancelling it, its participants, the live attendance with revoke, 补签 and
// recording a leave, leave decisions, the minutes and archiving — as docs/meetings.md describes the server. The chair and
// recorder also read the attendance and write and sign the minutes. Ids outside the caller's scope
// answer 404. Bodies use the server's field names; query parameters go in `data` (wx.request turns
// a GET's data into the query string).

var api = require('../api/request')
var upload = require('../api/upload')
// The one change counter of the meeting pages (services/meetings.js changeCount): what this file
// changes that the list or the detail page shows is counted there, so they reload when shown again.
var meetings = require('./meetings')

var markChanged = meetings.markChanged

var DEFAULT_PER_PAGE = 20

// The meeting types in the order the form offers them, with the server's labels.
var TYPES = [
  { value: 'branch_assembly', label: '支部党员大会' },
  { value: 'branch_committee', label: '支部委员会' },
  { value: 'group_meeting', label: '党小组会' },
  { value: 'party_lecture', label: '党课' },
  { value: 'theme_day', label: '主题党日' },
  { value: 'life_meeting', label: '组织生活会' },
  { value: 'appraisal', label: '民主评议党员' },
  { value: 'other', label: '其他' },
]

var TYPE_LABELS = {}
TYPES.forEach(function (type) {
  TYPE_LABELS[type.value] = type.label
})

function typeLabel(value) {
  return TYPE_LABELS[value] || ''
}

function meetingPath(id) {
  return '/meetings/' + encodeURIComponent(String(id))
}

// GET /meetings/{id} → Meeting (with `counts` for managers).
function get(id) {
  return api.request({ url: meetingPath(id) })
}

// POST /meetings → 201 Meeting (draft). body: { org_id, type, title, place, start_at, end_at,
// description?, geofence?, sign_out?, ... } as the contract names them.
function create(body) {
  return api.request({ url: '/meetings', method: 'POST', data: body }).then(markChanged)
}

// PATCH /meetings/{id} → Meeting. changes: any POST field except org_id.
function update(id, changes) {
  return api.request({ url: meetingPath(id), method: 'PATCH', data: changes }).then(markChanged)
}

// POST /meetings/{id}/publish → Meeting; the participants are notified.
function publish(id) {
  return api.request({ url: meetingPath(id) + '/publish', method: 'POST' }).then(markChanged)
}

// POST /meetings/{id}/cancel → Meeting; the participants are told, with the reason.
function cancel(id, reason) {
  return api
    .request({ url: meetingPath(id) + '/cancel', method: 'POST', data: { reason: reason } })
    .then(markChanged)
}

// DELETE /meetings/{id} → null (204); drafts only, 409 not_draft otherwise.
function remove(id) {
  return api.request({ url: meetingPath(id), method: 'DELETE' }).then(markChanged)
}

// GET /meetings/{id}/participants → { items: [{ person_id, name, role, role_label }] }.
function participants(id) {
  return api.request({ url: meetingPath(id) + '/participants' })
}

// POST /meetings/{id}/participants → the list. role: 'member' or 'observer' (列席).
function addParticipants(id, personIds, role) {
  return api.request({
    url: meetingPath(id) + '/participants',
    method: 'POST',
    data: { person_ids: personIds, role: role || 'member' },
  })
}

// DELETE /meetings/{id}/participants/{person_id} → null (204).
function removeParticipant(id, personId) {
  return api.request({
    url: meetingPath(id) + '/participants/' + encodeURIComponent(String(personId)),
    method: 'DELETE',
  })
}

// GET /meetings/{id}/attendance → { counts, anomalies, items }.
function attendance(id) {
  return api.request({ url: meetingPath(id) + '/attendance' })
}

// POST /meetings/{id}/checkins/{checkin_id}/revoke → the attendance item.
function revoke(meetingId, checkinId, reason) {
  return api.request({
    url: meetingPath(meetingId) + '/checkins/' + encodeURIComponent(String(checkinId)) + '/revoke',
    method: 'POST',
    data: { reason: reason },
  }).then(markChanged)
}

// POST /meetings/{id}/attendance/manual → the attendance item (补签; reinstates a revoked check-in).
function manualCheckIn(meetingId, personId, reason, late) {
  return api.request({
    url: meetingPath(meetingId) + '/attendance/manual',
    method: 'POST',
    data: { person_id: personId, reason: reason, late: !!late },
  }).then(markChanged)
}

// POST /meetings/{id}/leave/record → 201 LeaveRequest, approved at once: a manager records the
// leave of someone not checked in (asked in person, or after the fact); audited. 409
// already_checked_in / meeting_closed, 404 not_participant. The person shows as 请假 afterwards.
function recordLeave(meetingId, personId, reason) {
  return api
    .request({
      url: meetingPath(meetingId) + '/leave/record',
      method: 'POST',
      data: { person_id: personId, reason: reason },
    })
    .then(markChanged)
}

// GET /leave-requests → { items: [LeaveRequest], meta }. params: { state, orgId, meetingId, page,
// perPage }; the ones left out are not sent (no state means every state).
function leaveRequests(params) {
  params = params || {}
  var data = { page: params.page || 1, per_page: params.perPage || DEFAULT_PER_PAGE }
  if (params.state) data.state = params.state
  if (params.orgId) data.org_id = params.orgId
  if (params.meetingId) data.meeting_id = params.meetingId
  return api.request({ url: '/leave-requests', data: data })
}

// POST /leave-requests/{id}/decision → LeaveRequest; 409 already_decided. An empty comment is
// left out rather than stored as ''.
function decideLeave(id, approve, comment) {
  var data = { approve: !!approve }
  if (comment) data.comment = comment
  return api.request({
    url: '/leave-requests/' + encodeURIComponent(String(id)) + '/decision',
    method: 'POST',
    data: data,
  })
}

// GET /meetings/{id}/minutes → Minutes; 404 no_minutes before the first save.
function getMinutes(id) {
  return api.request({ url: meetingPath(id) + '/minutes' })
}

// PUT /meetings/{id}/minutes → Minutes. body: { version?, agenda, content, resolutions?, votes? };
// version is the one the form was loaded with (409 minutes_conflict when someone saved since),
// left out for the first save.
function saveMinutes(id, body) {
  var data = {}
  Object.keys(body).forEach(function (key) {
    if (body[key] !== undefined && body[key] !== null) data[key] = body[key]
  })
  // has_minutes on the detail page.
  return api.request({ url: meetingPath(id) + '/minutes', method: 'PUT', data: data }).then(markChanged)
}

// POST /meetings/{id}/minutes/sign → Minutes with the caller's *_signed_at (chair or recorder).
function signMinutes(id) {
  return api.request({ url: meetingPath(id) + '/minutes/sign', method: 'POST' })
}

// POST /meetings/{id}/archive → Meeting; ended meetings with minutes only.
function archive(id) {
  return api.request({ url: meetingPath(id) + '/archive', method: 'POST' }).then(markChanged)
}

// POST /meetings/{id}/attachments (multipart: file, caption?) → 201 Attachment. filePath is a
// temporary file of wx.chooseMedia / wx.chooseMessageFile; an empty caption is left out. Errors:
// 413 file_too_large, 415 file_type_not_allowed, 409 too_many_attachments / meeting_not_held.
function uploadAttachment(meetingId, filePath, caption) {
  var formData = {}
  if (caption) formData.caption = caption
  return upload
    .upload({ url: meetingPath(meetingId) + '/attachments', filePath: filePath, name: 'file', formData: formData })
    .then(markChanged)
}

// DELETE /attachments/{id} → null (204); the uploader or a manager.
function deleteAttachment(id) {
  return api
    .request({ url: '/attachments/' + encodeURIComponent(String(id)), method: 'DELETE' })
    .then(markChanged)
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  TYPES: TYPES,
  typeLabel: typeLabel,
  get: get,
  create: create,
  update: update,
  publish: publish,
  cancel: cancel,
  remove: remove,
  participants: participants,
  addParticipants: addParticipants,
  removeParticipant: removeParticipant,
  attendance: attendance,
  revoke: revoke,
  manualCheckIn: manualCheckIn,
  recordLeave: recordLeave,
  leaveRequests: leaveRequests,
  decideLeave: decideLeave,
  getMinutes: getMinutes,
  saveMinutes: saveMinutes,
  signMinutes: signMinutes,
  archive: archive,
  uploadAttachment: uploadAttachment,
  deleteAttachment: deleteAttachment,
}
