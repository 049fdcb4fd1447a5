const { settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-12-01 18:50 in Beijing: the check-in window of the 19:00 meeting is open.
const NOW = Date.UTC(2026, 11, 1, 10, 50)
const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'

const { fake, controls } = checkinEachTest(NOW)

beforeEach(() => {
  fake.route('GET /meetings/7/attachments', [{ status: 200, body: { items: [] } }])
})

function routeMeeting(overrides = {}) {
  fake.route('GET /meetings/7', [{ status: 200, body: fixtures.memberMeeting(7, overrides) }])
}

async function openedPage(overrides) {
  if (overrides !== undefined) routeMeeting(overrides)
  const page = loadPage('pages/meetings/detail/index')
  await page.onLoad({ id: '7' })
  return page
}

test('the meeting: type, title, Beijing time, place, chair, recorder, phase', async () => {
  const page = await openedPage({})

  expect(page.data.meeting).toMatchObject({
    id: 7,
    title: '十二月支部党员大会',
    typeLabel: '支部党员大会',
    orgName: '本科生第一党支部',
    timeText: '12月1日 19:00–20:30',
    place: '图书馆 301',
    description: '学习贯彻全会精神',
    chair: '张三',
    recorder: '李四',
    phase: 'checkin_open',
    phaseLabel: '签到中',
    cancelled: false,
    canManage: false,
  })
  expect(page.data.loading).toBe(false)
})

describe('my part and what I can do', () => {
  test('window open, not checked in: 扫码签到 and 请假', async () => {
    const page = await openedPage({})

    expect(page.data.meeting.mine).toEqual({
      roleLabel: '参会党员',
      observer: false,
      attendance: 'not_checked_in',
      attendanceLabel: '未签到',
      checkin: null,
      leave: null,
      canCheckIn: true,
      canSignOut: false,
      canAskLeave: true,
      canWithdrawLeave: false,
    })
  })

  test('checked in late and sent late: the time and the flags; no more 扫码签到 or 请假', async () => {
    const page = await openedPage({
      phase: 'in_progress',
      phase_label: '进行中',
      my: {
        attendance: 'late',
        checkin: fixtures.memberCheckin({ checked_in_at: '2026-12-01T11:08:00+00:00', late: true, sent_late: true }),
      },
    })

    const mine = page.data.meeting.mine
    expect(mine.attendanceLabel).toBe('迟到')
    expect(mine.checkin).toMatchObject({ timeText: '12月1日 19:08', late: true, sentLate: true, revoked: false })
    expect(mine).toMatchObject({ canCheckIn: false, canAskLeave: false, canSignOut: false })
  })

  test('a revoked check-in shows the reason, and offers no new check-in', async () => {
    const page = await openedPage({
      phase: 'in_progress',
      sign_out: true,
      my: { attendance: 'not_checked_in', checkin: fixtures.memberCheckin({ revoked: true, revoke_reason: '代签' }) },
    })

    expect(page.data.meeting.mine.checkin).toMatchObject({ revoked: true, revokeReason: '代签' })
    expect(page.data.meeting.mine).toMatchObject({ canCheckIn: false, canSignOut: false })
  })

  test.each([
    ['in_progress', null, null, true],
    ['in_progress', '2026-12-01T12:31:00+00:00', null, false],
    ['ended', null, '2026-12-01T11:00:00+00:00', true],
    ['ended', null, '2026-12-01T10:40:00+00:00', false],
    ['checkin_open', null, null, false],
  ])('sign-out in phase %s, signed out at %s, window closing %s: %s', async (phase, signedOutAt, closesAt, allowed) => {
    const overrides = {
      phase,
      sign_out: true,
      my: { attendance: 'present', checkin: fixtures.memberCheckin({ signed_out_at: signedOutAt }) },
    }
    if (closesAt) overrides.checkin_closes_at = closesAt
    const page = await openedPage(overrides)

    expect(page.data.meeting.mine.canSignOut).toBe(allowed)
  })

  test('no sign-out for a meeting without it', async () => {
    const page = await openedPage({ phase: 'in_progress', my: { attendance: 'present', checkin: fixtures.memberCheckin() } })

    expect(page.data.meeting.mine.canSignOut).toBe(false)
  })

  test.each([
    ['upcoming', null, true, false],
    ['upcoming', 'pending', false, true],
    ['upcoming', 'approved', false, false],
    ['upcoming', 'rejected', true, false],
    ['upcoming', 'withdrawn', true, false],
    ['in_progress', null, false, false],
    ['ended', 'pending', false, true],
  ])('phase %s with leave %s: ask %s, withdraw %s', async (phase, state, ask, withdraw) => {
    const leave = state ? fixtures.memberLeaveRequest(7, { state, state_label: '…', comment: '同意' }) : null
    const page = await openedPage({ phase, my: { leave } })

    expect(page.data.meeting.mine.canAskLeave).toBe(ask)
    expect(page.data.meeting.mine.canWithdrawLeave).toBe(withdraw)
    if (leave) expect(page.data.meeting.mine.leave).toEqual({ state, stateLabel: '…', reason: '出差', comment: '同意' })
  })

  test('a non-participant sees the meeting only', async () => {
    const page = await openedPage({ my: null })

    expect(page.data.meeting.mine).toBe(null)
  })

  test('an observer is 列席', async () => {
    const page = await openedPage({ my: { role: 'observer' } })

    expect(page.data.meeting.mine).toMatchObject({ roleLabel: '列席', observer: true })
  })

  test('a cancelled meeting shows why', async () => {
    const page = await openedPage({ status: 'cancelled', phase: 'cancelled', phase_label: '已取消', cancel_reason: '与考试冲突' })

    expect(page.data.meeting).toMatchObject({ cancelled: true, cancelReason: '与考试冲突' })
    expect(page.data.meeting.mine).toMatchObject({ canCheckIn: false, canAskLeave: false })
  })
})

test('a meeting out of reach shows the server\'s message', async () => {
  fake.route('GET /meetings/7', [fixtures.apiError(404, 'not_found', '会议不存在')])

  const page = await openedPage()

  expect(page.data).toMatchObject({ loading: false, errorMessage: '会议不存在', meeting: null })
})

test('opened without an id', async () => {
  const page = loadPage('pages/meetings/detail/index')
  await page.onLoad({})

  expect(page.data.errorMessage).toBe('会议不存在')
  expect(fake.requests).toHaveLength(0)
})

describe('scanning from the meeting', () => {
  test('扫码签到 opens the check-in page with the token', async () => {
    const page = await openedPage({})
    controls.scanReturns(`https://dj.example.edu.cn/m/checkin?t=${TOKEN}`)

    await page.scan(tapEvent({ mode: 'checkin' }))

    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/meetings/checkin/index?token=${TOKEN}` })
  })

  test('签退 scans again and opens the check-in page to sign out', async () => {
    const page = await openedPage({ phase: 'in_progress', sign_out: true, my: { checkin: fixtures.memberCheckin() } })
    controls.scanReturns(TOKEN)

    await page.scan(tapEvent({ mode: 'signout' }))

    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/meetings/checkin/index?token=${TOKEN}&mode=signout` })
  })

  test('another QR code is refused here', async () => {
    const page = await openedPage({})
    controls.scanReturns('hello')

    await page.scan(tapEvent({ mode: 'checkin' }))
    await settle()

    expect(global.wx.navigateTo).not.toHaveBeenCalled()
    expect(global.wx.showModal.mock.calls[0][0].content).toBe('不是本系统的签到码')
  })
})

