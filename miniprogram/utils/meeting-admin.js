// Pure helpers of the secretary's meeting pages (pages/meetings/edit, live, leave-approvals,
// minutes): the Beijing ⇄ UTC conversion of the form's pickers, the server's field errors, the
// words for attendance, the live counts and anomaly flags.

var time = require('./time')

// Beijing is UTC+8 all year (no daylight saving since 1991); time.fromBeijing does the arithmetic
// without consulting the phone's zone. A meeting is held within one Beijing day: the form has one
// date and two clocks.
//
// { date: 'YYYY-MM-DD', startClock: 'HH:MM', endClock: 'HH:MM' } (Beijing) →
// { startMs, endMs, startAt, endAt } with ISO-8601 UTC texts; NaN / '' for what is missing.
function toUtcRange(date, startClock, endClock) {
  var startMs = time.fromBeijing(date, startClock)
  var endMs = time.fromBeijing(date, endClock)
  return { startMs: startMs, endMs: endMs, startAt: time.toIsoUtc(startMs), endAt: time.toIsoUtc(endMs) }
}

// The inverse, for a loaded meeting: its start and end (ISO, any offset) as the pickers show them.
function fromUtcRange(startAt, endAt) {
  return {
    date: time.beijingDate(startAt),
    startClock: time.beijingClock(startAt),
    endClock: time.beijingClock(endAt),
  }
}

// The first message of a server field error: a list of texts, or (nested schemas such as
// geofence or votes) an object of them.
function firstMessage(value) {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    for (var i = 0; i < value.length; i += 1) {
      var inList = firstMessage(value[i])
      if (inList) return inList
    }
    return ''
  }
  if (value && typeof value === 'object') {
    var keys = Object.keys(value)
    for (var j = 0; j < keys.length; j += 1) {
      var inObject = firstMessage(value[keys[j]])
      if (inObject) return inObject
    }
  }
  return ''
}

// A 422's `errors` → { pageKey: message } for the fields `mapping` (server name → page key) names;
// the others are left out (the caller shows the error's message instead when none is left).
function serverFieldErrors(serverErrors, mapping) {
  var fieldErrors = {}
  Object.keys(serverErrors || {}).forEach(function (field) {
    var key = mapping[field]
    var message = firstMessage(serverErrors[field])
    if (key && message && !fieldErrors[key]) fieldErrors[key] = message
  })
  return fieldErrors
}

// The field errors of a 422 validation error, or null when it is another error (or names no
// field this page shows).
function fieldErrorsOf(error, mapping) {
  if (!error || error.status !== 422) return null
  var fieldErrors = serverFieldErrors(error.errors, mapping)
  return Object.keys(fieldErrors).length ? fieldErrors : null
}

// Attendance in the order the live list shows it: the people still to chase first.
var ATTENDANCE_GROUPS = [
  { key: 'not_checked_in', label: '未签到' },
  { key: 'absent', label: '缺席' },
  { key: 'late', label: '迟到' },
  { key: 'present', label: '已签到' },
  { key: 'on_leave', label: '请假' },
]

// The live counts (GET /meetings/{id}/attendance `counts`) as rows, in the order the live page
// and the minutes page (before the first save) show them.
var COUNT_FIELDS = [
  { key: 'expected', label: '应到' },
  { key: 'present', label: '已签到' },
  { key: 'late', label: '迟到' },
  { key: 'on_leave', label: '请假' },
  { key: 'not_checked_in', label: '未签到' },
  { key: 'absent', label: '缺席' },
]

function countRows(counts) {
  counts = counts || {}
  return COUNT_FIELDS.map(function (field) {
    return { key: field.key, label: field.label, value: Number(counts[field.key]) || 0 }
  })
}

var FLAG_LABELS = {
  shared_device: '同一设备',
  shared_address: '同一网络地址',
  network_outlier: '网络异常',
  location_outlier: '位置异常',
  sent_late: '补传',
  manual: '补签',
}

// A flag this version does not know still shows that something is odd.
function flagLabel(flag) {
  return FLAG_LABELS[flag] || '其他异常'
}

// A person as the secretary's endpoints name one: a name, or { id, name }.
function personName(value) {
  if (!value) return ''
  return typeof value === 'string' ? value : value.name || ''
}

// Vote counts: non-negative whole numbers as typed ('0', '12'); six digits is more than any org.
function parseCount(text) {
  var trimmed = String(text === undefined || text === null ? '' : text).trim()
  return /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : NaN
}

module.exports = {
  ATTENDANCE_GROUPS: ATTENDANCE_GROUPS,
  FLAG_LABELS: FLAG_LABELS,
  toUtcRange: toUtcRange,
  fromUtcRange: fromUtcRange,
  firstMessage: firstMessage,
  serverFieldErrors: serverFieldErrors,
  fieldErrorsOf: fieldErrorsOf,
  countRows: countRows,
  flagLabel: flagLabel,
  personName: personName,
  parseCount: parseCount,
}
