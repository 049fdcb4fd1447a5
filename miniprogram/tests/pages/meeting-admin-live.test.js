const { signedInEachTest } = require('../helpers/wx')
const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-12-01 19:10 in Beijing, during the meeting.
const NOW = Date.UTC(2026, 11, 1, 11, 10)

const fake = signedInEachTest(NOW)

beforeEach(() => {
  // Timers are fake so that the 5-second refresh can be stepped through; Date.now stays the
  // spied one from signedInEachTest.
  jest.useFakeTimers({ doNotFake: ['Date'] })
  fake.route('GET /meetings/7', [
    { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'in_progress', phase_label: '进行中' }) },
  ])
})

afterEach(() => {
  jest.useRealTimers()
})

// Lets the fake server's replies (setTimeout 0) and the promise chains after them run, moving the
// clock by 40 ms at most: far from the next refresh. (Fake timers clamp a setTimeout(0) nested in
// other timers to a few milliseconds, as browsers do, so advancing by 0 would not reach them.)
async function flush() {
  for (let i = 0; i < 10; i += 1) await jest.advanceTimersByTimeAsync(4)
}

// The 5-second timer runs out: the next automatic refresh, and its answer.
async function nextRefresh() {
  await jest.advanceTimersByTimeAsync(5000)
  await flush()
}

const ITEMS = [
  fixtures.attendanceEntry(21, '张三', 'present', { checkin: { flags: ['shared_device', 'location_outlier'] } }),
  fixtures.attendanceEntry(22, '李四', 'late', {
    checkin: { late: true, checked_in_at: '2026-12-01T11:08:00+00:00', flags: ['manual'], manual_reason: '手机没电', recorded_by: '书记王' },
  }),
  fixtures.attendanceEntry(23, '王五', 'not_checked_in', { checkin: null }),
  fixtures.attendanceEntry(24, '赵六', 'not_checked_in', { checkin: { revoked: true, revoke_reason: '代签' } }),
  fixtures.attendanceEntry(25, '钱七', 'on_leave', {
    checkin: null,
    leave: { id: 3, state: 'approved', state_label: '已批准', reason: '出差', comment: null },
  }),
  fixtures.attendanceEntry(26, '孙八', 'present', { role: 'observer', checkin: { flags: ['sent_late', 'something_new'] } }),
]
const COUNTS = { expected: 5, present: 2, late: 1, on_leave: 1, not_checked_in: 2, absent: 0, observers: 1 }

function attendance(items = ITEMS, counts = COUNTS, anomalies = { shared_device: 1, location_outlier: 1, sent_late: 1 }) {
  return fixtures.attendanceBody(items, counts, anomalies)
}

async function shownPage(reply = attendance()) {
  if (reply) fake.route('GET /meetings/7/attendance', Array.isArray(reply) ? reply : [reply])
  const page = loadPage('pages/meetings/live/index')
  page.onLoad({ id: '7' })
  page.onShow()
  await flush()
  return page
}

function attendanceRequests() {
  return fake.requestsTo('GET /meetings/7/attendance').length
}

function person(page, name) {
  for (const group of page.data.groups) {
    const found = group.items.find((item) => item.name === name)
    if (found) return found
  }
  return null
}

