const { signedInEachTest } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

async function openedPage(query = {}) {
  const page = loadPage('pages/meetings/leave-approvals/index')
  await page.onLoad(query)
  return page
}

function typed(index, value) {
  return tapEvent({ index }, { value })
}

function decisions(id) {
  return fake.requestsTo(`POST /leave-requests/${id}/decision`).map((call) => call.data)
}

describe('the list', () => {
  test('pending requests only, each with the member, meeting, reason and when', async () => {
    fake.route('GET /leave-requests', [
      fixtures.leaveRequestPage([fixtures.leaveRequestBody(5), fixtures.leaveRequestBody(4, { reason: '生病' })]),
    ])

    const page = await openedPage()

    expect(fake.requestsTo('GET /leave-requests').map((call) => call.data)).toEqual([{ page: 1, per_page: 20, state: 'pending' }])
    expect(page.data.items).toHaveLength(2)
    expect(page.data.items[0]).toMatchObject({
      id: 5,
      name: '党员5',
      meetingTitle: '十二月支部党员大会',
      meetingTime: '12月1日 19:00',
      reason: '课程冲突',
      createdText: '30分钟前',
      pending: true,
      resultText: '',
      comment: '',
    })
  })

  test('?meeting_id= narrows it to one meeting', async () => {
    fake.route('GET /leave-requests', [fixtures.leaveRequestPage([])])

    const page = await openedPage({ meeting_id: '7' })

    expect(fake.requestsTo('GET /leave-requests')[0].data).toEqual({ page: 1, per_page: 20, state: 'pending', meeting_id: 7 })
    expect(page.data).toMatchObject({ loaded: true, items: [], loadFailed: false })
  })

  test('page after page as the secretary scrolls', async () => {
    fake.route('GET /leave-requests', [
      fixtures.leaveRequestPage([fixtures.leaveRequestBody(5)], { pages: 2, total: 2 }),
      fixtures.leaveRequestPage([fixtures.leaveRequestBody(4)], { page: 2, pages: 2, total: 2 }),
    ])
    const page = await openedPage({ meeting_id: '7' })

    await page.onReachBottom()
    await page.onReachBottom()

    expect(fake.requestsTo('GET /leave-requests').map((call) => call.data.page)).toEqual([1, 2])
    expect(fake.requestsTo('GET /leave-requests')[1].data.meeting_id).toBe(7)
    expect(page.data.items.map((item) => item.id)).toEqual([5, 4])
  })

  test('a failed load is shown with a retry', async () => {
    fake.route('GET /leave-requests', [{ networkFailure: true }, fixtures.leaveRequestPage([fixtures.leaveRequestBody(5)])])

    const page = await openedPage()
    expect(page.data.loadFailed).toBe(true)
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))

    await page.refresh()
    expect(page.data.items).toHaveLength(1)
  })
})

