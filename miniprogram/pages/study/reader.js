// 学习材料: one material (opened with ?id=<material id>) — an article (the server's sanitised HTML
// in <rich-text>), a video (<video>) or a document (the PDF downloaded with the session and opened
// with utils/attachments.js) — with the reading time counted for it and 已学习 once it counts as
// studied.
//
// Reading time (docs/study.md 阅读计时). On load the page opens a reading session (seq 0); while
// it is visible it sends a `beat` every `interval_seconds` (the session's answer); onHide sends
// `pause`, onShow after a hide `resume`, onUnload `finish`. The server counts the time by when it
// receives them. The events of a session go out one at a time, in order, each with the next seq
// (1, 2, 3 …), taken when it is sent and never used again:
// - a send that fails is not repeated: its seq is spent, and the next event carries the next
//   one. The server accepts the gap and counts the next beat's gap (at most interval + grace),
//   so a lost beat costs a few seconds and never counts twice; a re-sent seq would be a replay;
// - a failed `resume`, or a beat the server answers `while_paused` (it missed the resume), is
//   followed at the next tick by another `resume` (with a fresh seq) instead of a beat, so the
//   clock is never left stopped while the member reads;
// - a refusal that asking again cannot change (the session or material gone: 4xx but 429) stops
//   the timing;
// - the timer runs only while the page is visible and is cleared on hide and unload.

var study = require('../../services/study')
var studyView = require('../../utils/study-view')
var attachments = require('../../utils/attachments')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')
var time = require('../../utils/time')

// Until the session answers with its own interval (and should it say something unusable).
var DEFAULT_INTERVAL_SECONDS = 15
var MIN_INTERVAL_SECONDS = 1

function intervalMs(seconds) {
  var value = Number(seconds)
  if (!(value > 0)) value = DEFAULT_INTERVAL_SECONDS
  return Math.round(Math.max(value, MIN_INTERVAL_SECONDS) * 1000)
}

// A refusal that will not change by asking again (not found, not allowed, not published, signed
// out). 429 and 5xx are passing.
function isFinal(error) {
  return error instanceof errors.ApiError && error.status >= 400 && error.status < 500 && error.status !== 429
}

function clientAt() {
  return time.toIsoUtc(Date.now())
}

// The page's reading state, kept off `data` (it holds the timer).
function newReading(materialId) {
  return {
    materialId: materialId,
    sessionId: null,
    starting: false,
    intervalMs: intervalMs(DEFAULT_INTERVAL_SECONDS),
    minDwell: 0,
    seq: 0, // the last seq used; the start took 0
    queue: [], // kinds waiting to be sent, in order
    sending: false,
    needsResume: false, // the server may count the page as hidden: the next tick resumes
    visible: false,
    hidden: false, // hidden since it was last shown: onShow resumes
    unloaded: false,
    finished: false, // `finish` sent (or about to be): nothing more goes out
    stopped: false, // a final refusal: no more timing
    timer: null,
    studied: false,
  }
}

var TIMING_NOTES = {
  unpublished: '未发布的材料不计学习时长',
  stopped: '学习计时已中断，重新打开本页可继续计时',
}

