const path = require('path')
const { settle } = require('../helpers/wx')
const { checkinEachTest, storedQueue, LOCATION } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-12-01 18:58 in Beijing, two minutes before the meeting.
const NOW = Date.UTC(2026, 11, 1, 10, 58)
const MINUTE = 60 * 1000
const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'
const KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

const { fake, controls } = checkinEachTest(NOW)
let queue

beforeEach(() => {
  queue = require('../../utils/checkin-queue')
})

// A scan as prepareScan makes it, `minutesAgo` before NOW.
function scan(minutesAgo = 0, overrides = {}) {
  return Object.assign(
    {
      token: TOKEN,
      idempotency_key: `key-${minutesAgo}-abcdefgh`,
      scanned_at: new Date(NOW - minutesAgo * MINUTE).toISOString(),
      device: { id: '0badf00d', model: 'iPhone', system: 'iOS 17.4', platform: 'ios', network_type: 'wifi' },
      location: { latitude: 30.27, longitude: 120.12, accuracy: 35 },
      meeting_id: 7,
      mode: 'checkin',
    },
    overrides
  )
}

describe('prepareScan: one scan, made once', () => {
  test('token, a fresh idempotency key, the scan time, the device, the network and the location', async () => {
    const prepared = await queue.prepareScan(TOKEN, { scannedAt: NOW - 5000 })

    expect(prepared.token).toBe(TOKEN)
    expect(prepared.idempotency_key).toMatch(KEY_PATTERN)
    expect(prepared.scanned_at).toBe('2026-12-01T10:57:55Z')
    expect(prepared.device).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      model: 'iPhone 15<iPhone15,4>',
      system: 'iOS 17.4',
      platform: 'ios',
      network_type: 'wifi',
    })
    expect(prepared.location).toEqual({ latitude: LOCATION.latitude, longitude: LOCATION.longitude, accuracy: 35 })
    expect(prepared.meeting_id).toBe(7)
    expect(prepared.mode).toBe('checkin')
    expect(global.wx.getLocation.mock.calls[0][0].type).toBe('gcj02')
  })

  test('the scan time defaults to now; the mode is kept', async () => {
    const prepared = await queue.prepareScan(TOKEN, { mode: 'signout' })

    expect(prepared.scanned_at).toBe('2026-12-01T10:58:00Z')
    expect(prepared.mode).toBe('signout')
  })

  test('each scan gets its own key', async () => {
    const keys = new Set()
    for (let i = 0; i < 20; i += 1) keys.add(queue.newIdempotencyKey())
    expect(keys.size).toBe(20)
    keys.forEach((key) => expect(key).toMatch(KEY_PATTERN))
  })

  test('the device id is the same for the same phone and differs with the hardware', async () => {
    const first = queue.deviceInfo()
    // Settings of the WeChat account, not of the phone, do not change it.
    controls.state.systemInfo.language = 'en'
    controls.state.systemInfo.version = '8.0.51'
    expect(queue.deviceInfo().id).toBe(first.id)

    controls.state.systemInfo.model = 'iPhone 15 Pro<iPhone16,1>'
    expect(queue.deviceInfo().id).not.toBe(first.id)
    controls.state.systemInfo.model = first.model
    controls.state.systemInfo.screenHeight = 800
    expect(queue.deviceInfo().id).not.toBe(first.id)
  })

  test('no system info: no device; a refused location: none', async () => {
    controls.state.systemInfo = 'throw'
    controls.state.location = { fail: true }

    const prepared = await queue.prepareScan(TOKEN)

    expect(prepared.device).toBe(null)
    expect(prepared.location).toBe(null)
    expect(queue.bodyOf(prepared, false)).toEqual({ token: TOKEN, idempotency_key: prepared.idempotency_key })
  })

  test('a location that does not come in time is given up', async () => {
    controls.state.location = 'never'

    await expect(queue.locate(20)).resolves.toBe(null)
  })
})

