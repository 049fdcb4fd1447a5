// The materials card (材料) of a development record, which the applicant's page
// (pages/development/me) and the record (pages/development/detail) both mix into their Page():
// the list, opening one (utils/attachments.js, downloaded with services/development.js
// downloadMaterial), 上传材料 (the kind, an optional title, one file from a WeChat chat) and 删除.
// The endpoints are services/development.js's.

var development = require('../services/development')
var errors = require('../api/errors')
var attachments = require('./attachments')
var developmentView = require('./development-view')
var feedback = require('./feedback')
var modal = require('./modal')
var pagedList = require('./paged-list')

// The kinds of docs/development.md (server/development/models.py MATERIAL_KINDS), in its order.
var MATERIAL_KINDS = [
  { value: 'application', label: '入党申请书' },
  { value: 'thought_report', label: '思想汇报' },
  { value: 'conversion_application', label: '转正申请书' },
  { value: 'talk_record', label: '谈话记录' },
  { value: 'assessment', label: '考察登记' },
  { value: 'review', label: '政审材料' },
  { value: 'certificate', label: '培训结业证明' },
  { value: 'volunteer_form', label: '入党志愿书' },
  { value: 'minutes', label: '会议记录' },
  { value: 'other', label: '其他材料' },
]
// What the applicant may upload to their own record; managers upload any kind.
var APPLICANT_MATERIAL_KINDS = MATERIAL_KINDS.filter(function (kind) {
  return ['application', 'thought_report', 'conversion_application', 'other'].indexOf(kind.value) !== -1
})
// What the server takes (it checks the content); wx.chooseMessageFile filters the chat's files by it.
var MATERIAL_EXTENSIONS = ['pdf', 'docx', 'jpg', 'jpeg', 'png']
// The server's limit on a title.
var MATERIAL_TITLE_MAX = 100

function materialKindLabel(kind) {
  var found = MATERIAL_KINDS.filter(function (item) {
    return item.value === kind
  })[0]
  return found ? found.label : ''
}

// One material as the card shows it: the name, size and image/PDF of utils/attachments.js, with
// the kind, who uploaded it and when, and the type wx.openDocument is told.
function viewMaterial(material, now) {
  var file = attachments.view({
    id: material.id,
    caption: material.title,
    filename: material.filename,
    size: material.size,
    content_type: material.content_type,
  })
  var extension = (/\.([A-Za-z0-9]+)$/.exec(material.filename || '') || [])[1] || ''
  extension = extension.toLowerCase()
  return Object.assign(file, {
    kind: material.kind || '',
    kindLabel: material.kind_label || materialKindLabel(material.kind) || '材料',
    note: material.note || '',
    uploadedText: developmentView.byText(material.uploaded_by, material.uploaded_at, now),
    documentType: file.pdf ? 'pdf' : extension === 'docx' ? 'docx' : '',
    canDelete: !!material.can_delete,
  })
}

// The title of a file chosen without one typed: its name in the chat without the extension (the
// upload itself carries only the temporary file's name), cut at a whole character.
function titleOfFile(name) {
  var text = String(name || '')
    .trim()
    .replace(/\.(pdf|docx|jpe?g|png)$/i, '')
  if (text.length <= MATERIAL_TITLE_MAX) return text
  return text.slice(0, MATERIAL_TITLE_MAX).replace(/[\uD800-\uDBFF]$/, '')
}

// The card's fields in a page's data.
function materialsData() {
  return {
    materials: [],
    materialsLoaded: false,
    materialsError: '',
    // Set by the page with its record: who may upload here, and which kinds.
    canUploadMaterial: false,
    materialKinds: [],
    // The upload form while open: { kindIndex (of materialKinds, -1 none yet), title, error }.
    materialForm: null,
    uploadingMaterial: false,
    removingMaterialId: '',
    openingMaterial: false,
  }
}

// A failure the member must read: the server's message in a modal (or the way to log in again).
function alertMaterialError(title, error) {
  if (feedback.leaveIfSignedOut(error)) return
  modal.alert(title, errors.userMessage(error))
}

// One file from a WeChat chat: { path, name }, or null when none was chosen.
function chooseMaterialFile() {
  return new Promise(function (resolve) {
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      extension: MATERIAL_EXTENSIONS,
      success: function (res) {
        resolve(((res && res.tempFiles) || [])[0] || null)
      },
      fail: function (err) {
        attachments.pickerFailed(err)
        resolve(null)
      },
    })
  })
}

