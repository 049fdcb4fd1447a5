const { installWx } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

let fake
let study

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  study = require('../../services/study')
})

afterEach(() => {
  jest.restoreAllMocks()
})

const OK = { status: 200, body: { ok: true } }

// Each call: the request it makes (key and body/query) as docs/study.md names them.
test.each([
  ['materials, first page', (s) => s.materials(), 'GET /study/materials', { page: 1, per_page: 20 }],
  [
    'materials of a category, page 2',
    (s) => s.materials({ category: 'history', page: 2 }),
    'GET /study/materials',
    { page: 2, per_page: 20, category: 'history' },
  ],
  [
    'materials leave out empty filters',
    (s) => s.materials({ category: '', kind: null, tag: undefined, q: '党章', per_page: 5 }),
    'GET /study/materials',
    { page: 1, per_page: 5, q: '党章' },
  ],
  ['material', (s) => s.material(31), 'GET /study/materials/31', undefined],
  ['my plans', (s) => s.myPlans(), 'GET /study/plans/mine', undefined],
  [
    'start reading: seq 0',
    (s) => s.startReading(31, '2026-11-24T12:30:00Z'),
    'POST /study/materials/31/reading-sessions',
    { seq: 0, client_at: '2026-11-24T12:30:00Z' },
  ],
  [
    'a reading event',
    (s) => s.sendReadingEvent(501, 'beat', 3, '2026-11-24T12:30:45Z'),
    'POST /study/reading-sessions/501/events',
    { kind: 'beat', seq: 3, client_at: '2026-11-24T12:30:45Z' },
  ],
  ['punch in with a reflection, trimmed', (s) => s.punchIn('  学习了党章  '), 'POST /study/punch-ins', { reflection: '学习了党章' }],
  ['punch in without one: no empty text', (s) => s.punchIn('   '), 'POST /study/punch-ins', {}],
  ['my punch-ins', (s) => s.myPunchIns(), 'GET /study/punch-ins/me', {}],
  ['my punch-ins of one day', (s) => s.myPunchIns(1), 'GET /study/punch-ins/me', { days: 1 }],
  ['my points', (s) => s.myPoints(), 'GET /study/points/me', { page: 1, per_page: 20 }],
  ['my points, page 3 of 10', (s) => s.myPoints(3, 10), 'GET /study/points/me', { page: 3, per_page: 10 }],
  ['branch ranking of a week', (s) => s.branchRanking('week'), 'GET /study/rankings/branches', { period: 'week' }],
  ['branch ranking, the server’s default period', (s) => s.branchRanking(), 'GET /study/rankings/branches', {}],
  ['branch ranking ignores an unknown period', (s) => s.branchRanking('decade'), 'GET /study/rankings/branches', {}],
  ['today’s quiz', (s) => s.todayQuiz(), 'GET /study/quiz/today', undefined],
  [
    'submit the quiz',
    (s) => s.submitQuiz([{ question_id: 11, choices: [0] }, { question_id: 12, choices: [0, 2] }]),
    'POST /study/quiz/today',
    { answers: [{ question_id: 11, choices: [0] }, { question_id: 12, choices: [0, 2] }] },
  ],
  ['my trace, the server’s default period', (s) => s.trace(), 'GET /study/trace/me', {}],
  ['my trace of a period', (s) => s.trace({ since: '2026-11-18', until: '2026-11-24' }), 'GET /study/trace/me', { since: '2026-11-18', until: '2026-11-24' }],
  ['my trace leaves out empty dates', (s) => s.trace({ since: '', until: null }), 'GET /study/trace/me', {}],
  [
    'submit the quiz with its id',
    (s) => s.submitQuiz([{ question_id: 11, choices: [1] }], 301),
    'POST /study/quiz/today',
    { answers: [{ question_id: 11, choices: [1] }], quiz_id: 301 },
  ],
  ['the categories', (s) => s.categories(), 'GET /study/categories', undefined],
  [
    'a person’s trace of a period',
    (s) => s.trace({ since: '2026-11-18', until: '2026-11-24' }, 17),
    'GET /study/trace/people/17',
    { since: '2026-11-18', until: '2026-11-24' },
  ],
  ['a person’s trace, the server’s default period', (s) => s.trace(undefined, 17), 'GET /study/trace/people/17', {}],
  ['the overview, the server’s defaults', (s) => s.analyticsOverview(), 'GET /study/analytics/overview', {}],
  ['the overview of an org over 4 weeks', (s) => s.analyticsOverview({ org_id: 3, weeks: 4 }), 'GET /study/analytics/overview', { org_id: 3, weeks: 4 }],
  [
    'the overview leaves out what the server would refuse',
    (s) => s.analyticsOverview({ org_id: 'x', weeks: 60 }),
    'GET /study/analytics/overview',
    {},
  ],
  ['the people, the server’s defaults', (s) => s.analyticsPeople(), 'GET /study/analytics/people', { page: 1, per_page: 20 }],
  [
    'the people of an org over a period, least active first, page 2',
    (s) => s.analyticsPeople({ org_id: 3, since: '2026-11-18', until: '2026-11-24', sort: 'least', page: 2 }),
    'GET /study/analytics/people',
    { org_id: 3, since: '2026-11-18', until: '2026-11-24', sort: 'least', page: 2, per_page: 20 },
  ],
  [
    'the people leave out an unknown sort and empty dates',
    (s) => s.analyticsPeople({ org_id: 0, since: '', sort: 'name', per_page: 50 }),
    'GET /study/analytics/people',
    { page: 1, per_page: 50 },
  ],
])('%s', async (_name, call, key, data) => {
  fake.route(key, [OK])

  const body = await call(study)

  expect(fake.requests.map((r) => r.key)).toEqual([key])
  expect(fake.requests[0].data).toEqual(data)
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(body).toEqual({ ok: true })
})

