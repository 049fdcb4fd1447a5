// 阅读情况 of one announcement (?id=), for the secretary who published it: how many of the people it
// is addressed to have read it, and their names under 已读 / 未读, a page at a time (scroll to the
// bottom for more, pull down to refresh). The title comes from the list this page was opened from
// (GET /announcements/{id} would mark it read for the secretary).

var announcements = require('../../services/announcements')
var announcementView = require('../../utils/announcement-view')
var pagedList = require('../../utils/paged-list')
var ids = require('../../utils/ids')

var TABS = announcementView.RECEIPT_TABS

function hasTab(key) {
  return TABS.some(function (tab) {
    return tab.key === key
  })
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({
    id: 0,
    title: '',
    tabs: TABS,
    // Who has not read it yet is what a secretary follows up.
    tab: 'unread',
    counts: null, // announcementView.receiptCounts, from each page's body
    noId: false,
  }),

  onLoad: function (query) {
    var id = ids.positiveId(query && query.id)
    if (!id) {
      this.setData({ noId: true, loaded: true })
      return Promise.resolve()
    }
    var item = announcements.managedItem(id)
    this.setData({ id: id, title: (item && item.title) || '' })
    // One list per tab, per page instance (their fetch names this announcement).
    this.lists = {}
    return this.refresh()
  },

  listOf: function (tab) {
    var id = this.data.id
    if (!this.lists[tab]) {
      this.lists[tab] = pagedList.create({
        fetch: function (page) {
          return announcements.receipts(id, page, { state: tab })
        },
        viewItem: announcementView.viewReceipt,
        // Every page carries the counts, so they stay right as people read it.
        fields: function (body) {
          return { counts: announcementView.receiptCounts(body) }
        },
      })
    }
    return this.lists[tab]
  },

  refresh: function () {
    if (!this.lists) return Promise.resolve()
    return this.listOf(this.data.tab).refresh(this)
  },

  loadMore: function () {
    if (!this.lists) return Promise.resolve()
    return this.listOf(this.data.tab).loadMore(this)
  },

  switchTab: function (event) {
    var tab = event.currentTarget.dataset.key
    if (!this.lists || !hasTab(tab) || tab === this.data.tab) return Promise.resolve()
    // The other tab's names must not show under this one while it loads; the counts stay.
    this.setData(pagedList.initialData({ tab: tab }))
    return this.refresh()
  },
}))
