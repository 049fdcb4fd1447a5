const { signedInEachTest, settle } = require('../helpers/wx')
const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

beforeEach(() => {
  // Not in the shared fake: only these pages use them.
  fake.wx.navigateBack = jest.fn()
  fake.wx.chooseLocation = jest.fn()
  fake.route('GET /auth/whoami', [fixtures.whoami([3])])
  fake.route('GET /orgs/3', [fixtures.org(3, '本科生第一党支部')])
  fake.route('GET /orgs/5', [fixtures.org(5, '研究生党支部')])
})

async function newPage(query = {}) {
  const page = loadPage('pages/meetings/edit/index')
  await page.onLoad(query)
  return page
}

// A new meeting's form filled in: 支部党员大会 on 1 December, 19:00–20:30 Beijing time.
async function filledNewPage(query) {
  const page = await newPage(query)
  page.pickType(inputEvent('0'))
  page.onTitleInput(inputEvent(' 十二月支部党员大会 '))
  page.onPlaceInput(inputEvent('图书馆 301'))
  page.pickDate(inputEvent('2026-12-01'))
  page.pickStart(inputEvent('19:00'))
  page.pickEnd(inputEvent('20:30'))
  return page
}

async function editPage(meeting) {
  fake.route('GET /meetings/7', [{ status: 200, body: meeting }])
  const page = loadPage('pages/meetings/edit/index')
  await page.onLoad({ id: '7' })
  return page
}

function bodies(key) {
  return fake.requestsTo(key).map((call) => call.data)
}

describe('a new meeting: the org', () => {
  test('the only org of the secretary is preselected', async () => {
    const page = await newPage()

    expect(page.data).toMatchObject({ loading: false, loadError: '', orgIndex: 0, meeting: null, dateStart: '2026-11-24' })
    expect(page.data.orgs).toEqual([{ id: 3, name: '本科生第一党支部' }])
  })

  test('with several, ?org_id= preselects one; otherwise the secretary must pick', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3, 5])])

    expect((await newPage({ org_id: '5' })).data.orgIndex).toBe(1)

    const page = await filledNewPage()
    expect(page.data.orgIndex).toBe(-1)
    await page.save()
    expect(page.data.fieldErrors).toEqual({ org: '请选择召开会议的组织' })
    expect(bodies('POST /meetings')).toEqual([])
  })

  test('an org in the query that whoami does not list is offered too (the server decides)', async () => {
    fake.route('GET /orgs/9', [fixtures.org(9, '学院党委', { type: 'committee' })])

    const page = await newPage({ org_id: '9' })

    expect(page.data.orgs).toEqual([
      { id: 3, name: '本科生第一党支部' },
      { id: 9, name: '学院党委' },
    ])
    expect(page.data.orgIndex).toBe(1)
  })

  test('without a secretary post there is nothing to pick', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami(null)])

    const page = await newPage()

    expect(page.data).toMatchObject({ orgs: [], loadError: '你没有可以召开会议的组织' })
  })

  test('a failed load shows the message; the retry (a tap event as argument) keeps the query org', async () => {
    fake.route('GET /auth/whoami', [{ networkFailure: true }, fixtures.whoami([3, 5])])

    const page = await newPage({ org_id: '5' })
    expect(page.data.loadError).toBe('网络连接失败，请稍后重试')

    await page.loadOrgs(tapEvent())
    expect(page.data).toMatchObject({ loadError: '', orgIndex: 1 })
  })
})