test('ids are escaped in the path', async () => {
  fake.route('GET /study/materials/7%2F1', [OK])
  fake.route('POST /study/reading-sessions/5%3F/events', [OK])

  await study.material('7/1')
  await study.sendReadingEvent('5?', 'pause', 1)

  expect(fake.requests.map((r) => r.key)).toEqual(['GET /study/materials/7%2F1', 'POST /study/reading-sessions/5%3F/events'])
  expect(fake.requests[1].data).toEqual({ kind: 'pause', seq: 1 })
})

test('errors are the server’s', async () => {
  fake.route('POST /study/materials/31/reading-sessions', [fixtures.apiError(409, 'not_published', '该材料未发布，不能学习')])

  const error = await study.startReading(31).catch((e) => e)

  expect(error).toMatchObject({ status: 409, code: 'not_published', message: '该材料未发布，不能学习' })
  expect(fake.requests[0].data).toEqual({ seq: 0 })
})

describe('changes the study home sees', () => {
  test('a punch-in, either answer, is a change', async () => {
    fake.route('POST /study/punch-ins', [
      { status: 201, body: { id: 1, created: true } },
      { status: 200, body: { id: 1, created: false } },
    ])

    await study.punchIn()
    await study.punchIn()

    expect(study.changeCount()).toBe(2)
  })

  test('a scored quiz is a change; a refused one is not', async () => {
    fake.route('POST /study/quiz/today', [
      { status: 200, body: { id: 1, submitted: true, correct: 2, total: 3, points_awarded: 2 } },
      fixtures.apiError(409, 'already_submitted', '今日已答题，每天只计一次'),
    ])

    await study.submitQuiz([])
    const error = await study.submitQuiz([]).catch((e) => e)

    expect(error).toMatchObject({ status: 409, code: 'already_submitted' })
    expect(study.changeCount()).toBe(1)
  })

  test('reading events change it only when they count time or points', async () => {
    fake.route('POST /study/reading-sessions/5/events', [
      { status: 200, body: { verdict: 'too_fast', credited_seconds: 0, points_awarded: 0 } },
      { status: 200, body: { verdict: 'counted', credited_seconds: 15, points_awarded: 0 } },
      { status: 200, body: { verdict: 'counted', credited_seconds: 0, points_awarded: 1 } },
    ])

    await study.sendReadingEvent(5, 'beat', 1)
    expect(study.changeCount()).toBe(0)
    await study.sendReadingEvent(5, 'beat', 2)
    await study.sendReadingEvent(5, 'beat', 3)
    expect(study.changeCount()).toBe(2)
  })
})

test('the document is downloaded with the session', async () => {
  const controls = installCheckinWx(fake)
  controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/doc.pdf' }

  const path = await study.downloadDocument(31)

  expect(path).toBe('wxfile://tmp/doc.pdf')
  const call = fake.wx.downloadFile.mock.calls[0][0]
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/study/materials/31/document')
  expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
})

