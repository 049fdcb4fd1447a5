// Check-in on a weak network. Meeting rooms are often basements and lecture halls where the
// request times out although the member did scan the screen in time. Such a scan is kept in wx
// storage and sent again later, with the same idempotency key (so a first attempt that did reach
// the server is not counted twice) and its scan time as `scanned_at` (so the server checks the
// token against the time it was scanned, and records that time: sent_late). It is sent again
// when the app shows (app.js), when the check-in page shows, and when the network comes back.
//
// A scan is dropped once the server has answered it, success or refusal (the member is told
// which), and when it is older than OFFLINE_LIMIT_MS (the server would refuse it anyway).

var meetings = require('../services/meetings')
var errors = require('../api/errors')
var checkinResult = require('./checkin-result')
var checkinToken = require('./checkin-token')
var time = require('./time')

var STORAGE_KEY = 'checkinQueue'

// The server's offline_limit_minutes default (10): a resent scan arriving later is refused with
// offline_too_late, so older ones are dropped without sending them. A deployment that changes
// the server's setting should change this too.
var OFFLINE_LIMIT_MS = 10 * 60 * 1000

// A member scans a few meetings a week; more than this waiting means something is wrong, and
// storage is small. The oldest go first.
var MAX_ENTRIES = 20

// How long a check-in waits for the location before it is sent without one. Long enough for a
// warm GPS fix and a quick answer to the permission dialog; a member who takes longer is asked
// to scan again if the meeting needs the location (location_required).
var LOCATION_TIMEOUT_MS = 3000

var KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
var KEY_RANDOM_LENGTH = 20

// The server takes 8–64 characters of [A-Za-z0-9_-]. Made once per scan: the time (so keys of
// one phone never repeat) and random characters (so two phones never collide). Math.random is
// enough: the key only has to be unique, it guards nothing.
function newIdempotencyKey() {
  var key = Date.now().toString(36) + '-'
  for (var i = 0; i < KEY_RANDOM_LENGTH; i += 1) {
    key += KEY_ALPHABET.charAt(Math.floor(Math.random() * KEY_ALPHABET.length))
  }
  return key
}

