// The study home (pages/study/index): the punch-in, points and plans cards, the materials by
// category (the server's categories) a page at a time with the member's reading of each, the
// entry of 支部学习统计 for secretaries and committee admins, and reloading the cards after a
// change elsewhere.

const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPages, loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function routeCards() {
  fake.route('GET /study/punch-ins/me', [study.punchIns(false, 3)])
  fake.route('GET /study/points/me', [study.myPoints()])
  fake.route('GET /study/plans/mine', [
    study.plans([study.plan(8, { deadline: '2026-11-20', overdue: true, title: '十月学习计划' }), study.plan(9)]),
  ])
}

function routeMaterials(pages = [[study.materialItem(41), study.materialItem(42)]]) {
  fake.routePages('GET /study/materials', pages, (items, meta) => study.materials(items, meta))
}

test('on load: the cards and the first page of materials', async () => {
  routeCards()
  routeMaterials()
  const page = loadPage('pages/study/index')

  await page.onLoad()

  expect(fake.requestsTo('GET /study/punch-ins/me')[0].data).toEqual({ days: 1 })
  expect(fake.requestsTo('GET /study/points/me')[0].data).toEqual({ page: 1, per_page: 1 })
  expect(fake.requestsTo('GET /study/materials')[0].data).toEqual({ page: 1, per_page: 20 })

  expect(page.data.punch).toMatchObject({ punchedToday: false, streak: 3 })
  expect(page.data.points).toMatchObject({ total: 57, today: 4, rankText: '第 3 名 / 共 20 人' })
  expect(page.data.plans.map((plan) => [plan.title, plan.state, plan.leftText])).toEqual([
    ['十月学习计划', 'overdue', '已逾期 4 天'],
    ['学习计划 9', 'active', '还剩 6 天'],
  ])
  expect(page.data.items.map((item) => item.title)).toEqual(['学习材料 41', '学习材料 42'])
})

test('a card that fails says so; the others show', async () => {
  routeCards()
  fake.route('GET /study/points/me', [{ networkFailure: true }])
  routeMaterials()
  const page = loadPage('pages/study/index')

  await page.onLoad()

  expect(page.data.points).toBeNull()
  expect(page.data.pointsError).toBe('网络连接失败，请稍后重试')
  expect(page.data.punch).toMatchObject({ streak: 3 })
  expect(page.data.plans).toHaveLength(2)
})

test('category chips: the list of that category, from page 1', async () => {
  routeCards()
  fake.route('GET /study/materials', (call) =>
    study.materials(call.data.category === 'history' ? [study.materialItem(51, { category: 'history', category_label: '党史' })] : [study.materialItem(41)])
  )
  const page = loadPage('pages/study/index')
  await page.onLoad()

  await page.switchCategory(tapEvent({ value: 'history' }))

  expect(page.data.category).toBe('history')
  expect(fake.requestsTo('GET /study/materials')[1].data).toEqual({ page: 1, per_page: 20, category: 'history' })
  expect(page.data.items.map((item) => item.id)).toEqual([51])

  await page.switchCategory(tapEvent({ value: '' }))
  expect(fake.requestsTo('GET /study/materials')[2].data).toEqual({ page: 1, per_page: 20 })
  expect(page.data.items.map((item) => item.id)).toEqual([41])

  // The same chip, or one that does not exist: nothing.
  await page.switchCategory(tapEvent({ value: '' }))
  await page.switchCategory(tapEvent({ value: 'gossip' }))
  expect(fake.requestsTo('GET /study/materials')).toHaveLength(3)
})

test('the next page at the bottom, until the last', async () => {
  routeCards()
  routeMaterials([[study.materialItem(41)], [study.materialItem(40)]])
  const page = loadPage('pages/study/index')
  await page.onLoad()

  await page.onReachBottom()
  await page.onReachBottom()

  expect(page.data.items.map((item) => item.id)).toEqual([41, 40])
  expect(fake.requestsTo('GET /study/materials').map((call) => call.data.page)).toEqual([1, 2])
})

test('a material, of the list or of a plan, opens the reader; the cards and entries their pages', () => {
  const page = loadPage('pages/study/index')

  page.openMaterial(tapEvent({ id: 41 }))
  page.openPunchIn()
  page.openPoints()
  page.openRanking()
  page.openQuiz()
  page.openTrace()

  expect(fake.wx.navigateTo.mock.calls).toEqual([
    [{ url: '/pages/study/reader?id=41' }],
    [{ url: '/pages/study/punch-in' }],
    [{ url: '/pages/study/points' }],
    [{ url: '/pages/study/points?tab=branches' }],
    [{ url: '/pages/study/quiz' }],
    [{ url: '/pages/study/trace' }],
  ])
})

