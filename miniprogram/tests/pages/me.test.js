const { installWx } = require('../helpers/wx')
const { loadPage } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

let fake

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
})

test('loads the member and joins the posts', async () => {
  fake.route('GET /me', [fixtures.me({ posts: ['组织委员', '宣传委员'] })])
  const page = loadPage('pages/me/index')

  await page.onLoad()

  expect(page.data.loading).toBe(false)
  expect(page.data.member.name).toBe('张三')
  expect(page.data.member.member_type_label).toBe('正式党员')
  expect(page.data.member.org.path).toBe('某某大学党委 / 计算机学院党总支 / 本科生第一党支部')
  expect(page.data.member.phone).toBe('138****5678')
  expect(page.data.postsText).toBe('组织委员、宣传委员')
})

test('a member without posts shows 无', async () => {
  fake.route('GET /me', [fixtures.me({ posts: [] })])
  const page = loadPage('pages/me/index')

  await page.onLoad()

  expect(page.data.postsText).toBe('无')
})

test('shows the member from the stored session before the request answers', () => {
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: fixtures.member })
  fake.route('GET /me', [fixtures.me()])
  const page = loadPage('pages/me/index')

  page.onLoad()

  expect(page.data.member.name).toBe('张三')
  expect(page.data.loading).toBe(true)
})

test('a network failure shows the message and a retry works', async () => {
  fake.route('GET /me', [{ networkFailure: true }, fixtures.me()])
  const page = loadPage('pages/me/index')

  await page.onLoad()
  expect(page.data.errorMessage).toBe('网络连接失败，请稍后重试')

  await page.load()
  expect(page.data.errorMessage).toBe('')
  expect(page.data.member.name).toBe('张三')
})

test('expired session and an unbound WeChat user after relogin goes to the bind page', async () => {
  fake.route('GET /me', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-7')])
  const page = loadPage('pages/me/index')

  await page.onLoad()

  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=ticket-7' })
})

test('a session that stays invalid after relogin goes back to the login page', async () => {
  fake.route('GET /me', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])
  const page = loadPage('pages/me/index')

  await page.onLoad()

  expect(fake.wx.login).toHaveBeenCalledTimes(1)
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
})

test('pull-down refresh reloads and stops the spinner', async () => {
  fake.route('GET /me', [fixtures.me()])
  const page = loadPage('pages/me/index')

  await page.onPullDownRefresh()

  expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
})

test('logout revokes the token, clears the session and returns to the login page', async () => {
  fake.route('GET /me', [fixtures.me()])
  fake.route('POST /auth/logout', [{ status: 204, body: '' }])
  const page = loadPage('pages/me/index')
  await page.onLoad()

  await page.logout()

  expect(fake.requestsTo('POST /auth/logout')[0].header.Authorization).toBe('Bearer tok-1')
  expect(fake.storedSession()).toBeUndefined()
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index?from=logout' })
})

describe('消息 and 提醒设置', () => {
  test('showing the page fetches the unread count from the smallest inbox page', async () => {
    fake.route('GET /inbox', [fixtures.inbox([fixtures.inboxItem(1)], { perPage: 1, total: 9, pages: 9, unread: 7 })])
    const page = loadPage('pages/me/index')

    await page.onShow()

    expect(fake.requestsTo('GET /inbox')[0].data).toEqual({ page: 1, per_page: 1 })
    expect(page.data.unread).toBe(7)
    expect(page.data.unreadText).toBe('7')
  })

  test('a large count is capped for the badge', async () => {
    fake.route('GET /inbox', [fixtures.inbox([], { perPage: 1, unread: 120 })])
    const page = loadPage('pages/me/index')

    await page.onShow()

    expect(page.data.unreadText).toBe('99+')
  })

  test('coming back after reading updates the count; a failure keeps the last one quietly', async () => {
    fake.route('GET /inbox', [
      fixtures.inbox([], { perPage: 1, unread: 3 }),
      fixtures.inbox([], { perPage: 1, unread: 0 }),
      { networkFailure: true },
    ])
    const page = loadPage('pages/me/index')

    await page.onShow()
    expect(page.data.unread).toBe(3)
    await page.onShow()
    expect(page.data.unread).toBe(0)
    await page.onShow()
    expect(page.data.unread).toBe(0)
    expect(page.data.errorMessage).toBe('')
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })

  test('pull-down refresh also refreshes the count', async () => {
    fake.route('GET /me', [fixtures.me()])
    fake.route('GET /inbox', [fixtures.inbox([], { perPage: 1, unread: 4 })])
    const page = loadPage('pages/me/index')

    await page.onPullDownRefresh()

    expect(page.data.unread).toBe(4)
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalled()
  })

  test('the entries open the inbox and the settings', () => {
    const page = loadPage('pages/me/index')

    page.openInbox()
    page.openNotifySettings()

    expect(fake.wx.navigateTo.mock.calls).toEqual([
      [{ url: '/pages/inbox/index' }],
      [{ url: '/pages/notify-settings/index' }],
    ])
  })
})

