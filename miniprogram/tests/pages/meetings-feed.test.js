const { settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake, controls } = checkinEachTest(NOW)

beforeEach(() => {
  // Each attachment downloads into a file named after it.
  controls.state.download = (options) => {
    const id = /attachments\/(\d+)\/content$/.exec(options.url)[1]
    return { statusCode: 200, tempFilePath: `wxfile://tmp/${id}.jpg` }
  }
})

// GET /orgs/3/feed answered per requested page: pages[n - 1] is page n.
function routeFeed(pages) {
  fake.routePages('GET /orgs/3/feed', pages, fixtures.feedPage)
}

async function openedPage(query = { org_id: '3' }) {
  const page = loadPage('pages/meetings/feed/index')
  await page.onLoad(query)
  return page
}

function downloadedIds() {
  return global.wx.downloadFile.mock.calls.map((call) => Number(/attachments\/(\d+)\/content$/.exec(call[0].url)[1]))
}

test('lists the feed of the branch: title, Beijing date, summary, the photos downloaded with the session', async () => {
  routeFeed([
    [
      fixtures.feedItem(8, {
        title: '主题党日：参观革命纪念馆',
        summary: '全体党员参观纪念馆并重温入党誓词',
        // 2026-11-20 23:30 UTC is already the 21st in Beijing.
        occurred_at: '2026-11-20T23:30:00+00:00',
        image_ids: [31, 32],
        comment_count: 3,
      }),
      // A server without comments sends no comment_count.
      fixtures.feedItem(7, { occurred_at: '2025-12-03T11:00:00+00:00', summary: '' }),
    ],
  ])

  const page = await openedPage()

  expect(fake.requestsTo('GET /orgs/3/feed')[0].data).toEqual({ page: 1, per_page: 20 })
  expect(page.data.items).toEqual([
    {
      id: 8,
      meetingId: 8,
      title: '主题党日：参观革命纪念馆',
      summary: '全体党员参观纪念馆并重温入党誓词',
      dateText: '11月21日',
      images: [
        { id: 31, path: 'wxfile://tmp/31.jpg', failed: false },
        { id: 32, path: 'wxfile://tmp/32.jpg', failed: false },
      ],
      commentCount: 3,
      commentText: '3 条评论',
    },
    {
      id: 7,
      meetingId: 7,
      title: '支部党员大会：支部党员大会 7',
      summary: '',
      dateText: '2025年12月3日',
      images: [],
      commentCount: 0,
      commentText: '评论',
    },
  ])
  const options = global.wx.downloadFile.mock.calls[0][0]
  expect(options.url).toBe('http://127.0.0.1:5000/api/v1/attachments/31/content')
  expect(options.header).toEqual({ Authorization: 'Bearer tok-1' })
  expect(page.data).toMatchObject({ loaded: true, loadFailed: false, page: 1, pages: 1 })
})

