// 每日答题 (pages/study/quiz): answering (one option of a 单选题 or 判断题, one or more of a 多选题),
// no submission while a question is without an answer, the scored result, and the refusals: a
// quiz submitted before (on load or 409 already_submitted), a quiz of another day (409
// quiz_expired, 409 no_quiz), an empty bank, an account without a member record, a lost network,
// a double tap.

const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, loadPages, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

const GET = 'GET /study/quiz/today'
const POST = 'POST /study/quiz/today'

beforeEach(() => {
  fake.wx.pageScrollTo = jest.fn()
})

async function openPage(reply = study.quiz()) {
  fake.route(GET, [reply])
  const page = loadPage('pages/study/quiz')
  await page.onLoad()
  return page
}

function choose(page, questionId, index) {
  page.choose(tapEvent({ question: questionId, index }))
}

// Right, right, wrong: the judge question answered 错误.
function answerAll(page) {
  choose(page, 11, 0)
  choose(page, 12, 0)
  choose(page, 12, 1)
  choose(page, 12, 2)
  choose(page, 13, 1)
}

const CHOSEN = { 11: [0], 12: [0, 1, 2], 13: [1] }

function pickedLetters(page, number) {
  return page.data.quiz.questions[number - 1].options.filter((option) => option.picked).map((option) => option.letter)
}

describe('answering', () => {
  test('on load: the questions with their kinds and options, none answered, no answers shown', async () => {
    const page = await openPage()

    expect(fake.requestsTo(GET)).toHaveLength(1)
    expect(page.data.loading).toBe(false)
    expect(page.data.quiz).toMatchObject({ submitted: false, empty: false, answeredCount: 0, scoreText: '' })
    expect(page.data.quiz.questions.map((q) => [q.number, q.kindLabel, q.multiple])).toEqual([
      [1, '单选题', false],
      [2, '多选题', true],
      [3, '判断题', false],
    ])
    expect(page.data.quiz.questions[0].options.map((o) => `${o.letter} ${o.text}`)).toEqual(['A 实现共产主义', 'B 全面建成小康社会', 'C 实现现代化', 'D 共同富裕'])
    expect(page.data.quiz.questions[2].options.map((o) => o.text)).toEqual(['正确', '错误'])
    expect(page.data.quiz.questions[0]).not.toHaveProperty('answerText')
  })

  test('a 单选题 or 判断题 takes one option, a 多选题 toggles each', async () => {
    const page = await openPage()

    choose(page, 11, 1)
    choose(page, 11, 3)
    expect(pickedLetters(page, 1)).toEqual(['D'])

    choose(page, 12, 2)
    choose(page, 12, 0)
    choose(page, 12, 3)
    choose(page, 12, 3)
    expect(pickedLetters(page, 2)).toEqual(['A', 'C'])

    choose(page, 13, 0)
    choose(page, 13, 1)
    expect(pickedLetters(page, 3)).toEqual(['B'])

    expect(page.data.picks).toEqual({ 11: [3], 12: [0, 2], 13: [1] })
    expect(page.data.quiz.answeredCount).toBe(3)
  })

  test('a tap on no option of the quiz changes nothing', async () => {
    const page = await openPage()
    choose(page, 11, 0)
    const calls = page.setData.mock.calls.length

    choose(page, 11, 4)
    choose(page, 13, 2)
    choose(page, 99, 0)
    choose(page, 11, undefined)

    expect(page.setData.mock.calls).toHaveLength(calls)
    expect(page.data.picks).toEqual({ 11: [0] })
  })

  test('not sent until every question has an answer; the missing ones are named until answered', async () => {
    const page = await openPage()
    choose(page, 11, 0)
    choose(page, 12, 1)
    choose(page, 12, 1) // un-ticked again: 第 2 题 has no answer

    await page.submit()

    expect(fake.requestsTo(POST)).toHaveLength(0)
    expect(page.data.error).toBe('第 2、3 题还没有作答')
    expect(page.data.quiz.questions.map((q) => q.missing)).toEqual([false, true, true])
    expect(page.data.submitting).toBe(false)

    choose(page, 13, 0)
    expect(page.data.error).toBe('第 2 题还没有作答')
    expect(page.data.quiz.questions.map((q) => q.missing)).toEqual([false, true, false])

    choose(page, 12, 0)
    choose(page, 12, 1)
    expect(page.data.error).toBe('')
    expect(page.data.quiz.questions.every((q) => !q.missing)).toBe(true)
  })

  test('nothing answered: every question is named', async () => {
    const page = await openPage()

    await page.submit()

    expect(page.data.error).toBe('第 1、2、3 题还没有作答')
    expect(fake.requestsTo(POST)).toHaveLength(0)
  })

  test('a pull-down loads the quiz again and keeps the picks', async () => {
    const page = await openPage()
    choose(page, 11, 2)
    choose(page, 12, 3)

    await page.onPullDownRefresh()

    expect(fake.requestsTo(GET)).toHaveLength(2)
    expect(page.data.picks).toEqual({ 11: [2], 12: [3] })
    expect(pickedLetters(page, 1)).toEqual(['C'])
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
  })
})

