const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, loadPages, tapEvent, inputEvent } = require('../helpers/page')
const info = require('../helpers/info-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function items(ids, overrides = {}) {
  return ids.map((id) => info.newsItem(id, overrides))
}

// GET /news answered per tab and page: byTab['mine' | 'all' | <topic>][n - 1] is page n.
function routeNews(byTab) {
  fake.route('GET /news', (call) => {
    const tab = call.data.mine === 'true' ? 'mine' : call.data.topic || 'all'
    const pages = byTab[tab] || []
    const page = call.data.page
    const total = pages.reduce((sum, list) => sum + list.length, 0)
    return info.newsPage(pages[page - 1] || [], { page, total, pages: pages.length })
  })
}

function newsQueries() {
  return fake.requestsTo('GET /news').map((call) => call.data)
}

describe('新闻资讯 list', () => {
  beforeEach(() => {
    fake.route('GET /news/topics', [info.newsTopics()])
  })

  async function openedPage() {
    const page = loadPage('pages/news/index')
    await page.onLoad()
    return page
  }

  test('opens on 推荐 (mine=true), with the topics as tabs after 推荐 and 全部', async () => {
    routeNews({ mine: [[info.newsItem(9, { published_at: '2026-11-24T12:25:00Z', summary: '摘要 ' })]] })

    const page = await openedPage()

    expect(newsQueries()).toEqual([{ page: 1, per_page: 20, mine: 'true' }])
    expect(page.data.tabs.map((tab) => tab.label)).toEqual(['推荐', '全部', '党建要闻', '教育', '政策解读'])
    expect(page.data.tab).toBe('mine')
    expect(page.data.items).toEqual([
      { id: 9, title: '新闻 9', sourceName: '新华网', timeText: '5分钟前', summary: '摘要', topicLabels: ['党建要闻'] },
    ])
    expect(page.data).toMatchObject({ loaded: true, loadFailed: false, page: 1, pages: 1 })
  })

  test('switching to 全部 and to a topic asks for their lists; the rows of the old tab go at once', async () => {
    routeNews({ mine: [items([9])], all: [items([9, 8, 7])], policy: [items([5])] })
    const page = await openedPage()

    const switching = page.switchTab(tapEvent({ key: 'all' }))
    expect(page.data.items).toEqual([])
    expect(page.data.loaded).toBe(false)
    await switching
    expect(page.data.items.map((item) => item.id)).toEqual([9, 8, 7])

    await page.switchTab(tapEvent({ key: 'topic:policy' }))
    expect(page.data.items.map((item) => item.id)).toEqual([5])

    expect(newsQueries()).toEqual([
      { page: 1, per_page: 20, mine: 'true' },
      { page: 1, per_page: 20 },
      { page: 1, per_page: 20, topic: 'policy' },
    ])
  })

  test('an unknown tab or the current one asks nothing', async () => {
    routeNews({ mine: [items([9])] })
    const page = await openedPage()

    await page.switchTab(tapEvent({ key: 'topic:nope' }))
    await page.switchTab(tapEvent({ key: 'mine' }))

    expect(newsQueries()).toHaveLength(1)
  })

  test('an answer for the tab left behind does not show under the new one', async () => {
    fake.route('GET /news', (call) =>
      call.data.mine === 'true'
        ? Object.assign(info.newsPage(items([99])), { delay: 20 })
        : info.newsPage(items([1]))
    )
    const page = loadPage('pages/news/index')
    const opening = page.onLoad()
    await settle(2)

    await page.switchTab(tapEvent({ key: 'all' }))
    await opening
    await new Promise((resolve) => setTimeout(resolve, 30))

    expect(page.data.tab).toBe('all')
    expect(page.data.items.map((item) => item.id)).toEqual([1])
  })

  test('scrolling to the bottom loads the next page until the last', async () => {
    routeNews({ mine: [items([9, 8]), items([7])] })
    const page = await openedPage()

    await page.onReachBottom()
    await page.onReachBottom()

    expect(newsQueries().map((query) => query.page)).toEqual([1, 2])
    expect(page.data.items.map((item) => item.id)).toEqual([9, 8, 7])
  })

  test('pull down refreshes the tab and asks for topics again only if they failed', async () => {
    fake.route('GET /news/topics', [{ networkFailure: true }, info.newsTopics()])
    routeNews({ mine: [items([9])] })
    const page = await openedPage()
    expect(page.data.tabs.map((tab) => tab.key)).toEqual(['mine', 'all'])

    await page.onPullDownRefresh()
    expect(page.data.tabs).toHaveLength(5)
    await page.onPullDownRefresh()

    expect(fake.requestsTo('GET /news/topics')).toHaveLength(2)
    expect(newsQueries()).toHaveLength(3)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(2)
  })

  test('an empty 推荐 offers 订阅设置', async () => {
    routeNews({ mine: [], all: [] })
    const page = await openedPage()

    expect(page.data).toMatchObject({ items: [], loaded: true, loadFailed: false, tab: 'mine' })
    page.openSettings()
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/news/settings' })
  })

  test('a failed list is shown as failed, with a toast of the message', async () => {
    fake.route('GET /news', [info.apiError(500, 'internal', '服务器内部错误')])

    const page = await openedPage()

    expect(page.data).toMatchObject({ loaded: true, loadFailed: true, items: [] })
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务器内部错误', icon: 'none' }))
  })

  test('a lost session sends the member to log in again', async () => {
    fake.route('GET /news', [info.apiError(401, 'unauthorized', '登录已失效')])
    fake.route('POST /auth/wx-login', [info.apiError(500, 'internal', '错误')])

    await openedPage()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })

  test('an item opens its detail page with only its id', async () => {
    routeNews({ mine: [items([9])] })
    const page = await openedPage()

    page.openItem(tapEvent({ id: 9 }))
    page.openItem(tapEvent({}))

    expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/news/detail?id=9' }]])
  })

  test('back from saved settings, 推荐 loads again; other tabs and unchanged settings do not', async () => {
    routeNews({ mine: [items([9])], all: [items([9])] })
    fake.route('PUT /news/preferences', [info.newsPreferences(['policy'])])
    const { pages, modules } = loadPages(['pages/news/index'], ['services/news'])
    const [page] = pages
    const news = modules[0]
    await page.onLoad()

    await page.onShow()
    expect(newsQueries()).toHaveLength(1)

    await news.savePreferences({ topics: ['policy'] })
    await page.onShow()
    expect(newsQueries()).toHaveLength(2)
    await page.onShow()
    expect(newsQueries()).toHaveLength(2)

    await page.switchTab(tapEvent({ key: 'all' }))
    await news.savePreferences({ topics: ['policy'] })
    await page.onShow()
    expect(newsQueries()).toHaveLength(3)
  })
})

