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

module.exports = { member, authWxLoginBound, authWxLoginUnbound, authBindOk, me, apiError }
