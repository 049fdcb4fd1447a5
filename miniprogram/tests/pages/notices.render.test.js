/**
 * @jest-environment jsdom
 */
// Renders the real templates of 通知发送 (pages/notices: the list, the form and the report),
// compiled by the official wcc through miniprogram-simulate, each page adapted to Component()
// (tests/helpers/render.js).

const { signedInEachTest } = require('../helpers/wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

const render = pageRenderer(['index', 'new', 'detail'], (name) => `pages/notices/${name}`)
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

describe('通知发送 list', () => {
  test('one row per notice: state, time, title and the reach summary', async () => {
    fake.route('GET /notifications', [
      fixtures.notifications([
        fixtures.notification(
          12,
          { title: '支部党员大会', dispatched_at: '2026-11-24T12:00:00Z' },
          { byState: { delivered: 15, unreachable: 6, failed: 1 }, read: 9 }
        ),
        fixtures.notification(11, {
          title: '学习党章',
          state: 'scheduled',
          scheduled_at: '2026-11-25T01:00:00Z',
          dispatched_at: null,
          recipient_count: 22,
        }),
      ]),
    ])
    const comp = render('index')

    await comp.instance.refresh()

    expect(comp.querySelectorAll('.notices-item')).toHaveLength(2)
    expect(texts(comp, '.notices-title')).toEqual(['支部党员大会', '学习党章'])
    expect(texts(comp, '.notices-state')).toEqual(['已发送', '待发送'])
    expect(texts(comp, '.notices-time')).toEqual(['30分钟前', '定时 11月25日 09:00'])
    expect(texts(comp, '.notices-summary')).toEqual(['22 人 · 微信送达 15 · 仅站内信 6 · 失败 1 · 已读 9', '22 人'])
    expect(comp.querySelector('.notices-new').dom.textContent).toContain('发通知')
    expect(comp.dom.textContent).toContain('没有更多了')
  })

  test('an empty list says so; a failed one offers a retry', async () => {
    fake.route('GET /notifications', [fixtures.notifications([]), { networkFailure: true }])
    const comp = render('index')

    await comp.instance.refresh()
    expect(comp.querySelector('.notices-empty').dom.textContent).toBe('还没有发过通知')

    await comp.instance.refresh()
    expect(comp.dom.textContent).toContain('通知加载失败')
    expect(comp.querySelector('.notices-retry')).toBeTruthy()
  })
})

describe('发通知 form', () => {
  beforeEach(() => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3])])
    fake.route('GET /orgs/3', [fixtures.org(3, '本科生第一党支部')])
  })

  test('shows the only org, the counts against the limits, and no pickers until 定时发送 is on', async () => {
    const comp = render('new')

    await comp.instance.loadOrgs()
    comp.instance.onTitleInput(inputEvent('支部党员大会'))

    expect(comp.querySelector('.new-org').dom.textContent).toBe('本科生第一党支部')
    expect(texts(comp, '.new-count')).toEqual(['6/40', '0/500'])
    expect(comp.dom.textContent).toContain('不开启则立即发送')
    expect(comp.dom.textContent).not.toContain('日期')
    expect(comp.querySelector('.new-submit').dom.textContent).toContain('立即发送')

    comp.instance.toggleSchedule(inputEvent(true))
    comp.instance.pickDate(inputEvent('2026-11-25'))
    comp.instance.pickClock(inputEvent('07:30'))
    expect(comp.dom.textContent).toContain('2026-11-25')
    expect(comp.dom.textContent).toContain('07:30')
    expect(comp.querySelector('.new-schedule').dom.textContent).toBe('将于 11月25日 07:30（北京时间）发送')
    expect(comp.querySelector('.new-submit').dom.textContent).toContain('定时发送')
  })

  test('messages show next to their fields', async () => {
    fake.route('POST /notifications', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', {
        title: ['长度应在 1 到 40 之间'],
        at: ['定时发送时间应在未来 90 天内'],
      }),
    ])
    const comp = render('new')
    await comp.instance.loadOrgs()

    await comp.instance.submit()
    expect(comp.querySelector('.new-error-title').dom.textContent).toBe('请输入标题')
    expect(comp.querySelector('.new-error-content').dom.textContent).toBe('请输入通知内容')
    expect(comp.querySelector('.new-error-org')).toBeFalsy()

    comp.instance.onTitleInput(inputEvent('标题'))
    comp.instance.onContentInput(inputEvent('内容'))
    await comp.instance.submit()
    expect(comp.querySelector('.new-error-title').dom.textContent).toBe('长度应在 1 到 40 之间')
    expect(comp.querySelector('.new-error-at').dom.textContent).toBe('定时发送时间应在未来 90 天内')
    expect(comp.querySelector('.new-error-content')).toBeFalsy()
  })

  test('with several orgs the picker asks for one', async () => {
    fake.route('GET /auth/whoami', [fixtures.whoami([3, 5])])
    fake.route('GET /orgs/5', [fixtures.org(5, '研究生党支部')])
    const comp = render('new')

    await comp.instance.loadOrgs()
    expect(comp.querySelector('.new-org').dom.textContent).toBe('请选择')

    comp.instance.pickOrg(inputEvent('1'))
    expect(comp.querySelector('.new-org').dom.textContent).toBe('研究生党支部')
  })
})