describe('the attendance', () => {
  test('the counts, in the order 应到/已签到/迟到/请假/未签到/缺席, and the anomaly summary', async () => {
    const page = await shownPage()

    expect(page.data.counts.map((count) => `${count.label} ${count.value}`)).toEqual([
      '应到 5',
      '已签到 2',
      '迟到 1',
      '请假 1',
      '未签到 2',
      '缺席 0',
    ])
    expect(page.data.anomaliesText).toBe('同一设备 1 · 位置异常 1 · 补传 1')
    expect(page.data).toMatchObject({ title: '十二月支部党员大会', phaseLabel: '进行中', canManage: true, loaded: true, stale: false })
  })

  test('grouped by attendance, the people still to chase first; empty groups left out', async () => {
    const page = await shownPage()

    expect(page.data.groups.map((group) => [group.label, group.items.map((item) => item.name)])).toEqual([
      ['未签到', ['王五', '赵六']],
      ['迟到', ['李四']],
      ['已签到', ['张三', '孙八']],
      ['请假', ['钱七']],
    ])
  })

  test('each person: time, distance, flags as Chinese tags, 补签 and revoke reasons, leave', async () => {
    const page = await shownPage()

    expect(person(page, '张三')).toMatchObject({
      timeText: '18:55 签到',
      distanceText: '距会场 35 米',
      flags: [
        { key: 'shared_device', label: '同一设备' },
        { key: 'location_outlier', label: '位置异常' },
      ],
      canRevoke: true,
      canManual: false,
      checkinId: 521,
    })
    expect(person(page, '李四')).toMatchObject({
      timeText: '19:08 签到（迟到）',
      flags: [{ key: 'manual', label: '补签' }],
      manualText: '补签原因：手机没电（书记王）',
    })
    expect(person(page, '王五')).toMatchObject({ timeText: '', flags: [], canRevoke: false, canManual: true })
    expect(person(page, '赵六')).toMatchObject({ revokedText: '签到已撤销：代签', canRevoke: false, canManual: true })
    expect(person(page, '钱七')).toMatchObject({ leaveText: '请假（已批准）：出差', canManual: true })
    expect(person(page, '孙八')).toMatchObject({
      observer: true,
      flags: [
        { key: 'sent_late', label: '补传' },
        { key: 'something_new', label: '其他异常' },
      ],
    })
  })

  test('an attendance this version does not know gets its own group', async () => {
    const odd = Object.assign(fixtures.attendanceEntry(30, '周九', 'excused', { checkin: null }), { attendance_label: '公假' })
    const page = await shownPage(attendance([odd]))

    expect(page.data.groups.map((group) => group.label)).toEqual(['公假'])
  })

  test('without an id nothing is asked', async () => {
    const page = loadPage('pages/meetings/live/index')

    page.onLoad({})
    page.onShow()
    await flush()

    expect(page.data.loadError).toBe('会议不存在')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('refreshing every 5 seconds', () => {
  test('while shown', async () => {
    const page = await shownPage()
    expect(attendanceRequests()).toBe(1)

    await jest.advanceTimersByTimeAsync(4900)
    expect(attendanceRequests()).toBe(1)
    await jest.advanceTimersByTimeAsync(100)
    await flush()
    expect(attendanceRequests()).toBe(2)
    await nextRefresh()
    expect(attendanceRequests()).toBe(3)

    page.onUnload()
  })

  test('the new counts replace the old', async () => {
    const page = await shownPage([attendance(), attendance(ITEMS, Object.assign({}, COUNTS, { present: 3 }))])

    await nextRefresh()

    expect(page.data.counts[1]).toEqual({ key: 'present', label: '已签到', value: 3 })
    page.onUnload()
  })

  test('stops when hidden, and starts again at once when shown', async () => {
    const page = await shownPage()

    page.onHide()
    await jest.advanceTimersByTimeAsync(60000)
    await flush()
    expect(attendanceRequests()).toBe(1)
    expect(jest.getTimerCount()).toBe(0)

    page.onShow()
    await flush()
    expect(attendanceRequests()).toBe(2)
    await nextRefresh()
    expect(attendanceRequests()).toBe(3)

    page.onUnload()
    await jest.advanceTimersByTimeAsync(60000)
    expect(attendanceRequests()).toBe(3)
    expect(jest.getTimerCount()).toBe(0)
  })

  test('an answer arriving after the page was hidden schedules nothing', async () => {
    fake.route('GET /meetings/7/attendance', [Object.assign(attendance(), { delay: 1000 })])
    const page = loadPage('pages/meetings/live/index')
    page.onLoad({ id: '7' })
    page.onShow()
    await flush()
    expect(attendanceRequests()).toBe(1)

    page.onHide()
    await jest.advanceTimersByTimeAsync(1000)
    await flush()
    expect(page.data.loaded).toBe(true)

    await jest.advanceTimersByTimeAsync(60000)
    expect(attendanceRequests()).toBe(1)
  })

  test('showing twice in a row runs one chain, not two', async () => {
    const page = await shownPage()

    page.onShow()
    await flush()
    await nextRefresh()

    expect(attendanceRequests()).toBe(3)
    page.onUnload()
  })

  test('a failed refresh keeps the list, says so, and tries again', async () => {
    const page = await shownPage([attendance(), { networkFailure: true }, attendance()])

    await nextRefresh()
    expect(page.data).toMatchObject({ stale: true, loadError: '' })
    expect(page.data.groups).toHaveLength(4)
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    await nextRefresh()
    expect(page.data.stale).toBe(false)
    page.onUnload()
  })

  test('a first load that fails shows the message and keeps trying; retry asks at once', async () => {
    const page = await shownPage([{ networkFailure: true }, { networkFailure: true }, attendance()])
    expect(page.data).toMatchObject({ loaded: true, loadError: '网络连接失败，请稍后重试' })

    page.retry()
    await flush()
    expect(attendanceRequests()).toBe(2)

    await nextRefresh()
    expect(page.data.loadError).toBe('')
    expect(page.data.groups).toHaveLength(4)
    page.onUnload()
  })

  test.each([
    [fixtures.apiError(404, 'not_found', '会议不存在'), '会议不存在'],
    [fixtures.apiError(403, 'forbidden', '没有权限'), '没有权限'],
  ])('an error asking again will not fix stops the timer (%#)', async (reply, message) => {
    const page = await shownPage([attendance(), reply])

    await nextRefresh()
    expect(page.data.loadError).toBe(message)

    await jest.advanceTimersByTimeAsync(60000)
    expect(attendanceRequests()).toBe(2)
  })

  test('a lost session goes to the login page and stops', async () => {
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])
    await shownPage([fixtures.apiError(401, 'token_expired', '登录已过期')])

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
    await jest.advanceTimersByTimeAsync(60000)
    expect(jest.getTimerCount()).toBe(0)
  })
})

describe('撤销', () => {
  async function revokePanel() {
    const page = await shownPage()
    page.onHide() // the timer plays no part here
    page.openRevoke(tapEvent({ personId: 21 }))
    return page
  }

  test('opens the panel for a person with a check-in only', async () => {
    const page = await revokePanel()
    expect(page.data.panel).toMatchObject({ mode: 'revoke', personId: 21, checkinId: 521, name: '张三', reason: '' })

    page.closePanel()
    page.openRevoke(tapEvent({ personId: 23 }))
    expect(page.data.panel).toBeNull()
  })

  test('a reason is required', async () => {
    const page = await revokePanel()
    page.onPanelReasonInput(inputEvent(' '))

    await page.submitPanel()

    expect(page.data.panel.error).toBe('请填写撤销原因')
    expect(fake.wx.showModal).not.toHaveBeenCalled()
  })

  test('asks, revokes with the reason, and refreshes the list', async () => {
    fake.route('POST /meetings/7/checkins/521/revoke', [{ status: 200, body: fixtures.attendanceEntry(21, '张三', 'not_checked_in') }])
    const page = await revokePanel()
    page.onPanelReasonInput(inputEvent(' 他人代签 '))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '撤销签到', content: '确定撤销张三的签到吗？撤销后将记为未签到。' })
    )
    expect(fake.requestsTo('POST /meetings/7/checkins/521/revoke').map((call) => call.data)).toEqual([{ reason: '他人代签' }])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已撤销', icon: 'success' })
    expect(attendanceRequests()).toBe(2)
    expect(page.data).toMatchObject({ panel: null, busy: false })
  })

  test('取消 in the dialog sends nothing and keeps the panel', async () => {
    fake.answerModal(false)
    const page = await revokePanel()
    page.onPanelReasonInput(inputEvent('代签'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.requestsTo('POST /meetings/7/checkins/521/revoke')).toHaveLength(0)
    expect(page.data.panel).toMatchObject({ reason: '代签' })
    expect(page.data.busy).toBe(false)
  })

  test("409: the server's message, the panel closes and the list is refreshed", async () => {
    fake.route('POST /meetings/7/checkins/521/revoke', [fixtures.apiError(409, 'already_revoked', '该签到已撤销')])
    const page = await revokePanel()
    page.onPanelReasonInput(inputEvent('代签'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '该签到已撤销', icon: 'none', duration: 2000 })
    expect(page.data.panel).toBeNull()
    expect(attendanceRequests()).toBe(2)
  })

  test("a 422 about the reason shows in the panel; a network failure is a toast and keeps it", async () => {
    fake.route('POST /meetings/7/checkins/521/revoke', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', { reason: ['长度不能超过 200'] }),
      { networkFailure: true },
    ])
    const page = await revokePanel()
    page.onPanelReasonInput(inputEvent('代签'))

    let done = page.submitPanel()
    await flush()
    await done
    expect(page.data.panel.error).toBe('长度不能超过 200')
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    page.onPanelReasonInput(inputEvent('代签'))
    done = page.submitPanel()
    await flush()
    await done
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
    expect(page.data.panel).toMatchObject({ reason: '代签', error: '' })
    expect(attendanceRequests()).toBe(1)
  })
})

