/**
 * @jest-environment jsdom
 */
// Renders the real templates of the secretary's meeting pages (edit, live, leave-approvals,
// minutes), compiled by the official wcc through miniprogram-simulate, each page adapted to
// Component() (tests/helpers/render.js). The page logic itself is tested in meeting-admin-*.test.js;
// here: that what the logic sets is what the secretary sees.

const { signedInEachTest } = require('../helpers/wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

const render = pageRenderer(['edit', 'live', 'leave-approvals', 'minutes'], (name) => `pages/meetings/${name}/index`)
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

describe('会议安排', () => {
  test('a new meeting: the org, the pickers asking to be chosen, the messages next to their fields', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    fake.route('GET /orgs/3', [fixtures.org(3, '本科生第一党支部')])
    const comp = render('edit')

    await comp.instance.onLoad({})
    expect(comp.querySelector('.edit-org').dom.textContent).toBe('本科生第一党支部')
    expect(comp.querySelector('.edit-type').dom.textContent).toBe('请选择')
    expect(comp.querySelector('.edit-save').dom.textContent).toContain('保存草稿')
    expect(comp.querySelector('.edit-publish')).toBeFalsy()
    expect(comp.dom.textContent).toContain('不开启则不限制签到位置')

    await comp.instance.save()
    expect(comp.querySelector('.edit-error-type').dom.textContent).toBe('请选择会议类型')
    expect(comp.querySelector('.edit-error-time').dom.textContent).toBe('请选择会议日期')

    comp.instance.pickType(inputEvent('5'))
    comp.instance.toggleGeofence(inputEvent(true))
    expect(comp.querySelector('.edit-type').dom.textContent).toBe('组织生活会')
    expect(comp.querySelector('.edit-radius').dom.textContent).toBe('300 米以内')
    expect(comp.querySelector('.edit-location').dom.textContent).toBe('未选择')
  })

  test('a draft offers 发布 and 删除草稿; a published meeting 取消会议 and the follow-up pages', async () => {
    fake.route('GET /meetings/7', [
      { status: 200, body: fixtures.adminMeeting(7) },
      { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming', phase_label: '未开始' }) },
    ])
    const comp = render('edit')

    await comp.instance.onLoad({ id: '7' })
    expect(comp.querySelector('.edit-state').dom.textContent).toBe('草稿')
    expect(comp.querySelector('.edit-org-name').dom.textContent).toBe('本科生第一党支部')
    expect(comp.querySelector('.edit-save').dom.textContent).toContain('保存修改')
    expect(comp.querySelector('.edit-publish')).toBeTruthy()
    expect(comp.querySelector('.edit-delete')).toBeTruthy()
    expect(comp.querySelector('.edit-open-cancel')).toBeFalsy()
    expect(comp.querySelector('.edit-links')).toBeFalsy()
    expect(comp.dom.textContent).toContain('19:00')
    expect(comp.dom.textContent).toContain('20:30')

    await comp.instance.loadMeeting()
    expect(comp.querySelector('.edit-publish')).toBeFalsy()
    expect(texts(comp, '.edit-link')).toEqual(['现场签到', '请假审批', '会议纪要'])

    comp.instance.openCancel()
    await comp.instance.confirmCancel()
    expect(comp.querySelector('.edit-error-cancel-reason').dom.textContent).toBe('请填写取消原因')
  })
})

describe('现场签到', () => {
  test('counts, groups, flags and the actions of a manager; the panel', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase_label: '进行中' }) }])
    fake.route('GET /meetings/7/attendance', [
      fixtures.attendanceBody(
        [
          fixtures.attendanceEntry(21, '张三', 'present', { checkin: { flags: ['shared_address'] } }),
          fixtures.attendanceEntry(23, '王五', 'not_checked_in', { checkin: null }),
        ],
        { expected: 2, present: 1, not_checked_in: 1 },
        { shared_address: 1 }
      ),
    ])
    const comp = render('live')
    comp.instance.setData({ id: '7' })

    await comp.instance.loadMeeting()
    await comp.instance.refresh()

    expect(comp.querySelector('.live-title').dom.textContent).toBe('十二月支部党员大会')
    expect(texts(comp, '.live-count-label')).toEqual(['应到', '已签到', '迟到', '请假', '未签到', '缺席'])
    expect(texts(comp, '.live-count-value')).toEqual(['2', '1', '0', '0', '1', '0'])
    expect(comp.querySelector('.live-anomalies').dom.textContent).toBe('异常提示：同一网络地址 1')
    expect(texts(comp, '.live-group-title')).toEqual(['未签到（1）', '已签到（1）'])
    expect(texts(comp, '.live-name')).toEqual(['王五', '张三'])
    expect(texts(comp, '.live-flag')).toEqual(['同一网络地址'])
    expect(comp.querySelectorAll('.live-revoke')).toHaveLength(1)
    expect(comp.querySelectorAll('.live-manual')).toHaveLength(1)
    expect(texts(comp, '.live-leave')).toEqual(['登记请假'])
    expect(comp.querySelector('.live-panel')).toBeFalsy()

    comp.instance.openManual({ currentTarget: { dataset: { personId: 23 } } })
    expect(comp.querySelector('.live-panel-title').dom.textContent).toBe('补签：王五')
    expect(comp.querySelector('.live-panel-submit').dom.textContent).toBe('补签')
    expect(comp.dom.textContent).toContain('记为迟到')

    comp.instance.closePanel()
    comp.instance.openLeave({ currentTarget: { dataset: { personId: 23 } } })
    expect(comp.querySelector('.live-panel-title').dom.textContent).toBe('登记请假：王五')
    expect(comp.querySelector('.live-panel-submit').dom.textContent).toBe('登记')
    expect(comp.dom.textContent).not.toContain('记为迟到')

    await comp.instance.submitPanel()
    expect(comp.querySelector('.live-panel-error').dom.textContent).toBe('请填写请假原因')
  })

  test('the chair or recorder see the list without 撤销, 补签 or 登记请假', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.adminMeeting(7, { status: 'published', can_manage: false }) }])
    fake.route('GET /meetings/7/attendance', [
      fixtures.attendanceBody(
        [
          fixtures.attendanceEntry(21, '张三', 'present'),
          fixtures.attendanceEntry(23, '王五', 'not_checked_in', { checkin: null }),
          fixtures.attendanceEntry(27, '吴十', 'absent', { checkin: null }),
        ],
        { expected: 3, present: 1, not_checked_in: 1, absent: 1 }
      ),
    ])
    const comp = render('live')
    comp.instance.setData({ id: '7' })

    await comp.instance.loadMeeting()
    await comp.instance.refresh()

    expect(texts(comp, '.live-name')).toEqual(['王五', '吴十', '张三'])
    expect(comp.querySelectorAll('.live-actions')).toHaveLength(0)
    expect(comp.querySelectorAll('.live-leave')).toHaveLength(0)
  })
})