test('at most nine photos an item', async () => {
  routeFeed([[fixtures.feedItem(8, { image_ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] })]])

  const page = await openedPage()

  expect(page.data.items[0].images.map((image) => image.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
  expect(downloadedIds()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
})

test('photos download three at a time', async () => {
  routeFeed([[fixtures.feedItem(8, { image_ids: [1, 2, 3, 4, 5] })]])
  // Downloads that answer only when the test says so.
  const waiting = []
  global.wx.downloadFile = jest.fn((options) => waiting.push(options))
  const page = loadPage('pages/meetings/feed/index')

  const loading = page.onLoad({ org_id: '3' })
  await settle()
  expect(waiting).toHaveLength(3)

  waiting[0].success({ statusCode: 200, tempFilePath: 'wxfile://tmp/1.jpg' })
  await settle()
  expect(waiting).toHaveLength(4)
  expect(page.data.items[0].images[0].path).toBe('wxfile://tmp/1.jpg')

  waiting.slice(1).forEach((options) => options.fail({ errMsg: 'downloadFile:fail' }))
  await settle()
  waiting.slice(4).forEach((options) => options.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/5.jpg' }))
  await loading

  expect(waiting).toHaveLength(5)
  expect(page.data.items[0].images.map((image) => `${image.path || '-'} ${image.failed}`)).toEqual([
    'wxfile://tmp/1.jpg false',
    '- true',
    '- true',
    '- true',
    'wxfile://tmp/5.jpg false',
  ])
})

test('a photo that cannot be downloaded shows as failed; the others still come', async () => {
  routeFeed([[fixtures.feedItem(8, { image_ids: [31, 32] })]])
  controls.state.download = (options) =>
    options.url.endsWith('/31/content') ? { statusCode: 404 } : { statusCode: 200, tempFilePath: 'wxfile://tmp/32.jpg' }

  const page = await openedPage()

  expect(page.data.items[0].images).toEqual([
    { id: 31, path: '', failed: true },
    { id: 32, path: 'wxfile://tmp/32.jpg', failed: false },
  ])
  expect(global.wx.showToast).not.toHaveBeenCalled()
})

describe('tapping', () => {
  test("a photo previews the item's photos from the downloaded files", async () => {
    routeFeed([[fixtures.feedItem(8, { image_ids: [31, 32, 33] })]])
    const page = await openedPage()

    await page.openImage(tapEvent({ item: 8, image: 32 }))

    expect(global.wx.previewImage).toHaveBeenCalledWith({
      current: 'wxfile://tmp/32.jpg',
      urls: ['wxfile://tmp/31.jpg', 'wxfile://tmp/32.jpg', 'wxfile://tmp/33.jpg'],
    })
    expect(global.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('a failed photo is tried once more, then previewed', async () => {
    routeFeed([[fixtures.feedItem(8, { image_ids: [31, 32] })]])
    controls.state.download = { fail: true }
    const page = await openedPage()
    expect(page.data.items[0].images.map((image) => image.failed)).toEqual([true, true])

    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/31.jpg' }
    await page.openImage(tapEvent({ item: 8, image: 31 }))

    expect(page.data.items[0].images[0]).toEqual({ id: 31, path: 'wxfile://tmp/31.jpg', failed: false })
    expect(global.wx.previewImage).toHaveBeenCalledWith({ current: 'wxfile://tmp/31.jpg', urls: ['wxfile://tmp/31.jpg'] })
  })

  test('a photo failing again says so', async () => {
    routeFeed([[fixtures.feedItem(8, { image_ids: [31] })]])
    controls.state.download = { statusCode: 404 }
    const page = await openedPage()

    await page.openImage(tapEvent({ item: 8, image: 31 }))

    expect(global.wx.downloadFile).toHaveBeenCalledTimes(2)
    expect(global.wx.previewImage).not.toHaveBeenCalled()
    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '图片加载失败', icon: 'none' })
  })

  test('a photo still on its way does nothing yet', async () => {
    routeFeed([[fixtures.feedItem(8, { image_ids: [31] })]])
    global.wx.downloadFile = jest.fn()
    const page = loadPage('pages/meetings/feed/index')
    page.onLoad({ org_id: '3' })
    await settle()

    await page.openImage(tapEvent({ item: 8, image: 31 }))

    expect(global.wx.downloadFile).toHaveBeenCalledTimes(1)
    expect(global.wx.previewImage).not.toHaveBeenCalled()
  })

  test('the item opens its meeting', async () => {
    routeFeed([[fixtures.feedItem(8, { id: 80, meeting_id: 8 })]])
    const page = await openedPage()

    page.openItem(tapEvent({ id: 80 }))
    page.openItem(tapEvent({ id: 999 }))

    expect(global.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/meetings/detail/index?id=8' }]])
  })
})

test('the next page comes at the bottom with its photos; a pull-down keeps the downloaded ones', async () => {
  routeFeed([[fixtures.feedItem(9, { image_ids: [41] })], [fixtures.feedItem(8, { image_ids: [31] })]])
  const page = await openedPage()

  await page.onReachBottom()
  expect(page.data.items.map((item) => item.id)).toEqual([9, 8])
  expect(page.data.items[1].images[0].path).toBe('wxfile://tmp/31.jpg')
  await page.onReachBottom()
  expect(fake.requestsTo('GET /orgs/3/feed')).toHaveLength(2)

  await page.onPullDownRefresh()
  expect(page.data.items.map((item) => item.id)).toEqual([9])
  expect(page.data.items[0].images[0].path).toBe('wxfile://tmp/41.jpg')
  expect(downloadedIds()).toEqual([41, 31])
  expect(global.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
})

test('a pull-down tries the failed photos again', async () => {
  routeFeed([[fixtures.feedItem(9, { image_ids: [41] })]])
  controls.state.download = { fail: true }
  const page = await openedPage()
  expect(page.data.items[0].images[0].failed).toBe(true)

  controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/41.jpg' }
  await page.onPullDownRefresh()

  expect(page.data.items[0].images[0]).toEqual({ id: 41, path: 'wxfile://tmp/41.jpg', failed: false })
})

test('leaving the page stops the downloads still queued', async () => {
  routeFeed([[fixtures.feedItem(8, { image_ids: [1, 2, 3, 4, 5] })]])
  const waiting = []
  global.wx.downloadFile = jest.fn((options) => waiting.push(options))
  const page = loadPage('pages/meetings/feed/index')
  page.onLoad({ org_id: '3' })
  await settle()

  page.onUnload()
  waiting.forEach((options) => options.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/x.jpg' }))
  await settle()

  expect(global.wx.downloadFile).toHaveBeenCalledTimes(3)
})

test('leaving before the feed answers downloads nothing', async () => {
  routeFeed([[fixtures.feedItem(8, { image_ids: [1, 2] })]])
  const page = loadPage('pages/meetings/feed/index')
  const loading = page.onLoad({ org_id: '3' })

  page.onUnload()
  await loading
  await settle()

  expect(global.wx.downloadFile).not.toHaveBeenCalled()
})

test('a feed that fails to load says so', async () => {
  fake.route('GET /orgs/3/feed', [{ networkFailure: true }])

  const page = await openedPage()

  expect(page.data).toMatchObject({ loaded: true, loadFailed: true, items: [] })
  expect(global.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
})

test('without an org id nothing is asked', async () => {
  const page = await openedPage({})

  expect(page.data).toMatchObject({ noOrg: true, loaded: true })
  expect(fake.requests).toHaveLength(0)
  await page.onPullDownRefresh()
  await page.onReachBottom()
  expect(fake.requests).toHaveLength(0)
})
