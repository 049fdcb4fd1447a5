// A meeting's photos and files (会议照片、材料) on the pages that list them (pages/meetings/detail
// and minutes): each as the template shows it, and opening one. Such a page keeps the list in
// data.attachments and data.opening (true while one opens). Opening works for any list of files
// downloaded with the session: the development record's materials (utils/development-materials.js)
// open the same way.

var feedback = require('./feedback')
var pagedList = require('./paged-list')

var IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp']

function sizeText(bytes) {
  var size = Number(bytes) || 0
  if (size >= 1024 * 1024) return (size / (1024 * 1024)).toFixed(1) + ' MB'
  if (size >= 1024) return Math.round(size / 1024) + ' KB'
  return size + ' B'
}

// An item of GET /meetings/{id}/attachments.
function view(attachment) {
  var type = attachment.content_type || ''
  return {
    id: attachment.id,
    name: attachment.caption || attachment.filename || '附件',
    filename: attachment.filename || '',
    sizeText: sizeText(attachment.size),
    image: IMAGE_TYPES.indexOf(type) !== -1,
    pdf: type === 'application/pdf',
  }
}

// The body of GET /meetings/{id}/attachments → data.attachments.
function viewAll(body) {
  return ((body && body.items) || []).map(view)
}

// The item `id` of a page's list of files: an image is previewed, a PDF or .docx opened; both
// are downloaded first with the session by `download(id)`, a service's wrapper of the content
// endpoint resolving with the temporary path (services/meetings.js downloadAttachment,
// services/development.js downloadMaterial). The items are views as view() makes them; one
// with a documentType (a .docx) is opened as that type. options, for a page that keeps its list
// elsewhere: list (the data key of the items, default 'attachments'), busy (the data key that is
// true while one opens, default 'opening'), onError(error) (default feedback.showError). Never
// rejects.
function open(page, id, download, options) {
  options = options || {}
  var listKey = options.list || 'attachments'
  var busyKey = options.busy || 'opening'
  var onError = options.onError || feedback.showError
  var items = page.data[listKey] || []
  var item = items[pagedList.indexOfId(items, id)]
  if (!item || page.data[busyKey]) return Promise.resolve()
  page.setData(busy(busyKey, true))
  wx.showLoading({ title: '正在打开' })
  return download(item.id)
    .then(
      function (path) {
        wx.hideLoading()
        if (item.image) wx.previewImage({ urls: [path], current: path })
        else wx.openDocument({ filePath: path, fileType: item.documentType || (item.pdf ? 'pdf' : undefined), showMenu: true })
      },
      function (error) {
        wx.hideLoading()
        onError(error)
      }
    )
    .then(function () {
      page.setData(busy(busyKey, false))
    })
}

function busy(key, value) {
  var data = {}
  data[key] = value
  return data
}

// Choosing files to upload. wx.showActionSheet (where the files come from: camera, album,
// chat) as a promise of the index tapped, -1 when closed.
function chooseAction(itemList) {
  return new Promise(function (resolve) {
    wx.showActionSheet({
      itemList: itemList,
      success: function (res) {
        resolve(res && typeof res.tapIndex === 'number' ? res.tapIndex : -1)
      },
      fail: function () {
        resolve(-1)
      },
    })
  })
}

// A picker that fails other than by the member closing it (no permission, no storage) says so
// (`title`, by default 无法选择文件); nothing was chosen either way.
function pickerFailed(err, title) {
  if (!/cancel/.test((err && err.errMsg) || '')) wx.showToast({ title: title || '无法选择文件', icon: 'none' })
  return []
}

module.exports = {
  view: view,
  viewAll: viewAll,
  open: open,
  chooseAction: chooseAction,
  pickerFailed: pickerFailed,
}
