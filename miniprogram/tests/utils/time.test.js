const path = require('path')
const time = require('../../utils/time')
const { runInZones } = require('../helpers/zones')

// 2026-11-24 20:00 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0)
const MINUTE = 60 * 1000

afterEach(() => {
  jest.restoreAllMocks()
})

describe('parseIso', () => {
  test.each([
    ['2026-11-24T12:00:00Z', Date.UTC(2026, 10, 24, 12, 0, 0)],
    ['2026-11-24T12:00:00.250Z', Date.UTC(2026, 10, 24, 12, 0, 0, 250)],
    ['2026-11-24T12:00:00.123456Z', Date.UTC(2026, 10, 24, 12, 0, 0, 123)],
    ['2026-11-24T20:00:00+08:00', Date.UTC(2026, 10, 24, 12, 0, 0)],
    ['2026-11-24T07:00:00-0500', Date.UTC(2026, 10, 24, 12, 0, 0)],
    // No offset: the server's convention is UTC, never the phone's zone.
    ['2026-11-24T12:00:00', Date.UTC(2026, 10, 24, 12, 0, 0)],
    ['2026-11-24T12:00Z', Date.UTC(2026, 10, 24, 12, 0, 0)],
  ])('%s', (text, expected) => {
    expect(time.parseIso(text)).toBe(expected)
  })

  test.each([[''], [null], [undefined], ['昨天'], ['2026-11-24'], [1700000000]])('%p is not a date-time', (value) => {
    expect(time.parseIso(value)).toBeNaN()
  })
})

describe('formatBeijing', () => {
  test.each([
    ['2026-11-24T12:00:00Z', '11月24日 20:00'],
    // Past midnight in Beijing while still the 24th in UTC.
    ['2026-11-24T16:30:00Z', '11月25日 00:30'],
    ['2026-03-01T00:05:00Z', '3月1日 08:05'],
    // New Year's Eve in UTC, already New Year's Day (the current year) in Beijing.
    ['2025-12-31T16:00:00Z', '1月1日 00:00'],
    ['2025-12-31T15:59:00Z', '2025年12月31日 23:59'],
  ])('%s → %s', (text, expected) => {
    expect(time.formatBeijing(text, NOW)).toBe(expected)
  })

  test('accepts milliseconds and defaults now to the current time', () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2030, 0, 1))
    expect(time.formatBeijing(Date.UTC(2030, 4, 4, 1, 2))).toBe('5月4日 09:02')
    expect(time.formatBeijing(Date.UTC(2029, 4, 4, 1, 2))).toBe('2029年5月4日 09:02')
  })

  test('an unreadable value gives an empty text', () => {
    expect(time.formatBeijing('not a date', NOW)).toBe('')
  })
})

describe('relativeTime', () => {
  const ago = (ms) => new Date(NOW - ms).toISOString()

  test.each([
    [ago(0), '刚刚'],
    [ago(59 * 1000), '刚刚'],
    // A phone clock slightly behind the server.
    [ago(-30 * 1000), '刚刚'],
    [ago(MINUTE), '1分钟前'],
    [ago(5 * MINUTE + 59 * 1000), '5分钟前'],
    [ago(59 * MINUTE), '59分钟前'],
    [ago(60 * MINUTE), '今天 19:00'],
    ['2026-11-24T01:00:00Z', '今天 09:00'],
    ['2026-11-23T16:00:00Z', '今天 00:00'],
    ['2026-11-23T15:59:00Z', '昨天 23:59'],
    ['2026-11-22T16:00:00Z', '昨天 00:00'],
    ['2026-11-22T15:59:00Z', '11月22日 23:59'],
    ['2025-11-24T12:00:00Z', '2025年11月24日 20:00'],
    // Far in the future: the date itself.
    [ago(-2 * 60 * MINUTE), '11月24日 22:00'],
  ])('%s → %s', (text, expected) => {
    expect(time.relativeTime(text, NOW)).toBe(expected)
  })

  test('"today" is the Beijing day, not the UTC one', () => {
    // 03:00 UTC on the 24th is 11:00 in Beijing; 17:00 UTC on the 23rd is already 01:00 on the 24th there.
    const now = Date.UTC(2026, 10, 24, 3, 0)
    expect(time.relativeTime('2026-11-23T17:00:00Z', now)).toBe('今天 01:00')
    expect(time.relativeTime('2026-11-23T15:00:00Z', now)).toBe('昨天 23:00')
  })

  test('uses the current time when none is given', () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    expect(time.relativeTime(ago(3 * MINUTE))).toBe('3分钟前')
  })

  test('an unreadable value gives an empty text', () => {
    expect(time.relativeTime(null, NOW)).toBe('')
  })
})

describe('beijingDate and beijingClock', () => {
  test.each([
    ['2026-11-24T12:00:00Z', '2026-11-24', '20:00'],
    // Still the 24th in UTC, already the 25th in Beijing.
    ['2026-11-24T16:30:00Z', '2026-11-25', '00:30'],
    ['2025-12-31T16:05:00Z', '2026-01-01', '00:05'],
  ])('%s → %s %s', (text, date, clock) => {
    expect(time.beijingDate(text)).toBe(date)
    expect(time.beijingClock(text)).toBe(clock)
    expect(time.beijingDate(time.parseIso(text))).toBe(date)
  })

  test('an unreadable value gives an empty text', () => {
    expect(time.beijingDate('x')).toBe('')
    expect(time.beijingClock(null)).toBe('')
  })
})

