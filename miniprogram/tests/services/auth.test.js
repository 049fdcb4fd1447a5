const { installWx } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let auth

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  auth = require('../../services/auth')
})

test('wxLogin sends the wx.login code and stores the session when bound', async () => {
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('tok-1')])

  const result = await auth.wxLogin()

  expect(result.status).toBe('bound')
  expect(fake.requests).toHaveLength(1)
  expect(fake.requests[0].data).toEqual({ code: 'wx-code-1' })
  expect(fake.requests[0].header.Authorization).toBeUndefined()
  expect(fake.wx.setStorageSync).toHaveBeenCalledWith('session', expect.any(Object))
  expect(fake.storedSession()).toEqual({
    token: 'tok-1',
    expires_at: '2026-12-01T00:00:00Z',
    member: fixtures.member,
  })
  expect(auth.isLoggedIn()).toBe(true)
})

test('wxLogin when unbound returns the ticket and leaves no session behind', async () => {
  fake.storeSession({ token: 'old', expires_at: 'x', member: null })
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-1')])

  const result = await auth.wxLogin()

  expect(result).toEqual({ status: 'unbound', bind_ticket: 'ticket-1', expires_at: '2026-12-01T00:10:00Z' })
  expect(fake.storedSession()).toBeUndefined()
  expect(auth.isLoggedIn()).toBe(false)
})

test('wxLogin rejects with the server error (e.g. wx_rate_limited)', async () => {
  fake.route('POST /auth/wx-login', [fixtures.apiError(429, 'wx_rate_limited', '登录太频繁，请一分钟后再试')])

  const error = await auth.wxLogin().catch((e) => e)

  expect(error.code).toBe('wx_rate_limited')
  expect(error.message).toBe('登录太频繁，请一分钟后再试')
})

test('wxLogin rejects with a Chinese message when wx.login itself fails', async () => {
  fake.wx.login.mockImplementation((options) => setTimeout(() => options.fail({ errMsg: 'login:fail' }), 0))

  const error = await auth.wxLogin().catch((e) => e)

  expect(error.code).toBe('wx_login_failed')
  expect(error.message).toBe('微信登录失败，请稍后重试')
  expect(fake.requests).toHaveLength(0)
})

test('bind by invite code sends ticket, method and code, then stores the session', async () => {
  fake.route('POST /auth/bind', [fixtures.authBindOk('tok-bind')])

  await auth.bind({ bindTicket: 'ticket-1', method: 'invite', inviteCode: 'ABC123' })

  expect(fake.requests[0].data).toEqual({ bind_ticket: 'ticket-1', method: 'invite', invite_code: 'ABC123' })
  expect(fake.requests[0].header.Authorization).toBeUndefined()
  expect(fake.storedSession().token).toBe('tok-bind')
  expect(fake.storedSession().member.name).toBe('张三')
})

test('bind by identity sends staff_no, name and phone_last4', async () => {
  fake.route('POST /auth/bind', [fixtures.authBindOk()])

  await auth.bind({ bindTicket: 't', method: 'identity', staffNo: '2021010101', name: '张三', phoneLast4: '5678' })

  expect(fake.requests[0].data).toEqual({
    bind_ticket: 't',
    method: 'identity',
    staff_no: '2021010101',
    name: '张三',
    phone_last4: '5678',
  })
})

test('a failed bind stores nothing', async () => {
  fake.route('POST /auth/bind', [fixtures.apiError(409, 'already_bound', '该成员已绑定其他微信')])

  const error = await auth.bind({ bindTicket: 't', method: 'invite', inviteCode: 'X' }).catch((e) => e)

  expect(error.code).toBe('already_bound')
  expect(fake.storedSession()).toBeUndefined()
})

test('logout revokes the token on the server and clears the session', async () => {
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  fake.route('POST /auth/logout', [{ status: 204, body: '' }])

  await auth.logout()

  expect(fake.requests[0].key).toBe('POST /auth/logout')
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(fake.storedSession()).toBeUndefined()
})

test('logout clears the session even when the server is unreachable, and never relogs in', async () => {
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  fake.route('POST /auth/logout', [fixtures.apiError(401, 'token_invalid', '登录已失效')])

  await auth.logout()

  expect(fake.wx.login).not.toHaveBeenCalled()
  expect(fake.storedSession()).toBeUndefined()
})

test('logout without a session makes no request', async () => {
  await auth.logout()

  expect(fake.requests).toHaveLength(0)
})
