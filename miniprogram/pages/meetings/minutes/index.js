// 会议纪要: the minutes of one meeting (?id=) — the attendance the server records by itself, and
// what the recorder writes: the agenda, the speakers' main points, the resolutions and the votes.
// The recorder, chair and managers write it once the meeting has started; each save carries the
// version it was loaded at, so two people cannot overwrite each other unknowingly. The chair and
// recorder sign it; a manager archives the ended meeting, which freezes the attendance.
//
// The meeting's photos and files (会议照片、材料) are listed here too. Those who run the meeting
// (managers, the chair, the recorder) upload photos from the camera or album and PDFs from a
// WeChat chat, one file after another (api/upload.js), and delete them; the server checks each
// file's type by its content and its size.
//
// Once there are minutes, members comment on them below (评论, utils/comment-thread.js): a page of
// comments at a time, oldest first; their own held by the content check are marked 审核中. The
// branch feed's comment count opens this page too.

var meetingAdmin = require('../../../services/meeting-admin')
var meetings = require('../../../services/meetings')
var attachments = require('../../../utils/attachments')
var pagedList = require('../../../utils/paged-list')
var notices = require('../../../services/notices')
var adminText = require('../../../utils/meeting-admin')
var modal = require('../../../utils/modal')
var time = require('../../../utils/time')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')
var commentThread = require('../../../utils/comment-thread')

var NOT_STARTED_PHASES = ['draft', 'upcoming', 'checkin_open']
// The server takes attachments of meetings the members have been told of (409 meeting_not_held).
var UPLOAD_STATUSES = ['published', 'archived']

// wx.chooseMedia's largest count.
var PHOTOS_MAX = 9
// The server's limit on a caption.
var CAPTION_MAX = 100
var UPLOAD_SOURCES = ['拍照或从相册选择照片', '从微信聊天选择 PDF 文件']
// Refusals of one file; the files after it may still go. Anything else (too many attachments, the
// meeting cancelled, no permission, the network) would refuse every file left, so the upload stops.
var FILE_ERROR_CODES = ['file_too_large', 'file_type_not_allowed', 'file_empty', 'validation_error']
var FILE_ERROR_STATUSES = [413, 415, 422]

// Server field names → the keys of fieldErrors on this page.
var SERVER_FIELDS = { agenda: 'agenda', content: 'content', resolutions: 'resolutions', votes: 'votes' }

// The rows of the attendance block. From saved minutes: what the server recorded (present
// includes the late). Before the first save: the live counts, which also know who has not
// checked in yet.
function minutesAttendance(attendance) {
  attendance = attendance || {}
  var lists = attendance.lists || {}
  function names(list) {
    return (list || [])
      .map(function (entry) {
        if (typeof entry === 'string') return entry
        if (!entry) return ''
        return entry.reason ? entry.name + '（' + entry.reason + '）' : entry.name || ''
      })
      .filter(Boolean)
      .join('、')
  }
  return {
    rows: [
      { key: 'expected', label: '应到', value: Number(attendance.expected) || 0 },
      { key: 'present', label: '实到', value: Number(attendance.present) || 0 },
      { key: 'late', label: '迟到', value: Number(attendance.late) || 0 },
      { key: 'on_leave', label: '请假', value: Number(attendance.on_leave) || 0 },
      { key: 'absent', label: '缺席', value: Number(attendance.absent) || 0 },
      { key: 'observers', label: '列席', value: Number(attendance.observers) || 0 },
    ],
    lists: [
      { key: 'present', label: '实到', names: names(lists.present) },
      { key: 'late', label: '迟到', names: names(lists.late) },
      { key: 'on_leave', label: '请假', names: names(lists.on_leave) },
      { key: 'absent', label: '缺席', names: names(lists.absent) },
      { key: 'observers', label: '列席', names: names(lists.observers) },
    ].filter(function (list) {
      return list.names
    }),
  }
}

function liveAttendance(counts) {
  return { rows: adminText.countRows(counts), lists: [] }
}

// Each row has a key of its own (wx:key), since rows are added and removed in the middle.
function viewVotes(votes) {
  return (votes || []).map(function (vote, index) {
    return {
      key: 'saved-' + index,
      item: vote.item || '',
      yes: String(vote.yes === undefined || vote.yes === null ? '' : vote.yes),
      no: String(vote.no === undefined || vote.no === null ? '' : vote.no),
      abstain: String(vote.abstain === undefined || vote.abstain === null ? '' : vote.abstain),
      error: '',
    }
  })
}

