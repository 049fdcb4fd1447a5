// 支部学习统计 (pages/study/branch): the overview of the org the caller manages (by default the
// server's, or ?org_id=), the weeks chosen, an org below opened in place (also one without orgs
// below it; never 本级直属) and the way back up (to the org above the server names, however the
// page was opened), the people of the same org by period and sort a page at a time, a person
// opening their trace, slow answers for an earlier choice dropped, and the refusals: not a manager
// (403), an org unknown or not theirs (404), the network, the session.

const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 (a Tuesday) 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

const OVERVIEW = 'GET /study/analytics/overview'
const PEOPLE = 'GET /study/analytics/people'

const COMMITTEE = { id: 1, name: '某某大学党委', type: 'committee' }
const COLLEGE = { id: 2, name: '计算机学院党总支', type: 'general_branch' }
const BRANCH = { id: 3, name: '本科生第一党支部', type: 'branch' }
const OFFICE = { id: 5, name: '机关党支部', type: 'branch' }

// An org as the overview's `parent` names it.
function above(org) {
  return { id: org.id, name: org.name }
}

// Each overview asked for answered with the org it names (the committee by default, with nothing
// above it), and the org above it as its parent: the college and the branch below it, and the
// committee's 机关党支部 (without orgs below it).
function routeOverview() {
  fake.route(OVERVIEW, (call) => {
    if (call.data.org_id === 2) return study.overview({ org: COLLEGE, parent: above(COMMITTEE), orgs: [] })
    if (call.data.org_id === 3) return study.overview({ org: BRANCH, parent: above(COLLEGE), orgs: [] })
    if (call.data.org_id === 5) return study.overview({ org: OFFICE, parent: above(COMMITTEE), orgs: [] })
    return study.overview()
  })
}

// The people of whichever org, two pages.
function routePeople(pages = [[study.personFigures(17, { name: '李四' }), study.personFigures(18, { last_studied: null, reading_minutes: 0, days_studied: 0 })]]) {
  fake.routePages(PEOPLE, pages, (items, meta) => study.people(items, meta))
}

async function openPage(query = {}) {
  const page = loadPage('pages/study/branch')
  await page.onLoad(query)
  return page
}

function keys() {
  return fake.requests.map((call) => call.key)
}

test('on load: the overview of the server’s default org over 12 weeks, then its people over 30 days', async () => {
  routeOverview()
  routePeople()
  const page = await openPage()

  expect(keys()).toEqual([OVERVIEW, PEOPLE])
  expect(fake.requestsTo(OVERVIEW)[0].data).toEqual({ weeks: 12 })
  expect(fake.requestsTo(PEOPLE)[0].data).toEqual({ org_id: 1, since: '2026-10-26', until: '2026-11-24', sort: 'minutes', page: 1, per_page: 20 })

  // Nothing above the committee: no way up.
  expect(page.data.trail).toEqual([{ id: 1, name: '某某大学党委' }])
  expect(page.data.overview).toMatchObject({
    orgId: 1,
    orgName: '某某大学党委',
    parent: null,
    refreshedText: '数据更新于 20:20',
    members: 20,
    today: { active: 6, readingMinutesText: '96', punchIns: 5, quizzes: 4 },
    totals: { activeRateText: '62.5%', readingMinutesText: '3620', punchIns: 310, quizAccuracyText: '81.2%' },
  })
  expect(page.data.overview.weeks.map((week) => [week.label, week.activeRateText, week.activeWidth])).toEqual([
    ['11月9日', '50%', 50],
    ['11月16日', '—', 0],
    ['本周', '75%', 75],
  ])
  expect(page.data.overview.orgs.map((row) => [row.name, row.direct, row.canOpen, row.hasChildren, row.activeRateText, row.minutesPerMemberWeekText])).toEqual([
    ['本级直属', true, false, false, '100%', '30'],
    ['计算机学院党总支', false, true, true, '40%', '12.3'],
    ['机关党支部', false, true, false, '—', '0'],
  ])
  expect(page.data.overview.plans.map((plan) => [plan.title, plan.overdue, plan.rateText])).toEqual([
    ['十一月学习计划', false, '60%'],
    ['十月学习计划', true, '95%'],
  ])
  expect(page.data.items).toEqual([
    { id: 17, name: '李四', orgName: '本科生第一党支部', minutesText: '35.5', daysStudied: 6, points: 21, lastText: '11月23日', never: false },
    { id: 18, name: '党员 18', orgName: '本科生第一党支部', minutesText: '0', daysStudied: 0, points: 21, lastText: '未学习', never: true },
  ])
  expect(page.data.errorMessage).toBe('')
})

