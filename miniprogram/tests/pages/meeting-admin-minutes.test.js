const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-12-01 21:00 in Beijing: the meeting (19:00–20:30) has ended.
const NOW = Date.UTC(2026, 11, 1, 13, 0)

// The meeting of these tests, once held (fixtures.endedAdminMeeting).
const ended = (overrides) => fixtures.endedAdminMeeting(7, overrides)

const fake = signedInEachTest(NOW)

beforeEach(() => {
  fake.route('GET /meetings/7', [{ status: 200, body: ended() }])
  fake.route('GET /auth/whoami', [fixtures.whoamiAs(7)])
  fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody() }])
})

async function openedPage() {
  const page = loadPage('pages/meetings/minutes/index')
  await page.onLoad({ id: '7' })
  return page
}

function voteInput(index, field, value) {
  return tapEvent({ index, field }, { value })
}

function puts() {
  return fake.requestsTo('PUT /meetings/7/minutes').map((call) => call.data)
}

describe('loading', () => {
  test('saved minutes: the text, the votes as typed, the attendance the server recorded', async () => {
    const page = await openedPage()

    expect(page.data).toMatchObject({
      loading: false,
      loadError: '',
      title: '十二月支部党员大会',
      phaseLabel: '已结束',
      hasMinutes: true,
      version: 3,
      agenda: '一、学习党章\n二、讨论发展对象',
      content: '张三：传达上级精神。',
      resolutions: '同意王五为发展对象',
      canWrite: true,
      canSign: false,
      canArchive: true,
      dirty: false,
      updatedText: '最后保存：12月1日 21:00',
    })
    expect(page.data.votes).toEqual([{ key: 'saved-0', item: '王五列为发展对象', yes: '20', no: '1', abstain: '2', error: '' }])
    expect(page.data.attendance.rows.map((row) => `${row.label} ${row.value}`)).toEqual([
      '应到 3',
      '实到 2',
      '迟到 1',
      '请假 1',
      '缺席 0',
      '列席 1',
    ])
    expect(page.data.attendance.lists.map((list) => `${list.label}：${list.names}`)).toEqual([
      '实到：张三、李四',
      '迟到：李四',
      '请假：王五（出差）',
      '列席：赵六',
    ])
    expect(page.data.chair).toEqual({ name: '张三', signed: false, signedText: '未签字' })
    expect(fake.requestsTo('GET /meetings/7/attendance')).toHaveLength(0)
  })

  test('no minutes yet (404 no_minutes): the live counts instead, and the first save has no version', async () => {
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [
      fixtures.attendanceBody([], { expected: 30, present: 20, late: 2, on_leave: 3, not_checked_in: 0, absent: 7 }),
    ])
    fake.route('PUT /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ version: 1 }) }])

    const page = await openedPage()

    expect(page.data).toMatchObject({ hasMinutes: false, version: null, agenda: '', votes: [], canWrite: true, canArchive: false })
    expect(page.data.attendance.rows.map((row) => `${row.label} ${row.value}`)).toEqual([
      '应到 30',
      '已签到 20',
      '迟到 2',
      '请假 3',
      '未签到 0',
      '缺席 7',
    ])
    expect(page.data.attendanceNote).toBe('当前签到情况；保存纪要后自动记入出勤名单')

    page.onAgendaInput(inputEvent('议程'))
    page.onContentInput(inputEvent('内容'))
    await page.save()
    expect(puts()).toEqual([{ agenda: '议程', content: '内容', resolutions: '', votes: [] }])
    expect(page.data).toMatchObject({ version: 1, hasMinutes: true, canArchive: true, dirty: false })
  })

  test('no minutes and no attendance either: the form still works', async () => {
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [{ networkFailure: true }])

    const page = await openedPage()

    expect(page.data).toMatchObject({ loadError: '', attendance: null, canWrite: true })
  })

  test('a meeting that cannot be loaded shows the message; retry', async () => {
    fake.route('GET /meetings/7', [fixtures.apiError(404, 'not_found', '会议不存在'), { status: 200, body: ended() }])

    const page = await openedPage()
    expect(page.data).toMatchObject({ loading: false, loadError: '会议不存在' })

    await page.load()
    expect(page.data).toMatchObject({ loadError: '', agenda: '一、学习党章\n二、讨论发展对象' })
  })

  test('another 404 of the minutes (no such meeting) is an error, not an empty form', async () => {
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'not_found', '会议不存在')])

    const page = await openedPage()

    expect(page.data.loadError).toBe('会议不存在')
  })

  test('before the start nobody writes', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: ended({ phase: 'checkin_open', phase_label: '签到中' }) }])
    fake.route('GET /meetings/7/minutes', [fixtures.apiError(404, 'no_minutes', '尚无纪要')])
    fake.route('GET /meetings/7/attendance', [fixtures.attendanceBody([])])
    const page = await openedPage()
    page.onAgendaInput(inputEvent('议程'))
    page.onContentInput(inputEvent('内容'))

    await page.save()

    expect(page.data).toMatchObject({ notStarted: true, canWrite: false })
    expect(puts()).toEqual([])
  })

  test('the recorder writes without being a manager; a plain participant only reads', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: ended({ can_manage: false }) }])
    fake.route('GET /auth/whoami', [fixtures.whoamiAs(13), fixtures.whoamiAs(7)])

    const recorder = await openedPage()
    expect(recorder.data).toMatchObject({ canWrite: true, canSign: true, canArchive: false })

    const reader = await openedPage()
    expect(reader.data).toMatchObject({ canWrite: false, canSign: false, canArchive: false })
  })

  test('archived or frozen minutes are read-only', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: ended({ status: 'archived', phase: 'archived', phase_label: '已归档' }) }])
    fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ frozen: true }) }])

    const page = await openedPage()

    expect(page.data).toMatchObject({ canWrite: false, canArchive: false, frozen: true, attendanceNote: '会议已归档，出勤情况已固定' })
  })
})

