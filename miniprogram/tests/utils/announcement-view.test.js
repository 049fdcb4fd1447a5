const view = require('../../utils/announcement-view')
const info = require('../helpers/info-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

test.each([
  ['public', '公开'],
  ['members', '全体党员'],
  ['roles', '指定职务'],
  ['other', ''],
  [null, ''],
])('audienceLabel(%s) is %s', (audience, label) => {
  expect(view.audienceLabel(audience)).toBe(label)
})

test('rolesText reads labels, keys and objects', () => {
  expect(view.rolesText(['组织委员', 'propaganda', { label: '党小组长' }, { key: 'x' }, null, ''])).toBe(
    '组织委员、宣传委员、党小组长、x'
  )
  expect(view.rolesText(undefined)).toBe('')
})

describe('viewAnnouncementItem', () => {
  test('置顶, unread, org, audience and relative time', () => {
    const item = info.announcementItem(5, { pinned: true, published_at: '2026-11-24T12:25:00Z' })

    expect(view.viewAnnouncementItem(item, NOW)).toEqual({
      id: 5,
      title: '公告 5',
      summary: '公告 5 的摘要',
      orgName: '本科生第一党支部',
      audienceLabel: '全体党员',
      pinned: true,
      unread: true,
      timeText: '5分钟前',
    })
  })

  test('read, or no read field at all, shows no dot', () => {
    expect(view.viewAnnouncementItem(info.announcementItem(5, { read: true }), NOW).unread).toBe(false)
    expect(view.viewAnnouncementItem({ id: 1 }, NOW)).toMatchObject({ unread: false, pinned: false, title: '' })
  })
})

describe('viewAnnouncement', () => {
  test('the body as rich text with images fitted, the server audience label and the full time', () => {
    const body = info.announcementBody(5, { published_at: '2026-11-20T02:05:00Z', pinned: true }).body

    expect(view.viewAnnouncement(body, NOW)).toEqual({
      id: 5,
      title: '公告 5',
      html: '<p>关于开展主题党日活动的通知</p><img style="max-width:100%;height:auto;display:block;" src="https://example.cn/a.png">',
      orgName: '本科生第一党支部',
      audienceLabel: '全体党员',
      pinned: true,
      timeText: '11月20日 10:05',
    })
  })

  test('指定职务 names the posts, from role_labels or else from the role keys', () => {
    const withLabels = { id: 1, audience: 'roles', role_labels: ['书记', '组织委员'], roles: ['secretary', 'organization'] }
    const keysOnly = { id: 1, audience: 'roles', roles: ['secretary', 'discipline'] }

    expect(view.viewAnnouncement(withLabels, NOW).audienceLabel).toBe('指定职务（书记、组织委员）')
    expect(view.viewAnnouncement(keysOnly, NOW).audienceLabel).toBe('指定职务（书记、纪检委员）')
    expect(view.viewAnnouncement(null, NOW)).toMatchObject({ title: '', html: '', audienceLabel: '' })
  })
})

describe('reading figures', () => {
  test.each([
    [12, 30, '已读 12 / 30 人', 40],
    [0, 0, '已读 0 / 0 人', 0],
    [31, 30, '已读 31 / 30 人', 100],
    [undefined, null, '已读 0 / 0 人', 0],
  ])('%s of %s', (read, size, text, percent) => {
    expect(view.readText(read, size)).toBe(text)
    expect(view.readPercent(read, size)).toBe(percent)
  })

  test('viewManagedItem: status label (the server first), figures, no unread dot', () => {
    const row = view.viewManagedItem(info.managedItem(5, { read: false }), NOW)

    expect(row).toMatchObject({
      id: 5,
      status: 'published',
      statusLabel: '已发布',
      readText: '已读 12 / 30 人',
      percent: 40,
      unread: false,
    })
    expect(view.viewManagedItem({ id: 6, status: 'withdrawn' }, NOW).statusLabel).toBe('已撤回')
    expect(view.viewManagedItem({ id: 7, status: 'pending_review' }, NOW).statusLabel).toBe('审核中')
  })

  test('viewReceipt is keyed by the person and says when they read it', () => {
    expect(view.viewReceipt(info.receipt(31, { read_at: '2026-11-24T12:25:00Z' }), NOW)).toEqual({
      id: 31,
      name: '党员31',
      orgName: '本科生第一党支部',
      readText: '5分钟前 阅读',
    })
    expect(view.viewReceipt(info.receipt(32), NOW).readText).toBe('')
  })

  test('receiptCounts', () => {
    expect(view.receiptCounts({ audience_size: 30, read_count: 12 })).toEqual({
      audienceSize: 30,
      readCount: 12,
      unreadCount: 18,
      readText: '已读 12 / 30 人',
      percent: 40,
    })
    expect(view.receiptCounts(null)).toMatchObject({ audienceSize: 0, unreadCount: 0 })
  })
})
