// 党务公开/公告: announcements the party organisations publish to their members (or to everyone),
// and, for the secretaries who publish them, who has read each (阅读情况). Query parameters go in
// `data` (wx.request turns a GET's data into the query string).
//
// How the announcement pages put these bodies into words is utils/announcement-view.js.

var api = require('../api/request')

var DEFAULT_PER_PAGE = 20

function announcementPath(id) {
  return '/announcements/' + encodeURIComponent(String(id))
}

function pageData(page, options) {
  return { page: page || 1, per_page: (options && options.perPage) || DEFAULT_PER_PAGE }
}

// Reading an announcement (its detail page) marks it read on the server; the list lies under the
// detail page and takes its dot off when shown again, without asking the server for the whole
// list. The ids read on this phone since the app started.
var readIds = {}

function wasRead(id) {
  return !!readIds[String(id)]
}

// GET /announcements → { items: [{ id, title, summary, org_name, audience, pinned, published_at,
// read }], meta }, pinned first, then newest first. options: { perPage }.
function list(page, options) {
  return api.request({ url: '/announcements', data: pageData(page, options) })
}

// GET /announcements/{id} → { id, title, body (sanitised HTML), org_name, audience, roles, pinned,
// status, published_at, read }. Viewing it marks it read. 404 when the member may not read it.
function get(id) {
  return api.request({ url: announcementPath(id) }).then(function (body) {
    readIds[String(id)] = true
    return body
  })
}

// The announcements the managed list brought, by id, so that the receipts page can show the title
// without GET /announcements/{id} (which would mark it read for the secretary).
var managedItems = {}

function managedItem(id) {
  return managedItems[String(id)] || null
}

// GET /announcements/managed → { items: [{ ...as list, status, audience_size, read_count }],
// meta }: the announcements of the orgs the caller manages (secretaries, committee admins; 403 to
// others). options: { status, perPage }; status left out lists them all.
function managed(page, options) {
  var data = pageData(page, options)
  if (options && options.status) data.status = options.status
  return api.request({ url: '/announcements/managed', data: data }).then(function (body) {
    ;((body && body.items) || []).forEach(function (item) {
      if (item && item.id !== undefined && item.id !== null) managedItems[String(item.id)] = item
    })
    return body
  })
}

// GET /announcements/{id}/receipts → { audience_size, read_count, items: [{ person_id, name,
// org_name, read_at }], meta }. options: { state: 'read' | 'unread', perPage }.
function receipts(id, page, options) {
  var data = pageData(page, options)
  if (options && options.state) data.state = options.state
  return api.request({ url: announcementPath(id) + '/receipts', data: data })
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  list: list,
  get: get,
  wasRead: wasRead,
  managed: managed,
  managedItem: managedItem,
  receipts: receipts,
}
