// 学习打卡: today's punch-in with an optional reflection (心得, at most 500 characters), the
// streak, and the punch-ins of the last 30 days. One punch-in a day (the Beijing day): when the
// member has punched in already — on this page before, or elsewhere meanwhile, which the server
// answers with 200 and the first punch-in (created false) — the page shows 今日已打卡 with that
// punch-in; a reflection typed this time is then not kept, and the page says so.

var study = require('../../services/study')
var studyView = require('../../utils/study-view')
var notices = require('../../utils/notices')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

// A 422's message for the reflection field, if the server gave one.
function reflectionFieldError(error) {
  var field = error instanceof errors.ApiError && error.status === 422 && error.errors && error.errors.reflection
  if (Array.isArray(field)) return field[0] || ''
  return typeof field === 'string' ? field : ''
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
  },

  onLoad: function () {
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Today's state, the streak and the recent punch-ins. Never rejects.
  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return study.myPunchIns().then(
      function (body) {
        page.setData({ loading: false, punch: studyView.viewPunchIns(body, Date.now()) })
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
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
    page.setData({ submitting: true, error: '' })
    return study.punchIn(reflection).then(
      function (body) {
        var result = studyView.viewPunchResult(body, Date.now())
        page.setData({
          submitting: false,
          result: result,
          unsavedReflection: !result.created && !!reflection && reflection !== result.reflection,
        })
        if (result.created) wx.showToast({ title: '打卡成功', icon: 'success' })
        return page.load()
      },
      function (error) {
        page.setData({ submitting: false })
        var fieldError = reflectionFieldError(error)
        if (fieldError) {
          page.setData({ error: fieldError })
          return
        }
        feedback.showError(error)
      }
    )
  },
})
