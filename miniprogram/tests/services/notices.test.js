const { installWx } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let notices

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  notices = require('../../services/notices')
})

test('whoami sends GET /auth/whoami with the bearer token', async () => {
  fake.route('GET /auth/whoami', [fixtures.whoami([3, 5])])

  const body = await notices.whoami()

  expect(fake.requests[0].url).toBe('http://127.0.0.1:5000/api/v1/auth/whoami')
  expect(fake.requests[0].method).toBe('GET')
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(body.roles.secretary).toEqual([3, 5])
})

test.each([
  [{ roles: { member: [3], secretary: [5, 3, 5] } }, [5, 3]],
  [{ roles: { member: [3] } }, []],
  // An empty list means "every org" (a console grant): nothing a picker can list.
  [{ roles: { secretary: [] } }, []],
  [null, []],
])('senderOrgIds(%j) is %j', (body, ids) => {
  expect(notices.senderOrgIds(body)).toEqual(ids)
})

test('getOrg sends GET /orgs/<id>', async () => {
  fake.route('GET /orgs/5', [fixtures.org(5, '研究生党支部')])

  const org = await notices.getOrg(5)

  expect(fake.requests.map((call) => call.key)).toEqual(['GET /orgs/5'])
  expect(org.name).toBe('研究生党支部')
})

test('senderOrgs names each of whoami\'s orgs (GET /orgs/<id>), with the extra id added once', async () => {
  fake.route('GET /auth/whoami', [fixtures.whoami([3, 5])])
  fake.route('GET /orgs/3', [fixtures.org(3, '本科生第一党支部')])
  fake.route('GET /orgs/5', [fixtures.org(5, '研究生党支部')])
  fake.route('GET /orgs/9', [fixtures.org(9, '教工党支部')])

  expect(await notices.senderOrgs()).toEqual([
    { id: 3, name: '本科生第一党支部' },
    { id: 5, name: '研究生党支部' },
  ])
  expect(await notices.senderOrgs(5)).toHaveLength(2)
  expect((await notices.senderOrgs(9)).map((org) => org.id)).toEqual([3, 5, 9])
})

test('list sends GET /notifications with page and per_page (20 by default)', async () => {
  fake.route('GET /notifications', [fixtures.notifications([fixtures.notification(9)], { total: 30, pages: 2 })])

  const body = await notices.list(1)

  expect(fake.requests[0].url).toBe('http://127.0.0.1:5000/api/v1/notifications')
  expect(fake.requests[0].method).toBe('GET')
  expect(fake.requests[0].data).toEqual({ page: 1, per_page: 20 })
  expect(body.items[0].id).toBe(9)
  expect(body.meta.pages).toBe(2)
})

test('list(3, { perPage: 5 }) asks for page 3 of 5', async () => {
  fake.route('GET /notifications', [fixtures.notifications([])])

  await notices.list(3, { perPage: 5 })

  expect(fake.requests[0].data).toEqual({ page: 3, per_page: 5 })
})

test('a plain member gets the server 403', async () => {
  fake.route('GET /notifications', [fixtures.apiError(403, 'forbidden', '无权执行此操作')])

  const error = await notices.list(1).catch((e) => e)

  expect(error.status).toBe(403)
  expect(error.message).toBe('无权执行此操作')
})

test('create posts { org_id, title, content } to send at once, without `at`', async () => {
  fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])

  const notice = await notices.create({ orgId: 3, title: '开会', content: '今晚七点', at: '' })

  const [call] = fake.requests
  expect(call.method).toBe('POST')
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/notifications')
  expect(call.data).toEqual({ org_id: 3, title: '开会', content: '今晚七点' })
  expect(call.header.Authorization).toBe('Bearer tok-1')
  expect(notice.id).toBe(12)
})

test('create sends `at` for a scheduled notice', async () => {
  fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12, { state: 'scheduled' }) }])

  await notices.create({ orgId: 3, title: '开会', content: '今晚七点', at: '2026-11-25T01:00:00Z' })

  expect(fake.requests[0].data).toEqual({ org_id: 3, title: '开会', content: '今晚七点', at: '2026-11-25T01:00:00Z' })
})

test('create rejects with the field errors of a 422', async () => {
  fake.route('POST /notifications', [
    fixtures.apiError(422, 'validation_error', '输入数据有误', { title: ['长度应在 1 到 40 之间'] }),
  ])

  const error = await notices.create({ orgId: 3, title: 'x', content: 'y' }).catch((e) => e)

  expect(error.status).toBe(422)
  expect(error.code).toBe('validation_error')
  expect(error.errors).toEqual({ title: ['长度应在 1 到 40 之间'] })
})

