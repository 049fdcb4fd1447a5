/**
 * @jest-environment jsdom
 */
// Renders the real templates of 新闻资讯, 党务公开 (with the secretary's 公告阅读情况), the minutes
// comments, the feed's comment counts and their entries on 我的, compiled by the official wcc
// through miniprogram-simulate, each page adapted to Component() (tests/helpers/render.js).

const { signedInEachTest, settle } = require('../helpers/wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')
const info = require('../helpers/info-fixtures')

const PAGES = {
  newsIndex: 'pages/news/index',
  newsDetail: 'pages/news/detail',
  newsSettings: 'pages/news/settings',
  annIndex: 'pages/announcements/index',
  annDetail: 'pages/announcements/detail',
  annManaged: 'pages/announcements/managed',
  annReceipts: 'pages/announcements/receipts',
  minutes: 'pages/meetings/minutes/index',
  feed: 'pages/meetings/feed/index',
  me: 'pages/me/index',
}
const render = pageRenderer(Object.keys(PAGES), (name) => PAGES[name])
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

function tap(comp, selector, index = 0) {
  comp.querySelectorAll(selector)[index].dispatchEvent('tap')
  return settle()
}

describe('新闻资讯', () => {
  test('the tabs, the rows, and a tab change', async () => {
    fake.route('GET /news/topics', [info.newsTopics()])
    fake.route('GET /news', (call) =>
      call.data.mine === 'true'
        ? info.newsPage([info.newsItem(9, { published_at: '2026-11-24T12:25:00Z' })])
        : info.newsPage([info.newsItem(7, { title: '全部里的新闻', source_name: '人民网' })])
    )
    const comp = render('newsIndex')

    await comp.instance.onLoad()

    expect(texts(comp, '.news-tab')).toEqual(['推荐', '全部', '党建要闻', '教育', '政策解读'])
    expect(texts(comp, '.news-tab-active')).toEqual(['推荐'])
    expect(texts(comp, '.news-title')).toEqual(['新闻 9'])
    expect(texts(comp, '.news-summary')).toEqual(['新闻 9 的摘要'])
    expect(texts(comp, '.news-source')).toEqual(['新华网'])
    expect(texts(comp, '.news-time')).toEqual(['5分钟前'])
    expect(comp.dom.textContent).toContain('没有更多了')

    await tap(comp, '.news-tab', 1)
    expect(texts(comp, '.news-tab-active')).toEqual(['全部'])
    expect(texts(comp, '.news-title')).toEqual(['全部里的新闻'])

    await tap(comp, '.news-item')
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/news/detail?id=7' })
  })

  test('an empty 推荐 leads to the settings; a failed list offers a retry', async () => {
    fake.route('GET /news/topics', [info.newsTopics()])
    fake.route('GET /news', [info.newsPage([]), { networkFailure: true }])
    const comp = render('newsIndex')

    await comp.instance.onLoad()
    expect(comp.querySelector('.news-empty').dom.textContent).toContain('暂无推荐资讯')
    await tap(comp, '.news-go-settings')
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/news/settings' })

    await comp.instance.refresh()
    expect(comp.dom.textContent).toContain('资讯加载失败')
    expect(comp.querySelector('.news-retry')).toBeTruthy()
  })

  test('the detail: title, source, topics, summary and 复制链接', async () => {
    fake.route('GET /news', [info.newsPage([info.newsItem(9)])])
    fake.wx.setClipboardData = jest.fn((options) => setTimeout(() => options.success({}), 0))
    const comp = render('newsDetail')

    await comp.instance.onLoad({ id: '9' })

    expect(comp.querySelector('.news-detail-title').dom.textContent).toBe('新闻 9')
    expect(comp.querySelector('.news-detail-source').dom.textContent).toBe('新华网')
    expect(texts(comp, '.news-detail-topic')).toEqual(['党建要闻'])
    expect(comp.querySelector('.news-detail-summary').dom.textContent).toBe('新闻 9 的摘要')
    expect(comp.querySelector('.news-detail-url').dom.textContent).toBe('https://news.example.cn/a/9.html')

    await tap(comp, '.news-detail-copy')
    expect(fake.wx.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'https://news.example.cn/a/9.html' }))
  })

  test('the detail of an item no longer there', async () => {
    fake.route('GET /news', [info.newsPage([])])
    const comp = render('newsDetail')

    await comp.instance.onLoad({ id: '1' })

    expect(comp.querySelector('.news-detail-error').dom.textContent).toBe('资讯不存在或已下线')
    expect(comp.querySelector('.news-detail-copy')).toBeFalsy()
  })

  test('the settings: the topics as checkboxes, the digest switch and 保存', async () => {
    fake.route('GET /news/topics', [info.newsTopics()])
    fake.route('GET /news/preferences', [info.newsPreferences(['education'], true)])
    const comp = render('newsSettings')

    await comp.instance.onLoad()

    expect(texts(comp, '.news-settings-topic-label')).toEqual(['党建要闻', '教育', '政策解读'])
    expect(comp.dom.textContent).toContain('每日推送')
    expect(comp.querySelector('.news-settings-save').dom.textContent).toBe('保存')
    expect(comp.instance.data.choices.map((choice) => choice.checked)).toEqual([false, true, false])
  })
})

