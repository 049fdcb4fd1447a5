// 组织生活: the meetings the member takes part in, newest start first, each with its phase and
// the member's attendance. Pull down to refresh, scroll to the bottom for the next page. 扫码签到
// opens the camera for the projector's code; 我的出勤 lists the member's record.
//
// A secretary (whoami roles.secretary names their orgs) also gets a second tab, 支部会议: every
// meeting of the orgs they manage, drafts included, with its phase; and the ways to 新建会议 and
// 请假审批. Everyone else sees neither the tabs nor the buttons.

var meetings = require('../../../services/meetings')
var notices = require('../../../services/notices')
var meetingView = require('../../../utils/meeting-view')
var checkinToken = require('../../../utils/checkin-token')
var pagedList = require('../../../utils/paged-list')

var DETAIL_PAGE = '/pages/meetings/detail/index'
var CHECKIN_PAGE = '/pages/meetings/checkin/index'
var ATTENDANCE_PAGE = '/pages/meetings/attendance/index'
var EDIT_PAGE = '/pages/meetings/edit/index'
var LEAVE_APPROVALS_PAGE = '/pages/meetings/leave-approvals/index'

var TAB_MINE = 'mine'
var TAB_ORG = 'org'

// One list per tab. A tab change refreshes, and a refresh drops any answer still on its way for
// the other tab (the paged list's generation), so the two never mix.
var lists = {}
lists[TAB_MINE] = pagedList.create({
  fetch: function (page) {
    return meetings.list({ mine: true, page: page })
  },
  viewItem: meetingView.viewListItem,
})
// Without `mine` the server lists what the caller may read: the meetings of the orgs they manage
// (drafts too) and those they take part in.
lists[TAB_ORG] = pagedList.create({
  fetch: function (page) {
    return meetings.list({ page: page })
  },
  viewItem: meetingView.viewListItem,
})

// A scan that is not a check-in code is refused here, with no request and no page change.
function showScanError(message) {
  wx.showModal({ title: '无法签到', content: message, showCancel: false, confirmText: '知道了' })
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({
    scanning: false,
    tab: TAB_MINE,
    managerOrgIds: [], // the orgs of the caller's secretary posts; empty for a member
  }),

  onLoad: function () {
    return Promise.all([this.refresh(), this.loadRoles()])
  },

  // Back from a check-in, a leave request or a secretary's change: the list shown is out of date.
  onShow: function () {
    if (this.seenChanges !== undefined && meetings.changeCount() !== this.seenChanges) return this.refresh()
    return Promise.resolve()
  },

  onPullDownRefresh: function () {
    var loads = [this.refresh()]
    // A whoami that failed on the way in is tried again; once known, the roles stay.
    if (!this.rolesKnown) loads.push(this.loadRoles())
    return Promise.all(loads).then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Who the caller is decides only what is offered; a failure leaves the member's view, quietly
  // (the list's own request reports a lost session).
  loadRoles: function () {
    var page = this
    return notices.whoami().then(
      function (body) {
        page.rolesKnown = true
        page.setData({ managerOrgIds: notices.senderOrgIds(body) })
      },
      function () {}
    )
  },

  refresh: function () {
    // This load is as fresh as any change so far; onShow need not load again for it.
    this.seenChanges = meetings.changeCount()
    return lists[this.data.tab].refresh(this)
  },

  loadMore: function () {
    return lists[this.data.tab].loadMore(this)
  },

  switchTab: function (event) {
    var tab = event.currentTarget.dataset.tab
    if (tab !== TAB_MINE && tab !== TAB_ORG) return Promise.resolve()
    if (tab === this.data.tab) return Promise.resolve()
    if (tab === TAB_ORG && !this.data.managerOrgIds.length) return Promise.resolve()
    // The other tab's rows must not show under this one's heading while it loads.
    this.setData({ tab: tab, items: [], page: 0, pages: 0, loaded: false, loadFailed: false })
    return this.refresh()
  },

  // A draft has nothing to show a member yet; its secretary edits, publishes or deletes it.
  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    var item = this.data.items[pagedList.indexOfId(this.data.items, id)]
    var target = item && item.phase === 'draft' ? EDIT_PAGE : DETAIL_PAGE
    wx.navigateTo({ url: target + '?id=' + encodeURIComponent(String(id)) })
  },

  openAttendance: function () {
    wx.navigateTo({ url: ATTENDANCE_PAGE })
  },

  // The edit page asks which org when there are several; with one there is nothing to ask.
  createMeeting: function () {
    var orgIds = this.data.managerOrgIds
    if (!orgIds.length) return
    var url = orgIds.length === 1 ? EDIT_PAGE + '?org_id=' + encodeURIComponent(String(orgIds[0])) : EDIT_PAGE
    wx.navigateTo({ url: url })
  },

  openLeaveApprovals: function () {
    if (!this.data.managerOrgIds.length) return
    wx.navigateTo({ url: LEAVE_APPROVALS_PAGE })
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
}))
