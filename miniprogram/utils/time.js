// Times shown to members, always in Beijing time. The server sends ISO-8601 UTC
// ('2026-11-24T12:00:00Z'); a member whose phone is set to another time zone (studying abroad,
// travelling) must still see the time the meeting is held in China. Beijing has had no daylight
// saving since 1991, so it is a fixed UTC+8: the arithmetic below adds the offset and reads the
// result with getUTC*, which never consults the phone's own time zone.
// The server's calendar dates ('2026-11-24', Beijing days: deadlines, punch-ins, trace periods)
// are counted on as day numbers (today, dayNumber, addDays), likewise without the phone's zone.

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

// The Beijing calendar date of an instant as the date picker takes it: '2026-11-24'.
function beijingDate(value) {
  var ms = toMs(value)
  if (isNaN(ms)) return ''
  var parts = beijingParts(ms)
  return parts.year + '-' + pad2(parts.month) + '-' + pad2(parts.day)
}

// The Beijing wall clock of an instant as the time picker takes it: '20:00'.
function beijingClock(value) {
  var ms = toMs(value)
  return isNaN(ms) ? '' : clock(beijingParts(ms))
}

var DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
var CLOCK_PATTERN = /^(\d{2}):(\d{2})$/

// The instant of a Beijing date ('2026-11-24') and clock ('20:00'), as the pickers give them,
// in milliseconds since the epoch; NaN when either is missing or no such day or time exists.
// The inverse of beijingDate/beijingClock: the offset is taken off, and the phone's own zone is
// never consulted (new Date(y, m, d, h, min) would read the fields in the phone's zone).
function fromBeijing(dateText, clockText) {
  var date = typeof dateText === 'string' ? DATE_PATTERN.exec(dateText) : null
  var time = typeof clockText === 'string' ? CLOCK_PATTERN.exec(clockText) : null
  if (!date || !time) return NaN
  var year = Number(date[1])
  var month = Number(date[2])
  var day = Number(date[3])
  var hour = Number(time[1])
  var minute = Number(time[2])
  if (hour > 23 || minute > 59) return NaN
  var ms = Date.UTC(year, month - 1, day, hour, minute) - BEIJING_OFFSET_MS
  // Date.UTC rolls '2026-02-30' over into March; such a day does not exist.
  var back = beijingParts(ms)
  if (back.year !== year || back.month !== month || back.day !== day) return NaN
  return ms
}

// Today in Beijing as the server's dates and the date picker write it: '2026-11-24'. `now`
// (milliseconds) defaults to the current time.
function today(now) {
  return beijingDate(now === undefined ? Date.now() : now)
}

// A calendar date ('YYYY-MM-DD', as the server sends dates) → days since 1970-01-01; NaN when it is
// not such a date or no such day exists. Day arithmetic on these never consults the phone's zone.
function dayNumber(text) {
  var match = typeof text === 'string' ? DATE_PATTERN.exec(text) : null
  if (!match) return NaN
  var ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  var back = new Date(ms)
  // Date.UTC rolls '2026-02-30' over into March; such a day does not exist.
  if (back.getUTCMonth() !== Number(match[2]) - 1 || back.getUTCDate() !== Number(match[3])) return NaN
  return ms / DAY_MS
}

// Days since 1970-01-01 → 'YYYY-MM-DD'.
function dateOfDay(number) {
  var d = new Date(number * DAY_MS)
  return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate())
}

// The date `n` days after (before, when negative) `text`; '' when `text` is not a date.
function addDays(text, n) {
  var number = dayNumber(text)
  return isNaN(number) ? '' : dateOfDay(number + n)
}

// "11月24日" of a calendar date ('YYYY-MM-DD', as the server sends dates), with the year
// ("2025年12月31日") when it is not the year of `todayText` (also such a date, as today() gives
// it); '' when it is not a date.
function dayText(value, todayText) {
  var match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null
  if (!match) return ''
  var text = Number(match[2]) + '月' + Number(match[3]) + '日'
  return todayText && String(todayText).slice(0, 4) === match[1] ? text : match[1] + '年' + text
}

// "12月1日" of an instant (ISO text or milliseconds) on the Beijing calendar, with the year
// ("2025年12月1日") when it is not the current one; '' when it is not a date-time.
function dateText(value, now) {
  return dayText(beijingDate(value), today(now))
}

// Milliseconds → ISO-8601 UTC to the second, the form the server reads: '2026-11-24T12:00:00Z'.
function toIsoUtc(ms) {
  if (typeof ms !== 'number' || isNaN(ms)) return ''
  var d = new Date(ms)
  return (
    d.getUTCFullYear() +
    '-' +
    pad2(d.getUTCMonth() + 1) +
    '-' +
    pad2(d.getUTCDate()) +
    'T' +
    pad2(d.getUTCHours()) +
    ':' +
    pad2(d.getUTCMinutes()) +
    ':' +
    pad2(d.getUTCSeconds()) +
    'Z'
  )
}

module.exports = {
  MINUTE_MS: MINUTE_MS,
  HOUR_MS: HOUR_MS,
  DAY_MS: DAY_MS,
  parseIso: parseIso,
  formatBeijing: formatBeijing,
  relativeTime: relativeTime,
  beijingDate: beijingDate,
  beijingClock: beijingClock,
  fromBeijing: fromBeijing,
  toIsoUtc: toIsoUtc,
  DATE_PATTERN: DATE_PATTERN,
  today: today,
  dayNumber: dayNumber,
  addDays: addDays,
  dayText: dayText,
  dateText: dateText,
}