describe('通知发送', () => {
  test('a secretary gets the entry, from /me roles', async () => {
    fake.route('GET /me', [fixtures.me({ roles: ['member', 'secretary'] })])
    const page = loadPage('pages/me/index')

    await page.onLoad()

    expect(page.data.canSendNotices).toBe(true)
  })

  test.each([[['member']], [['member', 'discipline_inspector']], [[]], [undefined]])(
    'roles %p do not',
    async (roles) => {
      fake.route('GET /me', [fixtures.me({ roles })])
      const page = loadPage('pages/me/index')

      await page.onLoad()

      expect(page.data.canSendNotices).toBe(false)
    }
  )

  test('the stored member decides until /me answers, and /me has the last word', async () => {
    const secretary = Object.assign({}, fixtures.member, { roles: ['member', 'secretary'] })
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: secretary })
    fake.route('GET /me', [fixtures.me({ roles: ['member'] })])
    const page = loadPage('pages/me/index')

    const loading = page.onLoad()
    expect(page.data.canSendNotices).toBe(true)
    await loading

    expect(page.data.canSendNotices).toBe(false)
  })

  test('the entry opens the list of sent notices', () => {
    const page = loadPage('pages/me/index')

    page.openNotices()

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/index' })
  })
})

describe('组织生活, 我的出勤 and 支部动态', () => {
  test('组织生活 opens the meeting list and 我的出勤 the attendance record', () => {
    const page = loadPage('pages/me/index')

    page.openMeetings()
    page.openAttendance()

    expect(fake.wx.navigateTo.mock.calls).toEqual([
      [{ url: '/pages/meetings/index/index' }],
      [{ url: '/pages/meetings/attendance/index' }],
    ])
  })

  test("支部动态 opens the feed of the member's own branch, from /me org", async () => {
    fake.route('GET /me', [fixtures.me({ org: { id: 12, name: '研究生第二党支部', path: '某某大学党委 / 研究生第二党支部' } })])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    expect(page.data.feedOrgId).toBe(12)
    page.openFeed()

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meetings/feed/index?org_id=12' })
  })

  test('the stored member offers it before /me answers', () => {
    fake.storeSession({ token: 'tok-1', expires_at: 'x', member: fixtures.member })
    fake.route('GET /me', [fixtures.me()])
    const page = loadPage('pages/me/index')

    page.onLoad()

    expect(page.data.feedOrgId).toBe(3)
  })

  test.each([[null], [{ name: '无编号' }], [{ id: '3' }]])('no usable branch (%p): no 支部动态', async (org) => {
    fake.route('GET /me', [fixtures.me({ org })])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    expect(page.data.feedOrgId).toBe(0)
    page.openFeed()

    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('logging out forgets the branch', async () => {
    fake.route('GET /me', [fixtures.me()])
    fake.route('POST /auth/logout', [{ status: 204, body: '' }])
    const page = loadPage('pages/me/index')
    await page.onLoad()

    await page.logout()

    expect(page.data.feedOrgId).toBe(0)
  })
})
