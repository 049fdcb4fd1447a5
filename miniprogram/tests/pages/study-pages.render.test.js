/**
 * @jest-environment jsdom
 */
// Renders the real templates of the study pages (pages/study/index, reader, punch-in, points) and
// the 我的 page's 学习 row, compiled by the official wcc through miniprogram-simulate, each page
// adapted to Component() (tests/helpers/render.js). The logic is tested in study-*.test.js; here:
// that what the logic sets is what the member sees.

const { signedInEachTest, settle } = require('../helpers/wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

const render = pageRenderer(['index', 'reader', 'punch-in', 'points'], (name) => `pages/study/${name}`)
const renderMine = pageRenderer(['mine'], () => 'pages/me/index')
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

beforeEach(() => {
  fake.wx.setNavigationBarTitle = jest.fn()
})

describe('学习 (home)', () => {
  function routeAll() {
    fake.route('GET /study/punch-ins/me', [study.punchIns(false, 3)])
    fake.route('GET /study/points/me', [study.myPoints()])
    fake.route('GET /study/plans/mine', [
      study.plans([
        study.plan(8, { title: '十月学习计划', deadline: '2026-11-20', overdue: true }),
        study.plan(9, { title: '十一月学习计划', complete: true, studied: 2 }),
      ]),
    ])
    fake.routePages(
      'GET /study/materials',
      [[study.materialItem(41, { title: '中国共产党章程', category: 'rules', category_label: '党规党纪' }), study.materialItem(42, { kind: 'video', title: '党史微课' })]],
      (items, meta) => study.materials(items, meta)
    )
  }

  test('the punch-in, points, plans (overdue highlighted) and materials sections', async () => {
    routeAll()
    const comp = render('index')

    await comp.instance.onLoad()

    expect(comp.querySelector('.study-punch').dom.textContent).toContain('3天')
    expect(comp.querySelector('.study-punch-state').dom.textContent).toBe('去打卡 ›')
    expect(comp.querySelector('.study-points .study-card-value').dom.textContent).toBe('57')
    expect(comp.querySelector('.study-points').dom.textContent).toContain('今日 +4')
    expect(comp.querySelector('.study-points-rank').dom.textContent).toBe('第 3 名 / 共 20 人')

    expect(texts(comp, '.study-plan-title')).toEqual(['十月学习计划', '十一月学习计划'])
    expect(comp.querySelectorAll('.study-plan-overdue')).toHaveLength(1)
    expect(comp.querySelectorAll('.study-plan-deadline-overdue')).toHaveLength(1)
    expect(texts(comp, '.study-plan-state')).toEqual(['已逾期', '已完成'])
    expect(texts(comp, '.study-plan-deadline')).toEqual(['截止 11月20日（已逾期 4 天）', '截止 11月30日'])
    expect(texts(comp, '.study-plan-count')).toEqual(['1/2', '2/2'])
    expect(texts(comp, '.study-plan-item-state')).toEqual(['已学习', '未学习', '已学习', '未学习'])

    expect(texts(comp, '.study-chip')).toEqual(['全部', '理论学习', '党史', '政策文件', '党规党纪', '先进典型', '其他'])
    expect(texts(comp, '.study-chip-active')).toEqual(['全部'])
    expect(texts(comp, '.study-material-title')).toEqual(['中国共产党章程', '党史微课'])
    expect(texts(comp, '.study-material .study-kind')).toEqual(['文章', '视频'])
    expect(comp.dom.textContent).toContain('没有更多了')
  })

  test('punched in today; no plans', async () => {
    routeAll()
    fake.route('GET /study/punch-ins/me', [study.punchIns(true, 4)])
    fake.route('GET /study/plans/mine', [study.plans([])])
    const comp = render('index')

    await comp.instance.onLoad()

    expect(comp.querySelector('.study-punch-done').dom.textContent).toBe('今日已打卡')
    expect(comp.querySelector('.study-plans').dom.textContent).toContain('暂无学习计划')
  })

  test('a tap on a material opens the reader', async () => {
    routeAll()
    const comp = render('index')
    await comp.instance.onLoad()

    comp.querySelectorAll('.study-material')[1].dispatchEvent('tap')
    await new Promise((resolve) => setTimeout(resolve, 0))

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/reader?id=42' })
  })
})

describe('学习材料 (reader)', () => {
  function routeReader(material, session) {
    fake.route('GET /study/materials/31', [{ status: 200, body: material }])
    fake.route('POST /study/materials/31/reading-sessions', [{ status: 201, body: session }])
  }

  const MATERIAL = {
    id: 31,
    org_name: '某某大学党委',
    kind: 'article',
    title: '中国共产党章程',
    summary: '总纲',
    category: 'rules',
    category_label: '党规党纪',
    tags: ['党章'],
    min_dwell_seconds: 120,
    status: 'published',
    published_at: '2026-11-20T02:00:00+00:00',
    body_html: '<p>第一章 党员</p>',
  }
  const SESSION = { id: 501, material_id: 31, interval_seconds: 15, min_dwell_seconds: 120, material_seconds: 45, studied: false }

  function stop(comp) {
    comp.instance.onUnload()
  }

  test('an article in rich-text; the counted time; no badge yet', async () => {
    routeReader(MATERIAL, SESSION)
    const comp = render('reader')

    await comp.instance.onLoad({ id: '31' })

    expect(comp.querySelector('.reader-title').dom.textContent).toBe('中国共产党章程')
    expect(comp.querySelector('.reader-article')).toBeTruthy()
    expect(comp.querySelector('.reader-video')).toBeFalsy()
    expect(comp.querySelector('.reader-seconds').dom.textContent).toBe('45秒')
    expect(comp.querySelector('.reader-studied')).toBeFalsy()
    expect(comp.querySelector('.reader-needed').dom.textContent).toBe('学习满 2分钟 计为已学习，还需学习 1分15秒')
    stop(comp)
  })

  test('studied: the 已学习 badge', async () => {
    routeReader(MATERIAL, Object.assign({}, SESSION, { material_seconds: 130, studied: true }))
    const comp = render('reader')

    await comp.instance.onLoad({ id: '31' })

    expect(comp.querySelector('.reader-studied').dom.textContent).toBe('已学习')
    expect(comp.querySelector('.reader-seconds').dom.textContent).toBe('2分10秒')
    expect(comp.querySelector('.reader-needed')).toBeFalsy()
    stop(comp)
  })

  test('a video; a draft is not timed', async () => {
    routeReader(Object.assign({}, MATERIAL, { kind: 'video', body_html: null, video_url: 'https://v.example.cn/1.mp4', status: 'draft' }), SESSION)
    fake.route('POST /study/materials/31/reading-sessions', [fixtures.apiError(409, 'not_published', '该材料未发布，不能学习')])
    const comp = render('reader')

    await comp.instance.onLoad({ id: '31' })

    expect(comp.querySelector('.reader-video')).toBeTruthy()
    expect(comp.querySelector('.reader-article')).toBeFalsy()
    expect(comp.querySelector('.reader-note').dom.textContent).toBe('未发布的材料不计学习时长')
    stop(comp)
  })

  test('a document: its name, size and 打开', async () => {
    routeReader(Object.assign({}, MATERIAL, { kind: 'document', body_html: null, document_name: '党章.pdf', document_size: 204800 }), SESSION)
    const comp = render('reader')

    await comp.instance.onLoad({ id: '31' })

    expect(comp.querySelector('.reader-document-name').dom.textContent).toBe('党章.pdf')
    expect(comp.querySelector('.reader-document').dom.textContent).toContain('200 KB')
    expect(comp.querySelector('.reader-document-open').dom.textContent).toBe('打开')
    stop(comp)
  })
})

describe('学习打卡', () => {
  test('the form, then 打卡成功 with the streak and points', async () => {
    fake.route('GET /study/punch-ins/me', [study.punchIns(false, 3, [study.punchInItem(80, '2026-11-23', 3, '昨天的心得')])])
    fake.route('POST /study/punch-ins', [
      { status: 201, body: { id: 88, day: '2026-11-24', streak: 4, reflection: '今天的心得', created_at: '2026-11-24T12:30:00+00:00', created: true, points_awarded: 2 } },
    ])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    expect(comp.querySelector('.punch-form .punch-streak').dom.textContent).toBe('已连续打卡 3 天，今天继续')
    expect(texts(comp, '.punch-item-reflection')).toEqual(['昨天的心得'])
    comp.instance.onReflectionInput(inputEvent('今天的心得'))
    await settle(1)
    expect(comp.querySelector('.punch-count').dom.textContent).toBe('5/500')

    await comp.instance.submit()

    expect(comp.querySelector('.punch-done-title').dom.textContent).toBe('打卡成功')
    expect(comp.querySelector('.punch-result .punch-streak-days').dom.textContent).toBe('4')
    expect(comp.querySelector('.punch-points').dom.textContent).toBe('+2 积分')
    expect(comp.querySelector('.punch-form')).toBeFalsy()
  })

  test('200: 今日已打卡 and the note that the new reflection was not kept', async () => {
    fake.route('GET /study/punch-ins/me', [study.punchIns(false, 3)])
    fake.route('POST /study/punch-ins', [
      { status: 200, body: { id: 87, day: '2026-11-24', streak: 4, reflection: '早上的心得', created_at: '2026-11-24T00:05:00+00:00', created: false, points_awarded: 0 } },
    ])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    comp.instance.onReflectionInput(inputEvent('晚上的心得'))
    await comp.instance.submit()

    expect(comp.querySelector('.punch-done-title').dom.textContent).toBe('今日已打卡')
    expect(comp.querySelector('.punch-unsaved').dom.textContent).toBe('今天已经打过卡，本次填写的心得未保存')
    expect(comp.querySelector('.punch-result .punch-reflection').dom.textContent).toBe('早上的心得')
    expect(comp.querySelector('.punch-points')).toBeFalsy()
  })
})

describe('学习积分', () => {
  test('two tabs: 我的积分, then 支部排行', async () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: fixtures.member })
    fake.routePages('GET /study/points/me', [[study.pointsEntry(9)]], (items) => study.myPoints({ items }))
    fake.route('GET /study/rankings/branches', [study.ranking('month')])
    const comp = render('points')
    await comp.instance.onLoad({})

    expect(texts(comp, '.study-tab')).toEqual(['我的积分', '支部排行'])
    expect(texts(comp, '.study-tab-active')).toEqual(['我的积分'])
    expect(texts(comp, '.points-number')).toEqual(['57', '+4'])
    expect(comp.querySelector('.points-rank').dom.textContent).toBe('支部排名：第 3 名 / 共 20 人')
    expect(texts(comp, '.points-entry-label')).toEqual(['学习打卡'])
    expect(comp.querySelector('.ranking')).toBeFalsy()

    comp.querySelectorAll('.study-tab')[1].dispatchEvent('tap')
    await settle()

    expect(texts(comp, '.study-tab-active')).toEqual(['支部排行'])
    expect(comp.querySelector('.points-summary')).toBeFalsy()
    expect(texts(comp, '.study-chip')).toEqual(['近7天', '近30天', '近一年', '全部'])
    expect(texts(comp, '.study-chip-active')).toEqual(['近30天'])
    expect(texts(comp, '.ranking-org')).toEqual(['研究生党支部', '本科生第一党支部本支部', '教工党支部'])
    expect(texts(comp, '.ranking-per-member')).toEqual(['5', '4.5', '1'])
    expect(comp.querySelectorAll('.ranking-mine')).toHaveLength(1)
    expect(comp.querySelector('.ranking-note').dom.textContent).toBe('统计10月26日起，按人均积分排名')
  })
})

describe('我的', () => {
  test('学习 opens the study home', async () => {
    fake.route('GET /me', [fixtures.me()])
    const comp = renderMine('mine')
    await comp.instance.load()

    expect(comp.querySelector('.me-study').dom.textContent).toContain('学习')
    comp.querySelector('.me-study').dispatchEvent('tap')
    await new Promise((resolve) => setTimeout(resolve, 0))

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/index' })
  })
})
