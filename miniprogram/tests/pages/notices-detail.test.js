const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

const PEOPLE = [
  fixtures.delivery(1, { name: '张三', state: 'delivered', read_at: '2026-11-24T12:10:00Z' }),
  fixtures.delivery(2, { name: '李四', state: 'sent', channel: 'subscribe' }),
  fixtures.delivery(3, { name: '王五', state: 'unreachable', reason: 'not_bound' }),
  fixtures.delivery(4, { name: '赵六', state: 'unreachable', reason: 'no_wechat_channel' }),
  fixtures.delivery(5, { name: '钱七', state: 'muted', reason: 'opted_out', read_at: '2026-11-24T12:20:00Z' }),
  fixtures.delivery(6, { name: '孙八', state: 'failed', reason: 'wechat_45047', channel: 'template' }),
  fixtures.delivery(7, { name: '周九', state: 'unreachable', reason: 'no_subscribe_grant' }),
]

function dispatched(overrides = {}) {
  return fixtures.notification(12, overrides, {
    byState: { delivered: 1, sent: 1, unreachable: 3, muted: 1, failed: 1 },
    read: 2,
  })
}

function scheduled(overrides = {}) {
  return fixtures.notification(
    12,
    Object.assign(
      { state: 'scheduled', scheduled_at: '2026-11-25T01:00:00Z', dispatched_at: null, push_at: null, recipient_count: 7 },
      overrides
    )
  )
}

async function openedPage(id = '12') {
  const page = loadPage('pages/notices/detail')
  await page.onLoad({ id })
  return page
}

function names(page) {
  return page.data.shown.map((recipient) => recipient.name)
}

describe('a notice that went out', () => {
  beforeEach(() => {
    fake.route('GET /notifications/12', [{ status: 200, body: dispatched() }])
    fake.route('GET /notifications/12/deliveries', [fixtures.deliveries(PEOPLE)])
  })

  test('shows the notice, its counts and everyone who got it', async () => {
    const page = await openedPage()

    expect(page.data.notice).toMatchObject({
      title: '支部通知 12',
      body: '请各位党员于12月1日19:00到A301参加支部党员大会。',
      sender: '张三',
      stateLabel: '已发送',
      whenText: '发送时间：11月24日 20:00',
      deferralNote: '',
      counts: { people: 7, total: 7, read: 2, wechat: 2, inboxOnly: 4, failed: 1, pending: 0 },
    })
    expect(page.data.tabs).toEqual([
      { key: 'all', label: '全部', count: 7 },
      { key: 'undelivered', label: '未送达', count: 5 },
      { key: 'unread', label: '未读', count: 5 },
      { key: 'read', label: '已读', count: 2 },
    ])
    // All of them at once, at the largest page size, filtered on the phone.
    expect(fake.requestsTo('GET /notifications/12/deliveries').map((call) => call.data)).toEqual([
      { page: 1, per_page: 100 },
    ])
    expect(names(page)).toEqual(['张三', '李四', '王五', '赵六', '钱七', '孙八', '周九'])
  })

  test('each recipient: state label, reason in Chinese, channel and read', async () => {
    const page = await openedPage()

    const byName = Object.fromEntries(page.data.recipients.map((r) => [r.name, r]))
    expect(byName['张三']).toMatchObject({ stateLabel: '已送达', reasonText: '', channelText: '公众号', read: true })
    expect(byName['李四']).toMatchObject({ stateLabel: '已发送', channelText: '订阅消息', read: false })
    expect(byName['王五']).toMatchObject({ stateLabel: '微信不可达（仅站内信）', reasonText: '未绑定微信' })
    expect(byName['赵六'].reasonText).toBe('未关注公众号且未订阅')
    expect(byName['钱七']).toMatchObject({ stateLabel: '已关闭此类提醒（仅站内信）', reasonText: '已关闭此类提醒' })
    expect(byName['孙八']).toMatchObject({ stateLabel: '发送失败', reasonText: '微信错误 45047' })
    expect(byName['周九'].reasonText).toBe('订阅次数已用完')
  })

  test('the tabs filter the list without asking the server again', async () => {
    const page = await openedPage()

    page.selectFilter(tapEvent({ key: 'undelivered' }))
    expect(names(page)).toEqual(['王五', '赵六', '钱七', '孙八', '周九'])
    page.selectFilter(tapEvent({ key: 'read' }))
    expect(names(page)).toEqual(['张三', '钱七'])
    page.selectFilter(tapEvent({ key: 'unread' }))
    expect(names(page)).toEqual(['李四', '王五', '赵六', '孙八', '周九'])
    page.selectFilter(tapEvent({ key: 'nonsense' }))
    expect(page.data.filter).toBe('unread')
    page.selectFilter(tapEvent({ key: 'all' }))
    expect(names(page)).toHaveLength(7)

    expect(fake.requestsTo('GET /notifications/12/deliveries')).toHaveLength(1)
  })

  test('a refresh keeps the chosen tab', async () => {
    const page = await openedPage()
    page.selectFilter(tapEvent({ key: 'read' }))

    await page.onPullDownRefresh()

    expect(page.data.filter).toBe('read')
    expect(names(page)).toEqual(['张三', '钱七'])
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })

  test('there is nothing to cancel', async () => {
    const page = await openedPage()

    await page.cancel()

    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.requestsTo('DELETE /notifications/12')).toHaveLength(0)
  })
})

