const { installWx } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let admin

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  admin = require('../../services/meeting-admin')
})

const OK = { status: 200, body: { ok: true } }

// Each call: the request it makes (key and body) as docs/meetings.md names them.
test.each([
  ['get', (a) => a.get(7), 'GET /meetings/7', undefined],
  [
    'create',
    (a) => a.create({ org_id: 3, type: 'other', title: 't', place: 'p', start_at: 's', end_at: 'e' }),
    'POST /meetings',
    { org_id: 3, type: 'other', title: 't', place: 'p', start_at: 's', end_at: 'e' },
  ],
  ['update', (a) => a.update(7, { title: '新' }), 'PATCH /meetings/7', { title: '新' }],
  ['publish', (a) => a.publish(7), 'POST /meetings/7/publish', undefined],
  ['cancel', (a) => a.cancel(7, '改期'), 'POST /meetings/7/cancel', { reason: '改期' }],
  ['remove', (a) => a.remove(7), 'DELETE /meetings/7', undefined],
  ['participants', (a) => a.participants(7), 'GET /meetings/7/participants', undefined],
  [
    'addParticipants',
    (a) => a.addParticipants(7, [21, 22], 'observer'),
    'POST /meetings/7/participants',
    { person_ids: [21, 22], role: 'observer' },
  ],
  ['addParticipants defaults to member', (a) => a.addParticipants(7, [21]), 'POST /meetings/7/participants', { person_ids: [21], role: 'member' }],
  ['removeParticipant', (a) => a.removeParticipant(7, 21), 'DELETE /meetings/7/participants/21', undefined],
  ['attendance', (a) => a.attendance(7), 'GET /meetings/7/attendance', undefined],
  ['revoke', (a) => a.revoke(7, 501, '代签'), 'POST /meetings/7/checkins/501/revoke', { reason: '代签' }],
  [
    'manualCheckIn',
    (a) => a.manualCheckIn(7, 21, '手机没电', true),
    'POST /meetings/7/attendance/manual',
    { person_id: 21, reason: '手机没电', late: true },
  ],
  [
    'manualCheckIn, not late',
    (a) => a.manualCheckIn(7, 21, '手机没电'),
    'POST /meetings/7/attendance/manual',
    { person_id: 21, reason: '手机没电', late: false },
  ],
  [
    'recordLeave',
    (a) => a.recordLeave(7, 21, '出差在外'),
    'POST /meetings/7/leave/record',
    { person_id: 21, reason: '出差在外' },
  ],
  ['decideLeave approves', (a) => a.decideLeave(5, true, ''), 'POST /leave-requests/5/decision', { approve: true }],
  [
    'decideLeave rejects with a comment',
    (a) => a.decideLeave(5, false, '会议重要'),
    'POST /leave-requests/5/decision',
    { approve: false, comment: '会议重要' },
  ],
  ['getMinutes', (a) => a.getMinutes(7), 'GET /meetings/7/minutes', undefined],
  [
    'saveMinutes',
    (a) => a.saveMinutes(7, { version: 3, agenda: 'a', content: 'c', resolutions: '', votes: [] }),
    'PUT /meetings/7/minutes',
    { version: 3, agenda: 'a', content: 'c', resolutions: '', votes: [] },
  ],
  [
    'saveMinutes leaves out a version it does not have',
    (a) => a.saveMinutes(7, { version: null, agenda: 'a', content: 'c' }),
    'PUT /meetings/7/minutes',
    { agenda: 'a', content: 'c' },
  ],
  ['signMinutes', (a) => a.signMinutes(7), 'POST /meetings/7/minutes/sign', undefined],
  ['archive', (a) => a.archive(7), 'POST /meetings/7/archive', undefined],
])('%s', async (_name, call, key, data) => {
  fake.route(key, [OK])

  const body = await call(admin)

  expect(fake.requests.map((r) => r.key)).toEqual([key])
  expect(fake.requests[0].data).toEqual(data)
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(body).toEqual({ ok: true })
})

test('a 204 resolves with null', async () => {
  fake.route('DELETE /meetings/7', [{ status: 204 }])

  await expect(admin.remove(7)).resolves.toBeNull()
})

test('ids are escaped in the path', async () => {
  fake.route('GET /meetings/7%2F1', [OK])

  await admin.get('7/1')

  expect(fake.requests[0].key).toBe('GET /meetings/7%2F1')
})