test('?org_id=: that org’s overview and people; 返回上级 to the org above it the server names', async () => {
  routeOverview()
  routePeople()
  const page = await openPage({ org_id: '2' })

  expect(fake.requestsTo(OVERVIEW)[0].data).toEqual({ org_id: 2, weeks: 12 })
  expect(fake.requestsTo(PEOPLE)[0].data.org_id).toBe(2)
  expect(page.data.overview.parent).toEqual({ id: 1, name: '某某大学党委' })
  expect(page.data.trail).toEqual([
    { id: 1, name: '某某大学党委' },
    { id: 2, name: '计算机学院党总支' },
  ])

  // 返回上级 (data-index: the crumb before the last).
  await page.goUp(tapEvent({ index: 0 }))

  expect(fake.requestsTo(OVERVIEW)[1].data).toEqual({ org_id: 1, weeks: 12 })
  expect(fake.requestsTo(PEOPLE)[1].data.org_id).toBe(1)
  expect(page.data.trail).toEqual([{ id: 1, name: '某某大学党委' }])
  expect(page.data.overview.orgName).toBe('某某大学党委')
})

test('?org_id= of a branch: up to its college, then to the committee, each named by the server; then no further', async () => {
  routeOverview()
  routePeople()
  const page = await openPage({ org_id: '3' })
  expect(page.data.trail.map((crumb) => crumb.name)).toEqual(['计算机学院党总支', '本科生第一党支部'])

  await page.goUp(tapEvent({ index: 0 }))
  // The college's own parent, which the trail did not know of.
  expect(page.data.trail.map((crumb) => crumb.name)).toEqual(['某某大学党委', '计算机学院党总支'])

  await page.goUp(tapEvent({ index: 0 }))
  expect(page.data.trail.map((crumb) => crumb.name)).toEqual(['某某大学党委'])
  await page.goUp(tapEvent({ index: 0 }))

  expect(fake.requestsTo(OVERVIEW).map((call) => call.data.org_id)).toEqual([3, 2, 1])
})

test('?org_id= of an org with nothing above that the caller manages (parent null): no way up', async () => {
  fake.route(OVERVIEW, [study.overview({ org: BRANCH, orgs: [] })])
  routePeople()
  const page = await openPage({ org_id: '3' })

  expect(page.data.overview.parent).toBeNull()
  expect(page.data.trail).toEqual([{ id: 3, name: '本科生第一党支部' }])
  await page.goUp(tapEvent({ index: 0 }))
  expect(fake.requestsTo(OVERVIEW)).toHaveLength(1)
})

test('the default org with an org above it the caller manages too: 返回上级 to it', async () => {
  fake.route(OVERVIEW, (call) => (call.data.org_id === 1 ? study.overview() : study.overview({ org: COLLEGE, parent: above(COMMITTEE), orgs: [] })))
  routePeople()
  const page = await openPage()

  expect(fake.requestsTo(OVERVIEW)[0].data).toEqual({ weeks: 12 })
  expect(page.data.trail.map((crumb) => crumb.id)).toEqual([1, 2])

  await page.goUp(tapEvent({ index: 0 }))
  expect(fake.requestsTo(OVERVIEW)[1].data).toEqual({ org_id: 1, weeks: 12 })
  expect(page.data.overview.orgName).toBe('某某大学党委')
})

