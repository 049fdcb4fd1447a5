// The comments section of a meeting's minutes (pages/meetings/minutes): the comments a page at a
// time, oldest first (the next page holds newer ones), the input with its counter, sending, and
// deleting one's own (a manager of the meeting: anyone's). Its fields live in the page's data
// under their own names (initialData), beside the minutes' own `loading` and the rest, so this
// does not use utils/paged-list.js's lists, whose fields would clash with them. The page passes itself;
// what belongs to one open page (its generation) stays on the page.
//
// The page supplies page.data.id (the meeting) and page.commentsCanManage (whether the caller
// manages the meeting).

var comments = require('../services/comments')
var commentsView = require('./comments-view')
var adminText = require('./meeting-admin')
var pagedList = require('./paged-list')
var modal = require('./modal')
var feedback = require('./feedback')
var errors = require('../api/errors')

function initialData() {
  return {
    comments: [], // commentsView.viewComment of each, oldest first
    commentsPage: 0, // the last page loaded
    commentsPages: 0,
    commentsTotal: 0,
    commentsLoaded: false,
    commentsLoading: false,
    commentsError: '',
    commentsLoadingMore: false,
    commentText: '',
    commentCounter: commentsView.counterText(''),
    commentOver: false,
    commentMax: commentsView.COMMENT_MAX,
    commentError: '',
    commentNote: '',
    commentSending: false,
    commentDeletingId: '',
  }
}

function viewAll(page, body) {
  var now = Date.now()
  return ((body && body.items) || []).map(function (comment) {
    return commentsView.viewComment(comment, now, page.commentsCanManage)
  })
}

// Page 1 again, replacing the list. A failure is said in the section, with 重试; the minutes stay.
function refresh(page) {
  var id = page.data.id
  if (!id) return Promise.resolve()
  page.commentsGeneration = (page.commentsGeneration || 0) + 1
  var generation = page.commentsGeneration
  page.setData({ commentsLoading: true, commentsLoadingMore: false, commentsError: '' })
  return comments.list(id, 1).then(
    function (body) {
      if (generation !== page.commentsGeneration) return
      var meta = (body && body.meta) || {}
      page.setData({
        comments: commentsView.ordered(viewAll(page, body)),
        commentsPage: meta.page || 1,
        commentsPages: meta.pages || 0,
        commentsTotal: Number(meta.total) || 0,
        commentsLoaded: true,
        commentsLoading: false,
      })
    },
    function (error) {
      if (generation !== page.commentsGeneration) return
      page.setData({ commentsLoaded: true, commentsLoading: false, commentsError: errors.userMessage(error) })
      feedback.leaveIfSignedOut(error)
    }
  )
}

// The next (newer) page, added, until the last one.
function loadMore(page) {
  var data = page.data
  if (!data.commentsLoaded || data.commentsLoading || data.commentsLoadingMore) return Promise.resolve()
  if (data.commentsError || data.commentsPage >= data.commentsPages) return Promise.resolve()
  var generation = page.commentsGeneration
  var next = data.commentsPage + 1
  page.setData({ commentsLoadingMore: true })
  return comments.list(data.id, next).then(
    function (body) {
      if (generation !== page.commentsGeneration) return
      var meta = (body && body.meta) || {}
      page.setData({
        comments: commentsView.ordered(page.data.comments.concat(viewAll(page, body))),
        commentsPage: meta.page || next,
        commentsPages: meta.pages || 0,
        commentsTotal: Number(meta.total) || page.data.commentsTotal,
        commentsLoadingMore: false,
      })
    },
    function (error) {
      if (generation !== page.commentsGeneration) return
      page.setData({ commentsLoadingMore: false })
      feedback.showError(error)
    }
  )
}

function onInput(page, event) {
  var text = event.detail.value
  page.setData({
    commentText: text,
    commentCounter: commentsView.counterText(text),
    commentOver: commentsView.tooLong(text),
    commentError: '',
  })
}

// 发送. The comment joins the list at once; one held by the content check carries 审核中 and the
// note says others see it once approved. Never rejects.
function send(page) {
  var data = page.data
  if (data.commentSending || !data.id) return Promise.resolve()
  var problem = commentsView.contentError(data.commentText)
  if (problem) {
    page.setData({ commentError: problem })
    return Promise.resolve()
  }
  page.setData({ commentSending: true, commentError: '', commentNote: '' })
  return comments.create(data.id, data.commentText.trim()).then(
    function (comment) {
      // The caller's own, whatever the body says.
      var view = commentsView.viewComment(Object.assign({}, comment, { mine: true }), Date.now(), page.commentsCanManage)
      var pending = view.status === 'pending'
      page.setData({
        commentSending: false,
        comments: commentsView.ordered(page.data.comments.concat([view])),
        commentsTotal: page.data.commentsTotal + 1,
        commentText: '',
        commentCounter: commentsView.counterText(''),
        commentOver: false,
        commentNote: pending ? commentsView.PENDING_NOTE : '',
      })
      if (!pending) wx.showToast({ title: '已发表', icon: 'success' })
    },
    function (error) {
      page.setData({ commentSending: false })
      if (feedback.leaveIfSignedOut(error)) return
      // The text stays in the input, so that nothing typed is lost.
      var fieldErrors = adminText.fieldErrorsOf(error, { content: 'content' })
      if (fieldErrors) {
        page.setData({ commentError: fieldErrors.content })
        return
      }
      // 409 no_minutes, 429 too_many_comments and the rest: the server's words.
      feedback.showError(error)
    }
  )
}

// 删除 a comment (data-id), after a confirmation.
function remove(page, event) {
  var comment = page.data.comments[pagedList.indexOfId(page.data.comments, event.currentTarget.dataset.id)]
  if (!comment || !comment.canDelete || page.data.commentDeletingId !== '') return Promise.resolve()
  page.setData({ commentDeletingId: String(comment.id) })
  // Takes the comment off the list; the list as it is now, looked up again after the wait.
  var drop = function () {
    var left = page.data.comments.filter(function (item) {
      return String(item.id) !== String(comment.id)
    })
    var update = { comments: left }
    if (left.length < page.data.comments.length) update.commentsTotal = Math.max(0, page.data.commentsTotal - 1)
    page.setData(update)
  }
  return modal
    .confirm({
      title: '删除评论',
      content: comment.mine ? '确定删除这条评论吗？' : '确定删除' + comment.authorName + '的这条评论吗？',
      confirmText: '删除',
      confirmColor: '#c8161d',
    })
    .then(function (confirmed) {
      if (!confirmed) return null
      return comments.remove(page.data.id, comment.id).then(
        function () {
          drop()
          wx.showToast({ title: '已删除', icon: 'success' })
        },
        function (error) {
          feedback.showError(error)
          // Deleted meanwhile (404): it is gone either way.
          if (error instanceof errors.ApiError && error.status === 404) drop()
        }
      )
    })
    .then(function () {
      page.setData({ commentDeletingId: '' })
    })
}

module.exports = {
  initialData: initialData,
  refresh: refresh,
  loadMore: loadMore,
  onInput: onInput,
  send: send,
  remove: remove,
}
