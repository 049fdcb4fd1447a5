// The stored login session: { token, expires_at, member }, under one storage key.
// Kept apart from services/auth.js so that api/request.js can read and renew it without a
// require cycle (auth.js depends on request.js, never the other way round).

var SESSION_KEY = 'session'

function getSession() {
  var session = wx.getStorageSync(SESSION_KEY)
  return session && session.token ? session : null
}

function getToken() {
  var session = getSession()
  return session ? session.token : ''
}

function saveSession(result) {
  var session = {
    token: result.token,
    expires_at: result.expires_at,
    member: result.member || null,
  }
  wx.setStorageSync(SESSION_KEY, session)
  return session
}

function clearSession() {
  wx.removeStorageSync(SESSION_KEY)
}

module.exports = {
  SESSION_KEY: SESSION_KEY,
  getSession: getSession,
  getToken: getToken,
  saveSession: saveSession,
  clearSession: clearSession,
}
