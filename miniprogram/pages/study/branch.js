// 支部学习统计: for secretaries and committee admins, the study figures of an org they manage and
// everything below it (GET /study/analytics/overview): how fresh the figures are (数据更新于
// HH:mm, Beijing time), today's, the totals over the weeks chosen (近4周, 近12周 — the default, as
// the server's — or 近26周), the weekly trend as bars of the active rate, the orgs directly below
// (本级直属 first: the org's own members) with their active rate and minutes per member-week
// (含下级组织 on those with orgs below them), and the study plans with their completion. Below it
// the members of the org (GET /analytics/people) over 近7天 or 近30天, sorted by 学习时长, 学习天数,
// 积分 or 最不活跃 first, a page at a time; a member opens their 学习有痕
// (pages/study/trace?person_id=).
//
// The page opens on the broadest org the caller manages (the server's default), or on ?org_id=.
// An org below opens in place, also one without orgs below it (its page still lists its members);
// 本级直属 does not (it is the org shown). The trail of orgs (broadest first) is the way back up:
// the orgs opened, and before the org shown always the org above it as the server names it
// (`parent`, when the caller manages it too; utils/study-analytics.js trailOf). So 返回上级 is
// offered on ?org_id= and on the default org too, and not where the server has nothing above. The
// people are asked for once the figures have answered, for the org they name, so both are always
// of one org. A change of org, weeks or period drops what is shown and any answer still on its
// way for the choice before (the overview's generation, and the people list's own).
//
// Refusals: 403 (the caller manages nothing) and 404 (an org unknown, or not theirs) are said in
// words of their own and not asked again.

var study = require('../../services/study')
var time = require('../../utils/time')
var ids = require('../../utils/ids')
var studyAnalytics = require('../../utils/study-analytics')
var pagedList = require('../../utils/paged-list')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

var TRACE_PAGE = '/pages/study/trace'

function isRefusal(error) {
  return error instanceof errors.ApiError && !(error instanceof errors.AuthError) && (error.status === 403 || error.status === 404)
}

