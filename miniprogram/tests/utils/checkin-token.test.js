const { installWx, settle } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')
const checkinToken = require('../../utils/checkin-token')

// Meeting 7 (base36 '7'), slot 'kx3f9', a MAC of 20 characters: 28 characters in all.
const TOKEN = '7.kx3f9.Ab_9-ZzQw3rT5yU1oP0a'
const URL = `https://dj.example.edu.cn/m/checkin?t=${TOKEN}`

describe('isValidToken', () => {
  test.each([
    [TOKEN],
    ['a.b.c'],
    ['1A.zz.-_'],
    // Exactly the limit.
    [`7.1.${'x'.repeat(28)}`],
  ])('%s is a token', (token) => {
    expect(checkinToken.isValidToken(token)).toBe(true)
  })

  test.each([
    ['', 'empty'],
    [`7.1.${'x'.repeat(29)}`, 'one character over 32'],
    ['7.kx3f9', 'two parts'],
    ['7.kx3f9.ab.cd', 'four parts'],
    ['7..ab', 'an empty part'],
    ['.7.ab', 'an empty first part'],
    ['7.kx3f9.ab!', 'a character outside [0-9A-Za-z._-]'],
    ['7.kx3f9.a b', 'a space'],
    ['7.kx3f9.签到', 'Chinese'],
    ['7.kx3f9.ab%2F', 'a percent escape'],
  ])('%s is refused (%s)', (token) => {
    expect(checkinToken.isValidToken(token)).toBe(false)
  })

  test('anything but a string is refused', () => {
    expect(checkinToken.isValidToken(null)).toBe(false)
    expect(checkinToken.isValidToken(undefined)).toBe(false)
    expect(checkinToken.isValidToken(7)).toBe(false)
  })
})

describe('fromText: what wx.scanCode read', () => {
  test.each([
    [URL, 'the check-in link'],
    [`  ${URL}\n`, 'with blanks around'],
    [`http://127.0.0.1:5000/m/checkin?t=${TOKEN}`, 'a local server over http'],
    [`https://dj.example.edu.cn/party/m/checkin?t=${TOKEN}`, 'a base URL with a path'],
    [`https://dj.example.edu.cn/m/checkin/?t=${TOKEN}`, 'a trailing slash'],
    [`https://dj.example.edu.cn/m/checkin?from=screen&t=${TOKEN}#top`, 'other parameters and a fragment'],
    [`HTTPS://DJ.EXAMPLE.EDU.CN/m/checkin?t=${TOKEN}`, 'an upper-case scheme and host'],
    [TOKEN, 'the bare token'],
  ])('finds the token in %j (%s)', (text) => {
    expect(checkinToken.fromText(text)).toBe(TOKEN)
  })

  test.each([
    ['https://weixin.qq.com/r/abcdefg', 'a WeChat contact code'],
    [`https://evil.example.com/pay?t=${TOKEN}`, 'another path with a token-shaped parameter'],
    [`https://dj.example.edu.cn/m/checkin-admin?t=${TOKEN}`, 'a path that only starts like it'],
    ['https://dj.example.edu.cn/m/checkin', 'the link without a token'],
    ['https://dj.example.edu.cn/m/checkin?token=a.b.c', 'another parameter name'],
    [`https://dj.example.edu.cn/m/checkin?t=${TOKEN}x${'y'.repeat(10)}`, 'a token too long'],
    ['https://dj.example.edu.cn/m/checkin?t=7.kx3f9.ab%21', 'an escaped bad character'],
    ['https://dj.example.edu.cn/m/checkin?t=%E0%A4%A', 'a malformed escape'],
    [`ftp://dj.example.edu.cn/m/checkin?t=${TOKEN}`, 'another scheme'],
    ['hello world', 'plain text'],
    ['6901234567892', 'a bar code'],
    ['', 'nothing'],
    ['   ', 'blanks'],
  ])('refuses %j (%s)', (text) => {
    expect(checkinToken.fromText(text)).toBe('')
  })

  test('refuses what is not text', () => {
    expect(checkinToken.fromText(undefined)).toBe('')
    expect(checkinToken.fromText({ result: TOKEN })).toBe('')
  })
})

