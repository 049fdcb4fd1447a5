// 新闻资讯: news from central media, newest first, under tabs — 推荐 (the topics the member chose in
// 订阅设置), 全部, and one per topic (the server's, GET /news/topics). Pull down to refresh, scroll to
// the bottom for the next page. An item opens its detail page (the summary, the source and the
// link to copy: the mini-program cannot open the news sites themselves).
//
// Back from 订阅设置 with new topics, 推荐 loads again.

var news = require('../../services/news')
var newsView = require('../../utils/news-view')
var pagedList = require('../../utils/paged-list')

var DETAIL_PAGE = '/pages/news/detail'
var SETTINGS_PAGE = '/pages/news/settings'

// One list per tab, made when first shown. A tab change refreshes, and a refresh drops any answer
// still on its way for the other tab (the paged list's generation), so the two never mix.
var lists = {}

function listOf(tab) {
  if (!lists[tab]) {
    lists[tab] = pagedList.create({
      fetch: function (page) {
        return news.list(Object.assign({ page: page }, newsView.listParams(tab)))
      },
      viewItem: newsView.viewNewsItem,
    })
  }
  return lists[tab]
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({
    tabs: newsView.tabs(null), // 推荐 and 全部 until GET /news/topics answers
    tab: newsView.TAB_MINE,
  }),

  onLoad: function () {
    this.seenChanges = news.changeCount()
    return Promise.all([this.refresh(), this.loadTopics()])
  },

  // Back from 订阅设置: saved topics change what 推荐 lists.
  onShow: function () {
    if (this.seenChanges === undefined || news.changeCount() === this.seenChanges) return Promise.resolve()
    this.seenChanges = news.changeCount()
    return this.data.tab === newsView.TAB_MINE ? this.refresh() : Promise.resolve()
  },

  onPullDownRefresh: function () {
    var loads = [this.refresh()]
    // The tabs that failed on the way in are asked for again; once known, they stay.
    if (!this.topicsKnown) loads.push(this.loadTopics())
    return Promise.all(loads).then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The topics as tabs. A failure keeps 推荐 and 全部, quietly (the list reports a lost session).
  loadTopics: function () {
    var page = this
    return news.topics().then(
      function (body) {
        page.topicsKnown = true
        page.setData({ tabs: newsView.tabs(body) })
      },
      function () {}
    )
  },

  refresh: function () {
    return listOf(this.data.tab).refresh(this)
  },

  loadMore: function () {
    return listOf(this.data.tab).loadMore(this)
  },

  switchTab: function (event) {
    var tab = event.currentTarget.dataset.key
    if (!newsView.hasTab(this.data.tabs, tab) || tab === this.data.tab) return Promise.resolve()
    // The other tab's rows must not show under this one while it loads.
    this.setData(pagedList.initialData({ tab: tab }))
    return this.refresh()
  },

  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },

  openSettings: function () {
    wx.navigateTo({ url: SETTINGS_PAGE })
  },
}))
