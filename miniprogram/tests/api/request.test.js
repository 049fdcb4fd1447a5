const { installWx, settle } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let api

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  api = require('../../api/request')
})

function storeToken(token) {
  fake.storeSession({ token, expires_at: '2026-12-01T00:00:00Z', member: fixtures.member })
}

test('success resolves with the parsed body and prefixes config.apiBase', async () => {
  storeToken('t1')
  fake.route('GET /me', [fixtures.me()])

  const body = await api.request({ url: '/me' })

  expect(body.name).toBe('张三')
  const [call] = fake.requests
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/me')
  expect(call.method).toBe('GET')
  expect(call.header['Content-Type']).toBe('application/json')
  expect(call.timeout).toBe(10000)
})

test('sends the stored token as a bearer header', async () => {
  storeToken('secret-token')
  fake.route('GET /me', [fixtures.me()])

  await api.request({ url: '/me' })

  expect(fake.requests[0].header.Authorization).toBe('Bearer secret-token')
})

test('auth:false sends no Authorization header even with a stored token', async () => {
  storeToken('secret-token')
  fake.route('POST /auth/bind', [fixtures.authBindOk()])

  await api.request({ url: '/auth/bind', method: 'POST', data: { a: 1 }, auth: false })

  expect(fake.requests[0].header.Authorization).toBeUndefined()
  expect(fake.requests[0].data).toEqual({ a: 1 })
})

test('timeout option is passed through to wx.request', async () => {
  fake.route('GET /ping', [{ status: 200, body: {} }])

  await api.request({ url: '/ping', auth: false, timeout: 3000 })

  expect(fake.requests[0].timeout).toBe(3000)
})

test('204 resolves with null', async () => {
  storeToken('t1')
  fake.route('POST /auth/logout', [{ status: 204, body: '' }])

  await expect(api.request({ url: '/auth/logout', method: 'POST' })).resolves.toBeNull()
})

test('a 4xx rejects with an ApiError carrying status, code, message and field errors', async () => {
  fake.route('POST /auth/bind', [
    fixtures.apiError(422, 'validation_error', '输入有误', { phone_last4: ['必须是4位数字'] }),
  ])

  const error = await api.request({ url: '/auth/bind', method: 'POST', auth: false }).catch((e) => e)

  expect(error).toBeInstanceOf(api.ApiError)
  expect(error).not.toBeInstanceOf(api.AuthError)
  expect(error).toBeInstanceOf(Error)
  expect(error.status).toBe(422)
  expect(error.code).toBe('validation_error')
  expect(error.message).toBe('输入有误')
  expect(error.errors).toEqual({ phone_last4: ['必须是4位数字'] })
})

test('a 2xx body with a `code` field is still a success (status decides, not the body)', async () => {
  fake.route('GET /odd', [{ status: 200, body: { code: 'error_like', message: '不是错误' } }])

  await expect(api.request({ url: '/odd', auth: false })).resolves.toEqual({ code: 'error_like', message: '不是错误' })
})

test('a non-JSON error body still yields an ApiError with a Chinese fallback message', async () => {
  fake.route('GET /boom', [{ status: 502, body: '<html>Bad Gateway</html>' }])

  const error = await api.request({ url: '/boom', auth: false }).catch((e) => e)

  expect(error).toBeInstanceOf(api.ApiError)
  expect(error.status).toBe(502)
  expect(error.code).toBe('')
  expect(error.message).toBe('服务器暂时无法响应，请稍后重试')
})

test('an empty error body with a known status falls back to Chinese text', async () => {
  fake.route('GET /limited', [{ status: 429, body: '' }])

  const error = await api.request({ url: '/limited', auth: false }).catch((e) => e)

  expect(error.status).toBe(429)
  expect(error.message).toMatch(/[\u4e00-\u9fa5]/)
})

test('a known code without message uses the code fallback text', async () => {
  fake.route('POST /auth/wx-login', [{ status: 403, body: { code: 'wx_user_blocked', status: 403 } }])

  const error = await api.request({ url: '/auth/wx-login', method: 'POST', auth: false }).catch((e) => e)

  expect(error.message).toBe('当前微信账号存在安全风险，暂时无法登录')
})

test('a wx.request failure rejects with a NetworkError', async () => {
  fake.route('GET /me', [{ networkFailure: true }])

  const error = await api.request({ url: '/me', auth: false }).catch((e) => e)

  expect(error).toBeInstanceOf(api.NetworkError)
  expect(error).not.toBeInstanceOf(api.ApiError)
  expect(error.message).toBe('网络连接失败，请稍后重试')
})

