const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function items(ids, overrides = {}) {
  return ids.map((id) => fixtures.notification(id, overrides))
}

// GET /notifications answered per requested page: pages[n - 1] is page n.
function routeList(pages) {
  fake.routePages('GET /notifications', pages, fixtures.notifications)
}

async function openedPage() {
  const page = loadPage('pages/notices/index')
  await page.onLoad()
  return page
}

test('lists the notices: title, state, Beijing time and the reach summary', async () => {
  routeList([
    [
      fixtures.notification(
        12,
        { title: '支部党员大会', dispatched_at: '2026-11-24T12:25:00Z' },
        { byState: { delivered: 10, sent: 5, unreachable: 4, muted: 2, failed: 1 }, read: 9 }
      ),
      fixtures.notification(11, {
        title: '学习党章',
        state: 'scheduled',
        scheduled_at: '2026-11-25T01:00:00Z',
        dispatched_at: null,
        push_at: null,
        recipient_count: 22,
      }),
      fixtures.notification(10, {
        title: '取消的通知',
        state: 'cancelled',
        scheduled_at: '2026-11-20T02:05:00Z',
        dispatched_at: null,
        recipient_count: 3,
      }),
    ],
  ])

  const page = await openedPage()

  expect(fake.requests[0].data).toEqual({ page: 1, per_page: 20 })
  expect(page.data.items).toEqual([
    {
      id: 12,
      title: '支部党员大会',
      state: 'dispatched',
      stateLabel: '已发送',
      timeText: '5分钟前',
      summary: '22 人 · 微信送达 15 · 仅站内信 6 · 失败 1 · 已读 9',
    },
    {
      id: 11,
      title: '学习党章',
      state: 'scheduled',
      stateLabel: '待发送',
      timeText: '定时 11月25日 09:00',
      summary: '22 人',
    },
    expect.objectContaining({ id: 10, stateLabel: '已撤销', timeText: '11月20日 10:05', summary: '3 人' }),
  ])
  expect(page.data).toMatchObject({ page: 1, pages: 1, loaded: true, loading: false, loadFailed: false })
})

test('reaching the bottom loads the next page until page >= pages, then stops', async () => {
  routeList([items([30, 29]), items([28, 27]), items([26])])
  const page = await openedPage()

  await page.onReachBottom()
  await page.onReachBottom()
  await page.onReachBottom()
  await page.onReachBottom()

  expect(fake.requestsTo('GET /notifications').map((call) => call.data.page)).toEqual([1, 2, 3])
  expect(page.data.items.map((item) => item.id)).toEqual([30, 29, 28, 27, 26])
  expect(page.data.page).toBe(3)
})

test('a single page never asks for more; nor does an empty list', async () => {
  routeList([items([2, 1])])
  const page = await openedPage()
  await page.onReachBottom()
  expect(fake.requestsTo('GET /notifications')).toHaveLength(1)

  routeList([])
  const empty = await openedPage()
  await empty.onReachBottom()
  expect(empty.data.items).toEqual([])
  expect(fake.requestsTo('GET /notifications')).toHaveLength(2)
})

test('bottom reached twice while a page is on its way asks for it once', async () => {
  routeList([items([4, 3]), items([2, 1])])
  const page = await openedPage()

  await Promise.all([page.onReachBottom(), page.onReachBottom()])

  expect(fake.requestsTo('GET /notifications').map((call) => call.data.page)).toEqual([1, 2])
})

test('a notice repeated on the next page (one sent meanwhile pushed the list down) is listed once', async () => {
  routeList([items([5, 4]), items([4, 3])])
  const page = await openedPage()

  await page.onReachBottom()

  expect(page.data.items.map((item) => item.id)).toEqual([5, 4, 3])
})

test('a failed next page keeps what is shown and allows another try', async () => {
  fake.route('GET /notifications', [
    fixtures.notifications(items([4, 3]), { pages: 2 }),
    { networkFailure: true },
    fixtures.notifications(items([2, 1]), { page: 2, pages: 2 }),
  ])
  const page = await openedPage()

  await page.onReachBottom()
  expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
  expect(page.data.items.map((item) => item.id)).toEqual([4, 3])

  await page.onReachBottom()
  expect(page.data.items.map((item) => item.id)).toEqual([4, 3, 2, 1])
})

test('a member without a managing role sees the 403 and a retry', async () => {
  fake.route('GET /notifications', [fixtures.apiError(403, 'forbidden', '无权执行此操作')])

  const page = await openedPage()

  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '无权执行此操作', icon: 'none', duration: 2000 })
  expect(page.data).toMatchObject({ loaded: true, loadFailed: true, items: [] })
})

test('a session that cannot be restored goes back to the login page', async () => {
  fake.route('GET /notifications', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  await openedPage()

  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  expect(fake.wx.showToast).not.toHaveBeenCalled()
})

test('pull-down refresh reloads page 1 and stops the spinner, also when it fails', async () => {
  routeList([items([2, 1]), items([0])])
  const page = await openedPage()
  await page.onReachBottom()

  routeList([items([3, 2, 1])])
  await page.onPullDownRefresh()
  expect(page.data.items.map((item) => item.id)).toEqual([3, 2, 1])
  expect(page.data).toMatchObject({ page: 1, pages: 1 })
  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)

  fake.route('GET /notifications', [{ networkFailure: true }])
  await page.onPullDownRefresh()
  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(2)
  expect(page.data.items.map((item) => item.id)).toEqual([3, 2, 1])
  await settle()
})

test('coming back reloads only after a notice was sent or cancelled', async () => {
  routeList([items([1])])
  // The page and the pages opened on top of it share one services/notices.js, as in the app.
  let notices
  let page
  jest.isolateModules(() => {
    notices = require('../../services/notices')
    global.Page = (definition) => {
      page = Object.assign({}, definition, { data: JSON.parse(JSON.stringify(definition.data)) })
      page.setData = (update) => Object.assign(page.data, update)
    }
    require('../../pages/notices/index')
    delete global.Page
  })
  await page.onLoad()
  await page.onShow()
  expect(fake.requestsTo('GET /notifications')).toHaveLength(1)

  fake.route('DELETE /notifications/1', [{ status: 200, body: fixtures.notification(1, { state: 'cancelled' }) }])
  await notices.cancel(1)
  routeList([items([1], { state: 'cancelled' })])
  await page.onShow()

  expect(fake.requestsTo('GET /notifications')).toHaveLength(2)
  expect(page.data.items[0].stateLabel).toBe('已撤销')
  await page.onShow()
  expect(fake.requestsTo('GET /notifications')).toHaveLength(2)
})

test('发通知 opens the form; a row opens its report', async () => {
  routeList([items([12])])
  const page = await openedPage()

  page.openNew()
  page.openItem(tapEvent({ id: 12 }))

  expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/notices/new' }], [{ url: '/pages/notices/detail?id=12' }]])
})
