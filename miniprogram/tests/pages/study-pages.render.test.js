/**
 * @jest-environment jsdom
 */
// Renders the real templates of the study pages (pages/study/index, reader, punch-in, points, quiz,
// trace, branch) and the 我的 page's 学习 row, compiled by the official wcc through
// miniprogram-simulate, each page adapted to Component() (tests/helpers/render.js). The logic is
// tested in study-*.test.js; here: that what the logic sets is what the member sees.

const { signedInEachTest, settle } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

const render = pageRenderer(['index', 'reader', 'punch-in', 'points', 'quiz', 'trace', 'branch'], (name) => `pages/study/${name}`)
const renderMine = pageRenderer(['mine'], () => 'pages/me/index')
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

beforeEach(() => {
  fake.wx.setNavigationBarTitle = jest.fn()
  fake.wx.pageScrollTo = jest.fn()
})

async function tap(node) {
  node.dispatchEvent('tap')
  await settle(1)
}

// A page's failure box (its class) says `text`, with 重试 only when asking again may help.
function expectFailure(comp, box, text, retry) {
  expect(comp.querySelector(box).dom.textContent).toContain(text)
  expect(!!comp.querySelector(`${box} .study-retry`)).toBe(retry)
}

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

  test('each material says how far it is read; 支部学习统计 only for a secretary', async () => {
    routeAll()
    fake.routePages(
      'GET /study/materials',
      [[study.materialItem(41, { my_seconds: 130, studied: true }), study.materialItem(42, { my_seconds: 75 }), study.materialItem(43, { my_seconds: 0 })]],
      (items, meta) => study.materials(items, meta)
    )
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: Object.assign({}, fixtures.member, { roles: ['member'] }) })
    const member = render('index')
    await member.instance.onLoad()

    expect(texts(member, '.study-material-progress')).toEqual(['已学习', '已学 1分15秒'])
    expect(member.querySelectorAll('.study-material-studied')).toHaveLength(1)
    expect(member.querySelector('.study-entry-branch')).toBeFalsy()

    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: Object.assign({}, fixtures.member, { roles: ['member', 'secretary'] }) })
    const secretary = render('index')
    await secretary.instance.onLoad()

    expect(secretary.querySelector('.study-entry-branch .study-entry-title').dom.textContent).toBe('支部学习统计›')
    await tap(secretary.querySelector('.study-entry-branch'))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/branch' })
  })

  test('the chips are the server’s categories', async () => {
    routeAll()
    fake.route('GET /study/categories', [{ status: 200, body: { items: [{ code: 'theory', label: '理论学习' }, { code: 'study_tour', label: '红色研学' }] } }])
    const comp = render('index')

    await comp.instance.onLoad()

    expect(texts(comp, '.study-chip')).toEqual(['全部', '理论学习', '红色研学'])
  })

  test('the entries of 每日答题 and 学习有痕 open their pages', async () => {
    routeAll()
    const comp = render('index')
    await comp.instance.onLoad()

    expect(texts(comp, '.study-entry-title')).toEqual(['每日答题›', '学习有痕›'])
    await tap(comp.querySelector('.study-entry-quiz'))
    await tap(comp.querySelector('.study-entry-trace'))

    expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/study/quiz' }], [{ url: '/pages/study/trace' }]])
  })
})

