// 通知发送: the notices this secretary sent (or that went to the orgs they manage), newest first,
// each with its state and how far it reached. Pull down to refresh, scroll to the bottom for the
// next page; 发通知 opens the form, a row opens its report.

var notices = require('../../services/notices')
var noticeText = require('../../utils/notices')
var time = require('../../utils/time')
var feedback = require('../../utils/feedback')

var NEW_PAGE = '/pages/notices/new'
var DETAIL_PAGE = '/pages/notices/detail'

// A scheduled notice shows when it will go out; the others when they went (or were due to).
function timeText(item, now) {
  if (item.state === 'scheduled') return '定时 ' + time.formatBeijing(item.scheduled_at, now)
  return time.relativeTime(item.dispatched_at || item.scheduled_at, now)
}

function viewItem(item, now) {
  return {
    id: item.id,
    title: item.title || '',
    state: item.state,
    stateLabel: noticeText.NOTICE_STATE_LABELS[item.state] || item.state || '',
    timeText: timeText(item, now),
    summary: noticeText.reachSummary(item),
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

// A notice sent while the member scrolls pushes every row down by one, so the next page starts
// with a row already shown; it is skipped rather than listed twice.
function appendNew(items, more) {
  return items.concat(
    more.filter(function (item) {
      return indexOfId(items, item.id) === -1
    })
  )
}

Page({
  data: {
    items: [],
    page: 0, // the last page loaded
    pages: 0,
    loaded: false, // the first page has answered (or failed) at least once
    loadFailed: false,
    loading: false,
    loadingMore: false,
  },

  onLoad: function () {
    return this.refresh()
  },

  // Back from 发通知 or from a report where the notice was cancelled: the list is out of date.
  onShow: function () {
    if (notices.takeListChanged()) return this.refresh()
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

  // Page 1 again, replacing the list.
  refresh: function () {
    var page = this
    // This load is as fresh as any change made so far; onShow need not load again for it.
    notices.takeListChanged()
    // A refresh makes any answer still on its way for the old list meaningless.
    page.generation = (page.generation || 0) + 1
    var generation = page.generation
    page.setData({ loading: true, loadingMore: false })
    return notices.list(1).then(
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
    return notices.list(next).then(
      function (body) {
        if (generation !== page.generation) return
        var meta = body.meta || {}
        page.setData({
          loadingMore: false,
          items: appendNew(page.data.items, viewItems(body)),
          page: meta.page || next,
          pages: meta.pages || 0,
        })
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loadingMore: false })
        feedback.showError(error)
      }
    )
  },

  openNew: function () {
    wx.navigateTo({ url: NEW_PAGE })
  },

  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },
})
