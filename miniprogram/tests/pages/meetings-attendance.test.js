const { signedInEachTest } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

const SUMMARY = { total: 12, present: 9, late: 2, on_leave: 2, absent: 1 }

// GET /me/attendance answered per requested page: pages[n - 1] is page n.
function routeAttendance(pages, summary = SUMMARY) {
  fake.routePages('GET /me/attendance', pages, (items, meta) => fixtures.myAttendance(items, summary, meta))
}

async function openedPage() {
  const page = loadPage('pages/meetings/attendance/index')
  await page.onLoad()
  return page
}

test('the totals and the record, in Beijing time', async () => {
  routeAttendance([
    [
      fixtures.myAttendanceItem(9, {
        attendance: 'late',
        attendance_label: '迟到',
        checked_in_at: '2026-11-01T11:09:00+00:00',
        late: true,
      }),
      fixtures.myAttendanceItem(8, { attendance: 'absent', attendance_label: '缺席', checked_in_at: null }),
    ],
  ])

  const page = await openedPage()

  expect(fake.requestsTo('GET /me/attendance')[0].data).toEqual({ page: 1, per_page: 20 })
  expect(page.data.summary).toEqual(SUMMARY)
  expect(page.data.items).toEqual([
    {
      id: 9,
      title: '支部党员大会 9',
      typeLabel: '支部党员大会',
      orgName: '本科生第一党支部',
      timeText: '11月1日 19:00',
      place: '图书馆 301',
      attendance: 'late',
      attendanceLabel: '迟到',
      checkedInText: '11月1日 19:09',
      late: true,
    },
    expect.objectContaining({ id: 8, attendanceLabel: '缺席', checkedInText: '', late: false }),
  ])
})

test('scrolling to the bottom loads the next page', async () => {
  routeAttendance([[fixtures.myAttendanceItem(9), fixtures.myAttendanceItem(8)], [fixtures.myAttendanceItem(7)]])
  const page = await openedPage()

  await page.onReachBottom()

  expect(page.data.items.map((item) => item.id)).toEqual([9, 8, 7])
  expect(fake.requestsTo('GET /me/attendance')[1].data).toEqual({ page: 2, per_page: 20 })
})

test('no record yet: zeros and an empty list', async () => {
  routeAttendance([[]], {})

  const page = await openedPage()

  expect(page.data.summary).toEqual({ total: 0, present: 0, late: 0, on_leave: 0, absent: 0 })
  expect(page.data.items).toEqual([])
  expect(page.data.loaded).toBe(true)
})

test('a failure says so; a pull-down tries again', async () => {
  fake.route('GET /me/attendance', [{ networkFailure: true }, fixtures.myAttendance([fixtures.myAttendanceItem(9)], SUMMARY)])
  const page = await openedPage()
  expect(page.data.loadFailed).toBe(true)

  await page.onPullDownRefresh()

  expect(page.data.loadFailed).toBe(false)
  expect(page.data.items).toHaveLength(1)
  expect(global.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
})

test('a row opens its meeting', async () => {
  routeAttendance([[fixtures.myAttendanceItem(9)]])
  const page = await openedPage()

  page.openItem(tapEvent({ id: 9 }))

  expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/detail/index?id=9' })
})
