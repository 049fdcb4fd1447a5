const { installWx } = require('../helpers/wx')
const { loadPage } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

let fake

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
})

test('a bound user is logged in and sent to 我的', async () => {
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('tok-1')])
  const page = loadPage('pages/login/index')

  await page.onLoad({})

  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/me/index' })
  expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  expect(fake.storedSession().token).toBe('tok-1')
  expect(page.data.loggingIn).toBe(false)
})

test('an unbound user is sent to the bind page with the ticket', async () => {
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('tick/et+1')])
  const page = loadPage('pages/login/index')

  await page.onLoad({})

  expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=tick%2Fet%2B1' })
  expect(fake.wx.reLaunch).not.toHaveBeenCalled()
})

test.each([
  [400, 'wx_code_invalid', '登录凭证无效，请重试'],
  [429, 'wx_rate_limited', '登录过于频繁，请稍后再试'],
  [403, 'wx_user_blocked', '该微信账号存在风险，无法登录'],
  [503, 'wechat_unavailable', '微信服务暂时不可用'],
])('a %i %s shows the server message and does not navigate', async (status, code, message) => {
  fake.route('POST /auth/wx-login', [fixtures.apiError(status, code, message)])
  const page = loadPage('pages/login/index')

  await page.onLoad({})

  expect(page.data.errorMessage).toBe(message)
  expect(page.data.loggingIn).toBe(false)
  expect(fake.wx.reLaunch).not.toHaveBeenCalled()
  expect(fake.wx.navigateTo).not.toHaveBeenCalled()
})

test('a network failure shows the network message; tapping the button retries', async () => {
  fake.route('POST /auth/wx-login', [{ networkFailure: true }, fixtures.authWxLoginBound()])
  const page = loadPage('pages/login/index')

  await page.onLoad({})
  expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')

  await page.login()
  expect(page.data.errorMessage).toBe('')
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/me/index' })
})

test('after logout the page waits for the user instead of logging straight back in', async () => {
  const page = loadPage('pages/login/index')

  await page.onLoad({ from: 'logout' })

  expect(fake.wx.login).not.toHaveBeenCalled()
  expect(fake.requests).toHaveLength(0)
})
