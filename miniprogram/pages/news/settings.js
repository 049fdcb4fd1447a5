// 订阅设置 of 新闻资讯: the topics the member follows (推荐 lists news of these) and 每日推送, a daily
// digest of new items in them. Both are saved together with 保存 (PUT /news/preferences).

var news = require('../../services/news')
var newsView = require('../../utils/news-view')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

Page({
  data: {
    loading: true,
    errorMessage: '',
    choices: [], // [{ key, label, checked }]
    digest: false,
    dirty: false,
    saving: false,
  },

  onLoad: function () {
    return this.load()
  },

  // The topics and the member's choices. Never rejects.
  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return Promise.all([news.topics(), news.preferences()]).then(
      function (results) {
        page.setData({
          loading: false,
          choices: newsView.topicChoices(results[0], results[1]),
          digest: !!(results[1] && results[1].digest),
          dirty: false,
        })
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // The checkbox-group: detail.value is every key checked.
  onTopicsChange: function (event) {
    this.setData({ choices: newsView.withChecked(this.data.choices, event.detail.value), dirty: true })
  },

  onDigestChange: function (event) {
    this.setData({ digest: !!event.detail.value, dirty: true })
  },

  // 保存. Never rejects.
  save: function () {
    var page = this
    if (page.data.saving || page.data.loading) return Promise.resolve()
    page.setData({ saving: true })
    var prefs = { topics: newsView.checkedKeys(page.data.choices), digest: page.data.digest }
    return news.savePreferences(prefs).then(
      function (body) {
        page.setData({
          saving: false,
          dirty: false,
          choices: newsView.withChecked(page.data.choices, (body && body.topics) || prefs.topics),
          digest: body && typeof body.digest === 'boolean' ? body.digest : prefs.digest,
        })
        wx.showToast({ title: '已保存', icon: 'success' })
      },
      function (error) {
        page.setData({ saving: false })
        feedback.showError(error)
        // A topic withdrawn since the page loaded: the topics as they are now (the member's
        // unsaved choices among them are kept).
        if (error instanceof errors.ApiError && error.status === 422 && error.code === 'unknown_topic') {
          return page.reloadTopics(prefs.topics)
        }
        return null
      }
    )
  },

  // The server's topics again, with `checked` (keys) still checked where they remain.
  reloadTopics: function (checked) {
    var page = this
    return news.topics().then(
      function (body) {
        page.setData({ choices: newsView.topicChoices(body, { topics: checked }) })
      },
      function () {}
    )
  },
})
