// 学习有痕 (pages/study/trace): the trace of the last 30 days on load, the other periods and two
// dates picked (checked as the server checks them), a slow answer for an earlier period dropped,
// the failures, a material opening the reader, and 导出: the .xlsx of the period shown,
// downloaded with the session and opened, once however often it is tapped.

const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake, controls } = checkinEachTest(NOW)

const TRACE = 'GET /study/trace/me'

// Each request answered with the trace of the period it asks for.
function routeTrace(days = study.TRACE_DAYS) {
  fake.route(TRACE, (call) => study.trace({ since: call.data.since, until: call.data.until, days }))
}

async function openPage() {
  const page = loadPage('pages/study/trace')
  await page.onLoad({})
  return page
}

function periodsAsked() {
  return fake.requestsTo(TRACE).map((call) => call.data)
}

test('on load: the last 30 days up to today in Beijing, the totals and the days, newest first', async () => {
  routeTrace()
  const page = await openPage()

  expect(periodsAsked()).toEqual([{ since: '2026-10-26', until: '2026-11-24' }])
  expect(page.data).toMatchObject({ period: '30', since: '2026-10-26', until: '2026-11-24', today: '2026-11-24', loading: false, errorMessage: '' })
  expect(page.data.trace).toMatchObject({
    readingMinutes: 16,
    readingText: '16分5秒',
    daysStudied: 3,
    rangeText: '10月26日 至 11月24日',
    spanDays: 30,
    empty: false,
  })
  expect(page.data.trace.days).toEqual([
    {
      day: '2026-11-24',
      dayText: '今天',
      weekdayText: '周二',
      reading: [
        { materialId: 31, title: '中国共产党章程', secondsText: '5分20秒' },
        { materialId: 32, title: '党史微课', secondsText: '10分钟' },
      ],
      readingText: '15分20秒',
      punchIn: { streak: 4, reflection: '学习了党章第二章', photoUrl: '/api/v1/study/punch-ins/5/photo', photoPath: '', photoLoading: false, photoFailed: false },
      quiz: { text: '答对 3/3 题', allRight: true },
    },
    {
      day: '2026-11-22',
      dayText: '11月22日',
      weekdayText: '周日',
      reading: [],
      readingText: '',
      punchIn: { streak: 2, reflection: '', photoUrl: '', photoPath: '', photoLoading: false, photoFailed: false },
      quiz: null,
    },
    {
      day: '2026-11-20',
      dayText: '11月20日',
      weekdayText: '周五',
      reading: [{ materialId: 33, title: '关于加强基层党建的意见', secondsText: '45秒' }],
      readingText: '45秒',
      punchIn: null,
      quiz: { text: '答对 1/3 题', allRight: false },
    },
  ])
})

test('photos are not downloaded unasked, and the title stays the page’s own', async () => {
  routeTrace()
  await openPage()

  expect(fake.wx.downloadFile).not.toHaveBeenCalled()
  expect(fake.wx.setNavigationBarTitle).not.toHaveBeenCalled()
})

test('nothing studied in the period: empty', async () => {
  routeTrace([])
  const page = await openPage()

  expect(page.data.trace).toMatchObject({ empty: true, daysStudied: 0, readingMinutes: 0, days: [] })
})