// The card's methods, mixed into the Page() of pages/development/me and detail. Both keep the
// record in data.record (its id names the materials) and call loadMaterials() when it loads.
var materialMethods = {
  // The list; a failure is said in the card, with 重试. Never rejects.
  loadMaterials: function () {
    var page = this
    var record = page.data.record
    if (!record) return Promise.resolve()
    return development.materials(record.id).then(
      function (body) {
        var now = Date.now()
        var items = ((body && body.items) || []).map(function (material) {
          return viewMaterial(material, now)
        })
        page.setData({ materials: items, materialsLoaded: true, materialsError: '' })
      },
      function (error) {
        page.setData({ materialsLoaded: true, materialsError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // An image is previewed, a PDF or .docx opened; downloaded first, with the session. A failure
  // is said in a modal. Never rejects.
  openMaterial: function (event) {
    return attachments.open(this, event.currentTarget.dataset.id, development.downloadMaterial, {
      list: 'materials',
      busy: 'openingMaterial',
      onError: function (error) {
        alertMaterialError('无法打开', error)
      },
    })
  },

  // 上传材料: the form with the kind and an optional title.
  startMaterialUpload: function () {
    if (!this.data.canUploadMaterial) return
    this.setData({ materialForm: { kindIndex: -1, title: '', error: '' } })
  },

  cancelMaterialUpload: function () {
    if (this.data.uploadingMaterial) return
    this.setData({ materialForm: null })
  },

  pickMaterialKind: function (event) {
    this.setData({ 'materialForm.kindIndex': Number(event.detail.value), 'materialForm.error': '' })
  },

  inputMaterialTitle: function (event) {
    this.setData({ 'materialForm.title': event.detail.value })
  },

  // 选择文件并上传: the kind must be chosen; then one file from a chat, uploaded, and the list
  // again. A refusal (too large, not an allowed type, empty ...) is the server's message in a
  // modal, and the form stays for another file. Never rejects.
  submitMaterial: function () {
    var page = this
    var form = page.data.materialForm
    if (!form || page.data.uploadingMaterial || page.choosingMaterial) return Promise.resolve()
    var kind = page.data.materialKinds[form.kindIndex]
    if (!kind) {
      page.setData({ 'materialForm.error': '请选择材料类别' })
      return Promise.resolve()
    }
    page.choosingMaterial = true
    return chooseMaterialFile().then(function (file) {
      page.choosingMaterial = false
      if (!file) return null
      var title = String(form.title || '').trim() || titleOfFile(file.name)
      page.setData({ uploadingMaterial: true })
      return development.uploadMaterial(page.data.record.id, file.path, { kind: kind.value, title: title })
        .then(
          function () {
            page.setData({ uploadingMaterial: false, materialForm: null })
            wx.showToast({ title: '上传成功', icon: 'success' })
            return page.loadMaterials()
          },
          function (error) {
            page.setData({ uploadingMaterial: false })
            alertMaterialError('上传失败', error)
          }
        )
    })
  },

  // 删除 one material the server says the caller may delete, after a confirmation.
  removeMaterial: function (event) {
    var page = this
    var material = page.data.materials[pagedList.indexOfId(page.data.materials, event.currentTarget.dataset.id)]
    if (!material || !material.canDelete || page.data.removingMaterialId !== '') return Promise.resolve()
    page.setData({ removingMaterialId: String(material.id) })
    return modal
      .confirm({
        title: '删除材料',
        content: '确定删除“' + material.name + '”吗？删除后不能恢复。',
        confirmText: '删除',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return development.deleteMaterial(material.id).then(
          function () {
            wx.showToast({ title: '已删除', icon: 'success' })
            return page.loadMaterials()
          },
          function (error) {
            alertMaterialError('删除失败', error)
            // Deleted meanwhile (404): the list as it is now.
            if (error instanceof errors.ApiError && error.status === 404) return page.loadMaterials()
            return null
          }
        )
      })
      .then(function () {
        page.setData({ removingMaterialId: '' })
      })
  },
}

module.exports = {
  MATERIAL_KINDS: MATERIAL_KINDS,
  APPLICANT_MATERIAL_KINDS: APPLICANT_MATERIAL_KINDS,
  MATERIAL_EXTENSIONS: MATERIAL_EXTENSIONS,
  viewMaterial: viewMaterial,
  titleOfFile: titleOfFile,
  materialsData: materialsData,
  materialMethods: materialMethods,
}