function refusalText(error) {
  if (isRefusal(error)) return error.status === 403 ? '只有支部书记和党委管理员可以查看支部学习统计' : '组织不存在或无权查看'
  return errors.userMessage(error)
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({
    today: '',
    weekOptions: studyAnalytics.WEEK_OPTIONS,
    weeks: studyAnalytics.DEFAULT_WEEKS,
    trail: [], // [{ id, name }], broadest first; the last is the one shown (trailOf)
    overview: null, // studyAnalytics.viewOverview
    overviewLoading: false,
    errorMessage: '',
    canRetry: true,
    periods: studyAnalytics.PEOPLE_PERIODS,
    period: studyAnalytics.DEFAULT_PEOPLE_PERIOD,
    sorts: studyAnalytics.SORTS,
    sort: studyAnalytics.DEFAULT_SORT,
  }),

  onLoad: function (query) {
    var page = this
    var orgId = ids.positiveId(query && query.org_id)
    page.setData({ today: time.today(Date.now()), trail: orgId ? [{ id: orgId, name: '' }] : [] })
    // The people of the org shown, per page instance (the query is the page's).
    page.people = pagedList.create({
      fetch: function (n) {
        return study.analyticsPeople(page.peopleQuery(n))
      },
      viewItem: studyAnalytics.viewPerson,
    })
    return page.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The org shown: the last of the trail; 0 before the first answer (the server's default).
  orgId: function () {
    var trail = this.data.trail
    return trail.length ? trail[trail.length - 1].id : 0
  },

  peopleQuery: function (n) {
    var range = studyAnalytics.peopleRange(this.data.period, this.data.today) || {}
    return { org_id: this.orgId(), since: range.since, until: range.until, sort: this.data.sort, page: n }
  },

  // The figures of the org shown, then its people. Never rejects.
  load: function () {
    var page = this
    return page.loadOverview().then(function (shown) {
      return shown ? page.refresh() : null
    })
  },

  // GET /analytics/overview of the org shown and the weeks chosen. Resolves with whether it is
  // shown (an answer for an earlier choice is dropped). Never rejects.
  loadOverview: function () {
    var page = this
    page.overviewGeneration = (page.overviewGeneration || 0) + 1
    var generation = page.overviewGeneration
    page.setData({ overviewLoading: true, errorMessage: '' })
    return study.analyticsOverview({ org_id: page.orgId(), weeks: page.data.weeks }).then(
      function (body) {
        if (generation !== page.overviewGeneration) return false
        var overview = studyAnalytics.viewOverview(body, Date.now())
        // The org shown as the server names it (the default one is known only now); the way up.
        var trail = studyAnalytics.trailOf(page.data.trail, overview)
        page.setData({ overviewLoading: false, overview: overview, trail: trail })
        return true
      },
      function (error) {
        if (generation !== page.overviewGeneration) return false
        page.setData({ overviewLoading: false, overview: null, errorMessage: refusalText(error), canRetry: !isRefusal(error) })
        feedback.leaveIfSignedOut(error)
        return false
      }
    )
  },

  // The people's first page again (the 重试 of their list too); only once the figures named the org.
  refresh: function () {
    if (!this.people || !this.data.overview) return Promise.resolve()
    return this.people.refresh(this)
  },

  loadMore: function () {
    if (!this.people || !this.data.overview) return Promise.resolve()
    return this.people.loadMore(this)
  },

  // Another org: nothing of the one before shows while it loads, nor arrives after.
  showOrg: function (trail) {
    // The people list's generation: its answers still on their way are dropped.
    this.generation = (this.generation || 0) + 1
    this.setData(pagedList.initialData({ trail: trail, overview: null, errorMessage: '' }))
    return this.load()
  },

  // An org below (data-id): its figures in place, with or without orgs below it. 本级直属 is the org
  // shown: not opened.
  openOrg: function (event) {
    var id = event.currentTarget.dataset.id
    var overview = this.data.overview
    var row = ((overview && overview.orgs) || []).filter(function (item) {
      return String(item.orgId) === String(id) && item.canOpen
    })[0]
    if (!row) return Promise.resolve()
    return this.showOrg(this.data.trail.concat([{ id: row.orgId, name: row.orgName }]))
  },

  // Back up the trail to the org at data-index (返回上级: the one above the org shown).
  goUp: function (event) {
    var index = Number(event.currentTarget.dataset.index)
    var trail = this.data.trail
    if (!(index >= 0 && index < trail.length - 1) || index % 1 !== 0) return Promise.resolve()
    return this.showOrg(trail.slice(0, index + 1))
  },

  switchWeeks: function (event) {
    var weeks = Number(event.currentTarget.dataset.weeks)
    if (!studyAnalytics.isWeeks(weeks) || weeks === this.data.weeks) return Promise.resolve()
    // The other span's figures must not show under this one's chip while it loads.
    this.setData({ weeks: weeks, overview: null })
    // The people's period is their own: only the figures change.
    var page = this
    return page.loadOverview().then(function (shown) {
      // Should the figures have failed before, the people were never asked for.
      return shown && !page.data.loaded ? page.refresh() : null
    })
  },

  switchPeriod: function (event) {
    var period = String(event.currentTarget.dataset.period)
    if (!studyAnalytics.peopleRange(period, this.data.today) || period === this.data.period) return Promise.resolve()
    // The other period's rows must not show under this one's chip while it loads.
    this.setData(pagedList.initialData({ period: period }))
    return this.refresh()
  },

  switchSort: function (event) {
    var sort = String(event.currentTarget.dataset.sort)
    if (!studyAnalytics.isSort(sort) || sort === this.data.sort) return Promise.resolve()
    this.setData(pagedList.initialData({ sort: sort }))
    return this.refresh()
  },

  // A member: their 学习有痕.
  openPerson: function (event) {
    var id = ids.positiveId(event.currentTarget.dataset.id)
    if (!id) return
    wx.navigateTo({ url: TRACE_PAGE + '?person_id=' + id })
  },
}))
