// 通知发送: the notices this secretary sent (or that went to the orgs they manage), newest first,
// each with its state and how far it reached. Pull down to refresh, scroll to the bottom for the
// next page; 发通知 opens the form, a row opens its report.

var notices = require('../../services/notices')
var noticeText = require('../../utils/notices')
var time = require('../../utils/time')
var pagedList = require('../../utils/paged-list')

var NEW_PAGE = '/pages/notices/new'
var DETAIL_PAGE = '/pages/notices/detail'

// A scheduled notice shows when it will go out; the others when they went (or were due to).
function timeText(item, now) {
  if (item.state === 'scheduled') return '定时 ' + time.formatBeijing(item.scheduled_at, now)
  return time.relativeTime(item.dispatched_at || item.scheduled_at, now)
}

// What the template needs from a server item; `now` is when its page arrived.
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

var list = pagedList.create({
  fetch: function (page) {
    return notices.list(page)
  },
  viewItem: viewItem,
})

Page(pagedList.listPage(list, {
  data: pagedList.initialData(),

  // Back from 发通知 or from a report where the notice was cancelled: the list is out of date.
  onShow: function () {
    if (notices.takeListChanged()) return this.refresh()
    return Promise.resolve()
  },

  // Page 1 again, replacing the list.
  refresh: function () {
    // This load is as fresh as any change made so far; onShow need not load again for it.
    notices.takeListChanged()
    return list.refresh(this)
  },

  openNew: function () {
    wx.navigateTo({ url: NEW_PAGE })
  },

  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },
}))
