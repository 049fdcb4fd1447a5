// 学习: the member's study home — today's punch-in (学习打卡) and streak, my points today and in
// total with my place in my branch, the entries of 每日答题 and 学习有痕 (and, for secretaries and
// committee admins, 支部学习统计), my study plans with their progress and deadlines (overdue ones
// highlighted), and the materials, filtered by category (the server's, GET /categories), a page
// at a time, each with how far the member has read it (已学习, or the time read so far). A
// material (of the list or of a plan) opens the reader; the punch-in and points cards and the
// entries open their pages. The home does not ask for today's quiz: the first request of the day
// draws its questions, which is for the quiz page to do.
//
// Back from reading, punching in or answering the quiz (services/study.js counts the changes),
// the cards reload.
//
// 支部学习统计 is offered as 我的 offers 发展党员待办: from the member's roles in the stored session,
// which 我的 (the way here) has just refreshed from /me; the server answers 403 to anyone else.

var study = require('../../services/study')
var auth = require('../../services/auth')
var studyView = require('../../utils/study-view')
var memberRoles = require('../../utils/roles')
var pagedList = require('../../utils/paged-list')
var errors = require('../../api/errors')

var READER_PAGE = '/pages/study/reader'
var PUNCH_IN_PAGE = '/pages/study/punch-in'
var POINTS_PAGE = '/pages/study/points'
var QUIZ_PAGE = '/pages/study/quiz'
var TRACE_PAGE = '/pages/study/trace'
var BRANCH_PAGE = '/pages/study/branch'

// One list per category chip, made when first shown. A chip change refreshes, and a refresh drops
// any answer still on its way for the other chip (the paged list's generation), so the two never
// mix.
var lists = {}

function listOf(category) {
  if (!lists[category]) {
    lists[category] = pagedList.create({
      fetch: function (page) {
        return study.materials({ category: category, page: page })
      },
      viewItem: studyView.viewMaterialItem,
    })
  }
  return lists[category]
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({
    categories: studyView.CATEGORIES, // the built-in ones until GET /categories answers
    category: '',
    canViewAnalytics: false,
    punch: null, // studyView.viewPunchIns
    punchError: '',
    points: null, // studyView.viewPointsSummary
    pointsError: '',
    plans: [],
    plansLoaded: false,
    plansError: '',
  }),

  onLoad: function () {
    var session = auth.getSession()
    this.setData({ canViewAnalytics: memberRoles.canManage(session && session.member) })
    return Promise.all([this.loadCards(), this.refresh(), this.loadCategories()])
  },

  // Back from the reader or the punch-in page: the cards are out of date.
  onShow: function () {
    if (this.seenChanges !== undefined && study.changeCount() !== this.seenChanges) return this.loadCards()
    return Promise.resolve()
  },

  onPullDownRefresh: function () {
    var loads = [this.loadCards(), this.refresh()]
    // The chips that failed on the way in are asked for again; once known, they stay.
    if (!this.categoriesKnown) loads.push(this.loadCategories())
    return Promise.all(loads).then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The server's categories as the chips. A failure keeps the built-in ones, quietly (the
  // materials list reports a lost session).
  loadCategories: function () {
    var page = this
    return study.categories().then(
      function (body) {
        page.categoriesKnown = true
        page.setData({ categories: studyView.categoryChips(body) })
      },
      function () {}
    )
  },

  // The punch-in, points and plans cards. Never rejects. A card whose request failed shows the
  // error's words; a lost session is the materials list's to report (it loads with the cards and
  // sends the member to log in again), so that it is reported once.
  loadCards: function () {
    this.seenChanges = study.changeCount()
    return Promise.all([this.loadPunch(), this.loadPoints(), this.loadPlans()])
  },

  loadPunch: function () {
    var page = this
    return study.myPunchIns(1).then(
      function (body) {
        page.setData({ punch: studyView.viewPunchIns(body, Date.now()), punchError: '' })
      },
      function (error) {
        page.setData({ punchError: errors.userMessage(error) })
      }
    )
  },

  // The totals and the rank; the history is the points page's (one entry asked, the least).
  loadPoints: function () {
    var page = this
    return study.myPoints(1, 1).then(
      function (body) {
        page.setData({ points: studyView.viewPointsSummary(body), pointsError: '' })
      },
      function (error) {
        page.setData({ pointsError: errors.userMessage(error) })
      }
    )
  },

  loadPlans: function () {
    var page = this
    return study.myPlans().then(
      function (body) {
        page.setData({ plans: studyView.viewPlans(body, Date.now()), plansLoaded: true, plansError: '' })
      },
      function (error) {
        page.setData({ plansLoaded: true, plansError: errors.userMessage(error) })
      }
    )
  },

  refresh: function () {
    return listOf(this.data.category).refresh(this)
  },

  loadMore: function () {
    return listOf(this.data.category).loadMore(this)
  },

  switchCategory: function (event) {
    var category = event.currentTarget.dataset.value
    if (category === undefined || category === null) category = ''
    category = String(category)
    if (!studyView.hasChip(this.data.categories, category) || category === this.data.category) return Promise.resolve()
    // The other chip's rows must not show under this one while it loads.
    this.setData(pagedList.initialData({ category: category }))
    return this.refresh()
  },

  openMaterial: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: READER_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },

  openPunchIn: function () {
    wx.navigateTo({ url: PUNCH_IN_PAGE })
  },

  openPoints: function () {
    wx.navigateTo({ url: POINTS_PAGE })
  },

  openRanking: function () {
    wx.navigateTo({ url: POINTS_PAGE + '?tab=branches' })
  },

  openQuiz: function () {
    wx.navigateTo({ url: QUIZ_PAGE })
  },

  openTrace: function () {
    wx.navigateTo({ url: TRACE_PAGE })
  },

  openBranch: function () {
    if (!this.data.canViewAnalytics) return
    wx.navigateTo({ url: BRANCH_PAGE })
  },
}))
