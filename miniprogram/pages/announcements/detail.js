// 公告详情 (?id=): one announcement — its title, the organisation that published it, who it is for,
// when, and its body (HTML the server sanitised, shown with <rich-text>). Opening it marks it read.

var announcements = require('../../services/announcements')
var announcementView = require('../../utils/announcement-view')
var recordPage = require('../../utils/record-page')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

Page(recordPage.define('公告不存在', {
  data: {
    id: '',
    loading: true,
    errorMessage: '',
    announcement: null,
  },

  // Never rejects.
  load: function () {
    var page = this
    var id = page.data.id
    if (!id) return Promise.resolve()
    page.setData({ loading: true, errorMessage: '' })
    return announcements.get(id).then(
      function (body) {
        page.setData({ loading: false, announcement: announcementView.viewAnnouncement(body, Date.now()) })
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },
}))