describe('fromBeijing', () => {
  test.each([
    ['2026-11-24', '20:00', Date.UTC(2026, 10, 24, 12, 0)],
    // Before 08:00 in Beijing is the previous day in UTC.
    ['2026-11-25', '07:30', Date.UTC(2026, 10, 24, 23, 30)],
    ['2026-01-01', '00:00', Date.UTC(2025, 11, 31, 16, 0)],
    ['2028-02-29', '09:00', Date.UTC(2028, 1, 29, 1, 0)],
  ])('%s %s', (date, clock, expected) => {
    expect(time.fromBeijing(date, clock)).toBe(expected)
  })

  test.each([
    ['2026-02-30', '09:00'],
    ['2026-13-01', '09:00'],
    ['2026-11-24', '24:00'],
    ['2026-11-24', '09:60'],
    ['2026-11-24', ''],
    ['', '09:00'],
    ['2026/11/24', '09:00'],
    [undefined, undefined],
  ])('%p %p is no time', (date, clock) => {
    expect(time.fromBeijing(date, clock)).toBeNaN()
  })

  test('is the inverse of beijingDate and beijingClock', () => {
    const ms = Date.UTC(2026, 5, 30, 17, 45)
    expect(time.fromBeijing(time.beijingDate(ms), time.beijingClock(ms))).toBe(ms)
  })
})

describe('toIsoUtc', () => {
  test('writes UTC to the second with Z, the form the server reads', () => {
    expect(time.toIsoUtc(Date.UTC(2026, 10, 24, 1, 2, 3, 456))).toBe('2026-11-24T01:02:03Z')
    expect(time.toIsoUtc(time.fromBeijing('2026-11-25', '07:30'))).toBe('2026-11-24T23:30:00Z')
  })

  test('no time gives an empty text', () => {
    expect(time.toIsoUtc(NaN)).toBe('')
    expect(time.toIsoUtc('2026-11-24')).toBe('')
  })
})

// Jest gives each test file its own copy of process.env, so changing TZ here would not reach the
// Date implementation; each zone runs in a child process instead.
describe('the Beijing calendar', () => {
  test('today is the Beijing date, also just after midnight there', () => {
    expect(time.today(NOW)).toBe('2026-11-24')
    expect(time.today(Date.UTC(2026, 10, 24, 16, 10))).toBe('2026-11-25')
    // 2026-11-24 17:00 UTC is already the 25th in Beijing.
    expect(time.today(Date.UTC(2026, 10, 24, 17, 0))).toBe('2026-11-25')
  })

  test('dates: day numbers, days added across months and years; no such day is none', () => {
    expect(time.dayNumber('1970-01-02')).toBe(1)
    expect(time.addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(time.addDays('2024-03-01', -1)).toBe('2024-02-29')
    expect(time.addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(time.addDays('2026-02-30', 1)).toBe('')
    expect(time.dayNumber('2026-11-24T00:00:00Z')).toBeNaN()
    expect(time.dayNumber(null)).toBeNaN()
  })

  test('dayText: a server date, the year only when it is not this one', () => {
    expect(time.dayText('2026-11-24', '2026-11-24')).toBe('11月24日')
    expect(time.dayText('2025-12-31', '2026-01-01')).toBe('2025年12月31日')
    expect(time.dayText('2026-11-24', '')).toBe('2026年11月24日')
    expect(time.dayText('11/24', '2026-11-24')).toBe('')
    expect(time.dayText(null, '2026-11-24')).toBe('')
  })

  test('dateText: the Beijing date of an instant, the year only when it is not this one', () => {
    expect(time.dateText('2026-11-20T18:00:00Z', NOW)).toBe('11月21日')
    expect(time.dateText('2025-12-03T11:00:00+00:00', NOW)).toBe('2025年12月3日')
    expect(time.dateText(Date.UTC(2025, 11, 31, 16, 0), Date.UTC(2025, 11, 31, 15, 0))).toBe('2026年1月1日')
    expect(time.dateText('昨天', NOW)).toBe('')
    expect(time.dateText(null, NOW)).toBe('')
  })
})

describe('the phone time zone does not matter', () => {
  const script = `
    const time = require(${JSON.stringify(path.resolve(__dirname, '../../utils/time'))})
    const now = ${NOW}
    console.log(JSON.stringify({
      localHourAtEpoch: new Date(0).getHours(),
      out: [
        time.formatBeijing('2026-11-24T12:00:00Z', now),
        time.formatBeijing('2026-11-24T16:30:00Z', now),
        time.formatBeijing('2025-12-31T16:00:00Z', now),
        time.relativeTime('2026-11-23T16:00:00Z', now),
        time.relativeTime('2026-11-23T15:59:00Z', now),
        time.relativeTime('2026-11-24T12:00:00', now),
        time.parseIso('2026-11-24T12:00:00'),
        time.beijingDate('2026-11-24T16:30:00Z'),
        time.beijingClock('2026-11-24T16:30:00Z'),
        time.toIsoUtc(time.fromBeijing('2026-11-25', '07:30')),
      ],
    }))
  `
  const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'America/St_Johns', 'Pacific/Kiritimati']

  const runs = runInZones(script, zones)

  test('the zones really differ (or this test proves nothing)', () => {
    const hours = new Set(runs.map(([, run]) => run.localHourAtEpoch))
    expect(hours.size).toBe(zones.length)
  })

  test.each(runs)('in %s the texts are Beijing time', (zone, run) => {
    expect(run.out).toEqual([
      '11月24日 20:00',
      '11月25日 00:30',
      '1月1日 00:00',
      '今天 00:00',
      '昨天 23:59',
      '刚刚',
      Date.UTC(2026, 10, 24, 12, 0, 0),
      '2026-11-25',
      '00:30',
      '2026-11-24T23:30:00Z',
    ])
  })
})