describe('党务公开', () => {
  test('the list: 置顶, the unread dot, org and time', async () => {
    fake.route('GET /announcements', [
      info.announcementPage([
        info.announcementItem(3, { pinned: true, read: true }),
        info.announcementItem(5, { published_at: '2026-11-24T12:25:00Z' }),
      ]),
    ])
    const comp = render('annIndex')

    await comp.instance.onLoad()

    expect(texts(comp, '.ann-title')).toEqual(['公告 3', '公告 5'])
    expect(comp.querySelectorAll('.ann-pinned')).toHaveLength(1)
    expect(comp.querySelectorAll('.ann-dot')).toHaveLength(1)
    expect(texts(comp, '.ann-title-unread')).toEqual(['公告 5'])
    expect(texts(comp, '.ann-time')[1]).toBe('5分钟前')
    expect(texts(comp, '.ann-audience')).toEqual(['全体党员', '全体党员'])

    await tap(comp, '.ann-item', 1)
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/announcements/detail?id=5' })
  })

  test('an empty list says so', async () => {
    fake.route('GET /announcements', [info.announcementPage([])])
    const comp = render('annIndex')

    await comp.instance.onLoad()

    expect(comp.querySelector('.ann-empty').dom.textContent).toBe('暂无公告')
  })

  test('the detail renders the body with rich-text', async () => {
    fake.route('GET /announcements/9', [info.announcementBody(9)])
    const comp = render('annDetail')

    await comp.instance.onLoad({ id: '9' })

    expect(comp.querySelector('.ann-detail-title').dom.textContent).toBe('公告 9')
    expect(comp.querySelector('.ann-detail-audience').dom.textContent).toBe('公开范围：全体党员')
    expect(comp.querySelector('.ann-detail-body')).toBeTruthy()
    expect(comp.instance.data.announcement.html).toContain('主题党日')
  })

  test('the managed list: status, figures; a row opens its receipts', async () => {
    fake.route('GET /announcements/managed', [info.announcementPage([info.managedItem(9)])])
    const comp = render('annManaged')

    await comp.instance.onLoad()

    expect(texts(comp, '.ann-state')).toEqual(['已发布'])
    expect(texts(comp, '.ann-managed-read')).toEqual(['已读 12 / 30 人›'])
    await tap(comp, '.ann-item')
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/announcements/receipts?id=9' })
  })

  test('the receipts: counts, tabs and names', async () => {
    fake.route('GET /announcements/9/receipts', (call) =>
      call.data.state === 'unread'
        ? info.receiptsPage([info.receipt(31)])
        : info.receiptsPage([info.receipt(41, { read_at: '2026-11-24T12:25:00Z' })])
    )
    const comp = render('annReceipts')

    await comp.instance.onLoad({ id: '9' })

    expect(comp.querySelector('.ann-receipts-summary').dom.textContent).toBe('已读 12 / 30 人')
    expect(texts(comp, '.ann-tab')).toEqual(['已读12', '未读18'])
    expect(texts(comp, '.ann-tab-active')).toEqual(['未读18'])
    expect(texts(comp, '.ann-receipt-name')).toEqual(['党员31'])

    await tap(comp, '.ann-tab', 0)
    expect(texts(comp, '.ann-receipt-name')).toEqual(['党员41'])
    expect(texts(comp, '.ann-receipt-read')).toEqual(['5分钟前 阅读'])
  })
})

