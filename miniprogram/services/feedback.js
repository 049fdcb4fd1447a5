// 意见建议 / 监督举报 / 求助 (docs/feedback.md): a member writes to the organisation, named or
// anonymous, follows the case, rates the answer and may reopen it once; handlers accept, reply and
// close. Everything is under /feedback; bodies use the server's field names, and query parameters
// go in `data` (wx.request turns a GET's data into the query string).
//
// The author of a case acts on it in one of two ways, never mixed:
// - a named case by its id, under /feedback/mine/{id} (the session says whose it is);
// - an anonymous case only by its receipt code (凭证码), under /feedback/lookup and
//   /feedback/receipt/*, with the receipt in the body or an upload's form field. No URL of these
//   holds the case id (nor the receipt): an access log line must not pair the case with the
//   address it was reached from. There is no download of an anonymous case's attachments for its
//   author at all; the pages show their names and sizes only.
// Handlers (and auditors, who read only) reach a case under /feedback/cases/{id}.
//
// A receipt never goes into a URL (a page's path, a query string): addresses end up in logs and
// in WeChat's page history. Pages hand it to each other through holdCase / takeHeldCase below,
// and the phone keeps the receipts the member chose to keep under RECEIPTS_KEY, which holds the
// codes and nothing else.
//
// How the pages put these bodies into words is utils/feedback-view.js.

var api = require('../api/request')
var upload = require('../api/upload')
var meetings = require('./meetings')
var view = require('../utils/feedback-view')

var BASE = '/feedback'

var DEFAULT_PER_PAGE = 20

// The wx storage key of the receipts kept on this phone: a list of codes, nothing about the
// person or the case, so that the phone holds no more than the member chose to keep.
var RECEIPTS_KEY = 'feedbackReceipts'
// Each kept receipt is looked up whenever 我的反映 opens, against the server's limit on lookups.
var RECEIPTS_MAX = 20

// A case as its handlers reach it.
function casePath(id) {
  return BASE + '/cases/' + encodeURIComponent(String(id))
}

// A named case as its author reaches it.
function minePath(id) {
  return BASE + '/mine/' + encodeURIComponent(String(id))
}

function attachmentPath(base, attachmentId) {
  return base + '/attachments/' + encodeURIComponent(String(attachmentId))
}

// A case sent, rated, reopened, accepted, replied or closed on this phone changes what the lists
// under the page that did it show (我的反映, 反映办理, and the open count on 我的); they reload when
// shown again. A counter, as services/meetings.js has, so that each of them sees the change.
var changes = 0

function markChanged(result) {
  changes += 1
  return result
}

function changeCount() {
  return changes
}

// POST /feedback { kind, anonymous, title, content, subject_org_id? (report), subject_name? } →
// 201 { case: the submitter's view, receipt (anonymous only, shown once) }. params: { kind,
// anonymous, title, content, subjectOrgId, subjectName }; the report's fields go only with a report,
// and an empty name is left out. Errors: 422 validation_error (per field), 422 no_handler (nobody
// anywhere above holds the post that would take it), 429 too_many_cases. A text the content check
// flags is not refused: the case is held for review (review_status 'pending').
function create(params) {
  var data = {
    kind: params.kind,
    anonymous: !!params.anonymous,
    title: String(params.title || '').trim(),
    content: String(params.content || '').trim(),
  }
  if (params.kind === 'report') {
    data.subject_org_id = params.subjectOrgId
    var name = String(params.subjectName || '').trim()
    if (name) data.subject_name = name
  }
  return api.request({ url: BASE, method: 'POST', data: data }).then(markChanged)
}

// GET /feedback/subject-orgs → { items: [{ id, name, parent_id, type }] }: every org, for the
// report form's picker.
function subjectOrgs() {
  return api.request({ url: BASE + '/subject-orgs' })
}

// GET /feedback/mine?page=&per_page= → { items, meta }: the caller's named cases, newest first.
function mine(page, perPage) {
  return api.request({ url: BASE + '/mine', data: { page: page || 1, per_page: perPage || DEFAULT_PER_PAGE } })
}

// GET /feedback/mine/{id} → one of the caller's named cases (the submitter's view); 404 otherwise.
function mineCase(id) {
  return api.request({ url: minePath(id) })
}

