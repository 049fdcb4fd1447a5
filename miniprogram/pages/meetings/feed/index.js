// 支部动态 (?org_id=<the member's branch>): the branch's meetings that have minutes, newest first,
// each with its date, a summary and up to nine photos. Pull down to refresh, scroll to the bottom
// for the next page. A photo opens the full-screen preview; the rest of the item opens the meeting.
//
// The photos are attachments, which the server gives out only with the session's bearer token:
// <image src> cannot send it, so each photo is downloaded (services/meetings.js
// downloadAttachment) into a temporary file first, a few at a time, and shown from there.
//
// Each item shows how many comments its minutes have; tapping the count opens the minutes with
// their comments (pages/meetings/minutes), where members read and write them.

var meetings = require('../../../services/meetings')
var meetingView = require('../../../utils/meeting-view')
var pagedList = require('../../../utils/paged-list')
var commentsView = require('../../../utils/comments-view')

var DETAIL_PAGE = '/pages/meetings/detail/index'
var MINUTES_PAGE = '/pages/meetings/minutes/index'

// wx.downloadFile allows ten at once across the app; a page of twenty items holds up to 180 photos.
var MAX_DOWNLOADS = 3

// An item with its comment count (comment_count; a server without comments sends none: 0).
function viewItem(item, now) {
  var count = Number(item.comment_count) || 0
  return Object.assign(meetingView.viewFeedItem(item, now), {
    commentCount: count,
    commentText: commentsView.countText(count),
  })
}

Page(pagedList.listPage(null, {
  data: pagedList.initialData({ orgId: 0, noOrg: false }),

  onLoad: function (query) {
    var orgId = Number(query && query.org_id) || 0
    // Per page instance: what is downloaded (id → temporary path), failed or under way.
    this.imagePaths = {}
    this.imageFailed = {}
    this.imagePending = {}
    this.downloadQueue = []
    this.downloadsActive = 0
    if (!orgId) {
      this.setData({ noOrg: true, loaded: true })
      return Promise.resolve()
    }
    this.setData({ orgId: orgId })
    this.list = pagedList.create({
      fetch: function (n) {
        return meetings.feed(orgId, { page: n })
      },
      viewItem: viewItem,
    })
    return this.refresh()
  },

  // Downloads still queued would fill a page nobody sees; those under way just finish.
  onUnload: function () {
    this.unloaded = true
    this.downloadQueue = []
  },

  // Resolves once the list is in and its photos are downloaded (or failed).
  refresh: function () {
    var page = this
    if (!page.list) return Promise.resolve()
    // A photo that failed before is tried again with the fresh list.
    page.imageFailed = {}
    return page.list.refresh(page).then(function () {
      return page.loadImages()
    })
  },

  loadMore: function () {
    var page = this
    if (!page.list) return Promise.resolve()
    return page.list.loadMore(page).then(function () {
      return page.loadImages()
    })
  },

  // Shows the photos already downloaded and downloads the others once each.
  loadImages: function () {
    var page = this
    // A list answering after the member left would only fill the queue of a page nobody sees.
    if (page.unloaded) return Promise.resolve()
    var waits = []
    var seen = {}
    page.data.items.forEach(function (item) {
      item.images.forEach(function (image) {
        if (seen[image.id]) return
        seen[image.id] = true
        if (page.imagePaths[image.id] || page.imageFailed[image.id]) page.showImage(image.id)
        else waits.push(page.fetchImage(image.id))
      })
    })
    return Promise.all(waits)
  },

  // One photo's download, shared by whoever asks while it is under way. Never rejects.
  fetchImage: function (id) {
    var page = this
    if (!page.imagePending[id]) {
      page.imagePending[id] = page
        .queueDownload(id)
        .then(
          function (path) {
            page.imagePaths[id] = path
            delete page.imageFailed[id]
          },
          function () {
            page.imageFailed[id] = true
          }
        )
        .then(function () {
          delete page.imagePending[id]
          page.showImage(id)
        })
    }
    return page.imagePending[id]
  },

  queueDownload: function (id) {
    var page = this
    return new Promise(function (resolve, reject) {
      page.downloadQueue.push(function () {
        return meetings.downloadAttachment(id).then(resolve, reject)
      })
      page.pumpDownloads()
    })
  },

  pumpDownloads: function () {
    var page = this
    var finished = function () {
      page.downloadsActive -= 1
      page.pumpDownloads()
    }
    while (page.downloadsActive < MAX_DOWNLOADS && page.downloadQueue.length) {
      var task = page.downloadQueue.shift()
      page.downloadsActive += 1
      task().then(finished, finished)
    }
  },

  // Every place the photo appears (the list may have been refreshed meanwhile) gets its state.
  showImage: function (id) {
    var page = this
    var update = {}
    page.data.items.forEach(function (item, i) {
      item.images.forEach(function (image, j) {
        if (String(image.id) !== String(id)) return
        var path = page.imagePaths[id] || ''
        var failed = !path && !!page.imageFailed[id]
        if (image.path !== path) update['items[' + i + '].images[' + j + '].path'] = path
        if (image.failed !== failed) update['items[' + i + '].images[' + j + '].failed'] = failed
      })
    })
    if (Object.keys(update).length) page.setData(update)
  },

  // A photo: the preview of the item's downloaded photos. One that failed is tried once more.
  openImage: function (event) {
    var page = this
    var dataset = event.currentTarget.dataset
    var item = page.data.items[pagedList.indexOfId(page.data.items, dataset.item)]
    if (!item) return Promise.resolve()
    var image = item.images.filter(function (candidate) {
      return String(candidate.id) === String(dataset.image)
    })[0]
    if (!image) return Promise.resolve()
    var preview = function (path) {
      var urls = item.images
        .map(function (candidate) {
          return page.imagePaths[candidate.id] || ''
        })
        .filter(Boolean)
      wx.previewImage({ current: path, urls: urls })
    }
    if (page.imagePaths[image.id]) {
      preview(page.imagePaths[image.id])
      return Promise.resolve()
    }
    // Still on its way: the preview would have nothing to show yet.
    if (page.imagePending[image.id]) return Promise.resolve()
    return page.fetchImage(image.id).then(function () {
      var path = page.imagePaths[image.id]
      if (path) preview(path)
      else wx.showToast({ title: '图片加载失败', icon: 'none' })
    })
  },

  openItem: function (event) {
    var item = this.data.items[pagedList.indexOfId(this.data.items, event.currentTarget.dataset.id)]
    if (!item || !item.meetingId) return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(item.meetingId)) })
  },

  // The comment count: the minutes with their comments.
  openComments: function (event) {
    var item = this.data.items[pagedList.indexOfId(this.data.items, event.currentTarget.dataset.id)]
    if (!item || !item.meetingId) return
    wx.navigateTo({ url: MINUTES_PAGE + '?id=' + encodeURIComponent(String(item.meetingId)) })
  },
}))