describe('a new meeting: validation before sending', () => {
  test('an empty form: every required field says so, nothing is sent', async () => {
    const page = await newPage()

    await page.save()

    expect(page.data.fieldErrors).toEqual({
      type: '请选择会议类型',
      title: '请输入会议名称',
      place: '请输入会议地点',
      time: '请选择会议日期',
    })
    expect(fake.requests.filter((call) => call.method !== 'GET')).toEqual([])
  })

  test('title and place up to 100 characters (emoji count as one)', async () => {
    const page = await filledNewPage()
    page.onTitleInput(inputEvent('会'.repeat(101)))
    page.onPlaceInput(inputEvent('👍'.repeat(101)))

    await page.save()
    expect(page.data.fieldErrors).toEqual({ title: '会议名称不能超过 100 个字', place: '会议地点不能超过 100 个字' })

    fake.route('POST /meetings', [{ status: 201, body: fixtures.adminMeeting(7) }])
    page.onTitleInput(inputEvent('会'.repeat(100)))
    page.onPlaceInput(inputEvent('👍'.repeat(100)))
    await page.save()
    expect(bodies('POST /meetings')).toHaveLength(1)
  })

  test.each([
    ['19:00', '19:00', '结束时间应晚于开始时间'],
    ['19:00', '18:00', '结束时间应晚于开始时间'],
  ])('start %s, end %s: %s', async (start, end, message) => {
    const page = await filledNewPage()
    page.pickStart(inputEvent(start))
    page.pickEnd(inputEvent(end))

    await page.save()

    expect(page.data.fieldErrors).toEqual({ time: message })
    expect(bodies('POST /meetings')).toEqual([])
  })

  test('a start in the past is refused for a new meeting; a minute ahead is fine', async () => {
    const page = await filledNewPage()
    page.pickDate(inputEvent('2026-11-24'))
    page.pickStart(inputEvent('20:30'))
    page.pickEnd(inputEvent('21:30'))

    await page.save()
    expect(page.data.fieldErrors).toEqual({ time: '开始时间不能早于当前时间' })

    fake.route('POST /meetings', [{ status: 201, body: fixtures.adminMeeting(7) }])
    page.pickStart(inputEvent('20:31'))
    await page.save()
    expect(bodies('POST /meetings')[0].start_at).toBe('2026-11-24T12:31:00Z')
  })

  test('a missing start or end time', async () => {
    const page = await newPage()
    page.pickDate(inputEvent('2026-12-01'))
    await page.save()
    expect(page.data.fieldErrors.time).toBe('请选择开始时间')

    page.setData({ startClock: '19:00', endClock: '' })
    await page.save()
    expect(page.data.fieldErrors.time).toBe('请选择结束时间')
  })

  test('the geofence needs a point from the map', async () => {
    const page = await filledNewPage()
    page.toggleGeofence(inputEvent(true))

    await page.save()

    expect(page.data.fieldErrors).toEqual({ geofence: '请在地图上选择签到地点' })
    expect(bodies('POST /meetings')).toEqual([])
  })

  test('changing a field clears its message only', async () => {
    const page = await newPage()
    await page.save()

    page.onTitleInput(inputEvent('会'))

    expect(page.data.fieldErrors.title).toBe('')
    expect(page.data.fieldErrors.place).toBe('请输入会议地点')
  })
})