describe('补签', () => {
  test('for someone without a check-in (or a revoked one), with the reason and 记为迟到', async () => {
    fake.route('POST /meetings/7/attendance/manual', [{ status: 200, body: fixtures.attendanceEntry(24, '赵六', 'late') }])
    const page = await shownPage()
    page.onHide()

    page.openManual(tapEvent({ personId: 21 }))
    expect(page.data.panel).toBeNull()
    page.openManual(tapEvent({ personId: 24 }))
    expect(page.data.panel).toMatchObject({ mode: 'manual', personId: 24, name: '赵六', late: false })

    await page.submitPanel()
    expect(page.data.panel.error).toBe('请填写补签原因')

    page.onPanelReasonInput(inputEvent('手机没电，现场确认'))
    page.togglePanelLate(inputEvent(true))
    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '补签', content: '确定为赵六补签（记为迟到）吗？' }))
    expect(fake.requestsTo('POST /meetings/7/attendance/manual').map((call) => call.data)).toEqual([
      { person_id: 24, reason: '手机没电，现场确认', late: true },
    ])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已补签', icon: 'success' })
    expect(page.data.panel).toBeNull()
    expect(attendanceRequests()).toBe(2)
  })

  test('not late unless switched on', async () => {
    fake.route('POST /meetings/7/attendance/manual', [{ status: 200, body: fixtures.attendanceEntry(23, '王五', 'present') }])
    const page = await shownPage()
    page.onHide()
    page.openManual(tapEvent({ personId: 23 }))
    page.onPanelReasonInput(inputEvent('忘带手机'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.requestsTo('POST /meetings/7/attendance/manual')[0].data).toEqual({ person_id: 23, reason: '忘带手机', late: false })
  })
})

