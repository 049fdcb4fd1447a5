const trace = require('../../utils/study-trace')

// 2026-11-24 20:30 in Beijing (12:30 UTC).
const NOW = Date.UTC(2026, 10, 24, 12, 30)

test('the periods count back from today, today included', () => {
  expect(trace.periodRange('7', '2026-11-24')).toEqual({ since: '2026-11-18', until: '2026-11-24' })
  expect(trace.periodRange('30', '2026-11-24')).toEqual({ since: '2026-10-26', until: '2026-11-24' })
  expect(trace.periodRange('90', '2026-01-15')).toEqual({ since: '2025-10-18', until: '2026-01-15' })
  expect(trace.periodRange('365', '2026-11-24')).toBeNull()
  expect(trace.periodRange('7', '')).toBeNull()
  expect(trace.PERIODS.map((p) => p.label)).toEqual(['近7天', '近30天', '近90天'])
  expect(trace.DEFAULT_PERIOD).toBe('30')
})

test('rangeError: the server’s checks of a period', () => {
  expect(trace.rangeError('2026-11-24', '2026-11-24')).toBe('')
  expect(trace.rangeError('2025-11-24', '2026-11-24')).toBe('')
  expect(trace.spanDays('2025-11-24', '2026-11-24')).toBe(366)
  expect(trace.rangeError('2025-11-23', '2026-11-24')).toBe('一次最多查看 366 天')
  expect(trace.rangeError('2026-11-25', '2026-11-24')).toBe('开始日期不能晚于结束日期')
  expect(trace.rangeError('', '2026-11-24')).toBe('请选择开始和结束日期')
  expect(trace.rangeError('2026-11-01', '2026-13-01')).toBe('请选择开始和结束日期')
})

test('weekdays and ranges in words', () => {
  expect(['2026-11-22', '2026-11-23', '2026-11-28'].map(trace.weekdayText)).toEqual(['周日', '周一', '周六'])
  expect(trace.weekdayText('x')).toBe('')
  expect(trace.rangeText('2026-10-26', '2026-11-24', '2026-11-24')).toBe('10月26日 至 11月24日')
  expect(trace.rangeText('2025-12-01', '2026-01-05', '2026-01-05')).toBe('2025年12月1日 至 1月5日')
  expect(trace.rangeText(null, '2026-11-24', '2026-11-24')).toBe('')
})

test('minutes: whole, to the nearest', () => {
  expect([0, 29, 30, 965.5, null, -60].map(trace.minutes)).toEqual([0, 0, 1, 16, 0, 0])
})

describe('viewTrace', () => {
  const BODY = {
    person: { id: 7, name: '张三', org_name: '本科生第一党支部' },
    since: '2026-11-18',
    until: '2026-11-24',
    reading_seconds: 3725,
    days_studied: 2,
    days: [
      {
        day: '2026-11-24',
        reading: [
          { material_id: 31, title: '中国共产党章程', seconds: 3600 },
          { material_id: 32, title: null, seconds: 65 },
        ],
        punch_in: null,
        quiz: { correct: 0, total: 5 },
      },
      { day: '2025-12-31', reading: [{ material_id: 33, title: '年终', seconds: 60 }], punch_in: { streak: 1, reflection: '心得' }, quiz: null },
    ],
  }

  test('the totals and each day', () => {
    const view = trace.viewTrace(BODY, NOW)
    expect(view).toMatchObject({
      personName: '张三',
      orgName: '本科生第一党支部',
      since: '2026-11-18',
      until: '2026-11-24',
      rangeText: '11月18日 至 11月24日',
      spanDays: 7,
      readingMinutes: 62,
      readingText: '1小时2分',
      daysStudied: 2,
      empty: false,
    })
    expect(view.days[0]).toEqual({
      day: '2026-11-24',
      dayText: '今天',
      weekdayText: '周二',
      reading: [
        { materialId: 31, title: '中国共产党章程', secondsText: '1小时' },
        { materialId: 32, title: '', secondsText: '1分5秒' },
      ],
      readingText: '1小时1分',
      punchIn: null,
      quiz: { text: '答对 0/5 题', allRight: false },
    })
    expect(view.days[1]).toMatchObject({ dayText: '2025年12月31日', weekdayText: '周三', quiz: null })
    expect(view.days[1].punchIn).toEqual({ streak: 1, reflection: '心得', photoUrl: '' })
  })

  test('the person, and a punch-in’s photo as its address', () => {
    const body = Object.assign({}, BODY, {
      days: [{ day: '2026-11-23', reading: [], punch_in: { streak: 2, reflection: null, photo_url: '/api/v1/study/punch-ins/5/photo' }, quiz: null }],
    })
    const view = trace.viewTrace(body, NOW)
    expect(view.personId).toBe(7)
    expect(view.days[0].punchIn).toEqual({ streak: 2, reflection: '', photoUrl: '/api/v1/study/punch-ins/5/photo' })
  })

  test('an empty or missing body', () => {
    expect(trace.viewTrace({ since: '2026-11-18', until: '2026-11-24', reading_seconds: 0, days_studied: 0, days: [] }, NOW)).toMatchObject({ empty: true, days: [], readingMinutes: 0, spanDays: 7 })
    expect(trace.viewTrace(null, NOW)).toMatchObject({ empty: true, spanDays: 0, rangeText: '', personName: '' })
  })
})
