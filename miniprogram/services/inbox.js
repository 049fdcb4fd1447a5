// The member's message inbox (站内消息): notices the server also pushes as WeChat subscribe
// messages when the member granted one. Query parameters go in `data`: for a GET, wx.request
// turns `data` into the query string itself (GET /inbox?page=2&per_page=20).

var api = require('../api/request')

var DEFAULT_PER_PAGE = 20

// GET /inbox → { items, meta: { page, per_page, total, pages }, unread }.
// options: { perPage, unread } — unread: true lists only unread messages; leave it out for all.
function list(page, options) {
  options = options || {}
  var data = { page: page || 1, per_page: options.perPage || DEFAULT_PER_PAGE }
  if (options.unread !== undefined) data.unread = options.unread ? 'true' : 'false'
  return api.request({ url: '/inbox', data: data })
}

// The number of unread messages, for badges: the smallest page, only its `unread` is used.
function unreadCount() {
  return list(1, { perPage: 1 }).then(function (body) {
    return (body && body.unread) || 0
  })
}

// POST /inbox/<id>/read → the item with read_at set. Marking twice is harmless.
function markRead(id) {
  return api.request({ url: '/inbox/' + encodeURIComponent(String(id)) + '/read', method: 'POST' })
}

// POST /inbox/read-all → { updated }.
function markAllRead() {
  return api.request({ url: '/inbox/read-all', method: 'POST' })
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  list: list,
  unreadCount: unreadCount,
  markRead: markRead,
  markAllRead: markAllRead,
}
