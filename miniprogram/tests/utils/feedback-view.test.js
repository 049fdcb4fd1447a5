// utils/feedback-view.js: the words of the feedback pages — labels, the receipt as typed and as
// shown, deadlines, the submitter's and the handler's views and rows, the orgs a report may name,
// the form's checks (an anonymous case takes no PDF) and the flagged-content message.

const view = require('../../utils/feedback-view')
const fixtures = require('../pages/feedback-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)
const TODAY = '2026-11-24'

describe('labels', () => {
  test('kinds and statuses in Chinese; the server label for one this version does not know', () => {
    expect(view.KINDS.map((kind) => kind.label)).toEqual(['意见建议', '监督举报', '求助'])
    expect(view.kindLabel('report')).toBe('监督举报')
    expect(view.kindLabel('praise', '表扬')).toBe('表扬')
    expect(view.STATUS_TABS.map((tab) => [tab.value, tab.label])).toEqual([
      ['submitted', '待受理'],
      ['accepted', '办理中'],
      ['replied', '已答复'],
      ['closed', '已办结'],
    ])
    expect(view.statusLabel('closed')).toBe('已办结')
    expect(view.statusLabel('archived', '已归档')).toBe('已归档')
    expect(view.statusLabel('archived')).toBe('')
  })

  test('the anonymity explanation names every consequence of docs/feedback.md', () => {
    const text = view.ANONYMOUS_POINTS.join('\n')
    expect(text).toContain('只保留提交的日期')
    expect(text).toContain('凭证码')
    expect(text).toContain('凭证码丢失后，这件反映将无法再查看或跟进')
    expect(text).toContain('意见建议和求助仍会送到你所在的支部')
    expect(text).toContain('监督举报无法单独答复你本人')
  })
})

describe('the receipt', () => {
  test.each([
    ['abcd-efgh-2345-6789', 'ABCDEFGH23456789'],
    [' ABCD EFGH 2345 6789 ', 'ABCDEFGH23456789'],
    ['abcd—efgh–2345－6789', 'ABCDEFGH23456789'],
    ['ＡＢＣＤ-ｅｆｇｈ-２３４５-６７８９', 'ABCDEFGH23456789'],
    ['ab\u3000cd', 'ABCD'],
    ['', ''],
    [null, ''],
  ])('normalised: %p → %p', (typed, normalised) => {
    expect(view.normaliseReceipt(typed)).toBe(normalised)
  })

  test('formatted in four groups of four, or empty when it is not 16 letters and digits', () => {
    expect(view.formatReceipt('abcdefgh23456789')).toBe('ABCD-EFGH-2345-6789')
    expect(view.formatReceipt('ABCD-EFGH-2345-6789')).toBe('ABCD-EFGH-2345-6789')
    expect(view.formatReceipt('ABCD-EFGH-2345-678')).toBe('')
    expect(view.formatReceipt('ABCD-EFGH-2345-67890')).toBe('')
    // A wrong character is refused, not dropped.
    expect(view.formatReceipt('ABCD-EFGH-2345-678*')).toBe('')
    expect(view.formatReceipt('ABCD_EFGH_2345_6789')).toBe('')
  })

  test('why a typed receipt cannot be looked up', () => {
    expect(view.receiptError('  ')).toBe('请输入凭证码')
    expect(view.receiptError('ABCD-1234')).toBe('凭证码应为 16 位字母和数字')
    expect(view.receiptError('abcd efgh 2345 6789')).toBe('')
  })
})

describe('deadlines', () => {
  test.each([
    [{ status: 'submitted', accept_due: '2026-11-27' }, { text: '须于 11月27日 前受理', overdue: false }],
    [{ status: 'submitted', accept_due: '2026-11-25' }, { text: '明天须受理', overdue: false }],
    [{ status: 'submitted', accept_due: '2026-11-24' }, { text: '今天须受理', overdue: false }],
    [{ status: 'submitted', accept_due: '2026-11-22' }, { text: '受理已超期 2 天', overdue: true }],
    [{ status: 'accepted', accept_due: '2026-11-01', reply_due: '2026-12-09' }, { text: '须于 12月9日 前答复', overdue: false }],
    [{ status: 'accepted', reply_due: '2026-11-23' }, { text: '答复已超期 1 天', overdue: true }],
    [{ status: 'accepted', reply_due: '2027-01-09' }, { text: '须于 2027年1月9日 前答复', overdue: false }],
    // The server's word counts when the phone's date disagrees.
    [{ status: 'accepted', reply_due: '2026-11-25', overdue: 'reply' }, { text: '答复已超期', overdue: true }],
    [{ status: 'submitted', accept_due: null, overdue: 'accept' }, { text: '受理已超期', overdue: true }],
    [{ status: 'replied', reply_due: '2026-11-01' }, { text: '', overdue: false }],
    [{ status: 'closed', reply_due: '2026-11-01' }, { text: '', overdue: false }],
    [{ status: 'submitted', review_status: 'pending', accept_due: null }, { text: '', overdue: false }],
    [{ status: 'submitted', accept_due: null }, { text: '', overdue: false }],
  ])('%p → %p', (item, expected) => {
    expect(view.dueInfo(item, TODAY)).toMatchObject(expected)
  })

  test('event times (a handler act) to the minute, in Beijing', () => {
    expect(view.eventTimeText('2026-11-24T02:05:00Z', NOW)).toBe('11月24日 10:05')
  })
})

describe('cases', () => {
  test('the submitter view: labels, days, replies, rating, attachments', () => {
    const body = fixtures.caseBody({
      status: 'replied',
      accepted_on: '2026-11-21',
      replies: [{ content: '已转交学院办理', on: '2026-11-23' }],
      rating: 4,
      rating_comment: '很及时',
      reopened: true,
      reopen_reason: '窗口只增加了一天',
      attachments: [
        { id: 5, name: '附件1.jpg', size: 2048, content_type: 'image/jpeg' },
        { id: 6, name: '情况说明.pdf', size: 3 * 1024 * 1024, content_type: 'application/pdf' },
        { id: 7, name: '', size: 10, content_type: 'image/png' },
      ],
    })
    const item = view.viewCase(body, NOW)
    expect(item).toMatchObject({
      kindLabel: '意见建议',
      statusLabel: '已答复',
      title: '食堂排队时间过长',
      submittedText: '11月20日',
      acceptDueText: '11月23日',
      replyDueText: '12月5日',
      acceptedText: '11月21日',
      closedText: '',
      reviewLabel: '',
      reviewNote: '',
      handlerOrgName: '本科生第一党支部',
      rating: 4,
      ratingComment: '很及时',
      reopened: true,
      reopenReason: '窗口只增加了一天',
    })
    expect(item.replies).toEqual([{ key: 'reply-0', content: '已转交学院办理', dayText: '11月23日' }])
    expect(item.ratingStars.map((star) => star.on)).toEqual([true, true, true, true, false])
    expect(item.attachments).toEqual([
      { id: 5, name: '附件1.jpg', filename: '', sizeText: '2 KB', image: true, pdf: false },
      { id: 6, name: '情况说明.pdf', filename: '', sizeText: '3.0 MB', image: false, pdf: true },
      { id: 7, name: '附件 3', filename: '', sizeText: '10 B', image: true, pdf: false },
    ])
  })

  test('held for review: tagged and explained', () => {
    const pending = view.viewCase(fixtures.caseBody({ review_status: 'pending', accept_due: null, reply_due: null }), NOW)
    expect(pending).toMatchObject({ reviewLabel: '审核中', acceptDueText: '' })
    expect(pending.reviewNote).toContain('审核通过后才会送交办理')
    expect(view.viewCase(fixtures.caseBody({ review_status: 'rejected' }), NOW).reviewLabel).toBe('未通过审核')
  })

  test('attachments may be added while submitted, on the day it was sent, below the limit', () => {
    const today = view.viewCase(fixtures.caseBody({ submitted_on: TODAY }), NOW)
    expect(view.canAddAttachments(today, NOW)).toBe(true)
    expect(view.canAddAttachments(view.viewCase(fixtures.caseBody({ submitted_on: '2026-11-23' }), NOW), NOW)).toBe(false)
    expect(view.canAddAttachments(view.viewCase(fixtures.caseBody({ submitted_on: TODAY, status: 'accepted' }), NOW), NOW)).toBe(false)
    const full = fixtures.caseBody({
      submitted_on: TODAY,
      attachments: [1, 2, 3].map((id) => ({ id, name: null, size: 1, content_type: 'image/png' })),
    })
    expect(view.canAddAttachments(view.viewCase(full, NOW), NOW)).toBe(false)
  })

  test('the handler view: submitter or 匿名, what may be done, the handlers\' events', () => {
    const named = view.viewHandlerCase(fixtures.handlerCaseBody(), NOW)
    expect(named).toMatchObject({ submitterText: '张三 · 本科生第一党支部', canAccept: true, canReply: false, canClose: false, overdue: '' })
    expect(named.events).toEqual([])

    const anonymous = view.viewHandlerCase(
      fixtures.handlerCaseBody({
        anonymous: true,
        submitter: null,
        status: 'accepted',
        overdue: 'reply',
        events: [
          { action: 'accept', at: '2026-11-21T01:00:00Z', by: '李书记' },
          { action: 'reply', at: '2026-11-22T01:30:00Z', by: '李书记' },
          { action: 'close', at: '2026-11-23T02:00:00Z', by: '王委员' },
        ],
      }),
      NOW
    )
    expect(anonymous).toMatchObject({ submitterText: '匿名', canAccept: false, canReply: true, canClose: true, overdue: 'reply' })
    expect(anonymous.due).toMatchObject({ overdue: true })
    expect(anonymous.events).toEqual([
      { key: 'event-0', label: '受理', timeText: '11月21日 09:00', by: '李书记' },
      { key: 'event-1', label: '答复', timeText: '11月22日 09:30', by: '李书记' },
      { key: 'event-2', label: '办结', timeText: '11月23日 10:00', by: '王委员' },
    ])
    expect(view.viewHandlerCase(fixtures.handlerCaseBody({ status: 'closed' }), NOW)).toMatchObject({ canAccept: false, canReply: false, canClose: false })
    // A held case is read by auditors only: nothing to do on it.
    expect(view.viewHandlerCase(fixtures.handlerCaseBody({ review_status: 'pending' }), NOW)).toMatchObject({ canAccept: false, canReply: false })
  })

  test('a row of 我的反映 (a submitter view)', () => {
    expect(view.viewListItem(fixtures.listItem(3, { status: 'submitted', accept_due: '2026-11-22' }), NOW)).toEqual({
      id: 3,
      kind: 'suggestion',
      kindLabel: '意见建议',
      title: '反映 3',
      status: 'submitted',
      statusLabel: '待受理',
      reviewStatus: 'published',
      reviewLabel: '',
      submittedText: '11月20日',
      anonymous: false,
      reopened: false,
      dueText: '受理已超期 2 天',
      overdue: true,
    })
  })

  test('a row of 反映办理 (a handler view): who sent it, 匿名 when anonymous, reopened, overdue by the server', () => {
    const named = view.viewHandlerListItem(fixtures.handlerListItem(3, { status: 'accepted', reopened: true, reply_due: '2026-12-09' }), NOW)
    expect(named).toMatchObject({ id: 3, submitterText: '张三', reopened: true, dueText: '须于 12月9日 前答复', overdue: false })
    const anonymous = view.viewHandlerListItem(fixtures.handlerListItem(4, { anonymous: true, accept_due: '2026-11-25', overdue: 'accept' }), NOW)
    expect(anonymous).toMatchObject({ submitterText: '匿名', anonymous: true, dueText: '受理已超期', overdue: true })
  })
})

describe('the orgs a report may name', () => {
  const items = [
    { id: 1, name: '某某大学党委', parent_id: null, type: 'committee' },
    { id: 2, name: '计算机学院党总支', parent_id: 1, type: 'general_branch' },
    { id: 4, name: '研究生党支部', parent_id: 2, type: 'branch' },
    { id: 3, name: '本科生第一党支部', parent_id: 2, type: 'branch' },
    { id: 5, name: '机关党总支', parent_id: 1, type: 'general_branch' },
    { id: 6, name: '第一党小组', parent_id: 3, type: 'group' },
  ]

  test('in tree order, labelled with their path below the one top org', () => {
    expect(view.orgOptions(items).map((option) => [option.id, option.label, option.depth])).toEqual([
      [1, '某某大学党委', 0],
      [2, '计算机学院党总支', 1],
      [4, '计算机学院党总支 / 研究生党支部', 2],
      [3, '计算机学院党总支 / 本科生第一党支部', 2],
      [6, '计算机学院党总支 / 本科生第一党支部 / 第一党小组', 3],
      [5, '机关党总支', 1],
    ])
  })

  test('several top orgs keep their names; an unknown parent makes a top org; a loop is cut', () => {
    const options = view.orgOptions([
      { id: 1, name: '甲党委', parent_id: null },
      { id: 2, name: '乙党委', parent_id: 99 },
      { id: 3, name: '甲支部', parent_id: 1 },
      { id: 7, name: '环一', parent_id: 8 },
      { id: 8, name: '环二', parent_id: 7 },
      { id: 'x', name: '坏数据' },
    ])
    expect(options.map((option) => option.label)).toEqual(['甲党委', '甲党委 / 甲支部', '乙党委'])
  })

  test('filtered by what is typed, spaces and case ignored', () => {
    const options = view.orgOptions(items)
    expect(view.filterOrgOptions(options, '计算机 学院').map((option) => option.id)).toEqual([2, 4, 3, 6])
    expect(view.filterOrgOptions(options, '党小组').map((option) => option.id)).toEqual([6])
    expect(view.filterOrgOptions(options, '')).toHaveLength(6)
    expect(view.filterOrgOptions(options, '物理')).toEqual([])
  })
})

describe('the form', () => {
  const ok = { kind: 'suggestion', title: '标题', content: '内容', subjectOrgId: 0, subjectName: '' }

  test('a complete suggestion passes', () => {
    expect(view.validateCase(ok)).toEqual({})
  })

  test('kind, title 1–50 and content 1–2000, counted as the server counts', () => {
    expect(view.validateCase({ kind: '', title: '  ', content: '' })).toEqual({
      kind: '请选择反映类型',
      title: '请输入标题',
      content: '请输入内容',
    })
    expect(view.validateCase(Object.assign({}, ok, { title: '字'.repeat(50) }))).toEqual({})
    expect(view.validateCase(Object.assign({}, ok, { title: '字'.repeat(51) }))).toEqual({ title: '标题不能超过 50 个字' })
    // An emoji is one character to the server.
    expect(view.validateCase(Object.assign({}, ok, { title: '😀'.repeat(50) }))).toEqual({})
    expect(view.validateCase(Object.assign({}, ok, { content: '字'.repeat(2001) }))).toEqual({ content: '内容不能超过 2000 个字' })
  })

  test('a report needs its org; the name is optional, at most 50', () => {
    const report = Object.assign({}, ok, { kind: 'report' })
    expect(view.validateCase(report)).toEqual({ subjectOrg: '请选择被反映的组织' })
    expect(view.validateCase(Object.assign({}, report, { subjectOrgId: 3 }))).toEqual({})
    expect(view.validateCase(Object.assign({}, report, { subjectOrgId: 3, subjectName: '名'.repeat(51) }))).toEqual({
      subjectName: '被反映人不能超过 50 个字',
    })
    // Not a report: the org is not asked for.
    expect(view.validateCase(Object.assign({}, ok, { kind: 'help' }))).toEqual({})
  })

  test('an anonymous case takes no PDF (the server would refuse it); photos are fine, and a named case takes both', () => {
    const files = [
      { key: 'f1', image: true, name: '照片 1' },
      { key: 'f2', image: false, name: '说明.pdf' },
    ]
    expect(view.validateCase(Object.assign({}, ok, { anonymous: true, files }))).toEqual({ files: '匿名反映不能附 PDF 文件，请移除 PDF 或改为实名提交' })
    expect(view.validateCase(Object.assign({}, ok, { anonymous: true, files: files.slice(0, 1) }))).toEqual({})
    expect(view.validateCase(Object.assign({}, ok, { anonymous: false, files }))).toEqual({})
    expect(view.filesError(true, [])).toBe('')
    expect(view.ANONYMOUS_FILES_NOTE).toContain('作者姓名')
  })
})

describe('content_flagged', () => {
  test('the server message, which names the words; else the field messages, which do too', () => {
    expect(
      view.flaggedMessage({
        status: 422,
        code: 'content_flagged',
        message: '内容含有不当词语（毒品、赌博），请修改后再提交',
        errors: { comment: ['含有不当词语：毒品、赌博'] },
      })
    ).toBe('内容含有不当词语（毒品、赌博），请修改后再提交')
    expect(view.flaggedMessage({ status: 422, code: 'content_flagged', message: '', errors: { reason: ['含有不当词语：赌博'] } })).toBe('含有不当词语：赌博')
    expect(view.flaggedMessage({ status: 422, code: 'content_flagged', message: '', errors: {} })).toBe('内容包含不宜发布的词语，请修改后再提交')
    expect(view.isFlagged({ status: 422, code: 'content_flagged' })).toBe(true)
    expect(view.isFlagged({ status: 422, code: 'validation_error' })).toBe(false)
  })
})
