// 评论 on a meeting's minutes (pages/meetings/minutes, utils/comment-thread.js) and the comment
// counts of the branch feed (pages/meetings/feed).

const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const info = require('../helpers/info-fixtures')

// 2026-12-01 21:00 in Beijing: the meeting (19:00–20:30) has ended and has minutes.
const NOW = Date.UTC(2026, 11, 1, 13, 0)

const fake = signedInEachTest(NOW)

// A plain member (person 7, not the chair or recorder) reading the minutes.
beforeEach(() => {
  fake.route('GET /meetings/7', [{ status: 200, body: fixtures.endedAdminMeeting(7, { can_manage: false }) }])
  fake.route('GET /auth/whoami', [fixtures.whoamiAs(7, null)])
  fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody() }])
  fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([])])
})

// GET /meetings/7/comments answered per requested page: pages[n - 1] is page n.
function routeComments(pages) {
  fake.routePages('GET /meetings/7/comments', pages, info.commentsPage)
}

async function openedPage() {
  const page = loadPage('pages/meetings/minutes/index')
  await page.onLoad({ id: '7' })
  return page
}

function commentQueries() {
  return fake.requestsTo('GET /meetings/7/comments').map((call) => call.data)
}

function posts() {
  return fake.requestsTo('POST /meetings/7/comments').map((call) => call.data)
}

describe('loading', () => {
  test('the minutes come with their comments, oldest first, the member own ones tagged', async () => {
    routeComments([
      [
        info.comment(1),
        info.comment(2, { mine: true, status: 'pending', author: { id: 7, name: '张三' } }),
        info.comment(3, { mine: true, status: 'rejected', author: { id: 7, name: '张三' } }),
      ],
    ])

    const page = await openedPage()

    expect(commentQueries()).toEqual([{ page: 1, per_page: 20 }])
    expect(page.data.comments.map((c) => [c.id, c.authorName, c.content, c.statusLabel, c.canDelete])).toEqual([
      [1, '党员1', '评论 1', '', false],
      [2, '张三', '评论 2', '审核中', true],
      [3, '张三', '评论 3', '未通过审核', true],
    ])
    expect(page.data.comments[0].timeText).toBe('59分钟前')
    expect(page.data).toMatchObject({
      commentsLoaded: true,
      commentsError: '',
      commentsTotal: 3,
      commentsPage: 1,
      commentsPages: 1,
      // The minutes page is still read-only for a member.
      canWrite: false,
    })
  })

  test('a manager of the meeting may delete anyone', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.endedAdminMeeting(7) }])
    routeComments([[info.comment(1)]])

    const page = await openedPage()

    expect(page.data.comments[0].canDelete).toBe(true)
  })

  test('no comments yet is an empty list', async () => {
    routeComments([])

    const page = await openedPage()

    expect(page.data).toMatchObject({ comments: [], commentsLoaded: true, commentsError: '', commentsTotal: 0 })
  })

  test('without minutes there is nothing to comment on and nothing is asked', async () => {
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [fixtures.apiError(403, 'forbidden', '没有权限')])

    const page = await openedPage()

    expect(page.data.hasMinutes).toBe(false)
    expect(commentQueries()).toHaveLength(0)
  })

  test("the recorder's first save opens the comments", async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.endedAdminMeeting(7) }])
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [fixtures.attendanceBody([])])
    fake.route('PUT /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ version: 1 }) }])
    routeComments([])
    const page = await openedPage()
    expect(commentQueries()).toHaveLength(0)

    page.onAgendaInput(inputEvent('议程'))
    page.onContentInput(inputEvent('内容'))
    await page.save()

    expect(commentQueries()).toHaveLength(1)
    expect(page.data).toMatchObject({ hasMinutes: true, commentsLoaded: true })

    // Later saves do not ask again.
    page.onContentInput(inputEvent('内容二'))
    fake.route('PUT /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ version: 2 }) }])
    await page.save()
    expect(commentQueries()).toHaveLength(1)
  })

  test('comments that fail to load say so in their section, and 重试 loads them; the minutes stay', async () => {
    fake.route('GET /meetings/7/comments', [{ networkFailure: true }, info.commentsPage([info.comment(1)])])

    const page = await openedPage()
    expect(page.data).toMatchObject({ loadError: '', commentsError: '网络连接失败，请稍后重试', agenda: '一、学习党章\n二、讨论发展对象' })
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    await page.loadComments()
    expect(page.data.commentsError).toBe('')
    expect(page.data.comments.map((c) => c.id)).toEqual([1])
  })

  test('scrolling to the bottom brings the newer pages, until the last', async () => {
    routeComments([[info.comment(1), info.comment(2)], [info.comment(3)]])
    const page = await openedPage()

    await page.onReachBottom()
    await page.loadMoreComments()

    expect(commentQueries().map((query) => query.page)).toEqual([1, 2])
    expect(page.data.comments.map((c) => c.id)).toEqual([1, 2, 3])
    expect(page.data).toMatchObject({ commentsPage: 2, commentsPages: 2, commentsLoadingMore: false })
  })

  test('a failed next page is a toast; the comments loaded stay', async () => {
    fake.route('GET /meetings/7/comments', [
      info.commentsPage([info.comment(1)], { pages: 2, total: 2 }),
      info.apiError(500, 'internal', '服务器内部错误'),
    ])
    const page = await openedPage()

    await page.loadMoreComments()

    expect(page.data.comments.map((c) => c.id)).toEqual([1])
    expect(page.data.commentsLoadingMore).toBe(false)
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务器内部错误' }))
  })
})