describe('请假审批', () => {
  test('a pending request has the comment and both buttons; a decided one its outcome', async () => {
    fake.route('GET /leave-requests', [
      fixtures.leaveRequestPage([
        fixtures.leaveRequestBody(5),
        fixtures.leaveRequestBody(4, { state: 'approved', state_label: '已批准', decided_by: '书记王' }),
      ]),
    ])
    const comp = render('leave-approvals')

    await comp.instance.onLoad({})

    expect(texts(comp, '.leave-name')).toEqual(['党员5', '党员4'])
    expect(texts(comp, '.leave-reason')).toEqual(['请假理由：课程冲突', '请假理由：课程冲突'])
    expect(comp.querySelectorAll('.leave-approve')).toHaveLength(1)
    expect(comp.querySelectorAll('.leave-reject')).toHaveLength(1)
    expect(texts(comp, '.leave-result')).toEqual(['已批准（书记王）'])

    await comp.instance.reject({ currentTarget: { dataset: { index: 0 } } })
    expect(comp.querySelector('.leave-error').dom.textContent).toBe('请填写驳回原因，申请人会看到')
  })

  test('an empty list says so', async () => {
    fake.route('GET /leave-requests', [fixtures.leaveRequestPage([])])
    const comp = render('leave-approvals')

    await comp.instance.onLoad({ meeting_id: '7' })

    expect(comp.querySelector('.leave-empty').dom.textContent).toBe('没有待审批的请假申请')
  })
})

