// 新闻资讯: news the server gathers from central media (RSS/Atom feeds), labelled by topic, and the
// member's choice of topics (推荐 lists those) and of the daily digest (每日推送). Query parameters
// go in `data` (wx.request turns a GET's data into the query string).
//
// The mini-program cannot open the news sites themselves (a <web-view> needs each site configured
// as a business domain), so an item is shown on pages/news/detail with its summary, its source and
// the link to copy. There is no endpoint for one item: the items the lists brought are kept here,
// by id, and the detail page reads them (or, after a restart, looks through the newest ones).
//
// How the news pages put these bodies into words is utils/news-view.js.

var api = require('../api/request')
var pagedList = require('../utils/paged-list')

var DEFAULT_PER_PAGE = 20
// findItem looks through this many of the newest pages for an item not in the cache.
var LOOKUP_PER_PAGE = 50
var LOOKUP_PAGES = 3
// The items kept for the detail page: a few pages of every tab, the oldest forgotten first.
var CACHE_MAX = 300

var cache = {}
var cacheOrder = []

function remember(item) {
  if (!item || item.id === undefined || item.id === null) return
  var key = String(item.id)
  if (!(key in cache)) {
    cacheOrder.push(key)
    if (cacheOrder.length > CACHE_MAX) delete cache[cacheOrder.shift()]
  }
  cache[key] = item
}

// The item with this id as a list brought it, or null.
function cachedItem(id) {
  var key = String(id)
  return key in cache ? cache[key] : null
}

// Saved preferences change what 推荐 lists; the news list lies under the settings page and
// reloads when shown again. A counter, as services/meetings.js has.
var changes = 0

function changeCount() {
  return changes
}

// GET /news → { items: [{ id, title, summary, url, source, source_name, topics: [{ key, label }],
// published_at }], meta }, newest first. params: { topic?, mine?, page?, per_page? }; mine: true
// lists the member's chosen topics (推荐). The items are kept for cachedItem.
function list(params) {
  params = params || {}
  var data = { page: params.page || 1, per_page: params.per_page || DEFAULT_PER_PAGE }
  if (params.topic) data.topic = params.topic
  // The query string has no booleans; the server reads 'true'/'false'.
  if (params.mine !== undefined && params.mine !== null) data.mine = params.mine ? 'true' : 'false'
  return api.request({ url: '/news', data: data }).then(function (body) {
    ;((body && body.items) || []).forEach(remember)
    return body
  })
}

// The item with this id: from the cache, else from the newest pages of all the news (the detail
// page opened after the app restarted). Resolves with the item, or null when it is not among them.
function findItem(id) {
  var found = cachedItem(id)
  if (found) return Promise.resolve(found)
  function lookIn(page) {
    return list({ page: page, per_page: LOOKUP_PER_PAGE }).then(function (body) {
      var items = (body && body.items) || []
      var index = pagedList.indexOfId(items, id)
      if (index !== -1) return items[index]
      var pages = (body && body.meta && body.meta.pages) || 0
      return page < pages && page < LOOKUP_PAGES ? lookIn(page + 1) : null
    })
  }
  return lookIn(1)
}

// GET /news/topics → { items: [{ key, label }] }, in the order to show them.
function topics() {
  return api.request({ url: '/news/topics' })
}

// GET /news/preferences → { topics: [keys], digest: bool }.
function preferences() {
  return api.request({ url: '/news/preferences' })
}

// PUT /news/preferences { topics: [keys], digest } → the same body, as saved. 422 unknown_topic
// when a key is not (or no longer) a topic.
function savePreferences(prefs) {
  var data = { topics: (prefs && prefs.topics) || [], digest: !!(prefs && prefs.digest) }
  return api.request({ url: '/news/preferences', method: 'PUT', data: data }).then(function (body) {
    changes += 1
    return body
  })
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  LOOKUP_PER_PAGE: LOOKUP_PER_PAGE,
  LOOKUP_PAGES: LOOKUP_PAGES,
  CACHE_MAX: CACHE_MAX,
  list: list,
  cachedItem: cachedItem,
  findItem: findItem,
  topics: topics,
  preferences: preferences,
  savePreferences: savePreferences,
  changeCount: changeCount,
}
