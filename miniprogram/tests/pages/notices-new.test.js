const { signedInEachTest, settle } = require('../helpers/wx')
const { ROOT, loadPage, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const { runInZones } = require('../helpers/zones')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

beforeEach(() => {
  fake.route('GET /auth/whoami', [fixtures.whoami([3])])
  fake.route('GET /orgs/3', [fixtures.org(3, '本科生第一党支部')])
  fake.route('GET /orgs/5', [fixtures.org(5, '研究生党支部')])
})

async function openedPage() {
  const page = loadPage('pages/notices/new')
  await page.onLoad()
  return page
}

// A filled form for the org that is preselected (the only one).
async function filledPage() {
  const page = await openedPage()
  page.onTitleInput(inputEvent('支部党员大会'))
  page.onContentInput(inputEvent('请于12月1日19:00到A301参加支部党员大会。'))
  return page
}

function posted() {
  return fake.requestsTo('POST /notifications').map((call) => call.data)
}

describe('the orgs', () => {
  test('one org is preselected', async () => {
    const page = await openedPage()

    expect(fake.requests.map((call) => call.key)).toEqual(['GET /auth/whoami', 'GET /orgs/3'])
    expect(page.data.orgs).toEqual([{ id: 3, name: '本科生第一党支部' }])
    expect(page.data.orgIndex).toBe(0)
    expect(page.data).toMatchObject({ loadingOrgs: false, orgsError: '' })
  })

  test('with several the member must pick one', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([5, 3])])

    const page = await openedPage()

    expect(page.data.orgs).toEqual([
      { id: 5, name: '研究生党支部' },
      { id: 3, name: '本科生第一党支部' },
    ])
    expect(page.data.orgIndex).toBe(-1)

    page.onTitleInput(inputEvent('标题'))
    page.onContentInput(inputEvent('内容'))
    await page.submit()
    expect(page.data.fieldErrors.org).toBe('请选择接收通知的组织')
    expect(posted()).toEqual([])

    page.pickOrg(inputEvent('1'))
    expect(page.data.orgIndex).toBe(1)
    expect(page.data.fieldErrors.org).toBe('')
    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])
    await page.submit()
    expect(posted()[0].org_id).toBe(3)
  })

  test('a member with no secretary post is told so', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami(null)])

    const page = await openedPage()

    expect(page.data.orgs).toEqual([])
    expect(page.data.orgsError).toBe('你没有可以发送通知的组织')
    expect(fake.requests.map((call) => call.key)).toEqual(['GET /auth/whoami'])
  })

  test('a failed load shows the message, and a retry works', async () => {
    fake.route('GET /auth/whoami', [{ networkFailure: true }, fixtures.whoami([3])])

    const page = await openedPage()
    expect(page.data).toMatchObject({ loadingOrgs: false, orgsError: '网络连接失败，请稍后重试', orgs: [] })

    await page.loadOrgs()
    expect(page.data).toMatchObject({ orgsError: '', orgIndex: 0 })
  })

  test('a lost session goes back to the login page', async () => {
    fake.route('GET /auth/whoami', [fixtures.apiError(401, 'token_expired', '登录已过期')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

    await openedPage()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })
})

describe('title and content', () => {
  test('count characters as they are typed, as the server counts them (trimmed, emoji as one)', async () => {
    const page = await openedPage()

    page.onTitleInput(inputEvent('  开会👍 '))
    page.onContentInput(inputEvent('今晚七点'))

    expect(page.data).toMatchObject({ title: '  开会👍 ', titleCount: 3, content: '今晚七点', contentCount: 4 })
    expect(page.data).toMatchObject({ titleMax: 40, contentMax: 500 })
  })

  test('both are required; nothing is sent', async () => {
    const page = await openedPage()
    page.onTitleInput(inputEvent('   '))

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ title: '请输入标题', content: '请输入通知内容' })
    expect(posted()).toEqual([])
  })

  test('the server limits: 40 characters of title and 500 of content', async () => {
    const page = await openedPage()
    page.onTitleInput(inputEvent('题'.repeat(41)))
    page.onContentInput(inputEvent('文'.repeat(501)))

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ title: '标题不能超过 40 个字', content: '内容不能超过 500 个字' })
    expect(posted()).toEqual([])

    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])
    page.onTitleInput(inputEvent('题'.repeat(40)))
    page.onContentInput(inputEvent('文'.repeat(500)))
    await page.submit()
    expect(page.data.fieldErrors).toEqual({})
    expect(posted()).toHaveLength(1)
  })

  test('typing clears the message of that field only', async () => {
    const page = await openedPage()
    await page.submit()

    page.onTitleInput(inputEvent('开'))

    expect(page.data.fieldErrors).toEqual({ title: '', content: '请输入通知内容' })
  })
})

