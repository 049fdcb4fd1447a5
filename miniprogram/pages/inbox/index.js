// 消息: the member's inbox, newest first. Pull down to refresh, scroll to the bottom for the next
// page; tapping a message marks it read and opens the page it points to (if any).

var inbox = require('../../services/inbox')
var time = require('../../utils/time')
var feedback = require('../../utils/feedback')

// What the template needs from a server item. The time text is fixed when the page arrives
// ("5分钟前" does not tick), as in WeChat's own lists; a pull-down refreshes it.
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

function viewItems(body) {
  var now = Date.now()
  return ((body && body.items) || []).map(function (item) {
    return viewItem(item, now)
  })
}

function indexOfId(items, id) {
  for (var i = 0; i < items.length; i += 1) {
    if (String(items[i].id) === String(id)) return i
  }
  return -1
}

// A message that arrives while the member scrolls pushes every item down by one, so the next
// page starts with an item already shown; it is skipped rather than listed twice.
function appendNew(items, more) {
  var added = more.filter(function (item) {
    return indexOfId(items, item.id) === -1
  })
  return items.concat(added)
}

// item.page is a path such as 'pages/meetings/detail/index?id=7'; navigateTo needs it absolute.
function pageUrl(page) {
  return '/' + String(page).replace(/^\/+/, '')
}

Page({
  data: {
    items: [],
    unread: 0,
    page: 0, // the last page loaded
    pages: 0,
    loaded: false, // the first page has answered (or failed) at least once
    loadFailed: false,
    loading: false,
    loadingMore: false,
    markingAll: false,
  },

  onLoad: function () {
    return this.refresh()
  },

  onPullDownRefresh: function () {
    return this.refresh().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  onReachBottom: function () {
    return this.loadMore()
  },

  // Page 1 again, replacing the list.
  refresh: function () {
    var page = this
    // A refresh makes any answer still on its way for the old list meaningless.
    page.generation = (page.generation || 0) + 1
    var generation = page.generation
    page.setData({ loading: true, loadingMore: false })
    return inbox.list(1).then(
      function (body) {
        if (generation !== page.generation) return
        var meta = body.meta || {}
        page.setData({
          loading: false,
          loaded: true,
          loadFailed: false,
          items: viewItems(body),
          page: meta.page || 1,
          pages: meta.pages || 0,
          unread: body.unread || 0,
        })
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loading: false, loaded: true, loadFailed: true })
        feedback.showError(error)
      }
    )
  },

  // The next page, appended. Stops once the last page (meta.pages) is loaded.
  loadMore: function () {
    var page = this
    var data = page.data
    if (!data.loaded || data.loading || data.loadingMore || data.page >= data.pages) return Promise.resolve()
    var generation = page.generation
    var next = data.page + 1
    page.setData({ loadingMore: true })
    return inbox.list(next).then(
      function (body) {
        if (generation !== page.generation) return
        var meta = body.meta || {}
        page.setData({
          loadingMore: false,
          items: appendNew(page.data.items, viewItems(body)),
          page: meta.page || next,
          pages: meta.pages || 0,
          unread: body.unread || 0,
        })
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loadingMore: false })
        feedback.showError(error)
      }
    )
  },

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
})
