// 学习打卡: today's punch-in with an optional reflection (心得, at most 500 characters), the
// streak, and the punch-ins of the last 30 days. One punch-in a day (the Beijing day): when the
// member has punched in already — on this page before, or elsewhere meanwhile, which the server
// answers with 200 and the first punch-in (created false) — the page shows 今日已打卡 with that
// punch-in; a reflection typed this time is then not kept, and the page says so.
//
// A reflection passes the server's content check (docs/safety.md). One it holds for review still
// makes the punch-in and earns its points: the page says that others see it once approved, and the
// member's reflections, today's and the recent ones, carry a tag while pending (审核中) or once
// refused (未通过审核).
//
// Once today's punch-in exists the member may add one photo to it (拍照或从相册选择, compressed by
// WeChat), uploaded through api/upload.js; a new one replaces the old. The photo's address needs
// the session, which <image src> cannot send: it is downloaded into a temporary file first
// (services/study.js downloadPhoto) and shown from there; a photo just uploaded is shown from the
// file chosen. A punch-in of a day that has ended takes no photo (409 punch_in_closed): the page
// says that the day has changed and loads today's state.

var study = require('../../services/study')
var studyView = require('../../utils/study-view')
var notices = require('../../utils/notices')
var adminText = require('../../utils/meeting-admin')
var attachments = require('../../utils/attachments')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

// What the page says of a refused photo whose answer carries no word of the server's (a proxy's
// page instead of its JSON); errors.js's own fallback for 415 speaks of PDFs too.
var PHOTO_FALLBACKS = {
  413: '照片太大，请换一张较小的照片',
  415: '只能上传 JPG、PNG 或 WebP 格式的照片',
}

var DAY_CHANGED_NOTE = '已是新的一天，之前的打卡不能再添加照片，请先完成今天的打卡'

// The punch-in is of a day that has ended: it was made before midnight, the photo came after.
function isClosed(error) {
  return error instanceof errors.ApiError && error.status === 409 && error.code === 'punch_in_closed'
}

function photoErrorText(error) {
  if (error instanceof errors.ApiError && !error.code && PHOTO_FALLBACKS[error.status]) return PHOTO_FALLBACKS[error.status]
  return errors.userMessage(error)
}

// One photo from the camera or the album, compressed by WeChat: its temporary path, or '' when
// the member closed the picker (a picker that fails otherwise says so).
function pickPhoto() {
  return new Promise(function (resolve) {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: function (res) {
        var file = res && res.tempFiles && res.tempFiles[0]
        resolve((file && file.tempFilePath) || '')
      },
      fail: function (err) {
        attachments.pickerFailed(err, '无法选择照片')
        resolve('')
      },
    })
  })
}

