// 记录发展步骤 (pages/development/step): the fields each step needs by the rules, the body sent
// for it, the idempotency key kept across retries, and the server's refusals.

const { signedInEachTest } = require('../helpers/wx')
const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

beforeEach(() => {
  fake.wx.navigateBack = jest.fn()
})

function stepRule(number, name, overrides = {}) {
  return Object.assign(
    {
      number,
      stage: 'candidate',
      name,
      actor: 'branch',
      actor_label: '党支部',
      approver: null,
      approver_label: null,
      recurring: false,
      requires: [],
      people: {},
      training: null,
      review: false,
      vote: false,
      outcome: false,
      materials: [],
    },
    overrides
  )
}

const RULES = {
  version: '2014',
  title: '中国共产党发展党员工作细则（2014年）',
  stages: [],
  steps: [
    stepRule(2, '党组织派人谈话', { people: { talkers: { min: 1, max: 3, full_members: true } } }),
    stepRule(9, '确定入党介绍人', { people: { introducers: { min: 2, max: 2, full_members: true } } }),
    stepRule(10, '进行政治审查', { review: true }),
    stepRule(11, '开展集中培训', { actor: 'superior', actor_label: '上级党委', training: { days: 3, hours: 24 } }),
    stepRule(14, '填写入党志愿书', { actor: 'applicant', actor_label: '申请人' }),
    stepRule(15, '支部大会讨论', { approver: 'branch_assembly', approver_label: '支部党员大会', vote: true }),
    stepRule(23, '支部大会讨论转正', { approver: 'branch_assembly', approver_label: '支部党员大会', vote: true, outcome: true }),
  ],
  extension: { min_months: 6, max_months: 12, times: 1 },
}

function recordBody(overrides = {}) {
  return Object.assign(
    {
      id: 12,
      rules_version: '2014',
      status: 'active',
      status_label: '进行中',
      person: { id: 31, name: '王小明', staff_no: '2023010203', org_id: 3, org_name: '本科生第一党支部' },
      entries: [],
      next: [
        { step: 2, name: '党组织派人谈话', actor: 'branch', approver: null, recurring: false, earliest: '2026-09-01', deadline: '2026-10-01', deadline_kind: 'due', open: true, overdue: true },
      ],
      can_manage: true,
    },
    overrides
  )
}

function entryBody(step, state, overrides = {}) {
  return Object.assign(
    { id: 140, step, name: '', round: 1, state, state_label: { done: '已完成', pending: '待审批', rejected: '未通过' }[state], done_on: '2026-11-20', details: {}, warnings: [] },
    overrides
  )
}

function person(id, name) {
  return { id, name, staff_no: `T${id}`, org_name: '本科生第一党支部', member_type: 'full', member_type_label: '正式党员' }
}

async function openedForm(step, record = recordBody()) {
  fake.route('GET /development/rules', [{ status: 200, body: RULES }])
  fake.route('GET /development/records/12', [{ status: 200, body: record }])
  const page = loadPage('pages/development/step/index')
  await page.onLoad({ record: '12', step: String(step) })
  return page
}

function sent() {
  return fake.requestsTo('POST /development/records/12/entries').map((call) => call.data)
}

function routeSubmit(replies) {
  fake.route('POST /development/records/12/entries', replies)
}

