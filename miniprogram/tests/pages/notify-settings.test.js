const { installWx, settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

let fake

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  fake.route('GET /notifications/preferences', [fixtures.preferences()])
  fake.route('GET /notifications/subscribe-templates', [fixtures.subscribeTemplates()])
})

async function openedPage() {
  const page = loadPage('pages/notify-settings/index')
  await page.onLoad()
  return page
}

function switchEvent(kind, value) {
  return tapEvent({ kind }, { value })
}

function enabledOf(page, kind) {
  return page.data.items.find((item) => item.kind === kind).enabled
}

test('loads the preferences and the subscribe templates', async () => {
  const page = await openedPage()

  expect(page.data.loading).toBe(false)
  expect(page.data.items).toEqual(fixtures.preferenceItems)
  expect(page.data.templates).toEqual(fixtures.templateItems)
  expect(fake.requests.map((call) => call.key).sort()).toEqual([
    'GET /notifications/preferences',
    'GET /notifications/subscribe-templates',
  ])
})

test('a failed load shows the message with a retry; templates that fail only hide the button', async () => {
  fake.route('GET /notifications/preferences', [{ networkFailure: true }, fixtures.preferences()])
  fake.route('GET /notifications/subscribe-templates', [fixtures.apiError(500, 'internal_error', '出错了')])

  const page = await openedPage()
  expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')
  expect(page.data.templates).toEqual([])

  await page.load()
  expect(page.data.errorMessage).toBe('')
  expect(page.data.items).toEqual(fixtures.preferenceItems)
})

test('switching a kind off saves it', async () => {
  fake.route('PATCH /notifications/preferences', [fixtures.preferences({ meeting_notice: false })])
  const page = await openedPage()

  await page.toggle(switchEvent('meeting_notice', false))

  expect(fake.requestsTo('PATCH /notifications/preferences')[0].data).toEqual({ preferences: { meeting_notice: false } })
  expect(enabledOf(page, 'meeting_notice')).toBe(false)
  expect(fake.wx.showToast).not.toHaveBeenCalled()
})

test('switching a kind on saves it', async () => {
  fake.route('PATCH /notifications/preferences', [fixtures.preferences({ dues_reminder: true })])
  const page = await openedPage()

  await page.toggle(switchEvent('dues_reminder', true))

  expect(fake.requestsTo('PATCH /notifications/preferences')[0].data).toEqual({ preferences: { dues_reminder: true } })
  expect(enabledOf(page, 'dues_reminder')).toBe(true)
})

test.each([
  [fixtures.apiError(422, 'not_switchable', '该通知不能关闭'), '该通知不能关闭'],
  [{ networkFailure: true }, '网络连接失败，请稍后重试'],
])('a failed save moves the switch back and shows the message', async (reply, message) => {
  fake.route('PATCH /notifications/preferences', [reply])
  const page = await openedPage()
  page.setData.mockClear()

  await page.toggle(switchEvent('meeting_notice', false))

  expect(enabledOf(page, 'meeting_notice')).toBe(true)
  expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: message, icon: 'none' }))
  // Data followed the switch to false first, so the return to true is a change the view applies.
  const values = page.setData.mock.calls.map(([update]) => update['items[0].enabled']).filter((v) => v !== undefined)
  expect(values).toEqual([false, true])
})

test('the answer for one kind does not undo another switch toggled meanwhile', async () => {
  fake.route('PATCH /notifications/preferences', (call) =>
    call.data.preferences.meeting_notice === false
      ? fixtures.preferences({ meeting_notice: false })
      : fixtures.preferences({ study_task: false })
  )
  const page = await openedPage()

  await Promise.all([
    page.toggle(switchEvent('meeting_notice', false)),
    page.toggle(switchEvent('study_task', false)),
  ])

  expect(enabledOf(page, 'meeting_notice')).toBe(false)
  expect(enabledOf(page, 'study_task')).toBe(false)
})

