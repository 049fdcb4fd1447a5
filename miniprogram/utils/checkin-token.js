// The check-in token out of whatever brought the member to the check-in page (docs/meetings.md,
// "Check-in"):
//   query.q       WeChat's scan of the projector's ordinary-link QR: encodeURIComponent of
//                 '{public base}/m/checkin?t=<token>', with query.scancode_time (unix seconds)
//   query.scene   a mini-program code: the bare token, URL-encoded
//   query.token   the in-app scan (pages that call wx.scanCode pass the token on)
//   wx.scanCode   its `result`: the URL, or a bare token
// Anything that is not a token of this system's shape is refused here, so that a random QR code
// gets a clear message at once and costs no request. The shape is all the phone can check: the
// MAC is the server's (qr_invalid).

var INVALID_MESSAGE = '不是本系统的签到码'
var MISSING_MESSAGE = '未识别到签到码，请扫描会场大屏上的二维码'

// The server's limit (a mini-program code's scene holds at most 32 characters).
var TOKEN_MAX = 32
// '<meeting id base36>.<slot base36>.<mac>': three non-empty parts of URL-safe characters.
var TOKEN_PATTERN = /^[0-9A-Za-z_-]+\.[0-9A-Za-z_-]+\.[0-9A-Za-z_-]+$/

// The path of the check-in link, after the public base URL. The base itself is not known to the
// phone (it is not the API's address), so any http(s) host is accepted with this path; a link
// of another site that copies it still fails at the server's MAC check.
var URL_PATTERN = /^https?:\/\/[^/?#\s]+((?:\/[^?#\s]*)?\/m\/checkin\/?)\?([^#\s]*)(?:#.*)?$/i

function isValidToken(token) {
  return typeof token === 'string' && token.length <= TOKEN_MAX && TOKEN_PATTERN.test(token)
}

// decodeURIComponent that answers null instead of throwing on a malformed escape.
function decode(text) {
  try {
    return decodeURIComponent(text)
  } catch (e) {
    return null
  }
}

// The `t` parameter of a check-in link, or '' when text is not one.
function tokenOfUrl(text) {
  var match = URL_PATTERN.exec(text)
  if (!match) return ''
  var pairs = match[2].split('&')
  for (var i = 0; i < pairs.length; i += 1) {
    var eq = pairs[i].indexOf('=')
    if (eq !== -1 && pairs[i].slice(0, eq) === 't') {
      var value = decode(pairs[i].slice(eq + 1).replace(/\+/g, ' '))
      return value === null ? '' : value
    }
  }
  return ''
}

// The token in a scanned text (a check-in link or a bare token), or '' when it holds none.
function fromText(text) {
  if (typeof text !== 'string') return ''
  var trimmed = text.trim()
  var token = /^https?:\/\//i.test(trimmed) ? tokenOfUrl(trimmed) : trimmed
  return isValidToken(token) ? token : ''
}

// query.scancode_time (unix seconds, as text or a number) → milliseconds, or null.
function parseScancodeTime(value) {
  var text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string' || !/^\d{1,12}$/.test(text)) return null
  var seconds = Number(text)
  return seconds > 0 ? seconds * 1000 : null
}

// A page's query → { token, scannedAt, source, error }. token is '' when none was found (error
// then says why, in words for the member); scannedAt is the scan time in milliseconds when
// WeChat gave one (query.scancode_time), else null.
function fromQuery(query) {
  query = query || {}
  var result = { token: '', scannedAt: parseScancodeTime(query.scancode_time), source: '', error: '' }
  var text = null
  if (query.token) {
    result.source = 'token'
    text = decode(String(query.token))
  } else if (query.q) {
    result.source = 'q'
    text = decode(String(query.q))
    // Some entry paths encode the link twice ('https%3A%2F%2F...' after one decoding).
    if (text !== null && /^https?%3A/i.test(text)) text = decode(text)
    // q is always a link; a bare token there did not come from this system's QR code.
    if (text !== null && !/^https?:\/\//i.test(text.trim())) text = null
  } else if (query.scene) {
    result.source = 'scene'
    text = decode(String(query.scene))
    // A scene is the bare token, never a link.
    if (text !== null && /^https?:/i.test(text.trim())) text = null
  } else {
    result.error = MISSING_MESSAGE
    return result
  }
  result.token = text === null ? '' : fromText(text)
  if (!result.token) result.error = INVALID_MESSAGE
  return result
}

// The meeting id a token names (its first part, base36), or null. Only a hint for the phone
// (which meeting an unsent scan was for); the server decides from the MAC-checked token.
function meetingIdOf(token) {
  if (!isValidToken(token)) return null
  var part = token.split('.')[0]
  if (!/^[0-9a-z]{1,10}$/i.test(part)) return null
  var id = parseInt(part, 36)
  return id > 0 ? id : null
}

var SCAN_FAILED_MESSAGE = '无法打开扫码，请检查是否允许微信使用相机'

// Opens the camera for the projector's code. Camera only: a code picked from the album was not
// scanned in the room. Resolves (never rejects) with { token, error, cancelled }: the token, or
// the message to show, or cancelled when the member closed the scanner.
function scan() {
  return new Promise(function (resolve) {
    wx.scanCode({
      onlyFromCamera: true,
      success: function (res) {
        var token = fromText(res && res.result)
        resolve({ token: token, error: token ? '' : INVALID_MESSAGE, cancelled: false })
      },
      fail: function (err) {
        var cancelled = /cancel/i.test((err && err.errMsg) || '')
        resolve({ token: '', error: cancelled ? '' : SCAN_FAILED_MESSAGE, cancelled: cancelled })
      },
    })
  })
}

module.exports = {
  SCAN_FAILED_MESSAGE: SCAN_FAILED_MESSAGE,
  scan: scan,
  INVALID_MESSAGE: INVALID_MESSAGE,
  MISSING_MESSAGE: MISSING_MESSAGE,
  TOKEN_MAX: TOKEN_MAX,
  isValidToken: isValidToken,
  fromText: fromText,
  fromQuery: fromQuery,
  parseScancodeTime: parseScancodeTime,
  meetingIdOf: meetingIdOf,
}
