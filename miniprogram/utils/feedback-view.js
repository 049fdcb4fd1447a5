// How the pages of 意见建议 / 监督举报 / 求助 (pages/feedback/*) put a case into words: the kinds,
// statuses and review states, the deadlines (due and overdue), the receipt code (凭证码) as typed
// and as shown, the orgs a report may name, and the checks the form makes before asking the
// server. Pure functions of the server's bodies (docs/feedback.md, services/feedback.js), so they
// are tested alone. Not to be confused with utils/feedback.js, which shows errors as toasts.

var time = require('./time')
var notices = require('./notices')
var attachments = require('./attachments')
var adminText = require('./meeting-admin')

// The server's limits (docs/feedback.md), counted after trimming as the server counts (code
// points: notices.charCount).
var TITLE_MAX = 50
var CONTENT_MAX = 2000
var SUBJECT_NAME_MAX = 50
var COMMENT_MAX = 200
var REASON_MAX = 500
var REPLY_MAX = 2000
// Attachments per case, added while it waits to be accepted, on the day it was sent.
var ATTACHMENTS_MAX = 3

// Why an anonymous case takes pictures only (docs/feedback.md Anonymity; the server refuses a PDF
// with 415): said wherever files are added to one.
var ANONYMOUS_FILES_NOTE = '匿名反映只能附照片（JPEG、PNG、WebP），不能附 PDF：PDF 文件里通常记有作者姓名和所用电脑，会暴露你的身份'
// Why the author of an anonymous case sees its attachments' names only: there is no way to fetch
// them by the receipt.
var ANONYMOUS_ATTACHMENTS_NOTE = '匿名反映的附件只有办理人可以打开查看'

// The three ways to write to the organisation, in the order the form offers them, with where each
// goes (docs/feedback.md Routing), so the member knows who will read it before writing.
var KINDS = [
  { value: 'suggestion', label: '意见建议', hint: '对党组织工作的意见和建议，送交你所在支部的书记、副书记办理' },
  {
    value: 'report',
    label: '监督举报',
    hint: '反映党组织或党员的问题，送交被反映组织上一级的纪检委员（纪委）办理，不会送交被反映的组织',
  },
  { value: 'help', label: '求助', hint: '学习、工作、生活中遇到的困难，送交你所在支部的书记、副书记办理' },
]
var KIND_LABELS = {}
KINDS.forEach(function (kind) {
  KIND_LABELS[kind.value] = kind.label
})

var STATUS_LABELS = { submitted: '待受理', accepted: '办理中', replied: '已答复', closed: '已办结' }

// The handler's list, one tab per status, in the order a case goes through them.
var STATUS_TABS = [
  { value: 'submitted', label: '待受理' },
  { value: 'accepted', label: '办理中' },
  { value: 'replied', label: '已答复' },
  { value: 'closed', label: '已办结' },
]

// review_status (docs/feedback.md Content check): a case the content check held is not sent to its
// handlers until an administrator approves it; published has no tag.
var REVIEW_LABELS = { pending: '审核中', rejected: '未通过审核' }
var REVIEW_NOTES = {
  pending: '你的反映包含需要审核的内容，审核通过后才会送交办理，办理期限从审核通过之日起计算',
  rejected: '你的反映未通过内容审核，不会送交办理',
}

// What anonymity means (docs/feedback.md Anonymity), said next to the switch before the member
// chooses it.
var ANONYMOUS_POINTS = [
  '不记录你的姓名、账号、设备和网络地址，只保留提交的日期',
  '提交后会给你一个凭证码，它是查看办理进展、答复和评价的唯一方式；凭证码丢失后，这件反映将无法再查看或跟进',
  '意见建议和求助仍会送到你所在的支部办理，支部能知道反映来自本支部',
  '监督举报无法单独答复你本人，办理情况只能通过凭证码查看',
]

// The events of a case as the handler's view lists them: the handlers' acts only (the submitter's
// acts on an anonymous case are kept as the day alone, never as events).
var EVENT_LABELS = { accept: '受理', reply: '答复', close: '办结' }

// The receipt: 16 letters and digits, shown in four groups of four.
var RECEIPT_LENGTH = 16
var RECEIPT_PATTERN = /^[A-Z0-9]{16}$/

function kindLabel(kind, fallback) {
  return KIND_LABELS[kind] || fallback || ''
}

function statusLabel(status, fallback) {
  return STATUS_LABELS[status] || fallback || ''
}

// A receipt as the member typed or pasted it → its 16 characters: full-width forms made plain
// (a Chinese keyboard's ＡＢＣ１２３), upper case, spaces and dashes (also the long and full-width
// ones) left out. Anything else stays, so that a wrong character is refused rather than dropped.
function normaliseReceipt(text) {
  var value = text === undefined || text === null ? '' : String(text)
  if (typeof value.normalize === 'function') value = value.normalize('NFKC')
  return value.toUpperCase().replace(/[\s\-\u2010-\u2015\u2212\u30FC\uFF0D]/g, '')
}