test('401 logs in again once, stores the new token and retries the request once', async () => {
  storeToken('stale')
  fake.route('GET /me', (call) =>
    call.header.Authorization === 'Bearer fresh' ? fixtures.me() : fixtures.apiError(401, 'token_expired', '登录已过期')
  )
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  const body = await api.request({ url: '/me' })

  expect(body.name).toBe('张三')
  expect(fake.wx.login).toHaveBeenCalledTimes(1)
  expect(fake.requestsTo('POST /auth/wx-login')[0].data).toEqual({ code: 'wx-code-1' })
  expect(fake.requestsTo('POST /auth/wx-login')[0].header.Authorization).toBeUndefined()
  expect(fake.requestsTo('GET /me').map((c) => c.header.Authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
  expect(fake.storedSession().token).toBe('fresh')
})

test('401 again after relogin rejects with AuthError and does not loop', async () => {
  storeToken('stale')
  fake.route('GET /me', [fixtures.apiError(401, 'token_invalid', '登录已失效')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  const error = await api.request({ url: '/me' }).catch((e) => e)
  await settle()

  expect(error).toBeInstanceOf(api.AuthError)
  expect(error).toBeInstanceOf(api.ApiError)
  expect(error.status).toBe(401)
  expect(fake.wx.login).toHaveBeenCalledTimes(1)
  expect(fake.requestsTo('GET /me')).toHaveLength(2)
  expect(fake.requestsTo('POST /auth/wx-login')).toHaveLength(1)
})

test('concurrent 401s share one relogin', async () => {
  storeToken('stale')
  const okOrExpired = (call) =>
    call.header.Authorization === 'Bearer fresh'
      ? { status: 200, body: { ok: call.key } }
      : fixtures.apiError(401, 'token_expired', '登录已过期')
  fake.route('GET /me', okOrExpired)
  fake.route('GET /notices', okOrExpired)
  fake.route('GET /meetings', okOrExpired)
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  const results = await Promise.all([
    api.request({ url: '/me' }),
    api.request({ url: '/notices' }),
    api.request({ url: '/meetings' }),
  ])

  expect(results.map((r) => r.ok)).toEqual(['GET /me', 'GET /notices', 'GET /meetings'])
  expect(fake.wx.login).toHaveBeenCalledTimes(1)
  expect(fake.requestsTo('POST /auth/wx-login')).toHaveLength(1)
})

test('a later 401, after the shared relogin finished, may log in again', async () => {
  storeToken('stale')
  fake.route('GET /me', [
    fixtures.apiError(401, 'token_expired', '登录已过期'),
    fixtures.me(),
    fixtures.apiError(401, 'token_expired', '登录已过期'),
    fixtures.me(),
  ])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh-1'), fixtures.authWxLoginBound('fresh-2')])

  await api.request({ url: '/me' })
  await api.request({ url: '/me' })

  expect(fake.wx.login).toHaveBeenCalledTimes(2)
  expect(fake.storedSession().token).toBe('fresh-2')
})

test('unbound after relogin rejects with AuthError carrying the bind ticket and clears the session', async () => {
  storeToken('stale')
  fake.route('GET /me', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])

  const error = await api.request({ url: '/me' }).catch((e) => e)

  expect(error).toBeInstanceOf(api.AuthError)
  expect(error.bindTicket).toBe('ticket-9')
  expect(error.message).toMatch(/[\u4e00-\u9fa5]/)
  expect(fake.requestsTo('GET /me')).toHaveLength(1)
  expect(fake.wx.login).toHaveBeenCalledTimes(1)
  expect(fake.storedSession()).toBeUndefined()
})

test('a failing relogin (WeChat unavailable) rejects with AuthError and the server message', async () => {
  storeToken('stale')
  fake.route('GET /me', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.apiError(503, 'wechat_unavailable', '微信服务繁忙')])

  const error = await api.request({ url: '/me' }).catch((e) => e)

  expect(error).toBeInstanceOf(api.AuthError)
  expect(error.code).toBe('wechat_unavailable')
  expect(error.message).toBe('微信服务繁忙')
})

test('401 on an unauthenticated request is not retried', async () => {
  fake.route('POST /auth/bind', [fixtures.apiError(401, 'bind_ticket_invalid', '绑定凭证已过期')])

  const error = await api.request({ url: '/auth/bind', method: 'POST', auth: false }).catch((e) => e)

  expect(error.code).toBe('bind_ticket_invalid')
  expect(fake.wx.login).not.toHaveBeenCalled()
})