describe('saving', () => {
  test('PUT with the version loaded, the text trimmed and the votes as numbers', async () => {
    fake.route('PUT /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ version: 4, content: '新内容' }) }])
    const page = await openedPage()

    page.onContentInput(inputEvent(' 新内容 \n'))
    expect(page.data.dirty).toBe(true)
    page.addVote()
    page.onVoteInput(voteInput(1, 'item', ' 通过决议 '))
    page.onVoteInput(voteInput(1, 'yes', '18'))
    page.onVoteInput(voteInput(1, 'no', '0'))
    page.onVoteInput(voteInput(1, 'abstain', ' 3 '))
    await page.save()

    expect(puts()).toEqual([
      {
        version: 3,
        agenda: '一、学习党章\n二、讨论发展对象',
        content: '新内容',
        resolutions: '同意王五为发展对象',
        votes: [
          { item: '王五列为发展对象', yes: 20, no: 1, abstain: 2 },
          { item: '通过决议', yes: 18, no: 0, abstain: 3 },
        ],
      },
    ])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已保存', icon: 'success' })
    expect(page.data).toMatchObject({ version: 4, content: '新内容', dirty: false, busy: '' })
  })

  test('removing a vote row sends the rest', async () => {
    fake.route('PUT /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ votes: [] }) }])
    const page = await openedPage()

    page.addVote()
    page.removeVote(tapEvent({ index: 0 }))
    page.onVoteInput(voteInput(0, 'item', '第二项'))
    page.onVoteInput(voteInput(0, 'yes', '1'))
    page.onVoteInput(voteInput(0, 'no', '0'))
    page.onVoteInput(voteInput(0, 'abstain', '0'))
    expect(page.data.votes.map((vote) => vote.key)).toEqual(['added-1'])
    page.removeVote(tapEvent({ index: 5 }))
    await page.save()

    expect(puts()[0].votes).toEqual([{ item: '第二项', yes: 1, no: 0, abstain: 0 }])
  })

  test('agenda and content are required', async () => {
    const page = await openedPage()
    page.onAgendaInput(inputEvent('  '))
    page.onContentInput(inputEvent(''))

    await page.save()

    expect(page.data.fieldErrors).toEqual({ agenda: '请填写会议议程', content: '请填写会议内容' })
    expect(puts()).toEqual([])
  })

  test.each([
    [{ item: '', yes: '1', no: '0', abstain: '0' }, '请填写表决事项'],
    [{ item: '事项', yes: '', no: '0', abstain: '0' }, '赞成、反对、弃权票数应为不小于 0 的整数'],
    [{ item: '事项', yes: '1', no: '-1', abstain: '0' }, '赞成、反对、弃权票数应为不小于 0 的整数'],
    [{ item: '事项', yes: '1', no: '0', abstain: '1.5' }, '赞成、反对、弃权票数应为不小于 0 的整数'],
  ])('a vote row %j is refused: %s', async (row, message) => {
    const page = await openedPage()
    page.addVote()
    Object.keys(row).forEach((field) => page.onVoteInput(voteInput(1, field, row[field])))

    await page.save()

    expect(page.data.votes[1].error).toBe(message)
    expect(page.data.votes[0].error).toBe('')
    expect(puts()).toEqual([])

    page.onVoteInput(voteInput(1, 'item', '事项'))
    expect(page.data.votes[1].error).toBe('')
  })

  test('409 minutes_conflict: the secretary is told someone else saved, and the form reloads', async () => {
    fake.route('PUT /meetings/7/minutes', [fixtures.apiError(409, 'minutes_conflict', '纪要已被修改')])
    fake.route('GET /meetings/7/minutes', [
      { status: 200, body: fixtures.minutesBody() },
      { status: 200, body: fixtures.minutesBody({ version: 5, content: '别人保存的内容' }) },
    ])
    const page = await openedPage()
    page.onContentInput(inputEvent('我的修改'))

    await page.save()

    expect(fake.wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '纪要已被他人修改', showCancel: false })
    )
    expect(fake.wx.showModal.mock.calls[0][0].content).toContain('你的修改没有保存')
    expect(fake.requestsTo('GET /meetings/7/minutes')).toHaveLength(2)
    expect(page.data).toMatchObject({ version: 5, content: '别人保存的内容', dirty: false, busy: '' })
  })

  test("a 422 shows the server's messages next to the fields; other errors are a toast", async () => {
    fake.route('PUT /meetings/7/minutes', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', { content: ['太长'], votes: { 0: { yes: ['不能为负数'] } } }),
      fixtures.apiError(409, 'not_started', '会议开始后才能填写纪要'),
    ])
    const page = await openedPage()

    await page.save()
    expect(page.data.fieldErrors).toEqual({ content: '太长', votes: '不能为负数' })
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    await page.save()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '会议开始后才能填写纪要', icon: 'none', duration: 2000 })
    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(page.data.busy).toBe('')
  })

  test('a double tap saves once', async () => {
    fake.route('PUT /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ version: 4 }) }])
    const page = await openedPage()

    await Promise.all([page.save(), page.save()])

    expect(puts()).toHaveLength(1)
  })
})

