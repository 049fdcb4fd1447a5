const { installWx } = require('../helpers/wx')
const info = require('../helpers/info-fixtures')

let fake
let announcements

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  announcements = require('../../services/announcements')
})

test('list sends GET /announcements with page and per_page (20 by default)', async () => {
  fake.route('GET /announcements', [info.announcementPage([info.announcementItem(5)], { total: 21, pages: 2 })])

  const body = await announcements.list()

  const [call] = fake.requests
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/announcements')
  expect(call.method).toBe('GET')
  expect(call.data).toEqual({ page: 1, per_page: 20 })
  expect(call.header.Authorization).toBe('Bearer tok-1')
  expect(body.meta.pages).toBe(2)
})

test('list(3, { perPage: 5 }) asks for that page and size', async () => {
  fake.route('GET /announcements', [info.announcementPage([])])

  await announcements.list(3, { perPage: 5 })

  expect(fake.requests[0].data).toEqual({ page: 3, per_page: 5 })
})

describe('get', () => {
  test('GET /announcements/{id} and remembers it as read on this phone', async () => {
    fake.route('GET /announcements/5', [info.announcementBody(5)])

    expect(announcements.wasRead(5)).toBe(false)
    const body = await announcements.get('5')

    expect(fake.requests[0].method).toBe('GET')
    expect(body.body).toContain('主题党日')
    expect(announcements.wasRead(5)).toBe(true)
    expect(announcements.wasRead('5')).toBe(true)
  })

  test('a 404 rejects and is not remembered as read', async () => {
    fake.route('GET /announcements/6', [info.apiError(404, 'not_found', '公告不存在')])

    await expect(announcements.get(6)).rejects.toMatchObject({ status: 404 })
    expect(announcements.wasRead(6)).toBe(false)
  })

  test('the id is encoded into the path', async () => {
    fake.route('GET /announcements/a%2Fb', [info.announcementBody(1)])

    await announcements.get('a/b')

    expect(fake.requests[0].url).toBe('http://127.0.0.1:5000/api/v1/announcements/a%2Fb')
  })
})

describe('managed', () => {
  test('GET /announcements/managed with page and per_page; no status unless asked', async () => {
    fake.route('GET /announcements/managed', [info.announcementPage([info.managedItem(5, { title: '十一月公告' })])])

    await announcements.managed(2)

    expect(fake.requests[0].data).toEqual({ page: 2, per_page: 20 })
    expect(announcements.managedItem(5).title).toBe('十一月公告')
    expect(announcements.managedItem(6)).toBeNull()
  })

  test('a status narrows the list', async () => {
    fake.route('GET /announcements/managed', [info.announcementPage([])])

    await announcements.managed(1, { status: 'published', perPage: 10 })

    expect(fake.requests[0].data).toEqual({ page: 1, per_page: 10, status: 'published' })
  })

  test('403 for a member who manages nothing', async () => {
    fake.route('GET /announcements/managed', [info.apiError(403, 'forbidden', '没有权限')])

    await expect(announcements.managed(1)).rejects.toMatchObject({ status: 403 })
  })
})

test('receipts sends GET /announcements/{id}/receipts with the state and the page', async () => {
  fake.route('GET /announcements/5/receipts', [info.receiptsPage([info.receipt(1)])])

  const body = await announcements.receipts(5, 2, { state: 'unread' })

  expect(fake.requests[0].data).toEqual({ page: 2, per_page: 20, state: 'unread' })
  expect(body).toMatchObject({ audience_size: 30, read_count: 12 })
})

test('receipts without a state leaves it to the server', async () => {
  fake.route('GET /announcements/5/receipts', [info.receiptsPage([])])

  await announcements.receipts(5)

  expect(fake.requests[0].data).toEqual({ page: 1, per_page: 20 })
})
