// A meeting's photos and files (会议照片、材料) on the pages that list them (pages/meetings/detail
// and minutes): each as the template shows it, and opening one. Such a page keeps the list in
// data.attachments and data.opening (true while one opens).

var meetings = require('../services/meetings')
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

// The attachment `id` of the page's list: an image is previewed, a PDF opened; both are
// downloaded first (with the session). Never rejects.
function open(page, id) {
  var attachment = page.data.attachments[pagedList.indexOfId(page.data.attachments, id)]
  if (!attachment || page.data.opening) return Promise.resolve()
  page.setData({ opening: true })
  wx.showLoading({ title: '正在打开' })
  return meetings
    .downloadAttachment(attachment.id)
    .then(
      function (path) {
        wx.hideLoading()
        if (attachment.image) wx.previewImage({ urls: [path], current: path })
        else wx.openDocument({ filePath: path, fileType: attachment.pdf ? 'pdf' : undefined, showMenu: true })
      },
      function (error) {
        wx.hideLoading()
        feedback.showError(error)
      }
    )
    .then(function () {
      page.setData({ opening: false })
    })
}

module.exports = {
  view: view,
  viewAll: viewAll,
  open: open,
}
