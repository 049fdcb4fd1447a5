// 我的积分 and 支部排行: two tabs. 我的积分 — my total, today's points, points by action, my place
// in my branch, and the history a page at a time (GET /points/me carries the totals with each
// history page). 支部排行 — the branches ranked by points per member over a period (近7天, 近30天,
// 近一年, 全部); the ranking names branches only, never members. The member's own branch (from the
// stored login) is marked 本支部. Opened with ?tab=branches it starts on the ranking. The history's
// heading links 学习有痕 (pages/study/trace), the day-by-day record the points came from.

var study = require('../../services/study')
var studyView = require('../../utils/study-view')
var pagedList = require('../../utils/paged-list')
var auth = require('../../services/auth')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

var TAB_MINE = 'mine'
var TAB_BRANCHES = 'branches'
var DEFAULT_PERIOD = 'month'
var TRACE_PAGE = '/pages/study/trace'

// The history is the list; the totals come with each of its pages.
var history = pagedList.create({
  fetch: function (page) {
    return study.myPoints(page).then(function (body) {
      var entries = (body && body.history) || {}
      return { items: entries.items || [], meta: entries.meta || {}, points: body }
    })
  },
  viewItem: studyView.viewPointsEntry,
  fields: function (body) {
    return { summary: studyView.viewPointsSummary(body.points) }
  },
})

// The member's branch as the login stored it; 0 when unknown.
function myOrgId() {
  var session = auth.getSession()
  var org = session && session.member && session.member.org
  return org && typeof org.id === 'number' ? org.id : 0
}

Page(pagedList.listPage(history, {
  data: pagedList.initialData({
    tab: TAB_MINE,
    summary: null, // studyView.viewPointsSummary
    periods: studyView.PERIODS,
    period: DEFAULT_PERIOD,
    ranking: null, // studyView.viewRanking
    rankingLoading: false,
    rankingError: '',
  }),

  onLoad: function (query) {
    if (query && query.tab === TAB_BRANCHES) {
      this.setData({ tab: TAB_BRANCHES })
      return this.loadRanking()
    }
    return this.refresh()
  },

  onPullDownRefresh: function () {
    var load = this.data.tab === TAB_BRANCHES ? this.loadRanking() : this.refresh()
    return load.then(function () {
      wx.stopPullDownRefresh()
    })
  },

  onReachBottom: function () {
    if (this.data.tab !== TAB_MINE) return Promise.resolve()
    return this.loadMore()
  },

  switchTab: function (event) {
    var tab = event.currentTarget.dataset.tab
    if ((tab !== TAB_MINE && tab !== TAB_BRANCHES) || tab === this.data.tab) return Promise.resolve()
    this.setData({ tab: tab })
    // Each tab loads the first time it is shown; a pull-down refreshes it.
    if (tab === TAB_BRANCHES && !this.data.ranking && !this.data.rankingLoading) return this.loadRanking()
    if (tab === TAB_MINE && !this.data.loaded && !this.data.loading) return this.refresh()
    return Promise.resolve()
  },

  switchPeriod: function (event) {
    var period = event.currentTarget.dataset.period
    if (study.PERIODS.indexOf(period) === -1 || period === this.data.period) return Promise.resolve()
    // The other period's ranking must not show under this one's chip while it loads.
    this.setData({ period: period, ranking: null })
    return this.loadRanking()
  },

  // The ranking of the period chosen; an answer for an earlier choice is dropped. Never rejects.
  loadRanking: function () {
    var page = this
    page.rankingGeneration = (page.rankingGeneration || 0) + 1
    var generation = page.rankingGeneration
    var period = page.data.period
    page.setData({ rankingLoading: true, rankingError: '' })
    return study.branchRanking(period).then(
      function (body) {
        if (generation !== page.rankingGeneration) return
        page.setData({ rankingLoading: false, ranking: studyView.viewRanking(body, myOrgId(), Date.now()) })
      },
      function (error) {
        if (generation !== page.rankingGeneration) return
        page.setData({ rankingLoading: false, ranking: null, rankingError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  openTrace: function () {
    wx.navigateTo({ url: TRACE_PAGE })
  },
}))