// 'ABCD-EFGH-JKLM-NPQR' of a receipt in any of the forms normaliseReceipt takes; '' when it is not
// 16 letters and digits.
function formatReceipt(text) {
  var value = normaliseReceipt(text)
  if (!RECEIPT_PATTERN.test(value)) return ''
  return value.match(/.{4}/g).join('-')
}

// Why a typed receipt cannot be looked up; '' when it can.
function receiptError(text) {
  var value = normaliseReceipt(text)
  if (!value) return '请输入凭证码'
  if (!RECEIPT_PATTERN.test(value)) return '凭证码应为 ' + RECEIPT_LENGTH + ' 位字母和数字'
  return ''
}

// The deadline a case is waiting on, as a line of its row: { text, overdue }. A case waiting to be
// accepted by accept_due ("须于 11月27日 前受理", "明天须受理", "今天须受理", "受理已超期 2 天"),
// one accepted (or reopened) waiting for its reply by reply_due; replied, closed and held cases
// wait on nobody. `overdue` is also true when the server says so (the handler's view), whatever
// the phone's date.
function dueInfo(item, todayText) {
  var none = { text: '', overdue: false }
  if (!item || item.review_status === 'pending' || item.review_status === 'rejected') return none
  var step = item.status === 'submitted' ? '受理' : item.status === 'accepted' ? '答复' : ''
  if (!step) return none
  var due = item.status === 'submitted' ? item.accept_due : item.reply_due
  var days = time.dayNumber(due) - time.dayNumber(todayText)
  if (days < 0) return { text: step + '已超期 ' + -days + ' 天', overdue: true }
  if (item.overdue === 'accept' || item.overdue === 'reply') return { text: step + '已超期', overdue: true }
  if (isNaN(days)) return none
  if (days === 0) return { text: '今天须' + step, overdue: false }
  if (days === 1) return { text: '明天须' + step, overdue: false }
  return { text: '须于 ' + time.dayText(due, todayText) + ' 前' + step, overdue: false }
}

// The time of an event (a handler's act, to the instant): "11月24日 20:30" in Beijing.
function eventTimeText(at, now) {
  return time.formatBeijing(at, now)
}

// An attachment of a case: { id, name, size, content_type }. The server names every file (an
// anonymous case's pictures 附件1.jpg, …); the number is only for a body without one.
function viewAttachment(attachment, index) {
  attachment = attachment || {}
  var type = attachment.content_type || ''
  return attachments.view({ id: attachment.id, caption: attachment.name || '附件 ' + (index + 1), size: attachment.size, content_type: type })
}

// The stars of a rating: [{ value, on }] for 1–5.
function stars(score) {
  var value = Number(score) || 0
  return [1, 2, 3, 4, 5].map(function (n) {
    return { value: n, on: n <= value }
  })
}

// The submitter's view of a case (GET /feedback/mine/{id}, POST /feedback/lookup, and the answers
// of rating and reopening). `now` in milliseconds.
function viewCase(body, now) {
  body = body || {}
  var todayText = time.today(now)
  var review = body.review_status || ''
  var rating = Number(body.rating) || 0
  return {
    id: body.id,
    kind: body.kind || '',
    kindLabel: kindLabel(body.kind, body.kind_label),
    title: body.title || '',
    content: body.content || '',
    anonymous: !!body.anonymous,
    status: body.status || '',
    statusLabel: statusLabel(body.status, body.status_label),
    reviewStatus: review,
    reviewLabel: REVIEW_LABELS[review] || '',
    reviewNote: REVIEW_NOTES[review] || '',
    submittedOn: body.submitted_on || '',
    submittedText: time.dayText(body.submitted_on, todayText),
    acceptDueText: time.dayText(body.accept_due, todayText),
    replyDueText: time.dayText(body.reply_due, todayText),
    acceptedText: time.dayText(body.accepted_on, todayText),
    closedText: time.dayText(body.closed_on, todayText),
    due: dueInfo(body, todayText),
    handlerOrgName: body.handler_org_name || '',
    subjectOrgName: body.subject_org_name || '',
    subjectName: body.subject_name || '',
    replies: (body.replies || []).map(function (reply, index) {
      return { key: 'reply-' + index, content: (reply && reply.content) || '', dayText: time.dayText(reply && reply.on, todayText) }
    }),
    rating: rating,
    ratingStars: stars(rating),
    ratingComment: body.rating_comment || '',
    canRate: !!body.can_rate,
    canReopen: !!body.can_reopen,
    reopened: !!body.reopened,
    reopenReason: body.reopen_reason || '',
    attachments: (body.attachments || []).map(viewAttachment),
  }
}