describe('weeks', () => {
  test('近4周 and 近26周: the overview again, without the figures before while it loads; the people stay', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()
    const people = page.data.items

    const loading = page.switchWeeks(tapEvent({ weeks: 4 }))
    expect(page.data.overview).toBeNull()
    await loading
    await page.switchWeeks(tapEvent({ weeks: 26 }))
    // The same weeks, or weeks not offered: nothing.
    await page.switchWeeks(tapEvent({ weeks: 26 }))
    await page.switchWeeks(tapEvent({ weeks: 53 }))

    expect(fake.requestsTo(OVERVIEW).map((call) => call.data)).toEqual([{ weeks: 12 }, { org_id: 1, weeks: 4 }, { org_id: 1, weeks: 26 }])
    expect(page.data.weeks).toBe(26)
    expect(page.data.overview.orgName).toBe('某某大学党委')
    expect(fake.requestsTo(PEOPLE)).toHaveLength(1)
    expect(page.data.items).toBe(people)
  })

  test('a slow answer for weeks chosen before is dropped', async () => {
    fake.route(OVERVIEW, (call) => {
      const reply = study.overview({ refreshedAt: call.data.weeks === 4 ? '2026-11-24T01:00:00Z' : '2026-11-24T12:20:00Z' })
      return call.data.weeks === 4 ? Object.assign(reply, { delay: 50 }) : reply
    })
    routePeople()
    const page = await openPage()

    const slow = page.switchWeeks(tapEvent({ weeks: 4 }))
    await page.switchWeeks(tapEvent({ weeks: 26 }))
    await slow

    expect(page.data.weeks).toBe(26)
    expect(page.data.overview.refreshedText).toBe('数据更新于 20:20')
    expect(page.data.overviewLoading).toBe(false)
  })

  test('after a first load that failed, figures that come with other weeks bring the people too', async () => {
    fake.route(OVERVIEW, [{ networkFailure: true }, study.overview()])
    routePeople()
    const page = await openPage()
    expect(fake.requestsTo(PEOPLE)).toHaveLength(0)

    await page.switchWeeks(tapEvent({ weeks: 4 }))

    expect(page.data.overview.orgName).toBe('某某大学党委')
    expect(fake.requestsTo(PEOPLE)).toHaveLength(1)
    expect(page.data.items).toHaveLength(2)
  })
})

