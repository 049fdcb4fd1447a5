// The reader (pages/study/reader): the material, and its reading time — the session opened on
// load, a beat every interval while visible with a seq that only grows, pause on hide, resume on
// show, finish on unload, the timer cleared whenever the page is not visible, and what a failed or
// refused event does to the sequence.

const { loadPage } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake, controls } = checkinEachTest(NOW)

const START = 'POST /study/materials/31/reading-sessions'
const EVENTS = 'POST /study/reading-sessions/501/events'

beforeEach(() => {
  // Timers are fake so that the heartbeat interval can be stepped through; Date.now stays the
  // spied one.
  jest.useFakeTimers({ doNotFake: ['Date'] })
  fake.route('GET /study/materials/31', [{ status: 200, body: materialBody() }])
})

afterEach(() => {
  jest.useRealTimers()
})

// Lets the fake server's replies (setTimeout 0) and the promise chains after them run, moving the
// clock by 40 ms at most: far from the next beat.
async function flush() {
  for (let i = 0; i < 10; i += 1) await jest.advanceTimersByTimeAsync(4)
}

async function seconds(n) {
  await jest.advanceTimersByTimeAsync(n * 1000)
  await flush()
}

function materialBody(overrides = {}) {
  return Object.assign(
    {
      id: 31,
      org_id: 1,
      org_name: '某某大学党委',
      kind: 'article',
      title: '中国共产党章程',
      summary: '总纲与条文',
      category: 'rules',
      category_label: '党规党纪',
      tags: ['党章'],
      min_dwell_seconds: 60,
      status: 'published',
      published_at: '2026-11-20T02:00:00+00:00',
      body_html: '<p>第一章 党员</p><img src="https://cdn.example.cn/1.png">',
      video_url: null,
      document_name: null,
      document_size: null,
      created_by: '宣传部',
      can_manage: false,
    },
    overrides
  )
}

function sessionBody(overrides = {}) {
  return Object.assign(
    {
      id: 501,
      material_id: 31,
      started_at: '2026-11-24T12:30:00+00:00',
      interval_seconds: 15,
      min_dwell_seconds: 60,
      material_seconds: 20,
      studied: false,
    },
    overrides
  )
}

// The server's answer (200) to an event: a beat counted 15 s, unless `overrides` say otherwise.
function eventReply(overrides = {}) {
  return {
    status: 200,
    body: Object.assign(
      {
        session_id: 501,
        verdict: 'counted',
        credited_seconds: 15,
        session_seconds: 15,
        material_seconds: 35,
        studied: false,
        finished: false,
        points_awarded: 0,
      },
      overrides
    ),
  }
}

// The server's answers to the events: by default each beat is counted 15 s and the material's
// total grows; `script` replies (in order) take precedence.
function serveEvents(script = []) {
  let total = 20
  fake.route(EVENTS, (call) => {
    if (script.length) {
      const next = script.shift()
      if (next) return typeof next === 'function' ? next(call) : next
    }
    const { kind } = call.data
    const credited = kind === 'beat' || kind === 'pause' || kind === 'finish' ? 15 : 0
    total += credited
    return eventReply({
      verdict: { beat: 'counted', pause: 'paused', resume: 'resumed', finish: 'finished' }[kind],
      credited_seconds: credited,
      session_seconds: total - 20,
      material_seconds: total,
      studied: total >= 60,
      finished: kind === 'finish',
    })
  })
}

// [kind, seq] of the events sent so far.
function events() {
  return fake.requestsTo(EVENTS).map((call) => [call.data.kind, call.data.seq])
}

// The page loaded and shown, as the framework does (onLoad, then onShow), and the session started.
async function openReader({ start = [{ status: 201, body: sessionBody() }], script } = {}) {
  fake.route(START, start)
  serveEvents(script)
  const page = loadPage('pages/study/reader')
  page.onLoad({ id: '31' })
  page.onShow()
  await flush()
  return page
}

const NETWORK_FAILURE = { networkFailure: true }

