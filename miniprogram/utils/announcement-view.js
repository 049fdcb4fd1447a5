// How the announcement pages (pages/announcements/*) put the bodies of services/announcements.js
// into words: a list row (置顶, the unread dot), the detail page, a row of the secretary's list with
// its reading figures, and the receipts (who has read it). Pure functions, tested alone.

var time = require('./time')
var studyView = require('./study-view')

// Who an announcement is for, as the server's audience_label says it (the list's rows carry only
// the code).
var AUDIENCE_LABELS = {
  public: '公开',
  members: '全体党员',
  roles: '指定职务',
}

// The server sends status_label with the managed list; these are the fallback.
var STATUS_LABELS = {
  draft: '草稿',
  pending_review: '审核中',
  published: '已发布',
  rejected: '未通过审核',
  withdrawn: '已撤回',
}

// The party posts a 指定职务 announcement names (roles), for a body without role_labels.
var POST_LABELS = {
  secretary: '书记',
  deputy_secretary: '副书记',
  organization: '组织委员',
  propaganda: '宣传委员',
  discipline: '纪检委员',
  committee_member: '委员',
  group_leader: '党小组长',
}

// The tabs of the receipts page, as GET /announcements/{id}/receipts?state= takes them.
var RECEIPT_TABS = [
  { key: 'read', label: '已读' },
  { key: 'unread', label: '未读' },
]

function audienceLabel(audience) {
  return (audience && AUDIENCE_LABELS[audience]) || ''
}

// The posts of a 指定职务 announcement: "组织委员、宣传委员". `roles` are the server's labels
// (role_labels) or its keys (roles), which are put into words here.
function rolesText(roles) {
  return (roles || [])
    .map(function (role) {
      if (typeof role === 'string') return POST_LABELS[role] || role
      return (role && (role.label || role.name || role.key)) || ''
    })
    .filter(Boolean)
    .join('、')
}

// One row of GET /announcements (and the common part of the managed list's rows).
function viewAnnouncementItem(item, now) {
  return {
    id: item.id,
    title: item.title || '',
    summary: item.summary || '',
    orgName: item.org_name || '',
    audienceLabel: audienceLabel(item.audience),
    pinned: !!item.pinned,
    unread: item.read === false,
    timeText: time.relativeTime(item.published_at, now),
  }
}

// GET /announcements/{id} → the detail page. The body is HTML the server sanitised, shown with
// <rich-text>; its images are fitted to the screen.
function viewAnnouncement(body, now) {
  body = body || {}
  var roles = rolesText(body.role_labels && body.role_labels.length ? body.role_labels : body.roles)
  var audience = body.audience_label || audienceLabel(body.audience)
  return {
    id: body.id,
    title: body.title || '',
    html: studyView.readableHtml(body.body),
    orgName: body.org_name || '',
    // "指定职务（书记、组织委员）": the page puts it after 公开范围：.
    audienceLabel: body.audience === 'roles' && roles ? audience + '（' + roles + '）' : audience,
    pinned: !!body.pinned,
    timeText: time.formatBeijing(body.published_at, now),
  }
}

// "已读 12 / 30 人"; 0 of 0 when nobody is addressed yet.
function readText(readCount, audienceSize) {
  return '已读 ' + (Number(readCount) || 0) + ' / ' + (Number(audienceSize) || 0) + ' 人'
}

// Whole percent read, 0–100, for the bar.
function readPercent(readCount, audienceSize) {
  var size = Number(audienceSize) || 0
  if (size <= 0) return 0
  return Math.min(100, Math.floor(((Number(readCount) || 0) / size) * 100))
}

// One row of GET /announcements/managed.
function viewManagedItem(item, now) {
  return Object.assign(viewAnnouncementItem(item, now), {
    // The secretary's own list: whether they read it is beside the point.
    unread: false,
    status: item.status || '',
    statusLabel: item.status_label || STATUS_LABELS[item.status] || '',
    readText: readText(item.read_count, item.audience_size),
    percent: readPercent(item.read_count, item.audience_size),
  })
}

// One person of GET /announcements/{id}/receipts. The person's id is the row's id: the paged list
// tells rows apart by id.
function viewReceipt(item, now) {
  return {
    id: item.person_id,
    name: item.name || '',
    orgName: item.org_name || '',
    readText: item.read_at ? time.relativeTime(item.read_at, now) + ' 阅读' : '',
  }
}

// The counts of a receipts body for the page's header.
function receiptCounts(body) {
  var size = Number(body && body.audience_size) || 0
  var read = Number(body && body.read_count) || 0
  return {
    audienceSize: size,
    readCount: read,
    unreadCount: Math.max(0, size - read),
    readText: readText(read, size),
    percent: readPercent(read, size),
  }
}

module.exports = {
  STATUS_LABELS: STATUS_LABELS,
  RECEIPT_TABS: RECEIPT_TABS,
  audienceLabel: audienceLabel,
  rolesText: rolesText,
  viewAnnouncementItem: viewAnnouncementItem,
  viewAnnouncement: viewAnnouncement,
  readText: readText,
  readPercent: readPercent,
  viewManagedItem: viewManagedItem,
  viewReceipt: viewReceipt,
  receiptCounts: receiptCounts,
}
