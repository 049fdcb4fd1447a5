// services/feedback.js: the requests of docs/feedback.md (methods, paths, bodies): a named case's
// author under /feedback/mine/{id}, an anonymous case's author under /feedback/receipt/* with
// neither the case id nor the receipt in any URL, handlers under /feedback/cases; the receipts
// kept on the phone, and the in-memory handover to the case page.

const { installWx } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')

const RECEIPT = 'K7QM-2XWP-9D4R-H8TN'

let fake
let controls
let feedback

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  controls = installCheckinWx(fake)
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  feedback = require('../../services/feedback')
})

afterEach(() => {
  jest.restoreAllMocks()
})

const OK = { status: 200, body: { ok: true } }
// A random case id, as the server gives them: an anonymous one must be in no URL of its author's.
const ANONYMOUS_ID = 58213907

// Every address the tests' requests, uploads and downloads went to.
function everyUrl() {
  return fake.requests.map((call) => call.url).concat(fake.wx.downloadFile.mock.calls.map(([options]) => options.url))
}

test.each([
  [
    'create a named suggestion (no report fields)',
    (f) => f.create({ kind: 'suggestion', anonymous: false, title: ' 标题 ', content: ' 内容 ', subjectOrgId: 3, subjectName: '某人' }),
    'POST /feedback',
    { kind: 'suggestion', anonymous: false, title: '标题', content: '内容' },
  ],
  [
    'create an anonymous report with its org and person',
    (f) => f.create({ kind: 'report', anonymous: true, title: '标题', content: '内容', subjectOrgId: 3, subjectName: ' 王五 ' }),
    'POST /feedback',
    { kind: 'report', anonymous: true, title: '标题', content: '内容', subject_org_id: 3, subject_name: '王五' },
  ],
  [
    'create a report without a person',
    (f) => f.create({ kind: 'report', anonymous: false, title: '标题', content: '内容', subjectOrgId: 3, subjectName: '  ' }),
    'POST /feedback',
    { kind: 'report', anonymous: false, title: '标题', content: '内容', subject_org_id: 3 },
  ],
  ['subject orgs', (f) => f.subjectOrgs(), 'GET /feedback/subject-orgs', undefined],
  ['mine', (f) => f.mine(), 'GET /feedback/mine', { page: 1, per_page: 20 }],
  ['mine, page 3', (f) => f.mine(3, 10), 'GET /feedback/mine', { page: 3, per_page: 10 }],
  ['one of mine', (f) => f.mineCase(41), 'GET /feedback/mine/41', undefined],
  ['lookup', (f) => f.lookup(RECEIPT), 'POST /feedback/lookup', { receipt: RECEIPT }],
  ['rate a named case', (f) => f.rateMine(41, { score: 5, comment: ' 满意 ' }), 'POST /feedback/mine/41/rating', { score: 5, comment: '满意' }],
  ['rate a named case without a comment', (f) => f.rateMine(41, { score: 3, comment: ' ' }), 'POST /feedback/mine/41/rating', { score: 3 }],
  ['reopen a named case', (f) => f.reopenMine(41, ' 没有解决 '), 'POST /feedback/mine/41/reopen', { reason: '没有解决' }],
  [
    'rate an anonymous case',
    (f) => f.rateByReceipt(RECEIPT, { score: 4, comment: ' 及时 ' }),
    'POST /feedback/receipt/rating',
    { receipt: RECEIPT, score: 4, comment: '及时' },
  ],
  ['rate an anonymous case without a comment', (f) => f.rateByReceipt(RECEIPT, { score: 2 }), 'POST /feedback/receipt/rating', { receipt: RECEIPT, score: 2 }],
  ['reopen an anonymous case', (f) => f.reopenByReceipt(RECEIPT, ' 没有解决 '), 'POST /feedback/receipt/reopen', { receipt: RECEIPT, reason: '没有解决' }],
  ['handling', (f) => f.handling(), 'GET /feedback/handling', undefined],
  ['cases', (f) => f.cases(), 'GET /feedback/cases', { page: 1, per_page: 20 }],
  [
    'cases of one status and kind',
    (f) => f.cases({ status: 'accepted', kind: 'report', page: 2 }),
    'GET /feedback/cases',
    { page: 2, per_page: 20, status: 'accepted', kind: 'report' },
  ],
  ['cases: unknown filters left out', (f) => f.cases({ status: 'lost', kind: 'x' }), 'GET /feedback/cases', { page: 1, per_page: 20 }],
  ['handler view', (f) => f.handlerCase(41), 'GET /feedback/cases/41', undefined],
  ['accept', (f) => f.accept(41), 'POST /feedback/cases/41/accept', undefined],
  ['reply', (f) => f.reply(41, ' 已处理 '), 'POST /feedback/cases/41/reply', { content: '已处理' }],
  ['close with a last reply', (f) => f.close(41, ' 已办结 '), 'POST /feedback/cases/41/close', { content: '已办结' }],
  ['close without one', (f) => f.close(41, ''), 'POST /feedback/cases/41/close', {}],
])('%s', async (_name, call, key, data) => {
  fake.route(key, [OK])

  const body = await call(feedback)

  expect(fake.requests.map((r) => r.key)).toEqual([key])
  expect(fake.requests[0].data).toEqual(data)
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(body).toEqual({ ok: true })
  // The receipt goes in bodies only, never in a URL.
  expect(fake.requests[0].url).not.toMatch(/K7QM|2XWP/)
})

