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

// GET /auth/whoami of a member holding secretary posts in `secretaryOrgs`.
function whoami(secretaryOrgs = [3]) {
  const roles = { member: [3] }
  if (secretaryOrgs) roles.secretary = secretaryOrgs
  return {
    status: 200,
    body: {
      kind: 'mini',
      account: null,
      person: Object.assign({}, member, { roles: secretaryOrgs ? ['member', 'secretary'] : ['member'] }),
      roles,
      expires_at: '2026-12-01T00:00:00Z',
    },
  }
}

// GET /orgs/<id>.
function org(id, name, overrides = {}) {
  return {
    status: 200,
    body: Object.assign(
      {
        id,
        parent_id: 2,
        type: 'branch',
        type_label: '党支部',
        name,
        short_name: null,
        path: `/1/2/${id}/`,
        depth: 2,
        sort_order: 0,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        member_counts: { full: 20, probationary: 2 },
      },
      overrides
    ),
  }
}

const ALL_STATES = ['queued', 'sending', 'sent', 'delivered', 'blocked', 'failed', 'unreachable', 'muted']

// A Notification as GET/POST /notifications answer it. `byState` fills counts (total is their sum).
function notification(id, overrides = {}, { byState = {}, read = 0, byChannel = {} } = {}) {
  const states = Object.fromEntries(ALL_STATES.map((state) => [state, byState[state] || 0]))
  const total = Object.values(states).reduce((sum, n) => sum + n, 0)
  return Object.assign(
    {
      id,
      kind: 'branch_notice',
      title: `支部通知 ${id}`,
      body: '请各位党员于12月1日19:00到A301参加支部党员大会。',
      page: null,
      org_id: 3,
      sender: '张三',
      urgent: false,
      state: 'dispatched',
      scheduled_at: '2026-11-24T12:00:00Z',
      dispatched_at: '2026-11-24T12:00:00Z',
      push_at: '2026-11-24T12:00:00Z',
      recipient_count: total,
      counts: { total, read, by_state: states, by_channel: byChannel },
    },
    overrides
  )
}

// GET /notifications page.
function notifications(items, { page = 1, perPage = 20, total = items.length, pages = 1 } = {}) {
  return { status: 200, body: { items, meta: { page, per_page: perPage, total, pages } } }
}

const STATE_LABELS = {
  queued: '排队中',
  sending: '发送中',
  sent: '已发送',
  delivered: '已送达',
  blocked: '用户拒收',
  failed: '发送失败',
  unreachable: '微信不可达（仅站内信）',
  muted: '已关闭此类提醒（仅站内信）',
}

// GET /notifications/<id>/deliveries item.
function delivery(id, overrides = {}) {
  const state = overrides.state || 'delivered'
  return Object.assign(
    {
      id,
      person_id: 100 + id,
      name: `党员${id}`,
      staff_no: `20210101${String(id).padStart(2, '0')}`,
      state,
      state_label: STATE_LABELS[state],
      channel: state === 'delivered' || state === 'sent' ? 'template' : null,
      reason: null,
      attempts: 1,
      sent_at: '2026-11-24T12:00:05Z',
      finished_at: '2026-11-24T12:00:09Z',
      read_at: null,
    },
    overrides
  )
}

// GET /notifications/<id>/deliveries page.
function deliveries(items, { page = 1, perPage = 100, total = items.length, pages = 1 } = {}) {
  return { status: 200, body: { items, meta: { page, per_page: perPage, total, pages } } }
}

module.exports = {
  whoami,
  org,
  notification,
  notifications,
  delivery,
  deliveries,
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
