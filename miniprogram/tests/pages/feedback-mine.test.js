// 我的反映 (pages/feedback/mine): the named cases a page at a time, the receipts kept on the phone
// each looked up (one at a time, stopping at a 429), a receipt typed and looked up (tidied first;
// 404, 422 and 429 said by the box), opening an anonymous case without its receipt or id in any
// URL, and removing a kept receipt.

const { checkinEachTest } = require('../helpers/checkin-wx')
const { loadPages, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const fb = require('./feedback-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)
const A = 'AAAA-BBBB-CCCC-DDDD'
const B = 'EEEE-FFFF-GGGG-HHHH'

const { fake } = checkinEachTest(NOW)

function open() {
  const { pages, modules } = loadPages(['pages/feedback/mine'], ['services/feedback'])
  return { page: pages[0], feedback: modules[0] }
}

function keep(...receipts) {
  fake.storage.feedbackReceipts = JSON.stringify(receipts)
}

// POST /feedback/lookup answered per receipt.
function routeLookups(answers) {
  fake.route('POST /feedback/lookup', (call) => answers[call.data.receipt] || fixtures.apiError(404, 'not_found', '不存在'))
}

describe('named cases', () => {
  test('a page at a time, newest first, each with its status', async () => {
    fake.routePages(
      'GET /feedback/mine',
      [[fb.listItem(42, { status: 'replied' }), fb.listItem(41, { review_status: 'pending' })], [fb.listItem(40, { status: 'closed' })]],
      (items, meta) => fb.page(items, meta)
    )
    const { page } = open()

    await page.onLoad()
    expect(fake.requestsTo('GET /feedback/mine')[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data.items.map((item) => [item.id, item.statusLabel, item.reviewLabel])).toEqual([
      [42, '已答复', ''],
      [41, '待受理', '审核中'],
    ])

    await page.onReachBottom()
    expect(page.data.items.map((item) => item.id)).toEqual([42, 41, 40])

    page.openItem(tapEvent({ id: 42 }))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/feedback/case?id=42' })
  })

  test('no kept receipts: none looked up', async () => {
    fake.route('GET /feedback/mine', [fb.page([])])
    const { page } = open()

    await page.onLoad()

    expect(page.data.saved).toEqual([])
    expect(fake.requestsTo('POST /feedback/lookup')).toHaveLength(0)
  })

  test('back from a case rated on it: both lists again; otherwise nothing', async () => {
    fake.route('GET /feedback/mine', [fb.page([])])
    const { page, feedback } = open()
    await page.onLoad()

    await page.onShow()
    expect(fake.requestsTo('GET /feedback/mine')).toHaveLength(1)

    feedback.markChanged()
    await page.onShow()
    expect(fake.requestsTo('GET /feedback/mine')).toHaveLength(2)
  })
})

describe('receipts kept on the phone', () => {
  test('each looked up in turn, its case shown; one of no case says so', async () => {
    keep(A, B)
    fake.route('GET /feedback/mine', [fb.page([])])
    routeLookups({ [A]: fb.ok(fb.anonymousBody({ title: '匿名建议', status: 'accepted' })) })
    const { page } = open()

    await page.onLoad()

    expect(fake.requestsTo('POST /feedback/lookup').map((call) => call.data)).toEqual([{ receipt: A }, { receipt: B }])
    expect(page.data.saved.map((entry) => [entry.receipt, entry.loading, entry.error, entry.item && entry.item.title])).toEqual([
      [A, false, '', '匿名建议'],
      [B, false, '未找到对应的反映', null],
    ])
  })

  test('a 429 stops the lookups left', async () => {
    keep(A, B)
    fake.route('GET /feedback/mine', [fb.page([])])
    routeLookups({ [A]: fixtures.apiError(429, 'too_many_lookups', '查询过于频繁，请稍后再试') })
    const { page } = open()

    await page.onLoad()

    expect(fake.requestsTo('POST /feedback/lookup')).toHaveLength(1)
    expect(page.data.saved.map((entry) => entry.error)).toEqual(['查询过于频繁，请稍后再试', '查询过于频繁，请稍后再试'])
  })

  test('opening one hands its receipt and case over in memory', async () => {
    keep(A)
    fake.route('GET /feedback/mine', [fb.page([])])
    const body = fb.anonymousBody()
    routeLookups({ [A]: fb.ok(body) })
    const { page, feedback } = open()
    await page.onLoad()

    page.openSaved(tapEvent({ receipt: A }))

    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/feedback/case' })
    expect(feedback.takeHeldCase()).toEqual({ receipt: A, body })
    fake.requests.forEach((call) => expect(call.url).not.toContain(String(fb.ANONYMOUS_ID)))
  })

  test('移除 takes it off the phone once confirmed', async () => {
    keep(A, B)
    fake.route('GET /feedback/mine', [fb.page([])])
    routeLookups({})
    const { page } = open()
    await page.onLoad()

    fake.answerModal(false)
    await page.removeSaved(tapEvent({ receipt: A }))
    expect(JSON.parse(fake.storage.feedbackReceipts)).toEqual([A, B])

    fake.answerModal(true)
    await page.removeSaved(tapEvent({ receipt: A }))
    expect(JSON.parse(fake.storage.feedbackReceipts)).toEqual([B])
    expect(page.data.saved.map((entry) => entry.receipt)).toEqual([B])
  })
})

describe('looking up a receipt', () => {
  test('checked before asking', async () => {
    const { page } = open()

    await page.lookup()
    expect(page.data.lookupError).toBe('请输入凭证码')

    page.onLookupInput(inputEvent('ABCD-123'))
    expect(page.data.lookupError).toBe('')
    await page.lookup()
    expect(page.data.lookupError).toBe('凭证码应为 16 位字母和数字')
    expect(fake.requestsTo('POST /feedback/lookup')).toHaveLength(0)
  })

  test('tidied (upper case, grouped), sent in the body, opened without a URL carrying it', async () => {
    const body = fb.anonymousBody()
    routeLookups({ 'K7QM-2XWP-9D4R-H8TN': fb.ok(body) })
    const { page, feedback } = open()

    page.onLookupInput(inputEvent(' k7qm 2xwp-9d4r h8tn '))
    await page.lookup()

    expect(fake.requestsTo('POST /feedback/lookup')[0].data).toEqual({ receipt: 'K7QM-2XWP-9D4R-H8TN' })
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/feedback/case' })
    expect(feedback.takeHeldCase()).toEqual({ receipt: 'K7QM-2XWP-9D4R-H8TN', body })
    expect(page.data.lookupText).toBe('')
    // Looking one up does not keep it.
    expect(fake.storage.feedbackReceipts).toBeUndefined()
    fake.requests.forEach((call) => expect(call.url).not.toMatch(/k7qm|K7QM/))
    fake.wx.navigateTo.mock.calls.forEach(([options]) => expect(options.url).not.toContain(String(fb.ANONYMOUS_ID)))
  })

  test('422 validation_error (a receipt the server cannot read): its word on the receipt, by the box', async () => {
    routeLookups({
      'K7QM-2XWP-9D4R-H8TN': fixtures.apiError(422, 'validation_error', '输入数据有误', { receipt: ['凭证码应为 16 位字母和数字'] }),
    })
    const { page } = open()

    page.onLookupInput(inputEvent('K7QM-2XWP-9D4R-H8TN'))
    await page.lookup()

    expect(page.data.lookupError).toBe('凭证码应为 16 位字母和数字')
    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })

  test('404 and 429 are said by the box', async () => {
    routeLookups({ 'K7QM-2XWP-9D4R-H8TN': fixtures.apiError(429, 'too_many_lookups', '查询过于频繁，请稍后再试') })
    const { page } = open()

    page.onLookupInput(inputEvent('AAAA-AAAA-AAAA-AAAA'))
    await page.lookup()
    expect(page.data.lookupError).toBe('没有找到这个凭证码对应的反映，请核对后重试')

    page.onLookupInput(inputEvent('K7QM-2XWP-9D4R-H8TN'))
    await page.lookup()
    expect(page.data.lookupError).toBe('查询过于频繁，请稍后再试')
    expect(fake.wx.navigateTo).not.toHaveBeenCalled()
  })
})
