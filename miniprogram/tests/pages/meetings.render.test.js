/**
 * @jest-environment jsdom
 */
// Renders the real templates of the member's meeting pages (the check-in result and the meeting
// detail), compiled by the official wcc through miniprogram-simulate, each page adapted to
// Component() (tests/helpers/render.js).

const { settle } = require('../helpers/wx')
const { checkinEachTest } = require('../helpers/checkin-wx')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'
// 2026-12-01 18:58 in Beijing, two minutes before the meeting.
const NOW = Date.UTC(2026, 11, 1, 10, 58)

const render = pageRenderer(
  ['checkin', 'detail', 'index', 'leave', 'attendance', 'feed'],
  (name) => `pages/meetings/${name}/index`
)
const { fake } = checkinEachTest(NOW)

describe('签到 result', () => {
  test('success: the time, late or not, and 补传', async () => {
    fake.route('POST /checkins', [fixtures.checkinBody({ late: true, sent_late: true, checked_in_at: '2026-12-01T11:06:00+00:00' })])
    const comp = render('checkin')

    await comp.instance.onLoad({ token: TOKEN })

    expect(texts(comp, '.checkin-title')).toEqual(['签到成功'])
    expect(texts(comp, '.checkin-meeting')).toEqual(['十二月支部党员大会'])
    expect(texts(comp, '.checkin-label')).toEqual(['签到时间', '是否迟到', '补传'])
    expect(texts(comp, '.checkin-value')).toEqual(['12月1日 19:06', '迟到', '网络恢复后补传，按扫码时间记录'])
    expect(texts(comp, '.checkin-button')).toEqual(['查看会议', '完成'])
  })

  test('a sign-out shows its time and no 是否迟到', async () => {
    fake.route('POST /checkins/sign-out', [fixtures.checkinBody({ signed_out_at: '2026-12-01T12:31:00+00:00' }, 200)])
    const comp = render('checkin')

    await comp.instance.onLoad({ token: TOKEN, mode: 'signout' })

    expect(texts(comp, '.checkin-title')).toEqual(['签退成功'])
    expect(texts(comp, '.checkin-label')).toEqual(['签退时间'])
  })

  test('an expired code: the words, and 重新扫码', async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'qr_expired', '二维码已过期')])
    const comp = render('checkin')

    await comp.instance.onLoad({ token: TOKEN })

    expect(texts(comp, '.checkin-title')).toEqual(['二维码已更新'])
    expect(texts(comp, '.checkin-text')).toEqual(['二维码已更新，请重新扫描大屏上的二维码'])
    expect(texts(comp, '.checkin-button')).toEqual(['重新扫码', '返回'])
  })

  test('a closed check-in: no 重新扫码', async () => {
    fake.route('POST /checkins', [fixtures.apiError(409, 'checkin_closed', '签到已结束')])
    const comp = render('checkin')

    await comp.instance.onLoad({ token: TOKEN })

    expect(texts(comp, '.checkin-button')).toEqual(['返回'])
  })

  test('location_required: the permission settings too', async () => {
    fake.route('POST /checkins', [fixtures.apiError(400, 'location_required', '需要位置')])
    const comp = render('checkin')

    await comp.instance.onLoad({ token: TOKEN })

    expect(texts(comp, '.checkin-button')).toEqual(['开启位置权限', '重新扫码', '返回'])
  })

  test('offline: saved, and 立即重试', async () => {
    fake.route('POST /checkins', [{ networkFailure: true }])
    const comp = render('checkin')

    await comp.instance.onLoad({ token: TOKEN })

    expect(texts(comp, '.checkin-title')).toEqual(['签到待补传'])
    expect(texts(comp, '.checkin-text')).toEqual(['网络不佳，已保存本次扫码，恢复网络后自动补传'])
    expect(texts(comp, '.checkin-button')).toEqual(['立即重试'])
    comp.instance.onUnload()
  })

  test('not a code of this system', async () => {
    const comp = render('checkin')

    await comp.instance.onLoad({ q: encodeURIComponent('https://weixin.qq.com/r/abc') })

    expect(texts(comp, '.checkin-title')).toEqual(['无法签到'])
    expect(texts(comp, '.checkin-text')).toEqual(['不是本系统的签到码'])
  })
})

