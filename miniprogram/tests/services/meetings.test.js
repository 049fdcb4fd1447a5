const { installWx } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

let fake
let meetings

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  meetings = require('../../services/meetings')
})

describe('list', () => {
  test('GET /meetings with page 1 and 20 per page by default, and the bearer token', async () => {
    fake.route('GET /meetings', [fixtures.memberMeetings([fixtures.memberMeetingItem(7)])])

    const body = await meetings.list()

    const [call] = fake.requests
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/meetings')
    expect(call.method).toBe('GET')
    expect(call.data).toEqual({ page: 1, per_page: 20 })
    expect(call.header.Authorization).toBe('Bearer tok-1')
    expect(body.items[0].id).toBe(7)
  })

  test('sends the filters given, booleans as text, and leaves out the empty ones', async () => {
    fake.route('GET /meetings', [fixtures.memberMeetings([])])

    await meetings.list({
      org_id: 3,
      type: 'party_lecture',
      from: '2026-11-01',
      to: '2026-11-30',
      status: 'published',
      mine: true,
      page: 2,
      per_page: 50,
    })
    await meetings.list({ mine: false, type: '', org_id: null, status: undefined })

    expect(fake.requests[0].data).toEqual({
      org_id: 3,
      type: 'party_lecture',
      from: '2026-11-01',
      to: '2026-11-30',
      status: 'published',
      mine: 'true',
      page: 2,
      per_page: 50,
    })
    expect(fake.requests[1].data).toEqual({ mine: 'false', page: 1, per_page: 20 })
  })
})

test('get asks for one meeting by id, escaped', async () => {
  fake.route('GET /meetings/7', [{ status: 200, body: fixtures.memberMeeting(7) }])

  const meeting = await meetings.get(7)

  expect(meeting.my.participant).toBe(true)
  expect(fake.requests[0].key).toBe('GET /meetings/7')

  await meetings.get('7/../8').catch(() => null)
  expect(fake.requests[1].key).toBe('GET /meetings/7%2F..%2F8')
})

describe('check-in and sign-out', () => {
  const body = { token: 'a.b.c', idempotency_key: 'key-12345678' }

  test('checkIn posts the body to /checkins and resolves with the check-in', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody()])

    const checkin = await meetings.checkIn(body)

    expect(fake.requests[0].method).toBe('POST')
    expect(fake.requests[0].data).toEqual(body)
    expect(checkin).toMatchObject({ id: 5, meeting_id: 7, created: true })
  })

  test('signOut posts the same body to /checkins/sign-out', async () => {
    fake.route('POST /checkins/sign-out', [fixtures.checkinBody({ signed_out_at: '2026-12-01T12:31:00+00:00' }, 200)])

    const checkin = await meetings.signOut(body)

    expect(fake.requests[0].key).toBe('POST /checkins/sign-out')
    expect(fake.requests[0].data).toEqual(body)
    expect(checkin.signed_out_at).toBe('2026-12-01T12:31:00+00:00')
  })

  test("a refusal rejects with the server's code", async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'qr_expired', '二维码已过期')])

    await expect(meetings.checkIn(body)).rejects.toMatchObject({ name: 'ApiError', code: 'qr_expired', status: 400 })
  })

  test('a check-in or a sign-out counts as a change; a refusal does not', async () => {
    fake.route('POST /checkins', [fixtures.apiError(409, 'checkin_closed', '签到已结束'), fixtures.checkinBody()])
    fake.route('POST /checkins/sign-out', [fixtures.checkinBody({}, 200)])
    expect(meetings.changeCount()).toBe(0)

    await meetings.checkIn(body).catch(() => null)
    expect(meetings.changeCount()).toBe(0)

    await meetings.checkIn(body)
    await meetings.signOut(body)
    // Read as often as asked: the list and the detail page both see it.
    expect(meetings.changeCount()).toBe(2)
    expect(meetings.changeCount()).toBe(2)
  })
})

describe('leave', () => {
  test('askLeave posts the reason to /meetings/{id}/leave', async () => {
    fake.route('POST /meetings/7/leave', [{ status: 201, body: fixtures.memberLeaveRequest(7) }])

    const leave = await meetings.askLeave(7, '出差')

    expect(fake.requests[0].data).toEqual({ reason: '出差' })
    expect(leave.state).toBe('pending')
    expect(meetings.changeCount()).toBe(1)
  })

  test('askLeave after the start rejects with leave_too_late', async () => {
    fake.route('POST /meetings/7/leave', [fixtures.apiError(409, 'leave_too_late', '会议已开始')])

    await expect(meetings.askLeave(7, '出差')).rejects.toMatchObject({ code: 'leave_too_late', status: 409 })
    expect(meetings.changeCount()).toBe(0)
  })

  test('withdrawLeave deletes /meetings/{id}/leave', async () => {
    fake.route('DELETE /meetings/7/leave', [{ status: 200, body: fixtures.memberLeaveRequest(7, { state: 'withdrawn' }) }])

    const leave = await meetings.withdrawLeave(7)

    expect(fake.requests[0].method).toBe('DELETE')
    expect(leave.state).toBe('withdrawn')
    expect(meetings.changeCount()).toBe(1)
  })
})