describe('资讯详情', () => {
  test('an item the list brought is shown without asking the server; 复制链接 copies its url', async () => {
    routeNews({ mine: [[info.newsItem(9, { published_at: '2026-11-20T02:05:00Z', summary: '第一段。\n第二段。' })]] })
    fake.route('GET /news/topics', [info.newsTopics()])
    const { pages } = loadPages(['pages/news/index', 'pages/news/detail'])
    const [list, detail] = pages
    await list.onLoad()
    fake.wx.setClipboardData = jest.fn((options) => setTimeout(() => options.success({}), 0))

    await detail.onLoad({ id: '9' })

    expect(newsQueries()).toHaveLength(1)
    expect(detail.data).toMatchObject({ loading: false, errorMessage: '' })
    expect(detail.data.item).toEqual({
      id: 9,
      title: '新闻 9',
      sourceName: '新华网',
      timeText: '11月20日 10:05',
      summary: '第一段。\n第二段。',
      topicLabels: ['党建要闻'],
      url: 'https://news.example.cn/a/9.html',
    })

    await detail.copyLink()
    expect(fake.wx.setClipboardData).toHaveBeenCalledWith(
      expect.objectContaining({ data: 'https://news.example.cn/a/9.html' })
    )
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('after a restart (empty cache) the item is looked for in the newest news', async () => {
    fake.routePages('GET /news', [items([9]), items([8])], info.newsPage)
    const page = loadPage('pages/news/detail')

    await page.onLoad({ id: '8' })

    expect(newsQueries()).toEqual([
      { page: 1, per_page: 50 },
      { page: 2, per_page: 50 },
    ])
    expect(page.data.item.id).toBe(8)
  })

  test('an item not found says so', async () => {
    fake.route('GET /news', [info.newsPage(items([9]))])
    const page = loadPage('pages/news/detail')

    await page.onLoad({ id: '1' })

    expect(page.data).toMatchObject({ loading: false, item: null, errorMessage: '资讯不存在或已下线' })
  })

  test('a failed look-up shows the message, and 重试 loads again', async () => {
    fake.route('GET /news', [{ networkFailure: true }, info.newsPage(items([9]))])
    const page = loadPage('pages/news/detail')

    await page.onLoad({ id: '9' })
    expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')

    await page.load()
    expect(page.data).toMatchObject({ errorMessage: '' })
    expect(page.data.item.id).toBe(9)
  })

  test('without an id nothing is asked', async () => {
    const page = loadPage('pages/news/detail')

    await page.onLoad({})

    expect(page.data.errorMessage).toBe('资讯不存在')
    expect(fake.requests).toHaveLength(0)
  })

  test('a failed copy says so', async () => {
    fake.route('GET /news', [info.newsPage(items([9]))])
    fake.wx.setClipboardData = jest.fn((options) => setTimeout(() => options.fail({ errMsg: 'setClipboardData:fail' }), 0))
    const page = loadPage('pages/news/detail')
    await page.onLoad({ id: '9' })

    await page.copyLink()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '复制失败，请稍后重试', icon: 'none' })
  })
})

