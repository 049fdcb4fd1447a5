const { installWx } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')

let fake
let page

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  page = loadPage('pages/bind/index')
  page.onLoad({ ticket: 'tick%2Fet' })
})

function type(field, value) {
  page.onInput(tapEvent({ field }, { value }))
}

function chooseIdentity() {
  page.switchMethod(tapEvent({ method: 'identity' }))
}

test('reads and decodes the ticket from the query', () => {
  expect(page.data.bindTicket).toBe('tick/et')
  expect(page.data.method).toBe('invite')
})

test('without a ticket it asks the user to log in again', () => {
  const bare = loadPage('pages/bind/index')
  bare.onLoad({})

  expect(bare.data.ticketExpired).toBe(true)
  expect(bare.data.errorMessage).toMatch(/重新登录/)
  bare.restartLogin()
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
})

test('an empty invite code is rejected before any request', async () => {
  type('inviteCode', '   ')

  await page.submit()

  expect(page.data.fieldErrors.inviteCode).toBe('请输入邀请码')
  expect(fake.requests).toHaveLength(0)
})

test('identity: name and staff number required, phone_last4 must be exactly 4 digits', async () => {
  chooseIdentity()
  type('phoneLast4', '12a4')

  await page.submit()

  expect(page.data.fieldErrors).toEqual({
    staffNo: '请输入学号或工号',
    name: '请输入姓名',
    phoneLast4: '请输入手机号后四位（4位数字）',
  })
  expect(fake.requests).toHaveLength(0)
})

test.each(['123', '12345', '', 'abcd'])('phone_last4 %j is rejected', async (value) => {
  chooseIdentity()
  type('staffNo', '2021010101')
  type('name', '张三')
  type('phoneLast4', value)

  await page.submit()

  expect(page.data.fieldErrors.phoneLast4).toBe('请输入手机号后四位（4位数字）')
  expect(page.data.fieldErrors.name).toBeUndefined()
  expect(fake.requests).toHaveLength(0)
})

test('typing into a field clears its error', async () => {
  await page.submit()
  expect(page.data.fieldErrors.inviteCode).toBeTruthy()

  type('inviteCode', 'A')

  expect(page.data.fieldErrors.inviteCode).toBe('')
})

test('invite success stores the session and goes to 我的', async () => {
  fake.route('POST /auth/bind', [fixtures.authBindOk('tok-bind')])
  type('inviteCode', ' ABC123 ')

  await page.submit()

  expect(fake.requests[0].data).toEqual({ bind_ticket: 'tick/et', method: 'invite', invite_code: 'ABC123' })
  expect(fake.storedSession().token).toBe('tok-bind')
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/me/index' })
  expect(page.data.submitting).toBe(false)
})

test('identity success sends the identity fields', async () => {
  fake.route('POST /auth/bind', [fixtures.authBindOk()])
  chooseIdentity()
  type('staffNo', '2021010101')
  type('name', '张三')
  type('phoneLast4', '5678')

  await page.submit()

  expect(fake.requests[0].data).toEqual({
    bind_ticket: 'tick/et',
    method: 'identity',
    staff_no: '2021010101',
    name: '张三',
    phone_last4: '5678',
  })
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/me/index' })
})

test.each([
  [422, 'bind_mismatch', '信息与登记不一致'],
  [422, 'invite_code_invalid', '邀请码不存在或已失效'],
  [409, 'already_bound', '该成员已绑定其他微信账号'],
  [429, 'too_many_attempts', '尝试次数过多，请10分钟后再试'],
])('server error %i %s is shown in Chinese and the user stays', async (status, code, message) => {
  fake.route('POST /auth/bind', [fixtures.apiError(status, code, message)])
  type('inviteCode', 'ABC')

  await page.submit()

  expect(page.data.errorMessage).toBe(message)
  expect(page.data.ticketExpired).toBe(false)
  expect(page.data.submitting).toBe(false)
  expect(fake.wx.reLaunch).not.toHaveBeenCalled()
  expect(fake.storedSession()).toBeUndefined()
})

test('server field errors appear under the matching inputs', async () => {
  fake.route('POST /auth/bind', [
    fixtures.apiError(422, 'validation_error', '输入有误', { phone_last4: ['必须是4位数字'], name: ['姓名过长'] }),
  ])
  chooseIdentity()
  type('staffNo', '1')
  type('name', '张三')
  type('phoneLast4', '1234')

  await page.submit()

  expect(page.data.errorMessage).toBe('输入有误')
  expect(page.data.fieldErrors).toEqual({ phoneLast4: '必须是4位数字', name: '姓名过长' })
})

test('an expired ticket offers to restart login', async () => {
  fake.route('POST /auth/bind', [fixtures.apiError(401, 'bind_ticket_invalid', '绑定已超时，请重新登录')])
  type('inviteCode', 'ABC')

  await page.submit()

  expect(page.data.ticketExpired).toBe(true)
  expect(page.data.errorMessage).toBe('绑定已超时，请重新登录')
  expect(fake.wx.login).not.toHaveBeenCalled()

  page.restartLogin()
  expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
})

test('switching tabs clears errors', async () => {
  await page.submit()
  chooseIdentity()

  expect(page.data.method).toBe('identity')
  expect(page.data.fieldErrors).toEqual({})
})