test('myAttendance asks GET /me/attendance with the page and the optional dates', async () => {
  fake.route('GET /me/attendance', [fixtures.myAttendance([fixtures.myAttendanceItem(7)], { total: 1, present: 1 })])

  const body = await meetings.myAttendance({ page: 2 })
  await meetings.myAttendance({ from: '2026-01-01', to: '2026-06-30', per_page: 50 })

  expect(fake.requests[0].data).toEqual({ page: 2, per_page: 20 })
  expect(fake.requests[1].data).toEqual({ page: 1, per_page: 50, from: '2026-01-01', to: '2026-06-30' })
  expect(body.summary.present).toBe(1)
})

test('minutes and attachments read /meetings/{id}/minutes and /attachments', async () => {
  fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.memberMinutes(7) }])
  fake.route('GET /meetings/7/attachments', [{ status: 200, body: { items: [{ id: 1, filename: 'a.jpg' }] } }])

  const minutes = await meetings.minutes(7)
  const attachments = await meetings.attachments(7)

  expect(minutes.version).toBe(3)
  expect(attachments.items).toHaveLength(1)
  expect(fake.requests.map((call) => call.key)).toEqual(['GET /meetings/7/minutes', 'GET /meetings/7/attachments'])
})

test('feed reads GET /orgs/{id}/feed a page at a time', async () => {
  fake.route('GET /orgs/3/feed', [fixtures.feedPage([fixtures.feedItem(7, { image_ids: [31, 32] })])])

  const body = await meetings.feed(3)
  await meetings.feed(3, { page: 2, per_page: 10 })

  expect(fake.requests.map((call) => call.data)).toEqual([
    { page: 1, per_page: 20 },
    { page: 2, per_page: 10 },
  ])
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(body.items[0].image_ids).toEqual([31, 32])
})

test('minutes of a meeting without any rejects with no_minutes', async () => {
  fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '暂无会议记录')])

  await expect(meetings.minutes(7)).rejects.toMatchObject({ code: 'no_minutes', status: 404 })
})

test('downloadContent downloads any content path under the API with the bearer token', async () => {
  const controls = installCheckinWx(fake)
  controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/9.docx' }

  await expect(meetings.downloadContent('/development/materials/9/content')).resolves.toBe('wxfile://tmp/9.docx')

  const options = fake.wx.downloadFile.mock.calls[0][0]
  expect(options.url).toBe('http://127.0.0.1:5000/api/v1/development/materials/9/content')
  expect(options.header).toEqual({ Authorization: 'Bearer tok-1' })
})

describe('downloadAttachment', () => {
  test('downloads /attachments/{id}/content with the bearer token', async () => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/9.pdf' }

    await expect(meetings.downloadAttachment(9)).resolves.toBe('wxfile://tmp/9.pdf')

    const options = fake.wx.downloadFile.mock.calls[0][0]
    expect(options.url).toBe('http://127.0.0.1:5000/api/v1/attachments/9/content')
    expect(options.header).toEqual({ Authorization: 'Bearer tok-1' })
  })

  test('an error status rejects with an ApiError, a failed download with a NetworkError', async () => {
    const controls = installCheckinWx(fake)
    controls.state.download = { statusCode: 404 }
    await expect(meetings.downloadAttachment(9)).rejects.toMatchObject({ name: 'ApiError', status: 404 })

    controls.state.download = { fail: true }
    await expect(meetings.downloadAttachment(9)).rejects.toMatchObject({ name: 'NetworkError' })
  })
})

test('the labels cover every code of the contract', () => {
  expect(Object.keys(meetings.TYPE_LABELS)).toEqual([
    'branch_assembly',
    'branch_committee',
    'group_meeting',
    'party_lecture',
    'theme_day',
    'life_meeting',
    'appraisal',
    'other',
  ])
  expect(Object.keys(meetings.PHASE_LABELS).sort()).toEqual(
    ['archived', 'cancelled', 'checkin_open', 'draft', 'ended', 'in_progress', 'upcoming'].sort()
  )
  expect(Object.keys(meetings.ATTENDANCE_LABELS).sort()).toEqual(
    ['absent', 'late', 'not_checked_in', 'on_leave', 'present'].sort()
  )
  expect(meetings.label(meetings.PHASE_LABELS, 'checkin_open')).toBe('签到中')
  expect(meetings.label(meetings.PHASE_LABELS, 'nonsense')).toBe('')
  expect(meetings.label(meetings.LEAVE_STATE_LABELS, 'pending')).toBe('待审批')
})
