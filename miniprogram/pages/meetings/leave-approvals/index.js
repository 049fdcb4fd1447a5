// 请假审批: the pending leave requests of the meetings this secretary manages (?meeting_id= for one
// meeting), a page at a time. Each is approved or rejected, with a comment the member reads; not
// approving needs one. A decided request stays in the list with its outcome until the next
// refresh, so the secretary sees what was done.

var meetingAdmin = require('../../../services/meeting-admin')
var time = require('../../../utils/time')
var pagedList = require('../../../utils/paged-list')
var adminText = require('../../../utils/meeting-admin')
var feedback = require('../../../utils/feedback')

// One meeting holds tens of requests: one page of the server's largest size finds any of them.
var LOOKUP_PER_PAGE = 100

// "已批准（张三）：同意" once decided; '' while pending.
function resultText(request) {
  if (request.state === 'pending') return ''
  var by = adminText.personName(request.decided_by)
  var text = (request.state_label || request.state || '') + (by ? '（' + by + '）' : '')
  return request.comment ? text + '：' + request.comment : text
}

function viewItem(request, now) {
  return {
    id: request.id,
    meetingId: request.meeting_id,
    name: adminText.personName(request.person),
    meetingTitle: request.meeting_title || '',
    meetingTime: time.formatBeijing(request.meeting_start_at, now),
    reason: request.reason || '',
    createdText: time.relativeTime(request.created_at, now),
    state: request.state,
    pending: request.state === 'pending',
    resultText: resultText(request),
    comment: '',
    error: '',
    deciding: false,
  }
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({ meetingId: '' }),

  onLoad: function (query) {
    var meetingId = Number(query && query.meeting_id) || ''
    this.setData({ meetingId: meetingId })
    // The list is made per page instance: its fetch depends on this page's meeting.
    this.list = pagedList.create({
      fetch: function (n) {
        return meetingAdmin.leaveRequests({ state: 'pending', meetingId: meetingId, page: n })
      },
      viewItem: viewItem,
    })
    return this.refresh()
  },

  refresh: function () {
    return this.list.refresh(this)
  },

  loadMore: function () {
    return this.list.loadMore(this)
  },

  onCommentInput: function (event) {
    var index = Number(event.currentTarget.dataset.index)
    if (!this.data.items[index]) return
    var update = {}
    update['items[' + index + '].comment'] = event.detail.value
    update['items[' + index + '].error'] = ''
    this.setData(update)
  },

  approve: function (event) {
    return this.decide(Number(event.currentTarget.dataset.index), true)
  },

  reject: function (event) {
    return this.decide(Number(event.currentTarget.dataset.index), false)
  },

  decide: function (index, approve) {
    var page = this
    var item = page.data.items[index]
    if (!item || !item.pending || item.deciding) return Promise.resolve()
    var comment = item.comment.trim()
    var prefix = 'items[' + index + '].'
    var update = {}
    if (!approve && !comment) {
      update[prefix + 'error'] = '请填写驳回原因，申请人会看到'
      page.setData(update)
      return Promise.resolve()
    }
    update[prefix + 'deciding'] = true
    update[prefix + 'error'] = ''
    page.setData(update)
    var id = item.id
    return meetingAdmin.decideLeave(id, approve, comment).then(
      function (decided) {
        page.replaceItem(id, viewItem(decided, Date.now()))
        wx.showToast({ title: approve ? '已批准' : '已驳回', icon: 'success' })
      },
      function (error) {
        page.setItemField(id, 'deciding', false)
        if (feedback.leaveIfSignedOut(error)) return null
        var fieldErrors = adminText.fieldErrorsOf(error, { comment: 'comment' })
        if (fieldErrors) {
          page.setItemField(id, 'error', fieldErrors.comment)
          return null
        }
        feedback.showError(error)
        // Decided by someone else (or withdrawn) meanwhile: show it as it now is.
        if (error && error.status === 409) return page.refreshItem(id)
        return null
      }
    )
  },

  // The list may have been refreshed while a request was under way: items are found by id.
  setItemField: function (id, field, value) {
    var index = pagedList.indexOfId(this.data.items, id)
    if (index === -1) return
    var update = {}
    update['items[' + index + '].' + field] = value
    this.setData(update)
  },

  replaceItem: function (id, view) {
    var index = pagedList.indexOfId(this.data.items, id)
    if (index === -1) return
    var update = {}
    update['items[' + index + ']'] = view
    this.setData(update)
  },

  // There is no GET of one request: the requests of its meeting, in every state, hold it. One
  // that is no longer there leaves the list.
  refreshItem: function (id) {
    var page = this
    var index = pagedList.indexOfId(page.data.items, id)
    if (index === -1) return Promise.resolve()
    var meetingId = page.data.items[index].meetingId
    return meetingAdmin.leaveRequests({ meetingId: meetingId, perPage: LOOKUP_PER_PAGE }).then(
      function (body) {
        var found = null
        ;((body && body.items) || []).forEach(function (request) {
          if (String(request.id) === String(id)) found = request
        })
        if (found) {
          page.replaceItem(id, viewItem(found, Date.now()))
          return
        }
        var at = pagedList.indexOfId(page.data.items, id)
        if (at === -1) return
        var items = page.data.items.slice()
        items.splice(at, 1)
        page.setData({ items: items })
      },
      function (error) {
        feedback.leaveIfSignedOut(error)
      }
    )
  },
}))
