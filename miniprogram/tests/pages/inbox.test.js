const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function items(ids, overrides = {}) {
  return ids.map((id) => fixtures.inboxItem(id, overrides))
}

// GET /inbox answered per requested page: pages[n - 1] is page n.
function routeInbox(pages, { unread = 0 } = {}) {
  fake.routePages('GET /inbox', pages, (items, meta) => fixtures.inbox(items, Object.assign(meta, { unread })))
}

async function openedPage() {
  const page = loadPage('pages/inbox/index')
  await page.onLoad()
  return page
}

test('loads the first page: labels, unread dots, Beijing times and the unread count', async () => {
  routeInbox(
    [
      [
        fixtures.inboxItem(12, { created_at: '2026-11-24T12:25:00Z' }),
        fixtures.inboxItem(11, {
          kind: 'study_task',
          kind_label: '学习任务',
          read_at: '2026-11-24T01:00:00Z',
          created_at: '2026-11-20T02:05:00Z',
        }),
      ],
    ],
    { unread: 1 }
  )

  const page = await openedPage()

  expect(fake.requests[0].data).toEqual({ page: 1, per_page: 20 })
  expect(page.data.items).toEqual([
    {
      id: 12,
      kindLabel: '会议通知',
      title: '支部党员大会 12',
      body: '12月1日 19:00 在 A301 召开支部党员大会',
      page: 'pages/meetings/detail/index?id=12',
      timeText: '5分钟前',
      unread: true,
    },
    expect.objectContaining({ id: 11, kindLabel: '学习任务', timeText: '11月20日 10:05', unread: false }),
  ])
  expect(page.data.unread).toBe(1)
  expect(page.data).toMatchObject({ page: 1, pages: 1, loaded: true, loading: false, loadFailed: false })
})

test('an empty inbox loads as an empty list', async () => {
  routeInbox([])

  const page = await openedPage()

  expect(page.data.items).toEqual([])
  expect(page.data.loaded).toBe(true)
  expect(page.data.loadFailed).toBe(false)
})

test('reaching the bottom loads the next page until page >= pages', async () => {
  routeInbox([items([30, 29]), items([28, 27]), items([26])])
  const page = await openedPage()

  await page.onReachBottom()
  await page.onReachBottom()
  await page.onReachBottom()
  await page.onReachBottom()

  expect(fake.requestsTo('GET /inbox').map((call) => call.data.page)).toEqual([1, 2, 3])
  expect(page.data.items.map((item) => item.id)).toEqual([30, 29, 28, 27, 26])
  expect(page.data.page).toBe(3)
})

test('a single page never asks for more', async () => {
  routeInbox([items([2, 1])])
  const page = await openedPage()

  await page.onReachBottom()

  expect(fake.requestsTo('GET /inbox')).toHaveLength(1)
})

test('bottom reached twice while a page is on its way asks for it once', async () => {
  routeInbox([items([4, 3]), items([2, 1])])
  const page = await openedPage()

  await Promise.all([page.onReachBottom(), page.onReachBottom()])

  expect(fake.requestsTo('GET /inbox').map((call) => call.data.page)).toEqual([1, 2])
})

test('an item repeated on the next page (a new message pushed the list down) is listed once', async () => {
  routeInbox([items([5, 4]), items([4, 3])])
  const page = await openedPage()

  await page.onReachBottom()

  expect(page.data.items.map((item) => item.id)).toEqual([5, 4, 3])
})

test('a refresh started while the next page is on its way wins, even when that page answers last', async () => {
  fake.route('GET /inbox', [
    fixtures.inbox(items([4, 3]), { pages: 2 }),
    Object.assign(fixtures.inbox(items([2, 1]), { page: 2, pages: 2 }), { delay: 20 }),
    fixtures.inbox(items([9, 8]), { pages: 1 }),
  ])
  const page = await openedPage()

  const more = page.onReachBottom()
  await Promise.all([more, page.refresh()])

  expect(fake.requestsTo('GET /inbox').map((call) => call.data.page)).toEqual([1, 2, 1])
  expect(page.data.items.map((item) => item.id)).toEqual([9, 8])
  expect(page.data).toMatchObject({ page: 1, pages: 1, loadingMore: false })
})

test('tapping an unread item marks it read, opens its page and lowers the unread count', async () => {
  routeInbox([items([12, 11])], { unread: 2 })
  fake.route('POST /inbox/12/read', [{ status: 200, body: fixtures.inboxItem(12, { read_at: '2026-11-24T12:31:00Z' }) }])
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 12 }))

  expect(fake.requestsTo('POST /inbox/12/read')).toHaveLength(1)
  expect(fake.wx.navigateTo).toHaveBeenCalledWith(
    expect.objectContaining({ url: '/pages/meetings/detail/index?id=12' })
  )
  expect(page.data.items[0].unread).toBe(false)
  expect(page.data.items[1].unread).toBe(true)
  expect(page.data.unread).toBe(1)
})

test('a double tap on an unread item lowers the unread count once', async () => {
  routeInbox([items([12, 11])], { unread: 2 })
  fake.route('POST /inbox/12/read', [{ status: 200, body: fixtures.inboxItem(12, { read_at: 'x' }) }])
  const page = await openedPage()

  await Promise.all([page.openItem(tapEvent({ id: 12 })), page.openItem(tapEvent({ id: 12 }))])

  expect(page.data.unread).toBe(1)
  expect(page.data.items.map((item) => item.unread)).toEqual([false, true])
})

