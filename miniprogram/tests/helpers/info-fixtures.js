// Bodies of 新闻资讯 (/news), 党务公开 (/announcements) and the minutes comments
// (/meetings/{id}/comments), named after the API path they stand for, as the contract describes them.

const { apiError } = require('./fixtures')

// A page of a paged list: { items, meta }, with the list's own fields (`more`), as
// fixtures.js shapes its lists.
function listPage(items, { page = 1, perPage = 20, total = items.length, pages = 1 } = {}, more = {}) {
  return { status: 200, body: Object.assign({ items, meta: { page, per_page: perPage, total, pages } }, more) }
}

const TOPICS = [
  { key: 'party', label: '党建要闻' },
  { key: 'education', label: '教育' },
  { key: 'policy', label: '政策解读' },
]

// An item of GET /news. ids count down as the list goes on (newest first).
function newsItem(id, overrides = {}) {
  return Object.assign(
    {
      id,
      title: `新闻 ${id}`,
      summary: `新闻 ${id} 的摘要`,
      url: `https://news.example.cn/a/${id}.html`,
      source: 'xinhua',
      source_name: '新华网',
      topics: [{ key: 'party', label: '党建要闻' }],
      published_at: '2026-11-24T12:00:00Z',
    },
    overrides
  )
}

// GET /news page.
function newsPage(items, options) {
  return listPage(items, options)
}

// GET /news/topics.
function newsTopics(items = TOPICS) {
  return { status: 200, body: { items } }
}

// GET / PUT /news/preferences.
function newsPreferences(topics = ['party'], digest = false) {
  return { status: 200, body: { topics, digest } }
}

// An item of GET /announcements. ids count down as the list goes on.
function announcementItem(id, overrides = {}) {
  return Object.assign(
    {
      id,
      title: `公告 ${id}`,
      summary: `公告 ${id} 的摘要`,
      org_id: 3,
      org_name: '本科生第一党支部',
      audience: 'members',
      pinned: false,
      published_at: '2026-11-24T12:00:00Z',
      read: false,
    },
    overrides
  )
}

// GET /announcements page.
function announcementPage(items, options) {
  return listPage(items, options)
}

// GET /announcements/{id}.
function announcementBody(id, overrides = {}) {
  return {
    status: 200,
    body: Object.assign(announcementItem(id, { read: true }), {
      body: '<p>关于开展主题党日活动的通知</p><img src="https://example.cn/a.png">',
      audience_label: '全体党员',
      roles: [],
      role_labels: [],
      status: 'published',
      status_label: '已发布',
      can_manage: false,
    }, overrides),
  }
}

// An item of GET /announcements/managed.
function managedItem(id, overrides = {}) {
  return Object.assign(
    announcementItem(id, { read: true }),
    { status: 'published', status_label: '已发布', audience_size: 30, read_count: 12 },
    overrides
  )
}

// A person of GET /announcements/{id}/receipts.
function receipt(personId, overrides = {}) {
  return Object.assign(
    { person_id: personId, name: `党员${personId}`, org_name: '本科生第一党支部', read_at: null },
    overrides
  )
}

// GET /announcements/{id}/receipts page.
function receiptsPage(items, options = {}, counts = { audience_size: 30, read_count: 12 }) {
  return listPage(items, options, counts)
}

// A comment of GET/POST /meetings/{id}/comments, oldest first: later ids are newer.
function comment(id, overrides = {}) {
  return Object.assign(
    {
      id,
      author: { id: 20 + id, name: `党员${id}` },
      content: `评论 ${id}`,
      status: 'published',
      // id minutes after 20:00 Beijing on 2026-12-01.
      created_at: new Date(Date.UTC(2026, 11, 1, 12, id)).toISOString().replace('.000Z', 'Z'),
      mine: false,
    },
    overrides
  )
}

// GET /meetings/{id}/comments page.
function commentsPage(items, options) {
  return listPage(items, options)
}

module.exports = {
  TOPICS,
  apiError,
  newsItem,
  newsPage,
  newsTopics,
  newsPreferences,
  announcementItem,
  announcementPage,
  announcementBody,
  managedItem,
  receipt,
  receiptsPage,
  comment,
  commentsPage,
}
