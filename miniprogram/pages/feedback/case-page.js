// What the two pages of one case share (pages/feedback/case, the submitter's view; handle-case,
// the handler's): loading the case, with 不存在 in place of the page on a 404, and what a refused
// act on it says. Not a page: the two pages share it, as they share files.js. Such a page has
// data.loading, loadError, notFound, item and attachments, and apply(body), which shows a case,
// and load(), which loads it again.

var view = require('../../utils/feedback-view')
var adminText = require('../../utils/meeting-admin')
var modal = require('../../utils/modal')
var errors = require('../../api/errors')
var toasts = require('../../utils/feedback')

// The case is gone for the caller (or no case has the receipt): said in place of the page.
function gone(page, update) {
  page.setData(Object.assign({ notFound: true, item: null, attachments: [] }, update))
}

// The case as `request` (the promise of its body) answers. Never rejects.
function load(page, request) {
  page.setData({ loading: true, loadError: '' })
  return request.then(
    function (body) {
      page.apply(body)
      page.setData({ loading: false, notFound: false })
    },
    function (error) {
      if (error instanceof errors.ApiError && error.status === 404) {
        gone(page, { loading: false })
        return
      }
      page.setData({ loading: false, loadError: errors.userMessage(error) })
      toasts.leaveIfSignedOut(error)
    }
  )
}

// A refused act on the case; the text typed stays. options: what (the act, in the dialog's title:
// 无法评价), field (the data key of the message about the text typed), serverFields (the server's
// field → that key, for a 422's field errors). Resolves once said (a 409's dialog closed and the
// case loaded again). Never rejects.
function showRefusal(page, error, options) {
  if (toasts.leaveIfSignedOut(error)) return Promise.resolve()
  if (!(error instanceof errors.ApiError)) {
    toasts.showError(error)
    return Promise.resolve()
  }
  var title = '无法' + options.what
  // Someone acted first (another handler; the submitter on another phone), or the case moved on:
  // what is stored now.
  if (error.status === 409) {
    return modal.alert(title, error.message + '，已刷新为最新状态').then(function () {
      return page.load()
    })
  }
  if (error.status === 404) {
    gone(page, {})
    return Promise.resolve()
  }
  // 422 content_flagged names the words, for the member to rewrite them; a 422 on a field of the
  // form says what is wrong with it.
  var fieldErrors = adminText.fieldErrorsOf(error, options.serverFields) || {}
  var message = view.isFlagged(error) ? view.flaggedMessage(error) : fieldErrors[options.field]
  if (message) {
    var update = {}
    update[options.field] = message
    page.setData(update)
    return Promise.resolve()
  }
  // 403 (an auditor, who reads only), 422 validation_error on the receipt (kept on the phone and
  // since changed), 429.
  if (error.status === 403 || error.status === 422 || error.status === 429) return modal.alert(title, error.message)
  toasts.showError(error)
  return Promise.resolve()
}

module.exports = {
  load: load,
  showRefusal: showRefusal,
}
