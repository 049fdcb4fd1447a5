const { settle } = require('../helpers/wx')
const { loadPage } = require('../helpers/page')
const { checkinEachTest, storedQueue } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-12-01 18:58 in Beijing, two minutes before the meeting.
const NOW = Date.UTC(2026, 11, 1, 10, 58)
const MINUTE = 60 * 1000
const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'
const NEW_TOKEN = '7.kx3fa.Zz_1-AbQw3rT5yU1oP0b'
const URL = `https://dj.example.edu.cn/m/checkin?t=${TOKEN}`
// What WeChat passes when its scanner opens the page: the link, and the scan time in seconds.
const SCANNED_QUERY = { q: encodeURIComponent(URL), scancode_time: String((NOW - 2000) / 1000) }

const { fake, controls } = checkinEachTest(NOW)

// As the framework does: onShow right after onLoad, while the first attempt is on its way.
async function openedPage(query = SCANNED_QUERY) {
  const page = loadPage('pages/meetings/checkin/index')
  const loading = page.onLoad(query)
  page.onShow()
  await loading
  await settle()
  return page
}

describe('opened by a scan', () => {
  test('from WeChat\'s scanner (q): sends the token with a key, the device and the location', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])

    const page = await openedPage()

    const [call] = fake.requestsTo('POST /checkins')
    expect(call.data).toEqual({
      token: TOKEN,
      idempotency_key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      device: expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f]{8}$/), network_type: 'wifi' }),
      location: { latitude: 30.2741, longitude: 120.1551, accuracy: 35 },
    })
    // The first attempt is no resend: no scanned_at.
    expect(call.data.scanned_at).toBeUndefined()
    expect(page.data.state).toBe('success')
    expect(page.data.result).toEqual({
      title: '签到成功',
      note: '',
      meetingId: 7,
      meetingTitle: '十二月支部党员大会',
      timeLabel: '签到时间',
      timeText: '12月1日 18:58',
      late: false,
      lateText: '未迟到',
      sentLate: false,
      sentLateText: '',
    })
  })

  test('from a mini-program code (scene)', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])

    const page = await openedPage({ scene: encodeURIComponent(TOKEN) })

    expect(fake.requestsTo('POST /checkins')[0].data.token).toBe(TOKEN)
    expect(page.data.state).toBe('success')
  })

  test('from the in-app scan (token)', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])

    const page = await openedPage({ token: TOKEN })

    expect(fake.requestsTo('POST /checkins')[0].data.token).toBe(TOKEN)
    expect(page.data.state).toBe('success')
  })

  test('a late check-in says so', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody({ checked_in_at: '2026-12-01T11:12:00+00:00', late: true })])

    const page = await openedPage()

    expect(page.data.result).toMatchObject({ timeText: '12月1日 19:12', late: true, lateText: '迟到' })
  })

  test('checked in before (200, created: false): says so', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody({}, 200)])

    const page = await openedPage()

    expect(page.data.result).toMatchObject({ title: '你已签到', note: '你此前已完成本次会议的签到' })
  })

  test('a code not of this system: the message, and no request', async () => {
    const page = await openedPage({ q: encodeURIComponent('https://weixin.qq.com/r/abcdefg') })

    expect(page.data.state).toBe('invalid')
    expect(page.data.message).toBe('不是本系统的签到码')
    expect(fake.requests).toHaveLength(0)
  })

  test('opened with no code at all', async () => {
    const page = await openedPage({})

    expect(page.data.state).toBe('invalid')
    expect(page.data.message).toBe('未识别到签到码，请扫描会场大屏上的二维码')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('each refusal in words', () => {
  test.each([
    ['qr_invalid', 400, '签到码无效', '不是本系统的签到码', '请扫描会场大屏上的签到二维码', true],
    ['qr_expired', 400, '二维码已过期', '二维码已更新', '二维码已更新，请重新扫描大屏上的二维码', true],
    ['checkin_not_open', 409, '签到将于 12月1日 18:30 开始', '签到尚未开始', '签到将于 12月1日 18:30 开始', true],
    ['checkin_closed', 409, '签到已结束', '签到已结束', '会议已结束，无法签到。如有疑问请联系支部书记', false],
    ['meeting_cancelled', 409, '会议已取消', '会议已取消', '本次会议已取消，无需签到', false],
    [
      'not_participant',
      403,
      '不在名单中',
      '不在参会名单中',
      '你不在本次会议的参会名单中，如需参会请联系支部书记',
      false,
    ],
    [
      'location_required',
      400,
      '需要位置',
      '需要位置信息',
      '本次会议需要核对签到位置，请允许小程序使用你的位置信息后重新扫码',
      true,
    ],
    ['out_of_range', 403, '你距离会场约 850 米', '不在会场范围内', '你距离会场约 850 米', true],
    ['checkin_revoked', 409, '签到已被撤销：代签', '签到已被撤销', '签到已被撤销：代签', false],
    [
      'offline_too_late',
      400,
      '补传超时',
      '补传超时',
      '网络长时间未恢复，本次扫码已超过10分钟，无法补传。请重新扫码，或联系支部书记补签',
      true,
    ],
  ])('%s', async (code, status, serverMessage, title, text, retry) => {
    fake.route('POST /checkins', [fixtures.apiError(status, code, serverMessage)])

    const page = await openedPage()

    expect(page.data.state).toBe('error')
    expect(page.data.failure).toEqual({
      code,
      title,
      text,
      retry,
      settings: code === 'location_required',
    })
    expect(storedQueue(fake)).toEqual([])
  })

  test('the particulars fall back to our words when the server sent none', async () => {
    fake.route('POST /checkins', [{ status: 403, body: { code: 'out_of_range', status: 403, message: '', errors: {} } }])

    const page = await openedPage()

    expect(page.data.failure.text).toBe('你当前的位置不在会场范围内，请到会场后重新扫码')
  })

  test('anything else: 签到失败 with the general message, and scanning again is offered', async () => {
    fake.route('POST /checkins', [{ status: 500, body: '' }])

    const page = await openedPage()

    expect(page.data.failure).toMatchObject({ title: '签到失败', text: '服务器暂时无法响应，请稍后重试', retry: true })
  })

  test('location_required offers the permission settings', async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'location_required', '需要位置')])
    const page = await openedPage()

    page.openSettings()

    expect(global.wx.openSetting).toHaveBeenCalledTimes(1)
  })

  test('a lost session goes to binding', async () => {
    fake.route('POST /checkins', [fixtures.apiError(401, 'unauthorized', '登录已失效')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])

    const page = await openedPage()

    expect(global.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=ticket-9' })
    expect(page.data.state).toBe('sending')
  })
})

