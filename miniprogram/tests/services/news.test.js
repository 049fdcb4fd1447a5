const { installWx } = require('../helpers/wx')
const info = require('../helpers/info-fixtures')

let fake
let news

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  news = require('../../services/news')
})

describe('list', () => {
  test('GET /news with page and per_page (20 by default) and the bearer token', async () => {
    fake.route('GET /news', [info.newsPage([info.newsItem(9)], { total: 30, pages: 2 })])

    const body = await news.list()

    const [call] = fake.requests
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/news')
    expect(call.method).toBe('GET')
    expect(call.data).toEqual({ page: 1, per_page: 20 })
    expect(call.header.Authorization).toBe('Bearer tok-1')
    expect(body.items[0].id).toBe(9)
    expect(body.meta).toEqual({ page: 1, per_page: 20, total: 30, pages: 2 })
  })

  test.each([
    [{ mine: true, page: 2 }, { page: 2, per_page: 20, mine: 'true' }],
    [{ mine: false }, { page: 1, per_page: 20, mine: 'false' }],
    [{ topic: 'party', per_page: 50 }, { page: 1, per_page: 50, topic: 'party' }],
    [{ topic: '', mine: null }, { page: 1, per_page: 20 }],
  ])('list(%j) asks for %j', async (params, query) => {
    fake.route('GET /news', [info.newsPage([])])

    await news.list(params)

    expect(fake.requests[0].data).toEqual(query)
  })

  test('the items a list brought are kept by id for the detail page', async () => {
    fake.route('GET /news', [info.newsPage([info.newsItem(9), info.newsItem(8, { title: '第八条' })])])

    expect(news.cachedItem(8)).toBeNull()
    await news.list()

    expect(news.cachedItem('8').title).toBe('第八条')
    expect(news.cachedItem(7)).toBeNull()
  })

  test('the cache keeps the newest CACHE_MAX items and forgets the oldest', async () => {
    const many = Array.from({ length: news.CACHE_MAX + 5 }, (_, i) => info.newsItem(i + 1))
    fake.route('GET /news', [info.newsPage(many)])

    await news.list()

    expect(news.cachedItem(1)).toBeNull()
    expect(news.cachedItem(5)).toBeNull()
    expect(news.cachedItem(6)).not.toBeNull()
    expect(news.cachedItem(news.CACHE_MAX + 5)).not.toBeNull()
  })

  test('a failed list rejects with the server error and keeps nothing', async () => {
    fake.route('GET /news', [info.apiError(422, 'unknown_topic', '没有这个主题')])

    await expect(news.list({ topic: 'x' })).rejects.toMatchObject({ status: 422, code: 'unknown_topic' })
  })
})

describe('findItem', () => {
  test('an item in the cache is answered without asking the server', async () => {
    fake.route('GET /news', [info.newsPage([info.newsItem(9)])])
    await news.list()

    const item = await news.findItem('9')

    expect(item.id).toBe(9)
    expect(fake.requestsTo('GET /news')).toHaveLength(1)
  })

  test('an item not in the cache is looked for in the newest pages of all the news', async () => {
    fake.routePages('GET /news', [[info.newsItem(9)], [info.newsItem(8)], [info.newsItem(7)]], info.newsPage)

    const item = await news.findItem(8)

    expect(item.id).toBe(8)
    expect(fake.requestsTo('GET /news').map((call) => call.data)).toEqual([
      { page: 1, per_page: news.LOOKUP_PER_PAGE },
      { page: 2, per_page: news.LOOKUP_PER_PAGE },
    ])
  })

  test('it stops after LOOKUP_PAGES pages and answers null', async () => {
    const pages = [1, 2, 3, 4, 5].map((n) => [info.newsItem(100 - n)])
    fake.routePages('GET /news', pages, info.newsPage)

    await expect(news.findItem(1)).resolves.toBeNull()

    expect(fake.requestsTo('GET /news')).toHaveLength(news.LOOKUP_PAGES)
  })

  test('an empty list answers null after one request', async () => {
    fake.route('GET /news', [info.newsPage([], { pages: 0 })])

    await expect(news.findItem(1)).resolves.toBeNull()
    expect(fake.requestsTo('GET /news')).toHaveLength(1)
  })
})

test('topics sends GET /news/topics', async () => {
  fake.route('GET /news/topics', [info.newsTopics()])

  const body = await news.topics()

  expect(fake.requests[0].method).toBe('GET')
  expect(body.items.map((topic) => topic.key)).toEqual(['party', 'education', 'policy'])
})

test('preferences sends GET /news/preferences', async () => {
  fake.route('GET /news/preferences', [info.newsPreferences(['party'], true)])

  await expect(news.preferences()).resolves.toEqual({ topics: ['party'], digest: true })
})

describe('savePreferences', () => {
  test('PUT /news/preferences with the topics and the digest, and counts a change', async () => {
    fake.route('PUT /news/preferences', [info.newsPreferences(['party', 'policy'], true)])
    const before = news.changeCount()

    const body = await news.savePreferences({ topics: ['party', 'policy'], digest: true })

    const [call] = fake.requests
    expect(call.method).toBe('PUT')
    expect(call.data).toEqual({ topics: ['party', 'policy'], digest: true })
    expect(body).toEqual({ topics: ['party', 'policy'], digest: true })
    expect(news.changeCount()).toBe(before + 1)
  })

  test('no topics and a missing digest are sent as [] and false', async () => {
    fake.route('PUT /news/preferences', [info.newsPreferences([], false)])

    await news.savePreferences({})

    expect(fake.requests[0].data).toEqual({ topics: [], digest: false })
  })

  test('422 unknown_topic rejects and counts no change', async () => {
    fake.route('PUT /news/preferences', [info.apiError(422, 'unknown_topic', '没有这个主题：x')])
    const before = news.changeCount()

    await expect(news.savePreferences({ topics: ['x'] })).rejects.toMatchObject({ status: 422, code: 'unknown_topic' })
    expect(news.changeCount()).toBe(before)
  })
})