describe('deciding', () => {
  beforeEach(() => {
    fake.route('GET /leave-requests', [
      fixtures.leaveRequestPage([fixtures.leaveRequestBody(5), fixtures.leaveRequestBody(4)]),
    ])
  })

  test('批准 without a comment', async () => {
    fake.route('POST /leave-requests/4/decision', [
      { status: 200, body: fixtures.leaveRequestBody(4, { state: 'approved', state_label: '已批准', decided_by: '书记王' }) },
    ])
    const page = await openedPage()

    await page.approve(tapEvent({ index: 1 }))

    expect(decisions(4)).toEqual([{ approve: true }])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已批准', icon: 'success' })
    expect(page.data.items[1]).toMatchObject({ id: 4, pending: false, state: 'approved', resultText: '已批准（书记王）', deciding: false })
    expect(page.data.items[0].pending).toBe(true)
  })

  test('批准 with a comment, trimmed', async () => {
    fake.route('POST /leave-requests/5/decision', [
      { status: 200, body: fixtures.leaveRequestBody(5, { state: 'approved', state_label: '已批准', comment: '注意补学' }) },
    ])
    const page = await openedPage()

    page.onCommentInput(typed(0, ' 注意补学 '))
    await page.approve(tapEvent({ index: 0 }))

    expect(decisions(5)).toEqual([{ approve: true, comment: '注意补学' }])
    expect(page.data.items[0].resultText).toBe('已批准：注意补学')
  })

  test('驳回 asks for a comment first, and sends it', async () => {
    fake.route('POST /leave-requests/5/decision', [
      { status: 200, body: fixtures.leaveRequestBody(5, { state: 'rejected', state_label: '已驳回', comment: '会议重要，请调课' }) },
    ])
    const page = await openedPage()

    await page.reject(tapEvent({ index: 0 }))
    expect(page.data.items[0].error).toBe('请填写驳回原因，申请人会看到')
    expect(decisions(5)).toEqual([])

    page.onCommentInput(typed(0, '会议重要，请调课'))
    expect(page.data.items[0].error).toBe('')
    await page.reject(tapEvent({ index: 0 }))

    expect(decisions(5)).toEqual([{ approve: false, comment: '会议重要，请调课' }])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已驳回', icon: 'success' })
    expect(page.data.items[0]).toMatchObject({ pending: false, state: 'rejected', resultText: '已驳回：会议重要，请调课' })
  })

  test('a decided request takes no second decision', async () => {
    fake.route('POST /leave-requests/5/decision', [
      { status: 200, body: fixtures.leaveRequestBody(5, { state: 'approved', state_label: '已批准' }) },
    ])
    const page = await openedPage()

    await Promise.all([page.approve(tapEvent({ index: 0 })), page.approve(tapEvent({ index: 0 }))])
    await page.reject(tapEvent({ index: 0 }))

    expect(decisions(5)).toHaveLength(1)
  })

  test('409 already_decided: the message, and the request as it now is', async () => {
    fake.route('POST /leave-requests/5/decision', [fixtures.apiError(409, 'already_decided', '该请假申请已处理')])
    const page = await openedPage()
    fake.route('GET /leave-requests', [
      fixtures.leaveRequestPage([
        fixtures.leaveRequestBody(6),
        fixtures.leaveRequestBody(5, { state: 'rejected', state_label: '已驳回', decided_by: '组织委员', comment: '请参会' }),
      ]),
    ])

    await page.approve(tapEvent({ index: 0 }))

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '该请假申请已处理', icon: 'none', duration: 2000 })
    // The meeting's requests in every state, to find this one.
    expect(fake.requestsTo('GET /leave-requests')[1].data).toEqual({ page: 1, per_page: 100, meeting_id: 7 })
    expect(page.data.items[0]).toMatchObject({ id: 5, pending: false, resultText: '已驳回（组织委员）：请参会', deciding: false })
    expect(page.data.items).toHaveLength(2)
  })

  test('409 for a request that is gone (withdrawn and deleted): it leaves the list', async () => {
    fake.route('POST /leave-requests/5/decision', [fixtures.apiError(409, 'already_decided', '该请假申请已处理')])
    const page = await openedPage()
    fake.route('GET /leave-requests', [fixtures.leaveRequestPage([])])

    await page.approve(tapEvent({ index: 0 }))

    expect(page.data.items.map((item) => item.id)).toEqual([4])
  })

  test("a 422 about the comment goes next to it; other errors are a toast and the buttons come back", async () => {
    fake.route('POST /leave-requests/5/decision', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', { comment: ['长度不能超过 200'] }),
      fixtures.apiError(404, 'not_found', '请假申请不存在'),
    ])
    const page = await openedPage()
    page.onCommentInput(typed(0, '太长'))

    await page.reject(tapEvent({ index: 0 }))
    expect(page.data.items[0]).toMatchObject({ error: '长度不能超过 200', deciding: false, pending: true })
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    await page.reject(tapEvent({ index: 0 }))
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '请假申请不存在', icon: 'none', duration: 2000 })
    expect(page.data.items[0]).toMatchObject({ deciding: false, pending: true })
    expect(fake.requestsTo('GET /leave-requests')).toHaveLength(1)
  })

  test('an answer arriving after a refresh updates the request where it now is', async () => {
    fake.route('POST /leave-requests/4/decision', [
      { status: 200, delay: 50, body: fixtures.leaveRequestBody(4, { state: 'approved', state_label: '已批准' }) },
    ])
    const page = await openedPage()

    const deciding = page.approve(tapEvent({ index: 1 }))
    fake.route('GET /leave-requests', [fixtures.leaveRequestPage([fixtures.leaveRequestBody(4)])])
    await page.refresh()
    await deciding

    expect(page.data.items).toHaveLength(1)
    expect(page.data.items[0]).toMatchObject({ id: 4, state: 'approved' })
  })
})