describe('sending', () => {
  beforeEach(() => {
    routeComments([[info.comment(1)]])
  })

  test('the counter follows the input; a published comment joins the list and the input empties', async () => {
    fake.route('POST /meetings/7/comments', [
      { status: 201, body: info.comment(9, { mine: true, content: '同意决议', created_at: '2026-12-01T13:00:00Z' }) },
    ])
    const page = await openedPage()

    page.onCommentInput(inputEvent('  同意决议 '))
    expect(page.data.commentCounter).toBe('4/500')
    await page.sendComment()

    expect(posts()).toEqual([{ content: '同意决议' }])
    expect(page.data.comments.map((c) => [c.id, c.content, c.statusLabel, c.canDelete])).toEqual([
      [1, '评论 1', '', false],
      [9, '同意决议', '', true],
    ])
    expect(page.data).toMatchObject({
      commentText: '',
      commentCounter: '0/500',
      commentNote: '',
      commentSending: false,
      commentsTotal: 2,
    })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已发表', icon: 'success' })
  })

  test('a comment held by the content check is tagged 审核中 and the note says others see it once approved', async () => {
    fake.route('POST /meetings/7/comments', [{ status: 201, body: info.comment(9, { mine: true, status: 'pending' }) }])
    const page = await openedPage()

    page.onCommentInput(inputEvent('需要审核的内容'))
    await page.sendComment()

    expect(page.data.commentNote).toBe('评论审核中，通过后他人可见')
    expect(page.data.comments[1]).toMatchObject({ id: 9, status: 'pending', statusLabel: '审核中', mine: true })
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    // The note goes with the next comment sent.
    fake.route('POST /meetings/7/comments', [{ status: 201, body: info.comment(10, { mine: true }) }])
    page.onCommentInput(inputEvent('好'))
    await page.sendComment()
    expect(page.data.commentNote).toBe('')
  })

  test.each([
    ['empty', '   ', '请填写评论内容'],
    ['too long', '字'.repeat(501), '评论不能超过500字'],
  ])('%s text is refused on the phone', async (_, text, message) => {
    const page = await openedPage()

    page.onCommentInput(inputEvent(text))
    await page.sendComment()

    expect(page.data.commentError).toBe(message)
    expect(posts()).toHaveLength(0)
  })

  test('the counter turns red past the limit', async () => {
    const page = await openedPage()

    page.onCommentInput(inputEvent('字'.repeat(501)))

    expect(page.data).toMatchObject({ commentCounter: '501/500', commentOver: true })
  })

  test('422 from the server is shown under the input; the text stays', async () => {
    fake.route('POST /meetings/7/comments', [
      fixtures.apiError(422, 'validation_error', '输入有误', { content: ['长度应为 1 到 500'] }),
    ])
    const page = await openedPage()

    page.onCommentInput(inputEvent('同意'))
    await page.sendComment()

    expect(page.data).toMatchObject({ commentError: '长度应为 1 到 500', commentText: '同意', commentSending: false })
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('a 422 naming no field shown here is a toast', async () => {
    fake.route('POST /meetings/7/comments', [fixtures.apiError(422, 'content_blocked', '内容不符合规范')])
    const page = await openedPage()

    page.onCommentInput(inputEvent('同意'))
    await page.sendComment()

    expect(page.data.commentError).toBe('')
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '内容不符合规范', icon: 'none' }))
  })

  test.each([
    [409, 'no_minutes', '会议纪要尚未形成，暂不能评论'],
    [429, 'too_many_comments', '评论太频繁，请稍后再试'],
  ])('%i %s is a toast with the server message; the text stays', async (status, code, message) => {
    fake.route('POST /meetings/7/comments', [fixtures.apiError(status, code, message)])
    const page = await openedPage()

    page.onCommentInput(inputEvent('同意'))
    await page.sendComment()

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: message, icon: 'none' }))
    expect(page.data).toMatchObject({ commentText: '同意', commentSending: false, commentError: '' })
    expect(page.data.comments.map((c) => c.id)).toEqual([1])
  })

  test('a double tap sends once', async () => {
    fake.route('POST /meetings/7/comments', [{ status: 201, body: info.comment(9, { mine: true }) }])
    const page = await openedPage()

    page.onCommentInput(inputEvent('同意'))
    await Promise.all([page.sendComment(), page.sendComment()])

    expect(posts()).toHaveLength(1)
  })

  test('a comment sent before the older pages are loaded keeps its place at the end', async () => {
    routeComments([[info.comment(1)], [info.comment(2)]])
    fake.route('POST /meetings/7/comments', [
      { status: 201, body: info.comment(9, { mine: true, created_at: '2026-12-01T13:00:00Z' }) },
    ])
    const page = await openedPage()

    page.onCommentInput(inputEvent('同意'))
    await page.sendComment()
    await page.loadMoreComments()

    expect(page.data.comments.map((c) => c.id)).toEqual([1, 2, 9])
  })
})

