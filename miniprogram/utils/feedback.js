// How a page reports a failed request it cannot show inline: a toast with the Chinese message
// from api/errors.js (the server's message for an ApiError, the network text for a NetworkError).
// When the session is gone for good (AuthError after the one relogin api/request.js tries), the
// member is sent where pages/me sends them: the bind page when WeChat says they are unbound,
// otherwise the login page.

var errors = require('../api/errors')

var LOGIN_PAGE = '/pages/login/index'
var BIND_PAGE = '/pages/bind/index'

// True when it navigated away, so the caller can stop.
function leaveIfSignedOut(error) {
  if (!(error instanceof errors.AuthError)) return false
  if (error.bindTicket) {
    wx.reLaunch({ url: BIND_PAGE + '?ticket=' + encodeURIComponent(error.bindTicket) })
  } else {
    wx.reLaunch({ url: LOGIN_PAGE })
  }
  return true
}

function showError(error) {
  if (leaveIfSignedOut(error)) return
  // icon 'none' is the only style that shows more than 7 characters (up to two lines).
  wx.showToast({ title: errors.userMessage(error), icon: 'none', duration: 2000 })
}

module.exports = {
  leaveIfSignedOut: leaveIfSignedOut,
  showError: showError,
}
