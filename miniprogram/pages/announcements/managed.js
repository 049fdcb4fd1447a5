// 公告阅读情况: the announcements of the organisations the secretary (or committee admin) manages,
// each with how many of the people it is addressed to have read it. An announcement opens its
// receipts (who has read it, who has not). Only the managing roles reach this page (我的 offers
// it to them); the server answers 403 to anyone else.

var announcements = require('../../services/announcements')
var announcementView = require('../../utils/announcement-view')
var pagedList = require('../../utils/paged-list')

var RECEIPTS_PAGE = '/pages/announcements/receipts'

var list = pagedList.create({
  fetch: function (page) {
    return announcements.managed(page)
  },
  viewItem: announcementView.viewManagedItem,
})

Page(pagedList.listPage(list, {
  data: pagedList.initialData(),

  openReceipts: function (event) {
    var id = event.currentTarget.dataset.id
    if (id === undefined || id === null || id === '') return
    wx.navigateTo({ url: RECEIPTS_PAGE + '?id=' + encodeURIComponent(String(id)) })
  },
}))