describe('sending', () => {
  test('sends at once: trimmed title and content, no `at`, then opens the report in place of the form', async () => {
    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])
    const page = await openedPage()
    page.onTitleInput(inputEvent(' 支部党员大会 '))
    page.onContentInput(inputEvent('\n请准时参加。\n'))

    await page.submit()

    expect(posted()).toEqual([{ org_id: 3, title: '支部党员大会', content: '请准时参加。' }])
    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=12' })
    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已发送', icon: 'success' })
    expect(page.data.sending).toBe(false)
  })

  test('the button is disabled while sending: a second tap sends nothing', async () => {
    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])
    const page = await filledPage()

    const first = page.submit()
    expect(page.data.sending).toBe(true)
    await Promise.all([first, page.submit()])

    expect(posted()).toHaveLength(1)
    expect(fake.wx.redirectTo).toHaveBeenCalledTimes(1)
  })

  test("a 422 shows the server's first message of each field next to it, without a toast", async () => {
    fake.route('POST /notifications', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', {
        title: ['长度应在 1 到 40 之间', '第二条'],
        at: ['定时发送时间应在未来 90 天内'],
      }),
    ])
    const page = await filledPage()

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ title: '长度应在 1 到 40 之间', at: '定时发送时间应在未来 90 天内' })
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    expect(fake.wx.redirectTo).not.toHaveBeenCalled()
    expect(page.data.sending).toBe(false)
  })

  test('an org_id error is shown at the org picker', async () => {
    fake.route('POST /notifications', [fixtures.apiError(422, 'validation_error', '输入数据有误', { org_id: ['应为整数'] })])
    const page = await filledPage()

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ org: '应为整数' })
  })

  test.each([
    [fixtures.apiError(422, 'no_recipients', '该组织下没有可接收通知的人员'), '该组织下没有可接收通知的人员'],
    [fixtures.apiError(404, 'not_found', '组织不存在'), '组织不存在'],
    [fixtures.apiError(422, 'validation_error', '输入数据有误', { _schema: ['请求无效'] }), '输入数据有误'],
    [{ networkFailure: true }, '网络连接失败，请稍后重试'],
  ])('other errors are a toast (%#)', async (reply, message) => {
    fake.route('POST /notifications', [reply])
    const page = await filledPage()

    await page.submit()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: message, icon: 'none', duration: 2000 })
    expect(page.data.fieldErrors).toEqual({})
    expect(page.data.sending).toBe(false)
    expect(fake.wx.redirectTo).not.toHaveBeenCalled()
  })
})

describe('定时发送', () => {
  test('switching it on starts at the first full hour half an hour away, with the picker range', async () => {
    // 20:31 in Beijing: 21:01 is the earliest, 22:00 the first full hour after it.
    Date.now.mockReturnValue(Date.UTC(2026, 10, 24, 12, 31))
    const page = await openedPage()

    page.toggleSchedule(inputEvent(true))

    expect(page.data).toMatchObject({
      scheduled: true,
      date: '2026-11-24',
      clock: '22:00',
      dateStart: '2026-11-24',
      dateEnd: '2027-02-22',
      scheduleText: '将于 11月24日 22:00（北京时间）发送',
    })
  })

  test('the Beijing date and time picked are sent as UTC', async () => {
    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12, { state: 'scheduled' }) }])
    const page = await filledPage()

    page.toggleSchedule(inputEvent(true))
    page.pickDate(inputEvent('2026-11-25'))
    page.pickClock(inputEvent('07:30'))
    expect(page.data.scheduleText).toBe('将于 11月25日 07:30（北京时间）发送')
    await page.submit()

    // 07:30 on the 25th in Beijing is 23:30 on the 24th in UTC.
    expect(posted()[0]).toEqual({
      org_id: 3,
      title: '支部党员大会',
      content: '请于12月1日19:00到A301参加支部党员大会。',
      at: '2026-11-24T23:30:00Z',
    })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已安排发送', icon: 'success' })
    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=12' })
  })

  test.each([
    // NOW is 20:30 in Beijing.
    ['2026-11-24', '20:30', '发送时间应晚于当前时间'],
    ['2026-11-24', '20:00', '发送时间应晚于当前时间'],
    ['2027-02-23', '09:00', '定时发送时间应在未来 90 天内'],
  ])('%s %s is refused before sending: %s', async (date, clock, message) => {
    const page = await filledPage()
    page.toggleSchedule(inputEvent(true))
    page.pickDate(inputEvent(date))
    page.pickClock(inputEvent(clock))

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ at: message })
    expect(posted()).toEqual([])
  })

  test('a minute ahead is in the future; the last allowed day is accepted', async () => {
    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12, { state: 'scheduled' }) }])
    const page = await filledPage()
    page.toggleSchedule(inputEvent(true))

    page.pickDate(inputEvent('2026-11-24'))
    page.pickClock(inputEvent('20:31'))
    await page.submit()
    page.pickDate(inputEvent('2027-02-22'))
    page.pickClock(inputEvent('20:30'))
    await page.submit()

    expect(posted().map((data) => data.at)).toEqual(['2026-11-24T12:31:00Z', '2027-02-22T12:30:00Z'])
  })

  test('switched off again, the notice goes at once and the chosen time is kept for later', async () => {
    fake.route('POST /notifications', [{ status: 201, body: fixtures.notification(12) }])
    const page = await filledPage()
    page.toggleSchedule(inputEvent(true))
    page.pickDate(inputEvent('2026-11-20'))
    page.toggleSchedule(inputEvent(false))

    await page.submit()
    page.toggleSchedule(inputEvent(true))

    expect(posted()[0]).not.toHaveProperty('at')
    expect(page.data.date).toBe('2026-11-20')
  })

  test('picking again clears the time message', async () => {
    const page = await filledPage()
    page.toggleSchedule(inputEvent(true))
    page.pickClock(inputEvent('08:00'))
    await page.submit()
    expect(page.data.fieldErrors.at).toBe('发送时间应晚于当前时间')

    page.pickDate(inputEvent('2026-11-25'))

    expect(page.data.fieldErrors.at).toBe('')
    await settle()
  })
})