test('ids are escaped in the path', async () => {
  fake.route('GET /feedback/cases/7%2F1', [OK])
  fake.route('POST /feedback/mine/7%2F1/rating', [OK])
  await feedback.handlerCase('7/1')
  await feedback.rateMine('7/1', { score: 1 })
  expect(fake.requests.map((r) => r.key)).toEqual(['GET /feedback/cases/7%2F1', 'POST /feedback/mine/7%2F1/rating'])
})

test("an anonymous case's author reaches it by the receipt alone: neither its id nor the receipt in any URL", async () => {
  ;['POST /feedback/lookup', 'POST /feedback/receipt/rating', 'POST /feedback/receipt/reopen'].forEach((key) => fake.route(key, [OK]))
  fake.route('POST /feedback/receipt/attachments', [{ status: 201, body: { id: ANONYMOUS_ID } }])

  await feedback.lookup(RECEIPT)
  await feedback.rateByReceipt(RECEIPT, { score: 5 })
  await feedback.reopenByReceipt(RECEIPT, '理由')
  await feedback.uploadByReceipt(RECEIPT, 'wxfile://tmp/a.jpg')

  expect(fake.requests.map((call) => call.url)).toEqual([
    'http://127.0.0.1:5000/api/v1/feedback/lookup',
    'http://127.0.0.1:5000/api/v1/feedback/receipt/rating',
    'http://127.0.0.1:5000/api/v1/feedback/receipt/reopen',
    'http://127.0.0.1:5000/api/v1/feedback/receipt/attachments',
  ])
  everyUrl().forEach((url) => {
    expect(url).not.toContain(String(ANONYMOUS_ID))
    expect(url).not.toMatch(/K7QM|2XWP|receipt=/i)
  })
  // No way to download an anonymous case's attachments exists, nor the header that would carry
  // the receipt for one.
  expect(fake.wx.downloadFile).not.toHaveBeenCalled()
  expect(feedback.downloadAttachment).toBeUndefined()
  expect(Object.keys(feedback).filter((name) => /download/i.test(name)).sort()).toEqual(['downloadHandled', 'downloadMine'])
})

test('what changes the lists is counted; reads are not', async () => {
  const keys = ['POST /feedback', 'POST /feedback/lookup', 'GET /feedback/mine/41', 'POST /feedback/receipt/rating', 'POST /feedback/receipt/reopen']
  keys.push('POST /feedback/mine/41/rating', 'POST /feedback/mine/41/reopen')
  ;['accept', 'reply', 'close'].forEach((action) => keys.push(`POST /feedback/cases/41/${action}`))
  keys.forEach((key) => fake.route(key, [OK]))
  const before = feedback.changeCount()
  await feedback.lookup(RECEIPT)
  await feedback.mineCase(41)
  expect(feedback.changeCount()).toBe(before)

  await feedback.create({ kind: 'help', title: 't', content: 'c' })
  await feedback.rateMine(41, { score: 1 })
  await feedback.reopenMine(41, 'r')
  await feedback.rateByReceipt(RECEIPT, { score: 1 })
  await feedback.reopenByReceipt(RECEIPT, 'r')
  await feedback.accept(41)
  await feedback.reply(41, 'r')
  await feedback.close(41, '')
  expect(feedback.changeCount()).toBe(before + 8)

  // A refusal changes nothing.
  fake.route('POST /feedback/cases/41/accept', [{ status: 409, body: { code: 'wrong_status', status: 409, message: '状态不对', errors: {} } }])
  await expect(feedback.accept(41)).rejects.toMatchObject({ status: 409, code: 'wrong_status' })
  fake.route('POST /feedback/receipt/rating', [{ status: 404, body: { code: 'not_found', status: 404, message: '没有与该凭证码对应的反映', errors: {} } }])
  await expect(feedback.rateByReceipt(RECEIPT, { score: 1 })).rejects.toMatchObject({ status: 404, code: 'not_found' })
  expect(feedback.changeCount()).toBe(before + 8)
})

