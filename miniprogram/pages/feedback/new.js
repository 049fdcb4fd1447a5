// 我要反映: a member writes to the organisation (docs/feedback.md) — an 意见建议 or a 求助 to their
// own branch, or a 监督举报 about an org (picked from every org, GET /feedback/subject-orgs) to
// the discipline inspectors above it — named or anonymous, with up to 3 photos or PDFs (photos only
// when anonymous: a PDF names its author, and the server refuses it). ?kind= preselects the kind.
//
// The files are uploaded once the case exists (POST /feedback answers with it), one after another:
// a named case's by its id, an anonymous case's by its receipt (no case id in the URL). A file
// refused does not undo the case. A named case then opens in place of the form. An anonymous case
// keeps no link to its author: its receipt code (凭证码) is the only way to follow it, and the
// server shows it this once. So the page shows it large, with 复制凭证码 and the choice 保存在本机
// (off unless the member turns it on: the phone may be shared), and asks before leaving when the
// member did neither.

var feedback = require('../../services/feedback')
var view = require('../../utils/feedback-view')
var notices = require('../../utils/notices')
var adminText = require('../../utils/meeting-admin')
var modal = require('../../utils/modal')
var errors = require('../../api/errors')
var toasts = require('../../utils/feedback')
var files = require('./files')

var CASE_PAGE = '/pages/feedback/case'
var MINE_PAGE = '/pages/feedback/mine'

// Server field names → the keys of fieldErrors on this page.
var SERVER_FIELDS = {
  kind: 'kind',
  title: 'title',
  content: 'content',
  subject_org_id: 'subjectOrg',
  subject_name: 'subjectName',
}

function kindHint(kind) {
  for (var i = 0; i < view.KINDS.length; i += 1) {
    if (view.KINDS[i].value === kind) return view.KINDS[i].hint
  }
  return ''
}