describe('the trace’s .xlsx is downloaded with the session', () => {
  test.each([
    ['of a period', { since: '2026-11-18', until: '2026-11-24' }, '/study/trace/me.xlsx?since=2026-11-18&until=2026-11-24'],
    ['of the server’s default period', undefined, '/study/trace/me.xlsx'],
    ['from a date on', { since: '2026-11-01', until: '' }, '/study/trace/me.xlsx?since=2026-11-01'],
  ])('%s', async (_name, params, path) => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/trace.xlsx' }

    const file = await study.downloadTrace(params)

    expect(file).toBe('wxfile://tmp/trace.xlsx')
    const call = fake.wx.downloadFile.mock.calls[0][0]
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1' + path)
    expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
  })

  test('a refusal is an ApiError with its status', async () => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 422 }

    const error = await study.downloadTrace({ since: '2025-01-01', until: '2026-11-24' }).catch((e) => e)

    expect(error).toMatchObject({ name: 'ApiError', status: 422 })
  })
})

describe('a punch-in’s photo', () => {
  test('uploaded through api/upload.js as the multipart field `file`', async () => {
    fake.route('POST /study/punch-ins/88/photo', [{ status: 200, body: { id: 88, photo_url: '/api/v1/study/punch-ins/88/photo' } }])

    const body = await study.uploadPunchInPhoto(88, 'wxfile://tmp/photo.jpg')

    expect(fake.wx.uploadFile).toHaveBeenCalledTimes(1)
    expect(fake.wx.request).not.toHaveBeenCalled()
    const [call] = fake.requests
    expect(call).toMatchObject({ url: 'http://127.0.0.1:5000/api/v1/study/punch-ins/88/photo', filePath: 'wxfile://tmp/photo.jpg', name: 'file' })
    expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
    expect(body).toEqual({ id: 88, photo_url: '/api/v1/study/punch-ins/88/photo' })
    // The study home shows no photo: nothing for it to reload.
    expect(study.changeCount()).toBe(0)
  })

  test('refusals are the server’s', async () => {
    fake.route('POST /study/punch-ins/88/photo', [fixtures.apiError(409, 'punch_in_closed', '只能为今天的打卡添加照片')])

    const error = await study.uploadPunchInPhoto(88, 'wxfile://tmp/photo.jpg').catch((e) => e)

    expect(error).toMatchObject({ name: 'ApiError', status: 409, code: 'punch_in_closed' })
  })

  // The address asked for: the path under apiBase of the server's own address; anything else is
  // refused without asking ('').
  test.each([
    ['the server’s photo_url', '/api/v1/study/punch-ins/8/photo', '/study/punch-ins/8/photo'],
    ['a full address under apiBase', 'http://127.0.0.1:5000/api/v1/study/punch-ins/8/photo', '/study/punch-ins/8/photo'],
    ['another host', 'https://example.com/api/v1/study/punch-ins/8/photo', ''],
    ['a path outside the API', '/static/8.jpg', ''],
    ['a look-alike prefix', '/api/v1x/study/8', ''],
    ['nothing', null, ''],
  ])('the address of %s', async (_name, url, path) => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch.jpg' }

    const result = await study.downloadPhoto(url).catch((e) => e)

    const asked = fake.wx.downloadFile.mock.calls.map((call) => call[0].url)
    expect(asked).toEqual(path ? ['http://127.0.0.1:5000/api/v1' + path] : [])
    if (!path) expect(result).toMatchObject({ name: 'ApiError', code: 'photo_url_invalid' })
  })

  test('downloaded with the session from its photo_url', async () => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch.jpg' }

    const file = await study.downloadPhoto('/api/v1/study/punch-ins/8/photo')

    expect(file).toBe('wxfile://tmp/punch.jpg')
    const call = fake.wx.downloadFile.mock.calls[0][0]
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/study/punch-ins/8/photo')
    expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
  })

  test('an address that is not the server’s is refused without asking; a 404 is an ApiError', async () => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 404 }

    const refused = await study.downloadPhoto('https://example.com/x.jpg').catch((e) => e)
    expect(refused).toMatchObject({ name: 'ApiError', code: 'photo_url_invalid' })
    expect(fake.wx.downloadFile).not.toHaveBeenCalled()

    const missing = await study.downloadPhoto('/api/v1/study/punch-ins/9/photo').catch((e) => e)
    expect(missing).toMatchObject({ name: 'ApiError', status: 404 })
  })
})

test('a person’s trace as .xlsx is downloaded with the session', async () => {
  const controls = installCheckinWx(fake)
  controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/trace.xlsx' }

  await study.downloadTrace({ since: '2026-11-18', until: '2026-11-24' }, 17)
  await study.downloadTrace(undefined, 17)

  const urls = fake.wx.downloadFile.mock.calls.map((call) => call[0].url)
  expect(urls).toEqual([
    'http://127.0.0.1:5000/api/v1/study/trace/people/17.xlsx?since=2026-11-18&until=2026-11-24',
    'http://127.0.0.1:5000/api/v1/study/trace/people/17.xlsx',
  ])
})
