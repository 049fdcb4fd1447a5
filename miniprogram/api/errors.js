// Typed errors rejected by api/request.js.
//
// Written as ES5 constructors rather than `class X extends Error`: the developer tools may
// transpile to ES5, and a transpiled subclass of Error can lose its prototype, which would
// break `instanceof` checks in pages.

var NETWORK_FAILURE_MESSAGE = '网络连接失败，请稍后重试'

// Shown when the server's body carries no usable message (empty or non-JSON body,
// a proxy's HTML error page, ...). Keyed by the server's stable `code`.
var FALLBACK_MESSAGES = {
  wx_code_invalid: '微信登录凭证无效，请重新登录',
  wx_rate_limited: '登录过于频繁，请稍后再试',
  wx_user_blocked: '当前微信账号存在安全风险，暂时无法登录',
  wechat_unavailable: '微信服务暂时不可用，请稍后再试',
  wx_login_failed: '微信登录失败，请稍后重试',
  bind_ticket_invalid: '绑定已超时，请重新登录',
  validation_error: '填写的信息有误，请检查后重试',
  bind_mismatch: '填写的信息与登记信息不一致，请核对后重试',
  invite_code_invalid: '邀请码无效或已过期',
  already_bound: '该成员已绑定其他微信账号',
  too_many_attempts: '尝试次数过多，请稍后再试',
  unauthorized: '登录已失效，请重新登录',
  file_too_large: '文件过大，无法上传',
  file_type_not_allowed: '只能上传 JPG、PNG、WebP 图片或 PDF 文件',
  too_many_attachments: '附件数量已达上限，不能再上传',
}

function fallbackMessage(status, code) {
  if (code && FALLBACK_MESSAGES[code]) return FALLBACK_MESSAGES[code]
  if (status === 401) return FALLBACK_MESSAGES.unauthorized
  if (status === 403) return '没有权限执行此操作'
  if (status === 404) return '请求的内容不存在'
  // An upload over the limit of a proxy in front of the server arrives with its own HTML page.
  if (status === 413) return FALLBACK_MESSAGES.file_too_large
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status >= 500) return '服务器暂时无法响应，请稍后重试'
  return '请求失败，请稍后重试'
}

function ApiError(options) {
  options = options || {}
  var status = options.status || 0
  var code = options.code || ''
  var message = options.message || fallbackMessage(status, code)
  var error = new Error(message)
  Object.setPrototypeOf(error, Object.getPrototypeOf(this))
  error.name = 'ApiError'
  error.status = status
  error.code = code
  error.errors = options.errors || {}
  return error
}
ApiError.prototype = Object.create(Error.prototype, {
  constructor: { value: ApiError, writable: true, configurable: true },
})

// The session is gone and one fresh login did not restore it. `bindTicket` is set when the
// WeChat user turned out to be unbound, so the page can send them to the bind page.
function AuthError(options) {
  options = options || {}
  var error = ApiError.call(this, {
    status: options.status || 401,
    code: options.code || 'unauthorized',
    message: options.message,
    errors: options.errors,
  })
  error.name = 'AuthError'
  error.bindTicket = options.bindTicket || ''
  return error
}
AuthError.prototype = Object.create(ApiError.prototype, {
  constructor: { value: AuthError, writable: true, configurable: true },
})

// wx.request's fail callback: no HTTP response at all (offline, DNS, timeout, domain not allowed).
function NetworkError(detail) {
  var error = new Error(NETWORK_FAILURE_MESSAGE)
  Object.setPrototypeOf(error, Object.getPrototypeOf(this))
  error.name = 'NetworkError'
  error.detail = detail || ''
  return error
}
NetworkError.prototype = Object.create(Error.prototype, {
  constructor: { value: NetworkError, writable: true, configurable: true },
})

// The Chinese text a page shows for any rejection, typed or not.
function userMessage(error) {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message
  return '出现未知错误，请稍后重试'
}

module.exports = {
  ApiError: ApiError,
  AuthError: AuthError,
  NetworkError: NetworkError,
  NETWORK_FAILURE_MESSAGE: NETWORK_FAILURE_MESSAGE,
  fallbackMessage: fallbackMessage,
  userMessage: userMessage,
}
