const { installSignedInWx, settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const { installCheckinWx } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)
const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'

let fake
let controls

beforeEach(() => {
  fake = installSignedInWx(NOW)
  controls = installCheckinWx(fake)
})

afterEach(() => {
  jest.restoreAllMocks()
})

// GET /meetings answered per requested page: pages[n - 1] is page n.
function routeMeetings(pages) {
  fake.route('GET /meetings', (call) => {
    const page = call.data.page
    const total = pages.reduce((sum, list) => sum + list.length, 0)
    return fixtures.memberMeetings(pages[page - 1] || [], { page, total, pages: pages.length })
  })
}

async function openedPage() {
  const page = loadPage('pages/meetings/index/index')
  await page.onLoad()
  return page
}

test('lists my meetings: mine=true, time in Beijing, phase and my attendance', async () => {
  routeMeetings([
    [
      fixtures.memberMeetingItem(8, {
        title: '十二月主题党日',
        type: 'theme_day',
        type_label: '主题党日',
        phase: 'upcoming',
        phase_label: '未开始',
        start_at: '2026-12-05T06:00:00+00:00',
        end_at: '2026-12-05T09:00:00+00:00',
        place: '',
      }),
      fixtures.memberMeetingItem(7, { phase: 'ended', phase_label: '已结束', my_attendance: 'late' }),
    ],
  ])

  const page = await openedPage()

  expect(fake.requestsTo('GET /meetings')[0].data).toEqual({ page: 1, per_page: 20, mine: 'true' })
  expect(page.data.items).toEqual([
    {
      id: 8,
      title: '十二月主题党日',
      typeLabel: '主题党日',
      orgName: '本科生第一党支部',
      timeText: '12月5日 14:00–17:00',
      place: '',
      phase: 'upcoming',
      phaseLabel: '未开始',
      attendance: 'not_checked_in',
      attendanceLabel: '未签到',
    },
    expect.objectContaining({ id: 7, timeText: '12月1日 19:00–20:30', phaseLabel: '已结束', attendanceLabel: '迟到' }),
  ])
  expect(page.data).toMatchObject({ loaded: true, loadFailed: false, page: 1, pages: 1 })
})

test('scrolling to the bottom loads the next page; a pull-down starts again', async () => {
  routeMeetings([[fixtures.memberMeetingItem(9), fixtures.memberMeetingItem(8)], [fixtures.memberMeetingItem(7)]])
  const page = await openedPage()

  await page.onReachBottom()
  expect(page.data.items.map((item) => item.id)).toEqual([9, 8, 7])
  await page.onReachBottom()
  expect(fake.requestsTo('GET /meetings')).toHaveLength(2)

  await page.onPullDownRefresh()
  expect(page.data.items.map((item) => item.id)).toEqual([9, 8])
  expect(global.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
})

test('a list that fails to load says so', async () => {
  fake.route('GET /meetings', [{ networkFailure: true }])

  const page = await openedPage()

  expect(page.data).toMatchObject({ loaded: true, loadFailed: true, items: [] })
  expect(global.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
})

test('coming back without a change does not load again', async () => {
  routeMeetings([[fixtures.memberMeetingItem(7)]])
  const page = await openedPage()

  await page.onShow()

  expect(fake.requestsTo('GET /meetings')).toHaveLength(1)
})

test('a row opens its meeting; 我的出勤 opens the record', async () => {
  routeMeetings([[fixtures.memberMeetingItem(7)]])
  const page = await openedPage()

  page.openItem(tapEvent({ id: 7 }))
  page.openAttendance()

  expect(global.wx.navigateTo.mock.calls.map((call) => call[0].url)).toEqual([
    '/pages/meetings/detail/index?id=7',
    '/pages/meetings/attendance/index',
  ])
})

describe('扫码签到', () => {
  beforeEach(() => {
    routeMeetings([[]])
  })

  test('a check-in code opens the check-in page with its token', async () => {
    const page = await openedPage()
    controls.scanReturns(`https://dj.example.edu.cn/m/checkin?t=${TOKEN}`)

    await page.scan()

    expect(global.wx.scanCode.mock.calls[0][0].onlyFromCamera).toBe(true)
    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/meetings/checkin/index?token=${TOKEN}` })
    expect(page.data.scanning).toBe(false)
  })

  test('another QR code: told at once, nothing sent, nowhere opened', async () => {
    const page = await openedPage()
    controls.scanReturns('https://weixin.qq.com/r/abcdefg')

    await page.scan()
    await settle()

    expect(global.wx.navigateTo).not.toHaveBeenCalled()
    expect(global.wx.showModal.mock.calls[0][0]).toMatchObject({ title: '无法签到', content: '不是本系统的签到码' })
    expect(fake.requestsTo('POST /checkins')).toHaveLength(0)
  })

  test('closing the scanner does nothing', async () => {
    const page = await openedPage()
    controls.scanCancels()

    await page.scan()

    expect(global.wx.navigateTo).not.toHaveBeenCalled()
    expect(global.wx.showModal).not.toHaveBeenCalled()
  })
})