describe('the orgs below', () => {
  test('an org opens in place: its figures and its people; the trail leads back up', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()

    const opening = page.openOrg(tapEvent({ id: 2 }))
    // Nothing of the committee shows under the college while it loads.
    expect(page.data.overview).toBeNull()
    expect(page.data.items).toEqual([])
    await opening

    expect(fake.requestsTo(OVERVIEW)[1].data).toEqual({ org_id: 2, weeks: 12 })
    expect(fake.requestsTo(PEOPLE)[1].data).toMatchObject({ org_id: 2, page: 1 })
    expect(page.data.trail).toEqual([
      { id: 1, name: '某某大学党委' },
      { id: 2, name: '计算机学院党总支' },
    ])
    expect(page.data.overview.orgName).toBe('计算机学院党总支')

    await page.goUp(tapEvent({ index: 0 }))

    expect(fake.requestsTo(OVERVIEW)[2].data).toEqual({ org_id: 1, weeks: 12 })
    expect(fake.requestsTo(PEOPLE)[2].data.org_id).toBe(1)
    expect(page.data.trail).toEqual([{ id: 1, name: '某某大学党委' }])
    expect(page.data.overview.orgName).toBe('某某大学党委')
  })

  test('an org without orgs below it opens too: its figures and its people', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()

    await page.openOrg(tapEvent({ id: 5 }))

    expect(fake.requestsTo(OVERVIEW)[1].data).toEqual({ org_id: 5, weeks: 12 })
    expect(fake.requestsTo(PEOPLE)[1].data.org_id).toBe(5)
    expect(page.data.trail.map((crumb) => crumb.name)).toEqual(['某某大学党委', '机关党支部'])
  })

  test('an org opened whose parent the server does not name (null): no way up; the trail ends there', async () => {
    fake.route(OVERVIEW, (call) => (call.data.org_id === 2 ? study.overview({ org: COLLEGE, orgs: [] }) : study.overview()))
    routePeople()
    const page = await openPage()

    await page.openOrg(tapEvent({ id: 2 }))

    expect(page.data.trail).toEqual([{ id: 2, name: '计算机学院党总支' }])
  })

  test('本级直属 has nothing below it; an org not listed, the org shown or a crumb not above it do nothing', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()

    await page.openOrg(tapEvent({ id: 1 }))
    await page.openOrg(tapEvent({ id: 99 }))
    await page.goUp(tapEvent({ index: 0 }))
    await page.goUp(tapEvent({ index: -1 }))
    await page.goUp(tapEvent({ index: 'x' }))

    expect(fake.requestsTo(OVERVIEW)).toHaveLength(1)
    expect(page.data.trail).toHaveLength(1)
  })

  test('people of the org before arriving late are dropped, also while the new org’s figures load', async () => {
    fake.route(OVERVIEW, (call) => {
      if (call.data.org_id !== 2) return study.overview()
      return Object.assign(study.overview({ org: COLLEGE, parent: above(COMMITTEE), orgs: [] }), { delay: 80 })
    })
    fake.route(PEOPLE, (call) => {
      if (call.data.org_id === 1) return Object.assign(study.people([study.personFigures(17)]), { delay: 30 })
      return study.people([study.personFigures(30, { name: '王五' })])
    })
    const page = loadPage('pages/study/branch')
    const first = page.onLoad({})
    // The committee's overview in, its people still on their way.
    await settle(3)
    expect(fake.requestsTo(PEOPLE)).toHaveLength(1)

    const opening = page.openOrg(tapEvent({ id: 2 }))
    await first
    // The committee's people have arrived; the college's figures have not.
    expect(fake.requestsTo(PEOPLE)).toHaveLength(1)
    expect(page.data.items).toEqual([])
    expect(page.data.loaded).toBe(false)

    await opening
    expect(page.data.items.map((item) => item.name)).toEqual(['王五'])
  })

  test('an org that is not theirs (404): said, no 重试; the trail still leads back up', async () => {
    fake.route(OVERVIEW, (call) => (call.data.org_id === 2 ? fixtures.apiError(404, 'not_found', '组织不存在') : study.overview()))
    routePeople()
    const page = await openPage()

    await page.openOrg(tapEvent({ id: 2 }))

    expect(page.data).toMatchObject({ errorMessage: '组织不存在或无权查看', canRetry: false, overview: null })
    expect(fake.requestsTo(PEOPLE)).toHaveLength(1)
    expect(page.data.trail.map((crumb) => crumb.id)).toEqual([1, 2])

    await page.goUp(tapEvent({ index: 0 }))
    expect(page.data.errorMessage).toBe('')
    expect(page.data.overview.orgName).toBe('某某大学党委')
  })
})