// Whether the submitter may still add attachments (docs/feedback.md: while submitted, on the day
// it was sent, at most ATTACHMENTS_MAX). The server decides; this only keeps the button away.
function canAddAttachments(view, now) {
  return (
    !!view &&
    view.status === 'submitted' &&
    view.submittedOn === time.today(now) &&
    view.attachments.length < ATTACHMENTS_MAX
  )
}

// Who sent a case, as the handler's view says it: "张三 · 本科生第一党支部", or 匿名 (`submitter`
// is null for an anonymous case).
function submitterText(body) {
  var submitter = body.submitter
  if (body.anonymous || !submitter) return '匿名'
  return [submitter.name, submitter.org_name].filter(Boolean).join(' · ') || '实名'
}

// The handler's view (GET /feedback/cases/{id} and the answers of accept, reply and close): the
// submitter's view with who sent it, the deadline missed (`overdue`: 'accept' | 'reply' | null),
// what may be done now and the events ([{ action: 'accept' | 'reply' | 'close', at, by }]). A case
// held for review is read by auditors only, who may not act: nothing is offered on it.
function viewHandlerCase(body, now) {
  body = body || {}
  var view = viewCase(body, now)
  var open = !view.reviewStatus || view.reviewStatus === 'published'
  view.submitterText = submitterText(body)
  view.overdue = body.overdue === 'accept' || body.overdue === 'reply' ? body.overdue : ''
  view.canAccept = open && view.status === 'submitted'
  view.canReply = open && (view.status === 'accepted' || view.status === 'replied')
  view.canClose = view.canReply
  view.events = (body.events || []).map(function (event, index) {
    event = event || {}
    return {
      key: 'event-' + index,
      label: EVENT_LABELS[event.action] || event.action || '',
      timeText: eventTimeText(event.at, now),
      by: adminText.personName(event.by),
    }
  })
  return view
}

// A row of the submitter's lists (GET /feedback/mine, a receipt looked up): a submitter's view.
// `now` in milliseconds.
function viewListItem(item, now) {
  item = item || {}
  var todayText = time.today(now)
  var due = dueInfo(item, todayText)
  return {
    id: item.id,
    kind: item.kind || '',
    kindLabel: kindLabel(item.kind, item.kind_label),
    title: item.title || '',
    status: item.status || '',
    statusLabel: statusLabel(item.status, item.status_label),
    reviewStatus: item.review_status || '',
    reviewLabel: REVIEW_LABELS[item.review_status] || '',
    submittedText: time.dayText(item.submitted_on, todayText),
    anonymous: !!item.anonymous,
    reopened: !!item.reopened,
    dueText: due.text,
    overdue: due.overdue,
  }
}

// A row of the handlers' list (GET /feedback/cases): a handler's view, so the row also says who
// sent it (the name alone: the row is short) and whether the submitter asked for it again.
function viewHandlerListItem(item, now) {
  item = item || {}
  var row = viewListItem(item, now)
  row.submitterText = item.anonymous || !item.submitter ? '匿名' : item.submitter.name || '实名'
  return row
}

// GET /feedback/subject-orgs items ({ id, name, parent_id, type }) → the picker's options, in tree
// order (each org followed by those below it, the server's order among siblings), each labelled
// with its path: "计算机学院党总支 / 本科生第一党支部". With one top org (the university's 党委) its name
// is left out of the paths below it, which would all start with it. An org whose parent is not
// listed counts as a top org; a loop in the data is cut.
function orgOptions(items) {
  var orgs = (items || []).filter(function (org) {
    return org && typeof org.id === 'number' && org.name
  })
  var byId = {}
  orgs.forEach(function (org) {
    byId[org.id] = org
  })
  var children = {}
  var roots = []
  orgs.forEach(function (org) {
    var parent = org.parent_id
    if (parent !== null && parent !== undefined && byId[parent] && parent !== org.id) {
      ;(children[parent] = children[parent] || []).push(org)
    } else {
      roots.push(org)
    }
  })
  var options = []
  var seen = {}
  var dropRoot = roots.length === 1
  function visit(org, names, depth) {
    if (seen[org.id]) return
    seen[org.id] = true
    var path = names.concat([org.name])
    var shown = dropRoot && depth > 0 ? path.slice(1) : path
    options.push({ id: org.id, name: org.name, type: org.type || '', depth: depth, label: shown.join(' / ') })
    ;(children[org.id] || []).forEach(function (child) {
      visit(child, path, depth + 1)
    })
  }
  roots.forEach(function (org) {
    visit(org, [], 0)
  })
  return options
}

