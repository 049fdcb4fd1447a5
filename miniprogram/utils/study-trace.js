// 学习有痕 (pages/study/trace): pure functions over GET /study/trace/me and /trace/people/{id}
// (services/study.js) — the
// periods the member picks (近7天, 近30天, 近90天, or two dates), the checks the server makes of a
// period, and the trace as the page shows it: the totals and the studied days, newest first.
//
// Dates are the server's: Beijing calendar dates written 'YYYY-MM-DD', as <picker mode="date">
// gives and takes them. Their arithmetic is on day numbers (days since 1970-01-01), never in the
// phone's time zone.

var time = require('./time')
var studyView = require('./study-view')
var studyQuiz = require('./study-quiz')

// Counting back from today, today included (近7天: today and the 6 days before).
var PERIODS = [
  { value: '7', days: 7, label: '近7天' },
  { value: '30', days: 30, label: '近30天' },
  { value: '90', days: 90, label: '近90天' },
]
// The server's default period too.
var DEFAULT_PERIOD = '30'
// The most days the server gives at once (its period_too_long).
var MAX_DAYS = 366

var WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']

function findPeriod(value) {
  return (
    PERIODS.filter(function (period) {
      return period.value === String(value)
    })[0] || null
  )
}

// { since, until } of a period of PERIODS ending `todayText`; null for one that is not.
function periodRange(value, todayText) {
  var period = findPeriod(value)
  if (!period || isNaN(time.dayNumber(todayText))) return null
  return { since: time.addDays(todayText, 1 - period.days), until: todayText }
}

// The days from `since` to `until`, both included; NaN when either is not a date.
function spanDays(since, until) {
  return time.dayNumber(until) - time.dayNumber(since) + 1
}

// '' when the server will take the period, else why not — the server's own checks, made before
// asking: both dates, the start not after the end, at most MAX_DAYS days.
function rangeError(since, until) {
  if (isNaN(time.dayNumber(since)) || isNaN(time.dayNumber(until))) return '请选择开始和结束日期'
  var days = spanDays(since, until)
  if (days < 1) return '开始日期不能晚于结束日期'
  if (days > MAX_DAYS) return '一次最多查看 ' + MAX_DAYS + ' 天'
  return ''
}

// "周二" of a date; '' when it is not one.
function weekdayText(text) {
  var number = time.dayNumber(text)
  return isNaN(number) ? '' : WEEKDAYS[new Date(number * time.DAY_MS).getUTCDay()]
}

// "11月18日 至 11月24日" (years shown when not `todayText`'s).
function rangeText(since, until, todayText) {
  var from = time.dayText(since, todayText)
  var to = time.dayText(until, todayText)
  return from && to ? from + ' 至 ' + to : ''
}

// Whole minutes of reading time, to the nearest.
function minutes(seconds) {
  return Math.round(Math.max(0, Number(seconds) || 0) / 60)
}

// One day of the trace: what was read and for how long, the punch-in (with its photo's address,
// which needs the session: services/study.js downloadPhoto), the quiz.
function viewDay(day, todayText) {
  var reading = (day.reading || []).map(function (item) {
    return {
      materialId: item.material_id,
      title: item.title || '',
      secondsText: studyView.durationText(item.seconds),
    }
  })
  var seconds = (day.reading || []).reduce(function (sum, item) {
    return sum + (Number(item.seconds) || 0)
  }, 0)
  var punch = day.punch_in || null
  var quiz = day.quiz || null
  var correct = quiz ? Number(quiz.correct) || 0 : 0
  var total = quiz ? Number(quiz.total) || 0 : 0
  return {
    day: day.day || '',
    dayText: day.day === todayText ? '今天' : time.dayText(day.day, todayText),
    weekdayText: weekdayText(day.day),
    reading: reading,
    readingText: reading.length ? studyView.durationText(seconds) : '',
    punchIn: punch ? { streak: Number(punch.streak) || 0, reflection: punch.reflection || '', photoUrl: punch.photo_url || '' } : null,
    quiz: quiz ? { text: studyQuiz.scoreText(correct, total), allRight: total > 0 && correct === total } : null,
  }
}

// GET /trace/me (or /trace/people/{id}) as the page shows it.
function viewTrace(body, now) {
  body = body || {}
  var todayText = time.today(now)
  var person = body.person || {}
  var days = (body.days || []).map(function (day) {
    return viewDay(day, todayText)
  })
  return {
    personId: person.id,
    personName: person.name || '',
    orgName: person.org_name || '',
    since: body.since || '',
    until: body.until || '',
    rangeText: rangeText(body.since, body.until, todayText),
    spanDays: spanDays(body.since, body.until) || 0,
    readingMinutes: minutes(body.reading_seconds),
    readingText: studyView.durationText(body.reading_seconds),
    daysStudied: Number(body.days_studied) || 0,
    days: days,
    empty: !days.length,
  }
}

module.exports = {
  PERIODS: PERIODS,
  DEFAULT_PERIOD: DEFAULT_PERIOD,
  periodRange: periodRange,
  spanDays: spanDays,
  rangeError: rangeError,
  weekdayText: weekdayText,
  rangeText: rangeText,
  minutes: minutes,
  viewTrace: viewTrace,
}