describe('the form follows the rules of the step', () => {
  test('step 2: the person, the step, its deadline; one people picker (谈话人 1–3)', async () => {
    const page = await openedForm(2)

    expect(page.data).toMatchObject({
      ready: true,
      step: { number: 2, stepText: '第2步', name: '党组织派人谈话', approverLabel: '' },
      person: { id: 31, name: '王小明', orgName: '本科生第一党支部' },
      today: '2026-11-24',
      hasTraining: false,
      hasReview: false,
      hasVote: false,
      hasOutcome: false,
      rulesNote: '',
    })
    expect(page.data.opening).toMatchObject({ deadlineNote: '期限 2026年10月1日', overdue: true })
    expect(page.data.roles.map((role) => [role.role, role.label, role.countText])).toEqual([['talkers', '谈话人', '1至3名']])
  })

  test.each([
    [10, { hasReview: true }],
    [11, { hasTraining: true, trainingHint: '不少于3天或24学时' }],
    [15, { hasVote: true, hasOutcome: false, step: expect.objectContaining({ approverLabel: '支部党员大会' }) }],
    [23, { hasVote: true, hasOutcome: true, months: [6, 7, 8, 9, 10, 11, 12] }],
    [14, { hasReview: false, hasTraining: false, hasVote: false, hasOutcome: false, roles: [] }],
  ])('step %p', async (step, expected) => {
    const page = await openedForm(step)

    expect(page.data).toMatchObject(expected)
  })

  test('a step the rules do not have', async () => {
    const page = await openedForm(30)

    expect(page.data).toMatchObject({ ready: false, loadError: '没有第30步' })
  })

  test('without a record or a step: nothing asked', async () => {
    const page = loadPage('pages/development/step/index')

    await page.onLoad({ record: '12' })

    expect(page.data.loadError).toBe('缺少发展档案或步骤')
    expect(fake.requests).toHaveLength(0)
  })

  test('a record under other rules than the current ones says so', async () => {
    const page = await openedForm(2, recordBody({ rules_version: '2010' }))

    expect(page.data.rulesNote).toBe('该档案按2010版规则办理，表单按当前规则（2014版）显示，以提交后的校验为准')
  })

  test('a failed load is shown with a retry', async () => {
    fake.route('GET /development/rules', [{ status: 200, body: RULES }])
    fake.route('GET /development/records/12', [{ networkFailure: true }, { status: 200, body: recordBody() }])
    const page = loadPage('pages/development/step/index')

    await page.onLoad({ record: '12', step: '2' })
    expect(page.data).toMatchObject({ ready: false, loadError: '网络连接失败，请稍后重试' })

    await page.load()
    expect(page.data).toMatchObject({ ready: true, loadError: '' })
  })
})

describe('people: a search of full members', () => {
  test('the search asks for full members, leaves the applicant out, and adds a tapped one', async () => {
    fake.route('GET /people', [{ status: 200, body: { items: [person(21, '王五'), person(31, '王小明'), person(22, '王芳')], meta: {} } }])
    const page = await openedForm(2)

    page.onQueryInput(tapEvent({ roleIndex: 0 }, { value: ' 王 ' }))
    await page.search(tapEvent({ roleIndex: 0 }))

    expect(fake.requestsTo('GET /people')[0].data).toEqual({ q: '王', member_type: 'full', status: 'normal', page: 1, per_page: 20 })
    expect(page.data.roles[0].results.map((p) => p.name)).toEqual(['王五', '王芳'])

    page.addPerson(tapEvent({ roleIndex: 0, index: 1 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 1 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 0 }))
    expect(page.data.roles[0].selected.map((p) => p.id)).toEqual([22, 21])

    page.removePerson(tapEvent({ roleIndex: 0, index: 0 }))
    expect(page.data.roles[0].selected.map((p) => p.id)).toEqual([21])
  })

  test('no more than the rules allow', async () => {
    fake.route('GET /people', [{ status: 200, body: { items: [person(21, '王五'), person(22, '王芳'), person(23, '王强')], meta: {} } }])
    const page = await openedForm(9)
    page.onQueryInput(tapEvent({ roleIndex: 0 }, { value: '王' }))
    await page.search(tapEvent({ roleIndex: 0 }))

    page.addPerson(tapEvent({ roleIndex: 0, index: 0 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 1 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 2 }))

    expect(page.data.roles[0].selected.map((p) => p.id)).toEqual([21, 22])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '入党介绍人最多2名', icon: 'none' })
  })

  test('an empty query asks nothing; no one found is said', async () => {
    fake.route('GET /people', [{ status: 200, body: { items: [], meta: {} } }])
    const page = await openedForm(2)

    await page.search(tapEvent({ roleIndex: 0 }))
    expect(fake.requestsTo('GET /people')).toHaveLength(0)

    page.onQueryInput(tapEvent({ roleIndex: 0 }, { value: '不存在' }))
    await page.search(tapEvent({ roleIndex: 0 }))
    expect(page.data.roles[0]).toMatchObject({ searched: true, results: [], searching: false })
  })

  test('too few or too many people are said before sending', async () => {
    const page = await openedForm(9)
    page.pickDate(inputEvent('2026-11-20'))

    await page.submit()

    expect(page.data.fieldErrors.introducers).toBe('入党介绍人须为2名（现为0名）')
    expect(sent()).toEqual([])
  })
})

