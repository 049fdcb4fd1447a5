// Bodies named after the API path they stand for, as the server contract describes them.

const member = {
  id: 7,
  name: '张三',
  gender: 'male',
  member_type: 'full',
  member_type_label: '正式党员',
  category: 'student',
  staff_no: '2021010101',
  phone: '138****5678',
  org: { id: 3, name: '本科生第一党支部', path: '某某大学党委 / 计算机学院党总支 / 本科生第一党支部' },
  posts: ['组织委员'],
  roles: ['member'],
}

function authWxLoginBound(token = 'token-bound') {
  return { status: 200, body: { status: 'bound', token, expires_at: '2026-12-01T00:00:00Z', member } }
}

function authWxLoginUnbound(ticket = 'ticket-abc') {
  return { status: 200, body: { status: 'unbound', bind_ticket: ticket, expires_at: '2026-12-01T00:10:00Z' } }
}

function authBindOk(token = 'token-after-bind') {
  return { status: 200, body: { token, expires_at: '2026-12-01T00:00:00Z', member } }
}

function me(overrides = {}) {
  return { status: 200, body: Object.assign({}, member, overrides) }
}

function apiError(status, code, message, errors = {}) {
  return { status, body: { code, status, message, errors } }
}

// GET /inbox item. ids count down as the list goes on (newest first).
function inboxItem(id, overrides = {}) {
  return Object.assign(
    {
      id,
      kind: 'meeting_notice',
      kind_label: '会议通知',
      title: `支部党员大会 ${id}`,
      body: '12月1日 19:00 在 A301 召开支部党员大会',
      page: `pages/meetings/detail/index?id=${id}`,
      created_at: '2026-11-24T12:00:00Z',
      read_at: null,
    },
    overrides
  )
}

// GET /inbox page: { items, meta, unread }.
function inbox(items, { page = 1, perPage = 20, total = items.length, pages = 1, unread = 0 } = {}) {
  return { status: 200, body: { items, meta: { page, per_page: perPage, total, pages }, unread } }
}

const preferenceItems = [
  { kind: 'meeting_notice', label: '会议通知', enabled: true, switchable: true },
  { kind: 'study_task', label: '学习任务', enabled: true, switchable: true },
  { kind: 'dues_reminder', label: '党费提醒', enabled: false, switchable: true },
  { kind: 'account_security', label: '账号安全', enabled: true, switchable: false },
]

// GET/PATCH /notifications/preferences; `changes` maps kind → enabled.
function preferences(changes = {}) {
  const items = preferenceItems.map((item) =>
    item.kind in changes ? Object.assign({}, item, { enabled: changes[item.kind] }) : Object.assign({}, item)
  )
  return { status: 200, body: { items } }
}

const templateItems = [
  { kind: 'meeting_notice', label: '会议通知', template_id: 'TPL_MEETING' },
  { kind: 'study_task', label: '学习任务', template_id: 'TPL_STUDY' },
  { kind: 'dues_reminder', label: '党费提醒', template_id: 'TPL_DUES' },
  { kind: 'vote_notice', label: '投票通知', template_id: 'TPL_VOTE' },
  { kind: 'account_security', label: '账号安全', template_id: 'TPL_SECURITY' },
]

// GET /notifications/subscribe-templates.
function subscribeTemplates(items = templateItems) {
  return { status: 200, body: { items } }
}

module.exports = {
  member,
  authWxLoginBound,
  authWxLoginUnbound,
  authBindOk,
  me,
  apiError,
  inboxItem,
  inbox,
  preferenceItems,
  preferences,
  templateItems,
  subscribeTemplates,
}
