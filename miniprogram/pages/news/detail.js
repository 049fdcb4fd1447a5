// 资讯详情 (?id=): one news item — its title, source, time, topics and summary — and 复制链接, since
// the mini-program cannot open the news site itself (a <web-view> needs each site configured as a
// business domain); the member pastes the link into a browser. There is no endpoint for one item:
// it comes from the items the list brought (services/news.js), or, after the app restarted, from
// the newest pages of all the news.

var news = require('../../services/news')
var newsView = require('../../utils/news-view')
var recordPage = require('../../utils/record-page')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

Page(recordPage.define('资讯不存在', {
  data: {
    id: '',
    loading: true,
    errorMessage: '',
    item: null,
  },

  // Never rejects.
  load: function () {
    var page = this
    var id = page.data.id
    if (!id) return Promise.resolve()
    page.setData({ loading: true, errorMessage: '' })
    return news.findItem(id).then(
      function (item) {
        if (!item) {
          page.setData({ loading: false, item: null, errorMessage: '资讯不存在或已下线' })
          return
        }
        page.setData({ loading: false, item: newsView.viewNewsDetail(item, Date.now()) })
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // 复制链接: WeChat says 内容已复制 by itself. Resolves once done (or failed).
  copyLink: function () {
    var url = this.data.item && this.data.item.url
    if (!url) return Promise.resolve()
    return new Promise(function (resolve) {
      wx.setClipboardData({
        data: url,
        success: function () {
          resolve()
        },
        fail: function () {
          wx.showToast({ title: '复制失败，请稍后重试', icon: 'none' })
          resolve()
        },
      })
    })
  },
}))