Page({
  data: {
    loading: true,
    errorMessage: '',
    punch: null, // studyView.viewPunchIns
    reflection: '',
    count: 0,
    max: studyView.REFLECTION_MAX,
    error: '',
    submitting: false,
    result: null, // studyView.viewPunchResult of this page's punch-in
    unsavedReflection: false, // 200: today's punch-in was made before; what was typed is not kept
    note: '', // why the page was loaded again (the day changed)
    todayId: 0, // today's punch-in, once there is one: it may take a photo
    photoUrl: '', // its photo's address (services/study.js downloadPhoto), '' without one
    photoPath: '', // the photo as a temporary file, shown in <image>
    photoLoading: false,
    photoFailed: false,
    uploading: false,
    photoError: '',
  },

  onLoad: function () {
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Today's state, the streak and the recent punch-ins; then today's photo, if it has one and it
  // is not shown yet. Never rejects.
  load: function () {
    var page = this
    return page.loadPunchIns().then(function (loaded) {
      return loaded ? page.showToday(loaded.today) : null
    })
  },

  // The punch-ins only (GET /punch-ins/me). Resolves with { today: today's punch-in or null }, or
  // null when the list failed (said on the page). Never rejects.
  loadPunchIns: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return study.myPunchIns().then(
      function (body) {
        var punch = studyView.viewPunchIns(body, Date.now())
        var result = page.data.result
        page.setData({ loading: false, punch: punch })
        // This page's punch-in stands for today's while the list does not have it yet.
        return { today: punch.todayItem || (result && body && result.day === body.today ? result : null) }
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
        return null
      }
    )
  },

  // Today's punch-in (studyView.viewPunchIn, or null): the photo button, and its photo downloaded
  // unless that one is shown or on its way already. Never rejects.
  showToday: function (item) {
    var url = (item && item.photoUrl) || ''
    this.setData({ todayId: (item && item.id) || 0, photoUrl: url })
    if (!url) {
      this.photoFor = ''
      this.photoGeneration = (this.photoGeneration || 0) + 1
      this.setData({ photoPath: '', photoLoading: false, photoFailed: false })
      return Promise.resolve()
    }
    if (url === this.photoFor) return Promise.resolve()
    return this.loadPhoto()
  },

  // The photo of data.photoUrl into a temporary file; a download overtaken by a newer photo (one
  // uploaded meanwhile) is dropped. Never rejects.
  loadPhoto: function () {
    var page = this
    var url = page.data.photoUrl
    if (!url) return Promise.resolve()
    page.photoFor = url
    page.photoGeneration = (page.photoGeneration || 0) + 1
    var generation = page.photoGeneration
    page.setData({ photoLoading: true, photoFailed: false })
    return study.downloadPhoto(url).then(
      function (path) {
        if (generation !== page.photoGeneration) return
        page.setData({ photoLoading: false, photoPath: path })
      },
      function () {
        if (generation !== page.photoGeneration) return
        page.setData({ photoLoading: false, photoFailed: true, photoPath: '' })
      }
    )
  },

  // A photo that failed to load: a tap tries once more.
  retryPhoto: function () {
    if (!this.data.photoFailed || this.data.photoLoading) return Promise.resolve()
    return this.loadPhoto()
  },

  previewPhoto: function () {
    var path = this.data.photoPath
    if (path) wx.previewImage({ urls: [path], current: path })
  },

  onReflectionInput: function (event) {
    var value = event.detail.value
    this.setData({ reflection: value, count: notices.charCount(String(value || '').trim()), error: '' })
  },

  // POST /punch-ins. 201: 打卡成功 with the streak and the points; 200: 今日已打卡 with the punch-in
  // made before. Never rejects.
  submit: function () {
    var page = this
    if (page.data.submitting || page.data.result) return Promise.resolve()
    var reflection = String(page.data.reflection || '').trim()
    var problem = studyView.reflectionError(reflection)
    if (problem) {
      page.setData({ error: problem })
      return Promise.resolve()
    }
    page.setData({ submitting: true, error: '', note: '' })
    return study.punchIn(reflection).then(
      function (body) {
        var result = studyView.viewPunchResult(body, Date.now())
        page.setData({
          submitting: false,
          result: result,
          unsavedReflection: !result.created && !!reflection && reflection !== result.reflection,
        })
        if (result.created) wx.showToast({ title: '打卡成功', icon: 'success' })
        // Today's punch-in is the one just answered: shown at once; the list (streak, recent
        // punch-ins) is asked for again, without showing today's a second time.
        return Promise.all([page.showToday(result), page.loadPunchIns()])
      },
      function (error) {
        page.setData({ submitting: false })
        // A 422's message for the reflection field, if the server gave one.
        var fieldErrors = adminText.fieldErrorsOf(error, { reflection: 'reflection' })
        if (fieldErrors) {
          page.setData({ error: fieldErrors.reflection })
          return
        }
        feedback.showError(error)
      }
    )
  },

  // 添加照片 / 更换照片: one photo picked, then uploaded to today's punch-in. A tap while picking or
  // uploading does nothing. Never rejects.
  choosePhoto: function () {
    var page = this
    // `choosingPhoto` covers the picker, before the button shows any progress.
    if (page.choosingPhoto || page.data.uploading || !page.data.todayId) return Promise.resolve()
    page.choosingPhoto = true
    page.setData({ photoError: '' })
    return pickPhoto()
      .then(function (filePath) {
        return filePath ? page.uploadPhoto(filePath) : null
      })
      .then(function () {
        page.choosingPhoto = false
      })
  },

  // POST /punch-ins/{id}/photo. The photo uploaded is shown from the file chosen (the server's
  // address stays the same when a photo replaces another). Never rejects.
  uploadPhoto: function (filePath) {
    var page = this
    page.setData({ uploading: true, photoError: '' })
    return study.uploadPunchInPhoto(page.data.todayId, filePath).then(
      function (body) {
        // A download still on its way is of the photo replaced.
        page.photoGeneration = (page.photoGeneration || 0) + 1
        page.photoFor = (body && body.photo_url) || ''
        page.setData({
          uploading: false,
          photoUrl: page.photoFor,
          photoPath: filePath,
          photoLoading: false,
          photoFailed: false,
        })
        wx.showToast({ title: '照片已上传', icon: 'success' })
      },
      function (error) {
        page.setData({ uploading: false })
        if (feedback.leaveIfSignedOut(error)) return null
        if (isClosed(error)) {
          // The punch-in shown is of a day that has ended: today's state instead, with the form.
          page.setData({ note: DAY_CHANGED_NOTE, result: null, unsavedReflection: false, reflection: '', count: 0 })
          return page.showToday(null).then(function () {
            return page.load()
          })
        }
        page.setData({ photoError: photoErrorText(error) })
        return null
      }
    )
  },
})