Page({
  data: {
    kinds: view.KINDS,
    titleMax: view.TITLE_MAX,
    contentMax: view.CONTENT_MAX,
    subjectNameMax: view.SUBJECT_NAME_MAX,
    attachmentsMax: view.ATTACHMENTS_MAX,
    anonymousPoints: view.ANONYMOUS_POINTS,
    anonymousFilesNote: view.ANONYMOUS_FILES_NOTE,

    kind: '',
    kindHint: '',
    title: '',
    titleCount: 0,
    content: '',
    contentCount: 0,

    // The report's org: every org as a path, narrowed by what the member types.
    orgsLoading: false,
    orgsLoaded: false,
    orgsError: '',
    orgOptions: [], // view.orgOptions
    orgQuery: '',
    orgFiltered: [],
    subjectOrgId: 0,
    subjectOrgLabel: '',
    subjectName: '',

    anonymous: false,
    files: [], // [{ key, filePath, image, name }], uploaded after the case is sent

    fieldErrors: {},
    sending: false,
    progressText: '',

    // Once sent (anonymous): { title, reviewNote, receipt (as shown), saved, copied, failedCount,
    // messages }. The receipt as the server sent it stays off the page's data: this.receipt; the
    // case's id is not kept at all (nothing of an anonymous case is reached by it).
    result: null,
    uploading: false,
  },

  onLoad: function (query) {
    var kind = query && query.kind
    if (view.KIND_LABELS[kind]) return this.chooseKind({ currentTarget: { dataset: { kind: kind } } })
    return Promise.resolve()
  },

  // A kind chip. Choosing 监督举报 loads the orgs (once).
  chooseKind: function (event) {
    var kind = event.currentTarget.dataset.kind
    if (!view.KIND_LABELS[kind] || this.data.result) return Promise.resolve()
    this.setData({ kind: kind, kindHint: kindHint(kind), 'fieldErrors.kind': '' })
    if (kind === 'report' && !this.data.orgsLoaded && !this.data.orgsLoading) return this.loadOrgs()
    return Promise.resolve()
  },

  // GET /feedback/subject-orgs. Never rejects.
  loadOrgs: function () {
    var page = this
    page.setData({ orgsLoading: true, orgsError: '' })
    return feedback.subjectOrgs().then(
      function (body) {
        var options = view.orgOptions(body && body.items)
        page.setData({
          orgsLoading: false,
          orgsLoaded: true,
          orgOptions: options,
          orgFiltered: view.filterOrgOptions(options, page.data.orgQuery),
        })
      },
      function (error) {
        page.setData({ orgsLoading: false, orgsError: errors.userMessage(error) })
        toasts.leaveIfSignedOut(error)
      }
    )
  },

  onOrgQuery: function (event) {
    var query = event.detail.value
    this.setData({ orgQuery: query, orgFiltered: view.filterOrgOptions(this.data.orgOptions, query) })
  },

  pickOrg: function (event) {
    var option = this.data.orgFiltered[Number(event.detail.value)]
    if (!option) return
    this.setData({ subjectOrgId: option.id, subjectOrgLabel: option.label, 'fieldErrors.subjectOrg': '' })
  },

  onTitleInput: function (event) {
    var value = event.detail.value
    this.setData({ title: value, titleCount: notices.charCount(value.trim()), 'fieldErrors.title': '' })
  },

  onContentInput: function (event) {
    var value = event.detail.value
    this.setData({ content: value, contentCount: notices.charCount(value.trim()), 'fieldErrors.content': '' })
  },

  onSubjectNameInput: function (event) {
    this.setData({ subjectName: event.detail.value, 'fieldErrors.subjectName': '' })
  },

  // Anonymous takes photos only: PDFs chosen before are said at once by the files (the member
  // removes them or stays named), not dropped unasked.
  toggleAnonymous: function (event) {
    var anonymous = !!event.detail.value
    this.setData({ anonymous: anonymous, 'fieldErrors.files': view.filesError(anonymous, this.data.files) })
  },

  // 添加照片或 PDF (添加照片 when anonymous): as many as there is room for. Never rejects.
  addFiles: function () {
    var page = this
    var room = view.ATTACHMENTS_MAX - page.data.files.length
    if (page.choosing || page.data.sending || room <= 0) return Promise.resolve()
    page.choosing = true
    return files.choose(room, { picturesOnly: page.data.anonymous }).then(function (picked) {
      page.choosing = false
      if (picked.length) page.setData({ files: page.data.files.concat(picked).slice(0, view.ATTACHMENTS_MAX) })
    })
  },

  removeFile: function (event) {
    var key = event.currentTarget.dataset.key
    if (this.data.sending) return
    var kept = this.data.files.filter(function (item) {
      return item.key !== key
    })
    this.setData({ files: kept, 'fieldErrors.files': view.filesError(this.data.anonymous, kept) })
  },

  previewFile: function (event) {
    var key = event.currentTarget.dataset.key
    var item = this.data.files.filter(function (candidate) {
      return candidate.key === key
    })[0]
    if (item && item.image) wx.previewImage({ urls: [item.filePath], current: item.filePath })
  },

  // 提交: checked here, sent, then the files. Never rejects.
  submit: function () {
    var page = this
    var data = page.data
    if (data.sending || data.result) return Promise.resolve()
    var fieldErrors = view.validateCase(data)
    if (Object.keys(fieldErrors).length) {
      page.setData({ fieldErrors: fieldErrors })
      return Promise.resolve()
    }
    page.setData({ sending: true, fieldErrors: {}, progressText: '正在提交' })
    return feedback
      .create({
        kind: data.kind,
        anonymous: data.anonymous,
        title: data.title,
        content: data.content,
        subjectOrgId: data.subjectOrgId,
        subjectName: data.subjectName,
      })
      .then(
        function (body) {
          return page.sent(body || {})
        },
        function (error) {
          page.setData({ sending: false, progressText: '' })
          return page.showRefusal(error)
        }
      )
  },

  // The case exists: its files, then the receipt (anonymous) or the case (named).
  sent: function (body) {
    var page = this
    var created = body.case || {}
    var receipt = body.receipt || ''
    page.receipt = receipt
    var chosen = page.data.files
    var uploads = chosen.length
      ? files.uploadAll(receipt ? { receipt: receipt } : { id: created.id }, chosen, function (text) {
          page.setData({ progressText: text })
        })
      : Promise.resolve({ uploaded: 0, failed: [], messages: [], body: null, stopped: null, signedOut: null })
    return uploads.then(function (outcome) {
      page.setData({ sending: false, progressText: '' })
      if (!receipt) return page.openNamed(created.id, outcome)
      // Anonymous: whatever happened to the files (a lost session included, said in the
      // messages), the receipt is shown; this is the only time it can be. The case as last
      // answered (with the files that went) goes to the case page, which need not look it up.
      page.failedFiles = outcome.failed
      page.caseBody = outcome.body || created
      page.setData({
        result: {
          title: created.title || page.data.title.trim(),
          reviewNote: view.REVIEW_NOTES[created.review_status] || '',
          receipt: view.formatReceipt(receipt) || receipt,
          saved: false,
          copied: false,
          failedCount: outcome.failed.length,
          messages: outcome.messages,
        },
      })
      wx.showToast({ title: '已提交', icon: 'success' })
      return null
    })
  },

  // A named case opens in place of the form (going back from it returns where the member came
  // from, not to a form that would send it again); files that did not go are said first.
  openNamed: function (id, outcome) {
    var open = function () {
      wx.redirectTo({ url: CASE_PAGE + '?id=' + encodeURIComponent(String(id)) })
    }
    if (outcome.signedOut) {
      toasts.leaveIfSignedOut(outcome.signedOut)
      return null
    }
    if (!outcome.failed.length) {
      wx.showToast({ title: '已提交', icon: 'success' })
      open()
      return null
    }
    return modal
      .alert('反映已提交，部分附件未上传', outcome.messages.join('\n') + '\n可在反映详情中补充附件（当天、受理前）。')
      .then(open)
  },

  // A refused case. A text the content check flags is not refused (the case is held for review,
  // and the case says so); 422 no_handler (nobody above holds the post that would take it) and
  // other 422s without a field of this form are said in a dialog.
  showRefusal: function (error) {
    var page = this
    if (toasts.leaveIfSignedOut(error)) return null
    if (error instanceof errors.ApiError && error.status === 429) return modal.alert('暂时不能提交', error.message)
    var fieldErrors = adminText.fieldErrorsOf(error, SERVER_FIELDS)
    if (fieldErrors) {
      page.setData({ fieldErrors: fieldErrors })
      return null
    }
    if (error instanceof errors.ApiError && error.status === 422) return modal.alert('无法提交', error.message)
    toasts.showError(error)
    return null
  },

  // 复制凭证码.
  copyReceipt: function () {
    var page = this
    var result = page.data.result
    if (!result) return
    wx.setClipboardData({
      data: result.receipt,
      success: function () {
        page.setData({ 'result.copied': true })
      },
    })
  },

  // 保存在本机: on keeps the receipt in the phone's list (services/feedback.js RECEIPTS_KEY), off
  // takes it out again.
  toggleSave: function (event) {
    var result = this.data.result
    if (!result) return
    var on = !!event.detail.value
    if (!on) {
      feedback.removeReceipt(result.receipt)
      this.setData({ 'result.saved': false })
      return
    }
    if (!feedback.saveReceipt(result.receipt)) {
      wx.showToast({ title: '本机最多保存 ' + feedback.RECEIPTS_MAX + ' 个凭证码，请先移除不需要的', icon: 'none' })
      this.setData({ 'result.saved': false })
      return
    }
    this.setData({ 'result.saved': true })
  },

  // 重新上传: the files that did not go, once more. Never rejects.
  retryUploads: function () {
    var page = this
    var result = page.data.result
    var failed = page.failedFiles || []
    if (!result || page.data.uploading || !failed.length) return Promise.resolve()
    page.setData({ uploading: true })
    return files
      .uploadAll({ receipt: page.receipt }, failed, function (text) {
        page.setData({ progressText: text })
      })
      .then(function (outcome) {
        page.failedFiles = outcome.failed
        if (outcome.body) page.caseBody = outcome.body
        page.setData({
          uploading: false,
          progressText: '',
          'result.failedCount': outcome.failed.length,
          'result.messages': outcome.messages,
        })
        // A lost session is said in the messages, not followed to the login page: that would
        // take the receipt off the screen.
        if (!outcome.failed.length) wx.showToast({ title: '附件已上传', icon: 'success' })
      })
  },

  // 查看反映: the case page, with the receipt (and the case as last answered) handed over in memory
  // (never in its URL).
  openCase: function () {
    if (!this.data.result) return
    feedback.holdCase(this.receipt, this.caseBody || null)
    wx.redirectTo({ url: CASE_PAGE })
  },

  // 完成. A receipt neither copied nor kept is lost once the page closes: the member confirms.
  finish: function () {
    var page = this
    var result = page.data.result
    if (!result) return Promise.resolve()
    var ask =
      result.copied || result.saved
        ? Promise.resolve(true)
        : modal.confirm({
            title: '凭证码还没有保存',
            content: '离开后将不再显示凭证码，丢失后无法查看这件反映的办理情况。确定已经记下了吗？',
            confirmText: '已记下',
            cancelText: '返回',
          })
    return ask.then(function (confirmed) {
      if (confirmed) page.goBack()
    })
  },

  goBack: function () {
    var open = typeof getCurrentPages === 'function' ? getCurrentPages().length : 1
    if (open > 1) wx.navigateBack({ delta: 1 })
    else wx.redirectTo({ url: MINE_PAGE })
  },
})
