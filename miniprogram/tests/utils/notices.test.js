const noticeText = require('../../utils/notices')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

describe('reachCounts and reachSummary', () => {
  test('groups the states: 微信 = sent+delivered, 仅站内信 = unreachable+muted, 失败 = failed+blocked', () => {
    const notice = fixtures.notification(1, {}, {
      byState: { sent: 5, delivered: 10, unreachable: 4, muted: 2, failed: 1 },
      read: 9,
    })

    expect(noticeText.reachCounts(notice)).toEqual({
      people: 22,
      total: 22,
      read: 9,
      wechat: 15,
      inboxOnly: 6,
      failed: 1,
      pending: 0,
    })
    expect(noticeText.reachSummary(notice)).toBe('22 人 · 微信送达 15 · 仅站内信 6 · 失败 1 · 已读 9')
  })

  test('blocked counts as 失败 and queued+sending as 排队; empty groups are left out', () => {
    const notice = fixtures.notification(1, {}, { byState: { delivered: 3, blocked: 2, queued: 4, sending: 1 } })

    expect(noticeText.reachSummary(notice)).toBe('10 人 · 微信送达 3 · 失败 2 · 排队 5 · 已读 0')
  })

  test('everyone only in 站内信', () => {
    const notice = fixtures.notification(1, {}, { byState: { unreachable: 7, muted: 1 }, read: 2 })

    expect(noticeText.reachSummary(notice)).toBe('8 人 · 仅站内信 8 · 已读 2')
  })

  test('a scheduled notice has no deliveries yet: only the number of people it is addressed to', () => {
    const notice = fixtures.notification(1, { state: 'scheduled', dispatched_at: null, push_at: null, recipient_count: 22 })

    expect(noticeText.reachCounts(notice)).toMatchObject({ people: 22, total: 0 })
    expect(noticeText.reachSummary(notice)).toBe('22 人')
  })

  test('missing counts or states count as zero', () => {
    expect(noticeText.reachSummary({ recipient_count: 3, counts: null })).toBe('3 人')
    expect(noticeText.reachSummary({ counts: { total: 2, read: 1, by_state: { delivered: 2 } } })).toBe(
      '2 人 · 微信送达 2 · 已读 1'
    )
    expect(noticeText.reachSummary(null)).toBe('0 人')
  })
})

describe('reasonText', () => {
  test.each([
    ['not_bound', '未绑定微信'],
    ['no_wechat_channel', '未关注公众号且未订阅'],
    ['not_following', '已取消关注'],
    ['invalid_openid', '微信账号无效'],
    ['no_subscribe_grant', '订阅次数已用完'],
    ['opted_out', '已关闭此类提醒'],
    ['unknown_outcome', '结果未知'],
    ['wechat_45047', '微信错误 45047'],
    ['wechat_-1', '微信错误 -1'],
    ['failed:user block', '用户拒收'],
    ['network', '网络异常，等待重试'],
    ['KeyError', '其他原因（KeyError）'],
    [null, ''],
    ['', ''],
  ])('%p → %p', (reason, text) => {
    expect(noticeText.reasonText(reason)).toBe(text)
  })
})

describe('filters', () => {
  const people = [
    fixtures.delivery(1, { state: 'delivered', read_at: '2026-11-24T12:10:00Z' }),
    fixtures.delivery(2, { state: 'sent' }),
    fixtures.delivery(3, { state: 'unreachable', reason: 'not_bound' }),
    fixtures.delivery(4, { state: 'muted', reason: 'opted_out', read_at: '2026-11-24T12:20:00Z' }),
    fixtures.delivery(5, { state: 'failed', reason: 'wechat_45047' }),
    fixtures.delivery(6, { state: 'blocked', reason: 'failed:user block' }),
    fixtures.delivery(7, { state: 'queued' }),
  ]
  const ids = (key) => people.filter((d) => noticeText.matchesFilter(d, key)).map((d) => d.id)

  test('未送达 is unreachable, muted, failed and blocked', () => {
    expect(ids('undelivered')).toEqual([3, 4, 5, 6])
  })

  test('已读 and 未读 follow read_at', () => {
    expect(ids('read')).toEqual([1, 4])
    expect(ids('unread')).toEqual([2, 3, 5, 6, 7])
  })

  test('全部 is everyone', () => {
    expect(ids('all')).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  test('the tabs count from the server counts', () => {
    const notice = fixtures.notification(1, {}, {
      byState: { delivered: 1, sent: 1, unreachable: 1, muted: 1, failed: 1, blocked: 1, queued: 1 },
      read: 2,
    })

    expect(noticeText.filterTabs(notice)).toEqual([
      { key: 'all', label: '全部', count: 7 },
      { key: 'undelivered', label: '未送达', count: 4 },
      { key: 'unread', label: '未读', count: 5 },
      { key: 'read', label: '已读', count: 2 },
    ])
  })
})

describe('pushDeferralNote', () => {
  test('pushes held past quiet hours say when they go out, in Beijing time', () => {
    // Sent at 23:10 in Beijing; pushes at 07:00 the next morning.
    const notice = fixtures.notification(1, {
      dispatched_at: '2026-11-24T15:10:00Z',
      push_at: '2026-11-24T23:00:00Z',
    })

    expect(noticeText.pushDeferralNote(notice, Date.UTC(2026, 10, 24, 15, 20))).toBe('免打扰时段，微信提醒将于 07:00 推送')
  })

  test('once that time has passed it says they were held', () => {
    const notice = fixtures.notification(1, {
      dispatched_at: '2026-11-24T15:10:00Z',
      push_at: '2026-11-24T23:00:00Z',
    })

    expect(noticeText.pushDeferralNote(notice, Date.UTC(2026, 10, 25, 1, 0))).toBe('免打扰时段，微信提醒已顺延至 07:00 推送')
  })

  test('no note when the pushes went at once, before dispatch, or without push_at', () => {
    expect(noticeText.pushDeferralNote(fixtures.notification(1), NOW)).toBe('')
    expect(
      noticeText.pushDeferralNote(fixtures.notification(1, { state: 'scheduled', dispatched_at: null, push_at: null }), NOW)
    ).toBe('')
    expect(noticeText.pushDeferralNote(fixtures.notification(1, { push_at: null }), NOW)).toBe('')
  })
})

describe('charCount', () => {
  test('counts characters as the server does (an emoji is one)', () => {
    expect(noticeText.charCount('支部党员大会')).toBe(6)
    expect(noticeText.charCount('开会👍')).toBe(3)
    expect(noticeText.charCount('')).toBe(0)
    expect(noticeText.charCount(undefined)).toBe(0)
  })
})