function signer(person, signedAt) {
  return {
    name: (person && person.name) || '未指定',
    signed: !!signedAt,
    signedText: signedAt ? '已签字 ' + time.formatBeijing(signedAt) : '未签字',
  }
}

function personId(person) {
  return person && typeof person.id === 'number' ? person.id : null
}

// Photos from the camera or the album, compressed by WeChat: [{ filePath, label, caption }].
function choosePhotos() {
  return new Promise(function (resolve) {
    wx.chooseMedia({
      count: PHOTOS_MAX,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: function (res) {
        var files = (res && res.tempFiles) || []
        resolve(
          files.map(function (file, index) {
            var label = files.length > 1 ? '第 ' + (index + 1) + ' 张照片' : '照片'
            return { filePath: file.tempFilePath, label: label, caption: '' }
          })
        )
      },
      fail: function (err) {
        resolve(attachments.pickerFailed(err))
      },
    })
  })
}

// The name a PDF had in the chat, as its caption: the upload carries only the temporary file's
// name, so without it the members would read "tmp_…pdf".
function captionOf(name) {
  var text = String(name || '').trim()
  if (text.length <= CAPTION_MAX) return text
  // Cut at a whole character: a lone half of a surrogate pair is not text.
  return text.slice(0, CAPTION_MAX).replace(/[\uD800-\uDBFF]$/, '')
}

// PDFs from a WeChat chat: [{ filePath, label, caption }].
function choosePdfs() {
  return new Promise(function (resolve) {
    wx.chooseMessageFile({
      count: PHOTOS_MAX,
      type: 'file',
      extension: ['pdf'],
      success: function (res) {
        resolve(
          ((res && res.tempFiles) || []).map(function (file) {
            var caption = captionOf(file.name)
            return { filePath: file.path, label: caption ? '“' + caption + '”' : '文件', caption: caption }
          })
        )
      },
      fail: function (err) {
        resolve(attachments.pickerFailed(err))
      },
    })
  })
}

function isFileError(error) {
  return (
    error instanceof errors.ApiError &&
    (FILE_ERROR_CODES.indexOf(error.code) !== -1 || FILE_ERROR_STATUSES.indexOf(error.status) !== -1)
  )
}

// Field messages for what the phone can tell before asking the server; the votes' own messages
// go on their rows. Returns { fieldErrors, voteErrors: [message per row] }.
function validate(data) {
  var fieldErrors = {}
  if (!data.agenda.trim()) fieldErrors.agenda = '请填写会议议程'
  if (!data.content.trim()) fieldErrors.content = '请填写会议内容'
  var voteErrors = data.votes.map(function (vote) {
    if (!vote.item.trim()) return '请填写表决事项'
    var counts = [vote.yes, vote.no, vote.abstain].map(adminText.parseCount)
    if (counts.some(isNaN)) return '赞成、反对、弃权票数应为不小于 0 的整数'
    return ''
  })
  return { fieldErrors: fieldErrors, voteErrors: voteErrors }
}