describe('重新扫码', () => {
  test('after an expired code: a new scan with a new key, in the same page', async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'qr_expired', '二维码已过期'), fixtures.checkinBody()])
    const page = await openedPage()
    controls.scanReturns(`https://dj.example.edu.cn/m/checkin?t=${NEW_TOKEN}`)

    await page.rescan()

    const calls = fake.requestsTo('POST /checkins')
    expect(calls.map((call) => call.data.token)).toEqual([TOKEN, NEW_TOKEN])
    expect(calls[1].data.idempotency_key).not.toBe(calls[0].data.idempotency_key)
    expect(global.wx.scanCode.mock.calls[0][0].onlyFromCamera).toBe(true)
    expect(page.data.state).toBe('success')
  })

  test('a random code read instead: refused without a request', async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'qr_expired', '二维码已过期')])
    const page = await openedPage()
    controls.scanReturns('https://weixin.qq.com/r/abcdefg')

    await page.rescan()

    expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
    expect(page.data).toMatchObject({ state: 'invalid', message: '不是本系统的签到码' })
  })

  test('closing the scanner changes nothing', async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'qr_expired', '二维码已过期')])
    const page = await openedPage()
    controls.scanCancels()

    await page.rescan()

    expect(page.data.state).toBe('error')
    expect(page.data.scanning).toBe(false)
  })
})

