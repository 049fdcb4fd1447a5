// 发展党员: an applicant's record of the 25 steps (docs/development.md), the secretary's to-do,
// recording a step, deciding a step the rules give to a body (支部委员会, 支部党员大会,
// 基层党委), and the record's materials (入党申请书, 思想汇报 ...). Everything is under
// /development; bodies use the server's field names, and query parameters go in `data`
// (wx.request turns a GET's data into the query string).
//
// How the development pages put these bodies into words is utils/development-view.js; the
// materials card (材料) of the applicant's page and the record is utils/development-materials.js.

var api = require('../api/request')
var upload = require('../api/upload')
var meetings = require('./meetings')

var BASE = '/development'

// The largest page of GET /people (PageArgs: per_page ≤ 100); a search shows the first 20.
var PEOPLE_PER_PAGE = 20

function recordPath(id) {
  return BASE + '/records/' + encodeURIComponent(String(id))
}

function entryPath(id) {
  return BASE + '/entries/' + encodeURIComponent(String(id))
}

function materialPath(id) {
  return BASE + '/materials/' + encodeURIComponent(String(id))
}

// A step recorded or decided on this phone changes what the record, the applicant's page and the
// to-do show; they lie under the page that made the change and reload when shown again. A
// counter, as services/meetings.js has, so that each of them sees the change.
var changes = 0

function markChanged(result) {
  changes += 1
  return result
}

function changeCount() {
  return changes
}

// The rules change only with a new deployment: the first answer is kept for the app's life.
// A failed lookup is not kept.
var cachedRules = null

// GET /development/rules → { version, title, stages, steps: [{ number, stage, name, actor,
// actor_label, approver, approver_label, recurring, requires, people, training, review, vote,
// outcome, materials }], extension: { min_months, max_months, times } }: the default rule set.
function rules() {
  if (cachedRules) return Promise.resolve(cachedRules)
  return api.request({ url: BASE + '/rules' }).then(function (body) {
    cachedRules = body
    return body
  })
}

// The step `number` of a rule set, or null.
function stepRule(ruleSet, number) {
  var steps = (ruleSet && ruleSet.steps) || []
  for (var i = 0; i < steps.length; i += 1) {
    if (Number(steps[i].number) === Number(number)) return steps[i]
  }
  return null
}

// GET /development/me → the caller's own record; 404 no_record when there is none.
function mine() {
  return api.request({ url: BASE + '/me' })
}

// GET /development/records/{id} → the record with entries, next and can_manage.
function record(id) {
  return api.request({ url: recordPath(id) })
}

// GET /development/entries/{id} → the entry with record_id, person { id, name, staff_no, org_id,
// org_name, member_type, member_type_label }, approver_label and can_decide (pending, and the
// caller represents the deciding body). 404 when the caller may not see its record.
function entry(id) {
  return api.request({ url: entryPath(id) })
}

// GET /development/todo → { on, counts, items, approvals } over the caller's scope; orgId
// narrows it to one org's subtree.
function todo(orgId) {
  var data = {}
  if (orgId) data.org_id = orgId
  return api.request({ url: BASE + '/todo', data: data })
}

// POST /development/records/{id}/entries → the entry: 201 new (done, pending or — a failed
// vote — rejected), 200 the same entry again for a key already used. body: { step, done_on, key,
// people?, training?, review_passed?, votes?, outcome?, extension_months?, special_reason?, note? }.
function submitStep(recordId, body) {
  return api.request({ url: recordPath(recordId) + '/entries', method: 'POST', data: body }).then(markChanged)
}

// The optional texts of a decision, left out when empty (the server refuses an empty text).
function decisionBody(params) {
  var data = { comment: params.comment }
  if (params.doneOn) data.done_on = params.doneOn
  if (params.specialReason) data.special_reason = params.specialReason
  return data
}

// POST /development/entries/{id}/approve → the entry, done. params: { comment, doneOn?,
// specialReason? }. 409 already_decided; 403 body_may_not_approve / not_approver; 422 when the
// rules, checked again, refuse it.
function approve(entryId, params) {
  return api
    .request({ url: entryPath(entryId) + '/approve', method: 'POST', data: decisionBody(params) })
    .then(markChanged)
}

// POST /development/entries/{id}/reject → the entry, rejected; the step may be submitted again.
function reject(entryId, comment) {
  return api
    .request({ url: entryPath(entryId) + '/reject', method: 'POST', data: { comment: comment } })
    .then(markChanged)
}

// GET /development/records/{id}/materials → { items: [material] }, oldest first. A material:
// { id, record_id, entry_id, kind, kind_label, title, filename, content_type, size, note, url,
// uploaded_by, uploaded_at, can_delete }.
function materials(recordId) {
  return api.request({ url: recordPath(recordId) + '/materials' })
}

// POST /development/records/{id}/materials (multipart through api/upload.js: file, kind, title?,
// note?, entry_id?) → 201 the material. filePath is a temporary file of wx.chooseMessageFile;
// fields: { kind, title?, note?, entry_id? }, the empty ones left out. Errors: 413 file_too_large,
// 415 file_type_not_allowed, 422 file_empty / unknown_entry, 403 kind_not_allowed / not_manager,
// 409 record_closed / too_many_materials.
function uploadMaterial(recordId, filePath, fields) {
  fields = fields || {}
  var formData = { kind: fields.kind }
  ;['title', 'note', 'entry_id'].forEach(function (name) {
    var value = fields[name]
    if (value !== undefined && value !== null && value !== '') formData[name] = String(value)
  })
  return upload.upload({ url: recordPath(recordId) + '/materials', filePath: filePath, name: 'file', formData: formData })
}

// DELETE /development/materials/{id} → null (204); the uploader while the record is active, or a
// manager.
function deleteMaterial(id) {
  return api.request({ url: materialPath(id), method: 'DELETE' })
}

// GET /development/materials/{id}/content into a temporary file, for wx.previewImage /
// wx.openDocument, downloaded with the session as a meeting's attachment is
// (services/meetings.js downloadContent). Resolves with the temporary path.
function downloadMaterial(id) {
  return meetings.downloadContent(materialPath(id) + '/content')
}

// The people a step may name (谈话人, 培养联系人, 入党介绍人 must be full members in normal
// status): GET /people?q=… (name or staff number, prefix) over the caller's scope, first page.
// Resolves with [{ id, name, staff_no, org_name, member_type_label }].
function searchPeople(query) {
  return api
    .request({
      url: '/people',
      data: { q: query, member_type: 'full', status: 'normal', page: 1, per_page: PEOPLE_PER_PAGE },
    })
    .then(function (body) {
      return ((body && body.items) || []).map(function (person) {
        return {
          id: person.id,
          name: person.name || '',
          staff_no: person.staff_no || '',
          org_name: person.org_name || '',
          member_type_label: person.member_type_label || '',
        }
      })
    })
}

module.exports = {
  markChanged: markChanged,
  changeCount: changeCount,
  rules: rules,
  stepRule: stepRule,
  mine: mine,
  record: record,
  entry: entry,
  todo: todo,
  submitStep: submitStep,
  approve: approve,
  reject: reject,
  materials: materials,
  uploadMaterial: uploadMaterial,
  deleteMaterial: deleteMaterial,
  downloadMaterial: downloadMaterial,
  searchPeople: searchPeople,
}
