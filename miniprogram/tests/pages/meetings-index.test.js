const { settle } = require('../helpers/wx')
const { loadPage, loadPages, tapEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)
const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'

const { fake, controls } = checkinEachTest(NOW)

// GET /meetings answered per requested page: pages[n - 1] is page n.
function routeMeetings(pages) {
  fake.routePages('GET /meetings', pages, fixtures.memberMeetings)
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

describe('a secretary: 我的会议 and 支部会议', () => {
  // GET /meetings: with mine, the meetings I take part in; without, the org's (a draft among them).
  // An item of GET /meetings without mine: no my_attendance.
  function orgItem(id, overrides) {
    const item = fixtures.memberMeetingItem(id, overrides)
    delete item.my_attendance
    return item
  }

  function routeBothLists() {
    fake.route('GET /meetings', (call) =>
      call.data.mine === 'true'
        ? fixtures.memberMeetings([fixtures.memberMeetingItem(7)])
        : fixtures.memberMeetings([
            orgItem(9, { status: 'draft', phase: 'draft', phase_label: '草稿', title: '一月支部委员会' }),
            orgItem(7),
          ])
    )
  }

  test('whoami with secretary orgs brings the tabs; the first is 我的会议', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()

    const page = await openedPage()

    expect(page.data.managerOrgIds).toEqual([3])
    expect(page.data.tab).toBe('mine')
    expect(fake.requestsTo('GET /meetings').map((call) => call.data)).toEqual([{ page: 1, per_page: 20, mine: 'true' }])
  })

  test('支部会议 lists without mine — drafts too, with their phase — and back again', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()
    const page = await openedPage()

    await page.switchTab(tapEvent({ tab: 'org' }))

    expect(fake.requestsTo('GET /meetings')[1].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data.tab).toBe('org')
    expect(page.data.items.map((item) => `${item.id} ${item.phaseLabel} ${item.attendanceLabel}`)).toEqual([
      '9 草稿 ',
      '7 签到中 ',
    ])

    await page.switchTab(tapEvent({ tab: 'mine' }))
    expect(fake.requestsTo('GET /meetings')[2].data).toEqual({ page: 1, per_page: 20, mine: 'true' })
    expect(page.data.items.map((item) => item.id)).toEqual([7])
  })

  test('the rows of the other tab are gone at once', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    fake.route('GET /meetings', (call) =>
      call.data.mine === 'true'
        ? fixtures.memberMeetings([fixtures.memberMeetingItem(7)])
        : Object.assign(fixtures.memberMeetings([orgItem(9)]), { delay: 50 })
    )
    const page = await openedPage()
    expect(page.data.items.map((item) => item.id)).toEqual([7])

    const switching = page.switchTab(tapEvent({ tab: 'org' }))
    expect(page.data).toMatchObject({ items: [], loaded: false, loadFailed: false })
    await switching

    expect(page.data.items.map((item) => item.id)).toEqual([9])
  })

  test('a late answer for the tab left is dropped', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    fake.route('GET /meetings', (call) =>
      call.data.mine === 'true'
        ? Object.assign(fixtures.memberMeetings([fixtures.memberMeetingItem(7)]), { delay: 200 })
        : fixtures.memberMeetings([orgItem(9)])
    )
    const page = loadPage('pages/meetings/index/index')
    const loading = page.onLoad()
    // whoami has answered; 我的会议 has not.
    await settle()
    expect(page.data.managerOrgIds).toEqual([3])

    await page.switchTab(tapEvent({ tab: 'org' }))
    await loading

    expect(page.data.items.map((item) => item.id)).toEqual([9])
  })

  test('tapping the current tab does not load again', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()
    const page = await openedPage()

    await page.switchTab(tapEvent({ tab: 'mine' }))
    await page.switchTab(tapEvent({ tab: 'nonsense' }))

    expect(fake.requestsTo('GET /meetings')).toHaveLength(1)
  })

  test('a draft opens the edit page; a published meeting its detail', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()
    const page = await openedPage()
    await page.switchTab(tapEvent({ tab: 'org' }))

    page.openItem(tapEvent({ id: 9 }))
    page.openItem(tapEvent({ id: 7 }))

    expect(global.wx.navigateTo.mock.calls.map((call) => call[0].url)).toEqual([
      '/pages/meetings/edit/index?id=9',
      '/pages/meetings/detail/index?id=7',
    ])
  })

  test('新建会议 names the org when there is one; 请假审批 opens the approvals', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()
    const page = await openedPage()

    page.createMeeting()
    page.openLeaveApprovals()

    expect(global.wx.navigateTo.mock.calls.map((call) => call[0].url)).toEqual([
      '/pages/meetings/edit/index?org_id=3',
      '/pages/meetings/leave-approvals/index',
    ])
  })

  test('with several orgs 新建会议 leaves the choice to the edit page', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3, 5])])
    routeBothLists()
    const page = await openedPage()

    page.createMeeting()

    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/edit/index' })
  })

  test("back from the edit page after a draft is published or deleted, the list reloads", async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()
    fake.route('GET /meetings/9', [{ status: 200, body: fixtures.adminMeeting(9) }])
    fake.route('POST /meetings/9/publish', [{ status: 200, body: fixtures.adminMeeting(9, { status: 'published', phase: 'upcoming' }) }])
    fake.route('DELETE /meetings/9', [{ status: 204 }])
    // The list and the edit page opened on top of it share their services, as in the app.
    const {
      pages: [list, edit],
    } = loadPages(['pages/meetings/index/index', 'pages/meetings/edit/index'])
    await list.onLoad()
    await list.switchTab(tapEvent({ tab: 'org' }))
    expect(fake.requestsTo('GET /meetings')).toHaveLength(2)

    await edit.onLoad({ id: '9' })
    await list.onShow()
    expect(fake.requestsTo('GET /meetings')).toHaveLength(2)

    await edit.publish()
    expect(fake.requestsTo('POST /meetings/9/publish')).toHaveLength(1)
    await list.onShow()
    expect(fake.requestsTo('GET /meetings')).toHaveLength(3)
    expect(fake.requestsTo('GET /meetings')[2].data).toEqual({ page: 1, per_page: 20 })
    await list.onShow()
    expect(fake.requestsTo('GET /meetings')).toHaveLength(3)
  })

  test('a draft created on the edit page shows when coming back', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeBothLists()
    fake.route('POST /meetings', [{ status: 201, body: fixtures.adminMeeting(9) }])
    const {
      pages: [list],
      modules: [admin],
    } = loadPages(['pages/meetings/index/index'], ['services/meeting-admin'])
    await list.onLoad()

    await admin.create({ org_id: 3 })
    await list.onShow()

    expect(fake.requestsTo('GET /meetings')).toHaveLength(2)
  })

  test('a pull-down asks whoami again only while it is unknown', async () => {
    fake.route('GET /auth/whoami', [{ networkFailure: true }, fixtures.whoami([3])])
    routeBothLists()
    const page = await openedPage()
    expect(page.data.managerOrgIds).toEqual([])

    await page.onPullDownRefresh()
    expect(page.data.managerOrgIds).toEqual([3])
    await page.onPullDownRefresh()

    expect(fake.requestsTo('GET /auth/whoami')).toHaveLength(2)
  })
})

describe('a member', () => {
  test.each([
    ['no secretary posts', () => fixtures.whoami(null)],
    ['a global grant (empty list)', () => fixtures.whoami([])],
    ['whoami failing', () => ({ networkFailure: true })],
  ])('%s: no tabs, no 新建会议, no 请假审批', async (_name, reply) => {
    fake.route('GET /auth/whoami', [reply()])
    routeMeetings([[fixtures.memberMeetingItem(7)]])
    const page = await openedPage()

    expect(page.data.managerOrgIds).toEqual([])
    await page.switchTab(tapEvent({ tab: 'org' }))
    page.createMeeting()
    page.openLeaveApprovals()

    expect(page.data.tab).toBe('mine')
    expect(fake.requestsTo('GET /meetings')).toHaveLength(1)
    expect(global.wx.navigateTo).not.toHaveBeenCalled()
    // Who the caller is matters to the offer only: nothing is said when whoami fails.
    expect(global.wx.showToast).not.toHaveBeenCalled()
  })
})