describe('comments', () => {
  test('评论 under the minutes opens the minutes page, where members comment', async () => {
    const page = await openedPage({ phase: 'ended' })

    page.openComments()

    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/minutes/index?id=7' })
  })
})

describe('leave', () => {
  test('请假 opens the form', async () => {
    const page = await openedPage({ phase: 'upcoming' })

    page.askLeave()

    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/leave/index?id=7' })
  })

  test('撤回请假 asks, withdraws and shows the meeting again', async () => {
    const pending = fixtures.memberLeaveRequest(7)
    fake.route('GET /meetings/7', [
      { status: 200, body: fixtures.memberMeeting(7, { phase: 'upcoming', my: { leave: pending } }) },
      { status: 200, body: fixtures.memberMeeting(7, { phase: 'upcoming', my: { leave: Object.assign({}, pending, { state: 'withdrawn' }) } }) },
    ])
    fake.route('DELETE /meetings/7/leave', [{ status: 200, body: Object.assign({}, pending, { state: 'withdrawn' }) }])
    const page = await openedPage()

    await page.withdrawLeave()

    expect(global.wx.showModal).toHaveBeenCalledTimes(1)
    expect(fake.requestsTo('DELETE /meetings/7/leave')).toHaveLength(1)
    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '已撤回', icon: 'success' })
    expect(page.data.meeting.mine).toMatchObject({ canWithdrawLeave: false, canAskLeave: true })
    expect(page.data.withdrawing).toBe(false)
    // The reload already shows the change: coming back does not load again.
    await page.onShow()
    expect(fake.requestsTo('GET /meetings/7')).toHaveLength(2)
  })

  test('撤回请假 cancelled in the dialog sends nothing', async () => {
    fake.answerModal(false)
    const page = await openedPage({ phase: 'upcoming', my: { leave: fixtures.memberLeaveRequest(7) } })

    await page.withdrawLeave()

    expect(fake.requestsTo('DELETE /meetings/7/leave')).toHaveLength(0)
    expect(page.data.withdrawing).toBe(false)
  })

  test('decided meanwhile (409): the message, and the meeting as it is now', async () => {
    fake.route('DELETE /meetings/7/leave', [fixtures.apiError(409, 'already_decided', '请假已审批，不能撤回')])
    const page = await openedPage({ phase: 'upcoming', my: { leave: fixtures.memberLeaveRequest(7) } })

    await page.withdrawLeave()

    expect(global.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请假已审批，不能撤回' }))
    expect(fake.requestsTo('GET /meetings/7')).toHaveLength(2)
  })
})

