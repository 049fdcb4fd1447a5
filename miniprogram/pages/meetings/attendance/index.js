// 我的出勤: the member's attendance record (GET /me/attendance), newest meeting first, with the
// totals at the top. Pull down to refresh, scroll to the bottom for the next page; a row opens its
// meeting.

var meetings = require('../../../services/meetings')
var meetingView = require('../../../utils/meeting-view')
var pagedList = require('../../../utils/paged-list')

var DETAIL_PAGE = '/pages/meetings/detail/index'

var EMPTY_SUMMARY = { total: 0, present: 0, late: 0, on_leave: 0, absent: 0 }

function summaryOf(body) {
  var summary = (body && body.summary) || {}
  var result = {}
  Object.keys(EMPTY_SUMMARY).forEach(function (key) {
    result[key] = Number(summary[key]) || 0
  })
  return result
}

var list = pagedList.create({
  fetch: function (page) {
    return meetings.myAttendance({ page: page })
  },
  viewItem: meetingView.viewAttendanceItem,
  // Every page carries the totals; they stay right as more pages come.
  fields: function (body) {
    return { summary: summaryOf(body) }
  },
})

Page(pagedList.listPage(list, {
  data: pagedList.initialData({ summary: EMPTY_SUMMARY }),

  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },
}))
