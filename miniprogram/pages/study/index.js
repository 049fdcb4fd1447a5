// 学习: the member's study home — today's punch-in (学习打卡) and streak, my points today and in
// total with my place in my branch, the entries of 每日答题 and 学习有痕, my study plans with their
// progress and deadlines (overdue ones highlighted), and the materials, filtered by category, a
// page at a time. A material (of the list or of a plan) opens the reader; the punch-in and points
// cards and the entries open their pages. The home does not ask for today's quiz: the first
// request of the day draws its questions, which is for the quiz page to do.
//
// Back from reading, punching in or answering the quiz (services/study.js counts the changes),
// the cards reload.

var study = require('../../services/study')
var studyView = require('../../utils/study-view')
var pagedList = require('../../utils/paged-list')
var errors = require('../../api/errors')

var READER_PAGE = '/pages/study/reader'
var PUNCH_IN_PAGE = '/pages/study/punch-in'
var POINTS_PAGE = '/pages/study/points'
var QUIZ_PAGE = '/pages/study/quiz'
var TRACE_PAGE = '/pages/study/trace'

// One list per category chip. A chip change refreshes, and a refresh drops any answer still on
// its way for the other chip (the paged list's generation), so the two never mix.
var lists = {}
studyView.CATEGORIES.forEach(function (category) {
  lists[category.value] = pagedList.create({
    fetch: function (page) {
      return study.materials({ category: category.value, page: page })
    },
    viewItem: studyView.viewMaterialItem,
  })
})

// What a card shows when its request failed. A lost session is the materials list's to report
// (it loads with the cards and sends the member to log in again), so that it is reported once.
function failure(error) {
  return errors.userMessage(error)
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({
    categories: studyView.CATEGORIES,
    category: '',
    punch: null, // studyView.viewPunchIns
    punchError: '',
    points: null, // studyView.viewPointsSummary
    pointsError: '',
    plans: [],
    plansLoaded: false,
    plansError: '',
  }),

  onLoad: function () {
    return Promise.all([this.loadCards(), this.refresh()])
  },

  // Back from the reader or the punch-in page: the cards are out of date.
  onShow: function () {
    if (this.seenChanges !== undefined && study.changeCount() !== this.seenChanges) return this.loadCards()
    return Promise.resolve()
  },

  onPullDownRefresh: function () {
    return Promise.all([this.loadCards(), this.refresh()]).then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The punch-in, points and plans cards. Never rejects.
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
        page.setData({ punchError: failure(error) })
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
        page.setData({ pointsError: failure(error) })
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
        page.setData({ plansLoaded: true, plansError: failure(error) })
      }
    )
  },

  refresh: function () {
    return lists[this.data.category].refresh(this)
  },

  loadMore: function () {
    return lists[this.data.category].loadMore(this)
  },

  switchCategory: function (event) {
    var category = event.currentTarget.dataset.value
    if (category === undefined || category === null) category = ''
    category = String(category)
    if (!studyView.isValidCategory(category) || category === this.data.category) return Promise.resolve()
    // The other chip's rows must not show under this one while it loads.
    this.setData({ category: category, items: [], page: 0, pages: 0, loaded: false, loadFailed: false })
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
}))