test('quick off-on taps: only the last answer counts', async () => {
  fake.route('PATCH /notifications/preferences', [
    Object.assign(fixtures.preferences({ meeting_notice: false }), { delay: 20 }),
    fixtures.preferences({ meeting_notice: true }),
  ])
  const page = await openedPage()

  await Promise.all([
    page.toggle(switchEvent('meeting_notice', false)),
    page.toggle(switchEvent('meeting_notice', true)),
  ])

  expect(enabledOf(page, 'meeting_notice')).toBe(true)
})

test('a kind that is not switchable sends nothing', async () => {
  const page = await openedPage()

  await page.toggle(switchEvent('account_security', false))

  expect(fake.requestsTo('PATCH /notifications/preferences')).toHaveLength(0)
})

describe('接收微信提醒', () => {
  test('asks synchronously for the enabled kinds with a template and shows the answer', async () => {
    fake.answerSubscribe(() => ({ results: { TPL_MEETING: 'accept', TPL_STUDY: 'reject', TPL_VOTE: 'accept' } }))
    fake.route('POST /notifications/subscribe-grants', [{ status: 200, body: { granted: { TPL_MEETING: 3, TPL_VOTE: 1 } } }])
    const page = await openedPage()

    const tapped = page.subscribe()
    // Still inside the tap: WeChat would refuse a dialog opened after a network round trip.
    expect(fake.wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    await tapped

    // dues_reminder is switched off; account_security would be the 4th template.
    expect(fake.wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_MEETING', 'TPL_STUDY', 'TPL_VOTE'])
    expect(fake.requestsTo('POST /notifications/subscribe-grants')[0].data).toEqual({
      results: { TPL_MEETING: 'accept', TPL_STUDY: 'reject', TPL_VOTE: 'accept' },
    })
    expect(page.data.subscribing).toBe(false)
    expect(page.data.subscribeResult).toBe(
      '已开启：会议通知（可提醒3次）、投票通知（可提醒1次）；未开启：学习任务；还有1项，请再点一次开启'
    )
  })

  test('the next tap asks first for the kinds left over', async () => {
    fake.route('POST /notifications/subscribe-grants', [{ status: 200, body: { granted: {} } }])
    const page = await openedPage()

    await page.subscribe()
    await page.subscribe()

    expect(fake.wx.requestSubscribeMessage.mock.calls.map(([options]) => options.tmplIds)).toEqual([
      ['TPL_MEETING', 'TPL_STUDY', 'TPL_VOTE'],
      ['TPL_SECURITY', 'TPL_MEETING', 'TPL_STUDY'],
    ])
  })

  test('subscribe messages switched off (20004) tells the member where to switch them on', async () => {
    fake.answerSubscribe(() => ({ fail: true, errCode: 20004 }))
    const page = await openedPage()

    await page.subscribe()

    expect(page.data.subscribeResult).toMatch(/设置/)
    expect(fake.requestsTo('POST /notifications/subscribe-grants')).toHaveLength(0)
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('answers that cannot be saved are said so, with a toast', async () => {
    fake.answerSubscribe(() => ({ results: { TPL_MEETING: 'accept' } }))
    fake.route('POST /notifications/subscribe-grants', [{ networkFailure: true }])
    const page = await openedPage()

    await page.subscribe()

    expect(page.data.subscribeResult).toMatch(/未能保存/)
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
  })

  test('with every kind switched off there is nothing to ask', async () => {
    fake.route('GET /notifications/preferences', [
      { status: 200, body: { items: fixtures.preferenceItems.map((item) => Object.assign({}, item, { enabled: false })) } },
    ])
    // Without vote_notice: it has no preference to switch off, so it would still be asked.
    fake.route('GET /notifications/subscribe-templates', [
      fixtures.subscribeTemplates(fixtures.templateItems.filter((item) => item.kind !== 'vote_notice')),
    ])
    const page = await openedPage()

    await page.subscribe()
    await settle()

    expect(fake.wx.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(page.data.subscribeResult).toBe('请先打开至少一项可微信提醒的通知')
  })
})
