// 评论: members' comments on a meeting's minutes (pages/meetings/minutes), oldest first. What a
// member writes goes through the server's content check: a flagged comment is kept `pending` (only
// its author sees it, marked 审核中) until a reviewer decides; a `rejected` one stays visible to its
// author only. Query parameters go in `data` (wx.request turns a GET's data into the query string).

var api = require('../api/request')

var DEFAULT_PER_PAGE = 20

function commentsPath(meetingId) {
  return '/meetings/' + encodeURIComponent(String(meetingId)) + '/comments'
}

// GET /meetings/{id}/comments → { items: [{ id, author: { id, name }, content, status
// (published | pending | rejected), created_at, mine }], meta }, oldest first.
function list(meetingId, page, options) {
  return api.request({
    url: commentsPath(meetingId),
    data: { page: page || 1, per_page: (options && options.perPage) || DEFAULT_PER_PAGE },
  })
}

// POST /meetings/{id}/comments { content } → 201 the comment (status pending when the content
// check held it). 409 no_minutes (nothing to comment on yet), 429 too_many_comments, 422 when the
// content is empty or over 500 characters.
function create(meetingId, content) {
  return api.request({ url: commentsPath(meetingId), method: 'POST', data: { content: content } })
}

// DELETE /meetings/{id}/comments/{comment_id} → null (204). The author's own; a manager's any.
function remove(meetingId, commentId) {
  return api.request({
    url: commentsPath(meetingId) + '/' + encodeURIComponent(String(commentId)),
    method: 'DELETE',
  })
}

module.exports = {
  DEFAULT_PER_PAGE: DEFAULT_PER_PAGE,
  list: list,
  create: create,
  remove: remove,
}