// As in tests/utils/time.test.js: each zone runs in a child process (jest's process.env copy would
// not reach Date). The real page file runs with a minimal wx, and the body it posts is printed.
describe('the phone time zone does not matter', () => {
  const script = `
    const root = ${JSON.stringify(ROOT)}
    Date.now = () => ${NOW}
    let posted = null
    global.wx = {
      getStorageSync: (key) => (key === 'session' ? { token: 't', expires_at: 'x', member: null } : ''),
      setStorageSync() {},
      removeStorageSync() {},
      request(options) {
        const path = options.url.replace(/^.*\\/api\\/v1/, '')
        let body = null
        if (path === '/auth/whoami') body = { roles: { secretary: [3] } }
        else if (path === '/orgs/3') body = { id: 3, name: '支部' }
        else if (path === '/notifications') {
          posted = options.data
          body = { id: 1, state: 'scheduled' }
        }
        setTimeout(() => options.success({ statusCode: body ? 200 : 404, data: body || {} }), 0)
      },
      showToast() {},
      redirectTo() {},
    }
    let definition
    global.Page = (d) => { definition = d }
    require(root + '/pages/notices/new')
    const page = Object.assign({}, definition, { data: JSON.parse(JSON.stringify(definition.data)) })
    page.setData = (update) => {
      Object.keys(update).forEach((key) => {
        const keys = key.split('.')
        let node = page.data
        keys.slice(0, -1).forEach((k) => { node = node[k] = node[k] || {} })
        node[keys[keys.length - 1]] = update[key]
      })
    }
    const value = (v) => ({ currentTarget: { dataset: {} }, detail: { value: v } })
    page.onLoad().then(() => {
      page.onTitleInput(value('开会'))
      page.onContentInput(value('内容'))
      page.toggleSchedule(value(true))
      const defaults = [page.data.date, page.data.clock, page.data.dateStart, page.data.dateEnd]
      page.pickDate(value('2026-11-25'))
      page.pickClock(value('07:30'))
      return page.submit().then(() => {
        console.log(JSON.stringify({ localHourAtEpoch: new Date(0).getHours(), defaults, at: posted && posted.at }))
      })
    })
  `
  const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'America/St_Johns', 'Pacific/Kiritimati']

  const runs = runInZones(script, zones)

  test('the zones really differ (or this test proves nothing)', () => {
    expect(new Set(runs.map(([, run]) => run.localHourAtEpoch)).size).toBe(zones.length)
  })

  test.each(runs)('in %s the pickers show Beijing time and 07:30 Beijing is sent as 23:30 UTC', (zone, run) => {
    expect(run.defaults).toEqual(['2026-11-24', '21:00', '2026-11-24', '2027-02-22'])
    expect(run.at).toBe('2026-11-24T23:30:00Z')
  })
})