describe('通知详情', () => {
  test('the notice, the quiet-hours note, the counts, the tabs and each recipient with the reason', async () => {
    fake.route('GET /notifications/12', [
      {
        status: 200,
        body: fixtures.notification(
          12,
          { title: '支部党员大会', dispatched_at: '2026-11-24T15:10:00Z', push_at: '2026-11-24T23:00:00Z' },
          { byState: { delivered: 1, unreachable: 1, failed: 1 }, read: 1 }
        ),
      },
    ])
    fake.route('GET /notifications/12/deliveries', [
      fixtures.deliveries([
        fixtures.delivery(1, { name: '张三', state: 'delivered', read_at: '2026-11-24T15:20:00Z' }),
        fixtures.delivery(2, { name: '李四', state: 'unreachable', reason: 'not_following' }),
        fixtures.delivery(3, { name: '王五', state: 'failed', reason: 'wechat_43101', channel: 'subscribe' }),
      ]),
    ])
    const comp = render('detail')
    comp.instance.setData({ id: '12' })

    await comp.instance.load()

    expect(comp.querySelector('.detail-title').dom.textContent).toBe('支部党员大会')
    expect(comp.querySelector('.detail-deferral').dom.textContent).toBe('免打扰时段，微信提醒将于 07:00 推送')
    expect(texts(comp, '.detail-count-label')).toEqual(['微信送达', '仅站内信', '失败', '排队', '已读'])
    expect(texts(comp, '.detail-count-number')).toEqual(['1', '1', '1', '0', '1'])
    expect(texts(comp, '.detail-tab')).toEqual(['全部 3', '未送达 2', '未读 2', '已读 1'])
    expect(texts(comp, '.detail-name')).toEqual(['张三', '李四', '王五'])
    expect(texts(comp, '.detail-reason')).toEqual(['已取消关注', '微信错误 43101'])
    expect(texts(comp, '.detail-read')).toEqual(['已读', '未读', '未读'])
    expect(comp.querySelector('.detail-cancel')).toBeFalsy()

    comp.instance.selectFilter({ currentTarget: { dataset: { key: 'undelivered' } } })
    expect(texts(comp, '.detail-name')).toEqual(['李四', '王五'])
    comp.instance.selectFilter({ currentTarget: { dataset: { key: 'read' } } })
    expect(texts(comp, '.detail-name')).toEqual(['张三'])
  })

  test('a scheduled notice has the 撤销 button and no recipient list', async () => {
    fake.route('GET /notifications/12', [
      {
        status: 200,
        body: fixtures.notification(12, {
          state: 'scheduled',
          scheduled_at: '2026-11-25T01:00:00Z',
          dispatched_at: null,
          push_at: null,
          recipient_count: 22,
        }),
      },
    ])
    const comp = render('detail')
    comp.instance.setData({ id: '12' })

    await comp.instance.load()

    expect(comp.querySelector('.detail-cancel').dom.textContent).toContain('撤销')
    expect(comp.querySelector('.detail-when').dom.textContent).toBe('定时发送：11月25日 09:00')
    expect(comp.dom.textContent).toContain('送达情况（共 22 人）')
    expect(comp.dom.textContent).toContain('通知发出后可查看每个人的送达情况')
    expect(comp.querySelectorAll('.detail-tab')).toHaveLength(0)
  })
})
