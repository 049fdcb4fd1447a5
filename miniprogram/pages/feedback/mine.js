// 我的反映: what the member wrote to the organisation. Named cases come from the server (GET
// /feedback/mine, newest first, a page at a time). Anonymous cases are known to nobody, the server
// included, except by their receipt code (凭证码): those the member kept on this phone are each
// looked up (POST /feedback/lookup), and any other can be looked up by typing its code. A kept
// receipt can be taken off the phone again.
//
// An anonymous case opens with its receipt handed over in memory (services/feedback.js holdCase),
// never in the page's URL.

var feedback = require('../../services/feedback')
var view = require('../../utils/feedback-view')
var pagedList = require('../../utils/paged-list')
var adminText = require('../../utils/meeting-admin')
var modal = require('../../utils/modal')
var errors = require('../../api/errors')
var toasts = require('../../utils/feedback')

var CASE_PAGE = '/pages/feedback/case'
var NEW_PAGE = '/pages/feedback/new'

var NOT_FOUND_TEXT = '没有找到这个凭证码对应的反映，请核对后重试'

var list = pagedList.create({
  fetch: function (page) {
    return feedback.mine(page)
  },
  viewItem: view.viewListItem,
})

// A 422 validation_error's word on the receipt (not 16 letters and digits), else the error's
// message.
function receiptMessage(error) {
  var fieldErrors = adminText.fieldErrorsOf(error, { receipt: 'receipt' })
  return (fieldErrors && fieldErrors.receipt) || errors.userMessage(error)
}

// What a kept receipt's lookup failing means for its row.
function savedError(error) {
  if (error instanceof errors.ApiError && error.status === 404) return '未找到对应的反映'
  return receiptMessage(error)
}

Page(
  pagedList.listPage(list, {
    data: pagedList.initialData({
      saved: [], // [{ receipt, loading, error, item (view.viewListItem) }]
      lookupText: '',
      lookupError: '',
      lookingUp: false,
    }),

    onLoad: function () {
      return Promise.all([this.refresh(), this.loadSaved()])
    },

    // Back from a case rated or reopened, or from a new one: the lists are out of date.
    onShow: function () {
      if (this.seenChanges !== undefined && feedback.changeCount() !== this.seenChanges) {
        return Promise.all([this.refresh(), this.loadSaved()])
      }
      return Promise.resolve()
    },

    onPullDownRefresh: function () {
      return Promise.all([this.refresh(), this.loadSaved()]).then(function () {
        wx.stopPullDownRefresh()
      })
    },

    refresh: function () {
      // This load is as fresh as any change so far; onShow need not load again for it.
      this.seenChanges = feedback.changeCount()
      return list.refresh(this)
    },

    // The receipts kept on this phone, each looked up in turn (one at a time: the server limits
    // lookups per session, and a 429 stops the rest rather than spend more). Never rejects.
    loadSaved: function () {
      var page = this
      var receipts = feedback.savedReceipts()
      page.savedGeneration = (page.savedGeneration || 0) + 1
      var generation = page.savedGeneration
      page.savedBodies = {}
      page.setData({
        saved: receipts.map(function (receipt) {
          return { receipt: receipt, loading: true, error: '', item: null }
        }),
      })
      var stopped = ''
      var chain = Promise.resolve()
      receipts.forEach(function (receipt, index) {
        chain = chain.then(function () {
          if (generation !== page.savedGeneration) return null
          var key = 'saved[' + index + ']'
          var update = {}
          if (stopped) {
            update[key + '.loading'] = false
            update[key + '.error'] = stopped
            page.setData(update)
            return null
          }
          return feedback.lookup(receipt).then(
            function (body) {
              if (generation !== page.savedGeneration) return
              page.savedBodies[receipt] = body
              update[key + '.loading'] = false
              update[key + '.item'] = view.viewListItem(body, Date.now())
              page.setData(update)
            },
            function (error) {
              if (generation !== page.savedGeneration) return
              if (error instanceof errors.AuthError) {
                stopped = error.message
                toasts.leaveIfSignedOut(error)
              } else if (error instanceof errors.ApiError && error.status === 429) {
                stopped = error.message
              }
              update[key + '.loading'] = false
              update[key + '.error'] = savedError(error)
              page.setData(update)
            }
          )
        })
      })
      return chain
    },

    onLookupInput: function (event) {
      this.setData({ lookupText: event.detail.value, lookupError: '' })
    },

    // 查询: a typed receipt, tidied (upper case, no spaces or dashes) and checked, then looked up.
    // Never rejects.
    lookup: function () {
      var page = this
      if (page.data.lookingUp) return Promise.resolve()
      var problem = view.receiptError(page.data.lookupText)
      if (problem) {
        page.setData({ lookupError: problem })
        return Promise.resolve()
      }
      var receipt = view.formatReceipt(page.data.lookupText)
      page.setData({ lookingUp: true, lookupError: '', lookupText: receipt })
      return feedback.lookup(receipt).then(
        function (body) {
          page.setData({ lookingUp: false, lookupText: '' })
          feedback.holdCase(receipt, body)
          wx.navigateTo({ url: CASE_PAGE })
        },
        function (error) {
          page.setData({ lookingUp: false })
          if (toasts.leaveIfSignedOut(error)) return
          if (error instanceof errors.ApiError && error.status === 404) {
            page.setData({ lookupError: NOT_FOUND_TEXT })
            return
          }
          if (error instanceof errors.ApiError && (error.status === 429 || error.status === 422 || error.status === 403)) {
            page.setData({ lookupError: receiptMessage(error) })
            return
          }
          toasts.showError(error)
        }
      )
    },

    // A kept receipt's case. One whose lookup failed is tried again by the case page.
    openSaved: function (event) {
      var receipt = event.currentTarget.dataset.receipt
      if (!receipt || feedback.savedReceipts().indexOf(receipt) === -1) return
      feedback.holdCase(receipt, (this.savedBodies && this.savedBodies[receipt]) || null)
      wx.navigateTo({ url: CASE_PAGE })
    },

    // 移除: the receipt off this phone, once confirmed. Never rejects.
    removeSaved: function (event) {
      var page = this
      var receipt = event.currentTarget.dataset.receipt
      if (!receipt) return Promise.resolve()
      return modal
        .confirm({
          title: '从本机移除凭证码',
          content: '移除后，只能凭你另外记下的凭证码查询这件反映。确定移除吗？',
          confirmText: '移除',
          confirmColor: '#c8161d',
        })
        .then(function (confirmed) {
          if (!confirmed) return
          feedback.removeReceipt(receipt)
          page.setData({
            saved: page.data.saved.filter(function (entry) {
              return entry.receipt !== receipt
            }),
          })
        })
    },

    openItem: function (event) {
      var id = event.currentTarget.dataset.id
      if (id === undefined || id === null || id === '') return
      wx.navigateTo({ url: CASE_PAGE + '?id=' + encodeURIComponent(String(id)) })
    },

    openNew: function () {
      wx.navigateTo({ url: NEW_PAGE })
    },
  })
)