describe('每日答题', () => {
  test('answering: taps pick options; the missing questions are named; then the scored result', async () => {
    fake.route('GET /study/quiz/today', [study.quiz()])
    fake.route('POST /study/quiz/today', [study.quiz({ submitted: true, chosen: { 11: [0], 12: [0, 1], 13: [0] }, pointsAwarded: 2 })])
    const comp = render('quiz')
    await comp.instance.onLoad()

    expect(comp.querySelector('.quiz-progress').dom.textContent).toBe('共 3 题，已答 0 题')
    expect(texts(comp, '.quiz-question .study-tag')).toEqual(['单选题', '多选题', '判断题'])
    expect(texts(comp, '.quiz-multiple-hint')).toEqual(['可选多项'])
    expect(texts(comp, '.quiz-question')[0]).toContain('中国共产党的最高理想和最终目标是什么？')
    expect(texts(comp, '.quiz-letter')).toEqual(['A', 'B', 'C', 'D', 'A', 'B', 'C', 'D', 'A', 'B'])
    expect(comp.querySelector('.quiz-score')).toBeFalsy()
    expect(comp.querySelector('.quiz-answer')).toBeFalsy()

    const options = comp.querySelectorAll('.quiz-option')
    await tap(options[0])
    await tap(options[4])
    await tap(options[5])
    expect(texts(comp, '.quiz-option-picked .quiz-option-text')).toEqual(['实现共产主义', '政治纪律', '组织纪律'])

    await tap(comp.querySelector('.quiz-submit'))
    expect(comp.querySelector('.quiz-error').dom.textContent).toBe('第 3 题还没有作答')
    expect(comp.querySelectorAll('.quiz-question-missing')).toHaveLength(1)
    expect(texts(comp, '.quiz-missing')).toEqual(['请作答本题'])

    await tap(options[8])
    expect(comp.querySelector('.quiz-error')).toBeFalsy()
    expect(comp.querySelector('.quiz-progress').dom.textContent).toBe('共 3 题，已答 3 题')
    await comp.instance.submit()

    expect(comp.querySelector('.quiz-score-title').dom.textContent).toBe('今日答题已完成')
    expect(comp.querySelector('.quiz-score-text').dom.textContent).toBe('答对 2/3 题')
    expect(comp.querySelector('.quiz-points').dom.textContent).toBe('+2 积分')
    expect(texts(comp, '.quiz-result')).toEqual(['回答正确', '回答错误', '回答正确'])
    expect(comp.querySelectorAll('.quiz-result-wrong')).toHaveLength(1)
    expect(texts(comp, '.quiz-answer-row')).toEqual(['正确答案：A', '你的答案：A', '正确答案：ABC', '你的答案：AB', '正确答案：正确', '你的答案：正确'])
    expect(texts(comp, '.quiz-option-right .quiz-option-text')).toEqual(['实现共产主义', '政治纪律', '组织纪律', '廉洁纪律', '正确'])
    expect(comp.querySelectorAll('.quiz-option-wrong')).toHaveLength(0)
    expect(texts(comp, '.quiz-explanation')).toEqual(['解析：见党章总纲。', '解析：党的纪律主要包括政治纪律、组织纪律、廉洁纪律等。'])
    expect(comp.querySelector('.quiz-submit')).toBeFalsy()
    expect(comp.querySelector('.quiz-progress')).toBeFalsy()
  })

  test('a wrong choice is marked wrong; submitted before: the note of a second submission', async () => {
    fake.route('GET /study/quiz/today', [study.quiz()])
    fake.route('POST /study/quiz/today', [fixtures.apiError(409, 'already_submitted', '今日已答题，每天只计一次')])
    const comp = render('quiz')
    await comp.instance.onLoad()
    ;[0, 4, 8].forEach((index) => comp.querySelectorAll('.quiz-option')[index].dispatchEvent('tap'))
    await settle(1)
    fake.route('GET /study/quiz/today', [study.quiz({ submitted: true, chosen: { 11: [1], 12: [0, 1, 2], 13: [0] } })])

    await comp.instance.submit()

    expect(comp.querySelector('.quiz-note').dom.textContent).toBe('今天已经提交过答题，每天只计首次提交的结果')
    expect(comp.querySelector('.quiz-score-text').dom.textContent).toBe('答对 2/3 题')
    expect(comp.querySelector('.quiz-points')).toBeFalsy()
    expect(texts(comp, '.quiz-option-wrong .quiz-option-text')).toEqual(['全面建成小康社会'])
  })

  test('a quiz submitted before: its result with the points it earned', async () => {
    fake.route('GET /study/quiz/today', [study.quiz({ submitted: true, chosen: { 11: [0], 12: [0, 1, 2], 13: [1] }, pointsAwarded: 2 })])
    const comp = render('quiz')
    await comp.instance.onLoad()

    expect(comp.querySelector('.quiz-score-text').dom.textContent).toBe('答对 2/3 题')
    expect(comp.querySelector('.quiz-points').dom.textContent).toBe('+2 积分')
    expect(comp.querySelector('.quiz-submit')).toBeFalsy()
  })

  test('an empty bank: 题库暂无题目', async () => {
    fake.route('GET /study/quiz/today', [fixtures.apiError(404, 'no_questions', '题库中还没有题目')])
    const comp = render('quiz')
    await comp.instance.onLoad()

    expect(comp.querySelector('.quiz-empty-title').dom.textContent).toBe('题库暂无题目')
    expect(comp.querySelector('.quiz-question')).toBeFalsy()
    expect(comp.querySelector('.quiz-submit')).toBeFalsy()
    expect(comp.dom.textContent).not.toContain('加载中')
  })

  test('a lost network: 重试; no member record: no 重试', async () => {
    fake.route('GET /study/quiz/today', [{ networkFailure: true }, fixtures.apiError(403, 'no_member', '该账号未关联党员档案')])
    const comp = render('quiz')
    await comp.instance.onLoad()

    expectFailure(comp, '.quiz-load-error', '网络连接失败，请稍后重试', true)

    await tap(comp.querySelector('.quiz-load-error .study-retry'))
    await settle()

    expectFailure(comp, '.quiz-load-error', '该账号未关联党员档案', false)
  })
})

