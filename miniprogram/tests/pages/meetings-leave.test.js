const { loadPage, tapEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing, a week before the meeting.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake } = checkinEachTest(NOW)

beforeEach(() => {
  fake.route('GET /meetings/7', [{ status: 200, body: fixtures.memberMeeting(7, { phase: 'upcoming' }) }])
})

async function openedPage() {
  const page = loadPage('pages/meetings/leave/index')
  await page.onLoad({ id: '7' })
  return page
}

function type(page, value) {
  page.onReasonInput(tapEvent({}, { value }))
}

test('shows which meeting it is for', async () => {
  const page = await openedPage()

  expect(page.data).toMatchObject({ title: '十二月支部党员大会', timeText: '12月1日 19:00–20:30', max: 200 })
})

test('the form works when the meeting does not load', async () => {
  fake.route('GET /meetings/7', [{ networkFailure: true }])
  fake.route('POST /meetings/7/leave', [{ status: 201, body: fixtures.memberLeaveRequest(7) }])
  const page = await openedPage()
  type(page, '出差')

  await page.submit()

  expect(page.data.title).toBe('')
  expect(fake.requestsTo('POST /meetings/7/leave')).toHaveLength(1)
})

test('sends the trimmed reason, then goes back to the meeting', async () => {
  fake.route('POST /meetings/7/leave', [{ status: 201, body: fixtures.memberLeaveRequest(7) }])
  const page = await openedPage()
  type(page, '  赴外地参加学术会议  ')

  expect(page.data.count).toBe(9)
  await page.submit()

  expect(fake.requestsTo('POST /meetings/7/leave')[0].data).toEqual({ reason: '赴外地参加学术会议' })
  expect(global.wx.showToast).toHaveBeenCalledWith({ title: '请假申请已提交', icon: 'success' })
  expect(global.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })
  expect(page.data.submitting).toBe(false)
})

test.each([
  ['', '请填写请假事由'],
  ['   \n ', '请填写请假事由'],
  ['假'.repeat(201), '请假事由不能超过200字'],
])('%j is refused on the phone: %s', async (reason, message) => {
  const page = await openedPage()
  type(page, reason)

  await page.submit()

  expect(page.data.error).toBe(message)
  expect(fake.requestsTo('POST /meetings/7/leave')).toHaveLength(0)
})

test('200 characters are fine, an emoji counting as one', async () => {
  fake.route('POST /meetings/7/leave', [{ status: 201, body: fixtures.memberLeaveRequest(7) }])
  const page = await openedPage()
  type(page, '假'.repeat(199) + '😷')

  expect(page.data.count).toBe(200)
  await page.submit()

  expect(fake.requestsTo('POST /meetings/7/leave')).toHaveLength(1)
})

test.each([
  ['leave_too_late', '会议已开始，不能再请假。如有特殊情况请联系支部书记'],
  ['leave_exists', '你已提交过本次会议的请假申请，请勿重复提交'],
])('%s is explained and the member stays on the form', async (code, message) => {
  fake.route('POST /meetings/7/leave', [fixtures.apiError(409, code, 'server words')])
  const page = await openedPage()
  type(page, '出差')

  await page.submit()

  expect(page.data.error).toBe(message)
  expect(global.wx.navigateBack).not.toHaveBeenCalled()
  expect(page.data.submitting).toBe(false)
})

test("the server's reason field error is shown", async () => {
  fake.route('POST /meetings/7/leave', [
    fixtures.apiError(422, 'validation_error', '填写有误', { reason: ['事由不能包含链接'] }),
  ])
  const page = await openedPage()
  type(page, '出差 http://x')

  await page.submit()

  expect(page.data.error).toBe('事由不能包含链接')
})

test('a network failure says so; typing clears the error', async () => {
  fake.route('POST /meetings/7/leave', [{ networkFailure: true }])
  const page = await openedPage()
  type(page, '出差')

  await page.submit()
  expect(page.data.error).toBe('网络连接失败，请稍后重试')

  type(page, '出差两天')
  expect(page.data.error).toBe('')
})

test('a second tap while sending sends nothing more', async () => {
  fake.route('POST /meetings/7/leave', [{ status: 201, body: fixtures.memberLeaveRequest(7) }])
  const page = await openedPage()
  type(page, '出差')

  await Promise.all([page.submit(), page.submit()])

  expect(fake.requestsTo('POST /meetings/7/leave')).toHaveLength(1)
})
