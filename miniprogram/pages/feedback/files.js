// The attachments a submitter adds to a case (pages/feedback/new before sending, pages/feedback/case
// while it waits to be accepted): photos from the camera or the album, or (a named case only) PDFs
// from a WeChat chat, at most utils/feedback-view.js ATTACHMENTS_MAX in all; uploaded one after
// another once the case exists: a named case's by its id (services/feedback.js uploadMine), an
// anonymous case's by its receipt (uploadByReceipt, no case id in the URL). Not a page: the two
// pages share it, as the study pages share study.wxss.

var feedback = require('../../services/feedback')
var attachments = require('../../utils/attachments')
var errors = require('../../api/errors')

var SOURCES = ['拍照或从相册选择照片', '从微信聊天选择 PDF 文件']

// Refusals of one file; the files after it may still go. Anything else (the case accepted
// meanwhile, the limit reached, the case or receipt not found, the network) would refuse every
// file left, so the upload stops.
var FILE_ERROR_CODES = ['file_too_large', 'image_too_large', 'file_type_not_allowed', 'file_empty', 'file_invalid']
var FILE_ERROR_STATUSES = [413, 415]

var nextKey = 0

function file(filePath, image, name) {
  nextKey += 1
  return { key: 'file-' + nextKey, filePath: filePath, image: image, name: name }
}

// Photos, compressed by WeChat (which also keeps the original's place and time out of them).
function choosePhotos(count) {
  return new Promise(function (resolve) {
    wx.chooseMedia({
      count: count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: function (res) {
        resolve(
          ((res && res.tempFiles) || []).map(function (picked, index) {
            return file(picked.tempFilePath, true, '照片 ' + (index + 1))
          })
        )
      },
      fail: function (err) {
        resolve(attachments.pickerFailed(err))
      },
    })
  })
}

function choosePdfs(count) {
  return new Promise(function (resolve) {
    wx.chooseMessageFile({
      count: count,
      type: 'file',
      extension: ['pdf'],
      success: function (res) {
        resolve(
          ((res && res.tempFiles) || []).map(function (picked) {
            return file(picked.path, false, picked.name || 'PDF 文件')
          })
        )
      },
      fail: function (err) {
        resolve(attachments.pickerFailed(err))
      },
    })
  })
}

// Up to `room` files: the source asked first. Resolves with [{ key, filePath, image, name }]
// (none when the member closed a picker), never more than `room`. options.picturesOnly (an
// anonymous case: the server takes no PDF, whose metadata names its author; the page says so):
// straight to the photos, no source to choose.
function choose(room, options) {
  if (!(room > 0)) return Promise.resolve([])
  if (options && options.picturesOnly) {
    return choosePhotos(room).then(function (files) {
      return files.slice(0, room)
    })
  }
  return attachments.chooseAction(SOURCES).then(function (index) {
    var picked = index === 0 ? choosePhotos(room) : index === 1 ? choosePdfs(room) : Promise.resolve([])
    return picked.then(function (files) {
      return files.slice(0, room)
    })
  })
}

// A 422 about the file itself (validation_error on `file`) refuses that file only; one about the
// receipt refuses them all.
function isFileError(error) {
  if (!(error instanceof errors.ApiError)) return false
  if (FILE_ERROR_CODES.indexOf(error.code) !== -1 || FILE_ERROR_STATUSES.indexOf(error.status) !== -1) return true
  return error.status === 422 && error.code === 'validation_error' && !!(error.errors && error.errors.file)
}

// Where a case's files go: { id } for a named case, { receipt } for an anonymous one (then the
// id, if given, is not used: the receipt endpoint takes no id).
function uploader(target) {
  if (target && target.receipt) {
    return function (filePath) {
      return feedback.uploadByReceipt(target.receipt, filePath)
    }
  }
  return function (filePath) {
    return feedback.uploadMine(target && target.id, filePath)
  }
}

// Each file in turn to the case of `target` (see uploader); onProgress(text) tells the page
// ('正在上传附件 2/3'). Resolves with { uploaded, failed: [the files not uploaded], messages:
// ['照片 1：…'], body (the case as the last upload answered it, with its attachments: null when
// none went), stopped (an ApiError, not about one file, that stopped the rest: the case moved on,
// is gone, or has its files already; the page shows the case afresh), signedOut (an AuthError,
// which stops the rest; the page decides whether to leave for the login: one showing a receipt
// must not) }. Never rejects.
function uploadAll(target, files, onProgress) {
  var send = uploader(target)
  var result = { uploaded: 0, failed: [], messages: [], body: null, stopped: null, signedOut: null }
  var stopped = false
  var chain = Promise.resolve()
  files.forEach(function (item, index) {
    chain = chain.then(function () {
      if (stopped) {
        result.failed.push(item)
        return null
      }
      if (onProgress) onProgress('正在上传附件 ' + (index + 1) + '/' + files.length)
      return send(item.filePath).then(
        function (body) {
          result.uploaded += 1
          if (body) result.body = body
        },
        function (error) {
          result.failed.push(item)
          result.messages.push(item.name + '：' + errors.userMessage(error))
          if (isFileError(error)) return
          stopped = true
          if (error instanceof errors.AuthError) result.signedOut = error
          else if (error instanceof errors.ApiError) result.stopped = error
        }
      )
    })
  })
  return chain.then(function () {
    var skipped = result.failed.length - result.messages.length
    if (skipped > 0) result.messages.push('其余 ' + skipped + ' 个附件未上传')
    return result
  })
}

module.exports = {
  choose: choose,
  uploadAll: uploadAll,
}
