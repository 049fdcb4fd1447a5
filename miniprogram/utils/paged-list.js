// A list that arrives a page at a time (GET /inbox, GET /notifications, ...): page 1 on a
// refresh, the next page appended when the member scrolls to the bottom, failures shown with
// utils/feedback.js. A page keeps the list in its data (see initialData below) and supplies:
//   fetch(n)             the promise of page n's body: { items, meta: { page, pages, ... }, ... }
//   viewItem(item, now)  what the template needs from one server item
//   fields(body)         optional: more data set from each body (e.g. the inbox's unread count)
// and calls refresh(this) / loadMore(this) from its own methods, or has listPage below add the
// methods every list page has. What belongs to one open page (its data, its `generation`) stays
// on the page, so one list serves every instance of it.

var feedback = require('./feedback')

// The list's fields in a page's data, with the page's own fields (if any) added.
function initialData(extra) {
  var fields = {
    items: [],
    page: 0, // the last page loaded
    pages: 0,
    loaded: false, // the first page has answered (or failed) at least once
    loadFailed: false,
    loading: false,
    loadingMore: false,
  }
  Object.keys(extra || {}).forEach(function (key) {
    fields[key] = extra[key]
  })
  return fields
}

function indexOfId(items, id) {
  for (var i = 0; i < items.length; i += 1) {
    if (String(items[i].id) === String(id)) return i
  }
  return -1
}

// An item added while the member scrolls pushes every item down by one, so the next page starts
// with an item already shown; it is skipped rather than listed twice.
function appendNew(items, more) {
  return items.concat(
    more.filter(function (item) {
      return indexOfId(items, item.id) === -1
    })
  )
}

function create(options) {
  // The time texts are fixed when the page arrives ("5分钟前" does not tick), as in WeChat's own
  // lists; a pull-down refreshes them.
  function viewItems(body) {
    var now = Date.now()
    return ((body && body.items) || []).map(function (item) {
      return options.viewItem(item, now)
    })
  }

  // The page's own fields from the body, added to the list's update.
  function withFields(update, body) {
    var more = options.fields ? options.fields(body) : {}
    Object.keys(more).forEach(function (key) {
      update[key] = more[key]
    })
    return update
  }

  // Page 1 again, replacing the list.
  function refresh(page) {
    // A refresh makes any answer still on its way for the old list meaningless.
    page.generation = (page.generation || 0) + 1
    var generation = page.generation
    page.setData({ loading: true, loadingMore: false })
    return options.fetch(1).then(
      function (body) {
        if (generation !== page.generation) return
        var meta = body.meta || {}
        var update = {
          loading: false,
          loaded: true,
          loadFailed: false,
          items: viewItems(body),
          page: meta.page || 1,
          pages: meta.pages || 0,
        }
        page.setData(withFields(update, body))
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loading: false, loaded: true, loadFailed: true })
        feedback.showError(error)
      }
    )
  }

  // The next page, appended. Stops once the last page (meta.pages) is loaded.
  function loadMore(page) {
    var data = page.data
    if (!data.loaded || data.loading || data.loadingMore || data.page >= data.pages) return Promise.resolve()
    var generation = page.generation
    var next = data.page + 1
    page.setData({ loadingMore: true })
    return options.fetch(next).then(
      function (body) {
        if (generation !== page.generation) return
        var meta = body.meta || {}
        var update = {
          loadingMore: false,
          items: appendNew(page.data.items, viewItems(body)),
          page: meta.page || next,
          pages: meta.pages || 0,
        }
        page.setData(withFields(update, body))
      },
      function (error) {
        if (generation !== page.generation) return
        page.setData({ loadingMore: false })
        feedback.showError(error)
      }
    )
  }

  return { refresh: refresh, loadMore: loadMore }
}

// A list page's Page() definition: the page's own `methods` (its data, its handlers) with what
// every list page does — page 1 on load and on a pull-down (the spinner stopped once it answers),
// the next page at the bottom — through the page's refresh and loadMore. Given a list (create),
// they are its refresh and loadMore; a page whose list is made per instance (its fetch depends on
// the query) passes null and has its own. A method in `methods` replaces the one here.
function listPage(list, methods) {
  var page = {
    onLoad: function () {
      return this.refresh()
    },
    onPullDownRefresh: function () {
      return this.refresh().then(function () {
        wx.stopPullDownRefresh()
      })
    },
    onReachBottom: function () {
      return this.loadMore()
    },
  }
  if (list) {
    // Page 1 again, replacing the list.
    page.refresh = function () {
      return list.refresh(this)
    }
    // The next page, appended, until the last one.
    page.loadMore = function () {
      return list.loadMore(this)
    }
  }
  return Object.assign(page, methods)
}

module.exports = {
  initialData: initialData,
  indexOfId: indexOfId,
  appendNew: appendNew,
  create: create,
  listPage: listPage,
}
