// How the development pages put the server's bodies into words (utils/development-view.js): pure
// functions, no requests.

const developmentView = require('../../utils/development-view')

describe('how the pages put it', () => {
  test('dates with the year, from the server’s calendar dates', () => {
    expect(developmentView.dateText('2026-03-01')).toBe('2026年3月1日')
    expect(developmentView.dateText('2025-12-31')).toBe('2025年12月31日')
    expect(developmentView.dateText(null)).toBe('')
    expect(developmentView.dateText('2026-03-01T00:00:00Z')).toBe('')
  })

  test('the facts of an entry, one line each', () => {
    expect(
      developmentView.detailLines({
        people: { introducers: [{ id: 1, name: '李四' }, { id: 2, name: '王五' }], talkers: [{ id: 3, name: '赵六' }] },
        training: { days: 3, hours: 24 },
        review_passed: true,
        votes: { should_attend: 30, present: 28, yes: 26, no: 1, abstain: 1 },
        outcome: 'extend',
        extension_months: 6,
        special_reason: '党委会延期',
        note: '材料齐全',
      })
    ).toEqual([
      '谈话人：赵六',
      '入党介绍人：李四、王五',
      '培训：3 天、24 学时',
      '政治审查：合格',
      '表决：应到 30，实到 28，赞成 26，反对 1，弃权 1',
      '讨论结果：延长预备期（6个月）',
      '特殊原因：党委会延期',
      '备注：材料齐全',
    ])
    expect(developmentView.detailLines({ outcome: 'full', review_passed: false, training: { hours: 30 } })).toEqual([
      '培训：30 学时',
      '政治审查：不合格',
      '讨论结果：按期转正',
    ])
    expect(developmentView.detailLines(null)).toEqual([])
  })

  test.each([
    [{ step: 4, name: '报上级党委备案', earliest: '2026-01-10', deadline: '2026-02-10', deadline_kind: 'due', open: true, overdue: false }, { whenText: '可以办理', deadlineNote: '期限 2026年2月10日', overdueText: '' }],
    [{ step: 7, name: '确定发展对象', earliest: '2027-01-10', deadline: null, deadline_kind: null, open: false, overdue: false }, { whenText: '2027年1月10日 起可以办理', deadlineNote: '', overdueText: '' }],
    [{ step: 17, name: '上级党委审批', earliest: '2026-05-01', deadline: '2026-08-01', deadline_kind: 'warn', open: true, overdue: true }, { deadlineNote: '2026年8月1日 之后办理须说明特殊原因', overdueText: '已超期，须说明特殊原因' }],
    [{ step: 17, name: '上级党委审批', earliest: '2026-05-01', deadline: '2026-11-01', deadline_kind: 'hard', open: true, overdue: false }, { deadlineNote: '最迟 2026年11月1日' }],
    [{ step: 2, name: '党组织派人谈话', earliest: '2026-01-01', deadline: '2026-02-01', deadline_kind: 'due', open: true, overdue: true }, { overdue: true, overdueText: '已超期' }],
  ])('an opening: %j', (opening, expected) => {
    expect(developmentView.viewOpening(opening)).toMatchObject(expected)
  })

  describe('an entry on the approval page', () => {
    const NOW = Date.UTC(2026, 10, 24, 12, 30)
    const BODY = {
      id: 55,
      step: 17,
      name: '上级党委审批',
      state: 'pending',
      state_label: '待审批',
      done_on: '2026-11-20',
      details: { note: '材料齐全' },
      warnings: ['超过3个月', ''],
      recorded_by: '李书记',
      recorded_at: '2026-11-20T08:00:00Z',
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      approver: 'base_committee',
      record_id: 17,
      person: { id: 117, name: '孙悦', org_id: 3, org_name: '本科生第一党支部' },
      approver_label: '基层党委（某某大学党委）',
      can_decide: true,
    }

    test('one the caller decides: the applicant, the step, its facts', () => {
      expect(developmentView.viewEntryDetail(BODY, NOW)).toEqual({
        entryId: 55,
        recordId: 17,
        personName: '孙悦',
        orgName: '本科生第一党支部',
        step: 17,
        stepText: '第17步',
        name: '上级党委审批',
        approverLabel: '基层党委（某某大学党委）',
        doneOn: '2026-11-20',
        doneText: '2026年11月20日',
        recordedText: '李书记 · 11月20日 16:00',
        lines: ['备注：材料齐全'],
        warnings: ['超过3个月'],
        state: 'pending',
        stateLabel: '待审批',
        pending: true,
        canDecide: true,
        blockedText: '',
        decidedText: '',
        decisionComment: '',
      })
    })

    test('pending for another body: names it (the rule set’s name when the server sends none)', () => {
      expect(developmentView.viewEntryDetail(Object.assign({}, BODY, { can_decide: false }), NOW).blockedText).toBe('这一步须由基层党委（某某大学党委）审批')
      expect(developmentView.viewEntryDetail(Object.assign({}, BODY, { can_decide: false, approver_label: null }), NOW).blockedText).toBe('这一步须由基层党委审批')
    })

    test('decided already: how, by whom, with what comment', () => {
      const view = developmentView.viewEntryDetail(
        Object.assign({}, BODY, { state: 'done', state_label: '已完成', decided_by: '张委员', decided_at: '2026-11-22T02:00:00Z', decision_comment: '同意', can_decide: false }),
        NOW
      )
      expect(view).toMatchObject({ pending: false, canDecide: false, blockedText: '这一步已处理（已完成）', decidedText: '张委员 · 11月22日 10:00', decisionComment: '同意' })
    })
  })
})
