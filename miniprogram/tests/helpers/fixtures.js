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

// A page of a paged list (GET /inbox, /notifications, /meetings, ...): { items, meta }, with the
// list's own fields (`more`).
function listPage(items, { page = 1, perPage = 20, total = items.length, pages = 1 } = {}, more = {}) {
  return { status: 200, body: Object.assign({ items, meta: { page, per_page: perPage, total, pages } }, more) }
}

// GET /inbox page: { items, meta, unread }.
function inbox(items, options = {}) {
  return listPage(items, options, { unread: options.unread === undefined ? 0 : options.unread })
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

// The same whoami as the person with this id (a meeting's chair is 12, its recorder 13; `member`
// is 7).
function whoamiAs(personId, secretaryOrgs = [3]) {
  const reply = whoami(secretaryOrgs)
  reply.body.person = Object.assign({}, reply.body.person, { id: personId })
  return reply
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
function notifications(items, options) {
  return listPage(items, options)
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
function deliveries(items, options) {
  return listPage(items, Object.assign({ perPage: 100 }, options))
}

module.exports = {
  whoami,
  whoamiAs,
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

// -- Secretary's meeting pages (pages/meetings/edit, live, leave-approvals, minutes) ------------
// Named admin*/… so that they do not clash with the member pages' fixtures.

// The meeting both sides' fixtures are: 支部党员大会 of org 3 on 2026-12-01 19:00–20:30 Beijing
// time, chaired by 张三 and recorded by 李四.
function meeting(id) {
  return {
    id,
    org_id: 3,
    org_name: '本科生第一党支部',
    type: 'branch_assembly',
    type_label: '支部党员大会',
    title: '十二月支部党员大会',
    place: '图书馆 301',
    start_at: '2026-12-01T11:00:00+00:00',
    end_at: '2026-12-01T12:30:00+00:00',
    chair: { id: 12, name: '张三' },
    recorder: { id: 13, name: '李四' },
    geofence: null,
    checkin_opens_at: '2026-12-01T10:30:00+00:00',
    checkin_closes_at: '2026-12-01T12:30:00+00:00',
    late_after: '2026-12-01T11:05:00+00:00',
    sign_out: false,
    cancel_reason: null,
    has_minutes: false,
  }
}

// A Meeting as GET/POST/PATCH /meetings answer it to a manager: a draft.
function adminMeeting(id = 7, overrides = {}) {
  return Object.assign(
    meeting(id),
    {
      description: '学习党章',
      status: 'draft',
      phase: 'draft',
      phase_label: '草稿',
      published_at: null,
      can_manage: true,
      my: null,
      counts: { expected: 3, present: 0, late: 0, on_leave: 0, absent: 0, not_checked_in: 3, observers: 0, pending_leave: 0 },
    },
    overrides
  )
}

// adminMeeting once it has been held: published, ended, with minutes.
function endedAdminMeeting(id = 7, overrides = {}) {
  return adminMeeting(id, Object.assign({ status: 'published', phase: 'ended', phase_label: '已结束', has_minutes: true }, overrides))
}

// One item of GET /meetings/{id}/attendance. `checkin` overrides are merged into a valid check-in;
// pass checkin: null for someone without one.
function attendanceEntry(personId, name, attendance, { checkin = {}, leave = null, role = 'member' } = {}) {
  const labels = { present: '已签到', late: '迟到', on_leave: '请假', not_checked_in: '未签到', absent: '缺席' }
  return {
    person_id: personId,
    name,
    role,
    attendance,
    attendance_label: labels[attendance] || attendance,
    leave,
    checkin:
      checkin === null
        ? null
        : memberCheckin(
            Object.assign(
              {
                id: 500 + personId,
                checked_in_at: '2026-12-01T10:55:00+00:00',
                ip: '10.0.0.8',
                network: '10.0.0.0/24',
                device_id: `dev-${personId}`,
                device_model: 'iPhone',
                network_type: 'wifi',
                latitude: 30.27,
                longitude: 120.12,
                distance_m: 35.4,
                flags: [],
                manual_reason: null,
                recorded_by: null,
              },
              checkin
            )
          ),
  }
}

function attendanceBody(items, counts = {}, anomalies = {}) {
  return {
    status: 200,
    body: {
      counts: Object.assign({ expected: 0, present: 0, late: 0, on_leave: 0, absent: 0, not_checked_in: 0, observers: 0 }, counts),
      anomalies: Object.assign({ shared_device: 0, shared_address: 0, network_outlier: 0, location_outlier: 0, sent_late: 0 }, anomalies),
      items,
    },
  }
}

// A LeaveRequest as GET /leave-requests and POST /leave-requests/{id}/decision answer it.
function leaveRequestBody(id, overrides = {}) {
  return Object.assign(
    {
      id,
      meeting_id: 7,
      meeting_title: '十二月支部党员大会',
      meeting_start_at: '2026-12-01T11:00:00+00:00',
      person: { id: 100 + id, name: `党员${id}` },
      reason: '课程冲突',
      state: 'pending',
      state_label: '待审批',
      comment: null,
      decided_by: null,
      decided_at: null,
      created_at: '2026-11-24T12:00:00+00:00',
    },
    overrides
  )
}

function leaveRequestPage(items, options) {
  return listPage(items, options)
}

// Minutes as GET/PUT /meetings/{id}/minutes answer them.
function minutesBody(overrides = {}) {
  return Object.assign(
    {
      meeting_id: 7,
      version: 3,
      agenda: '一、学习党章\n二、讨论发展对象',
      content: '张三：传达上级精神。',
      resolutions: '同意王五为发展对象',
      votes: [{ item: '王五列为发展对象', yes: 20, no: 1, abstain: 2 }],
      attendance: {
        expected: 3,
        present: 2,
        late: 1,
        on_leave: 1,
        absent: 0,
        observers: 1,
        lists: {
          present: ['张三', '李四'],
          late: ['李四'],
          on_leave: [{ name: '王五', reason: '出差' }],
          absent: [],
          observers: ['赵六'],
        },
      },
      chair: { id: 12, name: '张三' },
      recorder: { id: 13, name: '李四' },
      chair_signed_at: null,
      recorder_signed_at: null,
      updated_at: '2026-12-01T13:00:00+00:00',
      updated_by: '李四',
      frozen: false,
    },
    overrides
  )
}

Object.assign(module.exports, {
  adminMeeting,
  endedAdminMeeting,
  attendanceEntry,
  attendanceBody,
  leaveRequestBody,
  leaveRequestPage,
  minutesBody,
})

// ---- The member's side of meetings (docs/meetings.md). Names start with member/checkin/my so
// that they stay apart from the secretary pages' fixtures.

// GET /meetings/{id} as a participant sees it: checkin_open, not yet checked in.
// `my` overrides are merged into the default `my`; pass my: null for a non-participant.
function memberMeeting(id, overrides = {}) {
  const my =
    overrides.my === null
      ? null
      : Object.assign({ participant: true, role: 'member', attendance: 'not_checked_in', checkin: null, leave: null }, overrides.my)
  return Object.assign(
    meeting(id),
    {
      description: '学习贯彻全会精神',
      status: 'published',
      phase: 'checkin_open',
      phase_label: '签到中',
      published_at: '2026-11-24T02:00:00+00:00',
      can_manage: false,
    },
    overrides,
    { my }
  )
}

// A check-in as `my.checkin` gives it (the attendance list and POST /checkins add to it).
function memberCheckin(overrides = {}) {
  return Object.assign(
    {
      id: 5,
      checked_in_at: '2026-12-01T10:58:00+00:00',
      late: false,
      sent_late: false,
      revoked: false,
      revoke_reason: null,
      signed_out_at: null,
      source: 'qr',
    },
    overrides
  )
}

// An item of GET /meetings?mine=true (no my/counts; my_attendance instead).
function memberMeetingItem(id, overrides = {}) {
  const item = memberMeeting(id, overrides)
  delete item.my
  return Object.assign(item, { my_attendance: 'not_checked_in' }, overrides)
}

// GET /meetings page.
function memberMeetings(items, options) {
  return listPage(items, options)
}

// POST /checkins (201 a new check-in) / POST /checkins/sign-out answer.
function checkinBody(overrides = {}, status = 201) {
  return {
    status,
    body: Object.assign(
      memberCheckin(),
      { meeting_id: 7, meeting_title: '十二月支部党员大会', created: status === 201 },
      overrides
    ),
  }
}

// An item of GET /me/attendance.
function myAttendanceItem(meetingId, overrides = {}) {
  return Object.assign(
    {
      meeting: {
        id: meetingId,
        title: `支部党员大会 ${meetingId}`,
        type_label: '支部党员大会',
        start_at: '2026-11-01T11:00:00+00:00',
        place: '图书馆 301',
        org_name: '本科生第一党支部',
      },
      attendance: 'present',
      attendance_label: '已签到',
      checked_in_at: '2026-11-01T10:57:00+00:00',
      late: false,
    },
    overrides
  )
}

// GET /me/attendance page.
function myAttendance(items, summary = {}, options) {
  return listPage(items, options, {
    summary: Object.assign({ total: 0, present: 0, late: 0, on_leave: 0, absent: 0 }, summary),
  })
}

// GET /meetings/{id}/minutes.
function memberMinutes(meetingId, overrides = {}) {
  return Object.assign(
    {
      meeting_id: meetingId,
      version: 3,
      agenda: '一、学习全会精神\n二、讨论发展对象',
      content: '会议由张三主持……',
      resolutions: '同意王五为发展对象',
      votes: [{ item: '王五列为发展对象', yes: 20, no: 1, abstain: 1 }],
      attendance: {
        expected: 25,
        present: 22,
        late: 2,
        on_leave: 2,
        absent: 1,
        observers: 1,
        lists: {
          present: ['张三', '李四'],
          late: ['王五'],
          on_leave: [{ name: '赵六', reason: '出差' }],
          absent: ['钱七'],
          observers: ['孙八'],
        },
      },
      chair: { id: 12, name: '张三' },
      recorder: { id: 13, name: '李四' },
      chair_signed_at: '2026-12-01T13:00:00+00:00',
      recorder_signed_at: null,
      updated_at: '2026-12-01T12:50:00+00:00',
      updated_by: { id: 13, name: '李四' },
      frozen: false,
    },
    overrides
  )
}

// POST/DELETE /meetings/{id}/leave answer: the fixture member's own request.
function memberLeaveRequest(meetingId, overrides = {}) {
  return leaveRequestBody(
    3,
    Object.assign(
      { meeting_id: meetingId, person: { id: 7, name: '张三' }, reason: '出差', created_at: '2026-11-24T12:30:00+00:00' },
      overrides
    )
  )
}

Object.assign(module.exports, {
  memberMeeting,
  memberCheckin,
  memberMeetingItem,
  memberMeetings,
  checkinBody,
  myAttendanceItem,
  myAttendance,
  memberMinutes,
  memberLeaveRequest,
})

// ---- Attachments and the branch feed (docs/meetings.md "Minutes, attachments, feed").

// An Attachment as POST /meetings/{id}/attachments and GET /meetings/{id}/attachments give it.
function attachmentBody(id, overrides = {}) {
  return Object.assign(
    {
      id,
      meeting_id: 7,
      filename: `photo-${id}.jpg`,
      content_type: 'image/jpeg',
      size: 245760,
      caption: null,
      url: `/api/v1/attachments/${id}/content`,
      created_at: '2026-12-01T13:10:00+00:00',
      uploaded_by: '李四',
    },
    overrides
  )
}

function attachmentList(items) {
  return { status: 200, body: { items } }
}

// An item of GET /orgs/{id}/feed.
function feedItem(meetingId, overrides = {}) {
  return Object.assign(
    {
      id: meetingId,
      kind: 'minutes',
      title: `支部党员大会：支部党员大会 ${meetingId}`,
      summary: '同意王五为发展对象',
      meeting_id: meetingId,
      image_ids: [],
      occurred_at: '2026-11-01T11:00:00+00:00',
    },
    overrides
  )
}

// GET /orgs/{id}/feed page.
function feedPage(items, options) {
  return listPage(items, options)
}

Object.assign(module.exports, { attachmentBody, attachmentList, feedItem, feedPage })