// FNV-1a, 32 bits, as 8 hex digits.
function fnv1a(text) {
  var hash = 0x811c9dc5
  for (var i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return ('0000000' + hash.toString(16)).slice(-8)
}

var DEVICE_FIELDS = ['brand', 'model', 'system', 'platform', 'screenWidth', 'screenHeight', 'pixelRatio']

// The phone as the server's anomaly check sees it ({id, model, system, platform}), or null when
// the system info cannot be read. The id is a hash of hardware-ish fields, the same for every
// WeChat account on one phone: one member checking in for others from their own phone shows up
// as a shared device. It is a heuristic for the secretary, not proof: two phones of the same
// model and system version hash alike, and a system update changes the id. (A random id in
// storage would not do: storage belongs to the WeChat account, not the phone.)
function deviceInfo() {
  var info
  try {
    info = wx.getSystemInfoSync()
  } catch (e) {
    return null
  }
  if (!info) return null
  var text = DEVICE_FIELDS.map(function (field) {
    return info[field] === undefined ? '' : String(info[field])
  }).join('|')
  return {
    id: fnv1a(text),
    model: info.model || '',
    system: info.system || '',
    platform: info.platform || '',
  }
}

// Resolves with wx.getNetworkType's type ('wifi', '4g', 'none', ...) or '' (never rejects).
function networkType() {
  return new Promise(function (resolve) {
    try {
      wx.getNetworkType({
        success: function (res) {
          resolve((res && res.networkType) || '')
        },
        fail: function () {
          resolve('')
        },
      })
    } catch (e) {
      resolve('')
    }
  })
}

// Resolves with { latitude, longitude, accuracy } (GCJ-02, the system the server's geofences
// use) or null: refused, failed or not in time. Never rejects.
function locate(timeoutMs) {
  return new Promise(function (resolve) {
    var done = false
    var timer = setTimeout(function () {
      finish(null)
    }, timeoutMs === undefined ? LOCATION_TIMEOUT_MS : timeoutMs)
    function finish(value) {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(value)
    }
    try {
      wx.getLocation({
        type: 'gcj02',
        success: function (res) {
          if (!res || typeof res.latitude !== 'number' || typeof res.longitude !== 'number') return finish(null)
          var location = { latitude: res.latitude, longitude: res.longitude }
          if (typeof res.accuracy === 'number') location.accuracy = res.accuracy
          finish(location)
        },
        fail: function () {
          finish(null)
        },
      })
    } catch (e) {
      finish(null)
    }
  })
}

// A new scan, ready to send: { token, idempotency_key, scanned_at, device, location,
// meeting_id, mode }. scannedAt: the scan time in milliseconds (WeChat's scancode_time) or
// undefined for now. The device and the location are gathered here, once: a resent scan carries
// what the phone saw when it was scanned.
function prepareScan(token, options) {
  options = options || {}
  var scannedAt = typeof options.scannedAt === 'number' ? options.scannedAt : Date.now()
  var device = deviceInfo()
  return Promise.all([networkType(), locate(options.locationTimeout)]).then(function (results) {
    if (device) device.network_type = results[0]
    return {
      token: token,
      idempotency_key: newIdempotencyKey(),
      scanned_at: time.toIsoUtc(scannedAt),
      device: device,
      location: results[1],
      meeting_id: checkinToken.meetingIdOf(token),
      mode: options.mode === 'signout' ? 'signout' : 'checkin',
    }
  })
}

// The request body of a scan. scanned_at goes only with a resend: the contract reads it as "this
// was scanned earlier and could not be sent", and marks the check-in sent_late.
function bodyOf(scan, resend) {
  var body = { token: scan.token, idempotency_key: scan.idempotency_key }
  if (resend) body.scanned_at = scan.scanned_at
  if (scan.device) body.device = scan.device
  if (scan.location) body.location = scan.location
  return body
}

function send(scan, resend) {
  var body = bodyOf(scan, resend)
  return scan.mode === 'signout' ? meetings.signOut(body) : meetings.checkIn(body)
}

// Failures where the server never saw the request (or cannot be told to have): no response at
// all, or a gateway answering for a server it could not reach. Resending those may still work;
// any other answer is the server's word on this scan.
var GATEWAY_STATUSES = [502, 503, 504]

function isTransient(error) {
  if (error instanceof errors.NetworkError) return true
  return error instanceof errors.ApiError && GATEWAY_STATUSES.indexOf(error.status) !== -1
}

function isEntry(entry) {
  return !!(
    entry &&
    typeof entry.token === 'string' &&
    typeof entry.idempotency_key === 'string' &&
    !isNaN(time.parseIso(entry.scanned_at))
  )
}

function load() {
  var stored
  try {
    stored = wx.getStorageSync(STORAGE_KEY)
  } catch (e) {
    return []
  }
  return Array.isArray(stored) ? stored.filter(isEntry) : []
}

function save(entries) {
  try {
    if (entries.length) wx.setStorageSync(STORAGE_KEY, entries)
    else wx.removeStorageSync(STORAGE_KEY)
  } catch (e) {
    // Storage full or unavailable: the scan is lost like any unsent request would be.
  }
}

function isExpired(entry, now) {
  return now - time.parseIso(entry.scanned_at) > OFFLINE_LIMIT_MS
}

// Keeps a scan for later (replacing one of the same key).
function enqueue(scan) {
  var entries = load().filter(function (entry) {
    return entry.idempotency_key !== scan.idempotency_key
  })
  entries.push(scan)
  save(entries.slice(-MAX_ENTRIES))
}

// Storage is read again for every change: a scan may have been queued while a resend was on its
// way, and must not be overwritten by an old copy of the list.
function remove(key) {
  save(
    load().filter(function (entry) {
      return entry.idempotency_key !== key
    })
  )
}

// The scans waiting, oldest first.
function pending() {
  return load()
}

// The first attempt at a scan. Resolves (never rejects) with an outcome:
//   { status: 'sent', scan, checkin }
//   { status: 'rejected', scan, error }  the server refused it (or the session is gone)
//   { status: 'queued', scan, error }    not sent; kept for later
function submit(scan) {
  return send(scan, false).then(
    function (checkin) {
      return { status: 'sent', scan: scan, checkin: checkin }
    },
    function (error) {
      if (!isTransient(error)) return { status: 'rejected', scan: scan, error: error }
      enqueue(scan)
      return { status: 'queued', scan: scan, error: error }
    }
  )
}

// Pages showing a queued scan take its outcome themselves (see watch); the others are told with
// a toast or a dialog, wherever the member is.
var watchers = {}

// Calls fn(outcome) with the outcome of the queued scan of this key instead of notifying.
// Returns the function that stops it.
function watch(key, fn) {
  watchers[key] = fn
  return function () {
    if (watchers[key] === fn) delete watchers[key]
  }
}

// Resend outcomes nobody watches: refusals and expiries in one dialog (the member must learn that
// they are not checked in), successes as a toast when there is nothing worse to say.
function notify(outcomes) {
  var lines = []
  var sent = null
  outcomes.forEach(function (outcome) {
    var word = outcome.scan.mode === 'signout' ? '签退' : '签到'
    if (outcome.status === 'sent') sent = sent || word
    else if (outcome.status === 'expired') lines.push('一次' + word + '未能补传：' + checkinResult.EXPIRED_TEXT)
    else if (outcome.status === 'rejected') {
      var view = checkinResult.errorView(outcome.error, outcome.scan.mode)
      lines.push(word + '补传失败：' + view.title + '。' + view.text)
    }
  })
  if (lines.length) {
    wx.showModal({ title: '离线扫码补传结果', content: lines.join('\n'), showCancel: false, confirmText: '知道了' })
  } else if (sent) {
    wx.showToast({ title: sent + '已补传', icon: 'success' })
  }
}

function deliver(outcomes) {
  var unwatched = outcomes.filter(function (outcome) {
    var watcher = watchers[outcome.scan.idempotency_key]
    if (!watcher) return true
    watcher(outcome)
    return false
  })
  notify(unwatched)
}

// One resend at a time, in order. Resolves with the outcomes of the scans settled ('sent',
// 'rejected', 'expired'); those still waiting ('kept') are left out.
function resendAll() {
  var outcomes = []
  var offline = false
  var now = Date.now()
  var entries = load()

  function next(index) {
    if (index >= entries.length) return Promise.resolve(outcomes)
    var entry = entries[index]
    if (isExpired(entry, now)) {
      remove(entry.idempotency_key)
      outcomes.push({ status: 'expired', scan: entry })
      return next(index + 1)
    }
    // Once the network failed, the rest wait for the next try rather than time out one by one;
    // they are still checked for expiry above.
    if (offline) return next(index + 1)
    return send(entry, true).then(
      function (checkin) {
        remove(entry.idempotency_key)
        outcomes.push({ status: 'sent', scan: entry, checkin: checkin })
        return next(index + 1)
      },
      function (error) {
        if (isTransient(error)) {
          offline = true
        } else if (!(error instanceof errors.AuthError)) {
          remove(entry.idempotency_key)
          outcomes.push({ status: 'rejected', scan: entry, error: error })
        }
        // An AuthError (unbound, WeChat login failing) keeps the scan: it is not the scan's fault,
        // and it can still go through once the member is signed in again, within the limit.
        return next(index + 1)
      }
    )
  }
  return next(0)
}

// Shared by callers that come at once (app.js and the check-in page both on onShow), so that each
// scan is sent once.
var inFlight = null

// Sends the waiting scans again. Resolves with the settled outcomes, after telling the member
// (or the watching page). Never rejects.
function retry() {
  if (inFlight) return inFlight
  if (!load().length) return Promise.resolve([])
  inFlight = resendAll()
    .then(
      function (outcomes) {
        deliver(outcomes)
        return outcomes
      },
      function () {
        return []
      }
    )
    .then(function (outcomes) {
      inFlight = null
      return outcomes
    })
  return inFlight
}

// Resends when the phone is back online. Called once, by app.js onLaunch.
function watchNetwork() {
  if (typeof wx.onNetworkStatusChange !== 'function') return
  wx.onNetworkStatusChange(function (res) {
    if (res && res.isConnected) retry()
  })
}

module.exports = {
  STORAGE_KEY: STORAGE_KEY,
  OFFLINE_LIMIT_MS: OFFLINE_LIMIT_MS,
  MAX_ENTRIES: MAX_ENTRIES,
  LOCATION_TIMEOUT_MS: LOCATION_TIMEOUT_MS,
  newIdempotencyKey: newIdempotencyKey,
  deviceInfo: deviceInfo,
  networkType: networkType,
  locate: locate,
  prepareScan: prepareScan,
  bodyOf: bodyOf,
  isTransient: isTransient,
  enqueue: enqueue,
  pending: pending,
  submit: submit,
  retry: retry,
  watch: watch,
  watchNetwork: watchNetwork,
}