test.each([
  [{}, { page: 1, per_page: 20 }],
  [{ state: 'pending', meetingId: 7, page: 2 }, { page: 2, per_page: 20, state: 'pending', meeting_id: 7 }],
  [{ orgId: 3, perPage: 100 }, { page: 1, per_page: 100, org_id: 3 }],
  [{ state: '', meetingId: '' }, { page: 1, per_page: 20 }],
])('leaveRequests(%j) asks with %j', async (params, query) => {
  fake.route('GET /leave-requests', [fixtures.leaveRequestPage([])])

  await admin.leaveRequests(params)

  expect(fake.requests[0].data).toEqual(query)
})

test('errors are the server’s', async () => {
  fake.route('POST /meetings/7/publish', [fixtures.apiError(409, 'not_draft', '会议已发布')])

  const error = await admin.publish(7).catch((e) => e)

  expect(error).toMatchObject({ status: 409, code: 'not_draft', message: '会议已发布' })
})

test('the types and their labels, in the contract’s order', () => {
  expect(admin.TYPES.map((type) => `${type.value} ${type.label}`)).toEqual([
    'branch_assembly 支部党员大会',
    'branch_committee 支部委员会',
    'group_meeting 党小组会',
    'party_lecture 党课',
    'theme_day 主题党日',
    'life_meeting 组织生活会',
    'appraisal 民主评议党员',
    'other 其他',
  ])
  expect(admin.typeLabel('theme_day')).toBe('主题党日')
  expect(admin.typeLabel('unknown')).toBe('')
})

describe('attachments', () => {
  test('uploadAttachment sends the file as `file` to /meetings/{id}/attachments with the caption', async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(31) }])

    const attachment = await admin.uploadAttachment(7, 'wxfile://tmp/a.pdf', '学习材料')

    const [call] = fake.requests
    expect(call.key).toBe('POST /meetings/7/attachments')
    expect(call.filePath).toBe('wxfile://tmp/a.pdf')
    expect(call.name).toBe('file')
    expect(call.formData).toEqual({ caption: '学习材料' })
    expect(attachment.id).toBe(31)
  })

  test('an empty caption is left out', async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(31) }])

    await admin.uploadAttachment(7, 'wxfile://tmp/a.jpg', '')

    expect(fake.requests[0].formData).toEqual({})
  })

  test('deleteAttachment deletes /attachments/{id}', async () => {
    fake.route('DELETE /attachments/31', [{ status: 204 }])

    await expect(admin.deleteAttachment(31)).resolves.toBeNull()
    expect(fake.requests[0].key).toBe('DELETE /attachments/31')
  })
})

// The meeting list and the detail page reload when shown again after these (services/meetings.js
// changeCount); a refusal changes nothing.
describe('changes are counted where the meeting pages look', () => {
  test.each([
    ['create', 'POST /meetings', (a) => a.create({ org_id: 3 })],
    ['update', 'PATCH /meetings/7', (a) => a.update(7, { title: '新' })],
    ['publish', 'POST /meetings/7/publish', (a) => a.publish(7)],
    ['cancel', 'POST /meetings/7/cancel', (a) => a.cancel(7, '改期')],
    ['remove', 'DELETE /meetings/7', (a) => a.remove(7)],
    ['saveMinutes', 'PUT /meetings/7/minutes', (a) => a.saveMinutes(7, { agenda: 'a', content: 'c' })],
    ['archive', 'POST /meetings/7/archive', (a) => a.archive(7)],
    ['recordLeave', 'POST /meetings/7/leave/record', (a) => a.recordLeave(7, 21, '出差在外')],
    ['revoke', 'POST /meetings/7/checkins/501/revoke', (a) => a.revoke(7, 501, '代签')],
    ['manualCheckIn', 'POST /meetings/7/attendance/manual', (a) => a.manualCheckIn(7, 21, '补签')],
    ['uploadAttachment', 'POST /meetings/7/attachments', (a) => a.uploadAttachment(7, 'wxfile://tmp/a.jpg')],
    ['deleteAttachment', 'DELETE /attachments/31', (a) => a.deleteAttachment(31)],
  ])('%s', async (_name, key, call) => {
    const meetings = require('../../services/meetings')
    fake.route(key, [fixtures.apiError(409, 'conflict', '冲突'), OK])

    await call(admin).catch(() => null)
    expect(meetings.changeCount()).toBe(0)

    await call(admin)
    expect(meetings.changeCount()).toBe(1)
  })

  test('reading changes nothing', async () => {
    const meetings = require('../../services/meetings')
    fake.route('GET /meetings/7', [OK])
    fake.route('GET /meetings/7/attendance', [OK])

    await admin.get(7)
    await admin.attendance(7)

    expect(meetings.changeCount()).toBe(0)
  })
})
