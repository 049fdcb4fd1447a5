// How the answer to a check-in (or sign-out) is put into words: the check-in page shows it, and
// utils/checkin-queue.js tells the member the outcome of a scan it sent later. Pure functions of
// the server's bodies and errors (docs/meetings.md, "Check-in errors").

var time = require('./time')
var errors = require('../api/errors')

var QUEUED_TEXT = '网络不佳，已保存本次扫码，恢复网络后自动补传'
var EXPIRED_TEXT = '网络长时间未恢复，本次扫码已超过10分钟，无法补传。请重新扫码，或联系支部书记补签'

// Per error code: a heading, the text under it, and whether scanning again can help (the
// "重新扫码" button). `server: true` shows the server's message under the heading instead of
// ours, for the codes whose message carries the particulars (the opening time, the distance, the
// reason of a revocation); ours is the fallback when the body had none.
var ERRORS = {
  qr_invalid: { title: '不是本系统的签到码', text: '请扫描会场大屏上的签到二维码', retry: true },
  qr_expired: { title: '二维码已更新', text: '二维码已更新，请重新扫描大屏上的二维码', retry: true },
  checkin_not_open: {
    title: '签到尚未开始',
    text: '签到尚未开放，请在签到开始后重新扫码',
    retry: true,
    server: true,
  },
  checkin_closed: { title: '签到已结束', text: '会议已结束，无法签到。如有疑问请联系支部书记', retry: false },
  meeting_cancelled: { title: '会议已取消', text: '本次会议已取消，无需签到', retry: false },
  not_participant: { title: '不在参会名单中', text: '你不在本次会议的参会名单中，如需参会请联系支部书记', retry: false },
  location_required: {
    title: '需要位置信息',
    text: '本次会议需要核对签到位置，请允许小程序使用你的位置信息后重新扫码',
    retry: true,
    settings: true,
  },
  out_of_range: {
    title: '不在会场范围内',
    text: '你当前的位置不在会场范围内，请到会场后重新扫码',
    retry: true,
    server: true,
  },
  checkin_revoked: {
    title: '签到已被撤销',
    text: '你的签到已被撤销，如有疑问请联系支部书记',
    retry: false,
    server: true,
  },
  offline_too_late: { title: '补传超时', text: EXPIRED_TEXT, retry: true },
  sign_out_not_enabled: { title: '无需签退', text: '本次会议不需要签退', retry: false },
  not_checked_in: { title: '尚未签到', text: '你还没有签到，无法签退，请先扫码签到', retry: false },
}

function modeWord(mode) {
  return mode === 'signout' ? '签退' : '签到'
}

// The view of a known code in our own words, also for outcomes the phone decides itself (a kept
// scan dropped as too old reads like the server's offline_too_late).
function codeView(code) {
  var known = ERRORS[code]
  return { code: code, title: known.title, text: known.text, retry: known.retry, settings: !!known.settings }
}

// An error from services/meetings.js checkIn/signOut → { code, title, text, retry, settings }.
// Unknown codes, server failures and anything else read '签到失败' with the general message
// (api/errors.js), and scanning again is offered.
function errorView(error, mode) {
  var code = (error && error.code) || ''
  var isApiError = error instanceof errors.ApiError && !(error instanceof errors.AuthError)
  if (!isApiError || !ERRORS[code]) {
    return { code: code, title: modeWord(mode) + '失败', text: errors.userMessage(error), retry: true, settings: false }
  }
  var view = codeView(code)
  // ApiError fills in a general text when the body had no message; that one is not particular.
  if (ERRORS[code].server && error.message && error.message !== errors.fallbackMessage(error.status, code)) {
    view.text = error.message
  }
  return view
}

// A check-in body (POST /checkins or /checkins/sign-out) → what the result page shows.
// `retried`: the answer is to a resent scan (the same idempotency key), so an existing check-in
// (created: false) is this very scan arriving twice, not an earlier one.
function successView(checkin, mode, options) {
  options = options || {}
  var now = options.now === undefined ? Date.now() : options.now
  var signout = mode === 'signout'
  var earlier = !signout && checkin.created === false && !options.retried
  var at = signout ? checkin.signed_out_at : checkin.checked_in_at
  return {
    title: signout ? '签退成功' : earlier ? '你已签到' : '签到成功',
    note: earlier ? '你此前已完成本次会议的签到' : '',
    meetingId: checkin.meeting_id || null,
    meetingTitle: checkin.meeting_title || '',
    timeLabel: signout ? '签退时间' : '签到时间',
    timeText: time.formatBeijing(at, now),
    late: !!checkin.late,
    lateText: checkin.late ? '迟到' : '未迟到',
    sentLate: !!checkin.sent_late,
    // The server keeps the scan time of a resent scan, so the member sees it was not lost.
    sentLateText: checkin.sent_late ? '网络恢复后补传，按扫码时间记录' : '',
  }
}

module.exports = {
  QUEUED_TEXT: QUEUED_TEXT,
  EXPIRED_TEXT: EXPIRED_TEXT,
  ERRORS: ERRORS,
  errorView: errorView,
  codeView: codeView,
  successView: successView,
}
