const { signedInEachTest } = require('../helpers/wx')
const { loadPage, loadPages, tapEvent } = require('../helpers/page')
const info = require('../helpers/info-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function items(ids, overrides = {}) {
  return ids.map((id) => info.announcementItem(id, overrides))
}

describe('党务公开 list', () => {
  async function openedPage() {
    const page = loadPage('pages/announcements/index')
    await page.onLoad()
    return page
  }

  test('loads the first page: 置顶, unread dots, org, audience, relative time', async () => {
    fake.routePages(
      'GET /announcements',
      [
        [
          info.announcementItem(3, { pinned: true, read: true, published_at: '2026-11-20T02:05:00Z' }),
          info.announcementItem(5, { audience: 'public', published_at: '2026-11-24T12:25:00Z' }),
        ],
      ],
      info.announcementPage
    )

    const page = await openedPage()

    expect(fake.requestsTo('GET /announcements')[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data.items).toEqual([
      {
        id: 3,
        title: '公告 3',
        summary: '公告 3 的摘要',
        orgName: '本科生第一党支部',
        audienceLabel: '全体党员',
        pinned: true,
        unread: false,
        timeText: '11月20日 10:05',
      },
      expect.objectContaining({ id: 5, pinned: false, unread: true, audienceLabel: '公开', timeText: '5分钟前' }),
    ])
    expect(page.data).toMatchObject({ loaded: true, loadFailed: false, page: 1, pages: 1 })
  })

  test('pages on to the last one as the member scrolls, and pull down starts again', async () => {
    fake.routePages('GET /announcements', [items([9, 8]), items([7])], info.announcementPage)
    const page = await openedPage()

    await page.onReachBottom()
    await page.onReachBottom()
    expect(page.data.items.map((item) => item.id)).toEqual([9, 8, 7])

    await page.onPullDownRefresh()
    expect(page.data.items.map((item) => item.id)).toEqual([9, 8])
    expect(fake.requestsTo('GET /announcements').map((call) => call.data.page)).toEqual([1, 2, 1])
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })

  test('empty, and failed', async () => {
    fake.route('GET /announcements', [info.announcementPage([]), info.apiError(500, 'internal', '服务器内部错误')])
    const page = await openedPage()
    expect(page.data).toMatchObject({ items: [], loaded: true, loadFailed: false })

    await page.refresh()
    expect(page.data).toMatchObject({ loadFailed: true })
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务器内部错误' }))
  })

  test('an announcement opens its detail page; back here, the one read has lost its dot', async () => {
    fake.route('GET /announcements', [info.announcementPage(items([9, 8]))])
    fake.route('GET /announcements/9', [info.announcementBody(9)])
    const { pages } = loadPages(['pages/announcements/index', 'pages/announcements/detail'])
    const [list, detail] = pages
    await list.onLoad()

    list.openItem(tapEvent({ id: 9 }))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/announcements/detail?id=9' })
    await detail.onLoad({ id: '9' })
    list.onShow()

    expect(list.data.items.map((item) => item.unread)).toEqual([false, true])
    expect(fake.requestsTo('GET /announcements')).toHaveLength(1)
  })
})

describe('公告详情', () => {
  test('the body as rich text, the org, who it is for and when', async () => {
    fake.route('GET /announcements/9', [
      info.announcementBody(9, {
        audience: 'roles',
        audience_label: '指定职务',
        role_labels: ['书记', '组织委员'],
        published_at: '2026-11-20T02:05:00Z',
        pinned: true,
      }),
    ])
    const page = loadPage('pages/announcements/detail')

    await page.onLoad({ id: '9' })

    expect(page.data).toMatchObject({ loading: false, errorMessage: '' })
    expect(page.data.announcement).toEqual({
      id: 9,
      title: '公告 9',
      html: expect.stringContaining('<p>关于开展主题党日活动的通知</p>'),
      orgName: '本科生第一党支部',
      audienceLabel: '指定职务（书记、组织委员）',
      pinned: true,
      timeText: '11月20日 10:05',
    })
  })

  test('404 shows the message; 重试 loads again', async () => {
    fake.route('GET /announcements/9', [info.apiError(404, 'not_found', '公告不存在或已撤回'), info.announcementBody(9)])
    const page = loadPage('pages/announcements/detail')

    await page.onLoad({ id: '9' })
    expect(page.data).toMatchObject({ loading: false, errorMessage: '公告不存在或已撤回', announcement: null })

    await page.load()
    expect(page.data.errorMessage).toBe('')
    expect(page.data.announcement.title).toBe('公告 9')
  })

  test('without an id nothing is asked', async () => {
    const page = loadPage('pages/announcements/detail')

    await page.onLoad({})

    expect(page.data.errorMessage).toBe('公告不存在')
    expect(fake.requests).toHaveLength(0)
  })

  test('pull down loads again and stops the spinner', async () => {
    fake.route('GET /announcements/9', [info.announcementBody(9)])
    const page = loadPage('pages/announcements/detail')
    await page.onLoad({ id: '9' })

    await page.onPullDownRefresh()

    expect(fake.requestsTo('GET /announcements/9')).toHaveLength(2)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
  })
})

describe('公告阅读情况 (managed)', () => {
  test('lists the announcements with their reading figures; one opens its receipts', async () => {
    fake.routePages(
      'GET /announcements/managed',
      [[info.managedItem(9, { pinned: true }), info.managedItem(8, { status: 'withdrawn', status_label: '已撤回', read_count: 0 })]],
      info.announcementPage
    )
    const page = loadPage('pages/announcements/managed')

    await page.onLoad()

    expect(fake.requestsTo('GET /announcements/managed')[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data.items.map((item) => [item.id, item.statusLabel, item.readText, item.percent])).toEqual([
      [9, '已发布', '已读 12 / 30 人', 40],
      [8, '已撤回', '已读 0 / 30 人', 0],
    ])

    page.openReceipts(tapEvent({ id: 9 }))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/announcements/receipts?id=9' })
  })

  test('403 for a member who manages nothing is a failed list with the message', async () => {
    fake.route('GET /announcements/managed', [info.apiError(403, 'forbidden', '没有权限查看')])
    const page = loadPage('pages/announcements/managed')

    await page.onLoad()

    expect(page.data).toMatchObject({ loadFailed: true, items: [] })
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '没有权限查看' }))
  })
})