// The options whose path holds the typed text (case-insensitive, spaces ignored); all for none.
function filterOrgOptions(options, query) {
  var wanted = String(query || '')
    .replace(/\s+/g, '')
    .toLowerCase()
  if (!wanted) return options.slice()
  return options.filter(function (option) {
    return option.label.replace(/\s+/g, '').toLowerCase().indexOf(wanted) !== -1
  })
}

// A trimmed text's length (code points, as the server counts) against its limit: '' when fine, else
// the message: `emptyMessage` for none, "<name>不能超过 <max> 个字" for too much.
function lengthError(text, max, emptyMessage, name) {
  var count = notices.charCount(text)
  if (!count) return emptyMessage
  if (count > max) return name + '不能超过 ' + max + ' 个字'
  return ''
}

// Field messages for what the phone can tell before asking the server. data: { kind, title,
// content, subjectOrgId, subjectName (texts as typed), anonymous, files }.
function validateCase(data) {
  var fieldErrors = {}
  if (!KIND_LABELS[data.kind]) fieldErrors.kind = '请选择反映类型'
  var title = lengthError(String(data.title || '').trim(), TITLE_MAX, '请输入标题', '标题')
  if (title) fieldErrors.title = title
  var content = lengthError(String(data.content || '').trim(), CONTENT_MAX, '请输入内容', '内容')
  if (content) fieldErrors.content = content
  if (data.kind === 'report') {
    if (!data.subjectOrgId) fieldErrors.subjectOrg = '请选择被反映的组织'
    if (notices.charCount(String(data.subjectName || '').trim()) > SUBJECT_NAME_MAX) {
      fieldErrors.subjectName = '被反映人不能超过 ' + SUBJECT_NAME_MAX + ' 个字'
    }
  }
  var files = filesError(data.anonymous, data.files)
  if (files) fieldErrors.files = files
  return fieldErrors
}

// The files chosen for a case ([{ image, … }], pages/feedback/files.js) against its anonymity: the
// server would refuse each PDF of an anonymous case (415) once the case exists; better to say it
// before, for the member to remove them or send the case named. '' when fine.
function filesError(anonymous, files) {
  var pdfs = (files || []).filter(function (file) {
    return file && !file.image
  })
  return anonymous && pdfs.length ? '匿名反映不能附 PDF 文件，请移除 PDF 或改为实名提交' : ''
}

// The message of a 422 content_flagged (docs/feedback.md: "naming the words"). The server's
// message names them ("内容含有不当词语（…），请修改后再提交"); errors holds them by field too
// ({ comment: ['含有不当词语：…'] }), said when the message is missing.
function flaggedMessage(error) {
  if (error && error.message) return error.message
  var found = (error && error.errors) || {}
  var messages = []
  Object.keys(found).forEach(function (field) {
    ;(Array.isArray(found[field]) ? found[field] : [found[field]]).forEach(function (message) {
      if (typeof message === 'string' && message && messages.indexOf(message) === -1) messages.push(message)
    })
  })
  return messages.length ? messages.join('；') : '内容包含不宜发布的词语，请修改后再提交'
}

function isFlagged(error) {
  return !!error && error.status === 422 && error.code === 'content_flagged'
}

module.exports = {
  TITLE_MAX: TITLE_MAX,
  CONTENT_MAX: CONTENT_MAX,
  SUBJECT_NAME_MAX: SUBJECT_NAME_MAX,
  COMMENT_MAX: COMMENT_MAX,
  REASON_MAX: REASON_MAX,
  REPLY_MAX: REPLY_MAX,
  ATTACHMENTS_MAX: ATTACHMENTS_MAX,
  ANONYMOUS_FILES_NOTE: ANONYMOUS_FILES_NOTE,
  ANONYMOUS_ATTACHMENTS_NOTE: ANONYMOUS_ATTACHMENTS_NOTE,
  KINDS: KINDS,
  KIND_LABELS: KIND_LABELS,
  STATUS_LABELS: STATUS_LABELS,
  STATUS_TABS: STATUS_TABS,
  REVIEW_NOTES: REVIEW_NOTES,
  ANONYMOUS_POINTS: ANONYMOUS_POINTS,
  kindLabel: kindLabel,
  statusLabel: statusLabel,
  normaliseReceipt: normaliseReceipt,
  formatReceipt: formatReceipt,
  receiptError: receiptError,
  dueInfo: dueInfo,
  eventTimeText: eventTimeText,
  stars: stars,
  viewCase: viewCase,
  canAddAttachments: canAddAttachments,
  submitterText: submitterText,
  viewHandlerCase: viewHandlerCase,
  viewListItem: viewListItem,
  viewHandlerListItem: viewHandlerListItem,
  orgOptions: orgOptions,
  filterOrgOptions: filterOrgOptions,
  lengthError: lengthError,
  validateCase: validateCase,
  filesError: filesError,
  flaggedMessage: flaggedMessage,
  isFlagged: isFlagged,
}
