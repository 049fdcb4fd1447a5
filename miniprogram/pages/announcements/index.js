// 党务公开: the announcements the member's organisations published to them (and the public ones),
// pinned first (置顶), then newest first; a dot marks the unread. Pull down to refresh, scroll to the
// bottom for the next page. An announcement opens its detail page, which marks it read; back here
// its dot is gone.

var announcements = require('../../services/announcements')
var announcementView = require('../../utils/announcement-view')
var pagedList = require('../../utils/paged-list')

var DETAIL_PAGE = '/pages/announcements/detail'

var list = pagedList.create({
  fetch: function (page) {
    return announcements.list(page)
  },
  viewItem: announcementView.viewAnnouncementItem,
})

Page(pagedList.listPage(list, {
  data: pagedList.initialData(),

  // Back from an announcement: read on the server now, so its dot goes.
  onShow: function () {
    var update = {}
    this.data.items.forEach(function (item, index) {
      if (item.unread && announcements.wasRead(item.id)) update['items[' + index + '].unread'] = false
    })
    if (Object.keys(update).length) this.setData(update)
  },

  openItem: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: DETAIL_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },
}))