describe('the material', () => {
  test('an article: its HTML for rich-text, the title in the bar', async () => {
    const page = await openReader()

    expect(page.data.material).toMatchObject({
      title: '中国共产党章程',
      kind: 'article',
      categoryLabel: '党规党纪',
      html: '<p>第一章 党员</p><img style="max-width:100%;height:auto;display:block;" src="https://cdn.example.cn/1.png">',
    })
    expect(fake.wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '中国共产党章程' })
    expect(page.data.loading).toBe(false)
  })

  test('a document: downloaded with the session and opened as a PDF', async () => {
    fake.route('GET /study/materials/31', [
      { status: 200, body: materialBody({ kind: 'document', body_html: null, document_name: '党章.pdf', document_size: 204800 }) },
    ])
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/dangzhang.pdf' }
    const page = await openReader()

    expect(page.data.documents).toEqual([{ id: 31, name: '党章.pdf', filename: '党章.pdf', sizeText: '200 KB', image: false, pdf: true }])
    const opening = page.openDocument()
    await flush()
    await opening

    expect(fake.wx.downloadFile.mock.calls[0][0].url).toBe('http://127.0.0.1:5000/api/v1/study/materials/31/document')
    expect(fake.wx.openDocument).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/dangzhang.pdf', fileType: 'pdf', showMenu: true })
    expect(page.data.openingDocument).toBe(false)
  })

  test('a material the member may not read', async () => {
    fake.route('GET /study/materials/31', [fixtures.apiError(404, 'not_found', '学习材料不存在')])
    const page = await openReader({ start: [fixtures.apiError(404, 'not_found', '学习材料不存在')] })

    expect(page.data.errorMessage).toBe('学习材料不存在')
    expect(page.data.material).toBeNull()
    await seconds(60)
    expect(fake.requestsTo(START)).toHaveLength(1)
    expect(events()).toEqual([])
    expect(jest.getTimerCount()).toBe(0)
  })

  test('without an id there is nothing to load or time', async () => {
    const page = loadPage('pages/study/reader')

    await page.onLoad({})
    page.onShow()
    page.onHide()
    page.onUnload()

    expect(page.data.errorMessage).toBe('学习材料不存在')
    expect(fake.requests).toEqual([])
    expect(jest.getTimerCount()).toBe(0)
  })
})

describe('the heartbeat', () => {
  test('the session opens on load with seq 0; then a beat every interval, seq 1, 2, 3', async () => {
    const page = await openReader()

    expect(fake.requestsTo(START).map((call) => call.data)).toEqual([{ seq: 0, client_at: '2026-11-24T12:30:00Z' }])
    expect(page.data.progress).toMatchObject({ secondsText: '20秒', studied: false })
    expect(page.data.counting).toBe(true)
    expect(events()).toEqual([])

    await seconds(14)
    expect(events()).toEqual([])
    await seconds(1)
    expect(events()).toEqual([['beat', 1]])
    expect(fake.requestsTo(EVENTS)[0].data).toEqual({ kind: 'beat', seq: 1, client_at: '2026-11-24T12:30:00Z' })
    expect(page.data.progress.secondsText).toBe('35秒')

    await seconds(30)
    expect(events()).toEqual([
      ['beat', 1],
      ['beat', 2],
      ['beat', 3],
    ])
    expect(page.data.progress.secondsText).toBe('1分5秒')
  })

  test('the interval is the session’s', async () => {
    await openReader({ start: [{ status: 201, body: sessionBody({ interval_seconds: 20 }) }] })

    await seconds(15)
    expect(events()).toEqual([])
    await seconds(5)
    expect(events()).toEqual([['beat', 1]])
  })

  test('hidden: pause, and no timer; shown again: resume, and the beats go on', async () => {
    const page = await openReader()
    await seconds(15)

    page.onHide()
    await flush()
    expect(events()).toEqual([
      ['beat', 1],
      ['pause', 2],
    ])
    expect(page.data.counting).toBe(false)
    expect(jest.getTimerCount()).toBe(0)

    await seconds(120)
    expect(events()).toHaveLength(2)

    page.onShow()
    await flush()
    expect(events()).toEqual([
      ['beat', 1],
      ['pause', 2],
      ['resume', 3],
    ])
    expect(page.data.counting).toBe(true)

    await seconds(15)
    expect(events()[3]).toEqual(['beat', 4])
  })

  test('the first onShow after onLoad does not resume', async () => {
    await openReader()
    await seconds(15)

    expect(events()).toEqual([['beat', 1]])
  })

  test('closed: finish, the timer cleared, nothing more', async () => {
    const page = await openReader()
    await seconds(30)

    page.onUnload()
    await flush()

    expect(events()).toEqual([
      ['beat', 1],
      ['beat', 2],
      ['finish', 3],
    ])
    expect(jest.getTimerCount()).toBe(0)
    await seconds(60)
    page.onShow()
    page.onHide()
    await seconds(60)
    expect(events()).toHaveLength(3)
  })

  test('hidden, then closed: pause, then finish', async () => {
    const page = await openReader()

    page.onHide()
    page.onUnload()
    await flush()

    expect(events()).toEqual([
      ['pause', 1],
      ['finish', 2],
    ])
    expect(jest.getTimerCount()).toBe(0)
  })

  test('studied: the badge once the server says so, and it stays', async () => {
    const reply = (materialSeconds, studied) => eventReply({ material_seconds: materialSeconds, studied })
    const page = await openReader({
      start: [{ status: 201, body: sessionBody({ material_seconds: 50 }) }],
      // A later answer without studied (another phone's older total, say) does not take it back.
      script: [reply(65, true), reply(80, false)],
    })
    expect(page.data.progress).toMatchObject({ studied: false, remainingText: '还需学习 10秒', percent: 83 })

    await seconds(15)
    expect(page.data.progress).toMatchObject({ studied: true, secondsText: '1分5秒', percent: 100, remainingText: '' })

    await seconds(15)
    expect(page.data.progress).toMatchObject({ studied: true, secondsText: '1分20秒' })
  })

  test('studied before: the badge at once', async () => {
    const page = await openReader({ start: [{ status: 201, body: sessionBody({ material_seconds: 600, studied: true }) }] })

    expect(page.data.progress).toMatchObject({ studied: true, secondsText: '10分钟' })
  })

  test('reading points are said in a toast', async () => {
    await openReader({ script: [eventReply({ session_seconds: 300, material_seconds: 300, studied: true, points_awarded: 1 })] })

    await seconds(15)

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '阅读积分 +1', icon: 'none' })
  })

  test('events go out one at a time, in the order of their seq', async () => {
    const slowBeat = () => Object.assign(eventReply(), { delay: 3000 })
    const page = await openReader({ script: [slowBeat] })
    await jest.advanceTimersByTimeAsync(15000)
    await jest.advanceTimersByTimeAsync(10)

    page.onHide()
    await jest.advanceTimersByTimeAsync(100)
    // The pause waits for the beat's answer.
    expect(events()).toEqual([['beat', 1]])

    await seconds(3)
    expect(events()).toEqual([
      ['beat', 1],
      ['pause', 2],
    ])
  })
})