describe('submit: the first attempt', () => {
  test('sent: the body has no scanned_at, and nothing is kept', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const first = scan()

    const outcome = await queue.submit(first)

    expect(outcome.status).toBe('sent')
    expect(outcome.checkin.id).toBe(5)
    expect(fake.requestsTo('POST /checkins')[0].data).toEqual({
      token: TOKEN,
      idempotency_key: first.idempotency_key,
      device: first.device,
      location: first.location,
    })
    expect(storedQueue(fake)).toEqual([])
  })

  test('a sign-out goes to /checkins/sign-out', async () => {
    fake.route('POST /checkins/sign-out', [fixtures.checkinBody({ signed_out_at: '2026-12-01T12:31:00+00:00' }, 200)])

    const outcome = await queue.submit(scan(0, { mode: 'signout' }))

    expect(outcome.status).toBe('sent')
    expect(fake.requestsTo('POST /checkins')).toHaveLength(0)
  })

  test('a network failure keeps the scan, with everything needed to send it again', async () => {
    fake.route('POST /checkins', [{ networkFailure: true }])
    const first = scan()

    const outcome = await queue.submit(first)

    expect(outcome.status).toBe('queued')
    expect(outcome.error.name).toBe('NetworkError')
    expect(storedQueue(fake)).toEqual([first])
  })

  test('a gateway answering for an unreachable server keeps it too', async () => {
    fake.route('POST /checkins', [{ status: 504, body: '<html>Gateway Timeout</html>' }])

    const outcome = await queue.submit(scan())

    expect(outcome.status).toBe('queued')
    expect(storedQueue(fake)).toHaveLength(1)
  })

  test.each([
    [400, 'qr_expired'],
    [403, 'not_participant'],
    [500, 'internal_error'],
  ])('a %i %s is the server refusing it: not kept', async (status, code) => {
    fake.route('POST /checkins', [fixtures.apiError(status, code, '……')])

    const outcome = await queue.submit(scan())

    expect(outcome.status).toBe('rejected')
    expect(outcome.error.code).toBe(code)
    expect(storedQueue(fake)).toEqual([])
  })
})

describe('retry: sending kept scans again', () => {
  test('with the same key and the scan time; dropped once sent, and the member is told', async () => {
    const kept = scan(3)
    queue.enqueue(kept)
    fake.route('POST /checkins', [fixtures.checkinBody({ sent_late: true }, 201)])

    const outcomes = await queue.retry()

    expect(fake.requestsTo('POST /checkins').map((call) => call.data)).toEqual([
      {
        token: TOKEN,
        idempotency_key: kept.idempotency_key,
        scanned_at: kept.scanned_at,
        device: kept.device,
        location: kept.location,
      },
    ])
    expect(outcomes).toEqual([expect.objectContaining({ status: 'sent' })])
    expect(storedQueue(fake)).toEqual([])
    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '签到已补传', icon: 'success' })
  })

  test('still offline: kept, the others not tried, and nothing said', async () => {
    queue.enqueue(scan(2))
    queue.enqueue(scan(1))
    fake.route('POST /checkins', [{ networkFailure: true }])

    const outcomes = await queue.retry()

    expect(outcomes).toEqual([])
    expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
    expect(storedQueue(fake).map((entry) => entry.idempotency_key)).toEqual(['key-2-abcdefgh', 'key-1-abcdefgh'])
    expect(global.wx.showToast).not.toHaveBeenCalled()
    expect(global.wx.showModal).not.toHaveBeenCalled()
  })

  test('the same key goes again after a second failure', async () => {
    const kept = scan(1)
    queue.enqueue(kept)
    fake.route('POST /checkins', [{ networkFailure: true }, fixtures.checkinBody({ sent_late: true })])

    await queue.retry()
    await queue.retry()

    const sent = fake.requestsTo('POST /checkins').map((call) => call.data)
    expect(sent).toHaveLength(2)
    sent.forEach((body) => {
      expect(body.idempotency_key).toBe(kept.idempotency_key)
      expect(body.scanned_at).toBe(kept.scanned_at)
    })
    expect(storedQueue(fake)).toEqual([])
  })

  test('refused by the server: dropped, and the member is told why', async () => {
    queue.enqueue(scan(1))
    fake.route('POST /checkins', [fixtures.apiError(403, 'not_participant', '你不在本次会议名单中')])

    const outcomes = await queue.retry()

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected' })])
    expect(storedQueue(fake)).toEqual([])
    const modal = global.wx.showModal.mock.calls[0][0]
    expect(modal.showCancel).toBe(false)
    expect(modal.content).toBe('签到补传失败：不在参会名单中。你不在本次会议的参会名单中，如需参会请联系支部书记')
  })

  test('older than the limit: dropped without a request, and the member is told', async () => {
    queue.enqueue(scan(11))
    queue.enqueue(scan(9))
    fake.route('POST /checkins', [fixtures.checkinBody({ sent_late: true })])

    const outcomes = await queue.retry()

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['expired', 'sent'])
    expect(fake.requestsTo('POST /checkins').map((call) => call.data.idempotency_key)).toEqual(['key-9-abcdefgh'])
    expect(storedQueue(fake)).toEqual([])
    expect(global.wx.showModal.mock.calls[0][0].content).toContain('已超过10分钟')
  })

  test('the limit is the server default of 10 minutes', () => {
    expect(queue.OFFLINE_LIMIT_MS).toBe(10 * MINUTE)
  })

  test('a lost session keeps the scan for when the member is signed in again', async () => {
    queue.enqueue(scan(1))
    fake.route('POST /checkins', [fixtures.apiError(401, 'unauthorized', '登录已失效')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound()])

    const outcomes = await queue.retry()

    expect(outcomes).toEqual([])
    expect(storedQueue(fake)).toHaveLength(1)
  })

  test('two callers at once (app and page on show) send each scan once', async () => {
    queue.enqueue(scan(1))
    fake.route('POST /checkins', [fixtures.checkinBody()])

    const [a, b] = await Promise.all([queue.retry(), queue.retry()])

    expect(a).toBe(b)
    expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
  })

  test('nothing kept: no request', async () => {
    await expect(queue.retry()).resolves.toEqual([])
    expect(fake.requests).toHaveLength(0)
  })

  test('a page watching a scan gets its outcome instead of the toast', async () => {
    const kept = scan(1)
    queue.enqueue(kept)
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const watcher = jest.fn()
    queue.watch(kept.idempotency_key, watcher)

    await queue.retry()

    expect(watcher).toHaveBeenCalledWith(expect.objectContaining({ status: 'sent', scan: kept }))
    expect(global.wx.showToast).not.toHaveBeenCalled()
  })

  test('a watcher stopped is not called', async () => {
    const kept = scan(1)
    queue.enqueue(kept)
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const watcher = jest.fn()
    queue.watch(kept.idempotency_key, watcher)()

    await queue.retry()

    expect(watcher).not.toHaveBeenCalled()
    expect(global.wx.showToast).toHaveBeenCalled()
  })
})

