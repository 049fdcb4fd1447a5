// How the pages of 通知发送 put a notice and its delivery report into words. Pure functions of the
// server's Notification and Delivery bodies (see services/notices.js), so they are tested alone.

var time = require('./time')

// The server's limits on a notice (NoticeCreateSchema), counted after trimming.
var TITLE_MAX = 40
var CONTENT_MAX = 500
// How far ahead a notice may be scheduled. The server allows a little more (it compares whole
// days); the phone keeps to the 90 days its message names.
var SCHEDULE_MAX_DAYS = 90

var NOTICE_STATE_LABELS = {
  scheduled: '待发送',
  dispatched: '已发送',
  cancelled: '已撤销',
}

// Characters as the server counts them (Python's len: code points). JavaScript's length counts
// UTF-16 units, so an emoji would count twice.
function charCount(text) {
  return String(text || '').replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length
}

// The delivery states, grouped the way a secretary asks "who got it":
//   wechat:    WeChat accepted the push (sent) or confirmed it (delivered)
//   inboxOnly: no WeChat channel reaches them (unreachable) or they switched the kind off (muted);
//              the message is in their 站内信 all the same
//   failed:    WeChat refused it (failed) or the member blocked the account (blocked)
//   pending:   waiting for its push (queued: possibly deferred past quiet hours) or being sent
var STATE_GROUPS = {
  wechat: ['sent', 'delivered'],
  inboxOnly: ['unreachable', 'muted'],
  failed: ['failed', 'blocked'],
  pending: ['queued', 'sending'],
}

function sumStates(byState, states) {
  return states.reduce(function (sum, state) {
    return sum + (Number(byState[state]) || 0)
  }, 0)
}

// A notice's counts by group. `people` is how many it is addressed to: before dispatch there are
// no deliveries yet (counts.total is 0) and only recipient_count says it.
function reachCounts(notification) {
  var counts = (notification && notification.counts) || {}
  var byState = counts.by_state || {}
  var total = Number(counts.total) || 0
  return {
    people: Math.max(total, Number(notification && notification.recipient_count) || 0),
    total: total,
    read: Number(counts.read) || 0,
    wechat: sumStates(byState, STATE_GROUPS.wechat),
    inboxOnly: sumStates(byState, STATE_GROUPS.inboxOnly),
    failed: sumStates(byState, STATE_GROUPS.failed),
    pending: sumStates(byState, STATE_GROUPS.pending),
  }
}

// One line for the list: "22 人 · 微信送达 15 · 仅站内信 6 · 失败 1 · 已读 9". Empty groups are left
// out; 已读 shows as soon as there are deliveries (已读 0 is news too). A notice not dispatched
// (scheduled or cancelled) has no deliveries and shows the number of people only.
function reachSummary(notification) {
  var c = reachCounts(notification)
  var parts = [c.people + ' 人']
  if (!c.total) return parts[0]
  if (c.wechat) parts.push('微信送达 ' + c.wechat)
  if (c.inboxOnly) parts.push('仅站内信 ' + c.inboxOnly)
  if (c.failed) parts.push('失败 ' + c.failed)
  if (c.pending) parts.push('排队 ' + c.pending)
  parts.push('已读 ' + c.read)
  return parts.join(' · ')
}

// Why a recipient was not reached on WeChat (Delivery.reason), in words.
var REASON_TEXTS = {
  not_bound: '未绑定微信',
  no_wechat_channel: '未关注公众号且未订阅',
  not_following: '已取消关注',
  invalid_openid: '微信账号无效',
  no_subscribe_grant: '订阅次数已用完',
  opted_out: '已关闭此类提醒',
  unknown_outcome: '结果未知',
  // A transient failure being retried.
  network: '网络异常，等待重试',
  // TEMPLATESENDJOBFINISH statuses, stored as they arrive.
  'failed:user block': '用户拒收',
  'failed: system failed': '微信系统发送失败',
}

function reasonText(reason) {
  if (!reason) return ''
  if (REASON_TEXTS[reason]) return REASON_TEXTS[reason]
  var wechat = /^wechat_(-?\d+)$/.exec(reason)
  if (wechat) return '微信错误 ' + wechat[1]
  // Anything else (a server-side exception name while it retries) is shown as it is, so that a
  // secretary can quote it to the administrator.
  return '其他原因（' + reason + '）'
}

// The filter tabs of the recipient list. 已读/未读 are not delivery states (read_at is the inbox
// side), so the list is filtered on the phone; see pages/notices/detail.js.
var UNDELIVERED_STATES = STATE_GROUPS.inboxOnly.concat(STATE_GROUPS.failed)

var RECIPIENT_FILTERS = [
  { key: 'all', label: '全部' },
  { key: 'undelivered', label: '未送达' },
  { key: 'unread', label: '未读' },
  { key: 'read', label: '已读' },
]

function matchesFilter(delivery, key) {
  if (key === 'undelivered') return UNDELIVERED_STATES.indexOf(delivery.state) !== -1
  if (key === 'read') return !!delivery.read_at
  if (key === 'unread') return !delivery.read_at
  return true
}

// The tabs with the number each holds, from the server's counts (right even when the phone holds
// only part of a very long list).
function filterTabs(notification) {
  var c = reachCounts(notification)
  var sizes = { all: c.total, undelivered: c.inboxOnly + c.failed, unread: c.total - c.read, read: c.read }
  return RECIPIENT_FILTERS.map(function (filter) {
    return { key: filter.key, label: filter.label, count: sizes[filter.key] }
  })
}

// "免打扰时段，微信提醒将于 08:00 推送" when the server held the WeChat pushes past quiet hours
// (push_at later than dispatched_at); '' otherwise. Once that time has passed it says so.
function pushDeferralNote(notification, now) {
  if (!notification || notification.state !== 'dispatched') return ''
  var pushAt = time.parseIso(notification.push_at)
  var dispatchedAt = time.parseIso(notification.dispatched_at)
  if (isNaN(pushAt) || isNaN(dispatchedAt) || pushAt <= dispatchedAt) return ''
  if (now === undefined) now = Date.now()
  var when = time.beijingClock(pushAt)
  // More than a day later (never with the usual overnight quiet hours) needs the date too.
  if (pushAt - dispatchedAt >= time.DAY_MS) when = time.formatBeijing(pushAt, now)
  if (pushAt <= now) return '免打扰时段，微信提醒已顺延至 ' + when + ' 推送'
  return '免打扰时段，微信提醒将于 ' + when + ' 推送'
}

module.exports = {
  TITLE_MAX: TITLE_MAX,
  CONTENT_MAX: CONTENT_MAX,
  SCHEDULE_MAX_DAYS: SCHEDULE_MAX_DAYS,
  NOTICE_STATE_LABELS: NOTICE_STATE_LABELS,
  RECIPIENT_FILTERS: RECIPIENT_FILTERS,
  charCount: charCount,
  reachCounts: reachCounts,
  reachSummary: reachSummary,
  reasonText: reasonText,
  matchesFilter: matchesFilter,
  filterTabs: filterTabs,
  pushDeferralNote: pushDeferralNote,
}