describe('a new meeting: saving the draft', () => {
  test('posts the Beijing times as UTC and leaves out what is empty', async () => {
    fake.route('POST /meetings', [{ status: 201, body: fixtures.adminMeeting(7) }])
    const page = await filledNewPage()

    await page.save()

    expect(bodies('POST /meetings')).toEqual([
      {
        org_id: 3,
        type: 'branch_assembly',
        title: '十二月支部党员大会',
        place: '图书馆 301',
        start_at: '2026-12-01T11:00:00Z',
        end_at: '2026-12-01T12:30:00Z',
        sign_out: false,
      },
    ])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '草稿已保存', icon: 'success' })
    expect(page.data).toMatchObject({ id: '7', busy: '' })
    expect(page.data.meeting).toMatchObject({
      status: 'draft',
      phaseLabel: '草稿',
      orgName: '本科生第一党支部',
      editable: true,
      canPublish: true,
      canDelete: true,
      canCancel: false,
      canFollowUp: false,
    })
  })

  test('with a description, sign-out and a geofence picked on the map', async () => {
    fake.route('POST /meetings', [{ status: 201, body: fixtures.adminMeeting(7) }])
    fake.wx.chooseLocation.mockImplementation((options) => {
      setTimeout(() => options.success({ name: '图书馆', address: '某路 1 号', latitude: 30.27, longitude: 120.12 }), 0)
    })
    const page = await filledNewPage()
    page.onDescriptionInput(inputEvent(' 请带党章 '))
    page.toggleSignOut(inputEvent(true))
    page.toggleGeofence(inputEvent(true))
    page.chooseLocation()
    await settle()
    page.pickRadius(inputEvent('4'))

    expect(page.data.locationName).toBe('图书馆')
    await page.save()

    expect(bodies('POST /meetings')[0]).toMatchObject({
      description: '请带党章',
      sign_out: true,
      geofence: { latitude: 30.27, longitude: 120.12, radius_m: 1000 },
    })
  })

  test('the radius defaults to 300 m and offers 100/200/300/500/1000', async () => {
    const page = await newPage()

    expect(page.data.radii).toEqual([100, 200, 300, 500, 1000])
    expect(page.data.radiusLabels[page.data.radiusIndex]).toBe('300 米')
  })

  test('choosing a start suggests an end 90 minutes later, once', async () => {
    const page = await newPage()

    page.pickStart(inputEvent('19:00'))
    expect(page.data.endClock).toBe('20:30')
    page.pickStart(inputEvent('14:00'))
    expect(page.data.endClock).toBe('20:30')

    const late = await newPage()
    late.pickStart(inputEvent('23:00'))
    expect(late.data.endClock).toBe('23:59')
  })

  test('closing the map changes nothing; a map that cannot open says so', async () => {
    fake.wx.chooseLocation
      .mockImplementationOnce((options) => options.fail({ errMsg: 'chooseLocation:fail cancel' }))
      .mockImplementationOnce((options) => options.fail({ errMsg: 'chooseLocation:fail auth deny' }))
    const page = await newPage()

    page.chooseLocation()
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    page.chooseLocation()

    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '无法打开地图选点，请检查定位权限' }))
    expect(page.data.latitude).toBeNull()
  })

  test("a 422 shows the server's messages next to their fields, without a toast", async () => {
    fake.route('POST /meetings', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', {
        end_at: ['结束时间应晚于开始时间'],
        geofence: { radius_m: ['应在 50 到 5000 之间'] },
        description: ['太长'],
      }),
    ])
    const page = await filledNewPage()

    await page.save()

    expect(page.data.fieldErrors).toEqual({ time: '结束时间应晚于开始时间', geofence: '应在 50 到 5000 之间', description: '太长' })
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    expect(page.data).toMatchObject({ meeting: null, busy: '' })
  })

  test.each([
    [fixtures.apiError(404, 'not_found', '组织不存在'), '组织不存在'],
    [fixtures.apiError(422, 'validation_error', '输入数据有误', { _schema: ['x'] }), '输入数据有误'],
    [{ networkFailure: true }, '网络连接失败，请稍后重试'],
  ])('other errors are a toast (%#)', async (reply, message) => {
    fake.route('POST /meetings', [reply])
    const page = await filledNewPage()

    await page.save()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: message, icon: 'none', duration: 2000 })
    expect(page.data).toMatchObject({ meeting: null, busy: '', fieldErrors: {} })
  })

  test('a double tap posts once', async () => {
    fake.route('POST /meetings', [{ status: 201, body: fixtures.adminMeeting(7) }])
    const page = await filledNewPage()

    await Promise.all([page.save(), page.save()])

    expect(bodies('POST /meetings')).toHaveLength(1)
  })
})

