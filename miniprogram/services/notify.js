// Notification preferences and WeChat subscribe messages (订阅消息).
//
// The server may message a member on WeChat only through a template the member accepted, and each
// acceptance of a one-time template allows exactly one message. requestSubscribe asks the member
// and reports the answers to the server, which counts the grants it has left per template.

var api = require('../api/request')

// WeChat shows at most 3 templates in one subscribe dialog.
var MAX_TEMPLATES_PER_DIALOG = 3

// The answers the server accepts. WeChat has more spellings of "yes" than its documentation
// lists ('acceptWithAudio' when the member also turned on the voice reminder, 'acceptWithAlert');
// they are still an acceptance and are reported as 'accept'.
var STATUSES = { accept: 'accept', reject: 'reject', ban: 'ban', filter: 'filter' }

function normalizeStatus(value) {
  if (typeof value !== 'string') return ''
  if (value.indexOf('accept') === 0) return 'accept'
  return STATUSES[value] || ''
}

function itemsOf(body) {
  return body && Array.isArray(body.items) ? body.items : []
}

// GET /notifications/preferences → [{ kind, label, enabled, switchable }].
function getPreferences() {
  return api.request({ url: '/notifications/preferences' }).then(itemsOf)
}

// PATCH /notifications/preferences → the whole list again, as GET answers it. A kind that is not
// switchable cannot be turned off (422 not_switchable).
function setPreference(kind, enabled) {
  var preferences = {}
  preferences[kind] = !!enabled
  return api
    .request({ url: '/notifications/preferences', method: 'PATCH', data: { preferences: preferences } })
    .then(itemsOf)
}

// Template ids change only when the deployer reconfigures the mini-program, so the first answer
// is kept for the app's life. The answer itself (not only a promise of it) is kept so that
// requestSubscribe can use it synchronously; see there. A failed lookup is not kept.
var cachedTemplates = null
var templatesInFlight = null

// GET /notifications/subscribe-templates → [{ kind, label, template_id }]; kinds without a
// template are absent. Pages that offer subscribe messages call this when they load.
function subscribeTemplates() {
  if (cachedTemplates) return Promise.resolve(cachedTemplates)
  if (!templatesInFlight) {
    templatesInFlight = api.request({ url: '/notifications/subscribe-templates' }).then(
      function (body) {
        cachedTemplates = itemsOf(body)
        templatesInFlight = null
        return cachedTemplates
      },
      function (error) {
        templatesInFlight = null
        throw error
      }
    )
  }
  return templatesInFlight
}

// Opens WeChat's dialog; resolves with { ok: true, answers } or { ok: false, errCode }, never
// rejects. The Promise executor runs at once, so the call stays inside the caller's tap.
function openDialog(tmplIds) {
  return new Promise(function (resolve) {
    var failed = function (err) {
      resolve({ ok: false, errCode: (err && err.errCode) || -1 })
    }
    // Missing before base library 2.4.4.
    if (typeof wx.requestSubscribeMessage !== 'function') {
      failed()
      return
    }
    try {
      wx.requestSubscribeMessage({
        tmplIds: tmplIds,
        success: function (res) {
          resolve({ ok: true, answers: res || {} })
        },
        fail: failed,
      })
    } catch (e) {
      failed()
    }
  })
}

function ask(templates, kinds, summary) {
  var templateOf = {}
  templates.forEach(function (template) {
    if (template && template.kind && template.template_id) templateOf[template.kind] = template.template_id
  })

  var tmplIds = []
  var asked = [] // { kind, templateId } for every kind whose template is in the dialog
  var seen = {}
  var wanted = kinds || []
  wanted.forEach(function (kind) {
    var templateId = templateOf[kind]
    if (!templateId || seen[kind]) return
    seen[kind] = true
    if (tmplIds.indexOf(templateId) === -1 && tmplIds.length < MAX_TEMPLATES_PER_DIALOG) tmplIds.push(templateId)
    if (tmplIds.indexOf(templateId) === -1) summary.skipped.push(kind)
    else asked.push({ kind: kind, templateId: templateId })
  })
  if (!tmplIds.length) return Promise.resolve(summary)

  return openDialog(tmplIds).then(function (outcome) {
    if (!outcome.ok) {
      // No answers at all (the member closed the dialog, switched subscribe messages off — 20004 —
      // or the dialog could not be shown): nothing to report to the server.
      summary.errCode = outcome.errCode
      asked.forEach(function (entry) {
        summary.refused.push(entry.kind)
      })
      return summary
    }

    // Only the answers for the templates asked, without errMsg.
    var results = {}
    tmplIds.forEach(function (templateId) {
      var status = normalizeStatus(outcome.answers[templateId])
      if (status) results[templateId] = status
    })
    asked.forEach(function (entry) {
      if (results[entry.templateId] === 'accept') summary.accepted.push(entry.kind)
      else summary.refused.push(entry.kind)
    })
    if (!Object.keys(results).length) return summary

    return api.request({ url: '/notifications/subscribe-grants', method: 'POST', data: { results: results } }).then(
      function (body) {
        summary.granted = (body && body.granted) || {}
        return summary
      },
      function (error) {
        summary.error = error
        return summary
      }
    )
  })
}

// Asks the member to accept the subscribe-message templates of `kinds` (e.g. ['meeting_notice'])
// and reports the answers to the server (POST /notifications/subscribe-grants).
//
// Call it directly from a tap handler (bindtap). WeChat opens the dialog only in answer to a
// user's tap, and any asynchronous step in between — a network request, a setTimeout — makes
// wx.requestSubscribeMessage fail ("can only be invoked by user TAP gesture"). So the templates
// come from the cache: pages call subscribeTemplates() when they load, and with the cache warm
// wx.requestSubscribeMessage runs synchronously, inside the tap. With a cold cache the templates
// are fetched first and WeChat will most likely refuse to show the dialog (the kinds come back
// refused, with its errCode).
//
// One dialog holds at most 3 templates, and a second dialog cannot be opened from the first
// one's callback (that is no longer a tap). So only the first 3 templates, in the order of
// `kinds`, are asked; the kinds left over come back in `skipped` for the page to ask on the next
// tap. Kinds without a template are ignored.
//
// Never rejects: asking permission is a side path, and a refusal or a failure must not break
// the action the member tapped for. Resolves with
//   accepted: kinds the member accepted (one more message each)
//   refused:  kinds asked but not accepted (reject, ban, filter, or the dialog failed)
//   skipped:  kinds not asked this time (over the 3-template limit)
//   granted:  the server's answer, remaining grants per template id ({} when not reported)
//   errCode:  WeChat's errCode when the dialog failed (20004: the member switched subscribe
//             messages off for this mini-program), else 0
//   error:    the ApiError/NetworkError when the templates could not be loaded or the answers
//             could not be reported to the server, else null
function requestSubscribe(kinds) {
  var summary = { accepted: [], refused: [], skipped: [], granted: {}, errCode: 0, error: null }
  if (cachedTemplates) return ask(cachedTemplates, kinds, summary)
  return subscribeTemplates().then(
    function (templates) {
      return ask(templates, kinds, summary)
    },
    function (error) {
      summary.error = error
      return summary
    }
  )
}

module.exports = {
  MAX_TEMPLATES_PER_DIALOG: MAX_TEMPLATES_PER_DIALOG,
  getPreferences: getPreferences,
  setPreference: setPreference,
  subscribeTemplates: subscribeTemplates,
  requestSubscribe: requestSubscribe,
}
