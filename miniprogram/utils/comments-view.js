// How the minutes comments (pages/meetings/minutes, services/comments.js) and the comment counts of
// the branch feed are put into words. Pure functions, tested alone.

var time = require('./time')
var notices = require('./notices')

// The server's limit on a comment, counted after trimming (as Python counts: code points).
var COMMENT_MAX = 500

// Tags on the member's own comments that others do not see (docs/safety.md).
var STATUS_LABELS = {
  pending: '审核中',
  rejected: '未通过审核',
}

// Said when the content check held a comment just sent.
var PENDING_NOTE = '评论审核中，通过后他人可见'

// '' when the comment may be sent, else why not.
function contentError(text) {
  var trimmed = String(text || '').trim()
  if (!trimmed) return '请填写评论内容'
  if (notices.charCount(trimmed) > COMMENT_MAX) return '评论不能超过' + COMMENT_MAX + '字'
  return ''
}

// Whether the text is over the limit (the counter turns red).
function tooLong(text) {
  return notices.charCount(String(text || '').trim()) > COMMENT_MAX
}

// "12/500" under the input.
function counterText(text) {
  return notices.charCount(String(text || '').trim()) + '/' + COMMENT_MAX
}

// One comment of GET (or POST) /meetings/{id}/comments. `canManage`: the caller manages the
// meeting, and may delete anyone's comment.
function viewComment(comment, now, canManage) {
  var status = comment.status || 'published'
  var mine = !!comment.mine
  return {
    id: comment.id,
    authorName: (comment.author && comment.author.name) || '',
    content: comment.content || '',
    timeText: time.relativeTime(comment.created_at, now),
    createdMs: time.parseIso(comment.created_at) || 0,
    status: status,
    statusLabel: STATUS_LABELS[status] || '',
    mine: mine,
    canDelete: mine || !!canManage,
  }
}

// Oldest first, as the server lists them: by time, then by id for the same second. A comment the
// member just sent is added to what is loaded and may meet itself on a later page; it is kept once.
function ordered(comments) {
  var seen = {}
  return (comments || [])
    .filter(function (comment) {
      var key = String(comment.id)
      if (seen[key]) return false
      seen[key] = true
      return true
    })
    .sort(function (a, b) {
      if (a.createdMs !== b.createdMs) return a.createdMs - b.createdMs
      return Number(a.id) - Number(b.id)
    })
}

// The count on a feed item: "3 条评论", or "评论" when there are none yet.
function countText(count) {
  var n = Number(count) || 0
  return n > 0 ? n + ' 条评论' : '评论'
}

module.exports = {
  COMMENT_MAX: COMMENT_MAX,
  STATUS_LABELS: STATUS_LABELS,
  PENDING_NOTE: PENDING_NOTE,
  contentError: contentError,
  tooLong: tooLong,
  counterText: counterText,
  viewComment: viewComment,
  ordered: ordered,
  countText: countText,
}