describe('学习有痕', () => {
  test('the periods, the totals, the days; a material opens the reader', async () => {
    fake.route('GET /study/trace/me', [study.trace()])
    const comp = render('trace')
    await comp.instance.onLoad({})

    expect(texts(comp, '.study-chip')).toEqual(['近7天', '近30天', '近90天'])
    expect(texts(comp, '.study-chip-active')).toEqual(['近30天'])
    expect(comp.querySelector('.trace-since').dom.textContent).toBe('2026-10-26')
    expect(comp.querySelector('.trace-until').dom.textContent).toBe('2026-11-24')
    expect(comp.querySelector('.trace-minutes').dom.textContent).toBe('16')
    expect(comp.querySelector('.trace-days-studied').dom.textContent).toBe('3')
    expect(comp.querySelector('.trace-period').dom.textContent).toBe('10月26日 至 11月24日，共 30 天')
    expect(comp.querySelector('.trace-export').dom.textContent).toBe('导出')

    expect(texts(comp, '.trace-day-date')).toEqual(['今天', '11月22日', '11月20日'])
    expect(texts(comp, '.trace-day-time')).toEqual(['学习时长 15分20秒', '学习时长 45秒'])
    expect(texts(comp, '.trace-reading-title')).toEqual(['中国共产党章程', '党史微课', '关于加强基层党建的意见'])
    expect(texts(comp, '.trace-punch-streak')).toEqual(['连续打卡 4 天', '连续打卡 2 天'])
    expect(texts(comp, '.trace-reflection')).toEqual(['学习了党章第二章'])
    expect(texts(comp, '.trace-quiz-result')).toEqual(['答对 3/3 题', '答对 1/3 题'])
    expect(comp.querySelectorAll('.trace-quiz-full')).toHaveLength(1)
    expect(comp.querySelector('.trace-empty')).toBeFalsy()

    await tap(comp.querySelectorAll('.trace-reading')[1])
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/reader?id=32' })
  })

  test('another period by its chip; dates the server would refuse are said; nothing studied', async () => {
    fake.route('GET /study/trace/me', (call) => study.trace({ since: call.data.since, until: call.data.until, days: [] }))
    const comp = render('trace')
    await comp.instance.onLoad({})

    await tap(comp.querySelectorAll('.study-chip')[0])
    await settle()
    expect(texts(comp, '.study-chip-active')).toEqual(['近7天'])
    expect(comp.querySelector('.trace-period').dom.textContent).toBe('11月18日 至 11月24日，共 7 天')
    expect(comp.querySelector('.trace-empty').dom.textContent).toBe('这段时间还没有学习记录')

    await comp.instance.pickSince(inputEvent('2026-12-01'))
    await settle(1)
    expect(comp.querySelector('.trace-range-error').dom.textContent).toBe('开始日期不能晚于结束日期')
    expect(comp.querySelectorAll('.study-chip-active')).toHaveLength(0)
  })

  test('a day’s photo: 查看照片 until tapped, then the photo in its place', async () => {
    installCheckinWx(fake).state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch-5.jpg' }
    fake.route('GET /study/trace/me', [study.trace()])
    const comp = render('trace')
    await comp.instance.onLoad({})

    expect(texts(comp, '.trace-photo')).toEqual(['查看照片'])
    expect(comp.querySelector('.trace-photo-image')).toBeFalsy()
    expect(comp.querySelector('.trace-person')).toBeFalsy()

    await tap(comp.querySelector('.trace-photo'))
    await settle()

    expect(comp.querySelectorAll('.trace-photo-image')).toHaveLength(1)
    // The simulator keeps an <image>'s src off the DOM; the one shown is the downloaded one.
    expect(comp.instance.data.trace.days[0].punchIn.photoPath).toBe('wxfile://tmp/punch-5.jpg')
    expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/punch-5.jpg'], current: 'wxfile://tmp/punch-5.jpg' })
  })

  test('a photo that fails: said in its place', async () => {
    installCheckinWx(fake).state.download = { fail: true }
    fake.route('GET /study/trace/me', [study.trace()])
    const comp = render('trace')
    await comp.instance.onLoad({})

    await tap(comp.querySelector('.trace-photo'))
    await settle()

    expect(comp.querySelector('.trace-photo-failed').dom.textContent).toBe('加载失败，点击重试')
  })

  test('a person’s trace: their name and branch above the totals; refused: said, without 重试', async () => {
    installCheckinWx(fake)
    fake.route('GET /study/trace/people/17', [study.trace({ person: { id: 17, name: '李四', org_name: '第一党小组' } })])
    const comp = render('trace')
    await comp.instance.onLoad({ person_id: '17' })

    expect(comp.querySelector('.trace-person-name').dom.textContent).toBe('李四')
    expect(comp.querySelector('.trace-person-org').dom.textContent).toBe('第一党小组')
    expect(fake.wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '李四的学习有痕' })

    fake.route('GET /study/trace/people/18', [fixtures.apiError(404, 'not_found', '人员不存在')])
    const refused = render('trace')
    await refused.instance.onLoad({ person_id: '18' })

    expectFailure(refused, '.trace-error', '该党员不存在或不在你管理的组织中', false)
    expect(refused.querySelector('.trace-summary')).toBeFalsy()
  })

  test('a failure: said, with 重试', async () => {
    fake.route('GET /study/trace/me', [{ networkFailure: true }])
    const comp = render('trace')
    await comp.instance.onLoad({})

    expectFailure(comp, '.trace-error', '网络连接失败，请稍后重试', true)
    expect(comp.querySelector('.trace-summary')).toBeFalsy()
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
    fake.route('POST /study/punch-ins', [study.punchInReply(201, { reflection: '今天的心得' })])
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
    // Published: no note of a review, no tag.
    expect(comp.querySelector('.punch-pending')).toBeFalsy()
    expect(comp.querySelector('.punch-review')).toBeFalsy()
  })

  test('a reflection held for review: 打卡成功 with the note, and tagged 审核中; a refused one 未通过审核', async () => {
    const refused = Object.assign(study.punchInItem(80, '2026-11-23', 3, '昨天的心得'), { reflection_status: 'rejected' })
    fake.route('GET /study/punch-ins/me', [
      study.punchIns(false, 3, [refused]),
      study.punchIns(true, 4, [Object.assign(study.punchInItem(88, '2026-11-24', 4, '今天的心得', '2026-11-24T12:30:00+00:00'), { reflection_status: 'pending' }), refused]),
    ])
    fake.route('POST /study/punch-ins', [study.punchInReply(201, { reflection: '今天的心得', reflection_status: 'pending' })])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    expect(texts(comp, '.punch-item-reflection .punch-review')).toEqual(['未通过审核'])
    expect(comp.querySelector('.punch-item-reflection .punch-review-rejected')).toBeTruthy()

    comp.instance.onReflectionInput(inputEvent('今天的心得'))
    await comp.instance.submit()
    await settle(1)

    expect(comp.querySelector('.punch-done-title').dom.textContent).toBe('打卡成功')
    expect(comp.querySelector('.punch-points').dom.textContent).toBe('+2 积分')
    expect(comp.querySelector('.punch-pending').dom.textContent).toBe('你的心得包含需要审核的内容，审核通过后他人才能看到')
    expect(comp.querySelector('.punch-result .punch-review-pending').dom.textContent).toBe('审核中')
    expect(comp.querySelector('.punch-result .punch-reflection').dom.textContent).toBe('审核中今天的心得')
    expect(texts(comp, '.punch-item-reflection .punch-review')).toEqual(['审核中', '未通过审核'])
  })

  test('punched in already, today’s reflection held: tagged 审核中, no note', async () => {
    fake.route('GET /study/punch-ins/me', [
      study.punchIns(true, 5, [Object.assign(study.punchInItem(90, '2026-11-24', 5, '今天的心得'), { reflection_status: 'pending' }), study.punchInItem(80, '2026-11-23', 4)]),
    ])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    expect(comp.querySelector('.punch-today .punch-review').dom.textContent).toBe('审核中')
    expect(comp.querySelector('.punch-pending')).toBeFalsy()
    expect(texts(comp, '.punch-item-reflection')).toEqual(['审核中今天的心得'])
  })

  test('200: 今日已打卡 and the note that the new reflection was not kept', async () => {
    fake.route('GET /study/punch-ins/me', [study.punchIns(false, 3)])
    fake.route('POST /study/punch-ins', [study.punchInReply(200, { id: 87, reflection: '早上的心得', created_at: '2026-11-24T00:05:00+00:00' })])
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

describe('学习打卡的照片', () => {
  const PHOTO_URL = '/api/v1/study/punch-ins/90/photo'

  function punchedToday(photoUrl) {
    return study.punchIns(true, 5, [Object.assign(study.punchInItem(90, '2026-11-24', 5, '今天的心得'), { photo_url: photoUrl })])
  }

  test('before the punch-in: no photo to add', async () => {
    fake.route('GET /study/punch-ins/me', [study.punchIns(false, 3)])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    expect(comp.querySelector('.punch-form')).toBeTruthy()
    expect(comp.querySelector('.punch-photo')).toBeFalsy()
  })

  test('punched in without a photo: 添加照片; once uploaded, the photo and 更换照片', async () => {
    const controls = installCheckinWx(fake)
    fake.route('GET /study/punch-ins/me', [punchedToday(null)])
    fake.route('POST /study/punch-ins/90/photo', [{ status: 200, body: { id: 90, day: '2026-11-24', streak: 5, reflection: '今天的心得', photo_url: PHOTO_URL } }])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    expect(comp.querySelector('.punch-today .punch-done-title').dom.textContent).toBe('今日已打卡')
    expect(comp.querySelector('.punch-photo-button').dom.textContent).toBe('添加照片')
    expect(comp.querySelector('.punch-photo-image')).toBeFalsy()

    controls.picksPhotos(['wxfile://tmp/chosen.jpg'])
    await tap(comp.querySelector('.punch-photo-button'))
    await settle()

    expect(comp.querySelector('.punch-photo-image')).toBeTruthy()
    expect(comp.instance.data.photoPath).toBe('wxfile://tmp/chosen.jpg')
    expect(comp.querySelector('.punch-photo-button').dom.textContent).toBe('更换照片')
  })

  test('a photo that fails to load, and an upload refused: each said', async () => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 404 }
    fake.route('GET /study/punch-ins/me', [punchedToday(PHOTO_URL)])
    fake.route('POST /study/punch-ins/90/photo', [fixtures.apiError(413, 'file_too_large', '文件不能超过 5 MB')])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    expect(comp.querySelector('.punch-photo-failed').dom.textContent).toBe('照片加载失败，点击重试')
    expect(comp.querySelector('.punch-photo-button').dom.textContent).toBe('更换照片')

    controls.picksPhotos(['wxfile://tmp/big.jpg'])
    await comp.instance.choosePhoto()
    await settle(1)

    expect(comp.querySelector('.punch-photo-error').dom.textContent).toBe('文件不能超过 5 MB')
  })

  test('the day changed before the photo went: said, and the form for today', async () => {
    const controls = installCheckinWx(fake)
    fake.route('GET /study/punch-ins/me', [punchedToday(null), study.punchIns(false, 5)])
    fake.route('POST /study/punch-ins/90/photo', [fixtures.apiError(409, 'punch_in_closed', '只能为今天的打卡添加照片')])
    const comp = render('punch-in')
    await comp.instance.onLoad()

    controls.picksPhotos(['wxfile://tmp/late.jpg'])
    await comp.instance.choosePhoto()
    await settle(1)

    expect(comp.querySelector('.punch-note').dom.textContent).toBe('已是新的一天，之前的打卡不能再添加照片，请先完成今天的打卡')
    expect(comp.querySelector('.punch-form')).toBeTruthy()
    expect(comp.querySelector('.punch-photo')).toBeFalsy()
  })
})

describe('支部学习统计', () => {
  function routeBranch() {
    fake.route('GET /study/analytics/overview', (call) =>
      call.data.org_id === 2
        ? study.overview({ org: { id: 2, name: '计算机学院党总支', type: 'general_branch' }, parent: { id: 1, name: '某某大学党委' }, orgs: [], plans: [] })
        : study.overview()
    )
    fake.routePages(
      'GET /study/analytics/people',
      [[study.personFigures(17, { name: '李四', org_name: '第一党小组' }), study.personFigures(18, { name: '王五', reading_minutes: 0, days_studied: 0, last_studied: null })]],
      (items, meta) => study.people(items, meta)
    )
  }

  test('the org, how fresh, today, the totals, the weeks as bars, the orgs below, the plans and the people', async () => {
    routeBranch()
    const comp = render('branch')
    await comp.instance.onLoad({})

    expect(comp.querySelector('.branch-trail')).toBeFalsy()
    expect(texts(comp, '.branch-weeks .study-chip')).toEqual(['近4周', '近12周', '近26周'])
    expect(texts(comp, '.branch-weeks .study-chip-active')).toEqual(['近12周'])
    expect(comp.querySelector('.branch-org').dom.textContent).toBe('某某大学党委')
    expect(comp.querySelector('.branch-refreshed').dom.textContent).toBe('数据更新于 20:20')
    expect(comp.querySelector('.branch-range').dom.textContent).toBe('9月7日 至 11月24日 · 现有党员 20 人')

    expect(comp.querySelector('.branch-today-active').dom.textContent).toBe('6/20')
    expect(comp.querySelector('.branch-today-minutes').dom.textContent).toBe('96')
    expect(comp.querySelector('.branch-total-rate').dom.textContent).toBe('62.5%')
    expect(comp.querySelector('.branch-total-minutes').dom.textContent).toBe('3620')
    expect(comp.querySelector('.branch-total-punch-ins').dom.textContent).toBe('310')
    expect(comp.querySelector('.branch-total-accuracy').dom.textContent).toBe('81.2%')

    expect(texts(comp, '.branch-week-label')).toEqual(['11月9日', '11月16日', '本周'])
    expect(texts(comp, '.branch-week-rate')).toEqual(['50%', '—', '75%'])
    expect(texts(comp, '.branch-week-minutes')).toEqual(['300分钟', '0分钟', '212分钟'])
    expect(comp.querySelectorAll('.branch-week-bar .study-bar-fill').map((bar) => bar.dom.getAttribute('style'))).toEqual([
      'width: 50%',
      'width: 0%',
      'width: 75%',
    ])
    expect(comp.querySelectorAll('.branch-week-current')).toHaveLength(1)

    expect(texts(comp, '.branch-org-title')).toEqual(['本级直属', '计算机学院党总支', '机关党支部'])
    expect(texts(comp, '.branch-org-rate-value')).toEqual(['100%', '40%', '—'])
    expect(texts(comp, '.branch-org-minutes-value')).toEqual(['30', '12.3', '0'])
    expect(comp.querySelectorAll('.branch-org-direct')).toHaveLength(1)
    // › on the orgs that open (the header's column is empty); 含下级组织 on those with orgs below.
    expect(texts(comp, '.branch-org-item .branch-org-arrow')).toEqual(['', '›', '›'])
    expect(texts(comp, '.branch-org-members')).toEqual(['2 名党员', '12 名党员 · 含下级组织', '0 名党员'])
    expect(texts(comp, '.branch-org-below')).toEqual(['· 含下级组织'])

    expect(texts(comp, '.branch-plan-title')).toEqual(['十一月学习计划', '十月学习计划'])
    expect(texts(comp, '.branch-plan-overdue')).toEqual(['已逾期'])
    expect(texts(comp, '.branch-plan-rate')).toEqual(['60%', '95%'])
    expect(texts(comp, '.branch-plan-count')).toEqual(['已完成 12/20 人', '已完成 19/20 人'])

    expect(texts(comp, '.branch-periods .study-chip-active')).toEqual(['近30天'])
    expect(texts(comp, '.branch-sorts .study-chip')).toEqual(['学习时长', '学习天数', '积分', '最不活跃'])
    expect(texts(comp, '.branch-person-name')).toEqual(['李四', '王五'])
    expect(texts(comp, '.branch-person-org')).toEqual(['第一党小组', '本科生第一党支部'])
    expect(texts(comp, '.branch-person-figures')).toEqual(['学习时长 35.5 分钟 · 学习 6 天 · 积分 21', '学习时长 0 分钟 · 学习 0 天 · 积分 21'])
    expect(texts(comp, '.branch-person-last')).toEqual(['最近 11月23日', '未学习'])
    expect(comp.querySelectorAll('.branch-person-never')).toHaveLength(1)
    expect(comp.dom.textContent).toContain('没有更多了')

    await tap(comp.querySelectorAll('.branch-person')[0])
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/trace?person_id=17' })
  })

  test('an org below opens in place, with the way back up', async () => {
    routeBranch()
    const comp = render('branch')
    await comp.instance.onLoad({})

    await tap(comp.querySelectorAll('.branch-org-item')[1])
    await settle()

    expect(comp.querySelector('.branch-org').dom.textContent).toBe('计算机学院党总支')
    expect(texts(comp, '.branch-crumb')).toEqual(['某某大学党委 /', '计算机学院党总支'])
    expect(comp.querySelector('.branch-orgs')).toBeFalsy()
    expect(comp.querySelector('.branch-plans-empty').dom.textContent).toBe('这段时间没有学习计划')

    await tap(comp.querySelector('.branch-up'))
    await settle()

    expect(comp.querySelector('.branch-org').dom.textContent).toBe('某某大学党委')
    expect(comp.querySelector('.branch-trail')).toBeFalsy()
  })

  test('本级直属 is not opened', async () => {
    routeBranch()
    const comp = render('branch')
    await comp.instance.onLoad({})

    await tap(comp.querySelectorAll('.branch-org-item')[0])
    await settle()

    expect(fake.requestsTo('GET /study/analytics/overview')).toHaveLength(1)
    expect(comp.querySelector('.branch-org').dom.textContent).toBe('某某大学党委')
    expect(comp.querySelector('.branch-trail')).toBeFalsy()
  })

  test('opened with ?org_id=: 返回上级 to the org above the server names', async () => {
    routeBranch()
    const comp = render('branch')
    await comp.instance.onLoad({ org_id: '2' })

    expect(comp.querySelector('.branch-org').dom.textContent).toBe('计算机学院党总支')
    expect(comp.querySelector('.branch-up').dom.textContent).toBe('‹ 返回上级')
    expect(texts(comp, '.branch-crumb')).toEqual(['某某大学党委 /', '计算机学院党总支'])

    await tap(comp.querySelector('.branch-up'))
    await settle()

    expect(fake.requestsTo('GET /study/analytics/overview')[1].data).toEqual({ org_id: 1, weeks: 12 })
    expect(comp.querySelector('.branch-org').dom.textContent).toBe('某某大学党委')
    expect(comp.querySelector('.branch-trail')).toBeFalsy()
  })

  test('not a manager: said, without 重试 or figures', async () => {
    fake.route('GET /study/analytics/overview', [fixtures.apiError(403, 'forbidden', '当前角色无权查看学习统计')])
    const comp = render('branch')
    await comp.instance.onLoad({})

    expectFailure(comp, '.branch-error', '只有支部书记和党委管理员可以查看支部学习统计', false)
    expect(comp.querySelector('.branch-head')).toBeFalsy()
    expect(comp.querySelector('.branch-people')).toBeFalsy()
  })

  test('a lost network: said, with 重试', async () => {
    fake.route('GET /study/analytics/overview', [{ networkFailure: true }])
    const comp = render('branch')
    await comp.instance.onLoad({})

    expectFailure(comp, '.branch-error', '网络连接失败，请稍后重试', true)
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

  test('学习有痕 from the history’s heading', async () => {
    fake.routePages('GET /study/points/me', [[study.pointsEntry(9)]], (items) => study.myPoints({ items }))
    const comp = render('points')
    await comp.instance.onLoad({})

    expect(comp.querySelector('.points-trace').dom.textContent).toBe('学习有痕 ›')
    await tap(comp.querySelector('.points-trace'))

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/study/trace' })
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