describe('periods', () => {
  test('近7天 and 近90天 count back from today; the old trace goes while the new one loads', async () => {
    routeTrace()
    const page = await openPage()

    const loading = page.switchPeriod(tapEvent({ period: '7' }))
    expect(page.data.trace).toBeNull()
    await loading
    expect(page.data.trace).toMatchObject({ since: '2026-11-18', until: '2026-11-24', spanDays: 7 })

    await page.switchPeriod(tapEvent({ period: '90' }))
    expect(page.data.trace).toMatchObject({ since: '2026-08-27', spanDays: 90, rangeText: '8月27日 至 11月24日' })

    // The same period, or one that is not offered: nothing.
    await page.switchPeriod(tapEvent({ period: '90' }))
    await page.switchPeriod(tapEvent({ period: '365' }))

    expect(periodsAsked()).toEqual([
      { since: '2026-10-26', until: '2026-11-24' },
      { since: '2026-11-18', until: '2026-11-24' },
      { since: '2026-08-27', until: '2026-11-24' },
    ])
    expect(page.data.period).toBe('90')
  })

  test('two dates picked: that period, no chip active', async () => {
    routeTrace()
    const page = await openPage()

    await page.pickSince(inputEvent('2026-01-01'))
    expect(page.data.period).toBe('')
    expect(page.data.trace).toMatchObject({ since: '2026-01-01', until: '2026-11-24', spanDays: 328 })

    await page.pickUntil(inputEvent('2026-06-30'))
    expect(periodsAsked().slice(1)).toEqual([
      { since: '2026-01-01', until: '2026-11-24' },
      { since: '2026-01-01', until: '2026-06-30' },
    ])
    expect(page.data.trace.rangeText).toBe('1月1日 至 6月30日')

    // A chip again after the dates.
    await page.switchPeriod(tapEvent({ period: '30' }))
    expect(page.data.period).toBe('30')
    expect(page.data.trace.since).toBe('2026-10-26')
  })

  test('a start after the end, or more than 366 days: said, not asked; the trace shown stays', async () => {
    routeTrace()
    const page = await openPage()
    const shown = page.data.trace

    await page.pickSince(inputEvent('2026-11-25'))
    expect(page.data.rangeError).toBe('开始日期不能晚于结束日期')

    await page.pickSince(inputEvent('2025-11-23'))
    expect(page.data.rangeError).toBe('一次最多查看 366 天')
    // A pull-down does not ask for it either.
    await page.onPullDownRefresh()

    expect(periodsAsked()).toHaveLength(1)
    expect(page.data.trace).toBe(shown)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()

    // 366 days exactly is allowed.
    await page.pickSince(inputEvent('2025-11-24'))
    expect(page.data.rangeError).toBe('')
    expect(periodsAsked()[1]).toEqual({ since: '2025-11-24', until: '2026-11-24' })
    expect(page.data.trace.spanDays).toBe(366)
  })

  test('a slow answer for an earlier period is dropped', async () => {
    fake.route(TRACE, (call) => {
      const reply = study.trace({ since: call.data.since, until: call.data.until })
      return call.data.since === '2026-08-27' ? Object.assign(reply, { delay: 50 }) : reply
    })
    const page = await openPage()

    const slow = page.switchPeriod(tapEvent({ period: '90' }))
    await page.switchPeriod(tapEvent({ period: '7' }))
    await slow

    expect(page.data.period).toBe('7')
    expect(page.data.trace.since).toBe('2026-11-18')
    expect(page.data.loading).toBe(false)
  })
})

describe('failures', () => {
  test('a lost network: said, with 重试; a pull-down loads it again', async () => {
    fake.route(TRACE, [{ networkFailure: true }, study.trace()])
    const page = await openPage()

    expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')
    expect(page.data.canRetry).toBe(true)
    expect(page.data.trace).toBeNull()

    await page.onPullDownRefresh()
    expect(page.data.errorMessage).toBe('')
    expect(page.data.trace.daysStudied).toBe(3)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
  })

  test('403 no_member: the server’s word, no 重试', async () => {
    fake.route(TRACE, [fixtures.apiError(403, 'no_member', '该账号未关联党员档案')])
    const page = await openPage()

    expect(page.data.errorMessage).toBe('该账号未关联党员档案')
    expect(page.data.canRetry).toBe(false)
  })

  test('a period the server refuses: its word', async () => {
    fake.route(TRACE, [fixtures.apiError(422, 'period_too_long', '一次最多查看 366 天', { since: ['过早'] })])
    const page = await openPage()

    expect(page.data.errorMessage).toBe('一次最多查看 366 天')
  })

  test('signed out for good: to the bind page when unbound', async () => {
    fake.route(TRACE, [fixtures.apiError(401, 'unauthorized', '登录已失效')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])
    await openPage()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=ticket-9' })
  })
})

test('a material read opens the reader, as its list does', async () => {
  routeTrace()
  const page = await openPage()

  page.openMaterial(tapEvent({ id: 31 }))
  page.openMaterial(tapEvent({}))

  expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/study/reader?id=31' }]])
})

