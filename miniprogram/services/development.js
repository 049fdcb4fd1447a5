// 发展党员: an applicant's record of the 25 steps (docs/development.md), the secretary's to-do,
// recording a step, deciding a step the rules give to a body (支部委员会, 支部党员大会,
// 基层党委), and the record's materials (入党申请书, 思想汇报 ...). Everything is under
// /development; bodies use the server's field names, and query parameters go in `data`
// (wx.request turns a GET's data into the query string).
//
// The second half of this file is how the development pages (pages/development/*) put the
// server's bodies into words: pure functions shared by the applicant's page, the record, the
// to-do and the approval page. The last part is the materials card (材料) that the applicant's
// page and the record both mix into their Page().

var api = require('../api/request')
var upload = require('../api/upload')
var errors = require('../api/errors')
var config = require('../config')
var session = require('../api/session')
var time = require('../utils/time')
var attachments = require('../utils/attachments')
var feedback = require('../utils/feedback')
var modal = require('../utils/modal')
var pagedList = require('../utils/paged-list')

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
// wx.openDocument, as services/meetings.js downloads a meeting's attachment (neither can send
// the bearer token themselves). Resolves with the temporary path.
function downloadMaterial(id) {
  return new Promise(function (resolve, reject) {
    wx.downloadFile({
      url: config.apiBase + materialPath(id) + '/content',
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

// The idempotency key the server takes: 8–64 characters of [A-Za-z0-9_-].
var KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

function isValidKey(key) {
  return typeof key === 'string' && KEY_PATTERN.test(key)
}

// -- How the pages put it into words --------------------------------------------------------

var ROLE_LABELS = { talkers: '谈话人', contacts: '培养联系人', introducers: '入党介绍人' }
var ROLE_ORDER = ['talkers', 'contacts', 'introducers']

var OUTCOMES = [
  { value: 'full', label: '按期转正' },
  { value: 'extend', label: '延长预备期' },
  { value: 'cancel', label: '取消预备资格' },
]
var OUTCOME_LABELS = {}
OUTCOMES.forEach(function (outcome) {
  OUTCOME_LABELS[outcome.value] = outcome.label
})

var ACTOR_LABELS = { applicant: '申请人', branch: '党支部', superior: '上级党委' }
var APPROVER_LABELS = { branch_committee: '支部委员会', branch_assembly: '支部党员大会', base_committee: '基层党委' }

// The server sends state_label and status_label; these are the fallback.
var ENTRY_STATE_LABELS = {
  pending: '待审批',
  done: '已完成',
  rejected: '未通过',
  superseded: '已更正',
  closed: '延长预备期前的记录',
}

var VOTE_FIELDS = [
  { key: 'should_attend', label: '应到' },
  { key: 'present', label: '实到' },
  { key: 'yes', label: '赞成' },
  { key: 'no', label: '反对' },
  { key: 'abstain', label: '弃权' },
]

var DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

// '2026-03-01' (a calendar date, as the server sends dates) → '2026年3月1日'; '' otherwise.
// The year is always shown: a record spans years.
function dateText(value) {
  var match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null
  if (!match) return ''
  return match[1] + '年' + Number(match[2]) + '月' + Number(match[3]) + '日'
}

// Today in Beijing as the date picker and the server take it: '2026-11-24'.
function today(now) {
  return time.beijingDate(now === undefined ? Date.now() : now)
}

function stepText(number) {
  return '第' + number + '步'
}

function names(people) {
  return (people || [])
    .map(function (person) {
      return typeof person === 'string' ? person : (person && person.name) || ''
    })
    .filter(Boolean)
    .join('、')
}

function numberText(value) {
  return typeof value === 'number' && !isNaN(value) ? String(value) : ''
}

// An entry's `details` → the lines the timeline shows under it.
function detailLines(details) {
  details = details || {}
  var lines = []
  var people = details.people || {}
  var roles = ROLE_ORDER.concat(
    Object.keys(people).filter(function (role) {
      return ROLE_ORDER.indexOf(role) === -1
    })
  )
  roles.forEach(function (role) {
    var text = names(people[role])
    if (text) lines.push((ROLE_LABELS[role] || '相关人员') + '：' + text)
  })
  var training = details.training
  if (training) {
    var parts = []
    if (numberText(training.days)) parts.push(training.days + ' 天')
    if (numberText(training.hours)) parts.push(training.hours + ' 学时')
    if (parts.length) lines.push('培训：' + parts.join('、'))
  }
  if (typeof details.review_passed === 'boolean') {
    lines.push('政治审查：' + (details.review_passed ? '合格' : '不合格'))
  }
  var votes = details.votes
  if (votes) {
    lines.push(
      '表决：' +
        VOTE_FIELDS.map(function (field) {
          return field.label + ' ' + (numberText(votes[field.key]) || '—')
        }).join('，')
    )
  }
  if (details.outcome) {
    var outcome = OUTCOME_LABELS[details.outcome] || details.outcome
    if (details.outcome === 'extend' && details.extension_months) outcome += '（' + details.extension_months + '个月）'
    lines.push('讨论结果：' + outcome)
  }
  if (details.special_reason) lines.push('特殊原因：' + details.special_reason)
  if (details.note) lines.push('备注：' + details.note)
  return lines
}

// "王书记 · 11月24日 20:00" of who did something and when; '' when nobody is named.
function byText(who, at, now) {
  if (!who) return ''
  var when = at ? time.formatBeijing(at, now) : ''
  return when ? who + ' · ' + when : who
}

// One entry of a record, for the timeline. `correctedBy` maps an entry id to the entry that
// corrects it, so that a superseded entry shows why.
function viewEntry(entry, correctedBy, now) {
  var state = entry.state || ''
  var correction = correctedBy && correctedBy[entry.id]
  var round = Number(entry.round) || 1
  return {
    id: entry.id,
    step: entry.step,
    stepText: stepText(entry.step),
    name: entry.name || '',
    roundText: round > 1 ? '第' + round + '轮' : '',
    state: state,
    stateLabel: entry.state_label || ENTRY_STATE_LABELS[state] || '',
    pending: state === 'pending',
    doneText: dateText(entry.done_on),
    recordedText: byText(entry.recorded_by, entry.recorded_at, now),
    decidedText: byText(entry.decided_by, entry.decided_at, now),
    decisionComment: entry.decision_comment || '',
    approverLabel: APPROVER_LABELS[entry.approver] || '',
    warnings: (entry.warnings || []).filter(Boolean),
    lines: detailLines(entry.details),
    // This entry was corrected by a later one: the reason given there.
    correctedReason: state === 'superseded' ? (correction && correction.correction_reason) || '' : '',
    // This entry corrects an earlier one.
    correction: !!entry.corrects_id,
    correctionReason: entry.corrects_id ? entry.correction_reason || '' : '',
  }
}

// The entries in the order they happened: by date, then step, then as the server sent them.
function viewEntries(entries, now) {
  var list = (entries || []).slice()
  var correctedBy = {}
  list.forEach(function (entry) {
    if (entry.corrects_id) correctedBy[entry.corrects_id] = entry
  })
  var order = list.map(function (entry, index) {
    return { entry: entry, index: index }
  })
  order.sort(function (a, b) {
    var dateA = a.entry.done_on || ''
    var dateB = b.entry.done_on || ''
    if (dateA !== dateB) return dateA < dateB ? -1 : 1
    if (a.entry.step !== b.entry.step) return a.entry.step - b.entry.step
    return a.index - b.index
  })
  return order.map(function (item) {
    return viewEntry(item.entry, correctedBy, now)
  })
}

// The deadline of an opening in words, by its kind: due (reminded, shown overdue), warn (later
// needs a stated special reason), hard (later is refused).
function deadlineNote(opening) {
  var deadline = dateText(opening.deadline)
  if (!deadline) return ''
  if (opening.deadline_kind === 'warn') return deadline + ' 之后办理须说明特殊原因'
  if (opening.deadline_kind === 'hard') return '最迟 ' + deadline
  return '期限 ' + deadline
}

// One opening of a record's `next`.
function viewOpening(opening) {
  var earliest = dateText(opening.earliest)
  var open = opening.open !== undefined ? !!opening.open : true
  var overdue = !!opening.overdue
  return {
    step: opening.step,
    stepText: stepText(opening.step),
    name: opening.name || '',
    open: open,
    overdue: overdue,
    recurring: !!opening.recurring,
    earliestText: earliest,
    whenText: open ? '可以办理' : earliest ? earliest + ' 起可以办理' : '',
    deadlineText: dateText(opening.deadline),
    deadlineNote: deadlineNote(opening),
    overdueText: overdue ? (opening.deadline_kind === 'warn' ? '已超期，须说明特殊原因' : '已超期') : '',
    actorLabel: ACTOR_LABELS[opening.actor] || '',
    approverLabel: APPROVER_LABELS[opening.approver] || '',
    applicantStep: opening.actor === 'applicant',
  }
}

function sortedOpenings(next) {
  return (next || []).slice().sort(function (a, b) {
    return a.step - b.step
  })
}

// A record (GET /development/records/{id} or /me) → what its pages show. The openings carry
// pendingEntryId when a submission of that step waits for its decision (nothing more can be
// recorded for it until then).
function viewRecord(body, now) {
  var person = body.person || {}
  var entries = viewEntries(body.entries, now)
  var pending = {}
  entries.forEach(function (entry) {
    if (entry.pending) pending[entry.step] = entry.id
  })
  var currentName = ''
  ;(body.entries || []).forEach(function (entry) {
    if (entry.step === body.current_step && entry.name) currentName = entry.name
  })
  return {
    id: body.id,
    personId: person.id,
    name: person.name || '',
    staffNo: person.staff_no || '',
    orgName: person.org_name || '',
    memberTypeLabel: person.member_type_label || '',
    stage: body.stage || '',
    stageLabel: body.stage_label || '',
    status: body.status || '',
    statusLabel: body.status_label || '',
    active: body.status === 'active',
    currentStep: body.current_step || 0,
    currentText: body.current_step ? stepText(body.current_step) + (currentName ? ' ' + currentName : '') : '',
    appliedText: dateText(body.applied_on),
    cohort: body.cohort || '',
    probationEndText: dateText(body.probation_end),
    extensionMonths: Number(body.extension_months) || 0,
    endedReason: body.ended_reason || '',
    canManage: !!body.can_manage,
    entries: entries,
    next: sortedOpenings(body.next).map(function (opening) {
      var view = viewOpening(opening)
      view.pendingEntryId = pending[opening.step] || 0
      return view
    }),
  }
}

// An item of the to-do's `items`: an opening with the person it is for (its `name` is theirs,
// the step's is `step_name`).
function viewTodoItem(item) {
  var view = viewOpening(Object.assign({}, item, { name: item.step_name, open: true, overdue: item.bucket === 'overdue' }))
  return Object.assign(view, {
    key: item.record_id + '-' + item.step,
    recordId: item.record_id,
    personName: item.name || '',
    orgName: item.org_name || '',
    bucket: item.bucket || '',
    whenText: item.earliest ? dateText(item.earliest) + ' 起可以办理' : '',
  })
}

// An item of the to-do's `approvals` (a submission waiting for the caller's decision).
function viewApproval(approval, now) {
  return {
    entryId: approval.entry_id,
    recordId: approval.record_id,
    personName: approval.name || '',
    orgName: approval.org_name || '',
    step: approval.step,
    stepText: stepText(approval.step),
    name: approval.step_name || '',
    approverLabel: approval.approver_label || APPROVER_LABELS[approval.approver] || '',
    doneOn: approval.done_on || '',
    doneText: dateText(approval.done_on),
    recordedText: byText(approval.recorded_by, approval.recorded_at, now),
    lines: detailLines(approval.details),
    warnings: (approval.warnings || []).filter(Boolean),
  }
}

// One entry (GET /development/entries/{id}) as the approval page shows it: the applicant, the
// step and its facts, and — when the caller may not decide it (canDecide false) — why: decided
// already (stateLabel, decidedText, decisionComment), or pending for a body the caller does not
// represent (blockedText names it).
function viewEntryDetail(body, now) {
  var person = body.person || {}
  var state = body.state || ''
  var stateLabel = body.state_label || ENTRY_STATE_LABELS[state] || ''
  var approverLabel = body.approver_label || APPROVER_LABELS[body.approver] || ''
  var pending = state === 'pending'
  var canDecide = !!body.can_decide
  var blockedText = ''
  if (!canDecide) {
    blockedText = pending
      ? '这一步须由' + (approverLabel || '审批机构') + '审批'
      : '这一步已处理' + (stateLabel ? '（' + stateLabel + '）' : '')
  }
  return {
    entryId: body.id,
    recordId: body.record_id,
    personName: person.name || '',
    orgName: person.org_name || '',
    step: body.step,
    stepText: stepText(body.step),
    name: body.name || '',
    approverLabel: approverLabel,
    doneOn: body.done_on || '',
    doneText: dateText(body.done_on),
    recordedText: byText(body.recorded_by, body.recorded_at, now),
    lines: detailLines(body.details),
    warnings: (body.warnings || []).filter(Boolean),
    state: state,
    stateLabel: stateLabel,
    pending: pending,
    canDecide: canDecide,
    blockedText: blockedText,
    decidedText: pending ? '' : byText(body.decided_by, body.decided_at, now),
    decisionComment: pending ? '' : body.decision_comment || '',
  }
}

// -- The materials card (材料) of the applicant's page and the record -------------------------

// The kinds of docs/development.md (server/development/models.py MATERIAL_KINDS), in its order.
var MATERIAL_KINDS = [
  { value: 'application', label: '入党申请书' },
  { value: 'thought_report', label: '思想汇报' },
  { value: 'conversion_application', label: '转正申请书' },
  { value: 'talk_record', label: '谈话记录' },
  { value: 'assessment', label: '考察登记' },
  { value: 'review', label: '政审材料' },
  { value: 'certificate', label: '培训结业证明' },
  { value: 'volunteer_form', label: '入党志愿书' },
  { value: 'minutes', label: '会议记录' },
  { value: 'other', label: '其他材料' },
]
// What the applicant may upload to their own record; managers upload any kind.
var APPLICANT_MATERIAL_KINDS = MATERIAL_KINDS.filter(function (kind) {
  return ['application', 'thought_report', 'conversion_application', 'other'].indexOf(kind.value) !== -1
})
// What the server takes (it checks the content); wx.chooseMessageFile filters the chat's files by it.
var MATERIAL_EXTENSIONS = ['pdf', 'docx', 'jpg', 'jpeg', 'png']
// The server's limit on a title.
var MATERIAL_TITLE_MAX = 100

function materialKindLabel(kind) {
  var found = MATERIAL_KINDS.filter(function (item) {
    return item.value === kind
  })[0]
  return found ? found.label : ''
}

// One material as the card shows it: the name, size and image/PDF of utils/attachments.js, with
// the kind, who uploaded it and when, and the type wx.openDocument is told.
function viewMaterial(material, now) {
  var file = attachments.view({
    id: material.id,
    caption: material.title,
    filename: material.filename,
    size: material.size,
    content_type: material.content_type,
  })
  var extension = (/\.([A-Za-z0-9]+)$/.exec(material.filename || '') || [])[1] || ''
  extension = extension.toLowerCase()
  return Object.assign(file, {
    kind: material.kind || '',
    kindLabel: material.kind_label || materialKindLabel(material.kind) || '材料',
    note: material.note || '',
    uploadedText: byText(material.uploaded_by, material.uploaded_at, now),
    documentType: file.pdf ? 'pdf' : extension === 'docx' ? 'docx' : '',
    canDelete: !!material.can_delete,
  })
}

// The title of a file chosen without one typed: its name in the chat without the extension (the
// upload itself carries only the temporary file's name), cut at a whole character.
function titleOfFile(name) {
  var text = String(name || '')
    .trim()
    .replace(/\.(pdf|docx|jpe?g|png)$/i, '')
  if (text.length <= MATERIAL_TITLE_MAX) return text
  return text.slice(0, MATERIAL_TITLE_MAX).replace(/[\uD800-\uDBFF]$/, '')
}

// The card's fields in a page's data.
function materialsData() {
  return {
    materials: [],
    materialsLoaded: false,
    materialsError: '',
    // Set by the page with its record: who may upload here, and which kinds.
    canUploadMaterial: false,
    materialKinds: [],
    // The upload form while open: { kindIndex (of materialKinds, -1 none yet), title, error }.
    materialForm: null,
    uploadingMaterial: false,
    removingMaterialId: '',
    openingMaterial: false,
  }
}

// A failure the member must read: the server's message in a modal (or the way to log in again).
function alertMaterialError(title, error) {
  if (feedback.leaveIfSignedOut(error)) return
  wx.showModal({ title: title, content: errors.userMessage(error), showCancel: false, confirmText: '知道了' })
}

// One file from a WeChat chat: { path, name }, or null when none was chosen.
function chooseMaterialFile() {
  return new Promise(function (resolve) {
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      extension: MATERIAL_EXTENSIONS,
      success: function (res) {
        resolve(((res && res.tempFiles) || [])[0] || null)
      },
      fail: function (err) {
        if (!/cancel/.test((err && err.errMsg) || '')) wx.showToast({ title: '无法选择文件', icon: 'none' })
        resolve(null)
      },
    })
  })
}

// The card's methods, mixed into the Page() of pages/development/me and detail. Both keep the
// record in data.record (its id names the materials) and call loadMaterials() when it loads.
var materialMethods = {
  // The list; a failure is said in the card, with 重试. Never rejects.
  loadMaterials: function () {
    var page = this
    var record = page.data.record
    if (!record) return Promise.resolve()
    return materials(record.id).then(
      function (body) {
        var now = Date.now()
        var items = ((body && body.items) || []).map(function (material) {
          return viewMaterial(material, now)
        })
        page.setData({ materials: items, materialsLoaded: true, materialsError: '' })
      },
      function (error) {
        page.setData({ materialsLoaded: true, materialsError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // An image is previewed, a PDF or .docx opened; downloaded first, with the session.
  openMaterial: function (event) {
    var page = this
    var material = page.data.materials[pagedList.indexOfId(page.data.materials, event.currentTarget.dataset.id)]
    if (!material || page.data.openingMaterial) return Promise.resolve()
    page.setData({ openingMaterial: true })
    wx.showLoading({ title: '正在打开' })
    return downloadMaterial(material.id)
      .then(
        function (path) {
          wx.hideLoading()
          if (material.image) wx.previewImage({ urls: [path], current: path })
          else wx.openDocument({ filePath: path, fileType: material.documentType || undefined, showMenu: true })
        },
        function (error) {
          wx.hideLoading()
          alertMaterialError('无法打开', error)
        }
      )
      .then(function () {
        page.setData({ openingMaterial: false })
      })
  },

  // 上传材料: the form with the kind and an optional title.
  startMaterialUpload: function () {
    if (!this.data.canUploadMaterial) return
    this.setData({ materialForm: { kindIndex: -1, title: '', error: '' } })
  },

  cancelMaterialUpload: function () {
    if (this.data.uploadingMaterial) return
    this.setData({ materialForm: null })
  },

  pickMaterialKind: function (event) {
    this.setData({ 'materialForm.kindIndex': Number(event.detail.value), 'materialForm.error': '' })
  },

  inputMaterialTitle: function (event) {
    this.setData({ 'materialForm.title': event.detail.value })
  },

  // 选择文件并上传: the kind must be chosen; then one file from a chat, uploaded, and the list
  // again. A refusal (too large, not an allowed type, empty ...) is the server's message in a
  // modal, and the form stays for another file. Never rejects.
  submitMaterial: function () {
    var page = this
    var form = page.data.materialForm
    if (!form || page.data.uploadingMaterial || page.choosingMaterial) return Promise.resolve()
    var kind = page.data.materialKinds[form.kindIndex]
    if (!kind) {
      page.setData({ 'materialForm.error': '请选择材料类别' })
      return Promise.resolve()
    }
    page.choosingMaterial = true
    return chooseMaterialFile().then(function (file) {
      page.choosingMaterial = false
      if (!file) return null
      var title = String(form.title || '').trim() || titleOfFile(file.name)
      page.setData({ uploadingMaterial: true })
      return uploadMaterial(page.data.record.id, file.path, { kind: kind.value, title: title })
        .then(
          function () {
            page.setData({ uploadingMaterial: false, materialForm: null })
            wx.showToast({ title: '上传成功', icon: 'success' })
            return page.loadMaterials()
          },
          function (error) {
            page.setData({ uploadingMaterial: false })
            alertMaterialError('上传失败', error)
          }
        )
    })
  },

  // 删除 one material the server says the caller may delete, after a confirmation.
  removeMaterial: function (event) {
    var page = this
    var material = page.data.materials[pagedList.indexOfId(page.data.materials, event.currentTarget.dataset.id)]
    if (!material || !material.canDelete || page.data.removingMaterialId !== '') return Promise.resolve()
    page.setData({ removingMaterialId: String(material.id) })
    return modal
      .confirm({
        title: '删除材料',
        content: '确定删除“' + material.name + '”吗？删除后不能恢复。',
        confirmText: '删除',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return deleteMaterial(material.id).then(
          function () {
            wx.showToast({ title: '已删除', icon: 'success' })
            return page.loadMaterials()
          },
          function (error) {
            alertMaterialError('删除失败', error)
            // Deleted meanwhile (404): the list as it is now.
            if (error instanceof errors.ApiError && error.status === 404) return page.loadMaterials()
            return null
          }
        )
      })
      .then(function () {
        page.setData({ removingMaterialId: '' })
      })
  },
}

module.exports = {
  PEOPLE_PER_PAGE: PEOPLE_PER_PAGE,
  ROLE_LABELS: ROLE_LABELS,
  ROLE_ORDER: ROLE_ORDER,
  OUTCOMES: OUTCOMES,
  OUTCOME_LABELS: OUTCOME_LABELS,
  ACTOR_LABELS: ACTOR_LABELS,
  APPROVER_LABELS: APPROVER_LABELS,
  VOTE_FIELDS: VOTE_FIELDS,
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
  isValidKey: isValidKey,
  dateText: dateText,
  today: today,
  stepText: stepText,
  detailLines: detailLines,
  viewEntry: viewEntry,
  viewEntries: viewEntries,
  viewOpening: viewOpening,
  viewRecord: viewRecord,
  viewTodoItem: viewTodoItem,
  viewApproval: viewApproval,
  viewEntryDetail: viewEntryDetail,
  MATERIAL_KINDS: MATERIAL_KINDS,
  APPLICANT_MATERIAL_KINDS: APPLICANT_MATERIAL_KINDS,
  MATERIAL_EXTENSIONS: MATERIAL_EXTENSIONS,
  viewMaterial: viewMaterial,
  materialsData: materialsData,
  materialMethods: materialMethods,
}
