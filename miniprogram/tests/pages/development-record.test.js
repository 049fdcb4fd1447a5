// The pages that show a development record: the applicant's own (pages/development/me), a record
// opened by id (pages/development/detail), and the 我的 page's ways to them.

const { signedInEachTest } = require('../helpers/wx')
const { loadPage, loadPages, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function entry(id, step, name, doneOn, overrides = {}) {
  return Object.assign(
    {
      id,
      step,
      name,
      stage: 'activist',
      round: 1,
      state: 'done',
      state_label: '已完成',
      done_on: doneOn,
      details: {},
      warnings: [],
      recorded_by: '李书记',
      recorded_at: '2025-09-02T02:00:00Z',
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      corrects_id: null,
      correction_reason: null,
      approver: null,
    },
    overrides
  )
}

// 王小明's record: an activist since 2025-10-15, the first assessment done; the assessment due
// again (overdue) and 确定发展对象 open.
function recordBody(overrides = {}) {
  return Object.assign(
    {
      id: 12,
      rules_version: '2014',
      status: 'active',
      status_label: '进行中',
      stage: 'activist',
      stage_label: '入党积极分子的确定和培养教育',
      current_step: 6,
      applied_on: '2025-09-01',
      cohort: '2025-H2',
      probation_end: null,
      extension_months: 0,
      ended_reason: null,
      person: { id: 31, name: '王小明', staff_no: '2023010203', org_id: 3, org_name: '本科生第一党支部', member_type: 'activist', member_type_label: '入党积极分子' },
      // Not in the order they happened: the page sorts them.
      entries: [
        entry(101, 1, '递交入党申请书', '2025-09-01', { stage: 'apply', recorded_by: '王小明' }),
        entry(102, 2, '党组织派人谈话', '2025-09-20', { stage: 'apply', details: { people: { talkers: [{ id: 21, name: '王五' }] } } }),
        entry(103, 3, '推荐和确定入党积极分子', '2025-10-15', {
          approver: 'branch_committee',
          decided_by: '张委员',
          decided_at: '2025-10-16T01:00:00Z',
          decision_comment: '同意列为入党积极分子',
        }),
        entry(106, 6, '培养教育考察', '2026-04-30', { details: { note: '思想汇报按时提交' } }),
        entry(104, 4, '报上级党委备案（入党积极分子）', '2025-11-01', { state: 'superseded', state_label: '已更正' }),
        entry(107, 4, '报上级党委备案（入党积极分子）', '2025-10-30', { corrects_id: 104, correction_reason: '备案日期录入错误' }),
        entry(105, 5, '指定培养联系人', '2025-11-05', {
          details: { people: { contacts: [{ id: 22, name: '赵六' }, { id: 23, name: '钱七' }] } },
          warnings: ['超过期限一个月后补录'],
        }),
      ],
      next: [
        { step: 7, name: '确定发展对象', stage: 'candidate', actor: 'branch', approver: 'branch_committee', recurring: false, earliest: '2026-10-15', deadline: null, deadline_kind: null, open: true, overdue: false },
        { step: 6, name: '培养教育考察', stage: 'activist', actor: 'branch', approver: null, recurring: true, earliest: '2026-04-30', deadline: '2026-10-30', deadline_kind: 'due', open: true, overdue: true },
      ],
      can_manage: false,
    },
    overrides
  )
}

describe('我的入党进程', () => {
  async function openedMe() {
    const page = loadPage('pages/development/me/index')
    await page.onLoad()
    return page
  }

  test('no record: the friendly empty state, no error', async () => {
    fake.route('GET /development/me', [fixtures.apiError(404, 'no_record', '你还没有入党申请记录；递交入党申请书后由党支部登记')])

    const page = await openedMe()

    expect(page.data).toMatchObject({ loading: false, empty: true, record: null, errorMessage: '' })
    expect(page.data.emptyHint).toBe('递交入党申请书后，由党支部登记')
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('another failure is an error with a retry, not the empty state', async () => {
    fake.route('GET /development/me', [{ networkFailure: true }, { status: 200, body: recordBody() }])

    const page = await openedMe()
    expect(page.data).toMatchObject({ empty: false, errorMessage: '网络连接失败，请稍后重试' })

    await page.load()
    expect(page.data.errorMessage).toBe('')
    expect(page.data.record.name).toBe('王小明')
  })

  test('the stage, the step reached and the record’s dates', async () => {
    fake.route('GET /development/me', [{ status: 200, body: recordBody() }])

    const page = await openedMe()

    expect(page.data.record).toMatchObject({
      id: 12,
      stageLabel: '入党积极分子的确定和培养教育',
      statusLabel: '进行中',
      active: true,
      currentText: '第6步 培养教育考察',
      appliedText: '2025年9月1日',
      orgName: '本科生第一党支部',
    })
  })

  test('the timeline: in the order it happened, with states, who recorded and decided, comments, warnings, corrections', async () => {
    fake.route('GET /development/me', [{ status: 200, body: recordBody() }])

    const page = await openedMe()
    const timeline = page.data.record.entries

    expect(timeline.map((item) => `${item.stepText} ${item.doneText} ${item.stateLabel}`)).toEqual([
      '第1步 2025年9月1日 已完成',
      '第2步 2025年9月20日 已完成',
      '第3步 2025年10月15日 已完成',
      '第4步 2025年10月30日 已完成',
      '第4步 2025年11月1日 已更正',
      '第5步 2025年11月5日 已完成',
      '第6步 2026年4月30日 已完成',
    ])
    expect(timeline[1].lines).toEqual(['谈话人：王五'])
    expect(timeline[0].recordedText).toBe('王小明 · 2025年9月2日 10:00')
    expect(timeline[2]).toMatchObject({ decidedText: '张委员 · 2025年10月16日 09:00', decisionComment: '同意列为入党积极分子' })
    expect(timeline[3]).toMatchObject({ correction: true, correctionReason: '备案日期录入错误' })
    expect(timeline[4]).toMatchObject({ state: 'superseded', stateLabel: '已更正', correctedReason: '备案日期录入错误' })
    expect(timeline[5].warnings).toEqual(['超过期限一个月后补录'])
    expect(timeline[5].lines).toEqual(['培养联系人：赵六、钱七'])
  })

  test('what comes next: by step, the earliest date and the deadline, overdue marked', async () => {
    fake.route('GET /development/me', [{ status: 200, body: recordBody() }])

    const page = await openedMe()

    expect(page.data.record.next).toEqual([
      expect.objectContaining({ step: 6, name: '培养教育考察', whenText: '可以办理', deadlineNote: '期限 2026年10月30日', overdue: true, overdueText: '已超期', canRecord: false }),
      expect.objectContaining({ step: 7, name: '确定发展对象', whenText: '可以办理', deadlineNote: '', overdue: false, canRecord: false }),
    ])
  })

  test('a step not open yet says from when', async () => {
    const body = recordBody()
    body.next = [Object.assign({}, body.next[0], { earliest: '2026-12-15', open: false })]
    fake.route('GET /development/me', [{ status: 200, body }])

    const page = await openedMe()

    expect(page.data.record.next[0]).toMatchObject({ whenText: '2026年12月15日 起可以办理', open: false })
  })

  test('the applicant records their own open step (填写入党志愿书) on the step form', async () => {
    const body = recordBody({
      next: [
        { step: 14, name: '填写入党志愿书', stage: 'admission', actor: 'applicant', approver: null, recurring: false, earliest: '2026-11-01', deadline: null, deadline_kind: null, open: true, overdue: false },
        { step: 16, name: '上级党委派人谈话', stage: 'admission', actor: 'superior', approver: null, recurring: false, earliest: '2026-11-01', deadline: null, deadline_kind: null, open: true, overdue: false },
      ],
    })
    fake.route('GET /development/me', [{ status: 200, body }])
    const page = await openedMe()

    expect(page.data.record.next.map((item) => [item.step, item.canRecord])).toEqual([
      [14, true],
      [16, false],
    ])
    page.recordStep(tapEvent({ step: 16 }))
    page.recordStep(tapEvent({ step: 14 }))

    expect(fake.wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/development/step/index?record=12&step=14' }]])
  })

  test('an ended record: its reason, nothing next', async () => {
    fake.route('GET /development/me', [
      { status: 200, body: recordBody({ status: 'stopped', status_label: '已中止', ended_reason: '本人申请撤回', next: [] }) },
    ])

    const page = await openedMe()

    expect(page.data.record).toMatchObject({ active: false, statusLabel: '已中止', endedReason: '本人申请撤回' })
  })

  test('back from recording a step it reloads; otherwise not', async () => {
    fake.route('GET /development/me', [{ status: 200, body: recordBody() }])
    fake.route('POST /development/records/12/entries', [{ status: 201, body: entry(120, 14, '填写入党志愿书', '2026-11-24') }])
    // The step form shares the service module with this page, as in the running app.
    const { pages, modules } = loadPages(['pages/development/me/index'], ['services/development'])
    const page = pages[0]
    await page.onLoad()

    await page.onShow()
    expect(fake.requestsTo('GET /development/me')).toHaveLength(1)

    await modules[0].submitStep(12, { step: 14 })
    await page.onShow()
    expect(fake.requestsTo('GET /development/me')).toHaveLength(2)
  })
})

describe('发展档案', () => {
  async function openedDetail(body) {
    if (body) fake.route('GET /development/records/12', [{ status: 200, body }])
    const page = loadPage('pages/development/detail/index')
    await page.onLoad({ id: '12' })
    return page
  }

  test('the person, the stage and status, the timeline', async () => {
    const page = await openedDetail(recordBody())

    expect(page.data.record).toMatchObject({
      name: '王小明',
      staffNo: '2023010203',
      orgName: '本科生第一党支部',
      memberTypeLabel: '入党积极分子',
      stageLabel: '入党积极分子的确定和培养教育',
      statusLabel: '进行中',
    })
    expect(page.data.record.entries).toHaveLength(7)
  })

  test('without an id: the message, nothing asked', async () => {
    const page = loadPage('pages/development/detail/index')

    await page.onLoad({})

    expect(page.data.errorMessage).toBe('发展档案不存在')
    expect(fake.requests).toHaveLength(0)
  })

  test('a record out of scope is the server’s 404', async () => {
    fake.route('GET /development/records/12', [fixtures.apiError(404, 'not_found', '发展档案不存在')])

    const page = await openedDetail()

    expect(page.data).toMatchObject({ loading: false, record: null, errorMessage: '发展档案不存在' })
  })

  test('a reader who does not manage gets no buttons', async () => {
    const page = await openedDetail(recordBody({ can_manage: false }))

    expect(page.data.record.next.every((item) => !item.canRecord)).toBe(true)
    page.recordStep(tapEvent({ step: 7 }))
    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('a manager records each open next step on the step form', async () => {
    const page = await openedDetail(recordBody({ can_manage: true }))

    expect(page.data.record.next.map((item) => [item.step, item.canRecord])).toEqual([
      [6, true],
      [7, true],
    ])
    page.recordStep(tapEvent({ step: 7 }))

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/step/index?record=12&step=7' })
  })

  test('a step not open yet, or waiting for a decision, is not recorded again; the waiting one opens the approval', async () => {
    const body = recordBody({ can_manage: true })
    body.entries.push(
      entry(130, 7, '确定发展对象', '2026-11-20', { state: 'pending', state_label: '待审批', approver: 'branch_committee', stage: 'candidate' })
    )
    body.next[1] = Object.assign({}, body.next[1], { earliest: '2026-12-01', open: false })
    const page = await openedDetail(body)

    expect(page.data.record.next.map((item) => [item.step, item.canRecord, item.pendingEntryId])).toEqual([
      [6, false, 0],
      [7, false, 130],
    ])
    const pending = page.data.record.entries.find((item) => item.id === 130)
    expect(pending).toMatchObject({ pending: true, canApprove: true, approverLabel: '支部委员会' })

    page.openApproval(tapEvent({ entry: 130 }))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/approve/index?id=130&record=12' })
  })

  test('an ended record offers nothing to record', async () => {
    const page = await openedDetail(recordBody({ can_manage: true, status: 'cancelled', status_label: '已取消预备资格', ended_reason: '支部大会决定' }))

    expect(page.data.record.next.every((item) => !item.canRecord)).toBe(true)
  })

  test('reloads when shown again after a change, and on a pull-down', async () => {
    fake.route('GET /development/records/12', [{ status: 200, body: recordBody() }])
    fake.route('POST /development/entries/55/reject', [{ status: 200, body: {} }])
    const { pages, modules } = loadPages(['pages/development/detail/index'], ['services/development'])
    const page = pages[0]
    await page.onLoad({ id: '12' })

    await page.onShow()
    expect(fake.requestsTo('GET /development/records/12')).toHaveLength(1)

    await modules[0].reject(55, '材料不全')
    await page.onShow()
    expect(fake.requestsTo('GET /development/records/12')).toHaveLength(2)

    await page.onPullDownRefresh()
    expect(fake.requestsTo('GET /development/records/12')).toHaveLength(3)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
  })
})

describe('我的: 发展党员 and 发展党员待办', () => {
  test('发展党员 is there for everyone and opens the applicant’s page', async () => {
    fake.route('GET /me', [fixtures.me({ roles: ['member'] })])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    page.openDevelopment()

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/me/index' })
    expect(page.data.canManageDevelopment).toBe(false)
  })

  test.each([[['member', 'secretary']], [['member', 'committee_admin']]])('roles %p get 发展党员待办', async (roles) => {
    fake.route('GET /me', [fixtures.me({ roles })])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    expect(page.data.canManageDevelopment).toBe(true)
    page.openDevelopmentTodo()

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/todo/index' })
  })

  test.each([[['member']], [['member', 'discipline_inspector']], [[]], [undefined]])('roles %p do not', async (roles) => {
    fake.route('GET /me', [fixtures.me({ roles })])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    expect(page.data.canManageDevelopment).toBe(false)
    page.openDevelopmentTodo()

    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('logging out forgets it', async () => {
    fake.route('GET /me', [fixtures.me({ roles: ['member', 'secretary'] })])
    fake.route('POST /auth/logout', [{ status: 204, body: '' }])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    await page.logout()

    expect(page.data.canManageDevelopment).toBe(false)
  })
})