describe('failures do not break the sequence', () => {
  test('a failed beat is not sent again: its seq is spent, the next beat carries the next one', async () => {
    const page = await openReader({ script: [null, NETWORK_FAILURE] })

    await seconds(45)
    const sent = events()
    expect(sent).toEqual([
      ['beat', 1],
      ['beat', 2],
      ['beat', 3],
    ])
    // Every seq once, growing.
    expect(new Set(sent.map(([, seq]) => seq)).size).toBe(sent.length)
    expect(page.data.counting).toBe(true)
    expect(page.data.timingNote).toBe('')
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('a server error (5xx) is passing too', async () => {
    await openReader({ script: [fixtures.apiError(503, 'unavailable', '服务暂不可用')] })

    await seconds(30)

    expect(events()).toEqual([
      ['beat', 1],
      ['beat', 2],
    ])
  })

  test('a failed resume: the next tick resumes again with a new seq, then beats', async () => {
    const page = await openReader({ script: [null, NETWORK_FAILURE] })

    page.onHide()
    page.onShow()
    await flush()
    expect(events()).toEqual([
      ['pause', 1],
      ['resume', 2],
    ])

    await seconds(15)
    await seconds(15)
    expect(events()).toEqual([
      ['pause', 1],
      ['resume', 2],
      ['resume', 3],
      ['beat', 4],
    ])
  })

  test('a beat the server counts as while paused (its resume lost): the next tick resumes', async () => {
    const whilePaused = eventReply({ verdict: 'while_paused', credited_seconds: 0, session_seconds: 0, material_seconds: 20 })
    await openReader({ script: [whilePaused] })

    await seconds(45)

    expect(events()).toEqual([
      ['beat', 1],
      ['resume', 2],
      ['beat', 3],
    ])
  })

  test('a final refusal (the session gone) stops the timing', async () => {
    const page = await openReader({ script: [fixtures.apiError(404, 'not_found', '阅读记录不存在')] })

    await seconds(15)
    expect(page.data.counting).toBe(false)
    expect(page.data.timingNote).toBe('学习计时已中断，重新打开本页可继续计时')
    expect(jest.getTimerCount()).toBe(0)

    await seconds(60)
    page.onHide()
    page.onShow()
    page.onUnload()
    await flush()
    expect(events()).toEqual([['beat', 1]])
  })

  test('the session’s start failed on the network: tried again at the next tick', async () => {
    const page = await openReader({ start: [NETWORK_FAILURE, { status: 201, body: sessionBody() }] })
    expect(page.data.progress).toBeNull()

    await seconds(15)
    expect(fake.requestsTo(START)).toHaveLength(2)
    expect(page.data.progress).toMatchObject({ secondsText: '20秒' })

    await seconds(15)
    expect(events()).toEqual([['beat', 1]])
  })

  test('a draft a manager previews is not timed', async () => {
    fake.route('GET /study/materials/31', [{ status: 200, body: materialBody({ status: 'draft', can_manage: true }) }])
    const page = await openReader({ start: [fixtures.apiError(409, 'not_published', '该材料未发布，不能学习')] })

    expect(page.data.timingNote).toBe('未发布的材料不计学习时长')
    expect(page.data.material.title).toBe('中国共产党章程')
    await seconds(60)
    expect(fake.requestsTo(START)).toHaveLength(1)
    expect(jest.getTimerCount()).toBe(0)
  })

  test.each([
    ['hidden', 'paused', 'onHide', 'pause'],
    ['closed', 'finished', 'onUnload', 'finish'],
  ])('%s before the session answered: %s as soon as it has', async (_hidden, _paused, leave, kind) => {
    fake.route(START, [{ status: 201, delay: 2000, body: sessionBody() }])
    serveEvents()
    const page = loadPage('pages/study/reader')
    page.onLoad({ id: '31' })
    page.onShow()
    await flush()

    page[leave]()
    await seconds(3)

    expect(events()).toEqual([[kind, 1]])
    expect(jest.getTimerCount()).toBe(0)
  })
})
