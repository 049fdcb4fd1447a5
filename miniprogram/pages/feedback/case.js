// 反映详情, the submitter's view of one case: what was sent, where it went, its status and
// deadlines, the handlers' replies (each with its day), and the attachments. A named case opens
// with ?id= and is reached by its id (/feedback/mine/{id}: read, rate, reopen, attach, open an
// attachment); an anonymous one with its receipt handed over in memory by the page that opened it
// (services/feedback.js holdCase), never in the URL, and is reached by the receipt alone
// (/feedback/lookup and /feedback/receipt/*: no URL holds its id). The receipt is shown with 复制
// and 保存在本机.
//
// Once answered the submitter may rate it once (1–5 stars and a comment) and reopen it once, with
// a reason (asked to confirm: there is no second time). While it waits to be accepted, on the day
// it was sent, up to 3 attachments may be added: pictures only to an anonymous case. The author of
// an anonymous case cannot open its attachments (nothing serves them by receipt): their names and
// sizes are listed.

var feedback = require('../../services/feedback')
var view = require('../../utils/feedback-view')
var notices = require('../../utils/notices')
var attachments = require('../../utils/attachments')
var modal = require('../../utils/modal')
var ids = require('../../utils/ids')
var toasts = require('../../utils/feedback')
var files = require('./files')
var casePage = require('./case-page')

var NO_RECEIPT_TEXT = '请在「我的反映」中输入凭证码查询匿名反映'
var NOT_FOUND_TEXT = '反映不存在或无权查看'

// Server field names → the keys of this page's field errors.
var SERVER_FIELDS = { score: 'ratingError', comment: 'ratingError', reason: 'reasonError' }