test('get sends GET /notifications/<id>; cancel sends DELETE to the same path', async () => {
  fake.route('GET /notifications/12', [{ status: 200, body: fixtures.notification(12) }])
  fake.route('DELETE /notifications/12', [{ status: 200, body: fixtures.notification(12, { state: 'cancelled' }) }])

  const notice = await notices.get(12)
  const cancelled = await notices.cancel(12)

  expect(fake.requests.map((call) => call.key)).toEqual(['GET /notifications/12', 'DELETE /notifications/12'])
  expect(notice.state).toBe('dispatched')
  expect(cancelled.state).toBe('cancelled')
})

test('cancel of a notice already sent rejects with the 409', async () => {
  fake.route('DELETE /notifications/12', [fixtures.apiError(409, 'already_sent', '通知已发出，不能撤销')])

  const error = await notices.cancel(12).catch((e) => e)

  expect(error.status).toBe(409)
  expect(error.code).toBe('already_sent')
})

test('deliveries sends the state filter and paging as query parameters', async () => {
  fake.route('GET /notifications/12/deliveries', [fixtures.deliveries([fixtures.delivery(1)])])

  await notices.deliveries(12, 2, { state: 'failed', perPage: 50 })
  await notices.deliveries(12)

  expect(fake.requests.map((call) => call.data)).toEqual([
    { page: 2, per_page: 50, state: 'failed' },
    { page: 1, per_page: 20 },
  ])
})

test('allDeliveries reads every page at the largest size, in order', async () => {
  fake.route('GET /notifications/12/deliveries', (call) => {
    const page = call.data.page
    return fixtures.deliveries([fixtures.delivery(page * 10 + 1), fixtures.delivery(page * 10 + 2)], {
      page,
      total: 6,
      pages: 3,
    })
  })

  const result = await notices.allDeliveries(12)

  expect(fake.requests.map((call) => call.data)).toEqual([
    { page: 1, per_page: 100 },
    { page: 2, per_page: 100 },
    { page: 3, per_page: 100 },
  ])
  expect(result.items.map((d) => d.id)).toEqual([11, 12, 21, 22, 31, 32])
  expect(result).toMatchObject({ total: 6, truncated: false })
})

test('allDeliveries stops after MAX_DELIVERY_PAGES and says the list is cut', async () => {
  fake.route('GET /notifications/12/deliveries', (call) =>
    fixtures.deliveries([fixtures.delivery(call.data.page)], { page: call.data.page, total: 5000, pages: 50 })
  )

  const result = await notices.allDeliveries(12)

  expect(fake.requests).toHaveLength(notices.MAX_DELIVERY_PAGES)
  expect(result.items).toHaveLength(notices.MAX_DELIVERY_PAGES)
  expect(result).toMatchObject({ total: 5000, truncated: true })
})

test('a failed page fails allDeliveries', async () => {
  fake.route('GET /notifications/12/deliveries', [
    fixtures.deliveries([fixtures.delivery(1)], { pages: 2 }),
    { networkFailure: true },
  ])

  const error = await notices.allDeliveries(12).catch((e) => e)

  expect(error.name).toBe('NetworkError')
})

test('sending or cancelling marks the list changed, once; reading does not', async () => {
  fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])
  fake.route('DELETE /notifications/12', [{ status: 200, body: fixtures.notification(12, { state: 'cancelled' }) }])
  fake.route('GET /notifications/12', [{ status: 200, body: fixtures.notification(12) }])

  expect(notices.takeListChanged()).toBe(false)
  await notices.get(12)
  expect(notices.takeListChanged()).toBe(false)

  await notices.create({ orgId: 3, title: 't', content: 'c' })
  expect(notices.takeListChanged()).toBe(true)
  expect(notices.takeListChanged()).toBe(false)

  await notices.cancel(12)
  expect(notices.takeListChanged()).toBe(true)
})

test('a failed send does not mark the list changed', async () => {
  fake.route('POST /notifications', [fixtures.apiError(422, 'no_recipients', '该组织下没有可接收通知的人员')])

  await notices.create({ orgId: 3, title: 't', content: 'c' }).catch(() => {})

  expect(notices.takeListChanged()).toBe(false)
})
