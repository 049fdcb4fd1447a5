// 反映办理 of one case (?id=), the handler's view (GET /feedback/cases/{id}, audited by the server):
// what was sent, by whom (匿名 for an anonymous case: the server does not know either), about what
// (a report's org and person), the attachments (downloaded with the session), the replies, why the
// submitter asked for it again, and the events (the handlers' accept, reply and close, each with
// its time and who); then what the status allows: 受理 (submitted), 答复 and 办结 (accepted or
// replied; 办结 sends the text as a last reply when one is typed, and needs one reply at least).
// Two handlers at once: the second gets 409 wrong_status, is told, and sees the case as it is now.
// A reply the content check flags is refused (422 content_flagged) with the words it found, to be
// rewritten. An auditor reads but may not act (403 forbidden, said in a dialog).

var feedback = require('../../services/feedback')
var view = require('../../utils/feedback-view')
var notices = require('../../utils/notices')
var attachments = require('../../utils/attachments')
var modal = require('../../utils/modal')
var ids = require('../../utils/ids')
var casePage = require('./case-page')

var NOT_FOUND_TEXT = '反映不存在，或不由你办理'

// A refusal of an act names the act; a 422 on the reply's text is said under it.
function refusal(what) {
  return { what: what, field: 'replyError', serverFields: { content: 'replyError' } }
}

Page({
  data: {
    replyMax: view.REPLY_MAX,
    notFoundText: NOT_FOUND_TEXT,

    id: 0,
    loading: true,
    loadError: '',
    notFound: false,
    item: null, // view.viewHandlerCase
    attachments: [],
    opening: false,

    reply: '',
    replyCount: 0,
    replyError: '',
    busy: '', // 'accept' | 'reply' | 'close' while one is under way
  },

  onLoad: function (query) {
    var id = ids.positiveId(query && query.id)
    if (!id) {
      this.setData({ loading: false, loadError: '缺少要办理的反映' })
      return Promise.resolve()
    }
    this.setData({ id: id })
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Never rejects.
  load: function () {
    if (!this.data.id) return Promise.resolve()
    return casePage.load(this, feedback.handlerCase(this.data.id))
  },

  apply: function (body) {
    var item = view.viewHandlerCase(body, Date.now())
    this.setData({ item: item, attachments: item.attachments })
  },

  openAttachment: function (event) {
    var id = this.data.id
    return attachments.open(this, event.currentTarget.dataset.id, function (attachmentId) {
      return feedback.downloadHandled(id, attachmentId)
    })
  },

  onReplyInput: function (event) {
    var value = event.detail.value
    this.setData({ reply: value, replyCount: notices.charCount(value.trim()), replyError: '' })
  },

  // 受理. Never rejects.
  accept: function () {
    var page = this
    if (!page.data.item || !page.data.item.canAccept || page.data.busy) return Promise.resolve()
    page.setData({ busy: 'accept' })
    return feedback.accept(page.data.id).then(
      function (body) {
        page.apply(body)
        page.setData({ busy: '' })
        wx.showToast({ title: '已受理', icon: 'success' })
      },
      function (error) {
        page.setData({ busy: '' })
        return casePage.showRefusal(page, error, refusal('受理'))
      }
    )
  },

  // 发送答复. Never rejects.
  sendReply: function () {
    var page = this
    var data = page.data
    if (!data.item || !data.item.canReply || data.busy) return Promise.resolve()
    var problem = view.lengthError(data.reply.trim(), view.REPLY_MAX, '请填写答复内容', '答复')
    if (problem) {
      page.setData({ replyError: problem })
      return Promise.resolve()
    }
    page.setData({ busy: 'reply', replyError: '' })
    return feedback.reply(data.id, data.reply).then(
      function (body) {
        page.apply(body)
        page.setData({ busy: '', reply: '', replyCount: 0 })
        wx.showToast({ title: '已答复', icon: 'success' })
      },
      function (error) {
        page.setData({ busy: '' })
        return casePage.showRefusal(page, error, refusal('答复'))
      }
    )
  },

  // 办结, with the typed text as the last reply (if any), once confirmed. Never rejects.
  close: function () {
    var page = this
    var data = page.data
    if (!data.item || !data.item.canClose || data.busy) return Promise.resolve()
    if (data.replyCount > view.REPLY_MAX) {
      page.setData({ replyError: '答复不能超过 ' + view.REPLY_MAX + ' 个字' })
      return Promise.resolve()
    }
    if (!data.replyCount && !data.item.replies.length) {
      page.setData({ replyError: '办结前须至少答复一次，请填写答复内容' })
      return Promise.resolve()
    }
    page.setData({ busy: 'close', replyError: '' })
    return modal
      .confirm({
        title: '办结',
        content: data.replyCount
          ? '将发送填写的答复并办结，办结后不能再答复。确定办结吗？'
          : '办结后不能再答复，提交人可以评价，也可以申请重新办理一次。确定办结吗？',
        confirmText: '办结',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return feedback.close(data.id, data.reply).then(
          function (body) {
            page.apply(body)
            page.setData({ reply: '', replyCount: 0 })
            wx.showToast({ title: '已办结', icon: 'success' })
          },
          function (error) {
            return casePage.showRefusal(page, error, refusal('办结'))
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },
})