// POST /feedback/lookup { receipt } → the case (the submitter's view). 404 not_found for a receipt
// of no case; 422 validation_error (errors.receipt) for one that is not 16 letters and digits
// (lower case, spaces and dashes are accepted); 429 too_many_lookups.
function lookup(receipt) {
  return api.request({ url: BASE + '/lookup', method: 'POST', data: { receipt: receipt } })
}

// The body of a rating: { score (1–5), comment? }, an empty comment left out.
function ratingBody(params) {
  var data = { score: params.score }
  var comment = String(params.comment || '').trim()
  if (comment) data.comment = comment
  return data
}

function reasonText(reason) {
  return String(reason || '').trim()
}

// -- the author of a named case: /feedback/mine/{id}/... ------------------------------------------

// POST /feedback/mine/{id}/rating { score, comment? } → the case. Errors: 409 already_rated,
// 409 wrong_status (no reply yet), 422 content_flagged (the comment: errors.comment names the
// words), 404 not_found.
function rateMine(id, params) {
  return api.request({ url: minePath(id) + '/rating', method: 'POST', data: ratingBody(params) }).then(markChanged)
}

// POST /feedback/mine/{id}/reopen { reason } → the case, accepted again with a new reply deadline.
// Once per case: 409 already_reopened; 409 wrong_status before a reply; 422 content_flagged
// (errors.reason).
function reopenMine(id, reason) {
  return api.request({ url: minePath(id) + '/reopen', method: 'POST', data: { reason: reasonText(reason) } }).then(markChanged)
}

// POST /feedback/mine/{id}/attachments (multipart `file`) → 201 the whole case (the submitter's
// view, with its attachments). filePath is a temporary file of wx.chooseMedia or
// wx.chooseMessageFile: a picture (JPEG/PNG/WebP) or a PDF. Errors: 409 attachments_closed
// (after the day it was sent, or once accepted), 409 too_many_attachments, 413 file_too_large /
// image_too_large, 415 file_type_not_allowed, 422 file_empty / file_invalid.
function uploadMine(id, filePath) {
  return upload.upload({ url: minePath(id) + '/attachments', filePath: filePath, name: 'file', formData: {} })
}

// GET /feedback/mine/{id}/attachments/{aid} into a temporary file, with the session
// (services/meetings.js downloadContent), for wx.previewImage / wx.openDocument. Resolves with the
// temporary path.
function downloadMine(id, attachmentId) {
  return meetings.downloadContent(attachmentPath(minePath(id), attachmentId))
}

// -- the author of an anonymous case: /feedback/receipt/*, the receipt in the body ----------------
// No case id in any of these URLs. The errors are a named case's, and also 404 not_found for a
// receipt of no case, 422 validation_error (errors.receipt) for a malformed one.

// POST /feedback/receipt/rating { receipt, score, comment? } → the case.
function rateByReceipt(receipt, params) {
  var data = ratingBody(params)
  data.receipt = receipt
  return api.request({ url: BASE + '/receipt/rating', method: 'POST', data: data }).then(markChanged)
}

// POST /feedback/receipt/reopen { receipt, reason } → the case.
function reopenByReceipt(receipt, reason) {
  return api
    .request({ url: BASE + '/receipt/reopen', method: 'POST', data: { receipt: receipt, reason: reasonText(reason) } })
    .then(markChanged)
}

// POST /feedback/receipt/attachments (multipart `file`, form field `receipt`) → 201 the whole
// case. Pictures only (JPEG/PNG/WebP; a PDF is refused with 415 file_type_not_allowed: its
// metadata names its author), saved as 附件N with their metadata removed.
function uploadByReceipt(receipt, filePath) {
  return upload.upload({ url: BASE + '/receipt/attachments', filePath: filePath, name: 'file', formData: { receipt: receipt } })
}

// -- handlers and auditors: /feedback/cases -------------------------------------------------------

// GET /feedback/handling → { handles, open }: whether the caller handles cases, and how many are
// open.
function handling() {
  return api.request({ url: BASE + '/handling' })
}

// GET /feedback/cases?status=&kind=&page=&per_page= → { items (handler views), meta }: the cases
// the caller handles (an auditor: all in scope), most urgent first. params: { status?, kind?,
// page?, per_page? }; empty ones left out.
function cases(params) {
  params = params || {}
  var data = { page: params.page || 1, per_page: params.per_page || DEFAULT_PER_PAGE }
  if (view.STATUS_LABELS[params.status]) data.status = params.status
  if (view.KIND_LABELS[params.kind]) data.kind = params.kind
  return api.request({ url: BASE + '/cases', data: data })
}

