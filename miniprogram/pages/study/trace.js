// 学习有痕: my learning trace over a period — 近7天, 近30天 (the default, as the server's), 近90天,
// or two dates picked (at most 366 days, the server's limit, checked before asking) — with the
// minutes read and the days studied, and day by day, newest first, the materials read and for
// how long, the punch-in (streak, reflection) and the quiz result. A material opens the reader.
// 导出 downloads the same period as an .xlsx with the session (services/study.js downloadTrace)
// and opens it in WeChat's viewer.
//
// The periods count back from today in Beijing. A change of period drops the trace shown and any
// answer still on its way for the one before (a generation, as the ranking of pages/study/points
// has). The export takes the period of the trace shown, as the server answered it.

var study = require('../../services/study')
var studyView = require('../../utils/study-view')
var studyTrace = require('../../utils/study-trace')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

var READER_PAGE = '/pages/study/reader'

// An account without a member record (403 no_member): asking again changes nothing.
function isFinal(error) {
  return error instanceof errors.ApiError && error.status === 403
}

Page({
  data: {
    periods: studyTrace.PERIODS,
    period: studyTrace.DEFAULT_PERIOD, // '' once two dates are picked
    since: '', // the pickers' dates, 'YYYY-MM-DD'
    until: '',
    today: '',
    rangeError: '',
    loading: false,
    errorMessage: '',
    canRetry: true,
    trace: null, // studyTrace.viewTrace
    exporting: false,
  },

  onLoad: function () {
    var today = studyView.today(Date.now())
    var range = studyTrace.periodRange(studyTrace.DEFAULT_PERIOD, today)
    this.setData({ today: today, since: range.since, until: range.until })
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  switchPeriod: function (event) {
    var value = String(event.currentTarget.dataset.period)
    var range = studyTrace.periodRange(value, this.data.today)
    if (!range || value === this.data.period) return Promise.resolve()
    this.setData({ period: value, since: range.since, until: range.until, rangeError: '', trace: null })
    return this.load()
  },

  pickSince: function (event) {
    return this.pickRange(event.detail.value, this.data.until)
  },

  pickUntil: function (event) {
    return this.pickRange(this.data.since, event.detail.value)
  },

  // Two dates: the trace of that period, or why the server would refuse it (the trace shown
  // stays, with its own dates).
  pickRange: function (since, until) {
    var problem = studyTrace.rangeError(since, until)
    this.setData({ period: '', since: since, until: until, rangeError: problem })
    if (problem) return Promise.resolve()
    this.setData({ trace: null })
    return this.load()
  },

  // The trace of the pickers' period; an answer for an earlier choice is dropped. Never rejects.
  load: function () {
    var page = this
    if (studyTrace.rangeError(page.data.since, page.data.until)) return Promise.resolve()
    page.generation = (page.generation || 0) + 1
    var generation = page.generation
    page.setData({ loading: true, errorMessage: '' })
    return study.trace({ since: page.data.since, until: page.data.until }).then(
      function (body) {
        if (generation !== page.generation) return
        page.setData({ loading: false, trace: studyTrace.viewTrace(body, Date.now()) })
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loading: false, errorMessage: errors.userMessage(error), canRetry: !isFinal(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  openMaterial: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: READER_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },

  // 导出: the .xlsx of the trace shown, opened in WeChat's viewer (which can forward it). Never
  // rejects.
  exportTrace: function () {
    var page = this
    var trace = page.data.trace
    if (!trace || page.data.exporting) return Promise.resolve()
    page.setData({ exporting: true })
    wx.showLoading({ title: '正在导出' })
    return study
      .downloadTrace({ since: trace.since, until: trace.until })
      .then(
        function (path) {
          wx.hideLoading()
          wx.openDocument({
            filePath: path,
            fileType: 'xlsx',
            showMenu: true,
            fail: function () {
              wx.showToast({ title: '文件无法打开', icon: 'none' })
            },
          })
        },
        function (error) {
          wx.hideLoading()
          feedback.showError(error)
        }
      )
      .then(function () {
        page.setData({ exporting: false })
      })
  },
})
