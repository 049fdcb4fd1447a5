const analytics = require('../../utils/study-analytics')

// 2026-11-24 (a Tuesday) 20:30 in Beijing (12:30 UTC).
const NOW = Date.UTC(2026, 10, 24, 12, 30)

test('the choices: weeks, the people’s periods and sorts', () => {
  expect(analytics.WEEK_OPTIONS.map((option) => option.label)).toEqual(['近4周', '近12周', '近26周'])
  expect(analytics.DEFAULT_WEEKS).toBe(12)
  expect([4, 12, 26, 13, '12', 0].map(analytics.isWeeks)).toEqual([true, true, true, false, false, false])
  expect(analytics.SORTS.map((sort) => `${sort.value} ${sort.label}`)).toEqual(['minutes 学习时长', 'days 学习天数', 'points 积分', 'least 最不活跃'])
  expect(['least', 'minutes', 'name', ''].map(analytics.isSort)).toEqual([true, true, false, false])

  expect(analytics.PEOPLE_PERIODS.map((period) => period.label)).toEqual(['近7天', '近30天'])
  expect(analytics.peopleRange('7', '2026-11-24')).toEqual({ since: '2026-11-18', until: '2026-11-24' })
  expect(analytics.peopleRange('30', '2026-11-24')).toEqual({ since: '2026-10-26', until: '2026-11-24' })
  // 近90天 is the trace's, not offered here.
  expect(analytics.peopleRange('90', '2026-11-24')).toBeNull()
  expect(analytics.peopleRange('7', '')).toBeNull()
})

test('rates as percentages; no rate is —', () => {
  expect([0.625, 0.6, 1, 0, 0.3333].map(analytics.rateText)).toEqual(['62.5%', '60%', '100%', '0%', '33.3%'])
  expect([null, undefined, NaN, '0.5'].map(analytics.rateText)).toEqual(['—', '—', '—', '—'])
  expect([0.625, null, 1.2, -0.1].map(analytics.barWidth)).toEqual([62.5, 0, 100, 0])
})

test('numbers: minutes to one decimal at most, totals to whole minutes', () => {
  expect([12, 12.25, 0.04, null, '7.5'].map(analytics.decimalText)).toEqual(['12', '12.3', '0', '0', '7.5'])
  expect([1234.6, 0.4, null, -3].map(analytics.minutesText)).toEqual(['1235', '0', '0', '0'])
})

test('refreshed_at in Beijing time: the clock today, the date before; none yet', () => {
  expect(analytics.refreshedText('2026-11-24T12:20:00Z', NOW)).toBe('数据更新于 20:20')
  // 23:55 UTC on the 23rd is 07:55 on the 24th in Beijing: today there.
  expect(analytics.refreshedText('2026-11-23T23:55:00+00:00', NOW)).toBe('数据更新于 07:55')
  expect(analytics.refreshedText('2026-11-23T12:50:00Z', NOW)).toBe('数据更新于 11月23日 20:50')
  expect(analytics.refreshedText(null, NOW)).toBe('数据尚未统计')
  expect(analytics.refreshedText('soon', NOW)).toBe('数据尚未统计')
})

function figures(overrides = {}) {
  return Object.assign(
    {
      member_weeks: 40,
      active: 25,
      active_rate: 0.625,
      active_days: 61,
      reading_minutes: 812.4,
      minutes_per_member_week: 20.31,
      materials_studied: 17,
      punch_ins: 48,
      quizzes: 30,
      quiz_accuracy: 0.8,
      points: 210,
    },
    overrides
  )
}