describe('导出', () => {
  test('the .xlsx of the period shown, downloaded with the session and opened', async () => {
    routeTrace()
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/trace.xlsx' }
    const page = await openPage()
    await page.switchPeriod(tapEvent({ period: '7' }))

    await page.exportTrace()

    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)
    const call = fake.wx.downloadFile.mock.calls[0][0]
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/study/trace/me.xlsx?since=2026-11-18&until=2026-11-24')
    expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
    expect(fake.wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/trace.xlsx', fileType: 'xlsx', showMenu: true }))
    expect(fake.wx.showLoading).toHaveBeenCalledWith({ title: '正在导出' })
    expect(fake.wx.hideLoading).toHaveBeenCalledTimes(1)
    expect(page.data.exporting).toBe(false)
  })

  test('the dates the server answered, not the ones still being picked', async () => {
    routeTrace()
    const page = await openPage()
    await page.pickSince(inputEvent('2026-12-01')) // refused: the 30 days stay shown

    await page.exportTrace()

    expect(fake.wx.downloadFile.mock.calls[0][0].url).toBe('http://127.0.0.1:5000/api/v1/study/trace/me.xlsx?since=2026-10-26&until=2026-11-24')
  })

  test('a double tap downloads once', async () => {
    routeTrace()
    const page = await openPage()

    const first = page.exportTrace()
    const second = page.exportTrace()
    expect(page.data.exporting).toBe(true)
    await Promise.all([first, second])

    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)
    expect(fake.wx.openDocument).toHaveBeenCalledTimes(1)
  })

  test('a failed download: a toast, nothing opened, 导出 again possible', async () => {
    routeTrace()
    controls.state.download = { fail: true }
    const page = await openPage()

    await page.exportTrace()

    expect(fake.wx.openDocument).not.toHaveBeenCalled()
    expect(fake.wx.hideLoading).toHaveBeenCalled()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '网络连接失败，请稍后重试', icon: 'none', duration: 2000 })
    expect(page.data.exporting).toBe(false)

    controls.state.download = { statusCode: 403 }
    await page.exportTrace()
    expect(fake.wx.showToast).toHaveBeenLastCalledWith({ title: '没有权限执行此操作', icon: 'none', duration: 2000 })
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(2)
  })

  test('a file WeChat cannot open: said', async () => {
    routeTrace()
    fake.wx.openDocument = jest.fn((options) => options.fail({ errMsg: 'openDocument:fail filetype not supported' }))
    const page = await openPage()

    await page.exportTrace()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '文件无法打开', icon: 'none' })
  })

  test('nothing shown yet: nothing to export', async () => {
    fake.route(TRACE, [{ networkFailure: true }])
    const page = await openPage()

    await page.exportTrace()

    expect(fake.wx.downloadFile).not.toHaveBeenCalled()
  })
})

describe('a day’s punch-in photo', () => {
  const PHOTO_URL = '/api/v1/study/punch-ins/5/photo'

  test('a tap downloads it with the session, shows it in the day and previews it; a second tap only previews', async () => {
    routeTrace()
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch-5.jpg' }
    const page = await openPage()

    await page.openPhoto(tapEvent({ day: '2026-11-24' }))

    const call = fake.wx.downloadFile.mock.calls[0][0]
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/study/punch-ins/5/photo')
    expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
    expect(page.data.trace.days[0].punchIn).toMatchObject({ photoUrl: PHOTO_URL, photoPath: 'wxfile://tmp/punch-5.jpg', photoLoading: false, photoFailed: false })
    expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/punch-5.jpg'], current: 'wxfile://tmp/punch-5.jpg' })

    await page.openPhoto(tapEvent({ day: '2026-11-24' }))
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)
    expect(fake.wx.previewImage).toHaveBeenCalledTimes(2)
  })

  test('a double tap downloads once; a day without a photo, or not shown, does nothing', async () => {
    routeTrace()
    const page = await openPage()

    const first = page.openPhoto(tapEvent({ day: '2026-11-24' }))
    expect(page.data.trace.days[0].punchIn.photoLoading).toBe(true)
    const second = page.openPhoto(tapEvent({ day: '2026-11-24' }))
    await Promise.all([first, second])
    await page.openPhoto(tapEvent({ day: '2026-11-22' }))
    await page.openPhoto(tapEvent({ day: '2026-11-20' }))
    await page.openPhoto(tapEvent({ day: '2026-01-01' }))

    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)
    expect(fake.wx.previewImage).toHaveBeenCalledTimes(1)
  })

  test('a failed download: said in its place; a tap tries again', async () => {
    routeTrace()
    controls.state.download = { statusCode: 404 }
    const page = await openPage()

    await page.openPhoto(tapEvent({ day: '2026-11-24' }))
    expect(page.data.trace.days[0].punchIn).toMatchObject({ photoPath: '', photoLoading: false, photoFailed: true })
    expect(fake.wx.previewImage).not.toHaveBeenCalled()

    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch-5.jpg' }
    await page.openPhoto(tapEvent({ day: '2026-11-24' }))
    expect(page.data.trace.days[0].punchIn).toMatchObject({ photoPath: 'wxfile://tmp/punch-5.jpg', photoFailed: false })
  })

  test('a photo downloaded before shows at once in another period’s trace', async () => {
    routeTrace()
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch-5.jpg' }
    const page = await openPage()
    await page.openPhoto(tapEvent({ day: '2026-11-24' }))

    await page.switchPeriod(tapEvent({ period: '7' }))

    expect(page.data.trace.days[0].punchIn.photoPath).toBe('wxfile://tmp/punch-5.jpg')
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)
  })
})

