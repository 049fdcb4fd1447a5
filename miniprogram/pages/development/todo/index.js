// 发展党员待办: the secretary's to-do over their scope (GET /development/todo) — the steps past
// their deadline (已超期), near it (即将到期) and open to be done (可以办理), and the submissions
// waiting for the caller's decision (待审批), each section headed with its count. An item opens the
// applicant's record, an approval the approval page.

var development = require('../../../services/development')
var developmentView = require('../../../utils/development-view')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

var DETAIL_PAGE = '/pages/development/detail/index'
var APPROVE_PAGE = '/pages/development/approve/index'

var BUCKETS = [
  { key: 'overdue', title: '已超期' },
  { key: 'due_soon', title: '即将到期' },
  { key: 'open', title: '可以办理' },
]

// The body → the sections with their counts (the server's counts, or the items when it has none).
function viewTodo(body, now) {
  var counts = (body && body.counts) || {}
  var items = ((body && body.items) || []).map(developmentView.viewTodoItem)
  var sections = BUCKETS.map(function (bucket) {
    var inBucket = items.filter(function (item) {
      return item.bucket === bucket.key
    })
    var count = typeof counts[bucket.key] === 'number' ? counts[bucket.key] : inBucket.length
    return { key: bucket.key, title: bucket.title, count: count, items: inBucket }
  })
  var approvals = ((body && body.approvals) || []).map(function (approval) {
    return developmentView.viewApproval(approval, now)
  })
  var approvalCount = typeof counts.approvals === 'number' ? counts.approvals : approvals.length
  return {
    sections: sections,
    approvals: approvals,
    approvalCount: approvalCount,
    total:
      approvalCount +
      sections.reduce(function (sum, section) {
        return sum + section.count
      }, 0),
    onText: developmentView.dateText(body && body.on),
  }
}

Page({
  data: {
    loading: true,
    loaded: false,
    errorMessage: '',
    sections: [],
    approvals: [],
    approvalCount: 0,
    total: 0,
    onText: '',
  },

  onLoad: function () {
    return this.load()
  },

  // Back from a record where a step was recorded, or from a decision.
  onShow: function () {
    if (this.seenChanges !== undefined && development.changeCount() !== this.seenChanges) return this.load()
    return Promise.resolve()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Never rejects.
  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    page.seenChanges = development.changeCount()
    return development.todo().then(
      function (body) {
        page.setData(Object.assign({ loading: false, loaded: true }, viewTodo(body, Date.now())))
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  openRecord: function (event) {
    var id = event.currentTarget.dataset.record
    if (!id) return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },

  openApproval: function (event) {
    var dataset = event.currentTarget.dataset
    if (!dataset.entry) return
    var url = APPROVE_PAGE + '?id=' + encodeURIComponent(String(dataset.entry))
    if (dataset.record) url += '&record=' + encodeURIComponent(String(dataset.record))
    wx.navigateTo({ url: url })
  },
})