describe('会议详情', () => {
  beforeEach(() => {
    fake.route('GET /meetings/7/attachments', [{ status: 200, body: { items: [] } }])
  })

  async function shown(overrides) {
    fake.route('GET /meetings/7', [{ status: 200, body: fixtures.memberMeeting(7, overrides) }])
    const comp = render('detail')
    await comp.instance.onLoad({ id: '7' })
    await settle()
    return comp
  }

  test('the meeting and, while check-in is open, 扫码签到 and 请假', async () => {
    const comp = await shown({})

    expect(comp.querySelector('.detail-title').dom.textContent).toBe('十二月支部党员大会')
    expect(comp.dom.textContent).toContain('12月1日 19:00–20:30（北京时间）')
    expect(comp.dom.textContent).toContain('图书馆 301')
    expect(comp.querySelector('.detail-phase').dom.textContent).toBe('签到中')
    expect(texts(comp, '.detail-action')).toEqual(['扫码签到', '请假'])
    expect(comp.querySelector('.detail-manage')).toBe(undefined)
  })

  test('checked in late, with sign-out: the time and 扫码签退', async () => {
    const comp = await shown({
      phase: 'in_progress',
      sign_out: true,
      my: { attendance: 'late', checkin: fixtures.memberCheckin({ checked_in_at: '2026-12-01T11:06:00+00:00', late: true }) },
    })

    expect(comp.dom.textContent).toContain('12月1日 19:06（迟到）')
    expect(texts(comp, '.detail-action')).toEqual(['扫码签退'])
  })

  test('a revoked check-in shows why', async () => {
    const comp = await shown({
      phase: 'in_progress',
      my: { checkin: fixtures.memberCheckin({ revoked: true, revoke_reason: '代签' }) },
    })

    expect(comp.querySelector('.detail-revoked').dom.textContent).toBe('签到已被撤销：代签')
    expect(texts(comp, '.detail-action')).toEqual([])
  })

  test('a pending leave: its state and 撤回请假', async () => {
    const comp = await shown({ phase: 'upcoming', my: { leave: fixtures.memberLeaveRequest(7) } })

    expect(comp.dom.textContent).toContain('待审批')
    expect(comp.dom.textContent).toContain('事由：出差')
    expect(texts(comp, '.detail-action')).toEqual(['撤回请假'])
  })

  test('a manager finds the secretary pages', async () => {
    const comp = await shown({ can_manage: true })

    expect(texts(comp, '.detail-manage')).toEqual(['现场签到›', '编辑会议›', '会议记录›', '请假审批›'])
  })
})

test('组织生活: each meeting with its phase and my attendance', async () => {
  fake.route('GET /meetings', [
    fixtures.memberMeetings([
      fixtures.memberMeetingItem(8, { phase: 'upcoming', phase_label: '未开始' }),
      fixtures.memberMeetingItem(7, { phase: 'ended', phase_label: '已结束', my_attendance: 'absent' }),
    ]),
  ])
  const comp = render('index')

  await comp.instance.onLoad()

  expect(texts(comp, '.meetings-title')).toEqual(['十二月支部党员大会', '十二月支部党员大会'])
  expect(texts(comp, '.meetings-phase')).toEqual(['未开始', '已结束'])
  expect(texts(comp, '.meetings-attendance')).toEqual(['我的出勤：未签到', '我的出勤：缺席'])
  expect(comp.querySelector('.meetings-scan').dom.textContent).toContain('扫码签到')
  expect(comp.dom.textContent).toContain('没有更多了')
})

test('请假: the meeting, the count and the error', async () => {
  fake.route('GET /meetings/7', [{ status: 200, body: fixtures.memberMeeting(7, { phase: 'upcoming' }) }])
  const comp = render('leave')

  await comp.instance.onLoad({ id: '7' })
  comp.instance.onReasonInput({ currentTarget: { dataset: {} }, detail: { value: '出差' } })
  await comp.instance.submit()

  expect(comp.querySelector('.leave-title').dom.textContent).toBe('十二月支部党员大会')
  expect(comp.querySelector('.leave-count').dom.textContent).toBe('2/200')
  // No route for the POST: the fake server's 404 message is shown under the form.
  expect(comp.querySelector('.leave-error').dom.textContent).toBe('接口不存在')
})

test('我的出勤: the totals and the rows', async () => {
  fake.route('GET /me/attendance', [
    fixtures.myAttendance([fixtures.myAttendanceItem(9, { late: true })], { total: 12, present: 9, late: 2, on_leave: 2, absent: 1 }),
  ])
  const comp = render('attendance')

  await comp.instance.onLoad()

  expect(texts(comp, '.attendance-number')).toEqual(['12', '9', '2', '2', '1'])
  expect(texts(comp, '.attendance-title')).toEqual(['支部党员大会 9'])
  expect(comp.dom.textContent).toContain('签到 11月1日 18:57（迟到）')
})