describe('deleting', () => {
  beforeEach(() => {
    routeComments([[info.comment(1), info.comment(2, { mine: true })]])
  })

  test('own comment, after a confirmation', async () => {
    fake.route('DELETE /meetings/7/comments/2', [{ status: 204 }])
    const page = await openedPage()

    await page.removeComment(tapEvent({ id: 2 }))

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '删除评论', content: '确定删除这条评论吗？' }))
    expect(fake.requestsTo('DELETE /meetings/7/comments/2')).toHaveLength(1)
    expect(page.data.comments.map((c) => c.id)).toEqual([1])
    expect(page.data).toMatchObject({ commentsTotal: 1, commentDeletingId: '' })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已删除', icon: 'success' })
  })

  test('cancelled, nothing is deleted', async () => {
    fake.answerModal(false)
    const page = await openedPage()

    await page.removeComment(tapEvent({ id: 2 }))

    expect(fake.requestsTo('DELETE /meetings/7/comments/2')).toHaveLength(0)
    expect(page.data.comments).toHaveLength(2)
    expect(page.data.commentDeletingId).toBe('')
  })

  test("a member cannot delete someone else's comment", async () => {
    const page = await openedPage()

    await page.removeComment(tapEvent({ id: 1 }))
    await page.removeComment(tapEvent({ id: 99 }))

    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.requests.filter((call) => call.method === 'DELETE')).toHaveLength(0)
  })

  test("a manager deletes someone else's, named in the confirmation", async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.endedAdminMeeting(7) }])
    fake.route('DELETE /meetings/7/comments/1', [{ status: 204 }])
    const page = await openedPage()

    await page.removeComment(tapEvent({ id: 1 }))

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '确定删除党员1的这条评论吗？' }))
    expect(page.data.comments.map((c) => c.id)).toEqual([2])
  })

  test('already gone (404): the message, and it leaves the list', async () => {
    fake.route('DELETE /meetings/7/comments/2', [fixtures.apiError(404, 'not_found', '评论不存在')])
    const page = await openedPage()

    await page.removeComment(tapEvent({ id: 2 }))

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '评论不存在' }))
    expect(page.data.comments.map((c) => c.id)).toEqual([1])
  })

  test('another failure keeps it', async () => {
    fake.route('DELETE /meetings/7/comments/2', [fixtures.apiError(403, 'forbidden', '不能删除他人的评论')])
    const page = await openedPage()

    await page.removeComment(tapEvent({ id: 2 }))

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '不能删除他人的评论' }))
    expect(page.data.comments).toHaveLength(2)
    expect(page.data.commentsTotal).toBe(2)
  })
})

describe('the feed', () => {
  test('each item shows its comment count, which opens the minutes with their comments', async () => {
    fake.routePages(
      'GET /orgs/3/feed',
      [[fixtures.feedItem(8, { id: 80, meeting_id: 8, comment_count: 12 }), fixtures.feedItem(7, { comment_count: 0 })]],
      fixtures.feedPage
    )
    const page = loadPage('pages/meetings/feed/index')
    await page.onLoad({ org_id: '3' })
    await settle()

    expect(page.data.items.map((item) => [item.id, item.commentCount, item.commentText])).toEqual([
      [80, 12, '12 条评论'],
      [7, 0, '评论'],
    ])

    page.openComments(tapEvent({ id: 80 }))
    page.openComments(tapEvent({ id: 999 }))
    expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/meetings/minutes/index?id=8' }]])
  })
})