describe('on a weak network', () => {
  test('the scan is kept with its scan time and sent when the page shows again', async () => {
    fake.route('POST /checkins', [
      { networkFailure: true },
      fixtures.checkinBody({ checked_in_at: '2026-12-01T10:57:58+00:00', sent_late: true }),
    ])
    const page = await openedPage()

    expect(page.data.state).toBe('queued')
    expect(page.data.message).toBe('网络不佳，已保存本次扫码，恢复网络后自动补传')
    const [kept] = storedQueue(fake)
    // The scan time is WeChat's scancode_time, two seconds before the page opened.
    expect(kept).toMatchObject({ token: TOKEN, scanned_at: '2026-12-01T10:57:58Z', meeting_id: 7, mode: 'checkin' })
    const firstKey = fake.requestsTo('POST /checkins')[0].data.idempotency_key
    expect(kept.idempotency_key).toBe(firstKey)

    // Three minutes later the member comes back to the page.
    Date.now.mockReturnValue(NOW + 3 * MINUTE)
    await page.onShow()

    const resent = fake.requestsTo('POST /checkins')[1].data
    expect(resent).toMatchObject({ token: TOKEN, idempotency_key: firstKey, scanned_at: '2026-12-01T10:57:58Z' })
    expect(resent.device).toEqual(kept.device)
    expect(page.data.state).toBe('success')
    expect(page.data.result).toMatchObject({
      title: '签到成功',
      timeText: '12月1日 18:57',
      sentLate: true,
      sentLateText: '网络恢复后补传，按扫码时间记录',
    })
    // The page showed it; no toast on top.
    expect(global.wx.showToast).not.toHaveBeenCalled()
    expect(storedQueue(fake)).toEqual([])
  })

  test('still offline on show: still waiting; 立即重试 says the network is still down', async () => {
    fake.route('POST /checkins', [{ networkFailure: true }])
    const page = await openedPage()

    await page.onShow()
    expect(page.data.state).toBe('queued')

    await page.retryNow()
    expect(page.data.state).toBe('queued')
    expect(page.data.retrying).toBe(false)
    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '网络仍不可用，稍后自动补传', icon: 'none' })
    expect(storedQueue(fake)).toHaveLength(1)
  })

  test('refused when resent: the refusal is shown and the scan dropped', async () => {
    fake.route('POST /checkins', [
      { networkFailure: true },
      fixtures.apiError(400, 'offline_too_late', '补传超时'),
    ])
    const page = await openedPage()

    await page.retryNow()

    expect(page.data.state).toBe('error')
    expect(page.data.failure.code).toBe('offline_too_late')
    expect(storedQueue(fake)).toEqual([])
    expect(global.wx.showModal).not.toHaveBeenCalled()
  })

  test('past the limit: dropped without a request, and the page says so', async () => {
    fake.route('POST /checkins', [{ networkFailure: true }])
    const page = await openedPage()

    Date.now.mockReturnValue(NOW + 11 * MINUTE)
    await page.onShow()

    expect(fake.requestsTo('POST /checkins')).toHaveLength(1)
    expect(page.data.state).toBe('error')
    expect(page.data.failure).toMatchObject({ title: '补传超时', retry: true })
    expect(storedQueue(fake)).toEqual([])
  })

  test('a page left before the resend: the member is told by a toast', async () => {
    fake.route('POST /checkins', [{ networkFailure: true }, fixtures.checkinBody({ sent_late: true })])
    const page = await openedPage()
    page.onUnload()

    await page.onShow()

    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '签到已补传', icon: 'success' })
  })
})

describe('签退', () => {
  test('mode=signout posts to /checkins/sign-out and shows the sign-out time', async () => {
    fake.route('POST /checkins/sign-out', [fixtures.checkinBody({ signed_out_at: '2026-12-01T12:31:00+00:00' }, 200)])

    const page = await openedPage({ token: TOKEN, mode: 'signout' })

    expect(fake.requestsTo('POST /checkins')).toHaveLength(0)
    expect(fake.requestsTo('POST /checkins/sign-out')).toHaveLength(1)
    expect(global.wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '签退' })
    expect(page.data.result).toMatchObject({ title: '签退成功', timeLabel: '签退时间', timeText: '12月1日 20:31' })
  })

  test('a sign-out when not checked in', async () => {
    fake.route('POST /checkins/sign-out', [fixtures.apiError(409, 'not_checked_in', '尚未签到')])

    const page = await openedPage({ token: TOKEN, mode: 'signout' })

    expect(page.data.failure).toMatchObject({ title: '尚未签到', retry: false })
  })

  test('a sign-out kept offline goes to /checkins/sign-out again', async () => {
    fake.route('POST /checkins/sign-out', [{ networkFailure: true }, fixtures.checkinBody({}, 200)])
    const page = await openedPage({ token: TOKEN, mode: 'signout' })

    await page.onShow()

    expect(fake.requestsTo('POST /checkins/sign-out')).toHaveLength(2)
    expect(page.data.result.title).toBe('签退成功')
  })
})

describe('leaving the result', () => {
  test('查看会议 replaces this page with the meeting', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const page = await openedPage()

    page.openMeeting()

    expect(global.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meetings/detail/index?id=7' })
    expect(global.wx.navigateBack).not.toHaveBeenCalled()
  })

  test('查看会议 from a scan started on that meeting\'s page goes back to it', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const page = await openedPage({ token: TOKEN })
    global.getCurrentPages.mockReturnValue([
      { route: 'pages/meetings/index/index', options: {} },
      { route: 'pages/meetings/detail/index', options: { id: '7' } },
      { route: 'pages/meetings/checkin/index', options: { token: TOKEN } },
    ])

    page.openMeeting()

    expect(global.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })
    expect(global.wx.redirectTo).not.toHaveBeenCalled()
  })

  test('完成 goes back, or to the meeting list when WeChat opened this page alone', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])
    const page = await openedPage()

    page.done()
    expect(global.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })

    controls.state.pagesOpen = 1
    page.done()
    expect(global.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/meetings/index/index' })
  })
})