test('pushes held past quiet hours are noted with their time', async () => {
  fake.route('GET /notifications/12', [
    { status: 200, body: dispatched({ dispatched_at: '2026-11-24T15:10:00Z', push_at: '2026-11-24T23:00:00Z' }) },
  ])
  fake.route('GET /notifications/12/deliveries', [fixtures.deliveries([])])
  Date.now.mockReturnValue(Date.UTC(2026, 10, 24, 15, 11))

  const page = await openedPage()

  expect(page.data.notice.deferralNote).toBe('免打扰时段，微信提醒将于 07:00 推送')
})

test('a list the recipients fail to load shows its own error; the notice stays', async () => {
  fake.route('GET /notifications/12', [{ status: 200, body: dispatched() }])
  fake.route('GET /notifications/12/deliveries', [{ networkFailure: true }, fixtures.deliveries(PEOPLE)])

  const page = await openedPage()
  expect(page.data.notice.title).toBe('支部通知 12')
  expect(page.data.recipientsError).toBe('网络连接失败，请稍后重试')

  await page.loadRecipients()
  expect(page.data.recipientsError).toBe('')
  expect(page.data.recipients).toHaveLength(7)
})

test('a notice that cannot be loaded shows the message', async () => {
  fake.route('GET /notifications/12', [fixtures.apiError(404, 'not_found', '通知不存在')])

  const page = await openedPage()

  expect(page.data).toMatchObject({ loading: false, errorMessage: '通知不存在', notice: null })
  expect(fake.requestsTo('GET /notifications/12/deliveries')).toHaveLength(0)
})

test('a session that cannot be restored goes back to the login page', async () => {
  fake.route('GET /notifications/12', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])

  await openedPage()

  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=ticket-9' })
})

test('without an id nothing is asked', async () => {
  const page = loadPage('pages/notices/detail')

  await page.onLoad({})

  expect(page.data.errorMessage).toBe('通知不存在')
  expect(fake.requests).toHaveLength(0)
})

describe('撤销 a scheduled notice', () => {
  beforeEach(() => {
    fake.route('GET /notifications/12', [
      { status: 200, body: scheduled() },
      { status: 200, body: scheduled({ state: 'cancelled' }) },
    ])
  })

  test('shows when it will go out and lists nobody yet', async () => {
    const page = await openedPage()

    expect(page.data.notice).toMatchObject({ stateLabel: '待发送', whenText: '定时发送：11月25日 09:00' })
    expect(page.data.notice.counts.people).toBe(7)
    expect(page.data.recipients).toEqual([])
    expect(fake.requestsTo('GET /notifications/12/deliveries')).toHaveLength(0)
  })

  test('asks first, then cancels and shows it cancelled', async () => {
    fake.route('DELETE /notifications/12', [{ status: 200, body: scheduled({ state: 'cancelled' }) }])
    const page = await openedPage()

    await page.cancel()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '撤销通知', confirmText: '撤销' }))
    expect(fake.requestsTo('DELETE /notifications/12')).toHaveLength(1)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已撤销', icon: 'success' })
    expect(fake.requestsTo('GET /notifications/12')).toHaveLength(2)
    expect(page.data.notice).toMatchObject({ state: 'cancelled', stateLabel: '已撤销', whenText: '已撤销（原定 11月25日 09:00 发送）' })
    expect(page.data.cancelling).toBe(false)
  })

  test.each([[false], ['fail']])('answering 取消 (or a modal that fails: %p) sends nothing', async (answer) => {
    fake.answerModal(answer)
    const page = await openedPage()

    await page.cancel()

    expect(fake.wx.showModal).toHaveBeenCalledTimes(1)
    expect(fake.requestsTo('DELETE /notifications/12')).toHaveLength(0)
    expect(page.data.notice.state).toBe('scheduled')
    expect(page.data.cancelling).toBe(false)
  })

  test("409: it went out meanwhile — the server's message, then the notice as it is now", async () => {
    fake.route('DELETE /notifications/12', [fixtures.apiError(409, 'already_sent', '通知已发出，不能撤销')])
    fake.route('GET /notifications/12', [{ status: 200, body: scheduled() }, { status: 200, body: dispatched() }])
    fake.route('GET /notifications/12/deliveries', [fixtures.deliveries(PEOPLE)])
    const page = await openedPage()

    await page.cancel()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '通知已发出，不能撤销', icon: 'none', duration: 2000 })
    expect(page.data.notice.state).toBe('dispatched')
    expect(page.data.recipients).toHaveLength(7)
    expect(page.data.cancelling).toBe(false)
  })

  test('a network failure is a toast and the notice stays scheduled', async () => {
    fake.route('DELETE /notifications/12', [{ networkFailure: true }])
    const page = await openedPage()

    await page.cancel()

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
    expect(fake.requestsTo('GET /notifications/12')).toHaveLength(1)
    expect(page.data.notice.state).toBe('scheduled')
  })

  test('a double tap asks once', async () => {
    fake.route('DELETE /notifications/12', [{ status: 200, body: scheduled({ state: 'cancelled' }) }])
    const page = await openedPage()

    await Promise.all([page.cancel(), page.cancel()])

    expect(fake.wx.showModal).toHaveBeenCalledTimes(1)
    expect(fake.requestsTo('DELETE /notifications/12')).toHaveLength(1)
    await settle()
  })
})
