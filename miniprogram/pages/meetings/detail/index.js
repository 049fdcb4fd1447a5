// 会议详情: one meeting (opened with ?id=<meeting id>): when and where, who chairs and records
// it, its phase, and the member's own part — attendance, check-in, leave — with what they can do
// now: 扫码签到, 签退 (a second scan of the projector's code), 请假 and 撤回请假. Once there are
// minutes the member can read them, and the meeting's attachments. A manager (can_manage) also
// finds the way to the secretary's pages.

var meetings = require('../../../services/meetings')
var meetingView = require('../../../utils/meeting-view')
var attachments = require('../../../utils/attachments')
var checkinToken = require('../../../utils/checkin-token')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')
var recordPage = require('../../../utils/record-page')
var modal = require('../../../utils/modal')

var CHECKIN_PAGE = '/pages/meetings/checkin/index'
var LEAVE_PAGE = '/pages/meetings/leave/index'
// The minutes page holds the comments (and, for a member, is read-only).
var MINUTES_PAGE = '/pages/meetings/minutes/index'

// The secretary's pages for this meeting, each opened with ?<param>=<meeting id>.
var MANAGE_ENTRIES = [
  { key: 'live', label: '现场签到', url: '/pages/meetings/live/index', param: 'id' },
  { key: 'edit', label: '编辑会议', url: '/pages/meetings/edit/index', param: 'id' },
  { key: 'minutes', label: '会议记录', url: '/pages/meetings/minutes/index', param: 'id' },
  { key: 'leave', label: '请假审批', url: '/pages/meetings/leave-approvals/index', param: 'meeting_id' },
]

Page(recordPage.define('会议不存在', {
  data: {
    id: '',
    loading: true,
    errorMessage: '',
    meeting: null,
    manageEntries: MANAGE_ENTRIES,
    scanning: false,
    withdrawing: false,
    minutes: null,
    minutesOpen: false,
    minutesLoading: false,
    minutesError: '',
    attachments: [],
    opening: false,
  },

  // Back from a check-in or a leave request made on top of this page.
  onShow: function () {
    if (this.seenChanges !== undefined && meetings.changeCount() !== this.seenChanges) return this.load()
    return Promise.resolve()
  },

  // The meeting, then its attachments. Never rejects.
  load: function () {
    var page = this
    var id = page.data.id
    if (!id) return Promise.resolve()
    page.setData({ loading: true, errorMessage: '' })
    // This load is as fresh as any change so far; onShow need not load again for it.
    page.seenChanges = meetings.changeCount()
    return meetings.get(id).then(
      function (meeting) {
        page.setData({ loading: false, meeting: meetingView.viewMeeting(meeting, Date.now()) })
        return page.loadAttachments()
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // Attachments are extra: a failure leaves the section out rather than troubling the member.
  loadAttachments: function () {
    var page = this
    return meetings.attachments(page.data.id).then(
      function (body) {
        page.setData({ attachments: attachments.viewAll(body) })
      },
      function () {
        page.setData({ attachments: [] })
      }
    )
  },

  // 扫码签到 and 签退: the camera, then the check-in page with the token.
  scan: function (event) {
    var page = this
    var mode = event && event.currentTarget.dataset.mode === 'signout' ? 'signout' : 'checkin'
    if (page.data.scanning) return Promise.resolve()
    page.setData({ scanning: true })
    return checkinToken.scan().then(function (result) {
      page.setData({ scanning: false })
      if (result.token) {
        var url = CHECKIN_PAGE + '?token=' + encodeURIComponent(result.token)
        if (mode === 'signout') url += '&mode=signout'
        wx.navigateTo({ url: url })
      } else if (result.error) {
        wx.showModal({ title: '无法' + (mode === 'signout' ? '签退' : '签到'), content: result.error, showCancel: false })
      }
    })
  },

  openComments: function () {
    wx.navigateTo({ url: MINUTES_PAGE + '?id=' + encodeURIComponent(this.data.id) })
  },

  askLeave: function () {
    wx.navigateTo({ url: LEAVE_PAGE + '?id=' + encodeURIComponent(this.data.id) })
  },

  withdrawLeave: function () {
    var page = this
    var mine = page.data.meeting && page.data.meeting.mine
    if (page.data.withdrawing || !mine || !mine.canWithdrawLeave) return Promise.resolve()
    page.setData({ withdrawing: true })
    return modal.confirm({ title: '撤回请假', content: '确定撤回这次请假申请吗？', confirmText: '撤回' })
      .then(function (confirmed) {
        if (!confirmed) return null
        return meetings.withdrawLeave(page.data.id).then(
          function () {
            wx.showToast({ title: '已撤回', icon: 'success' })
            return page.load()
          },
          function (error) {
            feedback.showError(error)
            // Decided meanwhile (no longer pending): show it as it is now.
            if (error instanceof errors.ApiError && error.status === 409) return page.load()
            return null
          }
        )
      })
      .then(function () {
        page.setData({ withdrawing: false })
      })
  },

  // 会议记录: loaded the first time it is opened, then folded and unfolded.
  toggleMinutes: function () {
    var page = this
    if (page.data.minutesOpen) {
      page.setData({ minutesOpen: false })
      return Promise.resolve()
    }
    page.setData({ minutesOpen: true })
    if (page.data.minutes || page.data.minutesLoading) return Promise.resolve()
    return page.loadMinutes()
  },

  loadMinutes: function () {
    var page = this
    page.setData({ minutesLoading: true, minutesError: '' })
    return meetings.minutes(page.data.id).then(
      function (minutes) {
        page.setData({ minutesLoading: false, minutes: meetingView.viewMinutes(minutes, Date.now()) })
      },
      function (error) {
        var message = error && error.code === 'no_minutes' ? '暂无会议记录' : errors.userMessage(error)
        page.setData({ minutesLoading: false, minutesError: message })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // An image is previewed, a PDF opened.
  openAttachment: function (event) {
    return attachments.open(this, event.currentTarget.dataset.id, meetings.downloadAttachment)
  },

  openManage: function (event) {
    var key = event.currentTarget.dataset.key
    var entry = MANAGE_ENTRIES.filter(function (item) {
      return item.key === key
    })[0]
    if (!entry || !this.data.meeting || !this.data.meeting.canManage) return
    wx.navigateTo({ url: entry.url + '?' + entry.param + '=' + encodeURIComponent(this.data.id) })
  },
}))