describe('a person’s trace (?person_id=, from 支部学习统计)', () => {
  const PERSON = 'GET /study/trace/people/17'
  const LI_SI = { id: 17, name: '李四', org_name: '第一党小组' }

  async function openPerson(query = { person_id: '17' }) {
    const page = loadPage('pages/study/trace')
    await page.onLoad(query)
    return page
  }

  test('their trace of the period, their name in the title and above the totals; not mine', async () => {
    fake.route(PERSON, (call) => study.trace({ since: call.data.since, until: call.data.until, person: LI_SI }))
    const page = await openPerson()

    expect(fake.requestsTo(PERSON).map((call) => call.data)).toEqual([{ since: '2026-10-26', until: '2026-11-24' }])
    expect(fake.requestsTo(TRACE)).toHaveLength(0)
    expect(page.data.personId).toBe(17)
    expect(page.data.trace).toMatchObject({ personId: 17, personName: '李四', orgName: '第一党小组', daysStudied: 3 })
    expect(fake.wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '李四的学习有痕' })

    // Another period: the same person; the title is not set again.
    await page.switchPeriod(tapEvent({ period: '7' }))
    expect(fake.requestsTo(PERSON)[1].data).toEqual({ since: '2026-11-18', until: '2026-11-24' })
    expect(fake.wx.setNavigationBarTitle).toHaveBeenCalledTimes(1)
  })

  test('导出 downloads their .xlsx of the period shown', async () => {
    fake.route(PERSON, (call) => study.trace({ since: call.data.since, until: call.data.until, person: LI_SI }))
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/trace.xlsx' }
    const page = await openPerson()

    await page.exportTrace()

    expect(fake.wx.downloadFile.mock.calls[0][0].url).toBe('http://127.0.0.1:5000/api/v1/study/trace/people/17.xlsx?since=2026-10-26&until=2026-11-24')
    expect(fake.wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/trace.xlsx', fileType: 'xlsx' }))
  })

  test('their materials do not open the reader (the time would count as the secretary’s)', async () => {
    fake.route(PERSON, [study.trace({ person: LI_SI })])
    const page = await openPerson()

    page.openMaterial(tapEvent({ id: 31 }))

    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('their photo is downloaded as mine is', async () => {
    fake.route(PERSON, [study.trace({ person: LI_SI })])
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch-5.jpg' }
    const page = await openPerson()

    await page.openPhoto(tapEvent({ day: '2026-11-24' }))

    expect(fake.wx.downloadFile.mock.calls[0][0].url).toBe('http://127.0.0.1:5000/api/v1/study/punch-ins/5/photo')
    expect(page.data.trace.days[0].punchIn.photoPath).toBe('wxfile://tmp/punch-5.jpg')
  })

  test.each([
    ['404: not one of theirs', fixtures.apiError(404, 'not_found', '人员不存在'), '该党员不存在或不在你管理的组织中'],
    ['403: not a manager', fixtures.apiError(403, 'forbidden', '没有权限'), '只有支部书记和党委管理员可以查看党员的学习记录'],
  ])('%s: said, no 重试, no title', async (_name, reply, message) => {
    fake.route(PERSON, [reply])
    const page = await openPerson()

    expect(page.data).toMatchObject({ errorMessage: message, canRetry: false, trace: null })
    expect(fake.wx.setNavigationBarTitle).not.toHaveBeenCalled()
  })

  test('a lost network: said, with 重试 that asks for the same person', async () => {
    fake.route(PERSON, [{ networkFailure: true }, study.trace({ person: LI_SI })])
    const page = await openPerson()

    expect(page.data).toMatchObject({ errorMessage: '网络连接失败，请稍后重试', canRetry: true })
    await page.load()
    expect(page.data.trace.personName).toBe('李四')
    expect(fake.requestsTo(PERSON)).toHaveLength(2)
  })

  test.each([['abc'], ['0'], ['-3'], ['1.5'], ['']])('person_id %p: no such person, nothing asked', async (personId) => {
    routeTrace()
    const page = await openPerson({ person_id: personId })

    expect(page.data).toMatchObject({ errorMessage: '该党员不存在或不在你管理的组织中', canRetry: false, trace: null })
    // Nor on a pull-down or another period: never the member's own trace instead.
    await page.onPullDownRefresh()
    await page.switchPeriod(tapEvent({ period: '7' }))
    expect(fake.requests).toHaveLength(0)
    expect(page.data.trace).toBeNull()
  })
})