test('storage keeps at most MAX_ENTRIES scans, dropping the oldest', () => {
  for (let i = 0; i < queue.MAX_ENTRIES + 3; i += 1) queue.enqueue(scan(0, { idempotency_key: `key-number-${i}` }))

  const keys = storedQueue(fake).map((entry) => entry.idempotency_key)
  expect(keys).toHaveLength(queue.MAX_ENTRIES)
  expect(keys[0]).toBe('key-number-3')
})

test('a damaged stored list is ignored', async () => {
  fake.storage.checkinQueue = JSON.stringify([{ token: 7 }, 'x', null, scan(1)])
  fake.route('POST /checkins', [fixtures.checkinBody()])

  await queue.retry()

  expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
})

test('the phone coming back online sends kept scans', async () => {
  queue.watchNetwork()
  queue.enqueue(scan(1))
  fake.route('POST /checkins', [fixtures.checkinBody()])

  controls.networkChanges(false)
  await settle()
  expect(fake.requestsTo('POST /checkins')).toHaveLength(0)

  controls.networkChanges(true)
  await settle()
  expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
  expect(storedQueue(fake)).toEqual([])
})

describe('app.js', () => {
  function loadApp() {
    let definition = null
    global.App = (def) => {
      definition = def
    }
    jest.isolateModules(() => {
      require(path.resolve(__dirname, '../../app.js'))
    })
    delete global.App
    return definition
  }

  test('sends kept scans when the app shows, and listens for the network at launch', async () => {
    fake.storage.checkinQueue = JSON.stringify([scan(1)])
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const app = loadApp()

    app.onLaunch()
    expect(global.wx.onNetworkStatusChange).toHaveBeenCalledTimes(1)

    await app.onShow()
    expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
    expect(storedQueue(fake)).toEqual([])
    expect(app.globalData).toEqual({})
  })
})