Page({
  data: {
    id: '',
    loading: true,
    errorMessage: '',
    material: null,
    // The PDF of a document, as utils/attachments.js lists files.
    documents: [],
    openingDocument: false,
    progress: null, // studyView.progressView of the counted time, once the session answers
    counting: false,
    timingNote: '',
  },

  onLoad: function (query) {
    var id = query && query.id
    if (!id) {
      this.setData({ loading: false, errorMessage: '学习材料不存在' })
      return Promise.resolve()
    }
    this.reading = newReading(String(id))
    this.setData({ id: String(id) })
    return Promise.all([this.load(), this.startSession()])
  },

  onShow: function () {
    var reading = this.reading
    if (!reading || reading.unloaded) return
    reading.visible = true
    if (reading.hidden) {
      reading.hidden = false
      if (reading.sessionId) this.sendEvent('resume')
    }
    this.startTimer()
  },

  onHide: function () {
    var reading = this.reading
    if (!reading || reading.unloaded) return
    reading.visible = false
    reading.hidden = true
    this.stopTimer()
    if (reading.sessionId) this.sendEvent('pause')
  },

  onUnload: function () {
    var reading = this.reading
    if (!reading || reading.unloaded) return
    reading.visible = false
    reading.unloaded = true
    this.stopTimer()
    if (reading.sessionId) this.sendEvent('finish')
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The material. Never rejects.
  load: function () {
    var page = this
    if (!page.data.id) return Promise.resolve()
    page.setData({ loading: true, errorMessage: '' })
    return study.material(page.data.id).then(
      function (body) {
        var material = studyView.viewMaterial(body, Date.now())
        page.setData({
          loading: false,
          material: material,
          documents: material.document ? [material.document] : [],
        })
        if (material.title) wx.setNavigationBarTitle({ title: material.title })
        // The session's answer names the minimum too; until then, the material's.
        if (page.reading && !page.reading.minDwell) page.reading.minDwell = material.minDwellSeconds
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // POST the reading session (seq 0). A passing failure is tried again at the next tick while
  // the page is shown; a final one ends the timing. Never rejects.
  startSession: function () {
    var page = this
    var reading = page.reading
    if (!reading || reading.sessionId || reading.starting || reading.stopped || reading.unloaded) return Promise.resolve()
    reading.starting = true
    return study.startReading(reading.materialId, clientAt()).then(
      function (body) {
        reading.starting = false
        // An answer without a session (not the contract's): tried again at the next tick.
        if (!body || body.id === undefined || body.id === null) return
        reading.sessionId = body.id
        reading.intervalMs = intervalMs(body.interval_seconds)
        reading.minDwell = Number(body.min_dwell_seconds) || reading.minDwell
        if (reading.unloaded) {
          // Closed before the answer: the session ends at once.
          page.sendEvent('finish')
          return
        }
        page.showProgress(body.material_seconds, body.studied)
        if (reading.hidden) {
          // Hidden before the answer: the server's clock started, so it is paused now.
          page.sendEvent('pause')
        } else if (reading.visible) {
          // The first beat one (server) interval after the start.
          page.startTimer()
        }
      },
      function (error) {
        reading.starting = false
        // A lost session is the material's load to report (it runs alongside).
        if (!isFinal(error)) return
        page.stopTiming(error.status === 409 ? 'unpublished' : 'stopped')
      }
    )
  },

  // The beat timer, while the page is visible and the timing goes on.
  startTimer: function () {
    var page = this
    var reading = page.reading
    page.stopTimer()
    if (!reading || !reading.visible || reading.unloaded || reading.stopped) return
    reading.timer = setInterval(function () {
      page.tick()
    }, reading.intervalMs)
    if (reading.sessionId && !page.data.counting) page.setData({ counting: true })
  },

  stopTimer: function () {
    var reading = this.reading
    if (reading && reading.timer) clearInterval(reading.timer)
    if (reading) reading.timer = null
    if (this.data.counting && !(reading && reading.unloaded)) this.setData({ counting: false })
  },

  // One interval passed while visible: a beat — or a resume when the server may have missed
  // one, or the session's start again when it failed.
  tick: function () {
    var reading = this.reading
    if (!reading || !reading.visible || reading.unloaded || reading.stopped) return
    if (!reading.sessionId) {
      this.startSession()
      return
    }
    this.sendEvent(reading.needsResume ? 'resume' : 'beat')
  },

  // Queues one event of the session and sends what is waiting, one at a time.
  sendEvent: function (kind) {
    var reading = this.reading
    if (!reading || !reading.sessionId || reading.finished || reading.stopped) return Promise.resolve()
    // One beat waiting is enough: a second would only be too fast.
    if (kind === 'beat' && reading.queue.indexOf('beat') !== -1) return Promise.resolve()
    if (kind === 'finish') reading.finished = true
    reading.queue.push(kind)
    return this.pump()
  },

  pump: function () {
    var page = this
    var reading = page.reading
    if (reading.sending || !reading.queue.length || reading.stopped) return Promise.resolve()
    var kind = reading.queue.shift()
    // The next seq, spent whatever becomes of this send.
    reading.seq += 1
    if (kind === 'resume') reading.needsResume = false
    reading.sending = true
    return study
      .sendReadingEvent(reading.sessionId, kind, reading.seq, clientAt())
      .then(
        function (body) {
          page.eventAnswered(kind, body)
        },
        function (error) {
          page.eventFailed(kind, error)
        }
      )
      .then(function () {
        reading.sending = false
        return page.pump()
      })
  },

  eventAnswered: function (kind, body) {
    var reading = this.reading
    if (!body) return
    // The server counts the page as hidden (its resume was lost): resume at the next tick.
    if (body.verdict === 'while_paused') reading.needsResume = true
    if (!reading.unloaded) {
      this.showProgress(body.material_seconds, body.studied)
      var awarded = Number(body.points_awarded) || 0
      if (awarded > 0) wx.showToast({ title: '阅读积分 +' + awarded, icon: 'none' })
    }
    // Closed on the server (a finish of this session from elsewhere): nothing more counts.
    if (kind !== 'finish' && (body.verdict === 'after_finish' || body.finished)) this.stopTiming('stopped')
  },

  eventFailed: function (kind, error) {
    var reading = this.reading
    // The resume may not have arrived: the next tick resumes again (with a new seq).
    if (kind === 'resume') reading.needsResume = true
    if (isFinal(error)) this.stopTiming('stopped')
    // Otherwise nothing: the seq is spent, the next event carries the next one.
  },

  stopTiming: function (reason) {
    var reading = this.reading
    reading.stopped = true
    reading.queue = []
    this.stopTimer()
    if (!reading.unloaded) this.setData({ counting: false, timingNote: TIMING_NOTES[reason] || '' })
  },

  // The counted time for this material and 已学习.
  showProgress: function (seconds, studied) {
    var reading = this.reading
    reading.studied = reading.studied || !!studied
    this.setData({ progress: studyView.progressView(seconds, reading.minDwell, reading.studied) })
  },

  // A document: the PDF, downloaded with the session, opened in WeChat's viewer.
  openDocument: function () {
    var material = this.data.material
    if (!material || !material.document) return Promise.resolve()
    return attachments.open(this, material.document.id, study.downloadDocument, {
      list: 'documents',
      busy: 'openingDocument',
    })
  },

  videoError: function () {
    wx.showToast({ title: '视频无法播放，请稍后重试', icon: 'none' })
  },
})
