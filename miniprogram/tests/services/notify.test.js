const { installWx, settle } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let notify

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  notify = require('../../services/notify')
})

function grantsAnswer(granted) {
  return { status: 200, body: { granted } }
}

describe('preferences', () => {
  test('getPreferences sends GET /notifications/preferences and resolves with the items', async () => {
    fake.route('GET /notifications/preferences', [fixtures.preferences()])

    const items = await notify.getPreferences()

    expect(items).toEqual(fixtures.preferenceItems)
    expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  })

  test('setPreference sends PATCH with { preferences: { kind: enabled } } and resolves with the new list', async () => {
    fake.route('PATCH /notifications/preferences', [fixtures.preferences({ meeting_notice: false })])

    const items = await notify.setPreference('meeting_notice', false)

    expect(fake.requests[0].method).toBe('PATCH')
    expect(fake.requests[0].data).toEqual({ preferences: { meeting_notice: false } })
    expect(items.find((item) => item.kind === 'meeting_notice').enabled).toBe(false)
  })

  test('switching off a kind that is not switchable rejects with not_switchable', async () => {
    fake.route('PATCH /notifications/preferences', [fixtures.apiError(422, 'not_switchable', '账号安全通知不能关闭')])

    const error = await notify.setPreference('account_security', false).catch((e) => e)

    expect(fake.requests[0].data).toEqual({ preferences: { account_security: false } })
    expect(error.code).toBe('not_switchable')
    expect(error.message).toBe('账号安全通知不能关闭')
  })
})

describe('subscribeTemplates', () => {
  test('is fetched once and kept for the life of the app', async () => {
    fake.route('GET /notifications/subscribe-templates', [fixtures.subscribeTemplates()])

    const first = await notify.subscribeTemplates()
    const second = await notify.subscribeTemplates()

    expect(first).toEqual(fixtures.templateItems)
    expect(second).toEqual(fixtures.templateItems)
    expect(fake.requestsTo('GET /notifications/subscribe-templates')).toHaveLength(1)
  })

  test('simultaneous callers share one request', async () => {
    fake.route('GET /notifications/subscribe-templates', [fixtures.subscribeTemplates()])

    const [a, b] = await Promise.all([notify.subscribeTemplates(), notify.subscribeTemplates()])

    expect(a).toEqual(b)
    expect(fake.requests).toHaveLength(1)
  })

  test('a failure is not cached: the next call asks again', async () => {
    fake.route('GET /notifications/subscribe-templates', [{ networkFailure: true }, fixtures.subscribeTemplates()])

    const error = await notify.subscribeTemplates().catch((e) => e)
    const items = await notify.subscribeTemplates()

    expect(error.name).toBe('NetworkError')
    expect(items).toEqual(fixtures.templateItems)
    expect(fake.requests).toHaveLength(2)
  })
})

