// 反映办理: the cases the caller handles (GET /feedback/cases, most urgent first, a page at a time),
// one tab per status — 待受理, 办理中, 已答复, 已办结 — each row with the deadline it waits on, in red
// once missed. A row opens the case (pages/feedback/handle-case). The server lists only the cases
// the caller handles (an auditor: all in scope, read only); held cases (content review) are not
// among a handler's until approved. Each row is a handler's view: who sent it (匿名 when
// anonymous) and whether its submitter asked for it again.

var feedback = require('../../services/feedback')
var view = require('../../utils/feedback-view')
var pagedList = require('../../utils/paged-list')

var CASE_PAGE = '/pages/feedback/handle-case'

// One list per tab: a tab change refreshes, and a refresh drops any answer still on its way for
// another tab (the paged list's generation), so they never mix.
var lists = {}
view.STATUS_TABS.forEach(function (tab) {
  lists[tab.value] = pagedList.create({
    fetch: function (page) {
      return feedback.cases({ status: tab.value, page: page })
    },
    viewItem: view.viewHandlerListItem,
  })
})

Page(
  pagedList.listPage(null, {
    data: pagedList.initialData({
      tabs: view.STATUS_TABS,
      tab: view.STATUS_TABS[0].value,
    }),

    onLoad: function (query) {
      var tab = query && query.status
      if (lists[tab]) this.setData({ tab: tab })
      return this.refresh()
    },

    // Back from a case accepted, replied to or closed: its row has moved to another tab.
    onShow: function () {
      if (this.seenChanges !== undefined && feedback.changeCount() !== this.seenChanges) return this.refresh()
      return Promise.resolve()
    },

    refresh: function () {
      this.seenChanges = feedback.changeCount()
      return lists[this.data.tab].refresh(this)
    },

    loadMore: function () {
      return lists[this.data.tab].loadMore(this)
    },

    switchTab: function (event) {
      var tab = event.currentTarget.dataset.tab
      if (!lists[tab] || tab === this.data.tab) return Promise.resolve()
      // The other tab's rows must not show under this one's heading while it loads.
      this.setData(pagedList.initialData({ tab: tab }))
      return this.refresh()
    },

    openItem: function (event) {
      var id = event.currentTarget.dataset.id
      if (id === undefined || id === null || id === '') return
      wx.navigateTo({ url: CASE_PAGE + '?id=' + encodeURIComponent(String(id)) })
    },
  })
)
