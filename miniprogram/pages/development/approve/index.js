// 发展党员审批: deciding a submitted step (?id=<entry id>; the approval_needed notification opens
// it so, the to-do and the record add &record=<record id>, which is not needed). The entry comes
// from GET /development/entries/{id}, with its applicant and can_decide: when the caller may not
// decide it, the page says why — decided already (how, by whom, with what comment), or waiting for
// a body the caller does not represent — and offers no buttons. 404: the entry does not exist or
// its record is not the caller's to see.
// A comment is required either way; 通过 may take the date of the decision (default: the date
// submitted) and, when the rules ask for one, a special reason. Two deciders at once: the second
// learns that someone else decided (409 already_decided) and goes back.

var development = require('../../../services/development')
var developmentView = require('../../../utils/development-view')
var time = require('../../../utils/time')
var adminText = require('../../../utils/meeting-admin')
var modal = require('../../../utils/modal')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

var TODO_PAGE = '/pages/development/todo/index'
var DETAIL_PAGE = '/pages/development/detail/index'

var NOT_FOUND_TEXT = '记录不存在或无权查看'
var COMMENT_MAX = 500
var SPECIAL_REASON_MAX = 300

Page({
  data: {
    commentMax: COMMENT_MAX,
    specialReasonMax: SPECIAL_REASON_MAX,
    notFoundText: NOT_FOUND_TEXT,

    id: '',
    recordId: '',
    loading: true,
    loadError: '',
    notFound: false,
    entry: null,
    today: '',

    comment: '',
    commentError: '',
    doneOn: '',
    specialReason: '',
    showSpecialReason: false,
    busy: '', // 'approve' | 'reject' while one is under way
    decided: null, // { approved, text } once decided here
  },

  onLoad: function (query) {
    query = query || {}
    var id = query.id ? String(query.id) : ''
    this.setData({ id: id, today: time.today() })
    if (!id) {
      this.setData({ loading: false, loadError: '缺少审批事项' })
      return Promise.resolve()
    }
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // GET /development/entries/{id}. Never rejects.
  load: function () {
    var page = this
    if (!page.data.id || page.data.decided) return Promise.resolve()
    page.setData({ loading: true, loadError: '' })
    return development.entry(page.data.id).then(
      function (body) {
        var entry = developmentView.viewEntryDetail(body, Date.now())
        page.setData({
          loading: false,
          notFound: false,
          entry: entry,
          recordId: entry.recordId ? String(entry.recordId) : '',
          doneOn: page.data.doneOn || entry.doneOn,
        })
      },
      function (error) {
        if (error instanceof errors.ApiError && error.status === 404) {
          page.setData({ loading: false, notFound: true, entry: null, recordId: '' })
          return
        }
        page.setData({ loading: false, loadError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  onCommentInput: function (event) {
    this.setData({ comment: event.detail.value, commentError: '' })
  },

  pickDate: function (event) {
    this.setData({ doneOn: event.detail.value })
  },

  onSpecialReason: function (event) {
    this.setData({ specialReason: event.detail.value })
  },

  approve: function () {
    return this.decide(true)
  },

  reject: function () {
    return this.decide(false)
  },

  // Never rejects.
  decide: function (approved) {
    var page = this
    var data = page.data
    var entry = data.entry
    if (!entry || !entry.canDecide || data.busy || data.decided) return Promise.resolve()
    var comment = data.comment.trim()
    if (!comment) {
      page.setData({ commentError: approved ? '请填写审批意见' : '请填写不通过的理由，提交人会看到' })
      return Promise.resolve()
    }
    page.setData({ busy: approved ? 'approve' : 'reject', commentError: '' })
    var what = '「' + entry.stepText + ' ' + entry.name + '」'
    return modal
      .confirm(
        approved
          ? { title: '审批通过', content: '确定通过' + entry.personName + '的' + what + '吗？', confirmText: '通过' }
          : {
              title: '审批不通过',
              content: '确定不通过' + entry.personName + '的' + what + '吗？这一步将记为“未通过”，可以重新提交。',
              confirmText: '不通过',
              confirmColor: '#c8161d',
            }
      )
      .then(function (confirmed) {
        if (!confirmed) return null
        var request = approved
          ? development.approve(data.id, {
              comment: comment,
              // Only a date the decider changed: the server's default is the date submitted.
              doneOn: data.doneOn && data.doneOn !== entry.doneOn ? data.doneOn : '',
              specialReason: data.specialReason.trim(),
            })
          : development.reject(data.id, comment)
        return request.then(
          function (result) {
            var text = approved ? '已通过' : '已退回（未通过）'
            page.setData({ decided: { approved: approved, text: text, stateLabel: (result && result.state_label) || '' } })
            // A success icon cuts its title at 7 characters: 已退回（未通过） goes without one.
            wx.showToast({ title: text, icon: approved ? 'success' : 'none' })
          },
          function (error) {
            return page.showRefusal(error)
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },

  showRefusal: function (error) {
    var page = this
    if (feedback.leaveIfSignedOut(error)) return null
    if (!(error instanceof errors.ApiError)) {
      feedback.showError(error)
      return null
    }
    if (error.code === 'already_decided') {
      return modal.alert('已由他人审批', error.message).then(function () {
        page.goBack()
      })
    }
    if (error.status === 403) return modal.alert('无权审批', error.message)
    if (error.status === 422) {
      var fieldErrors = adminText.fieldErrorsOf(error, { comment: 'comment' })
      if (fieldErrors) {
        page.setData({ commentError: fieldErrors.comment })
        return null
      }
      if (error.code === 'special_reason_required') page.setData({ showSpecialReason: true })
      return modal.alert('无法通过', error.message)
    }
    if (error.status === 409 || error.status === 404) return modal.alert('无法审批', error.message)
    feedback.showError(error)
    return null
  },

  // Back where the decider came from; opened from a notification (nothing below), the to-do.
  goBack: function () {
    var open = typeof getCurrentPages === 'function' ? getCurrentPages().length : 1
    if (open > 1) wx.navigateBack({ delta: 1 })
    else wx.redirectTo({ url: TODO_PAGE })
  },

  openRecord: function () {
    if (!this.data.recordId) return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(this.data.recordId) })
  },
})