describe('the body sent for each step', () => {
  test('step 2: the date, the key and the talkers; done → 已记录 and back', async () => {
    fake.route('GET /people', [{ status: 200, body: { items: [person(21, '王五'), person(22, '王芳')], meta: {} } }])
    routeSubmit([{ status: 201, body: entryBody(2, 'done') }])
    const page = await openedForm(2)
    page.pickDate(inputEvent('2026-09-20'))
    page.onQueryInput(tapEvent({ roleIndex: 0 }, { value: '王' }))
    await page.search(tapEvent({ roleIndex: 0 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 0 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 1 }))

    await page.submit()

    expect(sent()).toEqual([{ step: 2, done_on: '2026-09-20', key: expect.any(String), people: { talkers: [21, 22] } }])
    expect(sent()[0].key).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已记录', icon: 'success' })
    expect(fake.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })
    expect(page.data.submitted).toBe(true)
  })

  test('the date is required and cannot be after today', async () => {
    const page = await openedForm(14)

    await page.submit()
    expect(page.data.fieldErrors.doneOn).toBe('请选择办理日期')

    page.pickDate(inputEvent('2026-11-25'))
    expect(page.data.fieldErrors.doneOn).toBe('')
    await page.submit()
    expect(page.data.fieldErrors.doneOn).toBe('日期不能晚于今天')
    expect(sent()).toEqual([])
  })

  test('step 14 of the applicant: the date, a note, a special reason (trimmed; empty ones left out)', async () => {
    routeSubmit([{ status: 201, body: entryBody(14, 'done') }, { status: 201, body: entryBody(14, 'done') }])
    const page = await openedForm(14)
    page.pickDate(inputEvent('2026-11-24'))
    page.onNote(inputEvent('  已交党支部  '))
    page.onSpecialReason(inputEvent('   '))

    await page.submit()

    expect(sent()).toEqual([{ step: 14, done_on: '2026-11-24', key: expect.any(String), note: '已交党支部' }])
  })

  test('step 11: training days and class hours, either one enough to send', async () => {
    routeSubmit([{ status: 201, body: entryBody(11, 'done') }])
    const page = await openedForm(11)
    page.pickDate(inputEvent('2026-11-10'))

    await page.submit()
    expect(page.data.fieldErrors.training).toBe('请填写培训天数或学时')

    page.onTrainingDays(inputEvent('三天'))
    await page.submit()
    expect(page.data.fieldErrors.training).toBe('培训天数和学时应为数字（最多一位小数）')

    page.onTrainingDays(inputEvent('3'))
    page.onTrainingHours(inputEvent('24.5'))
    await page.submit()
    expect(sent()).toEqual([{ step: 11, done_on: '2026-11-10', key: expect.any(String), training: { days: 3, hours: 24.5 } }])
  })

  test('step 11 with hours only', async () => {
    routeSubmit([{ status: 201, body: entryBody(11, 'done') }])
    const page = await openedForm(11)
    page.pickDate(inputEvent('2026-11-10'))
    page.onTrainingHours(inputEvent('30'))

    await page.submit()

    expect(sent()[0].training).toEqual({ hours: 30 })
  })

  test('step 10: the 政审合格 switch', async () => {
    routeSubmit([{ status: 201, body: entryBody(10, 'done') }])
    const page = await openedForm(10)
    page.pickDate(inputEvent('2026-11-10'))
    page.toggleReview(inputEvent(true))

    await page.submit()

    expect(sent()).toEqual([{ step: 10, done_on: '2026-11-10', key: expect.any(String), review_passed: true }])
  })

  test('step 10 left 不合格: sent as it is, and the server’s refusal shown', async () => {
    routeSubmit([fixtures.apiError(422, 'review_failed', '政治审查结论须为合格；不合格的不能发展入党', { review_passed: ['政治审查结论须为合格；不合格的不能发展入党'] })])
    const page = await openedForm(10)
    page.pickDate(inputEvent('2026-11-10'))

    await page.submit()

    expect(sent()).toEqual([{ step: 10, done_on: '2026-11-10', key: expect.any(String), review_passed: false }])
    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '政治审查结论须为合格；不合格的不能发展入党' }))
  })

  test('step 15: the vote; the submission waits for 支部党员大会', async () => {
    routeSubmit([{ status: 201, body: entryBody(15, 'pending') }])
    const page = await openedForm(15)
    page.pickDate(inputEvent('2026-11-20'))
    ;[['should_attend', '30'], ['present', '28'], ['yes', '26'], ['no', '1'], ['abstain', '1']].forEach(([field, value]) =>
      page.onVoteInput(tapEvent({ field }, { value }))
    )
    expect(page.data.passText).toBe('赞成票须达到 16 票（超过应到人数的半数）方为通过')

    await page.submit()

    expect(sent()).toEqual([
      { step: 15, done_on: '2026-11-20', key: expect.any(String), votes: { should_attend: 30, present: 28, yes: 26, no: 1, abstain: 1 } },
    ])
    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已提交，等待支部党员大会审批', icon: 'none', duration: 2000 })
    expect(fake.wx.navigateBack).toHaveBeenCalled()
  })

  test('step 15: every count is required, as a whole number', async () => {
    const page = await openedForm(15)
    page.pickDate(inputEvent('2026-11-20'))
    page.onVoteInput(tapEvent({ field: 'should_attend' }, { value: '30' }))
    page.onVoteInput(tapEvent({ field: 'present' }, { value: '2.5' }))

    await page.submit()

    expect(page.data.fieldErrors.votes).toBe('请填写表决人数（应到、实到、赞成、反对、弃权，均为整数）')
    expect(sent()).toEqual([])
  })

  test('a vote that does not pass is confirmed first, then recorded as 未通过', async () => {
    routeSubmit([
      { status: 201, body: entryBody(15, 'rejected', { decision_comment: '表决未通过：赞成票未超过应到会有表决权党员的半数' }) },
    ])
    const page = await openedForm(15)
    page.pickDate(inputEvent('2026-11-20'))
    ;[['should_attend', '30'], ['present', '20'], ['yes', '15'], ['no', '4'], ['abstain', '1']].forEach(([field, value]) =>
      page.onVoteInput(tapEvent({ field }, { value }))
    )

    fake.answerModal(false)
    await page.submit()
    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '表决未通过' }))
    expect(sent()).toEqual([])
    expect(page.data.submitting).toBe(false)

    fake.answerModal(true)
    await page.submit()
    expect(sent()).toHaveLength(1)
    expect(fake.wx.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '已记录：表决未通过', content: '表决未通过：赞成票未超过应到会有表决权党员的半数' })
    )
    expect(fake.wx.navigateBack).toHaveBeenCalled()
  })

  test('step 23: 延长预备期 with the months picked', async () => {
    routeSubmit([{ status: 201, body: entryBody(23, 'pending') }])
    const page = await openedForm(23)
    page.pickDate(inputEvent('2026-11-20'))
    ;[['should_attend', '30'], ['present', '28'], ['yes', '26'], ['no', '1'], ['abstain', '1']].forEach(([field, value]) =>
      page.onVoteInput(tapEvent({ field }, { value }))
    )

    await page.submit()
    expect(page.data.fieldErrors.outcome).toBe('请选择讨论结果')

    page.pickOutcome(inputEvent('extend'))
    page.pickMonths(inputEvent('2'))
    await page.submit()

    expect(sent()).toEqual([
      {
        step: 23,
        done_on: '2026-11-20',
        key: expect.any(String),
        votes: { should_attend: 30, present: 28, yes: 26, no: 1, abstain: 1 },
        outcome: 'extend',
        extension_months: 8,
      },
    ])
  })

  test.each([['full'], ['cancel']])('step 23: %s sends no months', async (outcome) => {
    routeSubmit([{ status: 201, body: entryBody(23, 'pending') }])
    const page = await openedForm(23)
    page.pickDate(inputEvent('2026-11-20'))
    ;[['should_attend', '30'], ['present', '28'], ['yes', '26'], ['no', '1'], ['abstain', '1']].forEach(([field, value]) =>
      page.onVoteInput(tapEvent({ field }, { value }))
    )
    page.pickOutcome(inputEvent('extend'))
    page.pickMonths(inputEvent('5'))
    page.pickOutcome(inputEvent(outcome))

    await page.submit()

    expect(sent()[0].outcome).toBe(outcome)
    expect(sent()[0]).not.toHaveProperty('extension_months')
  })
})