describe('the people', () => {
  test('近7天 and the sorts: the people again from page 1; the figures are not asked again', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()

    const loading = page.switchPeriod(tapEvent({ period: '7' }))
    expect(page.data.items).toEqual([])
    await loading
    await page.switchSort(tapEvent({ sort: 'least' }))
    // The same, or not offered: nothing.
    await page.switchPeriod(tapEvent({ period: '7' }))
    await page.switchPeriod(tapEvent({ period: '90' }))
    await page.switchSort(tapEvent({ sort: 'least' }))
    await page.switchSort(tapEvent({ sort: 'name' }))

    expect(fake.requestsTo(PEOPLE).map((call) => [call.data.since, call.data.until, call.data.sort, call.data.page])).toEqual([
      ['2026-10-26', '2026-11-24', 'minutes', 1],
      ['2026-11-18', '2026-11-24', 'minutes', 1],
      ['2026-11-18', '2026-11-24', 'least', 1],
    ])
    expect(page.data).toMatchObject({ period: '7', sort: 'least' })
    expect(page.data.items).toHaveLength(2)
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(1)
  })

  test('the next page at the bottom, until the last', async () => {
    routeOverview()
    routePeople([[study.personFigures(17)], [study.personFigures(18)]])
    const page = await openPage()

    await page.onReachBottom()
    await page.onReachBottom()

    expect(page.data.items.map((item) => item.id)).toEqual([17, 18])
    expect(fake.requestsTo(PEOPLE).map((call) => [call.data.org_id, call.data.page])).toEqual([
      [1, 1],
      [1, 2],
    ])
  })

  test('a person opens their 学习有痕', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()

    page.openPerson(tapEvent({ id: 17 }))
    page.openPerson(tapEvent({}))

    expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/study/trace?person_id=17' }]])
  })

  test('a list that fails: a toast, and 重试 loads it', async () => {
    routeOverview()
    fake.route(PEOPLE, [{ networkFailure: true }, study.people([study.personFigures(17)])])
    const page = await openPage()

    expect(page.data).toMatchObject({ loaded: true, loadFailed: true, items: [] })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '网络连接失败，请稍后重试', icon: 'none', duration: 2000 })
    expect(page.data.overview).not.toBeNull()

    await page.refresh()
    expect(page.data.items.map((item) => item.id)).toEqual([17])
  })
})

describe('refusals and failures', () => {
  test('403 (manages nothing): said in words of its own, no 重试, no people asked for', async () => {
    fake.route(OVERVIEW, [fixtures.apiError(403, 'forbidden', '当前角色无权查看学习统计')])
    routePeople()
    const page = await openPage()

    expect(page.data).toMatchObject({ errorMessage: '只有支部书记和党委管理员可以查看支部学习统计', canRetry: false, overview: null })
    expect(fake.requestsTo(PEOPLE)).toHaveLength(0)
    // Nor at the bottom of the page.
    await page.onReachBottom()
    expect(fake.requestsTo(PEOPLE)).toHaveLength(0)
  })

  test('404 for ?org_id=: 组织不存在或无权查看', async () => {
    fake.route(OVERVIEW, [fixtures.apiError(404, 'not_found', '组织不存在')])
    const page = await openPage({ org_id: '77' })

    expect(fake.requestsTo(OVERVIEW)[0].data).toEqual({ org_id: 77, weeks: 12 })
    expect(page.data).toMatchObject({ errorMessage: '组织不存在或无权查看', canRetry: false })
  })

  test('a lost network: said, with 重试 that loads the figures and the people', async () => {
    fake.route(OVERVIEW, [{ networkFailure: true }, study.overview()])
    routePeople()
    const page = await openPage()

    expect(page.data).toMatchObject({ errorMessage: '网络连接失败，请稍后重试', canRetry: true, overviewLoading: false })

    await page.load()
    expect(page.data.errorMessage).toBe('')
    expect(page.data.overview.orgName).toBe('某某大学党委')
    expect(page.data.items).toHaveLength(2)
  })

  test('pull-down: both again, then the spinner stops', async () => {
    routeOverview()
    routePeople()
    const page = await openPage()

    await page.onPullDownRefresh()

    expect(keys()).toEqual([OVERVIEW, PEOPLE, OVERVIEW, PEOPLE])
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
  })

  test('signed out for good: to the login page', async () => {
    fake.route(OVERVIEW, [fixtures.apiError(401, 'unauthorized', '登录已失效')])
    fake.route('POST /auth/wx-login', [fixtures.apiError(401, 'wx_code_invalid', '微信登录凭证无效')])
    await openPage()
    await settle()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })
})
