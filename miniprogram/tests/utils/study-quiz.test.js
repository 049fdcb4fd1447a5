const quiz = require('../../utils/study-quiz')

const SINGLE = { id: 11, kind: 'single', stem: '单选', options: ['甲', '乙', '丙'] }
const MULTIPLE = { id: 12, kind: 'multiple', stem: '多选', options: ['甲', '乙', '丙', '丁'] }
const JUDGE = { id: 13, kind: 'judge', stem: '判断', options: ['正确', '错误'] }
const BODY = { id: 301, day: '2026-11-24', submitted: false, correct: null, total: 3, points_awarded: null, questions: [SINGLE, MULTIPLE, JUDGE] }

describe('pick', () => {
  test('a 单选题 or 判断题 keeps the last option tapped', () => {
    let picks = quiz.pick({}, SINGLE, 1)
    picks = quiz.pick(picks, SINGLE, 2)
    picks = quiz.pick(picks, JUDGE, 1)
    expect(picks).toEqual({ 11: [2], 13: [1] })
  })

  test('a 多选题 toggles, kept in ascending order', () => {
    let picks = quiz.pick({}, MULTIPLE, 3)
    picks = quiz.pick(picks, MULTIPLE, 0)
    picks = quiz.pick(picks, MULTIPLE, 2)
    expect(picks).toEqual({ 12: [0, 2, 3] })
    expect(quiz.pick(picks, MULTIPLE, 2)).toEqual({ 12: [0, 3] })
  })

  test('never in place; an option the question has not gives the same object back', () => {
    const picks = { 11: [0] }
    const next = quiz.pick(picks, SINGLE, 1)
    expect(picks).toEqual({ 11: [0] })
    expect(next).not.toBe(picks)
    expect(quiz.pick(picks, SINGLE, 3)).toBe(picks)
    expect(quiz.pick(picks, SINGLE, -1)).toBe(picks)
    expect(quiz.pick(picks, SINGLE, 0.5)).toBe(picks)
    expect(quiz.pick(picks, SINGLE, NaN)).toBe(picks)
    expect(quiz.pick(picks, undefined, 0)).toBe(picks)
  })
})

test('keepPicks: those of the quiz’s questions and options only', () => {
  const other = { questions: [Object.assign({}, MULTIPLE, { options: ['甲', '乙'] }), { id: 14, kind: 'single', options: ['a', 'b'] }] }
  expect(quiz.keepPicks(other, { 11: [0], 12: [1, 3], 14: [] })).toEqual({ 12: [1] })
  expect(quiz.keepPicks(null, { 11: [0] })).toEqual({})
})

test('missing: the numbers of the questions without an answer, in words', () => {
  expect(quiz.missingNumbers(BODY, { 12: [], 13: [0] })).toEqual([1, 2])
  expect(quiz.missingText([1, 2])).toBe('第 1、2 题还没有作答')
  expect(quiz.missingText([3])).toBe('第 3 题还没有作答')
  expect(quiz.missingNumbers(BODY, { 11: [0], 12: [1], 13: [0] })).toEqual([])
  expect(quiz.missingText([])).toBe('')
})

test('answersOf: one per question, in the quiz’s order', () => {
  expect(quiz.answersOf(BODY, { 13: [1], 11: [2], 12: [0, 1] })).toEqual([
    { question_id: 11, choices: [2] },
    { question_id: 12, choices: [0, 1] },
    { question_id: 13, choices: [1] },
  ])
})

test('answerText: letters, the option itself for a 判断题', () => {
  expect(quiz.answerText(MULTIPLE, [0, 1, 3])).toBe('ABD')
  expect(quiz.answerText(SINGLE, [5])).toBe('F')
  expect(quiz.answerText(JUDGE, [1])).toBe('错误')
  expect(quiz.answerText(SINGLE, [])).toBe('')
  expect(quiz.answerText(SINGLE, undefined)).toBe('')
})

describe('viewQuiz', () => {
  test('answering: the picks, the missing questions, no answers', () => {
    const view = quiz.viewQuiz(BODY, { 11: [1], 12: [0, 2] }, [3])
    expect(view).toMatchObject({ id: 301, submitted: false, empty: false, total: 3, answeredCount: 2, scoreText: '', pointsText: '', allRight: false })
    expect(view.questions[0]).toEqual({
      id: 11,
      number: 1,
      kind: 'single',
      kindLabel: '单选题',
      multiple: false,
      stem: '单选',
      missing: false,
      options: [
        { index: 0, letter: 'A', text: '甲', picked: false, state: '' },
        { index: 1, letter: 'B', text: '乙', picked: true, state: '' },
        { index: 2, letter: 'C', text: '丙', picked: false, state: '' },
      ],
    })
    expect(view.questions[1].options.map((o) => o.picked)).toEqual([true, false, true, false])
    expect(view.questions.map((q) => q.missing)).toEqual([false, false, true])
  })

  test('submitted: right and wrong options, the answers in words, the score and points', () => {
    const body = Object.assign({}, BODY, {
      submitted: true,
      correct: 1,
      points_awarded: 1,
      questions: [
        Object.assign({}, SINGLE, { answer: [0], chosen: [0], right: true, explanation: '解析一' }),
        Object.assign({}, MULTIPLE, { answer: [0, 1], chosen: [1, 3], right: false, explanation: null }),
        Object.assign({}, JUDGE, { answer: [1], chosen: [], right: false, explanation: '' }),
      ],
    })
    const view = quiz.viewQuiz(body, { 11: [2] }, [2])
    expect(view).toMatchObject({ submitted: true, correct: 1, total: 3, scoreText: '答对 1/3 题', pointsText: '+1 积分', allRight: false, answeredCount: 3 })
    expect(view.questions.map((q) => [q.right, q.resultLabel, q.answerText, q.chosenText, q.explanation, q.missing])).toEqual([
      [true, '回答正确', 'A', 'A', '解析一', false],
      [false, '回答错误', 'AB', 'BD', '', false],
      [false, '回答错误', '错误', '未作答', '', false],
    ])
    expect(view.questions[1].options.map((o) => o.state)).toEqual(['right', 'right', '', 'wrong'])
    // Picks of before do not show once submitted.
    expect(view.questions[0].options.map((o) => o.picked)).toEqual([false, false, false])
  })

  test('submitted, loaded again: points_awarded null says nothing; all right', () => {
    const body = {
      submitted: true,
      correct: 1,
      total: 1,
      points_awarded: null,
      questions: [Object.assign({}, SINGLE, { answer: [0], chosen: [0], right: true, explanation: null })],
    }
    expect(quiz.viewQuiz(body, {}, [])).toMatchObject({ pointsText: '', allRight: true, scoreText: '答对 1/1 题' })
  })

  test('no questions: empty', () => {
    expect(quiz.viewQuiz({ submitted: false, total: 0, questions: [] }, {}, [])).toMatchObject({ empty: true, questions: [], answeredCount: 0 })
    expect(quiz.viewQuiz(null, {}, [])).toMatchObject({ empty: true, submitted: false })
  })
})