test('the home does not draw today’s quiz: that is for the quiz page', async () => {
  routeCards()
  routeMaterials()
  const page = loadPage('pages/study/index')

  await page.onLoad()
  await page.onPullDownRefresh()

  expect(fake.requestsTo('GET /study/quiz/today')).toHaveLength(0)
})

test('back from the quiz: the cards reload (its points), the materials do not', async () => {
  routeCards()
  routeMaterials()
  fake.route('GET /study/quiz/today', [study.quiz()])
  fake.route('POST /study/quiz/today', [study.quiz({ submitted: true, chosen: { 11: [0], 12: [0, 1, 2], 13: [0] }, pointsAwarded: 3 })])
  fake.wx.pageScrollTo = jest.fn()
  const {
    pages: [home, quiz],
  } = loadPages(['pages/study/index', 'pages/study/quiz'])
  await home.onLoad()
  await quiz.onLoad()
  ;[[11, 0], [12, 0], [12, 1], [12, 2], [13, 0]].forEach(([question, index]) => quiz.choose(tapEvent({ question, index })))

  await home.onShow()
  expect(fake.requestsTo('GET /study/points/me')).toHaveLength(1)

  fake.route('GET /study/points/me', [study.myPoints({ total: 60, today: 7 })])
  await quiz.submit()
  await home.onShow()

  expect(fake.requestsTo('GET /study/points/me')).toHaveLength(2)
  expect(fake.requestsTo('GET /study/materials')).toHaveLength(1)
  expect(home.data.points).toMatchObject({ total: 60, today: 7 })
})

test('back from a punch-in: the cards reload, the materials do not', async () => {
  routeCards()
  routeMaterials()
  fake.route('POST /study/punch-ins', [{ status: 201, body: { id: 1, day: '2026-11-24', streak: 4, created: true, points_awarded: 2 } }])
  const {
    pages: [home, punchIn],
  } = loadPages(['pages/study/index', 'pages/study/punch-in'])
  await home.onLoad()
  await home.onShow()
  expect(fake.requestsTo('GET /study/points/me')).toHaveLength(1)

  fake.route('GET /study/punch-ins/me', [study.punchIns(true, 4)])
  await punchIn.submit()
  await home.onShow()

  expect(fake.requestsTo('GET /study/points/me')).toHaveLength(2)
  expect(fake.requestsTo('GET /study/plans/mine')).toHaveLength(2)
  expect(fake.requestsTo('GET /study/materials')).toHaveLength(1)
  expect(home.data.punch).toMatchObject({ punchedToday: true, streak: 4 })
})

test('pull-down: everything again, then the spinner stops', async () => {
  routeCards()
  routeMaterials()
  const page = loadPage('pages/study/index')
  await page.onLoad()

  await page.onPullDownRefresh()

  expect(fake.requestsTo('GET /study/materials')).toHaveLength(2)
  expect(fake.requestsTo('GET /study/plans/mine')).toHaveLength(2)
  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
})

test('signed out for good: to the login page', async () => {
  const unauthorized = fixtures.apiError(401, 'unauthorized', '登录已失效')
  ;['GET /study/punch-ins/me', 'GET /study/points/me', 'GET /study/plans/mine', 'GET /study/materials'].forEach((key) => fake.route(key, [unauthorized]))
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])
  const page = loadPage('pages/study/index')

  await page.onLoad()
  await settle()

  // Once, by the materials list; the cards say it in their place.
  expect(fake.wx.reLaunch.mock.calls).toEqual([[{ url: '/pages/bind/index?ticket=ticket-9' }]])
  expect(page.data.pointsError).toBe('请先绑定党员身份')
})

