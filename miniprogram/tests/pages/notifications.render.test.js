/**
 * @jest-environment jsdom
 */
// Renders the real templates of 消息 (pages/inbox), 提醒设置 (pages/notify-settings) and the new
// entries on 我的 (compiled by the official wcc through miniprogram-simulate), each page adapted
// to Component() (tests/helpers/render.js).

const { signedInEachTest } = require('../helpers/wx')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

const render = pageRenderer(['inbox', 'notify-settings', 'me'], (name) => `pages/${name}/index`)
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

describe('消息', () => {
  test('lists messages with a dot on the unread ones, kind, title, body and Beijing time', async () => {
    fake.route('GET /inbox', [
      fixtures.inbox(
        [
          fixtures.inboxItem(12, { created_at: '2026-11-24T12:00:00Z' }),
          fixtures.inboxItem(11, {
            kind_label: '学习任务',
            title: '学习党章',
            page: null,
            read_at: 'x',
            created_at: '2026-11-20T02:05:00Z',
          }),
        ],
        { unread: 1 }
      ),
    ])
    const comp = render('inbox')

    await comp.instance.refresh()

    const items = comp.querySelectorAll('.inbox-item')
    expect(items).toHaveLength(2)
    // Which items carry the dot (rendered class names are prefixed by the simulator).
    expect(items.map((item) => /inbox-dot/.test(item.dom.innerHTML))).toEqual([true, false])
    expect(comp.querySelectorAll('.inbox-dot')).toHaveLength(1)
    expect(texts(comp, '.inbox-kind')).toEqual(['会议通知', '学习任务'])
    expect(texts(comp, '.inbox-title')).toEqual(['支部党员大会 12', '学习党章'])
    expect(texts(comp, '.inbox-time')).toEqual(['30分钟前', '11月20日 10:05'])
    expect(items[0].dom.textContent).toContain('12月1日 19:00 在 A301 召开支部党员大会')
    expect(items[0].dom.textContent).toContain('查看详情')
    expect(items[1].dom.textContent).not.toContain('查看详情')
    expect(comp.dom.textContent).toContain('1 条未读')
    expect(comp.dom.textContent).toContain('没有更多了')
    expect(comp.dom.textContent).not.toContain('暂无消息')
  })

  test('an empty inbox says 暂无消息', async () => {
    fake.route('GET /inbox', [fixtures.inbox([])])
    const comp = render('inbox')

    await comp.instance.refresh()

    expect(comp.querySelector('.inbox-empty').dom.textContent).toBe('暂无消息')
    expect(comp.dom.textContent).toContain('没有未读消息')
    expect(comp.querySelectorAll('.inbox-item')).toHaveLength(0)
  })

  test('a failed first load offers a retry instead of 暂无消息', async () => {
    fake.route('GET /inbox', [{ networkFailure: true }])
    const comp = render('inbox')

    await comp.instance.refresh()

    expect(comp.dom.textContent).toContain('消息加载失败')
    expect(comp.querySelector('.inbox-retry')).toBeTruthy()
    expect(comp.dom.textContent).not.toContain('暂无消息')
  })

  test('tapping 全部已读 removes the dots', async () => {
    fake.route('GET /inbox', [fixtures.inbox([fixtures.inboxItem(2), fixtures.inboxItem(1)], { unread: 2 })])
    fake.route('POST /inbox/read-all', [{ status: 200, body: { updated: 2 } }])
    const comp = render('inbox')
    await comp.instance.refresh()
    expect(comp.querySelectorAll('.inbox-dot')).toHaveLength(2)

    await comp.instance.markAllRead()

    expect(comp.querySelectorAll('.inbox-dot')).toHaveLength(0)
    expect(comp.dom.textContent).toContain('没有未读消息')
  })
})

describe('提醒设置', () => {
  test('one switch per kind, the ones that cannot be switched off marked so, and the button', async () => {
    fake.route('GET /notifications/preferences', [fixtures.preferences()])
    fake.route('GET /notifications/subscribe-templates', [fixtures.subscribeTemplates()])
    const comp = render('notify-settings')

    await Promise.all([comp.instance.load(), comp.instance.loadTemplates()])

    expect(texts(comp, '.settings-label')).toEqual(['会议通知', '学习任务', '党费提醒', '账号安全'])
    const rows = comp.querySelectorAll('.settings-row')
    expect(rows[3].dom.textContent).toContain('重要通知，不能关闭')
    expect(rows[0].dom.textContent).not.toContain('不能关闭')
    expect(comp.querySelector('.settings-subscribe').dom.textContent).toContain('接收微信提醒')
  })

  test('without templates there is no button', async () => {
    fake.route('GET /notifications/preferences', [fixtures.preferences()])
    const comp = render('notify-settings')

    await comp.instance.load()
    // Set directly: services/notify.js keeps the templates of the test above for the app's life,
    // and the page file is loaded once for this whole file.
    comp.instance.setData({ templates: [] })

    expect(comp.querySelector('.settings-subscribe')).toBeFalsy()
    expect(comp.dom.textContent).not.toContain('接收微信提醒')
  })
})

describe('我的', () => {
  test('shows the entries, with the unread count as a badge only when there is any', async () => {
    fake.route('GET /inbox', [fixtures.inbox([], { perPage: 1, unread: 5 }), fixtures.inbox([], { perPage: 1, unread: 0 })])
    const comp = render('me')

    await comp.instance.loadUnread()
    expect(comp.dom.textContent).toContain('消息')
    expect(comp.dom.textContent).toContain('提醒设置')
    expect(comp.querySelector('.me-badge').dom.textContent).toBe('5')

    await comp.instance.loadUnread()
    expect(comp.querySelector('.me-badge')).toBeFalsy()
  })

  test('通知发送 is shown to secretaries only', async () => {
    fake.route('GET /me', [fixtures.me({ roles: ['member', 'secretary'] }), fixtures.me({ roles: ['member'] })])
    const comp = render('me')

    await comp.instance.load()
    expect(comp.querySelector('.me-notices').dom.textContent).toContain('通知发送')

    await comp.instance.load()
    expect(comp.querySelector('.me-notices')).toBeFalsy()
    expect(comp.dom.textContent).not.toContain('通知发送')
  })
})