describe('submitting', () => {
  test('the answers in the quiz’s order; then the score, the points and each question’s answer', async () => {
    const {
      pages: [page],
      modules: [service],
    } = loadPages(['pages/study/quiz'], ['services/study'])
    fake.route(GET, [study.quiz()])
    fake.route(POST, [study.quiz({ submitted: true, chosen: CHOSEN, pointsAwarded: 2 })])
    await page.onLoad()
    answerAll(page)

    await page.submit()

    expect(fake.requestsTo(POST)[0].data).toEqual({
      quiz_id: 301,
      answers: [
        { question_id: 11, choices: [0] },
        { question_id: 12, choices: [0, 1, 2] },
        { question_id: 13, choices: [1] },
      ],
    })
    expect(page.data.submitting).toBe(false)
    expect(page.data.quiz).toMatchObject({ submitted: true, correct: 2, total: 3, scoreText: '答对 2/3 题', pointsText: '+2 积分', allRight: false })
    expect(page.data.quiz.questions.map((q) => [q.resultLabel, q.answerText, q.chosenText, q.explanation])).toEqual([
      ['回答正确', 'A', 'A', '见党章总纲。'],
      ['回答正确', 'ABC', 'ABC', '党的纪律主要包括政治纪律、组织纪律、廉洁纪律等。'],
      ['回答错误', '正确', '错误', ''],
    ])
    // The right option marked right, the wrong choice wrong; nothing shows as picked any more.
    expect(page.data.quiz.questions[2].options.map((o) => o.state)).toEqual(['right', 'wrong'])
    expect(page.data.quiz.questions[1].options.map((o) => o.state)).toEqual(['right', 'right', 'right', ''])
    expect(page.data.quiz.questions.every((q) => q.options.every((o) => !o.picked))).toBe(true)
    expect(fake.wx.pageScrollTo).toHaveBeenCalledWith({ scrollTop: 0, duration: 0 })
    // The points card of the study home reloads when it is shown again.
    expect(service.changeCount()).toBe(1)
  })

  test('a double tap sends once; once scored, taps change nothing and nothing is sent again', async () => {
    const page = await openPage()
    fake.route(POST, [study.quiz({ submitted: true, chosen: CHOSEN, pointsAwarded: 2 })])
    answerAll(page)

    const first = page.submit()
    const second = page.submit()
    expect(page.data.submitting).toBe(true)
    choose(page, 11, 3) // while sending: not taken
    await Promise.all([first, second])

    expect(fake.requestsTo(POST)).toHaveLength(1)
    expect(fake.requestsTo(POST)[0].data.answers[0]).toEqual({ question_id: 11, choices: [0] })

    const quiz = page.data.quiz
    choose(page, 11, 3)
    await page.submit()
    expect(page.data.quiz).toBe(quiz)
    expect(fake.requestsTo(POST)).toHaveLength(1)
  })

  test('all right: allRight; no points left today: no points shown', async () => {
    const page = await openPage()
    fake.route(POST, [study.quiz({ submitted: true, chosen: { 11: [0], 12: [0, 1, 2], 13: [0] }, pointsAwarded: 0 })])
    choose(page, 11, 0)
    ;[0, 1, 2].forEach((index) => choose(page, 12, index))
    choose(page, 13, 0)

    await page.submit()

    expect(page.data.quiz).toMatchObject({ scoreText: '答对 3/3 题', allRight: true, pointsText: '' })
  })

  test('409 already_submitted (submitted elsewhere): the quiz loaded again shows the first result', async () => {
    const page = await openPage()
    fake.route(POST, [fixtures.apiError(409, 'already_submitted', '今日已答题，每天只计一次')])
    const firstResult = study.quiz({ submitted: true, chosen: { 11: [1], 12: [0, 1, 2], 13: [0] } })
    // Answered late, so that a tap can come while it loads.
    fake.route(GET, [Object.assign(firstResult, { delay: 50 })])
    answerAll(page)

    const sending = page.submit()
    await settle(2)
    // Refused, and the quiz on its way again: still busy, so a tap now sends nothing.
    expect(fake.requestsTo(GET)).toHaveLength(2)
    expect(page.data.quiz.submitted).toBe(false)
    expect(page.data.submitting).toBe(true)
    await page.submit()
    await sending

    expect(fake.requestsTo(POST)).toHaveLength(1)
    expect(fake.requestsTo(GET)).toHaveLength(2)
    expect(page.data.submitting).toBe(false)
    expect(page.data.note).toBe('今天已经提交过答题，每天只计首次提交的结果')
    expect(page.data.quiz).toMatchObject({ submitted: true, scoreText: '答对 2/3 题', pointsText: '' })
    expect(page.data.quiz.questions[0].chosenText).toBe('B')
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    expect(fake.wx.pageScrollTo).toHaveBeenCalled()
  })

  test('409 no_quiz (the day changed): the new day’s questions, the picks of the old ones dropped', async () => {
    const page = await openPage()
    fake.route(POST, [fixtures.apiError(409, 'no_quiz', '请先获取今日题目')])
    answerAll(page)
    const nextDay = [study.QUIZ_QUESTIONS[1], { id: 14, kind: 'single', stem: '新的一题', options: ['甲', '乙'] }]
    fake.route(GET, [study.quiz({ id: 302, questions: nextDay })])

    await page.submit()

    expect(page.data.note).toBe('已是新的一天，题目已更新，请重新作答')
    expect(page.data.quiz).toMatchObject({ id: 302, submitted: false })
    expect(page.data.quiz.questions.map((q) => q.id)).toEqual([12, 14])
    // 第 2 题 of before is still there, with its picks.
    expect(page.data.picks).toEqual({ 12: [0, 1, 2] })
    expect(page.data.submitting).toBe(false)

    await page.submit()
    expect(fake.requestsTo(POST)).toHaveLength(1)
    expect(page.data.error).toBe('第 2 题还没有作答')
  })

  test('409 quiz_expired (loaded before midnight): the new day’s quiz, said so; its answers go with its own id', async () => {
    const {
      pages: [page],
      modules: [service],
    } = loadPages(['pages/study/quiz'], ['services/study'])
    fake.route(GET, [study.quiz({ id: 301 })])
    await page.onLoad()
    fake.route(POST, [
      fixtures.apiError(409, 'quiz_expired', '题目已过期，请重新获取今日题目'),
      study.quiz({ id: 302, submitted: true, chosen: { 11: [0], 12: [0, 1, 2], 13: [1] }, pointsAwarded: 2 }),
    ])
    answerAll(page)
    fake.route(GET, [study.quiz({ id: 302 })])

    await page.submit()

    expect(fake.requestsTo(POST)[0].data.quiz_id).toBe(301)
    expect(page.data.note).toBe('已是新的一天，题目已更新，请重新作答')
    expect(page.data.quiz).toMatchObject({ id: 302, submitted: false })
    expect(page.data.submitting).toBe(false)
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    // The same questions the next day: the picks are kept, and the refusal counted nothing.
    expect(page.data.picks).toEqual(CHOSEN)
    expect(service.changeCount()).toBe(0)

    await page.submit()

    expect(fake.requestsTo(POST)).toHaveLength(2)
    expect(fake.requestsTo(POST)[1].data).toEqual(Object.assign({}, fake.requestsTo(POST)[0].data, { quiz_id: 302 }))
    expect(page.data.quiz).toMatchObject({ submitted: true, pointsText: '+2 积分' })
  })

  test('409 quiz_expired while the new day’s quiz cannot load: said, with 重试, nothing sent again', async () => {
    const page = await openPage()
    fake.route(POST, [fixtures.apiError(409, 'quiz_expired', '题目已过期')])
    fake.route(GET, [{ networkFailure: true }])
    answerAll(page)

    await page.submit()

    expect(page.data.note).toBe('已是新的一天，题目已更新，请重新作答')
    expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')
    expect(page.data.canRetry).toBe(true)
    expect(page.data.submitting).toBe(false)
    expect(fake.requestsTo(POST)).toHaveLength(1)
  })

  test('a lost network: a toast, the picks kept, and another tap sends again', async () => {
    const page = await openPage()
    fake.route(POST, [{ networkFailure: true }, study.quiz({ submitted: true, chosen: CHOSEN, pointsAwarded: 2 })])
    answerAll(page)

    await page.submit()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '网络连接失败，请稍后重试', icon: 'none', duration: 2000 })
    expect(page.data.submitting).toBe(false)
    expect(page.data.quiz.submitted).toBe(false)
    expect(page.data.picks).toEqual(CHOSEN)

    await page.submit()
    expect(fake.requestsTo(POST)).toHaveLength(2)
    expect(fake.requestsTo(POST)[1].data).toEqual(fake.requestsTo(POST)[0].data)
    expect(page.data.quiz.submitted).toBe(true)
  })

  test('another refusal (403 no_member) is said in a toast and loads nothing', async () => {
    const page = await openPage()
    fake.route(POST, [fixtures.apiError(403, 'no_member', '该账号未关联党员档案')])
    answerAll(page)

    await page.submit()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '该账号未关联党员档案', icon: 'none', duration: 2000 })
    expect(fake.requestsTo(GET)).toHaveLength(1)
    expect(page.data.note).toBe('')
    expect(page.data.quiz.submitted).toBe(false)
  })
})

