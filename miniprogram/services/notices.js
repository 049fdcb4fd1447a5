// 通知发送: notices a branch secretary sends to the members of their orgs, and the report of who
// was reached. Only the managing roles (secretary, committee_admin) may call these; a plain
// member gets 403. Query parameters go in `data` (wx.request turns a GET's data into the query
// string).

var api = require('../api/request')

var DEFAULT_PER_PAGE = 20
// The server's largest page (PageArgs: per_page ≤ 100).
var MAX_PER_PAGE = 100
// allDeliveries stops after this many pages (2000 recipients): a branch has tens of members, and
// a notice to a whole committee is read on the web console rather than page by page on a phone.
var MAX_DELIVERY_PAGES = 20

function notificationPath(id) {
  return '/notifications/' + encodeURIComponent(String(id))
}

// The list of notices is changed by this phone (a notice sent, one cancelled) on pages opened on
// top of it; they mark it so that the list reloads when the member comes back to it.
var listChanged = false

function markListChanged(result) {
  listChanged = true
  return result
}

// True once after a change; the list page asks when it is shown again.
function takeListChanged() {
  var changed = listChanged
  listChanged = false
  return changed
}

// GET /auth/whoami → { kind, account, person, roles: { secretary: [org ids], ... }, expires_at }.
function whoami() {
  return api.request({ url: '/auth/whoami' })
}

// The org ids the caller may send notices to, from whoami's roles: the orgs of their secretary
// posts. An empty list under a role means "every org" (a console account's global grant); a
// phone cannot offer the whole tree in a picker, so only listed ids count.
function senderOrgIds(whoamiBody) {
  var ids = ((whoamiBody && whoamiBody.roles && whoamiBody.roles.secretary) || []).filter(function (id) {
    return typeof id === 'number'
  })
  return ids.filter(function (id, index) {
    return ids.indexOf(id) === index
  })
}

// GET /orgs/<id> → { id, name, type, type_label, path, ... }.
function getOrg(id) {
  return api.request({ url: '/orgs/' + encodeURIComponent(String(id)) })
}

// The orgs of senderOrgIds with their names: [{ id, name }], one GET /orgs/<id> each (whoami
// names them by id only). `extraId` is added when whoami does not list it (a committee_admin
// opening the form from that org's page); the server decides whether it may be used.
function senderOrgs(extraId) {
  return whoami().then(function (body) {
    var ids = senderOrgIds(body)
    if (extraId && ids.indexOf(extraId) === -1) ids.push(extraId)
    return Promise.all(
      ids.map(function (id) {
        return getOrg(id).then(function (org) {
          return { id: id, name: (org && org.name) || '' }
        })
      })
    )
  })
}

// GET /notifications → { items: [Notification], meta }, newest first.
function list(page, options) {
  options = options || {}
  return api.request({
    url: '/notifications',
    data: { page: page || 1, per_page: options.perPage || DEFAULT_PER_PAGE },
  })
}

// POST /notifications → 201 Notification. params: { orgId, title, content, at } — at is ISO-8601
// UTC for a scheduled notice; left out (not sent as null) to send at once.
function create(params) {
  var data = { org_id: params.orgId, title: params.title, content: params.content }
  if (params.at) data.at = params.at
  return api.request({ url: '/notifications', method: 'POST', data: data }).then(markListChanged)
}

// GET /notifications/<id> → Notification with counts.
function get(id) {
  return api.request({ url: notificationPath(id) })
}

// DELETE /notifications/<id> → the cancelled Notification; 409 already_sent once it went out.
function cancel(id) {
  return api.request({ url: notificationPath(id), method: 'DELETE' }).then(markListChanged)
}

// GET /notifications/<id>/deliveries → { items, meta }. options: { state, perPage }; state is one
// delivery state ('failed', 'muted', ...); leave it out for all.
function deliveries(id, page, options) {
  options = options || {}
  var data = { page: page || 1, per_page: options.perPage || DEFAULT_PER_PAGE }
  if (options.state) data.state = options.state
  return api.request({ url: notificationPath(id) + '/deliveries', data: data })
}

// Every delivery of a notice, page after page of the largest size, for filtering on the phone.
// Resolves with { items, total, truncated }; truncated when MAX_DELIVERY_PAGES did not hold them.
function allDeliveries(id) {
  var items = []
  function fetchPage(page) {
    return deliveries(id, page, { perPage: MAX_PER_PAGE }).then(function (body) {
      var meta = (body && body.meta) || {}
      items = items.concat((body && body.items) || [])
      var pages = meta.pages || 0
      if (page < pages && page < MAX_DELIVERY_PAGES) return fetchPage(page + 1)
      return { items: items, total: meta.total || items.length, truncated: page < pages }
    })
  }
  return fetchPage(1)
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  MAX_PER_PAGE: MAX_PER_PAGE,
  MAX_DELIVERY_PAGES: MAX_DELIVERY_PAGES,
  whoami: whoami,
  senderOrgIds: senderOrgIds,
  getOrg: getOrg,
  senderOrgs: senderOrgs,
  list: list,
  create: create,
  get: get,
  cancel: cancel,
  deliveries: deliveries,
  allDeliveries: allDeliveries,
  takeListChanged: takeListChanged,
}