describe('an existing meeting', () => {
  test('fills the form in Beijing time', async () => {
    const page = await editPage(
      fixtures.adminMeeting(7, {
        type: 'theme_day',
        start_at: '2026-11-30T23:30:00+00:00',
        end_at: '2026-12-01T01:00:00+00:00',
        sign_out: true,
        geofence: { latitude: 30.27, longitude: 120.12, radius_m: 500 },
      })
    )

    expect(fake.requestsTo('GET /auth/whoami')).toHaveLength(0)
    expect(page.data).toMatchObject({
      id: '7',
      typeIndex: 4,
      title: '十二月支部党员大会',
      place: '图书馆 301',
      description: '学习党章',
      date: '2026-12-01',
      startClock: '07:30',
      endClock: '09:00',
      signOut: true,
      geofenceOn: true,
      latitude: 30.27,
      longitude: 120.12,
    })
    expect(page.data.radii[page.data.radiusIndex]).toBe(500)
  })

  test('a radius set elsewhere stays choosable', async () => {
    const page = await editPage(fixtures.adminMeeting(7, { geofence: { latitude: 1, longitude: 2, radius_m: 250 } }))

    expect(page.data.radii).toEqual([100, 200, 250, 300, 500, 1000])
    expect(page.data.radiusLabels[page.data.radiusIndex]).toBe('250 米')
  })

  test('PATCH sends only what changed; start and end go together', async () => {
    fake.route('PATCH /meetings/7', [{ status: 200, body: fixtures.adminMeeting(7, { title: '新标题' }) }])
    const page = await editPage(fixtures.adminMeeting(7))

    page.onTitleInput(inputEvent('新标题'))
    page.pickEnd(inputEvent('21:00'))
    page.onDescriptionInput(inputEvent(''))
    await page.save()

    expect(bodies('PATCH /meetings/7')).toEqual([
      { title: '新标题', description: '', start_at: '2026-12-01T11:00:00Z', end_at: '2026-12-01T13:00:00Z' },
    ])
    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已保存', icon: 'success' })
    // The form now shows the meeting as the server answered it.
    expect(page.data).toMatchObject({ title: '新标题', endClock: '20:30' })
  })

  test('removing the geofence sends null', async () => {
    fake.route('PATCH /meetings/7', [{ status: 200, body: fixtures.adminMeeting(7) }])
    const page = await editPage(fixtures.adminMeeting(7, { geofence: { latitude: 1, longitude: 2, radius_m: 300 } }))

    page.toggleGeofence(inputEvent(false))
    await page.save()

    expect(bodies('PATCH /meetings/7')).toEqual([{ geofence: null }])
  })

  test('nothing changed: nothing is sent', async () => {
    const page = await editPage(fixtures.adminMeeting(7))

    await page.save()

    expect(fake.requestsTo('PATCH /meetings/7')).toHaveLength(0)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '没有需要保存的修改', icon: 'none' })
  })

  test('a start in the past is the server’s to judge for a meeting that exists', async () => {
    fake.route('PATCH /meetings/7', [fixtures.apiError(422, 'validation_error', '输入数据有误', { start_at: ['会议已开始'] })])
    const page = await editPage(fixtures.adminMeeting(7))
    page.pickDate(inputEvent('2026-11-24'))
    page.pickStart(inputEvent('08:00'))
    page.pickEnd(inputEvent('09:00'))

    await page.save()

    expect(bodies('PATCH /meetings/7')).toHaveLength(1)
    expect(page.data.fieldErrors).toEqual({ time: '会议已开始' })
  })

  describe('published', () => {
    const published = (overrides) =>
      fixtures.adminMeeting(7, Object.assign({ status: 'published', phase: 'upcoming', phase_label: '未开始' }, overrides))

    test('moving the time asks first, since everyone is notified; 取消 sends nothing', async () => {
      fake.route('PATCH /meetings/7', [{ status: 200, body: published({ place: '新地点' }) }])
      fake.answerModal(false)
      const page = await editPage(published())

      page.pickStart(inputEvent('18:00'))
      await page.save()
      expect(fake.wx.showModal).toHaveBeenCalledWith(
        expect.objectContaining({ content: '会议时间或地点已修改，保存后将通知全体参会人员。确定保存吗？' })
      )
      expect(fake.requestsTo('PATCH /meetings/7')).toHaveLength(0)
      expect(page.data.busy).toBe('')

      fake.answerModal(true)
      await page.save()
      expect(bodies('PATCH /meetings/7')).toEqual([{ start_at: '2026-12-01T10:00:00Z', end_at: '2026-12-01T12:30:00Z' }])
    })

    test('a new title alone notifies nobody and is not asked about', async () => {
      fake.route('PATCH /meetings/7', [{ status: 200, body: published() }])
      const page = await editPage(published())

      page.onTitleInput(inputEvent('新标题'))
      await page.save()

      expect(fake.wx.showModal).not.toHaveBeenCalled()
      expect(bodies('PATCH /meetings/7')).toEqual([{ title: '新标题' }])
    })

    test('offers cancel and the follow-up pages, not publish or delete', async () => {
      const page = await editPage(published())

      expect(page.data.meeting).toMatchObject({ editable: true, canPublish: false, canDelete: false, canCancel: true, canFollowUp: true })

      page.openLive()
      page.openLeave()
      page.openMinutes()
      expect(fake.wx.navigateTo.mock.calls.map(([arg]) => arg.url)).toEqual([
        '/pages/meetings/live/index?id=7',
        '/pages/meetings/leave-approvals/index?meeting_id=7',
        '/pages/meetings/minutes/index?id=7',
      ])
    })

    test('once ended it can no longer be changed or cancelled', async () => {
      const page = await editPage(published({ phase: 'ended', phase_label: '已结束' }))

      expect(page.data.meeting).toMatchObject({ editable: false, canCancel: false, canFollowUp: true })
      page.onTitleInput(inputEvent('新标题'))
      await page.save()
      page.openCancel()
      await page.confirmCancel()

      expect(fake.requests.map((call) => call.key)).toEqual(['GET /meetings/7'])
      expect(page.data.cancelOpen).toBe(false)
    })
  })

  test('someone who may not manage it is told so', async () => {
    const page = await editPage(fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming', can_manage: false }))

    expect(page.data.loadError).toBe('你没有管理这次会议的权限')
    expect(page.data.meeting).toMatchObject({ editable: false, canCancel: false, canFollowUp: false })
  })

  test('a meeting that cannot be loaded shows the message; retry loads it', async () => {
    fake.route('GET /meetings/7', [fixtures.apiError(404, 'not_found', '会议不存在'), { status: 200, body: fixtures.adminMeeting(7) }])
    const page = loadPage('pages/meetings/edit/index')

    await page.onLoad({ id: '7' })
    expect(page.data).toMatchObject({ loading: false, loadError: '会议不存在', meeting: null })

    await page.loadMeeting()
    expect(page.data).toMatchObject({ loadError: '', title: '十二月支部党员大会' })
  })

  test('a lost session goes to the login page', async () => {
    fake.route('GET /meetings/7', [fixtures.apiError(401, 'token_expired', '登录已过期')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])
    const page = loadPage('pages/meetings/edit/index')

    await page.onLoad({ id: '7' })

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })
})