Page({
  data: Object.assign({
    id: '',
    loading: true,
    loadError: '',
    title: '',
    phaseLabel: '',
    notStarted: false,
    hasMinutes: false,
    version: null,
    frozen: false,
    attendance: null, // { rows, lists }
    attendanceNote: '',
    chair: signer(null, null),
    recorder: signer(null, null),
    updatedText: '',

    agenda: '',
    content: '',
    resolutions: '',
    votes: [], // [{ key, item, yes, no, abstain, error }], the counts as typed

    canWrite: false,
    canSign: false,
    canArchive: false,
    dirty: false,
    fieldErrors: {},
    busy: '', // 'save' | 'sign' | 'archive'

    attachments: [], // utils/attachments.js view of each
    attachmentsLoaded: false,
    attachmentsError: '',
    canUpload: false,
    uploading: false,
    uploadText: '', // '正在上传 2/5'
    removingId: '',
    opening: false,
  }, commentThread.initialData()),

  onLoad: function (query) {
    var id = query && query.id
    if (!id) {
      this.setData({ loading: false, loadError: '会议不存在' })
      return Promise.resolve()
    }
    this.setData({ id: String(id) })
    return this.load()
  },

  // The meeting, who the caller is, and the minutes (or, before the first save, the live
  // attendance). Never rejects.
  load: function () {
    var page = this
    var id = page.data.id
    if (!id) return Promise.resolve()
    page.setData({ loading: true, loadError: '' })
    var minutesMissing = function (error) {
      if (error && error.status === 404 && error.code === 'no_minutes') return null
      throw error
    }
    return Promise.all([
      meetingAdmin.get(id),
      // Only to tell whether the caller is the chair or recorder; without it no 签字 is offered.
      notices.whoami().then(
        function (body) {
          return personId(body && body.person)
        },
        function () {
          return null
        }
      ),
      meetingAdmin.getMinutes(id).catch(minutesMissing),
    ])
      .then(function (results) {
        var minutes = results[2]
        if (minutes) return results.concat([null])
        // The live counts are a courtesy; the form works without them.
        return meetingAdmin.attendance(id).then(
          function (body) {
            return results.concat([body])
          },
          function () {
            return results.concat([null])
          }
        )
      })
      .then(
        function (results) {
          page.meeting = results[0]
          page.me = results[1]
          // Managers may delete anyone's comment.
          page.commentsCanManage = !!(page.meeting && page.meeting.can_manage)
          page.apply(results[2], results[3])
          page.setData({ loading: false })
          // Comments are on minutes: none before the first save.
          return Promise.all([page.loadAttachments(), results[2] ? page.loadComments() : null])
        },
        function (error) {
          page.setData({ loading: false, loadError: errors.userMessage(error) })
          feedback.leaveIfSignedOut(error)
        }
      )
  },

  // The page from the meeting, the minutes (null before the first save) and the live attendance
  // (used only without minutes); the form takes the minutes' text.
  apply: function (minutes, live) {
    var meeting = this.meeting || {}
    var me = this.me
    var chair = (minutes && minutes.chair) || meeting.chair
    var recorder = (minutes && minutes.recorder) || meeting.recorder
    var isChair = me !== null && personId(chair) === me
    var isRecorder = me !== null && personId(recorder) === me
    var notStarted = NOT_STARTED_PHASES.indexOf(meeting.phase) !== -1
    var closed = meeting.status === 'cancelled' || meeting.status === 'archived' || !!(minutes && minutes.frozen)
    var runs = !!meeting.can_manage || isChair || isRecorder
    var update = {
      title: meeting.title || '',
      phaseLabel: meeting.phase_label || '',
      notStarted: notStarted,
      hasMinutes: !!minutes,
      version: minutes ? minutes.version : null,
      frozen: !!(minutes && minutes.frozen),
      chair: signer(chair, minutes && minutes.chair_signed_at),
      recorder: signer(recorder, minutes && minutes.recorder_signed_at),
      updatedText: minutes && minutes.updated_at ? '最后保存：' + time.formatBeijing(minutes.updated_at) : '',
      canWrite: runs && !notStarted && !closed,
      canUpload: runs && UPLOAD_STATUSES.indexOf(meeting.status) !== -1,
      // Signing is the chair's and recorder's own act; the server also takes it after archiving.
      canSign:
        !!minutes && ((isChair && !minutes.chair_signed_at) || (isRecorder && !minutes.recorder_signed_at)),
      canArchive: !!meeting.can_manage && meeting.phase === 'ended' && meeting.status !== 'archived' && !!minutes,
      agenda: (minutes && minutes.agenda) || '',
      content: (minutes && minutes.content) || '',
      resolutions: (minutes && minutes.resolutions) || '',
      votes: viewVotes(minutes && minutes.votes),
      dirty: false,
      fieldErrors: {},
    }
    if (minutes) {
      update.attendance = minutesAttendance(minutes.attendance)
      update.attendanceNote = update.frozen ? '会议已归档，出勤情况已固定' : '出勤情况由签到记录自动生成'
    } else if (live) {
      update.attendance = liveAttendance(live.counts)
      update.attendanceNote = '当前签到情况；保存纪要后自动记入出勤名单'
    } else {
      update.attendance = null
      update.attendanceNote = ''
    }
    this.setData(update)
  },

  onAgendaInput: function (event) {
    this.setData({ agenda: event.detail.value, dirty: true, 'fieldErrors.agenda': '' })
  },

  onContentInput: function (event) {
    this.setData({ content: event.detail.value, dirty: true, 'fieldErrors.content': '' })
  },

  onResolutionsInput: function (event) {
    this.setData({ resolutions: event.detail.value, dirty: true, 'fieldErrors.resolutions': '' })
  },

  addVote: function () {
    this.addedVotes = (this.addedVotes || 0) + 1
    var row = { key: 'added-' + this.addedVotes, item: '', yes: '', no: '', abstain: '', error: '' }
    var votes = this.data.votes.concat([row])
    this.setData({ votes: votes, dirty: true, 'fieldErrors.votes': '' })
  },

  removeVote: function (event) {
    var index = Number(event.currentTarget.dataset.index)
    if (!(index >= 0 && index < this.data.votes.length)) return
    var votes = this.data.votes.slice()
    votes.splice(index, 1)
    this.setData({ votes: votes, dirty: true, 'fieldErrors.votes': '' })
  },

  // One input of a vote row: data-index is the row, data-field one of item / yes / no / abstain.
  onVoteInput: function (event) {
    var dataset = event.currentTarget.dataset
    var index = Number(dataset.index)
    if (!this.data.votes[index] || ['item', 'yes', 'no', 'abstain'].indexOf(dataset.field) === -1) return
    var update = { dirty: true, 'fieldErrors.votes': '' }
    update['votes[' + index + '].' + dataset.field] = event.detail.value
    update['votes[' + index + '].error'] = ''
    this.setData(update)
  },

  // 保存: PUT with the version loaded (none for the first save). Never rejects.
  save: function () {
    var page = this
    var data = page.data
    if (data.busy || !data.canWrite) return Promise.resolve()

    var checked = validate(data)
    var voteErrors = checked.voteErrors.filter(Boolean)
    if (Object.keys(checked.fieldErrors).length || voteErrors.length) {
      var update = { fieldErrors: checked.fieldErrors }
      checked.voteErrors.forEach(function (message, index) {
        update['votes[' + index + '].error'] = message
      })
      page.setData(update)
      return Promise.resolve()
    }

    var body = {
      agenda: data.agenda.trim(),
      content: data.content.trim(),
      resolutions: data.resolutions.trim(),
      votes: data.votes.map(function (vote) {
        return {
          item: vote.item.trim(),
          yes: adminText.parseCount(vote.yes),
          no: adminText.parseCount(vote.no),
          abstain: adminText.parseCount(vote.abstain),
        }
      }),
    }
    if (data.version !== null && data.version !== undefined) body.version = data.version

    page.setData({ busy: 'save', fieldErrors: {} })
    return meetingAdmin.saveMinutes(data.id, body).then(
      function (minutes) {
        page.setData({ busy: '' })
        page.apply(minutes, null)
        wx.showToast({ title: '已保存', icon: 'success' })
        // The first save opens the comments.
        return page.data.commentsLoaded ? null : page.loadComments()
      },
      function (error) {
        page.setData({ busy: '' })
        if (feedback.leaveIfSignedOut(error)) return null
        if (error && error.status === 409 && error.code === 'minutes_conflict') return page.reloadAfterConflict()
        var fieldErrors = adminText.fieldErrorsOf(error, SERVER_FIELDS)
        if (fieldErrors) {
          page.setData({ fieldErrors: fieldErrors })
          return null
        }
        feedback.showError(error)
        return null
      }
    )
  },

  // Someone saved since this form was loaded: saving over it would lose their text. The
  // secretary is told, and the form shows what is stored now.
  reloadAfterConflict: function () {
    var page = this
    return modal
      .confirm({
        title: '纪要已被他人修改',
        content: '在你编辑期间，其他人保存了这份纪要，你的修改没有保存。将加载最新内容，请在此基础上重新修改。',
        showCancel: false,
        confirmText: '知道了',
      })
      .then(function () {
        return page.load()
      })
  },

  // 签字 signs what is stored: unsaved text must be saved first.
  sign: function () {
    var page = this
    if (page.data.busy || !page.data.canSign) return Promise.resolve()
    if (page.data.dirty) {
      wx.showToast({ title: '请先保存纪要', icon: 'none' })
      return Promise.resolve()
    }
    page.setData({ busy: 'sign' })
    return modal
      .confirm({ title: '签字确认', content: '签字表示你确认本次会议纪要的内容。确定签字吗？', confirmText: '签字' })
      .then(function (confirmed) {
        if (!confirmed) return null
        return meetingAdmin.signMinutes(page.data.id).then(
          function (minutes) {
            page.apply(minutes, null)
            wx.showToast({ title: '已签字', icon: 'success' })
          },
          function (error) {
            feedback.showError(error)
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },

  // 归档: the ended meeting with its minutes is closed; the attendance in them is frozen.
  archive: function () {
    var page = this
    if (page.data.busy || !page.data.canArchive) return Promise.resolve()
    if (page.data.dirty) {
      wx.showToast({ title: '请先保存纪要', icon: 'none' })
      return Promise.resolve()
    }
    page.setData({ busy: 'archive' })
    return modal
      .confirm({
        title: '归档会议',
        content: '归档后出勤情况将固定，纪要不能再修改。确定归档吗？',
        confirmText: '归档',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return meetingAdmin.archive(page.data.id).then(
          function () {
            wx.showToast({ title: '已归档', icon: 'success' })
            return page.load()
          },
          function (error) {
            feedback.showError(error)
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },
  // The list of attachments; a failure is said in its card, with 重试, and the form stays usable.
  loadAttachments: function () {
    var page = this
    if (!page.data.id) return Promise.resolve()
    return meetings.attachments(page.data.id).then(
      function (body) {
        page.setData({
          attachments: attachments.viewAll(body),
          attachmentsLoaded: true,
          attachmentsError: '',
        })
      },
      function (error) {
        page.setData({ attachmentsLoaded: true, attachmentsError: errors.userMessage(error) })
      }
    )
  },

  // 上传照片/文件: photos or PDFs, then each uploaded in turn. Never rejects.
  upload: function () {
    var page = this
    // `choosing` covers the sheet and the pickers, before the button shows any progress.
    if (page.choosing || page.data.uploading || !page.data.canUpload) return Promise.resolve()
    page.choosing = true
    return attachments.chooseAction(UPLOAD_SOURCES)
      .then(function (index) {
        if (index === 0) return choosePhotos()
        if (index === 1) return choosePdfs()
        return []
      })
      .then(function (files) {
        page.choosing = false
        return files.length ? page.uploadFiles(files) : null
      })
  },

  // One file after another, with the progress; then the list again, and one report of what did
  // not go (the server's message for each file).
  uploadFiles: function (files) {
    var page = this
    var failures = []
    var uploaded = 0
    var stoppedAt = -1
    var signedOut = null
    page.setData({ uploading: true })
    var chain = Promise.resolve()
    files.forEach(function (file, index) {
      chain = chain.then(function () {
        if (stoppedAt !== -1) return null
        page.setData({ uploadText: '正在上传 ' + (index + 1) + '/' + files.length })
        return meetingAdmin.uploadAttachment(page.data.id, file.filePath, file.caption).then(
          function () {
            uploaded += 1
          },
          function (error) {
            if (error instanceof errors.AuthError) {
              signedOut = error
              stoppedAt = index
              return
            }
            failures.push(file.label + '：' + errors.userMessage(error))
            if (!isFileError(error)) stoppedAt = index
          }
        )
      })
    })
    return chain.then(function () {
      page.setData({ uploading: false, uploadText: '' })
      if (signedOut) {
        feedback.leaveIfSignedOut(signedOut)
        return null
      }
      var skipped = stoppedAt === -1 ? 0 : files.length - stoppedAt - 1
      if (skipped) failures.push('其余 ' + skipped + ' 个文件未上传')
      if (!failures.length) {
        wx.showToast({ title: '上传成功', icon: 'success' })
      } else {
        wx.showModal({
          title: uploaded ? '部分文件未上传' : '上传失败',
          content: failures.join('\n'),
          showCancel: false,
          confirmText: '知道了',
        })
      }
      return uploaded ? page.loadAttachments() : null
    })
  },

  // 删除 one attachment, after a confirmation.
  removeAttachment: function (event) {
    var page = this
    var id = event.currentTarget.dataset.id
    var attachment = page.data.attachments[pagedList.indexOfId(page.data.attachments, id)]
    if (!attachment || !page.data.canUpload || page.data.removingId !== '') return Promise.resolve()
    page.setData({ removingId: String(attachment.id) })
    return modal
      .confirm({
        title: '删除附件',
        content: '确定删除“' + attachment.name + '”吗？删除后不能恢复。',
        confirmText: '删除',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return meetingAdmin.deleteAttachment(attachment.id).then(
          function () {
            wx.showToast({ title: '已删除', icon: 'success' })
            return page.loadAttachments()
          },
          function (error) {
            feedback.showError(error)
            // Deleted meanwhile (404): the list as it is now.
            if (error instanceof errors.ApiError && error.status === 404) return page.loadAttachments()
            return null
          }
        )
      })
      .then(function () {
        page.setData({ removingId: '' })
      })
  },

  // An image is previewed, a PDF opened.
  openAttachment: function (event) {
    return attachments.open(this, event.currentTarget.dataset.id, meetings.downloadAttachment)
  },

  // 评论 (utils/comment-thread.js).
  loadComments: function () {
    return commentThread.refresh(this)
  },

  loadMoreComments: function () {
    return commentThread.loadMore(this)
  },

  // The comments are at the bottom of the page: scrolling there brings the next (newer) ones.
  onReachBottom: function () {
    return commentThread.loadMore(this)
  },

  onCommentInput: function (event) {
    commentThread.onInput(this, event)
  },

  sendComment: function () {
    return commentThread.send(this)
  },

  removeComment: function (event) {
    return commentThread.remove(this, event)
  },
})
