// Login, binding and logout. The session itself is stored by api/session.js under the
// storage key 'session' ({ token, expires_at, member }).

var api = require('../api/request')
var session = require('../api/session')

// wx.login → POST /auth/wx-login. Resolves with
//   { status: 'bound', token, expires_at, member }   (session stored), or
//   { status: 'unbound', bind_ticket, expires_at }   (caller sends the user to the bind page).
function wxLogin() {
  return api.loginWithWeChat()
}

// params: { bindTicket, method: 'invite', inviteCode }
//      or { bindTicket, method: 'identity', staffNo, name, phoneLast4 }
function bind(params) {
  var data = { bind_ticket: params.bindTicket, method: params.method }
  if (params.method === 'invite') {
    data.invite_code = params.inviteCode
  } else {
    data.staff_no = params.staffNo
    data.name = params.name
    data.phone_last4 = params.phoneLast4
  }
  return api
    .request({ url: '/auth/bind', method: 'POST', data: data, auth: false })
    .then(function (result) {
      session.saveSession(result)
      return result
    })
}

// Revokes the token on the server and always forgets it locally, even when the server
// cannot be reached: the user asked to leave. No relogin on 401 here.
function logout() {
  var forget = function () {
    session.clearSession()
  }
  if (!session.getToken()) {
    forget()
    return Promise.resolve()
  }
  return api
    .request({ url: '/auth/logout', method: 'POST', reloginOn401: false })
    .then(forget, forget)
}

function isLoggedIn() {
  return !!session.getToken()
}

module.exports = {
  wxLogin: wxLogin,
  bind: bind,
  logout: logout,
  isLoggedIn: isLoggedIn,
  getSession: session.getSession,
  SESSION_KEY: session.SESSION_KEY,
}
