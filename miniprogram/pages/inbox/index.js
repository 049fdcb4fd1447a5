// 消息: the member's inbox, newest first. Pull down to refresh, scroll to the bottom for the next
// page; tapping a message marks it read and opens the page it points to (if any).

var inbox = require('../../services/inbox')
var time = require('../../utils/time')
var feedback = require('../../utils/feedback')
var pagedList = require('../../utils/paged-list')

var indexOfId = pagedList.indexOfId

// What the template needs from a server item; `now` is when its page arrived (the time text
// does not tick, see utils/paged-list.js).
function viewItem(item, now) {
  return {
    id: item.id,
    kindLabel: item.kind_label || '',
    title: item.title || '',
    body: item.body || '',
    page: item.page || '',
    timeText: time.relativeTime(item.created_at, now),
    unread: !item.read_at,
  }
}

var list = pagedList.create({
  fetch: function (page) {
    return inbox.list(page)
  },
  viewItem: viewItem,
  // Every page carries the current count, so it stays right as more pages come.
  fields: function (body) {
    return { unread: body.unread || 0 }
  },
})

// item.page is a path such as 'pages/meetings/detail/index?id=7'; navigateTo needs it absolute.
function pageUrl(page) {
  return '/' + String(page).replace(/^\/+/, '')
}

Page(pagedList.listPage(list, {
  data: pagedList.initialData({
    unread: 0,
    markingAll: false,
  }),

  // Marks the message read and opens its page. The page opens at once rather than after the
  // server answers: marking read is bookkeeping and must not keep the member waiting (or stop
  // them) on a slow network. The dot goes when the server confirms.
  openItem: function (event) {
    var page = this
    var id = event.currentTarget.dataset.id
    var index = indexOfId(page.data.items, id)
    if (index === -1) return Promise.resolve()
    var item = page.data.items[index]

    var marking = item.unread ? page.markRead(item.id) : Promise.resolve(null)
    if (item.page) {
      wx.navigateTo({
        url: pageUrl(item.page),
        fail: function () {
          // E.g. a notice pointing to a page this version of the mini-program does not have.
          wx.showToast({ title: '暂时无法打开该消息', icon: 'none' })
        },
      })
    }
    return marking.then(function (error) {
      // Having opened another page, the member does not need a toast about the dot.
      if (error && !item.page) feedback.showError(error)
    })
  },

  // Resolves with null, or with the error (never rejects).
  markRead: function (id) {
    var page = this
    return inbox.markRead(id).then(
      function () {
        // Looked up again: a refresh may have replaced the list meanwhile, and then its own
        // unread count already tells the truth.
        var index = indexOfId(page.data.items, id)
        if (index === -1 || !page.data.items[index].unread) return null
        var update = { unread: Math.max(0, page.data.unread - 1) }
        update['items[' + index + '].unread'] = false
        page.setData(update)
        return null
      },
      function (error) {
        return error
      }
    )
  },

  markAllRead: function () {
    var page = this
    if (page.data.markingAll || !page.data.unread) return Promise.resolve()
    page.setData({ markingAll: true })
    return inbox.markAllRead().then(
      function () {
        var update = { markingAll: false, unread: 0 }
        page.data.items.forEach(function (item, index) {
          if (item.unread) update['items[' + index + '].unread'] = false
        })
        page.setData(update)
        wx.showToast({ title: '已全部标为已读', icon: 'none' })
      },
      function (error) {
        page.setData({ markingAll: false })
        feedback.showError(error)
      }
    )
  },
}))
