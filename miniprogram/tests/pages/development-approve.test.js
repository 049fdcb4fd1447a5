// 发展党员审批 (pages/development/approve): the submission loaded with GET
// /development/entries/{id}, why the caller may not decide it (can_decide false), a required
// comment, 通过 / 不通过, and the server's refusals.

const { signedInEachTest } = require('../helpers/wx')
const { loadPage, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)
let pagesOpen

beforeEach(() => {
  pagesOpen = 2
  fake.wx.navigateBack = jest.fn()
  global.getCurrentPages = jest.fn(() => new Array(pagesOpen).fill({}))
})

afterEach(() => {
  delete global.getCurrentPages
})

// GET /development/entries/{id}: the entry with its record, person, approver_label and can_decide.
function entryBody(overrides = {}) {
  return Object.assign(
    {
      id: 55,
      step: 15,
      name: '支部大会讨论',
      stage: 'candidate',
      round: 1,
      state: 'pending',
      state_label: '待审批',
      done_on: '2026-11-20',
      details: { votes: { should_attend: 30, present: 28, yes: 26, no: 1, abstain: 1 }, note: '会议记录已上传' },
      warnings: [],
      recorded_by: '李书记',
      recorded_at: '2026-11-20T08:00:00Z',
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      corrects_id: null,
      correction_reason: null,
      approver: 'branch_assembly',
      record_id: 17,
      person: { id: 117, name: '孙悦', staff_no: '2023010203', org_id: 3, org_name: '本科生第一党支部', member_type: 'candidate', member_type_label: '发展对象' },
      approver_label: '支部党员大会',
      can_decide: true,
    },
    overrides
  )
}

function decidedEntry(state) {
  return { id: 55, step: 15, state, state_label: state === 'done' ? '已完成' : '未通过' }
}

async function openedPage(query = { id: '55' }, body = entryBody()) {
  fake.route('GET /development/entries/55', [{ status: 200, body }])
  const page = loadPage('pages/development/approve/index')
  await page.onLoad(query)
  return page
}

function calls(path) {
  return fake.requestsTo(`POST /development/entries/55/${path}`).map((call) => call.data)
}

describe('the submission', () => {
  test('loaded with GET /development/entries/{id}: who, which step, its facts', async () => {
    const page = await openedPage({ id: '55', record: '17' })

    expect(fake.requests.map((request) => request.key)).toEqual(['GET /development/entries/55'])
    expect(page.data.entry).toMatchObject({
      entryId: 55,
      recordId: 17,
      personName: '孙悦',
      orgName: '本科生第一党支部',
      stepText: '第15步',
      name: '支部大会讨论',
      approverLabel: '支部党员大会',
      doneText: '2026年11月20日',
      recordedText: '李书记 · 11月20日 16:00',
      lines: ['表决：应到 30，实到 28，赞成 26，反对 1，弃权 1', '备注：会议记录已上传'],
      canDecide: true,
      blockedText: '',
    })
    expect(page.data).toMatchObject({ recordId: '17', doneOn: '2026-11-20', today: '2026-11-24', notFound: false })
  })

  test('decided already: says how, by whom and with what comment; nothing can be sent', async () => {
    const page = await openedPage(
      { id: '55' },
      entryBody({
        state: 'done',
        state_label: '已完成',
        decided_by: '张委员',
        decided_at: '2026-11-22T02:00:00Z',
        decision_comment: '同意',
        can_decide: false,
      })
    )

    expect(page.data.entry).toMatchObject({
      canDecide: false,
      blockedText: '这一步已处理（已完成）',
      decidedText: '张委员 · 11月22日 10:00',
      decisionComment: '同意',
    })

    page.onCommentInput(inputEvent('同意'))
    await page.approve()
    await page.reject()
    expect(calls('approve')).toEqual([])
    expect(calls('reject')).toEqual([])
    expect(fake.wx.showModal).not.toHaveBeenCalled()
  })

  test('pending for a body the caller does not represent: names the body; nothing can be sent', async () => {
    const page = await openedPage(
      { id: '55' },
      entryBody({ step: 17, name: '上级党委审批', approver: 'base_committee', approver_label: '基层党委', warnings: ['超过3个月'], can_decide: false })
    )

    expect(page.data.entry).toMatchObject({
      stepText: '第17步',
      name: '上级党委审批',
      warnings: ['超过3个月'],
      canDecide: false,
      blockedText: '这一步须由基层党委审批',
      decidedText: '',
      decisionComment: '',
    })

    page.onCommentInput(inputEvent('同意'))
    await page.approve()
    expect(calls('approve')).toEqual([])
  })

  test('404: the record does not exist or is not the caller’s to see', async () => {
    fake.route('GET /development/entries/55', [fixtures.apiError(404, 'not_found', '记录不存在')])
    const page = loadPage('pages/development/approve/index')

    await page.onLoad({ id: '55', record: '17' })

    expect(page.data).toMatchObject({ notFound: true, entry: null, loadError: '', notFoundText: '记录不存在或无权查看', recordId: '' })
  })

  test('no id: nothing asked', async () => {
    const page = loadPage('pages/development/approve/index')

    await page.onLoad({})

    expect(page.data.loadError).toBe('缺少审批事项')
    expect(fake.requests).toHaveLength(0)
  })

  test('a failed load is shown with a retry', async () => {
    fake.route('GET /development/entries/55', [{ networkFailure: true }, { status: 200, body: entryBody() }])
    const page = loadPage('pages/development/approve/index')

    await page.onLoad({ id: '55' })
    expect(page.data.loadError).toBe('网络连接失败，请稍后重试')

    await page.load()
    expect(page.data.entry.entryId).toBe(55)
    expect(page.data.loadError).toBe('')
  })

  test('the record opens from the entry’s record_id', async () => {
    const page = await openedPage()

    page.openRecord()

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/detail/index?id=17' })
  })
})

