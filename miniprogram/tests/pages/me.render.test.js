/**
 * @jest-environment jsdom
 */
// Renders the real pages/me/index.wxml (compiled by the official wcc through
// miniprogram-simulate, the page adapted to Component() by tests/helpers/render.js) and checks
// what a member sees.

const { installWx } = require('../helpers/wx')
const { pageRenderer } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

const render = pageRenderer(['me'], () => 'pages/me/index')
let fake

beforeEach(() => {
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
})

test('the me page shows the bound member', async () => {
  fake.route('GET /me', [fixtures.me()])
  const comp = render('me')

  await comp.instance.load()

  const text = comp.dom.textContent
  expect(comp.querySelector('.me-name').dom.textContent).toBe('张三')
  expect(text).toContain('正式党员')
  expect(text).toContain('某某大学党委 / 计算机学院党总支 / 本科生第一党支部')
  expect(text).toContain('组织委员')
  expect(text).toContain('138****5678')
  expect(text).toContain('2021010101')
  expect(text).toContain('退出登录')
  expect(text).not.toContain('加载中')
})

test('the me page shows the network error and a retry button', async () => {
  fake.route('GET /me', [{ networkFailure: true }])
  const comp = render('me')

  await comp.instance.load()

  expect(comp.dom.textContent).toContain('网络连接失败，请稍后重试')
  expect(comp.querySelector('.me-retry')).toBeTruthy()
  expect(comp.querySelector('.me-name')).toBeFalsy()
})

test('the me page leads to 组织生活, 我的出勤 and 支部动态', async () => {
  fake.route('GET /me', [fixtures.me()])
  const comp = render('me')

  await comp.instance.load()

  expect(comp.querySelector('.me-meetings').dom.textContent).toContain('组织生活')
  expect(comp.querySelector('.me-attendance').dom.textContent).toContain('我的出勤')
  expect(comp.querySelector('.me-feed').dom.textContent).toContain('支部动态')

  comp.querySelector('.me-feed').dispatchEvent('tap')
  await new Promise((resolve) => setTimeout(resolve, 0))
  expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/feed/index?org_id=3' })
})

test('without a known branch there is no 支部动态 row', async () => {
  fake.route('GET /me', [fixtures.me({ org: null })])
  const comp = render('me')

  await comp.instance.load()

  expect(comp.querySelector('.me-meetings')).toBeTruthy()
  expect(comp.querySelector('.me-feed')).toBeFalsy()
})
