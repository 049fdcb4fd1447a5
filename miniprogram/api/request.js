// The only caller of wx.request in the mini-program. Success is decided by the HTTP status
// (2xx), never by a `code` field in the body. On a 401 it logs in again once and retries once.

var config = require('../config')
var session = require('./session')
var errors = require('./errors')

var ApiError = errors.ApiError
var AuthError = errors.AuthError
var NetworkError = errors.NetworkError

var DEFAULT_TIMEOUT = 10000

function parseBody(data) {
  if (data && typeof data === 'object') return data
  if (typeof data === 'string' && data) {
    try {
      return JSON.parse(data)
    } catch (e) {
      return null
    }
  }
  return null
}

function errorFromResponse(res) {
  var body = parseBody(res.data) || {}
  var fields = {
    status: res.statusCode,
    code: typeof body.code === 'string' ? body.code : '',
    message: typeof body.message === 'string' ? body.message : '',
    errors: body.errors && typeof body.errors === 'object' ? body.errors : {},
  }
  return res.statusCode === 401 ? new AuthError(fields) : new ApiError(fields)
}

// One HTTP exchange; resolves with the raw wx.request response, rejects only with NetworkError.
function send(options, token) {
  var header = { 'Content-Type': 'application/json' }
  if (token) header.Authorization = 'Bearer ' + token
  return new Promise(function (resolve, reject) {
    wx.request({
      url: config.apiBase + options.url,
      method: options.method || 'GET',
      data: options.data,
      header: header,
      dataType: 'json',
      timeout: options.timeout || DEFAULT_TIMEOUT,
      success: resolve,
      fail: function (err) {
        reject(new NetworkError(err && err.errMsg))
      },
    })
  })
}

function isSuccess(res) {
  return res.statusCode >= 200 && res.statusCode < 300
}

function bodyOf(res) {
  // 204 and other empty bodies resolve with null.
  return res.statusCode === 204 ? null : parseBody(res.data)
}

function wxLoginCode() {
  return new Promise(function (resolve, reject) {
    wx.login({
      success: function (res) {
        if (res && res.code) resolve(res.code)
        else reject(new ApiError({ code: 'wx_login_failed' }))
      },
      fail: function () {
        reject(new ApiError({ code: 'wx_login_failed' }))
      },
    })
  })
}

// wx.login → POST /auth/wx-login. Stores the session when the WeChat user is bound; clears
// any stale session when unbound. Resolves with the server's body.
function loginWithWeChat() {
  return wxLoginCode()
    .then(function (code) {
      return send({ url: '/auth/wx-login', method: 'POST', data: { code: code } }, '')
    })
    .then(function (res) {
      if (!isSuccess(res)) throw errorFromResponse(res)
      var result = bodyOf(res) || {}
      if (result.status === 'bound') session.saveSession(result)
      else session.clearSession()
      return result
    })
}

// Concurrent 401s share this one login instead of each starting their own.
var reloginInFlight = null

function reloginOnce() {
  if (!reloginInFlight) {
    var clear = function () {
      reloginInFlight = null
    }
    reloginInFlight = loginWithWeChat()
    reloginInFlight.then(clear, clear)
  }
  return reloginInFlight
}

// After a 401: the shared fresh login. Resolves with the new token; rejects with AuthError (the
// WeChat user is unbound — with the bind ticket — or the login failed) or NetworkError.
// api/upload.js renews the session through this too, so that both share the one login.
function renewToken() {
  return reloginOnce().then(
    function (result) {
      if (result.status !== 'bound') {
        throw new AuthError({ code: 'unbound', message: '请先绑定党员身份', bindTicket: result.bind_ticket })
      }
      return result.token
    },
    function (loginError) {
      if (loginError instanceof NetworkError) throw loginError
      throw new AuthError({ code: loginError.code, message: loginError.message, status: loginError.status })
    }
  )
}

function request(options) {
  options = Object.assign({ method: 'GET', auth: true, reloginOn401: true }, options)
  var token = options.auth ? session.getToken() : ''

  return send(options, token).then(function (res) {
    if (isSuccess(res)) return bodyOf(res)
    if (res.statusCode !== 401 || !options.auth || !options.reloginOn401) {
      throw errorFromResponse(res)
    }

    return renewToken().then(function (freshToken) {
      // Retry exactly once with the fresh token; a second 401 is final.
      return send(options, freshToken).then(function (retried) {
        if (isSuccess(retried)) return bodyOf(retried)
        throw errorFromResponse(retried)
      })
    })
  })
}

module.exports = {
  request: request,
  loginWithWeChat: loginWithWeChat,
  renewToken: renewToken,
  // For api/upload.js, which decides success and reads error bodies the same way.
  isSuccess: isSuccess,
  parseBody: parseBody,
  errorFromResponse: errorFromResponse,
  ApiError: ApiError,
  AuthError: AuthError,
  NetworkError: NetworkError,
  userMessage: errors.userMessage,
}
