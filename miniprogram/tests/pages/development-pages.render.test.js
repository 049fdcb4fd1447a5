/**
 * @jest-environment jsdom
 */
// Renders the real templates of the development pages (pages/development/me, todo, detail, step,
// approve) and the 我的 page's rows to them, compiled by the official wcc through
// miniprogram-simulate, each page adapted to Component() (tests/helpers/render.js). The logic is
// tested in development-*.test.js; here: that what the logic sets is what the member sees. The
// applicant's page shows the timeline and next steps through the templates of the record page.

const { signedInEachTest } = require('../helpers/wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

const render = pageRenderer(['me', 'todo', 'detail', 'step', 'approve'], (name) => `pages/development/${name}/index`)
const renderMine = pageRenderer(['mine'], () => 'pages/me/index')
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

beforeEach(() => {
  fake.wx.navigateBack = jest.fn()
})

function entry(id, step, name, doneOn, overrides = {}) {
  return Object.assign(
    {
      id,
      step,
      name,
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

function recordBody(overrides = {}) {
  return Object.assign(
    {
      id: 12,
      rules_version: '2014',
      status: 'active',
      status_label: '进行中',
      stage: 'activist',
      stage_label: '入党积极分子的确定和培养教育',
      current_step: 4,
      applied_on: '2025-09-01',
      cohort: '2025-H2',
      probation_end: null,
      extension_months: 0,
      ended_reason: null,
      person: { id: 31, name: '王小明', staff_no: '2023010203', org_id: 3, org_name: '本科生第一党支部', member_type: 'activist', member_type_label: '入党积极分子' },
      entries: [
        entry(101, 1, '递交入党申请书', '2025-09-01'),
        entry(102, 2, '党组织派人谈话', '2025-09-20', { details: { people: { talkers: [{ id: 21, name: '王五' }] } } }),
        entry(103, 3, '推荐和确定入党积极分子', '2025-10-15', {
          approver: 'branch_committee',
          decided_by: '张委员',
          decided_at: '2025-10-16T01:00:00Z',
          decision_comment: '同意',
          warnings: ['补录'],
        }),
        entry(104, 4, '报上级党委备案（入党积极分子）', '2025-11-01', { state: 'superseded', state_label: '已更正' }),
        entry(107, 4, '报上级党委备案（入党积极分子）', '2025-10-30', { corrects_id: 104, correction_reason: '备案日期录入错误' }),
      ],
      next: [
        { step: 5, name: '指定培养联系人', actor: 'branch', approver: null, recurring: false, earliest: '2025-10-15', deadline: '2025-11-15', deadline_kind: 'due', open: true, overdue: true },
        { step: 7, name: '确定发展对象', actor: 'branch', approver: 'branch_committee', recurring: false, earliest: '2026-12-15', deadline: null, deadline_kind: null, open: false, overdue: false },
      ],
      can_manage: false,
    },
    overrides
  )
}

describe('我的入党进程', () => {
  test('no record: the friendly empty state', async () => {
    fake.route('GET /development/me', [fixtures.apiError(404, 'no_record', '你还没有入党申请记录')])
    const comp = render('me')

    await comp.instance.load()

    expect(comp.querySelector('.dev-me-empty-title').dom.textContent).toBe('还没有入党申请记录')
    expect(comp.querySelector('.dev-me-empty-hint').dom.textContent).toBe('递交入党申请书后，由党支部登记')
    expect(comp.querySelector('.dev-entry')).toBeFalsy()
    expect(comp.dom.textContent).not.toContain('加载中')
  })

  test('the stage, the next steps (overdue highlighted) and the timeline with states', async () => {
    fake.route('GET /development/me', [{ status: 200, body: recordBody() }])
    const comp = render('me')

    await comp.instance.load()

    expect(comp.querySelector('.dev-me-stage').dom.textContent).toBe('入党积极分子的确定和培养教育')
    expect(comp.querySelector('.dev-current').dom.textContent).toBe('第4步 报上级党委备案（入党积极分子）')
    expect(texts(comp, '.dev-next-name')).toEqual(['指定培养联系人', '确定发展对象'])
    expect(comp.querySelectorAll('.dev-next-overdue')).toHaveLength(1)
    expect(texts(comp, '.dev-overdue-tag')).toEqual(['已超期'])
    expect(texts(comp, '.dev-next-deadline')).toEqual(['期限 2025年11月15日'])
    expect(texts(comp, '.dev-next-when')).toEqual(['可以办理', '2026年12月15日 起可以办理'])
    expect(comp.querySelector('.dev-next-record')).toBeFalsy()

    expect(texts(comp, '.dev-entry-name')).toHaveLength(5)
    expect(texts(comp, '.dev-state')).toEqual(['已完成', '已完成', '已完成', '已完成', '已更正'])
    expect(texts(comp, '.dev-entry-line')).toEqual(['谈话人：王五'])
    expect(texts(comp, '.dev-entry-comment')).toEqual(['意见：同意'])
    expect(texts(comp, '.dev-entry-warning')).toEqual(['补录'])
    expect(texts(comp, '.dev-entry-corrected')).toEqual(['已更正：备案日期录入错误'])
    expect(texts(comp, '.dev-entry-correction')).toEqual(['更正记录，原因：备案日期录入错误'])
    expect(comp.dom.textContent).toContain('审批人：张委员 · 2025年10月16日 09:00')
    expect(comp.querySelector('.dev-entry-approve')).toBeFalsy()
  })
})

describe('发展档案', () => {
  test('a manager: the person, 记录这一步 on open steps, 去审批 on a waiting one', async () => {
    const body = recordBody({ can_manage: true })
    body.entries.push(entry(130, 5, '指定培养联系人', '2026-11-20', { state: 'pending', state_label: '待审批', approver: 'branch_committee' }))
    body.next.push({ step: 6, name: '培养教育考察', actor: 'branch', approver: null, recurring: true, earliest: '2025-10-15', deadline: null, deadline_kind: null, open: true, overdue: false })
    fake.route('GET /development/records/12', [{ status: 200, body }])
    const comp = render('detail')

    await comp.instance.onLoad({ id: '12' })

    expect(comp.querySelector('.dev-name').dom.textContent).toBe('王小明')
    expect(comp.querySelector('.dev-status-tag').dom.textContent).toBe('进行中')
    expect(comp.dom.textContent).toContain('本科生第一党支部')
    expect(texts(comp, '.dev-next-record')).toEqual(['记录这一步'])
    expect(texts(comp, '.dev-next-pending')).toEqual(['已提交，等待审批'])
    expect(texts(comp, '.dev-entry-approve')).toEqual(['去审批'])
    expect(comp.dom.textContent).toContain('等待支部委员会审批')
  })

  test('a reader: no buttons; an ended record: its reason and no next steps', async () => {
    fake.route('GET /development/records/12', [
      { status: 200, body: recordBody() },
      { status: 200, body: recordBody({ status: 'stopped', status_label: '已中止', ended_reason: '本人申请撤回', next: [] }) },
    ])
    const comp = render('detail')

    await comp.instance.onLoad({ id: '12' })
    expect(comp.querySelector('.dev-next-record')).toBeFalsy()
    expect(comp.querySelector('.dev-entry-approve')).toBeFalsy()

    await comp.instance.load()
    expect(comp.querySelector('.dev-ended').dom.textContent).toBe('已中止：本人申请撤回')
    expect(comp.querySelector('.dev-next')).toBeFalsy()
  })
})

describe('发展党员待办', () => {
  function item(recordId, name, step, stepName, bucket, deadline) {
    return { record_id: recordId, person_id: recordId, name, org_id: 3, org_name: '本科生第一党支部', step, step_name: stepName, actor: 'branch', approver: null, recurring: false, earliest: '2026-10-01', deadline, deadline_kind: deadline ? 'due' : null, bucket }
  }

  test('the sections with their counts in the headers; empty ones left out', async () => {
    fake.route('GET /development/todo', [
      {
        status: 200,
        body: {
          on: '2026-11-24',
          counts: { overdue: 2, due_soon: 0, open: 1, approvals: 1 },
          items: [
            item(12, '王小明', 2, '党组织派人谈话', 'overdue', '2026-10-01'),
            item(14, '刘洋', 4, '报上级党委备案（入党积极分子）', 'overdue', '2026-11-01'),
            item(16, '周琳', 7, '确定发展对象', 'open', null),
          ],
          approvals: [
            { entry_id: 55, record_id: 17, person_id: 17, name: '孙悦', org_id: 3, org_name: '本科生第一党支部', step: 3, step_name: '推荐和确定入党积极分子', approver: 'branch_committee', approver_label: '支部委员会', done_on: '2026-11-20', details: {}, warnings: [], recorded_by: '李书记', recorded_at: '2026-11-20T08:00:00Z' },
          ],
        },
      },
    ])
    const comp = render('todo')

    await comp.instance.onLoad()

    expect(texts(comp, '.todo-section-title')).toEqual(['已超期（2）', '可以办理（1）', '待审批（1）'])
    expect(texts(comp, '.todo-name')).toEqual(['王小明', '刘洋', '周琳', '孙悦'])
    expect(texts(comp, '.todo-step')).toEqual(['第2步 党组织派人谈话', '第4步 报上级党委备案（入党积极分子）', '第7步 确定发展对象', '第3步 推荐和确定入党积极分子'])
    expect(texts(comp, '.todo-deadline-overdue')).toEqual(['期限 2026年10月1日', '期限 2026年11月1日'])
    expect(comp.querySelector('.todo-empty')).toBeFalsy()

    comp.querySelector('.todo-approval').dispatchEvent('tap')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/approve/index?id=55&record=17' })
  })

  test('nothing to do says so', async () => {
    fake.route('GET /development/todo', [{ status: 200, body: { on: '2026-11-24', counts: { overdue: 0, due_soon: 0, open: 0, approvals: 0 }, items: [], approvals: [] } }])
    const comp = render('todo')

    await comp.instance.onLoad()

    expect(comp.querySelector('.todo-empty').dom.textContent).toBe('暂无发展党员待办事项')
    expect(comp.querySelector('.todo-section')).toBeFalsy()
  })
})

describe('记录发展步骤', () => {
  const RULES = {
    version: '2014',
    steps: [
      { number: 2, name: '党组织派人谈话', actor: 'branch', approver: null, people: { talkers: { min: 1, max: 3, full_members: true } }, training: null, review: false, vote: false, outcome: false },
      { number: 10, name: '进行政治审查', actor: 'branch', approver: null, people: {}, training: null, review: true, vote: false, outcome: false },
      { number: 11, name: '开展集中培训', actor: 'superior', approver: null, people: {}, training: { days: 3, hours: 24 }, review: false, vote: false, outcome: false },
      { number: 23, name: '支部大会讨论转正', actor: 'branch', approver: 'branch_assembly', approver_label: '支部党员大会', people: {}, training: null, review: false, vote: true, outcome: true },
    ],
    extension: { min_months: 6, max_months: 12, times: 1 },
  }

  async function openedForm(step) {
    fake.route('GET /development/rules', [{ status: 200, body: RULES }])
    fake.route('GET /development/records/12', [{ status: 200, body: recordBody({ can_manage: true }) }])
    const comp = render('step')
    await comp.instance.onLoad({ record: '12', step: String(step) })
    return comp
  }

  test('step 2: the people search, the date, the messages next to their fields', async () => {
    fake.route('GET /people', [{ status: 200, body: { items: [{ id: 21, name: '王五', staff_no: 'T21', org_name: '本科生第一党支部' }], meta: {} } }])
    const comp = await openedForm(2)

    expect(comp.querySelector('.step-name').dom.textContent).toBe('党组织派人谈话')
    expect(comp.querySelector('.step-person').dom.textContent).toContain('王小明')
    expect(comp.querySelector('.step-role-label').dom.textContent).toBe('谈话人')
    expect(comp.querySelector('.step-role-count').dom.textContent).toBe('1至3名，须为正式党员')
    expect(comp.querySelector('.step-date').dom.textContent).toBe('请选择')
    expect(comp.querySelector('.step-vote')).toBeFalsy()
    expect(comp.querySelector('.step-training-days')).toBeFalsy()
    expect(comp.querySelector('.step-submit').dom.textContent).toContain('记录')

    await comp.instance.submit()
    expect(comp.querySelector('.step-error-done-on').dom.textContent).toBe('请选择办理日期')
    expect(comp.querySelector('.step-error-people').dom.textContent).toBe('谈话人须为1至3名（现为0名）')

    comp.instance.onQueryInput({ currentTarget: { dataset: { roleIndex: 0 } }, detail: { value: '王' } })
    await comp.instance.search({ currentTarget: { dataset: { roleIndex: 0 } } })
    expect(texts(comp, '.step-result-name')).toEqual(['王五'])
    comp.instance.addPerson({ currentTarget: { dataset: { roleIndex: 0, index: 0 } } })
    expect(texts(comp, '.step-chip')).toEqual(['王五×'])
    expect(comp.querySelector('.step-error-people')).toBeFalsy()
  })

  test('step 10: the 政审合格 switch; step 11: days and hours', async () => {
    let comp = await openedForm(10)
    expect(comp.querySelector('.step-review')).toBeTruthy()
    expect(comp.querySelector('.step-role')).toBeFalsy()

    comp = await openedForm(11)
    expect(comp.querySelector('.step-training-days')).toBeTruthy()
    expect(comp.querySelector('.step-training-hours')).toBeTruthy()
    expect(comp.dom.textContent).toContain('不少于3天或24学时')
  })

  test('step 23: the five counts, the outcomes, and the months once 延长预备期 is chosen', async () => {
    const comp = await openedForm(23)

    expect(texts(comp, '.step-field .step-label').slice(1, 6)).toEqual(['应到', '实到', '赞成', '反对', '弃权'])
    expect(comp.querySelectorAll('.step-vote')).toHaveLength(5)
    expect(texts(comp, '.step-outcome')).toEqual(['按期转正', '延长预备期', '取消预备资格'])
    expect(comp.querySelector('.step-months')).toBeFalsy()
    expect(comp.querySelector('.step-submit').dom.textContent).toContain('提交审批')
    expect(comp.dom.textContent).toContain('提交后由支部党员大会审批')

    comp.instance.pickOutcome(inputEvent('extend'))
    expect(comp.querySelector('.step-months').dom.textContent).toBe('6个月')
    comp.instance.pickMonths(inputEvent('6'))
    expect(comp.querySelector('.step-months').dom.textContent).toBe('12个月')
  })
})

describe('发展党员审批', () => {
  function entryBody(overrides = {}) {
    return Object.assign(
      entry(55, 15, '支部大会讨论', '2026-11-20', {
        state: 'pending',
        state_label: '待审批',
        approver: 'branch_assembly',
        details: { votes: { should_attend: 30, present: 28, yes: 26, no: 1, abstain: 1 } },
        warnings: ['超过3个月'],
        recorded_at: '2026-11-20T08:00:00Z',
      }),
      {
        record_id: 17,
        person: { id: 117, name: '孙悦', staff_no: '2023010203', org_id: 3, org_name: '本科生第一党支部', member_type: 'candidate', member_type_label: '发展对象' },
        approver_label: '支部党员大会',
        can_decide: true,
      },
      overrides
    )
  }

  function routeEntry(response) {
    fake.route('GET /development/entries/55', [response])
  }

  test('the submission, the comment required, then the outcome', async () => {
    routeEntry({ status: 200, body: entryBody() })
    fake.route('POST /development/entries/55/approve', [{ status: 200, body: { id: 55, state: 'done', state_label: '已完成' } }])
    const comp = render('approve')

    await comp.instance.onLoad({ id: '55' })

    expect(comp.querySelector('.approve-name').dom.textContent).toBe('孙悦')
    expect(comp.querySelector('.approve-org').dom.textContent).toBe('本科生第一党支部')
    expect(comp.querySelector('.approve-step').dom.textContent).toBe('第15步支部大会讨论')
    expect(texts(comp, '.approve-value').slice(0, 3)).toEqual(['支部党员大会', '2026年11月20日', '李书记 · 11月20日 16:00'])
    expect(texts(comp, '.approve-line')).toEqual(['表决：应到 30，实到 28，赞成 26，反对 1，弃权 1'])
    expect(texts(comp, '.approve-warning')).toEqual(['超过3个月'])
    expect(comp.querySelector('.approve-date').dom.textContent).toBe('2026-11-20')
    expect(comp.querySelector('.approve-approve').dom.textContent).toContain('通过')
    expect(comp.querySelector('.approve-reject').dom.textContent).toContain('不通过')
    expect(comp.querySelector('.approve-special-reason')).toBeFalsy()
    expect(comp.querySelector('.approve-blocked')).toBeFalsy()

    await comp.instance.approve()
    expect(comp.querySelector('.approve-error').dom.textContent).toBe('请填写审批意见')

    comp.instance.onCommentInput(inputEvent('同意'))
    await comp.instance.approve()
    expect(comp.querySelector('.approve-decided-text').dom.textContent).toBe('已通过')
    expect(comp.querySelector('.approve-approve')).toBeFalsy()
  })

  test('decided already: what became of it, by whom, the comment; no buttons', async () => {
    routeEntry({
      status: 200,
      body: entryBody({
        state: 'rejected',
        state_label: '未通过',
        decided_by: '张委员',
        decided_at: '2026-11-22T02:00:00Z',
        decision_comment: '票数统计有误',
        can_decide: false,
      }),
    })
    const comp = render('approve')

    await comp.instance.onLoad({ id: '55' })

    expect(comp.querySelector('.approve-name').dom.textContent).toBe('孙悦')
    expect(comp.querySelector('.approve-blocked-text').dom.textContent).toBe('这一步已处理（未通过）')
    expect(comp.querySelector('.approve-blocked-by').dom.textContent).toBe('审批人：张委员 · 11月22日 10:00')
    expect(comp.querySelector('.approve-blocked-comment').dom.textContent).toBe('审批意见：票数统计有误')
    expect(comp.querySelector('.approve-approve')).toBeFalsy()
    expect(comp.querySelector('.approve-reject')).toBeFalsy()
    expect(comp.querySelector('.approve-comment')).toBeFalsy()
  })

  test('pending for a body the caller does not represent: which body; no buttons', async () => {
    routeEntry({ status: 200, body: entryBody({ step: 17, name: '上级党委审批', approver: 'base_committee', approver_label: '基层党委', can_decide: false }) })
    const comp = render('approve')

    await comp.instance.onLoad({ id: '55' })

    expect(comp.querySelector('.approve-blocked-text').dom.textContent).toBe('这一步须由基层党委审批')
    expect(comp.querySelector('.approve-blocked-by')).toBeFalsy()
    expect(comp.querySelector('.approve-blocked-comment')).toBeFalsy()
    expect(comp.querySelector('.approve-approve')).toBeFalsy()
    expect(comp.querySelector('.approve-reject')).toBeFalsy()
  })

  test('404: 记录不存在或无权查看', async () => {
    routeEntry(fixtures.apiError(404, 'not_found', '记录不存在'))
    const comp = render('approve')

    await comp.instance.onLoad({ id: '55', record: '17' })

    expect(comp.querySelector('.approve-gone-title').dom.textContent).toBe('记录不存在或无权查看')
    expect(comp.querySelector('.approve-name')).toBeFalsy()
    expect(comp.querySelector('.approve-approve')).toBeFalsy()
    expect(comp.dom.textContent).not.toContain('加载中')
  })
})

describe('我的', () => {
  test('发展党员 for everyone; 发展党员待办 for those who manage', async () => {
    fake.route('GET /me', [fixtures.me({ roles: ['member', 'secretary'] }), fixtures.me({ roles: ['member'] })])
    const comp = renderMine('mine')

    await comp.instance.load()
    expect(comp.querySelector('.me-development').dom.textContent).toContain('发展党员')
    expect(comp.querySelector('.me-development-todo').dom.textContent).toContain('发展党员待办')

    comp.querySelector('.me-development-todo').dispatchEvent('tap')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/development/todo/index' })

    await comp.instance.load()
    expect(comp.querySelector('.me-development')).toBeTruthy()
    expect(comp.querySelector('.me-development-todo')).toBeFalsy()
  })
})