describe('阅读情况 (receipts)', () => {
  // GET /announcements/9/receipts answered per state and page.
  function routeReceipts(byState, counts = { audience_size: 30, read_count: 12 }) {
    fake.route('GET /announcements/9/receipts', (call) => {
      const pages = byState[call.data.state] || []
      const page = call.data.page
      return info.receiptsPage(pages[page - 1] || [], { page, pages: pages.length }, counts)
    })
  }

  function receiptQueries() {
    return fake.requestsTo('GET /announcements/9/receipts').map((call) => call.data)
  }

  test('opens on 未读 with the counts; the title comes from the managed list, not the detail', async () => {
    fake.route('GET /announcements/managed', [info.announcementPage([info.managedItem(9, { title: '十一月公告' })])])
    routeReceipts({ unread: [[info.receipt(31), info.receipt(32)]] })
    const { pages } = loadPages(['pages/announcements/managed', 'pages/announcements/receipts'])
    const [managed, receipts] = pages
    await managed.onLoad()

    await receipts.onLoad({ id: '9' })

    expect(receipts.data.title).toBe('十一月公告')
    expect(receipts.data.tab).toBe('unread')
    expect(receiptQueries()).toEqual([{ page: 1, per_page: 20, state: 'unread' }])
    expect(receipts.data.items).toEqual([
      { id: 31, name: '党员31', orgName: '本科生第一党支部', readText: '' },
      { id: 32, name: '党员32', orgName: '本科生第一党支部', readText: '' },
    ])
    expect(receipts.data.counts).toMatchObject({ readCount: 12, unreadCount: 18, readText: '已读 12 / 30 人', percent: 40 })
    expect(fake.requestsTo('GET /announcements/9')).toHaveLength(0)
  })

  test('已读 lists who read it and when; paging goes on to the last page', async () => {
    routeReceipts({
      unread: [[info.receipt(31)]],
      read: [[info.receipt(41, { read_at: '2026-11-24T12:25:00Z' })], [info.receipt(42, { read_at: '2026-11-24T01:00:00Z' })]],
    })
    const page = loadPage('pages/announcements/receipts')
    await page.onLoad({ id: '9' })

    await page.switchTab(tapEvent({ key: 'read' }))
    expect(page.data.items.map((item) => item.readText)).toEqual(['5分钟前 阅读'])
    expect(page.data.counts.readCount).toBe(12)
    await page.onReachBottom()
    await page.onReachBottom()

    expect(page.data.items.map((item) => item.id)).toEqual([41, 42])
    expect(receiptQueries()).toEqual([
      { page: 1, per_page: 20, state: 'unread' },
      { page: 1, per_page: 20, state: 'read' },
      { page: 2, per_page: 20, state: 'read' },
    ])
  })

  test('an unknown tab or the current one asks nothing', async () => {
    routeReceipts({ unread: [[info.receipt(31)]] })
    const page = loadPage('pages/announcements/receipts')
    await page.onLoad({ id: '9' })

    await page.switchTab(tapEvent({ key: 'all' }))
    await page.switchTab(tapEvent({ key: 'unread' }))

    expect(receiptQueries()).toHaveLength(1)
  })

  test('empty lists; a failure is a failed list with a toast', async () => {
    routeReceipts({ unread: [] }, { audience_size: 30, read_count: 30 })
    const page = loadPage('pages/announcements/receipts')
    await page.onLoad({ id: '9' })
    expect(page.data).toMatchObject({ items: [], loaded: true, loadFailed: false })
    expect(page.data.counts.unreadCount).toBe(0)

    fake.route('GET /announcements/9/receipts', [info.apiError(404, 'not_found', '公告不存在')])
    await page.refresh()
    expect(page.data.loadFailed).toBe(true)
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '公告不存在' }))
  })

  test('without a usable id nothing is asked', async () => {
    const page = loadPage('pages/announcements/receipts')

    await page.onLoad({ id: 'abc' })
    await page.onReachBottom()
    await page.onPullDownRefresh()
    await page.switchTab(tapEvent({ key: 'read' }))

    expect(page.data).toMatchObject({ noId: true, loaded: true })
    expect(fake.requests).toHaveLength(0)
  })
})