describe('会议纪要', () => {
  test('the attendance, the text, the votes, the signatures and the buttons', async () => {
    fake.route('GET /meetings/7', [
      { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'ended', phase_label: '已结束' }) },
    ])
    const whoami = fixtures.whoami([3])
    whoami.body.person = Object.assign({}, whoami.body.person, { id: 12 })
    fake.route('GET /auth/whoami', [whoami])
    fake.route('GET /meetings/7/minutes', [
      { status: 200, body: fixtures.minutesBody({ recorder_signed_at: '2026-12-01T13:00:00+00:00' }) },
    ])
    const comp = render('minutes')

    await comp.instance.onLoad({ id: '7' })

    expect(texts(comp, '.minutes-count-label')).toEqual(['应到', '实到', '迟到', '请假', '缺席', '列席'])
    expect(texts(comp, '.minutes-list')).toContain('请假：王五（出差）')
    expect(comp.querySelectorAll('.minutes-vote')).toHaveLength(1)
    expect(texts(comp, '.minutes-signed')).toEqual(['未签字', '已签字 12月1日 21:00'])
    expect(comp.querySelector('.minutes-save')).toBeTruthy()
    expect(comp.querySelector('.minutes-sign')).toBeTruthy()
    expect(comp.querySelector('.minutes-archive')).toBeTruthy()

    comp.instance.addVote()
    expect(comp.querySelectorAll('.minutes-vote')).toHaveLength(2)
    comp.instance.onAgendaInput(inputEvent(''))
    await comp.instance.save()
    expect(comp.querySelector('.minutes-error-agenda').dom.textContent).toBe('请填写会议议程')
    expect(texts(comp, '.minutes-vote-error')).toEqual(['请填写表决事项'])
  })

  test('before the start: the note, and no buttons', async () => {
    fake.route('GET /meetings/7', [
      { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming', phase_label: '未开始' }) },
    ])
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [fixtures.attendanceBody([], { expected: 30 })])
    const comp = render('minutes')

    await comp.instance.onLoad({ id: '7' })

    expect(comp.querySelector('.minutes-not-started').dom.textContent).toBe('会议开始后才能填写纪要')
    expect(texts(comp, '.minutes-count-label')).toEqual(['应到', '已签到', '迟到', '请假', '未签到', '缺席'])
    expect(comp.querySelector('.minutes-save')).toBeFalsy()
    expect(comp.querySelector('.minutes-add-vote')).toBeFalsy()
    expect(comp.querySelector('.minutes-sign')).toBeFalsy()
  })
  describe('照片与附件', () => {
    function routeMinutes(meetingOverrides = {}) {
      fake.route('GET /meetings/7', [
        {
          status: 200,
          body: fixtures.adminMeeting(7, Object.assign({ status: 'published', phase: 'ended', phase_label: '已结束' }, meetingOverrides)),
        },
      ])
      fake.route('GET /auth/whoami', [fixtures.whoami([3])])
      fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody() }])
    }

    test('the list with kinds and sizes, 删除 and 上传照片/文件 for those who run the meeting', async () => {
      routeMinutes()
      fake.route('GET /meetings/7/attachments', [
        fixtures.attachmentList([
          fixtures.attachmentBody(31),
          fixtures.attachmentBody(32, { content_type: 'application/pdf', caption: '学习材料.pdf', size: 1572864 }),
        ]),
      ])
      const comp = render('minutes')

      await comp.instance.onLoad({ id: '7' })

      expect(texts(comp, '.minutes-attachment-kind')).toEqual(['照片', 'PDF'])
      expect(texts(comp, '.minutes-attachment-name')).toEqual(['photo-31.jpg', '学习材料.pdf'])
      expect(texts(comp, '.minutes-attachment-size')).toEqual(['240 KB', '1.5 MB'])
      expect(texts(comp, '.minutes-attachment-remove')).toEqual(['删除', '删除'])
      expect(comp.querySelector('.minutes-upload').dom.textContent).toContain('上传照片/文件')
      expect(comp.querySelector('.minutes-attachments-empty')).toBeFalsy()

      comp.setData({ uploadText: '正在上传 1/3' })
      expect(texts(comp, '.minutes-upload-progress')).toEqual(['正在上传 1/3'])
    })

    test('a participant reads the list without 删除 or 上传', async () => {
      routeMinutes({ can_manage: false })
      fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([fixtures.attachmentBody(31)])])
      const comp = render('minutes')

      await comp.instance.onLoad({ id: '7' })

      expect(texts(comp, '.minutes-attachment-name')).toEqual(['photo-31.jpg'])
      expect(comp.querySelector('.minutes-upload')).toBeFalsy()
      expect(comp.querySelector('.minutes-attachment-remove')).toBeFalsy()
    })

    test('an empty list says so', async () => {
      routeMinutes()
      fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([])])
      const comp = render('minutes')

      await comp.instance.onLoad({ id: '7' })

      expect(texts(comp, '.minutes-attachments-empty')).toEqual(['暂无照片或附件'])
    })

    test('a list that failed: the message and 重试', async () => {
      routeMinutes()
      fake.route('GET /meetings/7/attachments', [fixtures.apiError(500, 'internal', '服务器错误')])
      const comp = render('minutes')

      await comp.instance.onLoad({ id: '7' })

      expect(comp.querySelector('.minutes-attachments-error').dom.textContent).toContain('附件加载失败：服务器错误')
      expect(comp.querySelector('.minutes-attachments-retry')).toBeTruthy()
      expect(comp.querySelector('.minutes-save')).toBeTruthy()
    })
  })
})
