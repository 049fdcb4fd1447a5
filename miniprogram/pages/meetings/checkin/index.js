// 签到 (and 签退): where a scan of the projector's code lands. Opened by WeChat's own scanner
// (query.q: the check-in link, with query.scancode_time), by a mini-program code (query.scene),
// or by this app's 扫码签到 (query.token); query.mode === 'signout' signs out instead (the detail
// page opens it so for meetings with sign_out). The scan is sent at once and the page shows the
// server's answer in words (utils/checkin-result.js). When the network fails the scan is kept
// (utils/checkin-queue.js) and resent when the page or the app shows again, or the network
// comes back; the page then shows that outcome.

var queue = require('../../../utils/checkin-queue')
var checkinToken = require('../../../utils/checkin-token')
var checkinResult = require('../../../utils/checkin-result')
var feedback = require('../../../utils/feedback')

var DETAIL_PAGE = '/pages/meetings/detail/index'
// A page instance's `route` has no leading slash.
var DETAIL_ROUTE = DETAIL_PAGE.slice(1)
var INDEX_PAGE = '/pages/meetings/index/index'

Page({
  data: {
    // 'sending' | 'success' | 'queued' | 'error' | 'invalid'
    state: 'sending',
    mode: 'checkin',
    modeWord: '签到',
    message: '', // the invalid and queued states' text
    result: null, // checkinResult.successView
    failure: null, // checkinResult.errorView
    scanning: false,
    retrying: false,
  },

  onLoad: function (query) {
    query = query || {}
    var mode = query.mode === 'signout' ? 'signout' : 'checkin'
    var modeWord = mode === 'signout' ? '签退' : '签到'
    this.setData({ mode: mode, modeWord: modeWord })
    if (typeof wx.setNavigationBarTitle === 'function') wx.setNavigationBarTitle({ title: modeWord })
    var parsed = checkinToken.fromQuery(query)
    if (!parsed.token) {
      // Nothing is sent for a code that is not this system's.
      this.setData({ state: 'invalid', message: parsed.error })
      return Promise.resolve()
    }
    return this.start(parsed.token, parsed.scannedAt)
  },

  // Also when the member comes back to WeChat with this page open: a kept scan goes again.
  onShow: function () {
    return queue.retry()
  },

  onUnload: function () {
    this.stopWatching()
  },

  stopWatching: function () {
    if (this.unwatch) this.unwatch()
    this.unwatch = null
  },

  // A new scan: gathered (device, location), sent, and its outcome shown.
  start: function (token, scannedAt) {
    var page = this
    page.stopWatching()
    page.setData({ state: 'sending', message: '', result: null, failure: null })
    return queue
      .prepareScan(token, { scannedAt: scannedAt === null ? undefined : scannedAt, mode: page.data.mode })
      .then(queue.submit)
      .then(function (outcome) {
        page.showOutcome(outcome)
      })
  },

  // An outcome of utils/checkin-queue.js: of the first attempt, or of a resend of a kept scan.
  showOutcome: function (outcome) {
    var page = this
    // Only a kept scan is watched: an outcome arriving while watching is that of a resend.
    var resent = !!page.unwatch
    page.stopWatching()
    if (outcome.status === 'sent') {
      page.setData({
        state: 'success',
        result: checkinResult.successView(outcome.checkin, page.data.mode, { retried: resent }),
      })
    } else if (outcome.status === 'queued') {
      page.setData({ state: 'queued', message: checkinResult.QUEUED_TEXT })
      page.unwatch = queue.watch(outcome.scan.idempotency_key, function (later) {
        page.showOutcome(later)
      })
    } else if (outcome.status === 'expired') {
      // Dropped by the phone before the server could say offline_too_late; the same words.
      page.setData({ state: 'error', failure: checkinResult.codeView('offline_too_late') })
    } else {
      if (feedback.leaveIfSignedOut(outcome.error)) return
      page.setData({ state: 'error', failure: checkinResult.errorView(outcome.error, page.data.mode) })
    }
  },

  // 立即重试 while a scan waits.
  retryNow: function () {
    var page = this
    if (page.data.retrying) return Promise.resolve()
    page.setData({ retrying: true })
    return queue.retry().then(function () {
      page.setData({ retrying: false })
      if (page.data.state === 'queued') wx.showToast({ title: '网络仍不可用，稍后自动补传', icon: 'none' })
    })
  },

  // 重新扫码: the camera again, in this page.
  rescan: function () {
    var page = this
    if (page.data.scanning) return Promise.resolve()
    page.setData({ scanning: true })
    return checkinToken.scan().then(function (result) {
      page.setData({ scanning: false })
      if (result.token) return page.start(result.token, Date.now())
      if (result.error) page.setData({ state: 'invalid', message: result.error, result: null, failure: null })
      return null
    })
  },

  // The location permission, after location_required.
  openSettings: function () {
    wx.openSetting({})
  },

  openMeeting: function () {
    var id = this.data.result && this.data.result.meetingId
    if (!id) return
    // Scanned from that meeting's page: back to it (it reloads), rather than a second copy.
    var pages = getCurrentPages()
    var previous = pages.length > 1 ? pages[pages.length - 2] : null
    if (previous && previous.route === DETAIL_ROUTE && previous.options && String(previous.options.id) === String(id)) {
      wx.navigateBack({ delta: 1 })
      return
    }
    // In place of this page: going back from the meeting should not land on a finished scan.
    wx.redirectTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },

  // 完成: back where the member came from, or (opened by WeChat's scanner, with nothing below)
  // to the meeting list.
  done: function () {
    if (getCurrentPages().length > 1) wx.navigateBack({ delta: 1 })
    else wx.reLaunch({ url: INDEX_PAGE })
  },
})
