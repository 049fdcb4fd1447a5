// 请假: the member asks for leave from a meeting (opened with ?id=<meeting id> from its detail
// page). The reason is 1–200 characters once trimmed; the secretary decides, and the member is
// told (leave_result). Back on the detail page once the server took it.

var meetings = require('../../../services/meetings')
var meetingView = require('../../../utils/meeting-view')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

// Our words for the refusals the form expects: the member is told what to do next.
var LEAVE_ERRORS = {
  leave_too_late: '会议已开始，不能再请假。如有特殊情况请联系支部书记',
  leave_exists: '你已提交过本次会议的请假申请，请勿重复提交',
}

// A 422's message for the reason field, if it has one.
function reasonFieldError(error) {
  var field = error && error.errors && error.errors.reason
  if (typeof field === 'string') return field
  if (Array.isArray(field) && typeof field[0] === 'string') return field[0]
  return ''
}

Page({
  data: {
    id: '',
    title: '',
    timeText: '',
    reason: '',
    count: 0,
    max: meetingView.LEAVE_REASON_MAX,
    error: '',
    submitting: false,
  },

  onLoad: function (query) {
    var id = query && query.id
    if (!id) {
      this.setData({ error: '会议不存在' })
      return Promise.resolve()
    }
    this.setData({ id: String(id) })
    return this.loadMeeting()
  },

  // The heading only: the form works without it, so a failure is not shown.
  loadMeeting: function () {
    var page = this
    return meetings.get(page.data.id).then(
      function (meeting) {
        page.setData({
          title: meeting.title || '',
          timeText: meetingView.timeRangeText(meeting.start_at, meeting.end_at, Date.now()),
        })
      },
      function (error) {
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  onReasonInput: function (event) {
    var reason = event.detail.value
    this.setData({ reason: reason, count: meetingView.charCount(reason.trim()), error: '' })
  },

  submit: function () {
    var page = this
    if (page.data.submitting || !page.data.id) return Promise.resolve()
    var invalid = meetingView.leaveReasonError(page.data.reason)
    if (invalid) {
      page.setData({ error: invalid })
      return Promise.resolve()
    }
    page.setData({ submitting: true, error: '' })
    return meetings.askLeave(page.data.id, page.data.reason.trim()).then(
      function () {
        page.setData({ submitting: false })
        wx.showToast({ title: '请假申请已提交', icon: 'success' })
        wx.navigateBack({ delta: 1 })
      },
      function (error) {
        page.setData({ submitting: false })
        if (feedback.leaveIfSignedOut(error)) return
        var message = LEAVE_ERRORS[error && error.code] || reasonFieldError(error) || errors.userMessage(error)
        page.setData({ error: message })
      }
    )
  },
})