describe('retries and refusals', () => {
  test('one key per form: a retry after a lost answer sends the same key', async () => {
    routeSubmit([{ networkFailure: true }, { status: 200, body: entryBody(14, 'done') }])
    const page = await openedForm(14)
    page.pickDate(inputEvent('2026-11-24'))

    await page.submit()
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请稍后重试' }))
    expect(page.data).toMatchObject({ submitting: false, submitted: false, doneOn: '2026-11-24' })

    await page.submit()

    const [first, second] = sent()
    expect(second.key).toBe(first.key)
    expect(fake.wx.navigateBack).toHaveBeenCalled()
  })

  test('another form makes another key', async () => {
    const first = await openedForm(14)
    const second = await openedForm(14)

    expect(first.key).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(second.key).not.toBe(first.key)
  })

  test('a 422: the server’s message (the rule and the date) in a dialog, the form kept, the same key next time', async () => {
    const message = '确定发展对象须在确定入党积极分子满一年后（最早 2026-03-01）'
    routeSubmit([fixtures.apiError(422, 'too_early', message, { done_on: [message] }), { status: 201, body: entryBody(2, 'done') }])
    fake.route('GET /people', [{ status: 200, body: { items: [person(21, '王五')], meta: {} } }])
    const page = await openedForm(2)
    page.pickDate(inputEvent('2026-02-20'))
    page.onQueryInput(tapEvent({ roleIndex: 0 }, { value: '王' }))
    await page.search(tapEvent({ roleIndex: 0 }))
    page.addPerson(tapEvent({ roleIndex: 0, index: 0 }))

    await page.submit()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法记录', content: message, showCancel: false }))
    expect(page.data).toMatchObject({ doneOn: '2026-02-20', submitting: false, submitted: false })
    expect(page.data.roles[0].selected.map((p) => p.id)).toEqual([21])
    expect(fake.wx.navigateBack).not.toHaveBeenCalled()

    page.pickDate(inputEvent('2026-03-02'))
    await page.submit()
    const [first, second] = sent()
    expect(second).toMatchObject({ done_on: '2026-03-02', key: first.key })
  })

  test('a malformed request: the first field message with the general one', async () => {
    routeSubmit([fixtures.apiError(422, 'validation_error', '输入数据有误', { votes: { yes: ['必填'] } })])
    const page = await openedForm(14)
    page.pickDate(inputEvent('2026-11-24'))

    await page.submit()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '输入数据有误：必填' }))
  })

  test.each([
    [409, 'step_in_progress', '这一步已有待审批或已完成的记录，请刷新后再试'],
    [403, 'not_manager', '只有党支部或上级党委的负责同志可以记录这一步'],
  ])('a %p %s: the message in a dialog', async (status, code, message) => {
    routeSubmit([fixtures.apiError(status, code, message)])
    const page = await openedForm(14)
    page.pickDate(inputEvent('2026-11-24'))

    await page.submit()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: message }))
    expect(page.data.submitted).toBe(false)
  })

  test('a second tap while sending sends nothing more', async () => {
    routeSubmit([{ status: 201, body: entryBody(14, 'done') }])
    const page = await openedForm(14)
    page.pickDate(inputEvent('2026-11-24'))

    await Promise.all([page.submit(), page.submit()])
    await page.submit()

    expect(sent()).toHaveLength(1)
  })
})
