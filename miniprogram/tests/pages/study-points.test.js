// 学习积分 (pages/study/points): the 我的积分 tab (totals, by action, rank, the history a page at a
// time) and the 支部排行 tab (branches by points per member, per period; branches only).

const { signedInEachTest } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function routePoints(pages) {
  fake.routePages('GET /study/points/me', pages, (items, meta) => study.myPoints({ items, meta: { page: meta.page, pages: meta.pages, total: meta.total } }))
}

describe('我的积分', () => {
  test('the totals, by action, the rank and the first page of the history', async () => {
    routePoints([[study.pointsEntry(9), study.pointsEntry(8, 'reading', 1, '2026-11-23T12:00:00+00:00')]])
    const page = loadPage('pages/study/points')

    await page.onLoad({})

    expect(page.data.tab).toBe('mine')
    expect(fake.requestsTo('GET /study/points/me')[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data.summary).toMatchObject({ total: 57, today: 4, rankText: '第 3 名 / 共 20 人' })
    expect(page.data.summary.byAction.map((row) => `${row.label} ${row.points}`)).toEqual(['阅读学习 31', '学习打卡 26', '每日答题 0'])
    expect(page.data.items).toEqual([
      { id: 9, label: '学习打卡', pointsText: '+2', whenText: '11月24日 08:05' },
      { id: 8, label: '阅读学习', pointsText: '+1', whenText: '11月23日 20:00' },
    ])
    expect(fake.requestsTo('GET /study/rankings/branches')).toHaveLength(0)
  })

  test('the history’s next page at the bottom', async () => {
    routePoints([[study.pointsEntry(9)], [study.pointsEntry(7)]])
    const page = loadPage('pages/study/points')
    await page.onLoad({})

    await page.onReachBottom()
    await page.onReachBottom()

    expect(page.data.items.map((item) => item.id)).toEqual([9, 7])
    expect(fake.requestsTo('GET /study/points/me').map((call) => call.data.page)).toEqual([1, 2])
  })
})

test('学习有痕 opens the trace', () => {
  const page = loadPage('pages/study/points')

  page.openTrace()

  expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/study/trace' }]])
})

describe('支部排行', () => {
  test('a second tab: this month’s ranking by default, loaded when first shown', async () => {
    routePoints([[]])
    fake.route('GET /study/rankings/branches', [study.ranking('month')])
    const page = loadPage('pages/study/points')
    await page.onLoad({})

    await page.switchTab(tapEvent({ tab: 'branches' }))

    expect(page.data.tab).toBe('branches')
    expect(fake.requestsTo('GET /study/rankings/branches')[0].data).toEqual({ period: 'month' })
    expect(page.data.ranking).toMatchObject({ periodLabel: '近30天', sinceText: '10月26日起' })
    expect(page.data.ranking.items.map((item) => [item.rank, item.orgName, item.perMemberText])).toEqual([
      [1, '研究生党支部', '5'],
      [2, '本科生第一党支部', '4.5'],
      [3, '教工党支部', '1'],
    ])

    // Back and forth: nothing loads again; the bottom of the ranking loads no history.
    await page.switchTab(tapEvent({ tab: 'mine' }))
    await page.switchTab(tapEvent({ tab: 'branches' }))
    await page.onReachBottom()
    expect(fake.requestsTo('GET /study/rankings/branches')).toHaveLength(1)
    expect(fake.requestsTo('GET /study/points/me')).toHaveLength(1)
  })

  test('the member’s own branch (from the login) is marked', async () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: fixtures.member })
    fake.route('GET /study/rankings/branches', [study.ranking('month')])
    const page = loadPage('pages/study/points')

    await page.onLoad({ tab: 'branches' })

    expect(page.data.ranking.items.filter((item) => item.mine).map((item) => item.orgName)).toEqual(['本科生第一党支部'])
    expect(fake.requestsTo('GET /study/points/me')).toHaveLength(0)
  })

  test('the ranking names branches only', async () => {
    fake.route('GET /study/rankings/branches', [study.ranking('month')])
    const page = loadPage('pages/study/points')

    await page.onLoad({ tab: 'branches' })

    page.data.ranking.items.forEach((item) => {
      expect(Object.keys(item).sort()).toEqual(['members', 'mine', 'orgId', 'orgName', 'perMemberText', 'points', 'rank', 'top'])
    })
  })

  test('another period: its ranking, the old one gone while it loads', async () => {
    fake.route('GET /study/rankings/branches', (call) => study.ranking(call.data.period, null, '2026-11-18'))
    const page = loadPage('pages/study/points')
    await page.onLoad({ tab: 'branches' })

    const loading = page.switchPeriod(tapEvent({ period: 'week' }))
    expect(page.data.ranking).toBeNull()
    await loading

    expect(fake.requestsTo('GET /study/rankings/branches').map((call) => call.data)).toEqual([{ period: 'month' }, { period: 'week' }])
    expect(page.data.ranking).toMatchObject({ period: 'week', periodLabel: '近7天', sinceText: '11月18日起' })

    await page.switchPeriod(tapEvent({ period: 'all' }))
    expect(page.data.ranking).toMatchObject({ periodLabel: '全部', sinceText: '全部时间' })

    await page.switchPeriod(tapEvent({ period: 'all' }))
    await page.switchPeriod(tapEvent({ period: 'decade' }))
    expect(fake.requestsTo('GET /study/rankings/branches')).toHaveLength(3)
  })

  test('a slow answer for an earlier period is dropped', async () => {
    fake.route('GET /study/rankings/branches', (call) =>
      call.data.period === 'year'
        ? Object.assign(study.ranking('year'), { delay: 50 })
        : study.ranking(call.data.period)
    )
    const page = loadPage('pages/study/points')
    await page.onLoad({ tab: 'branches' })

    const slow = page.switchPeriod(tapEvent({ period: 'year' }))
    await page.switchPeriod(tapEvent({ period: 'week' }))
    await slow

    expect(page.data.period).toBe('week')
    expect(page.data.ranking.period).toBe('week')
  })

  test('a failure says so, with 重试; a pull-down refreshes the tab shown', async () => {
    fake.route('GET /study/rankings/branches', [{ networkFailure: true }, study.ranking('month')])
    const page = loadPage('pages/study/points')
    await page.onLoad({ tab: 'branches' })

    expect(page.data.rankingError).toBe('网络连接失败，请稍后重试')
    await page.onPullDownRefresh()

    expect(page.data.rankingError).toBe('')
    expect(page.data.ranking.items).toHaveLength(3)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
    expect(fake.requestsTo('GET /study/points/me')).toHaveLength(0)
  })
})
