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
//
// Opened with ?person_id= (from 支部学习统计, pages/study/branch) it is the trace of a person the
// secretary manages (GET /trace/people/{id}, its export the same person's), with their name in
// the title; their materials do not open the reader, where the time would count as the
// secretary's own reading.
//
// A day's punch-in photo is shown when tapped (照片): its address needs the session, which
// <image src> cannot send, so it is downloaded into a temporary file first (services/study.js
// downloadPhoto), then shown in the day's row and previewed. Only on a tap: a year's trace may
// hold a photo a day, too many to download unasked over a phone's network.

var study = require('../../services/study')
var time = require('../../utils/time')
var ids = require('../../utils/ids')
var studyTrace = require('../../utils/study-trace')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

var READER_PAGE = '/pages/study/reader'

// Asking again changes nothing: an account without a member record (403 no_member), a caller who
// manages nothing (403 forbidden), a person outside the orgs they manage (404).
function isFinal(error, personId) {
  return error instanceof errors.ApiError && (error.status === 403 || (!!personId && error.status === 404))
}

function loadErrorText(error, personId) {
  if (personId && error instanceof errors.ApiError && !(error instanceof errors.AuthError)) {
    if (error.status === 403) return '只有支部书记和党委管理员可以查看党员的学习记录'
    if (error.status === 404) return '该党员不存在或不在你管理的组织中'
  }
  return errors.userMessage(error)
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
    trace: null, // studyTrace.viewTrace, each punch-in with photoPath, photoLoading, photoFailed
    exporting: false,
    personId: 0, // ?person_id=: a managed person's trace; 0 for the member's own
  },

  onLoad: function (query) {
    var today = time.today(Date.now())
    var range = studyTrace.periodRange(studyTrace.DEFAULT_PERIOD, today)
    // Per page instance: the photos downloaded (address → temporary path) and those on their way.
    this.photoPaths = {}
    this.photoPending = {}
    this.setData({ today: today, since: range.since, until: range.until })
    if (query && query.person_id !== undefined) {
      // A positive whole number, else nothing to ask for (0 would be the member's own trace).
      var personId = ids.positiveId(query.person_id)
      if (!personId) {
        // Nothing to ask for, now or on a pull-down (which would show the member's own trace).
        this.noPerson = true
        this.setData({ errorMessage: '该党员不存在或不在你管理的组织中', canRetry: false })
        return Promise.resolve()
      }
      this.setData({ personId: personId })
    }
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
    if (page.noPerson || studyTrace.rangeError(page.data.since, page.data.until)) return Promise.resolve()
    page.generation = (page.generation || 0) + 1
    var generation = page.generation
    var personId = page.data.personId
    var range = { since: page.data.since, until: page.data.until }
    page.setData({ loading: true, errorMessage: '' })
    return study.trace(range, personId).then(
      function (body) {
        if (generation !== page.generation) return
        var trace = page.withPhotos(studyTrace.viewTrace(body, Date.now()))
        page.setData({ loading: false, trace: trace })
        if (personId) page.showTitle(trace.personName)
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loading: false, errorMessage: loadErrorText(error, personId), canRetry: !isFinal(error, personId) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // "张三的学习有痕", once the person's name is known.
  showTitle: function (name) {
    if (!name || name === this.titleName) return
    this.titleName = name
    wx.setNavigationBarTitle({ title: name + '的学习有痕' })
  },

  // The trace's punch-ins with the state of their photos: those downloaded before show at once.
  withPhotos: function (trace) {
    var paths = this.photoPaths
    trace.days.forEach(function (day) {
      var punch = day.punchIn
      if (!punch) return
      punch.photoPath = (punch.photoUrl && paths[punch.photoUrl]) || ''
      punch.photoLoading = false
      punch.photoFailed = false
    })
    return trace
  },

  // Each day of the trace shown whose punch-in has the photo of `url` gets `fields` (the trace may
  // have been replaced while it downloaded).
  setPhoto: function (url, fields) {
    var update = {}
    var days = (this.data.trace && this.data.trace.days) || []
    days.forEach(function (day, i) {
      if (!day.punchIn || day.punchIn.photoUrl !== url) return
      Object.keys(fields).forEach(function (key) {
        update['trace.days[' + i + '].punchIn.' + key] = fields[key]
      })
    })
    if (Object.keys(update).length) this.setData(update)
  },

  // 照片 of a day (data-day): downloaded on the first tap, then shown in the row and previewed.
  // A tap while it downloads does nothing; one that failed is tried again. Never rejects.
  openPhoto: function (event) {
    var page = this
    var dayText = event.currentTarget.dataset.day
    var day = ((page.data.trace && page.data.trace.days) || []).filter(function (item) {
      return item.day === dayText
    })[0]
    var url = day && day.punchIn && day.punchIn.photoUrl
    if (!url) return Promise.resolve()
    var preview = function (path) {
      wx.previewImage({ urls: [path], current: path })
    }
    if (page.photoPaths[url]) {
      preview(page.photoPaths[url])
      return Promise.resolve()
    }
    if (page.photoPending[url]) return Promise.resolve()
    page.setPhoto(url, { photoLoading: true, photoFailed: false })
    page.photoPending[url] = study
      .downloadPhoto(url)
      .then(
        function (path) {
          page.photoPaths[url] = path
          page.setPhoto(url, { photoPath: path, photoLoading: false })
          preview(path)
        },
        function () {
          page.setPhoto(url, { photoLoading: false, photoFailed: true })
        }
      )
      .then(function () {
        delete page.photoPending[url]
      })
    return page.photoPending[url]
  },

  // A material read opens the reader: only of the member's own trace.
  openMaterial: function (event) {
    var id = event.currentTarget.dataset.id
    if (this.data.personId || id === undefined || id === null || id === '') return
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
    var range = { since: trace.since, until: trace.until }
    var personId = page.data.personId
    return study
      .downloadTrace(range, personId)
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