describe('订阅设置', () => {
  beforeEach(() => {
    fake.route('GET /news/topics', [info.newsTopics()])
    fake.route('GET /news/preferences', [info.newsPreferences(['policy'], true)])
  })

  async function openedPage() {
    const page = loadPage('pages/news/settings')
    await page.onLoad()
    return page
  }

  test('loads every topic with the chosen ones checked, and the digest switch', async () => {
    const page = await openedPage()

    expect(page.data).toMatchObject({ loading: false, errorMessage: '', digest: true, dirty: false })
    expect(page.data.choices).toEqual([
      { key: 'party', label: '党建要闻', checked: false },
      { key: 'education', label: '教育', checked: false },
      { key: 'policy', label: '政策解读', checked: true },
    ])
  })

  test('saves the checked topics and the digest with PUT', async () => {
    fake.route('PUT /news/preferences', [info.newsPreferences(['party', 'policy'], false)])
    const page = await openedPage()

    page.onTopicsChange(inputEvent(['policy', 'party']))
    page.onDigestChange(inputEvent(false))
    expect(page.data.dirty).toBe(true)
    await page.save()

    expect(fake.requestsTo('PUT /news/preferences').map((call) => call.data)).toEqual([
      { topics: ['party', 'policy'], digest: false },
    ])
    expect(page.data).toMatchObject({ saving: false, dirty: false, digest: false })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已保存', icon: 'success' })
  })

  test('a double tap saves once', async () => {
    fake.route('PUT /news/preferences', [info.newsPreferences(['policy'], true)])
    const page = await openedPage()

    await Promise.all([page.save(), page.save()])

    expect(fake.requestsTo('PUT /news/preferences')).toHaveLength(1)
  })

  test('422 unknown_topic: the message, and the topics as they are now with the choices kept', async () => {
    fake.route('PUT /news/preferences', [info.apiError(422, 'unknown_topic', '主题不存在：education')])
    fake.route('GET /news/topics', [
      info.newsTopics(),
      info.newsTopics([
        { key: 'party', label: '党建要闻' },
        { key: 'policy', label: '政策解读' },
      ]),
    ])
    const page = await openedPage()
    page.onTopicsChange(inputEvent(['education', 'policy']))

    await page.save()

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '主题不存在：education', icon: 'none' }))
    expect(page.data.choices).toEqual([
      { key: 'party', label: '党建要闻', checked: false },
      { key: 'policy', label: '政策解读', checked: true },
    ])
    expect(page.data.saving).toBe(false)
  })

  test('another failure is a toast and leaves the choices as they are', async () => {
    fake.route('PUT /news/preferences', [{ networkFailure: true }])
    const page = await openedPage()
    page.onTopicsChange(inputEvent(['party']))

    await page.save()

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
    expect(page.data).toMatchObject({ saving: false, dirty: true })
    expect(fake.requestsTo('GET /news/topics')).toHaveLength(1)
  })

  test('a failed load says so, and 重试 loads again', async () => {
    fake.route('GET /news/preferences', [info.apiError(500, 'internal', '服务器内部错误'), info.newsPreferences([])])

    const page = await openedPage()
    expect(page.data).toMatchObject({ loading: false, errorMessage: '服务器内部错误' })

    await page.load()
    expect(page.data).toMatchObject({ errorMessage: '', digest: false })
    expect(page.data.choices).toHaveLength(3)
  })
})