Page({
  data: {
    commentMax: view.COMMENT_MAX,
    reasonMax: view.REASON_MAX,

    id: 0, // a named case's id; 0 for one opened by its receipt
    receipt: '', // an anonymous case's receipt, as shown
    saved: false,
    loading: true,
    loadError: '',
    notFound: false,
    notFoundText: NOT_FOUND_TEXT,
    item: null, // view.viewCase
    attachments: [], // the case's, as utils/attachments.js open() takes them
    opening: false,
    canOpenAttachments: true, // false for an anonymous case: listed, not opened
    anonymousAttachmentsNote: view.ANONYMOUS_ATTACHMENTS_NOTE,
    anonymousFilesNote: view.ANONYMOUS_FILES_NOTE,
    canAdd: false,
    uploadText: '',

    score: 0,
    stars: view.stars(0),
    comment: '',
    commentCount: 0,
    ratingError: '',

    reopenOpen: false,
    reason: '',
    reasonCount: 0,
    reasonError: '',

    busy: '', // 'rate' | 'reopen' | 'upload' while one is under way
  },

  onLoad: function (query) {
    var id = ids.positiveId(query && query.id)
    if (id) {
      this.setData({ id: id })
      return this.load()
    }
    var held = feedback.takeHeldCase()
    if (!held || !held.receipt) {
      this.setData({ loading: false, loadError: NO_RECEIPT_TEXT })
      return Promise.resolve()
    }
    // The receipt as the server knows it goes with each request; the page shows it grouped.
    this.receipt = held.receipt
    var shown = view.formatReceipt(held.receipt) || held.receipt
    this.setData({ receipt: shown, saved: feedback.isReceiptSaved(shown), canOpenAttachments: false })
    if (held.body) {
      this.apply(held.body)
      this.setData({ loading: false })
      return Promise.resolve()
    }
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The case again: by its id, or by its receipt. Never rejects.
  load: function () {
    if (this.data.id) return casePage.load(this, feedback.mineCase(this.data.id))
    if (this.receipt) return casePage.load(this, feedback.lookup(this.receipt))
    return Promise.resolve()
  },

  apply: function (body) {
    var item = view.viewCase(body, Date.now())
    this.setData({
      item: item,
      attachments: item.attachments,
      canAdd: view.canAddAttachments(item, Date.now()),
    })
  },

  copyReceipt: function () {
    var receipt = this.data.receipt
    if (!receipt) return
    wx.setClipboardData({ data: receipt })
  },

  // 保存在本机 on or off (services/feedback.js keeps the codes only).
  toggleSave: function (event) {
    var receipt = this.data.receipt
    if (!receipt) return
    if (!event.detail.value) {
      feedback.removeReceipt(receipt)
      this.setData({ saved: false })
      return
    }
    var kept = feedback.saveReceipt(receipt)
    if (!kept) wx.showToast({ title: '本机最多保存 ' + feedback.RECEIPTS_MAX + ' 个凭证码，请先移除不需要的', icon: 'none' })
    this.setData({ saved: kept })
  },

  // A named case's attachment, downloaded with the session. An anonymous case's cannot be opened
  // by its author (the template offers no tap; nothing serves them by receipt).
  openAttachment: function (event) {
    var page = this
    var caseId = page.data.id
    if (!caseId || page.receipt) return Promise.resolve()
    return attachments.open(page, event.currentTarget.dataset.id, function (attachmentId) {
      return feedback.downloadMine(caseId, attachmentId)
    })
  },

  // Where this case's files and acts go: its receipt (anonymous) or its id (named).
  uploadTarget: function () {
    return this.receipt ? { receipt: this.receipt } : { id: this.data.id }
  },

  // 补充附件, while the case waits to be accepted on the day it was sent: pictures only for an
  // anonymous case. Each upload answers with the whole case, which the page then shows; a refusal
  // of them all (the case accepted meanwhile, 409) shows the case afresh. Never rejects.
  addAttachments: function () {
    var page = this
    var item = page.data.item
    if (!item || !page.data.canAdd || page.data.busy || page.choosing) return Promise.resolve()
    page.choosing = true
    return files
      .choose(view.ATTACHMENTS_MAX - page.data.attachments.length, { picturesOnly: !!page.receipt })
      .then(function (picked) {
        page.choosing = false
        if (!picked.length) return null
        page.setData({ busy: 'upload' })
        return files
          .uploadAll(page.uploadTarget(), picked, function (text) {
            page.setData({ uploadText: text })
          })
          .then(function (outcome) {
            page.setData({ busy: '', uploadText: '' })
            if (outcome.signedOut) {
              toasts.leaveIfSignedOut(outcome.signedOut)
              return null
            }
            if (outcome.body) page.apply(outcome.body)
            if (outcome.failed.length) {
              modal.alert(outcome.uploaded ? '部分附件未上传' : '上传失败', outcome.messages.join('\n'))
            } else {
              wx.showToast({ title: '附件已上传', icon: 'success' })
            }
            return outcome.stopped ? page.load() : null
          })
      })
  },

  // A star: data-score 1–5.
  pickScore: function (event) {
    var score = Number(event.currentTarget.dataset.score)
    if (!(score >= 1 && score <= 5)) return
    this.setData({ score: score, stars: view.stars(score), ratingError: '' })
  },

  onCommentInput: function (event) {
    var value = event.detail.value
    this.setData({ comment: value, commentCount: notices.charCount(value.trim()), ratingError: '' })
  },

  // 提交评价. Never rejects.
  rate: function () {
    var page = this
    var data = page.data
    if (!data.item || !data.item.canRate || data.busy) return Promise.resolve()
    if (!(data.score >= 1 && data.score <= 5)) {
      page.setData({ ratingError: '请选择评分（1–5 星）' })
      return Promise.resolve()
    }
    if (data.commentCount > view.COMMENT_MAX) {
      page.setData({ ratingError: '评价不能超过 ' + view.COMMENT_MAX + ' 个字' })
      return Promise.resolve()
    }
    page.setData({ busy: 'rate', ratingError: '' })
    var rating = { score: data.score, comment: data.comment }
    var request = page.receipt ? feedback.rateByReceipt(page.receipt, rating) : feedback.rateMine(data.id, rating)
    return request.then(
      function (body) {
        page.apply(body)
        page.setData({ busy: '' })
        wx.showToast({ title: '感谢你的评价', icon: 'success' })
      },
      function (error) {
        page.setData({ busy: '' })
        return casePage.showRefusal(page, error, { what: '评价', field: 'ratingError', serverFields: SERVER_FIELDS })
      }
    )
  },

  toggleReopen: function () {
    if (!this.data.item || !this.data.item.canReopen) return
    this.setData({ reopenOpen: !this.data.reopenOpen, reasonError: '' })
  },

  onReasonInput: function (event) {
    var value = event.detail.value
    this.setData({ reason: value, reasonCount: notices.charCount(value.trim()), reasonError: '' })
  },

  // 申请重新办理, once confirmed: there is one per case. Never rejects.
  reopen: function () {
    var page = this
    var data = page.data
    if (!data.item || !data.item.canReopen || data.busy) return Promise.resolve()
    var problem = view.lengthError(data.reason.trim(), view.REASON_MAX, '请填写申请重新办理的理由', '理由')
    if (problem) {
      page.setData({ reasonError: problem })
      return Promise.resolve()
    }
    page.setData({ busy: 'reopen', reasonError: '' })
    return modal
      .confirm({
        title: '申请重新办理',
        content: '每件反映只能申请重新办理一次，申请后将重新办理并重新计算答复期限。确定申请吗？',
        confirmText: '申请',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        var request = page.receipt ? feedback.reopenByReceipt(page.receipt, data.reason) : feedback.reopenMine(data.id, data.reason)
        return request.then(
          function (body) {
            page.apply(body)
            page.setData({ reopenOpen: false, reason: '', reasonCount: 0 })
            wx.showToast({ title: '已申请重新办理', icon: 'none' })
          },
          function (error) {
            return casePage.showRefusal(page, error, { what: '申请重新办理', field: 'reasonError', serverFields: SERVER_FIELDS })
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },
})
