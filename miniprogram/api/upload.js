// The only caller of wx.uploadFile in the mini-program: multipart uploads (a meeting's photos and
// PDFs). It mirrors api/request.js: the address is config.apiBase + the path, the stored session
// goes along as a bearer token, success is decided by the HTTP status (2xx) and never by the body,
// an error's JSON body becomes an ApiError with the server's `code`, `message` and `errors` (a
// body that is not JSON — a proxy's 413 page — gets the Chinese fallback of api/errors.js), and
// wx.uploadFile's fail callback is a NetworkError.
//
// On a 401 the session is renewed once through request.js's shared login (renewToken) and the file
// is sent once more; a second 401, an unbound WeChat user or a failed login reject with AuthError,
// exactly as request.js does, so pages handle both the same way (utils/feedback.js).

var config = require('../config')
var session = require('./session')
var request = require('./request')
var errors = require('./errors')

// A photo of a few MB over a phone's uplink takes longer than the 10 s of an ordinary request.
var DEFAULT_TIMEOUT = 60000

// One upload; resolves with the raw wx.uploadFile response, rejects only with NetworkError.
function send(options, token) {
  var header = {}
  if (token) header.Authorization = 'Bearer ' + token
  return new Promise(function (resolve, reject) {
    wx.uploadFile({
      url: config.apiBase + options.url,
      filePath: options.filePath,
      name: options.name || 'file',
      formData: options.formData || {},
      header: header,
      timeout: options.timeout || DEFAULT_TIMEOUT,
      success: resolve,
      fail: function (err) {
        reject(new errors.NetworkError(err && err.errMsg))
      },
    })
  })
}

// The parsed body of a 2xx (wx.uploadFile always hands the body over as text); null when empty.
function bodyOf(res) {
  return res.statusCode === 204 ? null : request.parseBody(res.data)
}

// options: { url (path under apiBase), filePath (a temporary file of wx.chooseMedia /
// wx.chooseMessageFile), name (the multipart field, default 'file'), formData, timeout }.
// Resolves with the server's JSON body.
function upload(options) {
  return send(options, session.getToken()).then(function (res) {
    if (request.isSuccess(res)) return bodyOf(res)
    if (res.statusCode !== 401) throw request.errorFromResponse(res)
    return request.renewToken().then(function (freshToken) {
      return send(options, freshToken).then(function (retried) {
        if (request.isSuccess(retried)) return bodyOf(retried)
        throw request.errorFromResponse(retried)
      })
    })
  })
}

module.exports = {
  DEFAULT_TIMEOUT: DEFAULT_TIMEOUT,
  upload: upload,
}