describe('评论 on the minutes', () => {
  beforeEach(() => {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.endedAdminMeeting(7, { can_manage: false }) }])
    fake.route('GET /auth/whoami', [fixtures.whoamiAs(7, null)])
    fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody() }])
    fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([])])
  })

  test('the comments with their tags, delete on the own, the counter, and the pending note', async () => {
    fake.route('GET /meetings/7/comments', [
      info.commentsPage([info.comment(1), info.comment(2, { mine: true, status: 'pending' })], { total: 3, pages: 2 }),
    ])
    fake.route('POST /meetings/7/comments', [{ status: 201, body: info.comment(9, { mine: true, status: 'pending' }) }])
    const comp = render('minutes')

    await comp.instance.onLoad({ id: '7' })

    expect(comp.querySelector('.minutes-comments .minutes-section').dom.textContent).toBe('评论（3）')
    expect(texts(comp, '.minutes-comment-author')).toEqual(['党员1', '党员2'])
    expect(texts(comp, '.minutes-comment-content')).toEqual(['评论 1', '评论 2'])
    expect(texts(comp, '.minutes-comment-tag')).toEqual(['审核中'])
    expect(comp.querySelectorAll('.minutes-comment-remove')).toHaveLength(1)
    expect(comp.querySelector('.minutes-comments-more').dom.textContent).toBe('查看更多评论')
    expect(comp.querySelector('.minutes-comment-counter').dom.textContent).toBe('0/500')

    comp.instance.onCommentInput(inputEvent('字'.repeat(501)))
    expect(comp.querySelector('.minutes-comment-counter').dom.className).toContain('error-text')
    comp.instance.onCommentInput(inputEvent('需要审核'))
    expect(comp.querySelector('.minutes-comment-counter').dom.textContent).toBe('4/500')
    await tap(comp, '.minutes-comment-send')

    expect(comp.querySelector('.minutes-comment-note').dom.textContent).toBe('评论审核中，通过后他人可见')
    expect(texts(comp, '.minutes-comment-tag')).toEqual(['审核中', '审核中'])
  })

  test('no comments yet, and an error under the input', async () => {
    fake.route('GET /meetings/7/comments', [info.commentsPage([])])
    const comp = render('minutes')

    await comp.instance.onLoad({ id: '7' })
    expect(comp.querySelector('.minutes-comments-empty').dom.textContent).toBe('还没有评论')

    await tap(comp, '.minutes-comment-send')
    expect(comp.querySelector('.minutes-comment-error').dom.textContent).toBe('请填写评论内容')
  })

  test('without minutes there is no comments section', async () => {
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [fixtures.apiError(403, 'forbidden', '没有权限')])
    const comp = render('minutes')

    await comp.instance.onLoad({ id: '7' })

    expect(comp.querySelector('.minutes-comments')).toBeFalsy()
  })
})

test('支部动态 shows the comment count; it opens the minutes, not the meeting', async () => {
  fake.route('GET /orgs/3/feed', [fixtures.feedPage([fixtures.feedItem(8, { comment_count: 3 }), fixtures.feedItem(7)])])
  const comp = render('feed')

  await comp.instance.onLoad({ org_id: '3' })

  expect(texts(comp, '.feed-comments')).toEqual(['3 条评论', '评论'])
  await tap(comp, '.feed-comments')
  expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/meetings/minutes/index?id=8' }]])
})

describe('我的', () => {
  test('every member finds 新闻资讯 and 党务公开; 公告阅读情况 is for managers only', async () => {
    fake.route('GET /me', [fixtures.me()])
    const comp = render('me')

    await comp.instance.load()

    expect(comp.querySelector('.me-news').dom.textContent).toContain('新闻资讯')
    expect(comp.querySelector('.me-announcements').dom.textContent).toContain('党务公开')
    expect(comp.querySelector('.me-announcements-managed')).toBeFalsy()

    await tap(comp, '.me-news')
    await tap(comp, '.me-announcements')
    expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/news/index' }], [{ url: '/pages/announcements/index' }]])
  })

  test.each(['secretary', 'committee_admin'])('a %s also finds 公告阅读情况', async (role) => {
    fake.route('GET /me', [fixtures.me({ roles: ['member', role] })])
    const comp = render('me')

    await comp.instance.load()

    expect(comp.querySelector('.me-announcements-managed').dom.textContent).toContain('公告阅读情况')
    await tap(comp, '.me-announcements-managed')
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/announcements/managed' })
  })

  test('a plain member calling openAnnouncementsManaged goes nowhere; logout forgets the role', async () => {
    fake.route('GET /me', [fixtures.me({ roles: ['member', 'secretary'] })])
    fake.route('POST /auth/logout', [{ status: 204 }])
    const comp = render('me')
    await comp.instance.load()

    await comp.instance.logout()
    comp.instance.openAnnouncementsManaged()

    expect(comp.instance.data.canManageAnnouncements).toBe(false)
    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })
})