describe('签字', () => {
  beforeEach(() => {
    fake.route('GET /auth/whoami', [fixtures.whoamiAs(12)])
  })

  test('the chair signs; the signature shows', async () => {
    fake.route('POST /meetings/7/minutes/sign', [
      { status: 200, body: fixtures.minutesBody({ chair_signed_at: '2026-12-01T13:00:00+00:00' }) },
    ])
    const page = await openedPage()
    expect(page.data.canSign).toBe(true)

    await page.sign()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '签字确认' }))
    expect(fake.requestsTo('POST /meetings/7/minutes/sign')).toHaveLength(1)
    expect(page.data.chair).toEqual({ name: '张三', signed: true, signedText: '已签字 12月1日 21:00' })
    expect(page.data).toMatchObject({ canSign: false, busy: '' })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已签字', icon: 'success' })
  })

  test('unsaved text must be saved first; 取消 signs nothing', async () => {
    const page = await openedPage()

    page.onAgendaInput(inputEvent('改了'))
    await page.sign()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '请先保存纪要', icon: 'none' })
    expect(fake.wx.showModal).not.toHaveBeenCalled()

    const fresh = await openedPage()
    fake.answerModal(false)
    await fresh.sign()
    expect(fake.requestsTo('POST /meetings/7/minutes/sign')).toHaveLength(0)
    expect(fresh.data.busy).toBe('')
  })

  test('not offered before there are minutes, nor once signed', async () => {
    fake.route('GET /meetings/7/minutes', [
      fixtures.apiError(404, 'no_minutes', '尚无纪要'),
      { status: 200, body: fixtures.minutesBody({ chair_signed_at: '2026-12-01T13:00:00+00:00' }) },
    ])
    fake.route('GET /meetings/7/attendance', [fixtures.attendanceBody([])])

    expect((await openedPage()).data.canSign).toBe(false)
    expect((await openedPage()).data.canSign).toBe(false)
  })

  test('without whoami nobody is taken for the chair', async () => {
    fake.route('GET /auth/whoami', [{ networkFailure: true }])

    const page = await openedPage()

    expect(page.data).toMatchObject({ loadError: '', canSign: false, canWrite: true })
  })
})

