const { installWx } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let me

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  me = require('../../services/me')
})

test('fetchMe sends GET /me with the bearer token and returns the member', async () => {
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  fake.route('GET /me', [fixtures.me()])

  const member = await me.fetchMe()

  expect(member).toEqual(fixtures.member)
  expect(fake.requests[0].method).toBe('GET')
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
})

test('fetchMe refreshes the member kept in the stored session, keeping the token', async () => {
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: { name: '旧名字' } })
  fake.route('GET /me', [fixtures.me({ name: '李四' })])

  await me.fetchMe()

  expect(fake.storedSession()).toEqual({ token: 'tok-1', expires_at: 'x', member: expect.objectContaining({ name: '李四' }) })
})

test('fetchMe propagates a network failure', async () => {
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  fake.route('GET /me', [{ networkFailure: true }])

  const error = await me.fetchMe().catch((e) => e)

  expect(error.name).toBe('NetworkError')
  expect(error.message).toBe('网络连接失败，请稍后重试')
})
