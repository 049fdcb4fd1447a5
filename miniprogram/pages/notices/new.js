// 发通知: a secretary writes a notice to every member of one of their orgs, to go out now or at a
// chosen Beijing time. On success the notice's report opens in place of this form.

var notices = require('../../services/notices')
var noticeText = require('../../utils/notices')
var time = require('../../utils/time')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

var DETAIL_PAGE = '/pages/notices/detail'

// Server field names → the keys of fieldErrors on this page.
var SERVER_FIELDS = { org_id: 'org', title: 'title', content: 'content', at: 'at' }

// The time the schedule switch starts from: the first full hour at least half an hour away, a
// time worth adjusting rather than one already past when the member finishes typing. Beijing is
// a whole number of hours from UTC, so a full hour in UTC is one in Beijing.
function defaultScheduleMs(now) {
  return Math.ceil((now + 30 * time.MINUTE_MS) / time.HOUR_MS) * time.HOUR_MS
}

// The chosen send time in milliseconds, NaN when the date or time is missing.
function scheduledMs(data) {
  return time.fromBeijing(data.date, data.clock)
}

// Field messages for what the phone can tell before asking the server. `now` in milliseconds.
function validate(data, now) {
  var fieldErrors = {}
  if (data.orgIndex < 0 || !data.orgs[data.orgIndex]) fieldErrors.org = '请选择接收通知的组织'

  var title = data.title.trim()
  if (!title) {
    fieldErrors.title = '请输入标题'
  } else if (noticeText.charCount(title) > noticeText.TITLE_MAX) {
    fieldErrors.title = '标题不能超过 ' + noticeText.TITLE_MAX + ' 个字'
  }

  var content = data.content.trim()
  if (!content) {
    fieldErrors.content = '请输入通知内容'
  } else if (noticeText.charCount(content) > noticeText.CONTENT_MAX) {
    fieldErrors.content = '内容不能超过 ' + noticeText.CONTENT_MAX + ' 个字'
  }

  if (data.scheduled) {
    var at = scheduledMs(data)
    if (isNaN(at)) {
      fieldErrors.at = '请选择发送日期和时间'
    } else if (at <= now) {
      fieldErrors.at = '发送时间应晚于当前时间'
    } else if (at - now > noticeText.SCHEDULE_MAX_DAYS * time.DAY_MS) {
      fieldErrors.at = '定时发送时间应在未来 ' + noticeText.SCHEDULE_MAX_DAYS + ' 天内'
    }
  }
  return fieldErrors
}

// The server's per-field messages (422 validation_error), the first of each field as the page
// shows one line per field. Fields this page has no place for are left out.
function serverFieldErrors(serverErrors) {
  var fieldErrors = {}
  Object.keys(serverErrors || {}).forEach(function (field) {
    var key = SERVER_FIELDS[field]
    var messages = serverErrors[field]
    var first = Array.isArray(messages) ? messages[0] : messages
    if (key && first) fieldErrors[key] = String(first)
  })
  return fieldErrors
}

// "将于 11月25日 09:00 发送" under the pickers, so the member reads the date as a date.
function scheduleText(data, now) {
  var at = scheduledMs(data)
  return isNaN(at) ? '' : '将于 ' + time.formatBeijing(at, now) + '（北京时间）发送'
}

