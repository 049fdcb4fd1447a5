const path = require('path')
const adminText = require('../../utils/meeting-admin')
const { runInZones } = require('../helpers/zones')

describe('toUtcRange: Beijing pickers → UTC', () => {
  test.each([
    // Beijing is UTC+8: 19:00 on 1 December is 11:00 UTC the same day.
    ['2026-12-01', '19:00', '20:30', '2026-12-01T11:00:00Z', '2026-12-01T12:30:00Z'],
    // Before 08:00 in Beijing it is still the day before in UTC.
    ['2026-12-01', '07:30', '09:00', '2026-11-30T23:30:00Z', '2026-12-01T01:00:00Z'],
    // New Year's morning in Beijing is New Year's Eve in UTC.
    ['2027-01-01', '00:00', '01:00', '2026-12-31T16:00:00Z', '2026-12-31T17:00:00Z'],
    // No daylight saving: the same offset in July.
    ['2026-07-01', '19:00', '20:00', '2026-07-01T11:00:00Z', '2026-07-01T12:00:00Z'],
  ])('%s %s–%s', (date, start, end, startAt, endAt) => {
    const range = adminText.toUtcRange(date, start, end)
    expect(range).toEqual({ startMs: Date.parse(startAt), endMs: Date.parse(endAt), startAt, endAt })
  })

  test.each([
    ['', '19:00', '20:00'],
    ['2026-02-30', '19:00', '20:00'],
    ['2026-12-01', '', '20:00'],
    ['2026-12-01', '25:00', '20:00'],
  ])('%p %p is not a time', (date, start, end) => {
    const range = adminText.toUtcRange(date, start, end)
    expect(range.startMs).toBeNaN()
    expect(range.startAt).toBe('')
  })

  test('fromUtcRange is its inverse, for any offset the server writes', () => {
    expect(adminText.fromUtcRange('2026-11-30T23:30:00+00:00', '2026-12-01T01:00:00+00:00')).toEqual({
      date: '2026-12-01',
      startClock: '07:30',
      endClock: '09:00',
    })
    expect(adminText.fromUtcRange('2026-12-01T19:00:00+08:00', '2026-12-01T20:30:00+08:00')).toEqual({
      date: '2026-12-01',
      startClock: '19:00',
      endClock: '20:30',
    })
  })

  // Each zone runs in a child process: TZ must be set before the process starts to reach Date.
  describe('the phone time zone does not matter', () => {
    const file = path.resolve(__dirname, '../../utils/meeting-admin')
    const script = `
      const m = require(${JSON.stringify(file)})
      const there = m.toUtcRange('2026-12-01', '07:30', '09:00')
      const back = m.fromUtcRange(there.startAt, there.endAt)
      console.log(JSON.stringify({ localHourAtEpoch: new Date(0).getHours(), there, back }))
    `
    const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham']
    const runs = runInZones(script, zones)

    test('the zones really differ (or this test proves nothing)', () => {
      expect(new Set(runs.map(([, run]) => run.localHourAtEpoch)).size).toBe(zones.length)
    })

    test.each(runs)('in %s', (_zone, run) => {
      expect(run.there.startAt).toBe('2026-11-30T23:30:00Z')
      expect(run.there.endAt).toBe('2026-12-01T01:00:00Z')
      expect(run.back).toEqual({ date: '2026-12-01', startClock: '07:30', endClock: '09:00' })
    })
  })
})

describe('server field errors', () => {
  const mapping = { title: 'title', start_at: 'time', end_at: 'time', geofence: 'geofence' }

  test('the first message of each mapped field; nested schemas are searched; unknown fields dropped', () => {
    expect(
      adminText.serverFieldErrors(
        {
          title: ['太长', '第二条'],
          end_at: ['结束时间应晚于开始时间'],
          start_at: ['开始时间已过'],
          geofence: { radius_m: ['应在 50 到 5000 之间'] },
          _schema: ['其他'],
        },
        mapping
      )
    ).toEqual({ title: '太长', time: '结束时间应晚于开始时间', geofence: '应在 50 到 5000 之间' })
  })

  test('fieldErrorsOf: only a 422 naming a known field', () => {
    expect(adminText.fieldErrorsOf({ status: 422, errors: { title: ['x'] } }, mapping)).toEqual({ title: 'x' })
    expect(adminText.fieldErrorsOf({ status: 422, errors: { other: ['x'] } }, mapping)).toBeNull()
    expect(adminText.fieldErrorsOf({ status: 409, errors: { title: ['x'] } }, mapping)).toBeNull()
    expect(adminText.fieldErrorsOf(null, mapping)).toBeNull()
  })

  test.each([
    ['text', 'text'],
    [['', 'b'], 'b'],
    [{ 0: { yes: ['不能为负数'] } }, '不能为负数'],
    [[], ''],
    [null, ''],
  ])('firstMessage(%j) is %p', (value, message) => {
    expect(adminText.firstMessage(value)).toBe(message)
  })
})

test.each([
  ['0', 0],
  [' 12 ', 12],
  ['999999', 999999],
  [3, 3],
  ['', NaN],
  ['-1', NaN],
  ['1.5', NaN],
  ['1e3', NaN],
  ['abc', NaN],
  ['1000000', NaN],
  [null, NaN],
])('parseCount(%p) is %p', (text, value) => {
  expect(adminText.parseCount(text)).toEqual(value)
})

test('flag labels in Chinese, unknown flags still shown as an anomaly', () => {
  expect(
    ['shared_device', 'shared_address', 'network_outlier', 'location_outlier', 'sent_late', 'manual'].map(adminText.flagLabel)
  ).toEqual(['同一设备', '同一网络地址', '网络异常', '位置异常', '补传', '补签'])
  expect(adminText.flagLabel('new_flag')).toBe('其他异常')
})