const OVERVIEW = {
  org: { id: 3, name: '本科生第一党支部', type: 'branch' },
  parent: { id: 2, name: '计算机学院党总支' },
  refreshed_at: '2026-11-24T12:20:00Z',
  since: '2026-11-09',
  until: '2026-11-24',
  members: 20,
  today: { day: '2026-11-24', active: 5, reading_minutes: 42.6, punch_ins: 4, quizzes: 3 },
  totals: figures(),
  weeks: [
    Object.assign(figures({ active_rate: 0.5, reading_minutes: 300 }), { week_start: '2026-11-09' }),
    Object.assign(figures({ active_rate: null, reading_minutes: 0, member_weeks: 0 }), { week_start: '2026-11-16' }),
    Object.assign(figures({ active_rate: 0.75, reading_minutes: 212.4 }), { week_start: '2026-11-23' }),
  ],
  orgs: [
    Object.assign(figures({ active_rate: 1, minutes_per_member_week: 30 }), { org_id: 3, org_name: '本科生第一党支部', direct: true, has_children: false, members_now: 2 }),
    Object.assign(figures({ active_rate: 0.4, minutes_per_member_week: 12.25 }), { org_id: 31, org_name: '第一党小组', direct: false, has_children: false, members_now: 18 }),
    Object.assign(figures({ active_rate: 0.5, minutes_per_member_week: 8 }), { org_id: 32, org_name: '第二党小组', direct: false, has_children: true, members_now: 6 }),
  ],
  plans: [
    { id: 8, title: '十一月学习计划', org_name: '计算机学院党总支', deadline: '2026-11-30', overdue: false, people: 20, complete: 12, rate: 0.6 },
    { id: 6, title: '十月学习计划', org_name: '本科生第一党支部', deadline: '2026-11-20', overdue: true, people: 0, complete: 0, rate: null },
  ],
}

describe('viewOverview', () => {
  test('the org, how fresh, today and the totals', () => {
    const view = analytics.viewOverview(OVERVIEW, NOW)

    expect(view).toMatchObject({
      orgId: 3,
      orgName: '本科生第一党支部',
      parent: { id: 2, name: '计算机学院党总支' },
      refreshedText: '数据更新于 20:20',
      rangeText: '11月9日 至 11月24日',
      members: 20,
      today: { active: 5, activeRateText: '25%', readingMinutesText: '43', punchIns: 4, quizzes: 3 },
    })
    expect(view.totals).toEqual({
      activeRateText: '62.5%',
      activeWidth: 62.5,
      active: 25,
      memberWeeks: 40,
      activeDays: 61,
      readingMinutesText: '812',
      minutesPerMemberWeekText: '20.3',
      materialsStudied: 17,
      punchIns: 48,
      quizzes: 30,
      quizAccuracyText: '80%',
      points: 210,
    })
  })

  test('the weeks, oldest first: this one is 本周; a week without members has no rate', () => {
    const view = analytics.viewOverview(OVERVIEW, NOW)

    expect(view.weeks.map((week) => [week.weekStart, week.label, week.current, week.activeRateText, week.activeWidth, week.readingMinutesText])).toEqual([
      ['2026-11-09', '11月9日', false, '50%', 50, '300'],
      ['2026-11-16', '11月16日', false, '—', 0, '0'],
      ['2026-11-23', '本周', true, '75%', 75, '212'],
    ])
  })

  test('the orgs below: 本级直属 first, not to be opened; the plans with their completion', () => {
    const view = analytics.viewOverview(OVERVIEW, NOW)

    expect(view.orgs.map((row) => [row.orgId, row.name, row.orgName, row.direct, row.membersNow, row.activeRateText, row.minutesPerMemberWeekText])).toEqual([
      [3, '本级直属', '本科生第一党支部', true, 2, '100%', '30'],
      [31, '第一党小组', '第一党小组', false, 18, '40%', '12.3'],
      [32, '第二党小组', '第二党小组', false, 6, '50%', '8'],
    ])
    expect(view.plans).toEqual([
      { id: 8, title: '十一月学习计划', orgName: '计算机学院党总支', deadlineText: '11月30日', overdue: false, countText: '12/20 人', rateText: '60%', width: 60 },
      { id: 6, title: '十月学习计划', orgName: '本科生第一党支部', deadlineText: '11月20日', overdue: true, countText: '0/0 人', rateText: '—', width: 0 },
    ])
  })

  test('which orgs open: every org below, with orgs below it (含下级组织) or not; 本级直属 never', () => {
    const view = analytics.viewOverview(OVERVIEW, NOW)

    expect(view.orgs.map((row) => [row.name, row.canOpen, row.hasChildren])).toEqual([
      ['本级直属', false, false],
      ['第一党小组', true, false],
      ['第二党小组', true, true],
    ])
    // A direct row is the org shown, whatever it says of orgs below; a row without the field has none.
    expect(analytics.viewOrgRow({ org_id: 3, direct: true, has_children: true })).toMatchObject({ canOpen: false, hasChildren: false })
    expect(analytics.viewOrgRow({ org_id: 31, org_name: '第一党小组' })).toMatchObject({ canOpen: true, hasChildren: false })
  })

  test('the org above (the way back up): named by the server, or null', () => {
    expect(analytics.viewOverview(OVERVIEW, NOW).parent).toEqual({ id: 2, name: '计算机学院党总支' })
    expect(analytics.viewOverview(Object.assign({}, OVERVIEW, { parent: null }), NOW).parent).toBeNull()
    expect(analytics.viewOverview(Object.assign({}, OVERVIEW, { parent: undefined }), NOW).parent).toBeNull()
  })

  test('an org without members: no rates, today’s share —; a body without parts', () => {
    const empty = Object.assign({}, OVERVIEW, {
      members: 0,
      refreshed_at: null,
      today: { day: '2026-11-24', active: 0, reading_minutes: 0, punch_ins: 0, quizzes: 0 },
      totals: figures({ member_weeks: 0, active: 0, active_rate: null, quiz_accuracy: null, minutes_per_member_week: 0 }),
      orgs: [],
      plans: [],
    })
    const view = analytics.viewOverview(empty, NOW)
    expect(view).toMatchObject({ refreshedText: '数据尚未统计', today: { activeRateText: '—' }, totals: { activeRateText: '—', quizAccuracyText: '—', activeWidth: 0 }, orgs: [], plans: [] })

    expect(analytics.viewOverview(null, NOW)).toMatchObject({ orgName: '', parent: null, members: 0, weeks: [], orgs: [], plans: [], totals: { activeRateText: '—' } })
  })
})

