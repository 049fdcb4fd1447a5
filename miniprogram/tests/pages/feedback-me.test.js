// 我的 (pages/me/index) and the feedback entries: 我要反映 and 我的反映 for everyone, 反映办理 with
// its open count only for those GET /feedback/handling says handle cases; a failure of that
// request keeps what was shown, quietly.

const { installWx } = require('../helpers/wx')
const { loadPage } = require('../helpers/page')
const fb = require('./feedback-fixtures')

let fake

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
})

test('everyone gets 我要反映 and 我的反映', () => {
  const page = loadPage('pages/me/index')

  page.openFeedbackNew()
  page.openFeedbackMine()

  expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/feedback/new' }], [{ url: '/pages/feedback/mine' }]])
})

test('a handler gets 反映办理 with the open count, asked each time the page shows', async () => {
  fake.route('GET /feedback/handling', [fb.ok({ handles: true, open: 3 }), fb.ok({ handles: true, open: 120 })])
  const page = loadPage('pages/me/index')

  await page.onShow()
  expect(page.data).toMatchObject({ handlesFeedback: true, feedbackOpen: 3, feedbackOpenText: '3' })
  page.openFeedbackHandle()
  expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/feedback/handle' })

  await page.onShow()
  expect(page.data).toMatchObject({ feedbackOpen: 120, feedbackOpenText: '99+' })
})

test('anyone else does not', async () => {
  fake.route('GET /feedback/handling', [fb.ok({ handles: false, open: 0 })])
  const page = loadPage('pages/me/index')

  await page.onShow()
  page.openFeedbackHandle()

  expect(page.data.handlesFeedback).toBe(false)
  expect(fake.wx.navigateTo).not.toHaveBeenCalled()
})

test('a failure keeps what was shown and says nothing', async () => {
  fake.route('GET /feedback/handling', [fb.ok({ handles: true, open: 2 }), { networkFailure: true }])
  const page = loadPage('pages/me/index')

  await page.onShow()
  await page.onShow()

  expect(page.data).toMatchObject({ handlesFeedback: true, feedbackOpen: 2 })
  expect(fake.wx.showToast).not.toHaveBeenCalled()
})

test('pull-down asks again; logging out forgets it', async () => {
  fake.route('GET /me', [{ status: 200, body: { id: 7, name: '张三', roles: ['member'] } }])
  fake.route('GET /feedback/handling', [fb.ok({ handles: true, open: 1 })])
  fake.route('POST /auth/logout', [{ status: 204, body: '' }])
  const page = loadPage('pages/me/index')

  await page.onPullDownRefresh()
  expect(fake.requestsTo('GET /feedback/handling')).toHaveLength(1)
  expect(page.data.handlesFeedback).toBe(true)

  await page.logout()
  expect(page.data).toMatchObject({ handlesFeedback: false, feedbackOpen: 0 })
})