describe('requestSubscribe', () => {
  async function warmCache(items) {
    fake.route('GET /notifications/subscribe-templates', [fixtures.subscribeTemplates(items)])
    await notify.subscribeTemplates()
    fake.requests.length = 0
  }

  test('with the templates cached the dialog opens synchronously, inside the tap', async () => {
    await warmCache()
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({ TPL_MEETING: 1 })])

    const pending = notify.requestSubscribe(['meeting_notice'])

    // Nothing awaited yet: a network round trip first would lose the tap on a device.
    expect(fake.wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(fake.wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_MEETING'])
    await pending
  })

  test('posts only the answers (no errMsg) and resolves with accepted and refused kinds', async () => {
    await warmCache()
    fake.answerSubscribe(() => ({ results: { TPL_MEETING: 'accept', TPL_STUDY: 'reject' } }))
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({ TPL_MEETING: 3 })])

    const summary = await notify.requestSubscribe(['meeting_notice', 'study_task'])

    const [post] = fake.requestsTo('POST /notifications/subscribe-grants')
    expect(post.data).toEqual({ results: { TPL_MEETING: 'accept', TPL_STUDY: 'reject' } })
    expect(post.header.Authorization).toBe('Bearer tok-1')
    expect(summary).toEqual({
      accepted: ['meeting_notice'],
      refused: ['study_task'],
      skipped: [],
      granted: { TPL_MEETING: 3 },
      errCode: 0,
      error: null,
    })
  })

  test('asks for at most 3 templates, the first ones in the order given; the rest are skipped', async () => {
    await warmCache()
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({})])

    const summary = await notify.requestSubscribe([
      'vote_notice',
      'meeting_notice',
      'account_security',
      'study_task',
      'dues_reminder',
    ])

    expect(fake.wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(fake.wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_VOTE', 'TPL_MEETING', 'TPL_SECURITY'])
    expect(summary.accepted).toEqual(['vote_notice', 'meeting_notice', 'account_security'])
    expect(summary.skipped).toEqual(['study_task', 'dues_reminder'])
    expect(Object.keys(fake.requestsTo('POST /notifications/subscribe-grants')[0].data.results)).toEqual([
      'TPL_VOTE',
      'TPL_MEETING',
      'TPL_SECURITY',
    ])
  })

  test('kinds without a template (and repeats) are ignored', async () => {
    await warmCache()
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({})])

    const summary = await notify.requestSubscribe(['no_such_kind', 'meeting_notice', 'meeting_notice'])

    expect(fake.wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_MEETING'])
    expect(summary.accepted).toEqual(['meeting_notice'])
    expect(summary.refused).toEqual([])
  })

  test('with no template for any kind there is no dialog and no request', async () => {
    await warmCache()

    const summary = await notify.requestSubscribe(['no_such_kind'])

    expect(fake.wx.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(fake.requests).toHaveLength(0)
    expect(summary).toMatchObject({ accepted: [], refused: [], skipped: [] })
  })

  test('ban, filter and reject are refusals, and are still reported to the server', async () => {
    await warmCache()
    fake.answerSubscribe(() => ({ results: { TPL_MEETING: 'ban', TPL_STUDY: 'filter', TPL_DUES: 'reject' } }))
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({})])

    const summary = await notify.requestSubscribe(['meeting_notice', 'study_task', 'dues_reminder'])

    expect(summary.accepted).toEqual([])
    expect(summary.refused).toEqual(['meeting_notice', 'study_task', 'dues_reminder'])
    expect(fake.requestsTo('POST /notifications/subscribe-grants')[0].data).toEqual({
      results: { TPL_MEETING: 'ban', TPL_STUDY: 'filter', TPL_DUES: 'reject' },
    })
  })

  test("WeChat's other spellings of yes (acceptWithAudio) are reported as accept; unknown ids are not sent", async () => {
    await warmCache()
    fake.answerSubscribe(() => ({ results: { TPL_MEETING: 'acceptWithAudio', TPL_OTHER: 'accept' } }))
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({ TPL_MEETING: 1 })])

    const summary = await notify.requestSubscribe(['meeting_notice'])

    expect(fake.requestsTo('POST /notifications/subscribe-grants')[0].data).toEqual({ results: { TPL_MEETING: 'accept' } })
    expect(summary.accepted).toEqual(['meeting_notice'])
  })

  test('a failed dialog (20004: subscribe messages off) resolves with every kind refused, posts nothing', async () => {
    await warmCache()
    fake.answerSubscribe(() => ({ fail: true, errCode: 20004 }))

    const summary = await notify.requestSubscribe(['meeting_notice', 'study_task'])

    expect(summary).toEqual({
      accepted: [],
      refused: ['meeting_notice', 'study_task'],
      skipped: [],
      granted: {},
      errCode: 20004,
      error: null,
    })
    expect(fake.requests).toHaveLength(0)
  })

  test('a dialog that throws, or is missing on an old WeChat, still resolves', async () => {
    await warmCache()
    fake.wx.requestSubscribeMessage.mockImplementation(() => {
      throw new Error('boom')
    })
    await expect(notify.requestSubscribe(['meeting_notice'])).resolves.toMatchObject({ refused: ['meeting_notice'] })

    delete fake.wx.requestSubscribeMessage
    await expect(notify.requestSubscribe(['study_task'])).resolves.toMatchObject({ refused: ['study_task'] })
    expect(fake.requests).toHaveLength(0)
  })

  test('a failed report to the server still resolves, with the error', async () => {
    await warmCache()
    fake.route('POST /notifications/subscribe-grants', [fixtures.apiError(500, 'internal_error', '服务器出错了')])

    const summary = await notify.requestSubscribe(['meeting_notice'])

    expect(summary.accepted).toEqual(['meeting_notice'])
    expect(summary.granted).toEqual({})
    expect(summary.error.message).toBe('服务器出错了')
  })

  test('templates that cannot be loaded resolve with the error and open no dialog', async () => {
    fake.route('GET /notifications/subscribe-templates', [{ networkFailure: true }])

    const summary = await notify.requestSubscribe(['meeting_notice'])

    expect(summary.error.name).toBe('NetworkError')
    expect(summary.accepted).toEqual([])
    expect(fake.wx.requestSubscribeMessage).not.toHaveBeenCalled()
  })

  test('with a cold cache the templates are fetched first, then the dialog opens', async () => {
    fake.route('GET /notifications/subscribe-templates', [fixtures.subscribeTemplates()])
    fake.route('POST /notifications/subscribe-grants', [grantsAnswer({ TPL_STUDY: 1 })])

    const pending = notify.requestSubscribe(['study_task'])
    expect(fake.wx.requestSubscribeMessage).not.toHaveBeenCalled()
    const summary = await pending
    await settle()

    expect(fake.requests.map((call) => call.key)).toEqual([
      'GET /notifications/subscribe-templates',
      'POST /notifications/subscribe-grants',
    ])
    expect(summary.accepted).toEqual(['study_task'])
  })
})