describe('fromQuery: how the page was opened', () => {
  test('query.q: the link WeChat scanned, encoded, with scancode_time in seconds', () => {
    expect(checkinToken.fromQuery({ q: encodeURIComponent(URL), scancode_time: '1796101080' })).toEqual({
      token: TOKEN,
      scannedAt: 1796101080000,
      source: 'q',
      error: '',
    })
  })

  test('query.q encoded twice still gives the token', () => {
    expect(checkinToken.fromQuery({ q: encodeURIComponent(encodeURIComponent(URL)) }).token).toBe(TOKEN)
  })

  test('query.scene: the bare token, URL-encoded', () => {
    expect(checkinToken.fromQuery({ scene: encodeURIComponent(TOKEN) })).toEqual({
      token: TOKEN,
      scannedAt: null,
      source: 'scene',
      error: '',
    })
  })

  test('query.token: passed on by the in-app scan', () => {
    expect(checkinToken.fromQuery({ token: TOKEN }).token).toBe(TOKEN)
  })

  test.each([
    [{ q: encodeURIComponent('https://weixin.qq.com/r/abcdefg') }, 'a foreign link in q'],
    [{ q: encodeURIComponent(TOKEN) }, 'a bare token in q (q is always a link)'],
    [{ q: '%E0%A4%A' }, 'a malformed q'],
    [{ scene: encodeURIComponent(URL) }, 'a link in scene'],
    [{ scene: 'x'.repeat(33) }, 'a scene too long'],
    [{ scene: encodeURIComponent('7.kx3f9.ab cd') }, 'a scene with a bad character'],
    [{ token: 'not-a-token' }, 'a bad token'],
  ])('%j is not this system\'s code (%s)', (query) => {
    const result = checkinToken.fromQuery(query)
    expect(result.token).toBe('')
    expect(result.error).toBe('不是本系统的签到码')
  })

  test('no code at all says so', () => {
    expect(checkinToken.fromQuery({}).error).toBe('未识别到签到码，请扫描会场大屏上的二维码')
    expect(checkinToken.fromQuery(undefined).token).toBe('')
  })
})

describe('parseScancodeTime', () => {
  test.each([
    ['1796101080', 1796101080000],
    [1796101080, 1796101080000],
    ['0', null],
    ['', null],
    ['17961010.5', null],
    ['-1796101080', null],
    ['abc', null],
    [undefined, null],
    ['1'.repeat(13), null],
  ])('%j → %j', (value, expected) => {
    expect(checkinToken.parseScancodeTime(value)).toBe(expected)
  })
})

test('meetingIdOf reads the base36 meeting id, or null', () => {
  expect(checkinToken.meetingIdOf(TOKEN)).toBe(7)
  expect(checkinToken.meetingIdOf('2s.kx3f9.abc')).toBe(100)
  expect(checkinToken.meetingIdOf('0.kx3f9.abc')).toBe(null)
  expect(checkinToken.meetingIdOf('a-b.kx3f9.abc')).toBe(null)
  expect(checkinToken.meetingIdOf('nonsense')).toBe(null)
})

describe('scan: the camera', () => {
  let controls

  beforeEach(() => {
    const fake = installWx()
    controls = installCheckinWx(fake)
  })

  test('camera only, and the token of a check-in link', async () => {
    controls.scanReturns(URL)

    await expect(checkinToken.scan()).resolves.toEqual({ token: TOKEN, error: '', cancelled: false })
    expect(global.wx.scanCode.mock.calls[0][0].onlyFromCamera).toBe(true)
  })

  test('a random QR code is refused with the message, at once', async () => {
    controls.scanReturns('https://weixin.qq.com/r/abcdefg')

    await expect(checkinToken.scan()).resolves.toEqual({ token: '', error: '不是本系统的签到码', cancelled: false })
  })

  test('closing the scanner is no error; a scanner that fails to open is', async () => {
    controls.scanCancels()
    await expect(checkinToken.scan()).resolves.toEqual({ token: '', error: '', cancelled: true })

    controls.state.scan = { fail: 'scanCode:fail camera auth deny' }
    const result = checkinToken.scan()
    await settle()
    await expect(result).resolves.toEqual({ token: '', error: checkinToken.SCAN_FAILED_MESSAGE, cancelled: false })
  })
})