test('tapping an item already read opens it without a request', async () => {
  routeInbox([items([12], { read_at: '2026-11-24T01:00:00Z' })])
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 12 }))

  expect(fake.requestsTo('POST /inbox/12/read')).toHaveLength(0)
  expect(fake.wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/meetings/detail/index?id=12' }))
})

test('an item without a page is only marked read', async () => {
  routeInbox([items([7], { page: null })], { unread: 1 })
  fake.route('POST /inbox/7/read', [{ status: 200, body: fixtures.inboxItem(7, { page: null, read_at: 'x' }) }])
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 7 }))

  expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  expect(page.data.items[0].unread).toBe(false)
  expect(page.data.unread).toBe(0)
})

test('a page path with a leading slash is not doubled', async () => {
  routeInbox([items([3], { page: '/pages/me/index', read_at: 'x' })])
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 3 }))

  expect(fake.wx.navigateTo.mock.calls[0][0].url).toBe('/pages/me/index')
})

test('a page that cannot be opened gets a toast', async () => {
  routeInbox([items([3], { read_at: 'x' })])
  fake.wx.navigateTo.mockImplementation((options) => options.fail({ errMsg: 'navigateTo:fail page not found' }))
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 3 }))

  expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '暂时无法打开该消息', icon: 'none' }))
})

test('a failed mark-read on an item without a page shows the error; the dot stays', async () => {
  routeInbox([items([7], { page: null })], { unread: 1 })
  fake.route('POST /inbox/7/read', [fixtures.apiError(404, 'not_found', '消息不存在')])
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 7 }))

  expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '消息不存在', icon: 'none' }))
  expect(page.data.items[0].unread).toBe(true)
  expect(page.data.unread).toBe(1)
})

test('a failed mark-read does not stop the page from opening', async () => {
  routeInbox([items([12])], { unread: 1 })
  fake.route('POST /inbox/12/read', [{ networkFailure: true }])
  const page = await openedPage()

  await page.openItem(tapEvent({ id: 12 }))

  expect(fake.wx.navigateTo).toHaveBeenCalledTimes(1)
  expect(page.data.items[0].unread).toBe(true)
})

test('全部已读 marks everything read and clears the unread count', async () => {
  routeInbox([[fixtures.inboxItem(3), fixtures.inboxItem(2, { read_at: 'x' }), fixtures.inboxItem(1)]], { unread: 5 })
  fake.route('POST /inbox/read-all', [{ status: 200, body: { updated: 5 } }])
  const page = await openedPage()

  await page.markAllRead()

  expect(fake.requestsTo('POST /inbox/read-all')).toHaveLength(1)
  expect(page.data.unread).toBe(0)
  expect(page.data.items.map((item) => item.unread)).toEqual([false, false, false])
  expect(page.data.markingAll).toBe(false)
})

test('全部已读 with nothing unread sends nothing', async () => {
  routeInbox([items([1], { read_at: 'x' })], { unread: 0 })
  const page = await openedPage()

  await page.markAllRead()

  expect(fake.requestsTo('POST /inbox/read-all')).toHaveLength(0)
})

test('a failed 全部已读 keeps the dots and shows the message', async () => {
  routeInbox([items([1])], { unread: 1 })
  fake.route('POST /inbox/read-all', [fixtures.apiError(503, 'unavailable', '服务维护中，请稍后再试')])
  const page = await openedPage()

  await page.markAllRead()

  expect(page.data.unread).toBe(1)
  expect(page.data.items[0].unread).toBe(true)
  expect(page.data.markingAll).toBe(false)
  expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务维护中，请稍后再试', icon: 'none' }))
})

test.each([
  [fixtures.apiError(500, 'internal_error', '服务器开小差了'), '服务器开小差了'],
  [{ networkFailure: true }, '网络连接失败，请稍后重试'],
])('a failed load shows a toast with the message', async (reply, message) => {
  fake.route('GET /inbox', [reply])

  const page = await openedPage()

  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: message, icon: 'none', duration: 2000 })
  expect(page.data.loadFailed).toBe(true)
  expect(page.data.loaded).toBe(true)
  expect(page.data.items).toEqual([])
})

test('a failed next page keeps what is shown and allows another try', async () => {
  fake.route('GET /inbox', [
    fixtures.inbox(items([4, 3]), { pages: 2 }),
    { networkFailure: true },
    fixtures.inbox(items([2, 1]), { page: 2, pages: 2 }),
  ])
  const page = await openedPage()

  await page.onReachBottom()
  expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
  expect(page.data.items.map((item) => item.id)).toEqual([4, 3])

  await page.onReachBottom()
  expect(page.data.items.map((item) => item.id)).toEqual([4, 3, 2, 1])
})

test('a session that cannot be restored goes back to the login page', async () => {
  fake.route('GET /inbox', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  await openedPage()

  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  expect(fake.wx.showToast).not.toHaveBeenCalled()
})

test('pull-down refresh reloads page 1 and stops the spinner, also when it fails', async () => {
  routeInbox([items([2, 1]), items([0])])
  const page = await openedPage()
  await page.onReachBottom()

  routeInbox([items([3, 2, 1])], { unread: 1 })
  await page.onPullDownRefresh()
  expect(page.data.items.map((item) => item.id)).toEqual([3, 2, 1])
  expect(page.data).toMatchObject({ page: 1, pages: 1, unread: 1 })
  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)

  fake.route('GET /inbox', [{ networkFailure: true }])
  await page.onPullDownRefresh()
  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(2)
  expect(page.data.items.map((item) => item.id)).toEqual([3, 2, 1])
  await settle()
})