describe('组织生活 for a secretary', () => {
  function routeLists() {
    fake.route('GET /meetings', (call) => {
      if (call.data.mine === 'true') return fixtures.memberMeetings([fixtures.memberMeetingItem(7)])
      const draft = fixtures.memberMeetingItem(9, { status: 'draft', phase: 'draft', phase_label: '草稿', title: '一月支部委员会' })
      delete draft.my_attendance
      return fixtures.memberMeetings([draft])
    })
  }

  test('the tabs and the two buttons; 支部会议 shows the draft with its phase and org', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    routeLists()
    const comp = render('index')

    await comp.instance.onLoad()

    expect(texts(comp, '.meetings-tab')).toEqual(['我的会议', '支部会议'])
    expect(texts(comp, '.meetings-tab-active')).toEqual(['我的会议'])
    expect(texts(comp, '.meetings-manage-button')).toEqual(['新建会议', '请假审批'])
    expect(texts(comp, '.meetings-org')).toEqual([])

    comp.querySelectorAll('.meetings-tab')[1].dispatchEvent('tap')
    await settle()

    expect(texts(comp, '.meetings-tab-active')).toEqual(['支部会议'])
    expect(texts(comp, '.meetings-title')).toEqual(['一月支部委员会'])
    expect(texts(comp, '.meetings-phase')).toEqual(['草稿'])
    expect(texts(comp, '.meetings-org')).toEqual(['本科生第一党支部'])
    expect(comp.querySelectorAll('.meetings-attendance')).toHaveLength(0)

    comp.querySelector('.meetings-new').dispatchEvent('tap')
    await settle()
    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/edit/index?org_id=3' })
  })

  test('an empty 支部会议 says so', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    fake.route('GET /meetings', [fixtures.memberMeetings([])])
    const comp = render('index')
    await comp.instance.onLoad()

    await comp.instance.switchTab({ currentTarget: { dataset: { tab: 'org' } } })

    expect(texts(comp, '.meetings-empty')).toEqual(['暂无支部会议'])
  })

  test('a member sees neither tabs nor buttons', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami(null)])
    routeLists()
    const comp = render('index')

    await comp.instance.onLoad()

    expect(comp.querySelector('.meetings-tabs')).toBeFalsy()
    expect(comp.querySelector('.meetings-manage')).toBeFalsy()
    expect(texts(comp, '.meetings-title')).toEqual(['十二月支部党员大会'])
  })
})

describe('支部动态', () => {
  test('title, date, summary and the downloaded photos; a photo previews without opening the meeting', async () => {
    fake.route('GET /orgs/3/feed', [
      fixtures.feedPage([
        fixtures.feedItem(8, { title: '主题党日：参观纪念馆', summary: '重温入党誓词', image_ids: [31, 32] }),
        fixtures.feedItem(7, { summary: '' }),
      ]),
    ])
    global.wx.downloadFile = jest.fn((options) => {
      const failing = options.url.endsWith('/32/content')
      setTimeout(() =>
        failing ? options.success({ statusCode: 404 }) : options.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/31.jpg' })
      )
    })
    const comp = render('feed')

    await comp.instance.onLoad({ org_id: '3' })

    expect(texts(comp, '.feed-title')).toEqual(['主题党日：参观纪念馆', '支部党员大会：支部党员大会 7'])
    expect(texts(comp, '.feed-date')).toEqual(['11月1日', '11月1日'])
    expect(texts(comp, '.feed-summary')).toEqual(['重温入党誓词'])
    const images = comp.querySelectorAll('.feed-image')
    expect(images).toHaveLength(1)
    // The simulator keeps an <image>'s src off the DOM; the one shown is the downloaded one.
    expect(comp.instance.data.items[0].images.map((image) => image.path)).toEqual(['wxfile://tmp/31.jpg', ''])
    expect(texts(comp, '.feed-image-failed')).toEqual(['加载失败'])
    expect(comp.dom.textContent).toContain('没有更多了')

    comp.querySelectorAll('.feed-image-box')[0].dispatchEvent('tap')
    await settle()
    expect(global.wx.previewImage).toHaveBeenCalledWith({ current: 'wxfile://tmp/31.jpg', urls: ['wxfile://tmp/31.jpg'] })
    expect(global.wx.navigateTo).not.toHaveBeenCalled()

    comp.querySelectorAll('.feed-item')[1].dispatchEvent('tap')
    await settle()
    expect(global.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/detail/index?id=7' })
  })

  test('an empty feed, and a page opened without a branch', async () => {
    fake.route('GET /orgs/3/feed', [fixtures.feedPage([])])
    const empty = render('feed')
    await empty.instance.onLoad({ org_id: '3' })
    expect(texts(empty, '.feed-empty')).toEqual(['暂无支部动态'])

    const none = render('feed')
    await none.instance.onLoad({})
    expect(texts(none, '.feed-no-org')).toEqual(['未找到所在支部'])
  })
})
