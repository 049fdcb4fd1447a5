// 通知详情: one notice with its report — who was reached on WeChat, who only in 站内信, who not at
// all and why, who read it — and 撤销 while it waits to be sent. Opened with ?id=<notification id>.
//
// The recipient list is filtered on the phone. The server filters by one delivery state only,
// while the tabs are groups of states (未送达 is four of them) or not states at all (已读/未读 are
// the inbox side, read_at). So every delivery is loaded once (pages of 100, see
// services/notices.js) and each tab is a filter over them: switching tabs costs no request and
// the tabs always agree with each other.

var notices = require('../../services/notices')
var noticeText = require('../../utils/notices')
var time = require('../../utils/time')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')
var recordPage = require('../../utils/record-page')
var modal = require('../../utils/modal')

var CHANNEL_TEXTS = { template: '公众号', subscribe: '订阅消息' }

function whenText(notification, now) {
  if (notification.state === 'scheduled') return '定时发送：' + time.formatBeijing(notification.scheduled_at, now)
  if (notification.state === 'cancelled') {
    return '已撤销（原定 ' + time.formatBeijing(notification.scheduled_at, now) + ' 发送）'
  }
  return '发送时间：' + time.formatBeijing(notification.dispatched_at || notification.scheduled_at, now)
}

function viewNotice(notification, now) {
  var counts = noticeText.reachCounts(notification)
  return {
    id: notification.id,
    title: notification.title || '',
    body: notification.body || '',
    sender: notification.sender || '',
    state: notification.state,
    stateLabel: noticeText.NOTICE_STATE_LABELS[notification.state] || notification.state || '',
    whenText: whenText(notification, now),
    deferralNote: noticeText.pushDeferralNote(notification, now),
    dispatched: notification.state === 'dispatched',
    counts: counts,
  }
}

function viewRecipient(delivery) {
  return {
    id: delivery.id,
    name: delivery.name || '',
    staffNo: delivery.staff_no || '',
    state: delivery.state,
    stateLabel: delivery.state_label || delivery.state || '',
    reasonText: noticeText.reasonText(delivery.reason),
    channelText: CHANNEL_TEXTS[delivery.channel] || '',
    read: !!delivery.read_at,
    // Kept for the filters (matchesFilter reads the server's field names).
    read_at: delivery.read_at || null,
  }
}

function filtered(recipients, key) {
  return recipients.filter(function (recipient) {
    return noticeText.matchesFilter(recipient, key)
  })
}

Page(recordPage.define('通知不存在', {
  data: {
    id: '',
    loading: true,
    errorMessage: '',
    notice: null,
    tabs: [],
    filter: 'all',
    recipients: [], // every delivery loaded
    shown: [], // those of the current filter
    recipientsLoading: false,
    recipientsError: '',
    truncated: false,
    cancelling: false,
  },

  // The notice, then (once it has gone out) its recipients. Never rejects.
  load: function () {
    var page = this
    var id = page.data.id
    if (!id) return Promise.resolve()
    page.setData({ loading: true, errorMessage: '' })
    return notices.get(id).then(
      function (notification) {
        page.setData({
          loading: false,
          notice: viewNotice(notification, Date.now()),
          tabs: noticeText.filterTabs(notification),
        })
        // Before dispatch there are no deliveries to list.
        if (notification.state !== 'dispatched') {
          page.setData({ recipients: [], shown: [], recipientsError: '', truncated: false })
          return null
        }
        return page.loadRecipients()
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  loadRecipients: function () {
    var page = this
    page.setData({ recipientsLoading: true, recipientsError: '' })
    return notices.allDeliveries(page.data.id).then(
      function (result) {
        var recipients = result.items.map(viewRecipient)
        page.setData({
          recipientsLoading: false,
          recipients: recipients,
          shown: filtered(recipients, page.data.filter),
          truncated: result.truncated,
        })
      },
      function (error) {
        page.setData({ recipientsLoading: false, recipientsError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  selectFilter: function (event) {
    var key = event.currentTarget.dataset.key
    var known = noticeText.RECIPIENT_FILTERS.some(function (filter) {
      return filter.key === key
    })
    if (!known) return
    this.setData({ filter: key, shown: filtered(this.data.recipients, key) })
  },

  // 撤销: asks first, then DELETE, then shows the notice as the server now has it. When the
  // notice went out meanwhile (409 already_sent) the server's message says so and the reload
  // shows it sent.
  cancel: function () {
    var page = this
    var notice = page.data.notice
    if (page.data.cancelling || !notice || notice.state !== 'scheduled') return Promise.resolve()
    page.setData({ cancelling: true })
    return modal.confirm({
      title: '撤销通知',
      content: '撤销后成员将不会收到这条通知，确定撤销吗？',
      confirmText: '撤销',
      confirmColor: '#c8161d',
    })
      .then(function (confirmed) {
        if (!confirmed) return null
        return notices.cancel(page.data.id).then(
          function () {
            wx.showToast({ title: '已撤销', icon: 'success' })
            return page.load()
          },
          function (error) {
            if (feedback.leaveIfSignedOut(error)) return null
            feedback.showError(error)
            if (error && error.status === 409) return page.load()
            return null
          }
        )
      })
      .then(function () {
        page.setData({ cancelling: false })
      })
  },
}))
