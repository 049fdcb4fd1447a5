// 组织生活: the meetings the member takes part in, newest start first, each with its phase and
// the member's attendance. Pull down to refresh, scroll to the bottom for the next page. 扫码签到
// opens the camera for the projector's code; 我的出勤 lists the member's record.

var meetings = require('../../../services/meetings')
var meetingView = require('../../../utils/meeting-view')
var checkinToken = require('../../../utils/checkin-token')
var pagedList = require('../../../utils/paged-list')

var DETAIL_PAGE = '/pages/meetings/detail/index'
var CHECKIN_PAGE = '/pages/meetings/checkin/index'
var ATTENDANCE_PAGE = '/pages/meetings/attendance/index'

var list = pagedList.create({
  fetch: function (page) {
    return meetings.list({ mine: true, page: page })
  },
  viewItem: meetingView.viewListItem,
})

// A scan that is not a check-in code is refused here, with no request and no page change.
function showScanError(message) {
  wx.showModal({ title: '无法签到', content: message, showCancel: false, confirmText: '知道了' })
}

Page({
  data: pagedList.initialData({ scanning: false }),

  onLoad: function () {
    return this.refresh()
  },

  // Back from a check-in or a leave request: the attendance shown is out of date.
  onShow: function () {
    if (this.seenChanges !== undefined && meetings.changeCount() !== this.seenChanges) return this.refresh()
    return Promise.resolve()
  },

  onPullDownRefresh: function () {
    return this.refresh().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  onReachBottom: function () {
    return this.loadMore()
  },

  refresh: function () {
    // This load is as fresh as any change so far; onShow need not load again for it.
    this.seenChanges = meetings.changeCount()
    return list.refresh(this)
  },

  loadMore: function () {
    return list.loadMore(this)
  },

  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },

  openAttendance: function () {
    wx.navigateTo({ url: ATTENDANCE_PAGE })
  },

  scan: function () {
    var page = this
    if (page.data.scanning) return Promise.resolve()
    page.setData({ scanning: true })
    return checkinToken.scan().then(function (result) {
      page.setData({ scanning: false })
      if (result.token) {
        wx.navigateTo({ url: CHECKIN_PAGE + '?token=' + encodeURIComponent(result.token) })
      } else if (result.error) {
        showScanError(result.error)
      }
    })
  },
})