describe('the category chips: the server’s', () => {
  const CATEGORIES = {
    status: 200,
    body: {
      items: [
        { code: 'theory', label: '理论学习' },
        { code: 'history', label: '党史' },
        { code: 'study_tour', label: '红色研学' },
      ],
    },
  }

  test('GET /categories gives the chips, in its order after 全部; a chip of its own lists its materials', async () => {
    routeCards()
    fake.route('GET /study/categories', [CATEGORIES])
    fake.route('GET /study/materials', (call) => study.materials(call.data.category === 'study_tour' ? [study.materialItem(61, { category: 'study_tour', category_label: '红色研学' })] : [study.materialItem(41)]))
    const page = loadPage('pages/study/index')

    await page.onLoad()

    expect(page.data.categories).toEqual([
      { value: '', label: '全部' },
      { value: 'theory', label: '理论学习' },
      { value: 'history', label: '党史' },
      { value: 'study_tour', label: '红色研学' },
    ])
    await page.switchCategory(tapEvent({ value: 'study_tour' }))
    expect(fake.requestsTo('GET /study/materials')[1].data).toEqual({ page: 1, per_page: 20, category: 'study_tour' })
    expect(page.data.items.map((item) => [item.id, item.categoryLabel])).toEqual([[61, '红色研学']])

    // A built-in category the server no longer offers is not a chip.
    await page.switchCategory(tapEvent({ value: 'rules' }))
    expect(page.data.category).toBe('study_tour')
    expect(fake.requestsTo('GET /study/materials')).toHaveLength(2)
  })

  test('a failure keeps the built-in chips, quietly; a pull-down asks again, and once known not again', async () => {
    routeCards()
    routeMaterials()
    fake.route('GET /study/categories', [{ networkFailure: true }, CATEGORIES])
    const page = loadPage('pages/study/index')

    await page.onLoad()
    expect(page.data.categories.map((chip) => chip.label)).toEqual(['全部', '理论学习', '党史', '政策文件', '党规党纪', '先进典型', '其他'])
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    await page.onPullDownRefresh()
    expect(page.data.categories.map((chip) => chip.label)).toEqual(['全部', '理论学习', '党史', '红色研学'])

    await page.onPullDownRefresh()
    expect(fake.requestsTo('GET /study/categories')).toHaveLength(2)
  })
})

test('each material says how far the member has read it', async () => {
  routeCards()
  routeMaterials([
    [
      study.materialItem(41, { my_seconds: 130, studied: true }),
      study.materialItem(42, { my_seconds: 75, studied: false }),
      study.materialItem(43, { my_seconds: 0, studied: false }),
    ],
  ])
  const page = loadPage('pages/study/index')

  await page.onLoad()

  expect(page.data.items.map((item) => [item.id, item.studied, item.progressText])).toEqual([
    [41, true, '已学习'],
    [42, false, '已学 1分15秒'],
    [43, false, ''],
  ])
})

describe('支部学习统计', () => {
  const secretary = Object.assign({}, fixtures.member, { roles: ['member', 'secretary'] })

  // The roles are those of the stored session, which 我的 (the way to 学习) has just refreshed
  // from /me: the study home does not ask /me again.
  test('offered to a secretary at once, from the stored session; /me is not asked again', async () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: secretary })
    routeCards()
    routeMaterials()
    let shownOnLoad = null
    fake.route('GET /study/punch-ins/me', () => {
      shownOnLoad = page.data.canViewAnalytics
      return study.punchIns(false, 3)
    })
    const page = loadPage('pages/study/index')

    await page.onLoad()

    expect(shownOnLoad).toBe(true)
    expect(page.data.canViewAnalytics).toBe(true)
    expect(fake.requestsTo('GET /me')).toHaveLength(0)
    page.openBranch()
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/branch' })
  })

  test('a committee admin by their roles gets it too', async () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: Object.assign({}, fixtures.member, { roles: ['member', 'committee_admin'] }) })
    routeCards()
    routeMaterials()
    const page = loadPage('pages/study/index')

    await page.onLoad()

    expect(page.data.canViewAnalytics).toBe(true)
  })

  test('a member does not; nor one whose post ended since the last login (我的 stored /me’s roles)', async () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: Object.assign({}, secretary, { roles: ['member'] }) })
    routeCards()
    routeMaterials()
    const page = loadPage('pages/study/index')

    await page.onLoad()

    expect(page.data.canViewAnalytics).toBe(false)
    page.openBranch()
    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('what the stored session says stands, quietly: /me is not asked', async () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: secretary })
    routeCards()
    routeMaterials()
    fake.route('GET /me', [{ networkFailure: true }])
    const page = loadPage('pages/study/index')

    await page.onLoad()

    expect(page.data.canViewAnalytics).toBe(true)
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    expect(fake.requestsTo('GET /me')).toHaveLength(0)
  })
})
