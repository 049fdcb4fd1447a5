// Times shown to members, always in Beijing time. The server sends ISO-8601 UTC
// ('2026-11-24T12:00:00Z'); a member whose phone is set to another time zone (studying abroad,
// travelling) must still see the time the meeting is held in China. Beijing has had no daylight
// saving since 1991, so it is a fixed UTC+8: the arithmetic below adds the offset and reads the
// result with getUTC*, which never consults the phone's own time zone.

var BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000
var MINUTE_MS = 60 * 1000
var HOUR_MS = 60 * MINUTE_MS
var DAY_MS = 24 * HOUR_MS

// Parsed by hand rather than with Date.parse: a date-time without an offset is local time to
// Date.parse (so it would depend on the phone again), and the engines WeChat runs on
// (JavaScriptCore on iOS, V8 elsewhere) disagree on forms such as six fractional digits.
// A missing offset is read as UTC, the server's convention.
var ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i

// ISO-8601 text → milliseconds since the epoch, or NaN when it is not a date-time.
function parseIso(text) {
  var match = typeof text === 'string' ? ISO_PATTERN.exec(text.trim()) : null
  if (!match) return NaN
  var millis = match[7] ? Number((match[7] + '00').slice(0, 3)) : 0
  var ms = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6] || 0),
    millis
  )
  var zone = match[8]
  if (zone && zone.toUpperCase() !== 'Z') {
    var sign = zone.charAt(0) === '-' ? -1 : 1
    var digits = zone.slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * HOUR_MS + Number(digits.slice(2, 4)) * MINUTE_MS)
  }
  return ms
}

function pad2(n) {
  return n < 10 ? '0' + n : String(n)
}

// The Beijing wall-clock fields of an instant.
function beijingParts(ms) {
  var shifted = new Date(ms + BEIJING_OFFSET_MS)
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    // Days since the epoch in Beijing, for "today" and "yesterday".
    dayNumber: Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS),
  }
}

function clock(parts) {
  return pad2(parts.hour) + ':' + pad2(parts.minute)
}

function toMs(value) {
  return typeof value === 'number' ? value : parseIso(value)
}

// "11月24日 20:00"; the year is added ("2025年11月24日 20:00") when it is not the current one.
// `value` is ISO text or milliseconds; `now` (milliseconds) defaults to the current time.
function formatBeijing(value, now) {
  var ms = toMs(value)
  if (isNaN(ms)) return ''
  var parts = beijingParts(ms)
  var current = beijingParts(now === undefined ? Date.now() : now)
  var date = parts.month + '月' + parts.day + '日 ' + clock(parts)
  return parts.year === current.year ? date : parts.year + '年' + date
}

// For message lists: "刚刚", "5分钟前", "今天 20:00", "昨天 08:05", else formatBeijing.
// Times up to a minute in the future (a phone clock slightly behind the server) count as 刚刚;
// further in the future the date itself is shown.
function relativeTime(value, now) {
  var ms = toMs(value)
  if (isNaN(ms)) return ''
  if (now === undefined) now = Date.now()
  var elapsed = now - ms
  if (elapsed > -MINUTE_MS && elapsed < MINUTE_MS) return '刚刚'
  if (elapsed > 0 && elapsed < HOUR_MS) return Math.floor(elapsed / MINUTE_MS) + '分钟前'
  var parts = beijingParts(ms)
  var today = beijingParts(now).dayNumber
  if (elapsed > 0 && parts.dayNumber === today) return '今天 ' + clock(parts)
  if (elapsed > 0 && parts.dayNumber === today - 1) return '昨天 ' + clock(parts)
  return formatBeijing(ms, now)
}

module.exports = {
  parseIso: parseIso,
  formatBeijing: formatBeijing,
  relativeTime: relativeTime,
}
