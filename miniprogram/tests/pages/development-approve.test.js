// 发展党员审批 (pages/development/approve): the submission found among the caller's approvals (or
// in its record), a required comment, 通过 / 不通过, and the server's refusals.

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

function approval(entryId, overrides = {}) {
  return Object.assign(
    {
      entry_id: entryId,
      record_id: 17,
      person_id: 117,
      name: '孙悦',
      org_id: 3,
      org_name: '本科生第一党支部',
      step: 15,
      step_name: '支部大会讨论',
      approver: 'branch_assembly',
      approver_label: '支部党员大会',
      done_on: '2026-11-20',
      details: { votes: { should_attend: 30, present: 28, yes: 26, no: 1, abstain: 1 }, note: '会议记录已上传' },
      warnings: [],
      recorded_by: '李书记',
      recorded_at: '2026-11-20T08:00:00Z',
    },
    overrides
  )
}

function todoBody(approvals) {
  return { on: '2026-11-24', counts: { overdue: 0, due_soon: 0, open: 0, approvals: approvals.length }, items: [], approvals }
}

function decidedEntry(state) {
  return { id: 55, step: 15, state, state_label: state === 'done' ? '已完成' : '未通过' }
}

async function openedPage(query = { id: '55' }, approvals = [approval(54), approval(55)]) {
  fake.route('GET /development/todo', [{ status: 200, body: todoBody(approvals) }])
  const page = loadPage('pages/development/approve/index')
  await page.onLoad(query)
  return page
}

function calls(path) {
  return fake.requestsTo(`POST /development/entries/55/${path}`).map((call) => call.data)
}

describe('the submission', () => {
  test('found among the caller’s approvals in the to-do: who, which step, its facts', async () => {
    const page = await openedPage()

    expect(page.data.approval).toMatchObject({
      entryId: 55,
      recordId: 17,
      personName: '孙悦',
      stepText: '第15步',
      name: '支部大会讨论',
      approverLabel: '支部党员大会',
      doneText: '2026年11月20日',
      recordedText: '李书记 · 11月20日 16:00',
      lines: ['表决：应到 30，实到 28，赞成 26，反对 1，弃权 1', '备注：会议记录已上传'],
    })
    expect(page.data).toMatchObject({ recordId: '17', doneOn: '2026-11-20', today: '2026-11-24', notFound: false })
  })

  test('not among them and no record known: decided already, or not the caller’s', async () => {
    const page = await openedPage({ id: '55' }, [approval(54)])

    expect(page.data).toMatchObject({ notFound: true, approval: null, goneText: '这项审批已处理，或不需要你审批' })
    expect(fake.requestsTo('GET /development/records/17')).toHaveLength(0)
  })

  test('not among them, record known and the entry decided: says what became of it', async () => {
    fake.route('GET /development/records/17', [
      { status: 200, body: { id: 17, person: { id: 117, name: '孙悦' }, entries: [{ id: 55, step: 15, state: 'done', state_label: '已完成' }] } },
    ])

    const page = await openedPage({ id: '55', record: '17' }, [])

    expect(page.data).toMatchObject({ notFound: true, goneText: '这一步已处理：已完成' })
  })

  test('not among them, record known and still pending: shown, so that deciding brings the server’s reason', async () => {
    fake.route('GET /development/records/17', [
      {
        status: 200,
        body: {
          id: 17,
          person: { id: 117, name: '孙悦', org_id: 3, org_name: '本科生第一党支部' },
          entries: [
            {
              id: 55,
              step: 17,
              name: '上级党委审批',
              state: 'pending',
              state_label: '待审批',
              approver: 'base_committee',
              done_on: '2026-11-20',
              details: {},
              warnings: ['超过3个月'],
              recorded_by: '李书记',
              recorded_at: '2026-11-20T08:00:00Z',
            },
          ],
        },
      },
    ])
    fake.route('POST /development/entries/55/approve', [
      fixtures.apiError(403, 'body_may_not_approve', '党总支无权审批「上级党委审批」，须由基层党委（某某大学党委）审批'),
    ])
    const page = await openedPage({ id: '55', record: '17' }, [])

    expect(page.data.approval).toMatchObject({ stepText: '第17步', name: '上级党委审批', approverLabel: '基层党委', warnings: ['超过3个月'] })

    page.onCommentInput(inputEvent('同意'))
    await page.approve()

    expect(fake.wx.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '无权审批', content: '党总支无权审批「上级党委审批」，须由基层党委（某某大学党委）审批' })
    )
    expect(page.data).toMatchObject({ decided: null, busy: '' })
    expect(fake.wx.navigateBack).not.toHaveBeenCalled()
  })

  test('a failed load is shown with a retry', async () => {
    fake.route('GET /development/todo', [{ networkFailure: true }, { status: 200, body: todoBody([approval(55)]) }])
    const page = loadPage('pages/development/approve/index')

    await page.onLoad({ id: '55' })
    expect(page.data.loadError).toBe('网络连接失败，请稍后重试')

    await page.load()
    expect(page.data.approval.entryId).toBe(55)
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
    expect(page.data.decided).toMatchObject({ approved: false, text: '已退回（不通过）' })
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