describe('发布', () => {
  test('asks (participants will be notified), publishes, and shows the meeting published', async () => {
    fake.route('POST /meetings/7/publish', [
      { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming', phase_label: '未开始' }) },
    ])
    const page = await editPage(fixtures.adminMeeting(7))

    await page.publish()

    expect(fake.wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '发布会议', content: '发布后将向全体参会人员发送会议通知，并在会前提醒。确定发布吗？' })
    )
    expect(fake.requestsTo('POST /meetings/7/publish')).toHaveLength(1)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已发布', icon: 'success' })
    expect(page.data.meeting).toMatchObject({ status: 'published', phaseLabel: '未开始', canPublish: false, canCancel: true })
    expect(page.data.busy).toBe('')
  })

  test.each([[false], ['fail']])('answering 取消 (%p) publishes nothing', async (answer) => {
    fake.answerModal(answer)
    const page = await editPage(fixtures.adminMeeting(7))

    await page.publish()

    expect(fake.requestsTo('POST /meetings/7/publish')).toHaveLength(0)
    expect(page.data).toMatchObject({ busy: '', meeting: { status: 'draft' } })
  })

  test('unsaved changes must be saved first: the stored draft is what goes out', async () => {
    const page = await editPage(fixtures.adminMeeting(7))
    page.onPlaceInput(inputEvent('新地点'))

    await page.publish()

    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.requestsTo('POST /meetings/7/publish')).toHaveLength(0)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '请先保存修改', icon: 'none' })
  })

  test("a refusal is the server's message, and the meeting is reloaded on a conflict", async () => {
    fake.route('GET /meetings/7', [
      { status: 200, body: fixtures.adminMeeting(7) },
      { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming' }) },
    ])
    fake.route('POST /meetings/7/publish', [fixtures.apiError(409, 'not_draft', '会议已发布')])
    const page = loadPage('pages/meetings/edit/index')
    await page.onLoad({ id: '7' })

    await page.publish()
    await settle()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '会议已发布', icon: 'none', duration: 2000 })
    expect(fake.requestsTo('GET /meetings/7')).toHaveLength(2)
    expect(page.data.meeting.status).toBe('published')
  })
})

