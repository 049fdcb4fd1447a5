const { installWx } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let development

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  development = require('../../services/development')
})

afterEach(() => {
  jest.restoreAllMocks()
})

const OK = { status: 200, body: { ok: true } }

// Each call: the request it makes (key and body) as docs/development.md names them.
test.each([
  ['mine', (d) => d.mine(), 'GET /development/me', undefined],
  ['record', (d) => d.record(12), 'GET /development/records/12', undefined],
  ['entry', (d) => d.entry(55), 'GET /development/entries/55', undefined],
  ['todo', (d) => d.todo(), 'GET /development/todo', {}],
  ['todo of one org', (d) => d.todo(3), 'GET /development/todo', { org_id: 3 }],
  [
    'submitStep',
    (d) => d.submitStep(12, { step: 2, done_on: '2026-11-20', key: 'k-12345678' }),
    'POST /development/records/12/entries',
    { step: 2, done_on: '2026-11-20', key: 'k-12345678' },
  ],
  ['approve with a comment only', (d) => d.approve(55, { comment: '同意' }), 'POST /development/entries/55/approve', { comment: '同意' }],
  [
    'approve with a date and a special reason',
    (d) => d.approve(55, { comment: '同意', doneOn: '2026-11-21', specialReason: '党委会推迟' }),
    'POST /development/entries/55/approve',
    { comment: '同意', done_on: '2026-11-21', special_reason: '党委会推迟' },
  ],
  [
    'approve leaves out empty texts',
    (d) => d.approve(55, { comment: '同意', doneOn: '', specialReason: '' }),
    'POST /development/entries/55/approve',
    { comment: '同意' },
  ],
  ['reject', (d) => d.reject(55, '材料不全'), 'POST /development/entries/55/reject', { comment: '材料不全' }],
])('%s', async (_name, call, key, data) => {
  fake.route(key, [OK])

  const body = await call(development)

  expect(fake.requests.map((r) => r.key)).toEqual([key])
  expect(fake.requests[0].data).toEqual(data)
  expect(fake.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(body).toEqual({ ok: true })
})

test('ids are escaped in the path', async () => {
  fake.route('GET /development/records/7%2F1', [OK])

  await development.record('7/1')

  expect(fake.requests[0].key).toBe('GET /development/records/7%2F1')
})

test('errors are the server’s', async () => {
  fake.route('GET /development/me', [fixtures.apiError(404, 'no_record', '你还没有入党申请记录；递交入党申请书后由党支部登记')])

  const error = await development.mine().catch((e) => e)

  expect(error).toMatchObject({ status: 404, code: 'no_record', message: '你还没有入党申请记录；递交入党申请书后由党支部登记' })
})

describe('rules', () => {
  const RULES = { version: '2014', steps: [{ number: 2, name: '党组织派人谈话' }, { number: 11, name: '开展集中培训' }] }

  test('asked once, then kept for the app’s life', async () => {
    fake.route('GET /development/rules', [{ status: 200, body: RULES }])

    await development.rules()
    const again = await development.rules()

    expect(fake.requestsTo('GET /development/rules')).toHaveLength(1)
    expect(again.version).toBe('2014')
  })

  test('a failure is not kept', async () => {
    fake.route('GET /development/rules', [{ networkFailure: true }, { status: 200, body: RULES }])

    await expect(development.rules()).rejects.toThrow('网络连接失败，请稍后重试')
    await expect(development.rules()).resolves.toEqual(RULES)
  })

  test('stepRule finds a step by number', () => {
    expect(development.stepRule(RULES, 11).name).toBe('开展集中培训')
    expect(development.stepRule(RULES, '2').name).toBe('党组织派人谈话')
    expect(development.stepRule(RULES, 3)).toBeNull()
    expect(development.stepRule(null, 3)).toBeNull()
  })
})

test('searchPeople asks for full members in normal status by name or staff number', async () => {
  fake.route('GET /people', [
    {
      status: 200,
      body: {
        items: [{ id: 21, name: '王五', staff_no: 'T001', org_name: '本科生第一党支部', member_type_label: '正式党员', phone: '138****' }],
        meta: { page: 1, per_page: 20, total: 1, pages: 1 },
      },
    },
  ])

  const people = await development.searchPeople('王')

  expect(fake.requests[0].data).toEqual({ q: '王', member_type: 'full', status: 'normal', page: 1, per_page: 20 })
  expect(people).toEqual([{ id: 21, name: '王五', staff_no: 'T001', org_name: '本科生第一党支部', member_type_label: '正式党员' }])
})

// The record, the applicant's page and the to-do reload when shown again after these; a refusal
// changes nothing.
describe('changes are counted', () => {
  test.each([
    ['submitStep', 'POST /development/records/12/entries', (d) => d.submitStep(12, { step: 2 })],
    ['approve', 'POST /development/entries/55/approve', (d) => d.approve(55, { comment: '同意' })],
    ['reject', 'POST /development/entries/55/reject', (d) => d.reject(55, '不同意')],
  ])('%s', async (_name, key, call) => {
    fake.route(key, [fixtures.apiError(422, 'too_early', '太早'), OK])

    await call(development).catch(() => null)
    expect(development.changeCount()).toBe(0)

    await call(development)
    expect(development.changeCount()).toBe(1)
  })

  test('reading changes nothing', async () => {
    fake.route('GET /development/records/12', [OK])
    fake.route('GET /development/todo', [OK])
    fake.route('GET /development/entries/55', [OK])

    await development.record(12)
    await development.todo()
    await development.entry(55)

    expect(development.changeCount()).toBe(0)
  })
})

// The idempotency key submitStep sends (`key`), as the server takes it: 8–64 characters of
// [A-Za-z0-9_-]. The step form makes its keys with utils/checkin-queue.js newIdempotencyKey.
const SERVER_KEY = /^[A-Za-z0-9_-]{8,64}$/

test.each([
  ['abcd1234', true],
  ['kx3f9a-AbC_9', true],
  ['a'.repeat(64), true],
  ['short', false],
  ['a'.repeat(65), false],
  ['has space', false],
  ['键值键值键值键值', false],
  [undefined, false],
])('the server takes the key %p: %p', (key, valid) => {
  expect(typeof key === 'string' && SERVER_KEY.test(key)).toBe(valid)
})

test('the keys the step form makes are ones the server takes, sent as they are', async () => {
  const { newIdempotencyKey } = require('../../utils/checkin-queue')
  const key = newIdempotencyKey()
  expect(key).toMatch(SERVER_KEY)
  fake.route('POST /development/records/12/entries', [OK])

  await development.submitStep(12, { step: 2, done_on: '2026-09-20', key })

  expect(fake.requestsTo('POST /development/records/12/entries')[0].data.key).toBe(key)
})

describe('materials', () => {
  const MATERIAL = {
    id: 9,
    record_id: 12,
    entry_id: null,
    kind: 'thought_report',
    kind_label: '思想汇报',
    title: '2026年第三季度思想汇报',
    filename: '2026年第三季度思想汇报.docx',
    content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    size: 204800,
    note: null,
    url: '/api/v1/development/materials/9/content',
    uploaded_by: '王小明',
    uploaded_at: '2026-11-24T02:00:00Z',
    can_delete: true,
  }

  test('materials lists GET /development/records/{id}/materials', async () => {
    fake.route('GET /development/records/12/materials', [{ status: 200, body: { items: [MATERIAL] } }])

    await expect(development.materials(12)).resolves.toEqual({ items: [MATERIAL] })
    expect(fake.requests.map((r) => [r.key, r.header.Authorization])).toEqual([['GET /development/records/12/materials', 'Bearer tok-1']])
  })

  test('deleteMaterial is DELETE /development/materials/{id}', async () => {
    fake.route('DELETE /development/materials/9', [{ status: 204, body: '' }])

    await expect(development.deleteMaterial(9)).resolves.toBeNull()
    expect(fake.requests.map((r) => r.key)).toEqual(['DELETE /development/materials/9'])
  })

  test('uploadMaterial goes through api/upload.js: the file as `file`, the kind, title, note and step as fields', async () => {
    const upload = require('../../api/upload')
    jest.spyOn(upload, 'upload')
    fake.route('POST /development/records/12/materials', [{ status: 201, body: MATERIAL }])

    const body = await development.uploadMaterial(12, 'wxfile://tmp/a.docx', { kind: 'thought_report', title: '第三季度', note: '按时提交', entry_id: 106 })

    expect(body).toEqual(MATERIAL)
    expect(upload.upload).toHaveBeenCalledTimes(1)
    expect(fake.wx.request).not.toHaveBeenCalled()
    const call = fake.requestsTo('POST /development/records/12/materials')[0]
    expect(call).toMatchObject({
      url: 'http://127.0.0.1:5000/api/v1/development/records/12/materials',
      filePath: 'wxfile://tmp/a.docx',
      name: 'file',
      formData: { kind: 'thought_report', title: '第三季度', note: '按时提交', entry_id: '106' },
    })
    expect(call.header.Authorization).toBe('Bearer tok-1')
  })

  test('uploadMaterial leaves out the empty fields', async () => {
    fake.route('POST /development/records/12/materials', [{ status: 201, body: MATERIAL }])

    await development.uploadMaterial(12, 'wxfile://tmp/a.pdf', { kind: 'application', title: '', note: null })

    expect(fake.requests[0].formData).toEqual({ kind: 'application' })
  })

  test.each([
    [413, 'file_too_large', '文件不能超过 10 MB'],
    [415, 'file_type_not_allowed', '不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF 后上传'],
    [422, 'file_empty', '文件为空'],
  ])('an upload refused with %i rejects with the server’s message', async (status, code, message) => {
    fake.route('POST /development/records/12/materials', [fixtures.apiError(status, code, message)])

    const error = await development.uploadMaterial(12, 'wxfile://tmp/a.doc', { kind: 'other' }).catch((e) => e)

    expect(error).toMatchObject({ name: 'ApiError', status, code, message })
  })

  describe('downloadMaterial', () => {
    const { installCheckinWx } = require('../helpers/checkin-wx')

    test('downloads /development/materials/{id}/content with the bearer token', async () => {
      const controls = installCheckinWx(fake)
      controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/9.docx' }

      await expect(development.downloadMaterial(9)).resolves.toBe('wxfile://tmp/9.docx')

      const options = fake.wx.downloadFile.mock.calls[0][0]
      expect(options.url).toBe('http://127.0.0.1:5000/api/v1/development/materials/9/content')
      expect(options.header).toEqual({ Authorization: 'Bearer tok-1' })
    })

    test('an error status rejects with an ApiError, a failed download with a NetworkError', async () => {
      const controls = installCheckinWx(fake)
      controls.state.download = { statusCode: 404 }
      await expect(development.downloadMaterial(9)).rejects.toMatchObject({ name: 'ApiError', status: 404 })

      controls.state.download = { fail: true }
      await expect(development.downloadMaterial(9)).rejects.toMatchObject({ name: 'NetworkError' })
    })
  })
})