// GET /feedback/cases/{id} → the handler's view; 404 for a case the caller does not handle.
function handlerCase(id) {
  return api.request({ url: casePath(id) })
}

// GET /feedback/cases/{id}/attachments/{aid} into a temporary file, with the session. Resolves
// with the temporary path.
function downloadHandled(id, attachmentId) {
  return meetings.downloadContent(attachmentPath(casePath(id), attachmentId))
}

// The acts below answer 403 forbidden to an auditor (who reads only) and 404 not_found for a case
// the caller does not handle.

// POST /feedback/cases/{id}/accept → the handler's view. 409 wrong_status when not submitted.
function accept(id) {
  return api.request({ url: casePath(id) + '/accept', method: 'POST' }).then(markChanged)
}

// POST /feedback/cases/{id}/reply { content } → the handler's view. 422 content_flagged names the
// words the content check found; 409 wrong_status.
function reply(id, content) {
  return api
    .request({ url: casePath(id) + '/reply', method: 'POST', data: { content: String(content || '').trim() } })
    .then(markChanged)
}

// POST /feedback/cases/{id}/close { content? } → the handler's view: with a last reply, or after
// at least one (409 wrong_status otherwise). An empty text is left out.
function close(id, content) {
  var data = {}
  var text = String(content || '').trim()
  if (text) data.content = text
  return api.request({ url: casePath(id) + '/close', method: 'POST', data: data }).then(markChanged)
}

// The receipts kept on this phone, newest first, each formatted ('ABCD-EFGH-JKLM-NPQR').
function savedReceipts() {
  var stored = wx.getStorageSync(RECEIPTS_KEY)
  if (!Array.isArray(stored)) return []
  var seen = {}
  return stored.filter(function (receipt) {
    if (typeof receipt !== 'string' || !receipt || seen[receipt]) return false
    seen[receipt] = true
    return true
  })
}

function isReceiptSaved(receipt) {
  return savedReceipts().indexOf(receipt) !== -1
}

// Keeps a receipt on this phone (first in the list). Returns false, keeping nothing, when
// RECEIPTS_MAX are kept already, so the page can say so.
function saveReceipt(receipt) {
  var kept = savedReceipts()
  if (kept.indexOf(receipt) !== -1) return true
  if (kept.length >= RECEIPTS_MAX) return false
  wx.setStorageSync(RECEIPTS_KEY, [receipt].concat(kept))
  return true
}

function removeReceipt(receipt) {
  var kept = savedReceipts().filter(function (item) {
    return item !== receipt
  })
  if (kept.length) wx.setStorageSync(RECEIPTS_KEY, kept)
  else wx.removeStorageSync(RECEIPTS_KEY)
}

// The handover of an anonymous case to pages/feedback/case: the receipt (and the case as just
// looked up, so that the page need not look it up again) stay in memory, never in the page's URL.
// The case page takes it once, on load.
var held = null

function holdCase(receipt, body) {
  held = { receipt: receipt, body: body || null }
}

function takeHeldCase() {
  var taken = held
  held = null
  return taken
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  RECEIPTS_KEY: RECEIPTS_KEY,
  RECEIPTS_MAX: RECEIPTS_MAX,
  markChanged: markChanged,
  changeCount: changeCount,
  create: create,
  subjectOrgs: subjectOrgs,
  mine: mine,
  mineCase: mineCase,
  lookup: lookup,
  rateMine: rateMine,
  reopenMine: reopenMine,
  uploadMine: uploadMine,
  downloadMine: downloadMine,
  rateByReceipt: rateByReceipt,
  reopenByReceipt: reopenByReceipt,
  uploadByReceipt: uploadByReceipt,
  handling: handling,
  cases: cases,
  handlerCase: handlerCase,
  downloadHandled: downloadHandled,
  accept: accept,
  reply: reply,
  close: close,
  savedReceipts: savedReceipts,
  isReceiptSaved: isReceiptSaved,
  saveReceipt: saveReceipt,
  removeReceipt: removeReceipt,
  holdCase: holdCase,
  takeHeldCase: takeHeldCase,
}