describe('归档', () => {
  test('asks, archives, and shows the minutes frozen', async () => {
    fake.route('POST /meetings/7/archive', [
      { status: 200, body: ended({ status: 'archived', phase: 'archived', phase_label: '已归档' }) },
    ])
    const page = await openedPage()
    fake.route('GET /meetings/7', [{ status: 200, body: ended({ status: 'archived', phase: 'archived', phase_label: '已归档' }) }])
    fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody({ frozen: true }) }])

    await page.archive()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '归档会议', confirmText: '归档' }))
    expect(fake.requestsTo('POST /meetings/7/archive')).toHaveLength(1)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已归档', icon: 'success' })
    expect(page.data).toMatchObject({ phaseLabel: '已归档', frozen: true, canWrite: false, canArchive: false, busy: '' })
  })

  test('only for managers, once the meeting has ended, with minutes saved', async () => {
    fake.route('GET /meetings/7', [
      { status: 200, body: ended({ phase: 'in_progress', phase_label: '进行中' }) },
      { status: 200, body: ended({ can_manage: false }) },
    ])

    const during = await openedPage()
    expect(during.data).toMatchObject({ canArchive: false, canWrite: true })
    await during.archive()
    expect(fake.wx.showModal).not.toHaveBeenCalled()

    expect((await openedPage()).data.canArchive).toBe(false)
  })

  test('unsaved text must be saved first', async () => {
    const page = await openedPage()
    page.onResolutionsInput(inputEvent('新决议'))

    await page.archive()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '请先保存纪要', icon: 'none' })
    expect(fake.requestsTo('POST /meetings/7/archive')).toHaveLength(0)
  })

  test("a refusal is the server's message", async () => {
    fake.route('POST /meetings/7/archive', [fixtures.apiError(409, 'not_ended', '会议尚未结束')])
    const page = await openedPage()

    await page.archive()
    await settle()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '会议尚未结束', icon: 'none', duration: 2000 })
    expect(page.data).toMatchObject({ canArchive: true, busy: '' })
  })
})

test('without an id nothing is asked', async () => {
  const page = loadPage('pages/meetings/minutes/index')

  await page.onLoad({})

  expect(page.data.loadError).toBe('会议不存在')
  expect(fake.requests).toHaveLength(0)
})