describe('minutes', () => {
  test('opened: loaded once, in words', async () => {
    fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.memberMinutes(7) }])
    const page = await openedPage({ phase: 'ended', has_minutes: true })

    await page.toggleMinutes()
    await page.toggleMinutes()
    await page.toggleMinutes()

    expect(fake.requestsTo('GET /meetings/7/minutes')).toHaveLength(1)
    expect(page.data.minutesOpen).toBe(true)
    expect(page.data.minutes).toMatchObject({
      agenda: '一、学习全会精神\n二、讨论发展对象',
      resolutions: '同意王五为发展对象',
      votes: [{ key: 0, item: '王五列为发展对象', yes: 20, no: 1, abstain: 1 }],
      attendanceText: '应到 25 人，实到 22 人（迟到 2），请假 2 人，缺席 1 人',
      presentNames: '张三、李四',
      onLeaveNames: '赵六',
      absentNames: '钱七',
      observerNames: '孙八',
      chair: '张三',
      chairSigned: '12月1日 21:00',
      recorderSigned: '',
    })
  })

  test('none yet: says so', async () => {
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', 'not found')])
    const page = await openedPage({ phase: 'ended', has_minutes: true })

    await page.toggleMinutes()

    expect(page.data.minutesError).toBe('暂无会议记录')
  })
})

describe('attachments', () => {
  beforeEach(() => {
    fake.route('GET /meetings/7/attachments', [
      {
        status: 200,
        body: {
          items: [
            { id: 1, filename: 'photo.jpg', content_type: 'image/jpeg', size: 204800, caption: '会议现场' },
            { id: 2, filename: '议程.pdf', content_type: 'application/pdf', size: 3145728, caption: null },
          ],
        },
      },
    ])
  })

  test('listed with the meeting', async () => {
    const page = await openedPage({ phase: 'ended' })

    expect(page.data.attachments).toEqual([
      { id: 1, name: '会议现场', filename: 'photo.jpg', sizeText: '200 KB', image: true, pdf: false },
      { id: 2, name: '议程.pdf', filename: '议程.pdf', sizeText: '3.0 MB', image: false, pdf: true },
    ])
  })

  test('an image is previewed, a PDF opened', async () => {
    const page = await openedPage({ phase: 'ended' })

    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/1.jpg' }
    await page.openAttachment(tapEvent({ id: 1 }))
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/2.pdf' }
    await page.openAttachment(tapEvent({ id: 2 }))

    expect(global.wx.downloadFile.mock.calls.map((call) => call[0].url)).toEqual([
      'http://127.0.0.1:5000/api/v1/attachments/1/content',
      'http://127.0.0.1:5000/api/v1/attachments/2/content',
    ])
    expect(global.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/1.jpg'], current: 'wxfile://tmp/1.jpg' })
    expect(global.wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/2.pdf', fileType: 'pdf' }))
    expect(global.wx.hideLoading).toHaveBeenCalledTimes(2)
    expect(page.data.opening).toBe(false)
  })

  test('a failed download is reported', async () => {
    const page = await openedPage({ phase: 'ended' })
    controls.state.download = { fail: true }

    await page.openAttachment(tapEvent({ id: 1 }))

    expect(global.wx.previewImage).not.toHaveBeenCalled()
    expect(global.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
  })

  test('attachments that fail to load leave the section out', async () => {
    fake.route('GET /meetings/7/attachments', [{ networkFailure: true }])
    const page = await openedPage({})

    expect(page.data.attachments).toEqual([])
    expect(page.data.meeting).not.toBe(null)
    expect(global.wx.showToast).not.toHaveBeenCalled()
  })
})

describe('for a manager', () => {
  test.each([
    ['live', '/pages/meetings/live/index?id=7'],
    ['edit', '/pages/meetings/edit/index?id=7'],
    ['minutes', '/pages/meetings/minutes/index?id=7'],
    ['leave', '/pages/meetings/leave-approvals/index?meeting_id=7'],
  ])('%s opens %s', async (key, url) => {
    const page = await openedPage({ can_manage: true })

    page.openManage(tapEvent({ key }))

    expect(page.data.meeting.canManage).toBe(true)
    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url })
  })

  test('not for a member', async () => {
    const page = await openedPage({})

    page.openManage(tapEvent({ key: 'live' }))

    expect(global.wx.navigateTo).not.toHaveBeenCalled()
  })
})

test('a pull-down loads the meeting again', async () => {
  routeMeeting({})
  const page = await openedPage()

  await page.onPullDownRefresh()

  expect(fake.requestsTo('GET /meetings/7')).toHaveLength(2)
  expect(global.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
})