describe('attachments', () => {
  test("a named case's author uploads the file alone, under /feedback/mine/{id}; the answer is the whole case", async () => {
    const caseBody = { id: 41, attachments: [{ id: 5, name: 'a.jpg', size: 10, content_type: 'image/jpeg' }] }
    fake.route('POST /feedback/mine/41/attachments', [{ status: 201, body: caseBody }])

    await expect(feedback.uploadMine(41, 'wxfile://tmp/a.jpg')).resolves.toEqual(caseBody)

    const [call] = fake.requestsTo('POST /feedback/mine/41/attachments')
    expect(call).toMatchObject({ filePath: 'wxfile://tmp/a.jpg', name: 'file', formData: {} })
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/feedback/mine/41/attachments')
    expect(call.header.Authorization).toBe('Bearer tok-1')
  })

  test("an anonymous case's author sends the receipt as a form field, to a URL without the case", async () => {
    fake.route('POST /feedback/receipt/attachments', [{ status: 201, body: { id: ANONYMOUS_ID, attachments: [] } }])

    await feedback.uploadByReceipt(RECEIPT, 'wxfile://tmp/b.jpg')

    const [call] = fake.requestsTo('POST /feedback/receipt/attachments')
    expect(call).toMatchObject({ filePath: 'wxfile://tmp/b.jpg', name: 'file', formData: { receipt: RECEIPT } })
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/feedback/receipt/attachments')
  })

  test('a refused upload rejects with the server code (415 for a PDF of an anonymous case)', async () => {
    fake.route('POST /feedback/receipt/attachments', [
      { status: 415, body: { code: 'file_type_not_allowed', status: 415, message: '匿名反映只能附 JPEG、PNG 或 WebP 图片', errors: {} } },
    ])
    await expect(feedback.uploadByReceipt(RECEIPT, 'wxfile://tmp/c.pdf')).rejects.toMatchObject({ status: 415, code: 'file_type_not_allowed' })
  })

  test('downloads with the session only: the author of a named case under mine, a handler under cases', async () => {
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/5.jpg' }

    await expect(feedback.downloadMine(41, 5)).resolves.toBe('wxfile://tmp/5.jpg')
    await expect(feedback.downloadHandled(42, 6)).resolves.toBe('wxfile://tmp/5.jpg')

    const calls = fake.wx.downloadFile.mock.calls.map(([options]) => options)
    expect(calls.map((options) => options.url)).toEqual([
      'http://127.0.0.1:5000/api/v1/feedback/mine/41/attachments/5',
      'http://127.0.0.1:5000/api/v1/feedback/cases/42/attachments/6',
    ])
    calls.forEach((options) => expect(options.header).toEqual({ Authorization: 'Bearer tok-1' }))
  })

  test('a refused or failed download rejects with the typed errors', async () => {
    const errors = require('../../api/errors')
    controls.state.download = { statusCode: 404 }
    await expect(feedback.downloadHandled(41, 6)).rejects.toMatchObject({ name: 'ApiError', status: 404 })
    controls.state.download = { fail: true }
    await expect(feedback.downloadMine(41, 6)).rejects.toBeInstanceOf(errors.NetworkError)
  })
})

describe('receipts kept on the phone', () => {
  test('none at first; kept newest first, once each; removed; the key holds codes only', () => {
    expect(feedback.savedReceipts()).toEqual([])
    expect(feedback.saveReceipt('AAAA-AAAA-AAAA-AAAA')).toBe(true)
    expect(feedback.saveReceipt(RECEIPT)).toBe(true)
    expect(feedback.saveReceipt(RECEIPT)).toBe(true)
    expect(feedback.savedReceipts()).toEqual([RECEIPT, 'AAAA-AAAA-AAAA-AAAA'])
    expect(feedback.isReceiptSaved(RECEIPT)).toBe(true)
    expect(JSON.parse(fake.storage.feedbackReceipts)).toEqual([RECEIPT, 'AAAA-AAAA-AAAA-AAAA'])

    feedback.removeReceipt(RECEIPT)
    expect(feedback.savedReceipts()).toEqual(['AAAA-AAAA-AAAA-AAAA'])
    feedback.removeReceipt('AAAA-AAAA-AAAA-AAAA')
    expect('feedbackReceipts' in fake.storage).toBe(false)
  })

  test('at most RECEIPTS_MAX', () => {
    for (let i = 0; i < feedback.RECEIPTS_MAX; i += 1) {
      expect(feedback.saveReceipt(`AAAA-AAAA-AAAA-${String(i).padStart(4, '0')}`)).toBe(true)
    }
    expect(feedback.saveReceipt(RECEIPT)).toBe(false)
    expect(feedback.savedReceipts()).toHaveLength(feedback.RECEIPTS_MAX)
    expect(feedback.isReceiptSaved(RECEIPT)).toBe(false)
  })

  test('anything else under the key is ignored', () => {
    fake.storage.feedbackReceipts = JSON.stringify([RECEIPT, 7, null, { receipt: 'x' }, RECEIPT])
    expect(feedback.savedReceipts()).toEqual([RECEIPT])
    fake.storage.feedbackReceipts = JSON.stringify({ a: 1 })
    expect(feedback.savedReceipts()).toEqual([])
  })
})

test('a held case is taken once', () => {
  expect(feedback.takeHeldCase()).toBeNull()
  feedback.holdCase(RECEIPT, { id: 41 })
  expect(feedback.takeHeldCase()).toEqual({ receipt: RECEIPT, body: { id: 41 } })
  expect(feedback.takeHeldCase()).toBeNull()
})
