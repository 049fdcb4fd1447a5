// 发展党员待办 (pages/development/todo): the sections, their counts, and where an item leads.

const { signedInEachTest } = require('../helpers/wx')
const { loadPage, loadPages, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function item(recordId, name, step, stepName, bucket, overrides = {}) {
  return Object.assign(
    {
      record_id: recordId,
      person_id: 100 + recordId,
      name,
      org_id: 3,
      org_name: '本科生第一党支部',
      step,
      step_name: stepName,
      actor: 'branch',
      approver: null,
      recurring: false,
      earliest: '2026-10-01',
      deadline: '2026-11-01',
      deadline_kind: 'due',
      bucket,
    },
    overrides
  )
}

function approval(entryId, recordId, name, overrides = {}) {
  return Object.assign(
    {
      entry_id: entryId,
      record_id: recordId,
      person_id: 100 + recordId,
      name,
      org_id: 3,
      org_name: '本科生第一党支部',
      step: 3,
      step_name: '推荐和确定入党积极分子',
      approver: 'branch_committee',
      approver_label: '支部委员会',
      done_on: '2026-11-20',
      details: {},
      warnings: [],
      recorded_by: '李书记',
      recorded_at: '2026-11-20T08:00:00Z',
    },
    overrides
  )
}

function todoBody() {
  return {
    on: '2026-11-24',
    counts: { overdue: 2, due_soon: 1, open: 1, approvals: 1 },
    items: [
      item(12, '王小明', 2, '党组织派人谈话', 'overdue', { deadline: '2026-10-01' }),
      item(14, '刘洋', 4, '报上级党委备案（入党积极分子）', 'overdue'),
      item(15, '陈晨', 8, '报上级党委备案（发展对象）', 'due_soon', { deadline: '2026-11-28' }),
      item(16, '周琳', 7, '确定发展对象', 'open', { approver: 'branch_committee', deadline: null, deadline_kind: null, earliest: '2026-11-15' }),
    ],
    approvals: [approval(55, 17, '孙悦')],
  }
}

async function openedPage(body = todoBody()) {
  fake.route('GET /development/todo', [{ status: 200, body }])
  const page = loadPage('pages/development/todo/index')
  await page.onLoad()
  return page
}

test('three sections by bucket and the approvals, each with its count', async () => {
  const page = await openedPage()

  expect(fake.requestsTo('GET /development/todo')[0].data).toEqual({})
  expect(page.data.sections.map((section) => [section.title, section.count, section.items.map((i) => i.personName)])).toEqual([
    ['已超期', 2, ['王小明', '刘洋']],
    ['即将到期', 1, ['陈晨']],
    ['可以办理', 1, ['周琳']],
  ])
  expect(page.data.approvalCount).toBe(1)
  expect(page.data.total).toBe(5)
  expect(page.data.onText).toBe('2026年11月24日')
})

test('an item: the step, the org, the deadline or since when it is open', async () => {
  const page = await openedPage()
  const [overdue, dueSoon, open] = page.data.sections

  expect(overdue.items[0]).toMatchObject({ recordId: 12, stepText: '第2步', name: '党组织派人谈话', orgName: '本科生第一党支部', deadlineNote: '期限 2026年10月1日', overdue: true })
  expect(dueSoon.items[0]).toMatchObject({ deadlineNote: '期限 2026年11月28日', overdue: false })
  expect(open.items[0]).toMatchObject({ deadlineNote: '', whenText: '2026年11月15日 起可以办理', approverLabel: '支部委员会' })
})

test('an approval: who, which step, for which body, submitted when and by whom', async () => {
  const page = await openedPage()

  expect(page.data.approvals[0]).toMatchObject({
    entryId: 55,
    recordId: 17,
    personName: '孙悦',
    stepText: '第3步',
    name: '推荐和确定入党积极分子',
    approverLabel: '支部委员会',
    doneText: '2026年11月20日',
    recordedText: '李书记 · 11月20日 16:00',
  })
})

test('the server’s counts head the sections; without them the items are counted', async () => {
  const body = todoBody()
  delete body.counts
  const page = await openedPage(body)

  expect(page.data.sections.map((section) => section.count)).toEqual([2, 1, 1])
  expect(page.data.approvalCount).toBe(1)
})

test('nothing to do: a total of 0', async () => {
  const page = await openedPage({ on: '2026-11-24', counts: { overdue: 0, due_soon: 0, open: 0, approvals: 0 }, items: [], approvals: [] })

  expect(page.data).toMatchObject({ loaded: true, total: 0, approvals: [] })
})

test('an item opens the record; an approval the approval page', async () => {
  const page = await openedPage()

  page.openRecord(tapEvent({ record: 12 }))
  page.openApproval(tapEvent({ entry: 55, record: 17 }))

  expect(fake.wx.navigateTo.mock.calls).toEqual([
    [{ url: '/pages/development/detail/index?id=12' }],
    [{ url: '/pages/development/approve/index?id=55&record=17' }],
  ])
})

test('a member who manages nothing: the server’s 403 message', async () => {
  fake.route('GET /development/todo', [fixtures.apiError(403, 'forbidden', '当前角色无权查看发展党员待办')])
  const page = loadPage('pages/development/todo/index')

  await page.onLoad()

  expect(page.data).toMatchObject({ loading: false, loaded: false, errorMessage: '当前角色无权查看发展党员待办' })
})

test('reloads when shown after a decision, and on a pull-down', async () => {
  fake.route('GET /development/todo', [{ status: 200, body: todoBody() }])
  fake.route('POST /development/entries/55/approve', [{ status: 200, body: {} }])
  const { pages, modules } = loadPages(['pages/development/todo/index'], ['services/development'])
  const page = pages[0]
  await page.onLoad()

  await page.onShow()
  expect(fake.requestsTo('GET /development/todo')).toHaveLength(1)

  await modules[0].approve(55, { comment: '同意' })
  await page.onShow()
  expect(fake.requestsTo('GET /development/todo')).toHaveLength(2)

  await page.onPullDownRefresh()
  expect(fake.requestsTo('GET /development/todo')).toHaveLength(3)
  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
})
