const { installWx } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let inbox

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  inbox = require('../../services/inbox')
})

test('list sends GET /inbox with page and per_page (20 by default) and the bearer token', async () => {
  fake.route('GET /inbox', [fixtures.inbox([fixtures.inboxItem(12)], { total: 35, pages: 2, unread: 5 })])

  const body = await inbox.list(1)

  const [call] = fake.requests
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/inbox')
  expect(call.method).toBe('GET')
  // wx.request turns a GET's data into the query string: /inbox?page=1&per_page=20
  expect(call.data).toEqual({ page: 1, per_page: 20 })
  expect(call.header.Authorization).toBe('Bearer tok-1')
  expect(body.items[0].id).toBe(12)
  expect(body.meta).toEqual({ page: 1, per_page: 20, total: 35, pages: 2 })
  expect(body.unread).toBe(5)
})

test.each([
  [{ perPage: 10, unread: true }, { page: 3, per_page: 10, unread: 'true' }],
  [{ unread: false }, { page: 3, per_page: 20, unread: 'false' }],
  [{}, { page: 3, per_page: 20 }],
])('list(3, %j) asks for %j', async (options, query) => {
  fake.route('GET /inbox', [fixtures.inbox([])])

  await inbox.list(3, options)

  expect(fake.requests[0].data).toEqual(query)
})

test('unreadCount asks for the smallest page and answers its unread count', async () => {
  fake.route('GET /inbox', [fixtures.inbox([fixtures.inboxItem(1)], { perPage: 1, total: 9, pages: 9, unread: 7 })])

  await expect(inbox.unreadCount()).resolves.toBe(7)

  expect(fake.requests[0].data).toEqual({ page: 1, per_page: 1 })
})

test('markRead posts to /inbox/<id>/read and resolves with the item', async () => {
  fake.route('POST /inbox/12/read', [{ status: 200, body: fixtures.inboxItem(12, { read_at: '2026-11-24T12:05:00Z' }) }])

  const item = await inbox.markRead(12)

  expect(fake.requests[0].method).toBe('POST')
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(item.read_at).toBe('2026-11-24T12:05:00Z')
})

test("markRead on someone else's item rejects with the server's 404", async () => {
  fake.route('POST /inbox/99/read', [fixtures.apiError(404, 'not_found', '消息不存在')])

  const error = await inbox.markRead(99).catch((e) => e)

  expect(error.name).toBe('ApiError')
  expect(error.status).toBe(404)
  expect(error.message).toBe('消息不存在')
})

test('markAllRead posts to /inbox/read-all and resolves with the count', async () => {
  fake.route('POST /inbox/read-all', [{ status: 200, body: { updated: 5 } }])

  await expect(inbox.markAllRead()).resolves.toEqual({ updated: 5 })

  expect(fake.requests.map((call) => call.key)).toEqual(['POST /inbox/read-all'])
})