describe('deciding', () => {
  test('a comment is required for 通过 and for 不通过', async () => {
    const page = await openedPage()

    await page.approve()
    expect(page.data.commentError).toBe('请填写审批意见')
    await page.reject()
    expect(page.data.commentError).toBe('请填写不通过的理由，提交人会看到')
    page.onCommentInput(inputEvent('   '))
    await page.approve()

    expect(calls('approve')).toEqual([])
    expect(calls('reject')).toEqual([])
    expect(fake.wx.showModal).not.toHaveBeenCalled()
  })

  test('通过: confirmed, then the comment sent (the date left to the server)', async () => {
    fake.route('POST /development/entries/55/approve', [{ status: 200, body: decidedEntry('done') }])
    const page = await openedPage()
    page.onCommentInput(inputEvent('  同意接收为预备党员  '))

    await page.approve()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '审批通过', content: '确定通过孙悦的「第15步 支部大会讨论」吗？' }))
    expect(calls('approve')).toEqual([{ comment: '同意接收为预备党员' }])
    expect(page.data.decided).toMatchObject({ approved: true, text: '已通过' })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已通过', icon: 'success' })
  })

  test('通过 on another date than the one submitted sends it', async () => {
    fake.route('POST /development/entries/55/approve', [{ status: 200, body: decidedEntry('done') }])
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意'))
    page.pickDate(inputEvent('2026-11-22'))

    await page.approve()

    expect(calls('approve')).toEqual([{ comment: '同意', done_on: '2026-11-22' }])
  })

  test('不通过: confirmed, then the comment sent', async () => {
    fake.route('POST /development/entries/55/reject', [{ status: 200, body: decidedEntry('rejected') }])
    const page = await openedPage()
    page.onCommentInput(inputEvent('票数统计有误，请重新提交'))

    await page.reject()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '审批不通过', confirmText: '不通过' }))
    expect(calls('reject')).toEqual([{ comment: '票数统计有误，请重新提交' }])
    expect(page.data.decided).toMatchObject({ approved: false, text: '已退回（未通过）' })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已退回（未通过）', icon: 'none' })
  })

  test('cancelled in the dialog: nothing sent', async () => {
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意'))
    fake.answerModal(false)

    await page.approve()

    expect(calls('approve')).toEqual([])
    expect(page.data).toMatchObject({ busy: '', decided: null })
  })

  test('once decided, nothing more is sent', async () => {
    fake.route('POST /development/entries/55/approve', [{ status: 200, body: decidedEntry('done') }])
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意'))

    await Promise.all([page.approve(), page.approve()])
    await page.reject()

    expect(calls('approve')).toHaveLength(1)
    expect(calls('reject')).toHaveLength(0)
  })

  test('409 already_decided: 已由他人审批, then back', async () => {
    fake.route('POST /development/entries/55/approve', [fixtures.apiError(409, 'already_decided', '这一步刚刚已由他人审批')])
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意'))

    await page.approve()

    expect(fake.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已由他人审批', content: '这一步刚刚已由他人审批' }))
    expect(fake.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })
  })

  test('409 already_decided when opened from a notification (nothing below): to the to-do', async () => {
    pagesOpen = 1
    fake.route('POST /development/entries/55/reject', [fixtures.apiError(409, 'already_decided', '这一步已完成，不能重复审批')])
    const page = await openedPage()
    page.onCommentInput(inputEvent('不同意'))

    await page.reject()

    expect(fake.wx.navigateBack).not.toHaveBeenCalled()
    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/development/todo/index' })
  })

  test('403 body_may_not_approve: the message, the page kept', async () => {
    const message = '党总支无权审批「上级党委审批」，须由基层党委（某某大学党委）审批'
    fake.route('POST /development/entries/55/approve', [fixtures.apiError(403, 'body_may_not_approve', message)])
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意'))

    await page.approve()

    expect(fake.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '无权审批', content: message }))
    expect(page.data).toMatchObject({ comment: '同意', decided: null, busy: '' })
  })

  test('422 special_reason_required: the message, and the special reason asked for and sent next time', async () => {
    const message = '上级党委审批转正须在支部大会讨论后3个月内完成（2026-11-01 前）；超过须说明特殊原因'
    fake.route('POST /development/entries/55/approve', [
      fixtures.apiError(422, 'special_reason_required', message, { special_reason: [message] }),
      { status: 200, body: decidedEntry('done') },
    ])
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意转正'))

    await page.approve()
    expect(fake.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '无法通过', content: message }))
    expect(page.data.showSpecialReason).toBe(true)

    page.onSpecialReason(inputEvent(' 党委会因疫情延期 '))
    await page.approve()

    expect(calls('approve')[1]).toEqual({ comment: '同意转正', special_reason: '党委会因疫情延期' })
    expect(page.data.decided.approved).toBe(true)
  })

  test('a comment the server refuses is shown next to it', async () => {
    fake.route('POST /development/entries/55/reject', [fixtures.apiError(422, 'validation_error', '输入数据有误', { comment: ['长度应在 1 到 500 之间'] })])
    const page = await openedPage()
    page.onCommentInput(inputEvent('不同意'))

    await page.reject()

    expect(page.data.commentError).toBe('长度应在 1 到 500 之间')
  })

  test('a network failure: a toast, the page kept', async () => {
    fake.route('POST /development/entries/55/approve', [{ networkFailure: true }])
    const page = await openedPage()
    page.onCommentInput(inputEvent('同意'))

    await page.approve()

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
    expect(page.data).toMatchObject({ busy: '', decided: null, comment: '同意' })
  })
})