describe('取消会议', () => {
  const published = () => fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming', phase_label: '未开始' })

  test('a reason is required before anything is asked', async () => {
    const page = await editPage(published())
    page.openCancel()
    page.onCancelReasonInput(inputEvent('   '))

    await page.confirmCancel()

    expect(page.data.fieldErrors.cancelReason).toBe('请填写取消原因')
    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.requestsTo('POST /meetings/7/cancel')).toHaveLength(0)
  })

  test('asks, then cancels with the trimmed reason', async () => {
    fake.route('POST /meetings/7/cancel', [
      {
        status: 200,
        body: fixtures.adminMeeting(7, { status: 'cancelled', phase: 'cancelled', phase_label: '已取消', cancel_reason: '与考试冲突' }),
      },
    ])
    const page = await editPage(published())
    page.openCancel()
    page.onCancelReasonInput(inputEvent(' 与考试冲突 '))

    await page.confirmCancel()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '取消会议', confirmText: '取消会议' }))
    expect(bodies('POST /meetings/7/cancel')).toEqual([{ reason: '与考试冲突' }])
    expect(page.data.meeting).toMatchObject({ status: 'cancelled', cancelReason: '与考试冲突', editable: false, canCancel: false })
    expect(page.data).toMatchObject({ cancelOpen: false, cancelReason: '', busy: '' })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '会议已取消', icon: 'success' })
  })

  test('再想想 keeps the meeting and the reason typed', async () => {
    fake.answerModal(false)
    const page = await editPage(published())
    page.openCancel()
    page.onCancelReasonInput(inputEvent('改期'))

    await page.confirmCancel()

    expect(fake.requestsTo('POST /meetings/7/cancel')).toHaveLength(0)
    expect(page.data).toMatchObject({ cancelOpen: true, cancelReason: '改期', busy: '' })
  })

  test("the server's message about the reason goes next to it", async () => {
    fake.route('POST /meetings/7/cancel', [fixtures.apiError(422, 'validation_error', '输入数据有误', { reason: ['长度不能超过 200'] })])
    const page = await editPage(published())
    page.openCancel()
    page.onCancelReasonInput(inputEvent('改期'))

    await page.confirmCancel()

    expect(page.data.fieldErrors.cancelReason).toBe('长度不能超过 200')
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('a draft is deleted, not cancelled', async () => {
    const page = await editPage(fixtures.adminMeeting(7))

    page.openCancel()

    expect(page.data.cancelOpen).toBe(false)
  })
})

describe('删除草稿', () => {
  test('asks, deletes and goes back', async () => {
    fake.route('DELETE /meetings/7', [{ status: 204 }])
    const page = await editPage(fixtures.adminMeeting(7))

    await page.remove()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '删除草稿', confirmText: '删除' }))
    expect(fake.requestsTo('DELETE /meetings/7')).toHaveLength(1)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已删除', icon: 'success' })
    expect(fake.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })
    expect(page.data.deleted).toBe(true)
  })

  test('取消 deletes nothing', async () => {
    fake.answerModal(false)
    const page = await editPage(fixtures.adminMeeting(7))

    await page.remove()

    expect(fake.requestsTo('DELETE /meetings/7')).toHaveLength(0)
    expect(fake.wx.navigateBack).not.toHaveBeenCalled()
  })

  test('409 not_draft: the message, and the meeting as it now is', async () => {
    fake.route('GET /meetings/7', [
      { status: 200, body: fixtures.adminMeeting(7) },
      { status: 200, body: fixtures.adminMeeting(7, { status: 'published', phase: 'upcoming' }) },
    ])
    fake.route('DELETE /meetings/7', [fixtures.apiError(409, 'not_draft', '只能删除草稿')])
    const page = loadPage('pages/meetings/edit/index')
    await page.onLoad({ id: '7' })

    await page.remove()
    await settle()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '只能删除草稿', icon: 'none', duration: 2000 })
    expect(fake.wx.navigateBack).not.toHaveBeenCalled()
    expect(page.data.meeting).toMatchObject({ status: 'published', canDelete: false })
    expect(page.data.deleted).toBe(false)
  })
})