Page({
  data: {
    titleMax: noticeText.TITLE_MAX,
    contentMax: noticeText.CONTENT_MAX,

    loadingOrgs: true,
    orgsError: '',
    orgs: [], // [{ id, name }]
    orgIndex: -1,

    title: '',
    titleCount: 0,
    content: '',
    contentCount: 0,

    scheduled: false,
    date: '', // Beijing date, 'YYYY-MM-DD'
    clock: '', // Beijing time, 'HH:MM'
    dateStart: '',
    dateEnd: '',
    scheduleText: '',

    fieldErrors: {},
    sending: false,
  },

  onLoad: function () {
    return this.loadOrgs()
  },

  // The orgs the secretary may send to (services/notices.js senderOrgs).
  loadOrgs: function () {
    var page = this
    page.setData({ loadingOrgs: true, orgsError: '' })
    return notices.senderOrgs().then(
      function (orgs) {
        page.setData({
          loadingOrgs: false,
          orgs: orgs,
          // One org needs no choosing; with several the member must pick, not get the first.
          orgIndex: orgs.length === 1 ? 0 : -1,
          orgsError: orgs.length ? '' : '你没有可以发送通知的组织',
        })
      },
      function (error) {
        page.setData({ loadingOrgs: false, orgs: [], orgIndex: -1, orgsError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  pickOrg: function (event) {
    var index = Number(event.detail.value)
    if (!(index >= 0 && index < this.data.orgs.length)) return
    this.setData({ orgIndex: index, 'fieldErrors.org': '' })
  },

  onTitleInput: function (event) {
    var value = event.detail.value
    this.setData({ title: value, titleCount: noticeText.charCount(value.trim()), 'fieldErrors.title': '' })
  },

  onContentInput: function (event) {
    var value = event.detail.value
    this.setData({ content: value, contentCount: noticeText.charCount(value.trim()), 'fieldErrors.content': '' })
  },

  toggleSchedule: function (event) {
    var on = !!event.detail.value
    if (!on) {
      this.setData({ scheduled: false, 'fieldErrors.at': '' })
      return
    }
    var now = Date.now()
    var chosen = { date: this.data.date, clock: this.data.clock }
    // Switched on again: the time chosen before is kept.
    if (!chosen.date || !chosen.clock) {
      var start = defaultScheduleMs(now)
      chosen = { date: time.beijingDate(start), clock: time.beijingClock(start) }
    }
    this.setData({
      scheduled: true,
      'fieldErrors.at': '',
      date: chosen.date,
      clock: chosen.clock,
      scheduleText: scheduleText(chosen, now),
      // The date picker offers today up to the last day a notice may be scheduled for.
      dateStart: time.beijingDate(now),
      dateEnd: time.beijingDate(now + noticeText.SCHEDULE_MAX_DAYS * time.DAY_MS),
    })
  },

  pickDate: function (event) {
    var date = event.detail.value
    this.setData({
      date: date,
      scheduleText: scheduleText({ date: date, clock: this.data.clock }, Date.now()),
      'fieldErrors.at': '',
    })
  },

  pickClock: function (event) {
    var clock = event.detail.value
    this.setData({
      clock: clock,
      scheduleText: scheduleText({ date: this.data.date, clock: clock }, Date.now()),
      'fieldErrors.at': '',
    })
  },

  submit: function () {
    var page = this
    var data = page.data
    if (data.sending) return Promise.resolve()

    var now = Date.now()
    var fieldErrors = validate(data, now)
    if (Object.keys(fieldErrors).length) {
      page.setData({ fieldErrors: fieldErrors })
      return Promise.resolve()
    }

    page.setData({ sending: true, fieldErrors: {} })
    return notices
      .create({
        orgId: data.orgs[data.orgIndex].id,
        title: data.title.trim(),
        content: data.content.trim(),
        at: data.scheduled ? time.toIsoUtc(scheduledMs(data)) : '',
      })
      .then(
        function (notice) {
          page.setData({ sending: false })
          wx.showToast({ title: notice.state === 'scheduled' ? '已安排发送' : '已发送', icon: 'success' })
          // In place of the form: going back from the report returns to the list, not to a form
          // that would send the same notice again.
          wx.redirectTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(notice.id)) })
        },
        function (error) {
          page.setData({ sending: false })
          if (feedback.leaveIfSignedOut(error)) return
          var serverErrors = serverFieldErrors(error && error.errors)
          if (error && error.status === 422 && Object.keys(serverErrors).length) {
            page.setData({ fieldErrors: serverErrors })
            return
          }
          // no_recipients, an org outside the scope (404), the network: one toast.
          feedback.showError(error)
        }
      )
  },
})