describe('the quiz as loaded', () => {
  test('submitted before: the result with what it earned, without a submit', async () => {
    const page = await openPage(study.quiz({ submitted: true, chosen: CHOSEN, pointsAwarded: 2 }))

    expect(page.data.quiz).toMatchObject({ submitted: true, scoreText: '答对 2/3 题', pointsText: '+2 积分' })
    expect(page.data.quiz.questions[2]).toMatchObject({ right: false, answerText: '正确', chosenText: '错误' })

    await page.submit()
    expect(fake.requestsTo(POST)).toHaveLength(0)
  })

  test('submitted before and earned nothing (the day’s cap reached): no points shown', async () => {
    const page = await openPage(study.quiz({ submitted: true, chosen: CHOSEN, pointsAwarded: 0 }))

    expect(page.data.quiz).toMatchObject({ submitted: true, pointsText: '' })
  })

  test('a question left without an answer (submitted elsewhere) says 未作答', async () => {
    const page = await openPage(study.quiz({ submitted: true, chosen: { 11: [0] } }))

    expect(page.data.quiz.questions.map((q) => q.chosenText)).toEqual(['A', '未作答', '未作答'])
  })

  test('an empty bank (404 no_questions): 题库暂无题目, nothing to submit', async () => {
    const page = await openPage(fixtures.apiError(404, 'no_questions', '题库中还没有题目'))

    expect(page.data.empty).toBe(true)
    expect(page.data.quiz).toBeNull()
    expect(page.data.errorMessage).toBe('')

    await page.submit()
    expect(fake.requestsTo(POST)).toHaveLength(0)
  })

  test('a quiz without questions is empty too', async () => {
    const page = await openPage(study.quiz({ questions: [] }))

    expect(page.data.empty).toBe(true)
    await page.submit()
    expect(fake.requestsTo(POST)).toHaveLength(0)
  })

  test('an empty bank that has questions later: 刷新 shows them', async () => {
    const page = await openPage(fixtures.apiError(404, 'no_questions', '题库中还没有题目'))
    fake.route(GET, [study.quiz()])

    await page.load()

    expect(page.data.empty).toBe(false)
    expect(page.data.quiz.questions).toHaveLength(3)
  })

  test('403 no_member: the server’s word, no 重试', async () => {
    const page = await openPage(fixtures.apiError(403, 'no_member', '该账号未关联党员档案'))

    expect(page.data.errorMessage).toBe('该账号未关联党员档案')
    expect(page.data.canRetry).toBe(false)
    expect(page.data.quiz).toBeNull()
    expect(page.data.empty).toBe(false)
  })

  test('a lost network: said, with 重试 that loads it', async () => {
    const page = await openPage({ networkFailure: true })

    expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')
    expect(page.data.canRetry).toBe(true)
    expect(page.data.loading).toBe(false)

    fake.route(GET, [study.quiz()])
    await page.load()
    expect(page.data.errorMessage).toBe('')
    expect(page.data.quiz.questions).toHaveLength(3)
  })

  test('signed out for good: to the login page', async () => {
    fake.route('POST /auth/wx-login', [fixtures.apiError(401, 'wx_code_invalid', '微信登录凭证无效')])
    await openPage(fixtures.apiError(401, 'unauthorized', '登录已失效'))
    await settle()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })
})