describe('trailOf: the way back up, once the overview of the org shown has answered', () => {
  const COMMITTEE = { id: 1, name: '某某大学党委' }
  const COLLEGE = { id: 2, name: '计算机学院党总支' }
  const BRANCH = { id: 3, name: '本科生第一党支部' }

  function shown(org, parent) {
    return { orgId: org.id, orgName: org.name, parent }
  }

  test('opened directly (?org_id=, the default org): the parent the server names, then the org', () => {
    expect(analytics.trailOf([{ id: 3, name: '' }], shown(BRANCH, COLLEGE))).toEqual([COLLEGE, BRANCH])
    expect(analytics.trailOf([], shown(COLLEGE, COMMITTEE))).toEqual([COMMITTEE, COLLEGE])
  })

  test('without a parent: the org alone, no way up', () => {
    expect(analytics.trailOf([{ id: 1, name: '' }], shown(COMMITTEE, null))).toEqual([COMMITTEE])
    // Crumbs the server no longer vouches for are dropped too.
    expect(analytics.trailOf([COMMITTEE, { id: 2, name: '' }], shown(COLLEGE, null))).toEqual([COLLEGE])
  })

  test('the trail opened down through the parent is kept, the parent as the server names it', () => {
    expect(analytics.trailOf([COMMITTEE, { id: 2, name: '旧名' }, BRANCH], shown(BRANCH, COLLEGE))).toEqual([COMMITTEE, COLLEGE, BRANCH])
    // The same org again (other weeks): the trail as it was.
    expect(analytics.trailOf([COMMITTEE, COLLEGE], shown(COLLEGE, COMMITTEE))).toEqual([COMMITTEE, COLLEGE])
  })

  test('a trail whose crumb before the org is not its parent starts again at the parent', () => {
    expect(analytics.trailOf([COMMITTEE, BRANCH], shown(BRANCH, COLLEGE))).toEqual([COLLEGE, BRANCH])
  })
})

test('a person: keyed by their id; 未学习 when they never studied in the period', () => {
  const item = {
    person_id: 17,
    name: '李四',
    org_name: '第一党小组',
    reading_minutes: 35.55,
    days_studied: 6,
    punch_ins: 4,
    quizzes: 2,
    quiz_accuracy: 0.9,
    materials_studied: 3,
    points: 21,
    last_studied: '2026-11-23',
  }
  expect(analytics.viewPerson(item, NOW)).toEqual({
    id: 17,
    name: '李四',
    orgName: '第一党小组',
    minutesText: '35.6',
    daysStudied: 6,
    points: 21,
    lastText: '11月23日',
    never: false,
  })
  expect(analytics.viewPerson(Object.assign({}, item, { last_studied: '2025-12-30' }), NOW).lastText).toBe('2025年12月30日')
  expect(analytics.viewPerson(Object.assign({}, item, { reading_minutes: 0, days_studied: 0, points: 0, last_studied: null }), NOW)).toMatchObject({
    minutesText: '0',
    daysStudied: 0,
    lastText: '未学习',
    never: true,
  })
})