describe('登记请假', () => {
  const ABSENT = fixtures.attendanceEntry(27, '吴十', 'absent', { checkin: null })

  async function leavePanel(personId = 23) {
    const page = await shownPage(attendance(ITEMS.concat([ABSENT])))
    page.onHide() // the timer plays no part here
    page.openLeave(tapEvent({ personId }))
    return page
  }

  // What the list shows after a leave was recorded for 王五: 请假, approved, with the reason.
  function afterLeave(reason) {
    const items = ITEMS.map((item) =>
      item.person_id === 23
        ? fixtures.attendanceEntry(23, '王五', 'on_leave', {
            checkin: null,
            leave: { id: 9, state: 'approved', state_label: '已批准', reason, comment: '书记登记' },
          })
        : item
    )
    return attendance(items, Object.assign({}, COUNTS, { on_leave: 2, not_checked_in: 1 }))
  }

  function leaveRequests() {
    return fake.requestsTo('POST /meetings/7/leave/record')
  }

  test('offered for people not checked in or absent only', async () => {
    const page = await leavePanel(27)
    const offered = (group) => group.items.filter((item) => item.canLeave).map((item) => item.name)
    expect(page.data.groups.map((group) => [group.label, offered(group)])).toEqual([
      ['未签到', ['王五', '赵六']],
      ['缺席', ['吴十']],
      ['迟到', []],
      ['已签到', []],
      ['请假', []],
    ])
    expect(page.data.panel).toMatchObject({
      mode: 'leave',
      personId: 27,
      name: '吴十',
      reason: '',
      title: '登记请假',
      placeholder: '请填写请假原因（必填，将记录在案）',
      submitText: '登记',
    })

    for (const personId of [21, 22, 25, 26]) {
      page.closePanel()
      page.openLeave(tapEvent({ personId }))
      expect(page.data.panel).toBeNull()
    }
    page.openLeave(tapEvent({ personId: 24 })) // a revoked check-in does not count
    expect(page.data.panel).toMatchObject({ mode: 'leave', personId: 24, name: '赵六' })
  })

  test('a reason is required: nothing is asked or sent without one', async () => {
    const page = await leavePanel()
    page.onPanelReasonInput(inputEvent('  '))

    await page.submitPanel()

    expect(page.data.panel.error).toBe('请填写请假原因')
    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(leaveRequests()).toHaveLength(0)

    page.onPanelReasonInput(inputEvent('出'))
    expect(page.data.panel.error).toBe('')
  })

  test('asks, records the trimmed reason, and the refreshed list shows the person on leave with it', async () => {
    fake.route('POST /meetings/7/leave/record', [
      {
        status: 201,
        body: fixtures.leaveRequestBody(9, { person: { id: 23, name: '王五' }, reason: '出差在外', state: 'approved', state_label: '已批准' }),
      },
    ])
    const page = await leavePanel()
    fake.route('GET /meetings/7/attendance', [afterLeave('出差在外')])
    page.onPanelReasonInput(inputEvent('  出差在外 '))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '登记请假', content: '确定为王五登记请假吗？登记后即为已批准的请假。', confirmText: '登记' })
    )
    expect(leaveRequests().map((call) => call.data)).toEqual([{ person_id: 23, reason: '出差在外' }])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已登记请假', icon: 'success' })
    expect(attendanceRequests()).toBe(2)
    expect(page.data).toMatchObject({ panel: null, busy: false })
    const onLeave = page.data.groups.find((group) => group.key === 'on_leave')
    expect(onLeave.items.map((item) => item.name)).toEqual(['王五', '钱七'])
    expect(person(page, '王五')).toMatchObject({ leaveText: '请假（已批准）：出差在外', canLeave: false })
  })

  test('取消 in the dialog sends nothing and keeps the panel', async () => {
    fake.answerModal(false)
    const page = await leavePanel()
    page.onPanelReasonInput(inputEvent('出差'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showModal).toHaveBeenCalledTimes(1)
    expect(leaveRequests()).toHaveLength(0)
    expect(page.data.panel).toMatchObject({ mode: 'leave', reason: '出差' })
    expect(page.data.busy).toBe(false)
    expect(attendanceRequests()).toBe(1)
  })

  test.each([
    [fixtures.apiError(409, 'already_checked_in', '该人员已签到，不能登记请假'), '该人员已签到，不能登记请假'],
    [fixtures.apiError(409, 'meeting_closed', '会议已取消或已归档'), '会议已取消或已归档'],
    [fixtures.apiError(404, 'not_participant', '该人员不在参会名单中'), '该人员不在参会名单中'],
  ])("%#: the server's message, the panel closes and the list is refreshed", async (reply, message) => {
    fake.route('POST /meetings/7/leave/record', [reply])
    const page = await leavePanel()
    page.onPanelReasonInput(inputEvent('出差'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: message, icon: 'none', duration: 2000 })
    expect(page.data).toMatchObject({ panel: null, busy: false })
    expect(attendanceRequests()).toBe(2)
  })

  test.each([
    [fixtures.apiError(403, 'forbidden', '没有权限'), '没有权限'],
    [fixtures.apiError(422, 'validation_error', '输入数据有误', { person_id: ['人员不存在'] }), '输入数据有误'],
    [{ networkFailure: true }, '网络连接失败，请稍后重试'],
  ])("%#: the server's message as a toast; the panel stays with the reason", async (reply, message) => {
    fake.route('POST /meetings/7/leave/record', [reply])
    const page = await leavePanel()
    page.onPanelReasonInput(inputEvent('出差'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: message, icon: 'none' }))
    expect(page.data.panel).toMatchObject({ mode: 'leave', reason: '出差', error: '' })
    expect(page.data.busy).toBe(false)
    expect(attendanceRequests()).toBe(1)
  })

  test('a 422 about the reason shows in the panel', async () => {
    fake.route('POST /meetings/7/leave/record', [fixtures.apiError(422, 'validation_error', '输入数据有误', { reason: ['长度不能超过 200'] })])
    const page = await leavePanel()
    page.onPanelReasonInput(inputEvent('出差'))

    const done = page.submitPanel()
    await flush()
    await done

    expect(page.data.panel).toMatchObject({ mode: 'leave', error: '长度不能超过 200' })
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })
})

test('the chair or recorder (not managers) read only: no 撤销, 补签 or 登记请假', async () => {
  fake.route('GET /meetings/7', [{ status: 200, body: fixtures.adminMeeting(7, { status: 'published', can_manage: false }) }])
  const page = await shownPage()
  page.onHide()

  page.openRevoke(tapEvent({ personId: 21 }))
  page.openManual(tapEvent({ personId: 23 }))
  page.openLeave(tapEvent({ personId: 23 }))

  expect(page.data.canManage).toBe(false)
  expect(page.data.panel).toBeNull()
})

test('the meeting is asked for once, and again with a later refresh when it failed', async () => {
  fake.route('GET /meetings/7', [{ networkFailure: true }, { status: 200, body: fixtures.adminMeeting(7, { status: 'published' }) }])
  const page = await shownPage()
  expect(fake.requestsTo('GET /meetings/7')).toHaveLength(1)
  expect(page.data.canManage).toBe(false)

  await nextRefresh()

  expect(fake.requestsTo('GET /meetings/7')).toHaveLength(2)
  expect(page.data.canManage).toBe(true)
  page.onUnload()
})
