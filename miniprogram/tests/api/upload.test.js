const { installWx, settle } = require('../helpers/wx')
const fixtures = require('../helpers/fixtures')

let fake
let upload
let errors

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: '2026-12-01T00:00:00Z', member: fixtures.member })
  upload = require('../../api/upload')
  errors = require('../../api/errors')
})

const PHOTO = 'wxfile://tmp/photo-1.jpg'

function send(extra = {}) {
  return upload.upload(
    Object.assign({ url: '/meetings/7/attachments', filePath: PHOTO, name: 'file', formData: { caption: '会场' } }, extra)
  )
}

test('uploads the file under config.apiBase with the bearer token and resolves with the parsed body', async () => {
  fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(31) }])

  const body = await send()

  const [call] = fake.requests
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/meetings/7/attachments')
  expect(call.filePath).toBe(PHOTO)
  expect(call.name).toBe('file')
  expect(call.formData).toEqual({ caption: '会场' })
  expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })
  expect(call.timeout).toBe(upload.DEFAULT_TIMEOUT)
  // wx.uploadFile hands the body over as text; it arrives parsed.
  expect(body).toMatchObject({ id: 31, filename: 'photo-31.jpg' })
  expect(fake.wx.request).not.toHaveBeenCalled()
})

test('the field name defaults to file and the form data to nothing', async () => {
  fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(31) }])

  await upload.upload({ url: '/meetings/7/attachments', filePath: PHOTO })

  expect(fake.requests[0].name).toBe('file')
  expect(fake.requests[0].formData).toEqual({})
})

test.each([
  [413, 'file_too_large', '文件不能超过 10 MB'],
  [415, 'file_type_not_allowed', '只能上传 JPG、PNG、WebP 图片或 PDF 文件'],
  [409, 'too_many_attachments', '每次会议最多 100 个附件'],
])("a %i rejects with an ApiError carrying the server's %s and message", async (status, code, message) => {
  fake.route('POST /meetings/7/attachments', [fixtures.apiError(status, code, message, { file: [message] })])

  const error = await send().catch((e) => e)

  expect(error).toBeInstanceOf(errors.ApiError)
  expect(error).not.toBeInstanceOf(errors.AuthError)
  expect(error).toMatchObject({ status, code, message, errors: { file: [message] } })
})

test('a 2xx body with a `code` field is still a success (status decides, not the body)', async () => {
  fake.route('POST /meetings/7/attachments', [{ status: 201, body: { code: 'weird', id: 3 } }])

  await expect(send()).resolves.toEqual({ code: 'weird', id: 3 })
})

test("a proxy's non-JSON 413 page still gives a Chinese message", async () => {
  fake.route('POST /meetings/7/attachments', [{ status: 413, body: '<html>413 Request Entity Too Large</html>' }])

  const error = await send().catch((e) => e)

  expect(error).toBeInstanceOf(errors.ApiError)
  expect(error.status).toBe(413)
  expect(error.message).toBe('文件过大，无法上传')
})

test('a failed upload (no response) rejects with a NetworkError', async () => {
  fake.route('POST /meetings/7/attachments', [{ networkFailure: true }])

  const error = await send().catch((e) => e)

  expect(error).toBeInstanceOf(errors.NetworkError)
  expect(error.message).toBe('网络连接失败，请稍后重试')
  expect(error.detail).toBe('uploadFile:fail timeout')
})

test('a 401 renews the session once through the shared login and sends the file once more', async () => {
  fake.route('POST /meetings/7/attachments', (call) =>
    call.header.Authorization === 'Bearer fresh'
      ? { status: 201, body: fixtures.attachmentBody(31) }
      : fixtures.apiError(401, 'token_expired', '登录已过期')
  )
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  const body = await send()

  expect(body.id).toBe(31)
  expect(fake.wx.login).toHaveBeenCalledTimes(1)
  expect(fake.requestsTo('POST /meetings/7/attachments').map((call) => call.header.Authorization)).toEqual([
    'Bearer tok-1',
    'Bearer fresh',
  ])
  expect(fake.requestsTo('POST /meetings/7/attachments')[1].filePath).toBe(PHOTO)
  expect(fake.storedSession().token).toBe('fresh')
})

test('a second 401 rejects with AuthError and does not loop', async () => {
  fake.route('POST /meetings/7/attachments', [fixtures.apiError(401, 'token_invalid', '登录已失效')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])

  const error = await send().catch((e) => e)
  await settle()

  expect(error).toBeInstanceOf(errors.AuthError)
  expect(error.status).toBe(401)
  expect(fake.requestsTo('POST /meetings/7/attachments')).toHaveLength(2)
  expect(fake.wx.login).toHaveBeenCalledTimes(1)
})

test('an unbound WeChat user after the 401 rejects with AuthError carrying the bind ticket', async () => {
  fake.route('POST /meetings/7/attachments', [fixtures.apiError(401, 'token_expired', '登录已过期')])
  fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-5')])

  const error = await send().catch((e) => e)

  expect(error).toBeInstanceOf(errors.AuthError)
  expect(error.bindTicket).toBe('ticket-5')
  expect(fake.requestsTo('POST /meetings/7/attachments')).toHaveLength(1)
})
