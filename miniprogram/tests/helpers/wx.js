// A stand-in for the `wx` global: in-memory storage, a scripted wx.login, navigation spies,
// wx.request and wx.uploadFile answered by a tiny fake server (routes keyed by 'METHOD /path'), a scripted
// subscribe-message dialog (wx.requestSubscribeMessage) and a scripted confirm dialog (wx.showModal).
// Answers arrive asynchronously, as on a device, so concurrency can be tested.

const config = require('../../config')

function defer(fn) {
  setTimeout(fn, 0)
}

function installWx() {
  const storage = {}
  const routes = {}
  const requests = []
  let loginCount = 0
  // The member's answer in the subscribe dialog: (tmplIds) => { results: { id: status } }
  // or { fail: true, errCode }. By default they accept every template.
  let subscribeAnswer = (tmplIds) => ({ results: Object.fromEntries(tmplIds.map((id) => [id, 'accept'])) })
  // The member's answer in wx.showModal: true (确定), false (取消) or 'fail'. By default 确定.
  let modalAnswer = true

  function routeKey(method, url) {
    const path = url.startsWith(config.apiBase) ? url.slice(config.apiBase.length) : url
    return `${method} ${path}`
  }

  // Records the call and answers it from its route, later; `asBody` turns a reply's body into
  // what the API hands to success (wx.uploadFile gives text).
  function answerCall(call, options, api, asBody) {
    requests.push(call)
    const handler = routes[call.key]
    defer(() => {
      let reply
      if (!handler) {
        reply = { status: 404, body: { code: 'not_found', status: 404, message: '接口不存在', errors: {} } }
      } else if (Array.isArray(handler)) {
        // A queue: each call takes the next reply; the last one repeats.
        reply = handler.length > 1 ? handler.shift() : handler[0]
      } else {
        reply = handler(call)
      }
      const answer = () => {
        if (reply.networkFailure) {
          options.fail({ errMsg: `${api}:fail timeout` })
          return
        }
        options.success({ statusCode: reply.status, data: reply.body === undefined ? '' : asBody(reply.body), header: {} })
      }
      // { ..., delay: ms } answers later than requests sent after it, as a slow server would.
      if (reply.delay) setTimeout(answer, reply.delay)
      else answer()
    })
  }

  const wx = {
    getStorageSync: jest.fn((key) => (key in storage ? JSON.parse(storage[key]) : '')),
    setStorageSync: jest.fn((key, value) => {
      storage[key] = JSON.stringify(value)
    }),
    removeStorageSync: jest.fn((key) => {
      delete storage[key]
    }),

    login: jest.fn((options) => {
      loginCount += 1
      const code = `wx-code-${loginCount}`
      defer(() => options.success({ code, errMsg: 'login:ok' }))
    }),

    request: jest.fn((options) => {
      const call = {
        key: routeKey(options.method, options.url),
        url: options.url,
        method: options.method,
        data: options.data,
        header: options.header,
        timeout: options.timeout,
      }
      answerCall(call, options, 'request', (body) => body)
      return { abort() {} }
    }),

    // Answered by the same routes as wx.request ('POST /meetings/7/attachments'); the call records
    // filePath, name and formData. As on a device, the body reaches success as text.
    uploadFile: jest.fn((options) => {
      const call = {
        key: routeKey('POST', options.url),
        url: options.url,
        method: 'POST',
        filePath: options.filePath,
        name: options.name,
        formData: options.formData,
        header: options.header,
        timeout: options.timeout,
      }
      answerCall(call, options, 'uploadFile', (body) => (typeof body === 'string' ? body : JSON.stringify(body)))
      return { abort() {}, onProgressUpdate() {} }
    }),

    requestSubscribeMessage: jest.fn((options) => {
      const answer = subscribeAnswer(options.tmplIds)
      defer(() => {
        if (answer.fail) {
          options.fail({ errMsg: `requestSubscribeMessage:fail ${answer.errCode}`, errCode: answer.errCode })
        } else {
          options.success(Object.assign({ errMsg: 'requestSubscribeMessage:ok' }, answer.results))
        }
      })
    }),

    showModal: jest.fn((options) => {
      const answer = modalAnswer
      defer(() => {
        if (answer === 'fail') options.fail({ errMsg: 'showModal:fail' })
        else options.success({ errMsg: 'showModal:ok', confirm: answer, cancel: !answer })
      })
    }),

    navigateTo: jest.fn(),
    reLaunch: jest.fn(),
    switchTab: jest.fn(),
    redirectTo: jest.fn(),
    showToast: jest.fn(),
    stopPullDownRefresh: jest.fn(),
  }

  global.wx = wx

  return {
    wx,
    storage,
    requests,
    // route('POST /auth/wx-login', reply | [reply, ...] | (call) => reply)
    route(key, handler) {
      routes[key] = handler
    },
    // A paged list: each requested page (call.data.page) answered with replyOf(its items, meta),
    // pages[n - 1] being page n's items (none past the last); meta is { page, total, pages } as
    // the list fixtures take it.
    routePages(key, pages, replyOf) {
      routes[key] = (call) => {
        const page = call.data.page
        const total = pages.reduce((sum, list) => sum + list.length, 0)
        return replyOf(pages[page - 1] || [], { page, total, pages: pages.length })
      }
    },
    // answerSubscribe((tmplIds) => ({ results: {...} }) | ({ fail: true, errCode: 20004 }))
    answerSubscribe(fn) {
      subscribeAnswer = fn
    },
    // answerModal(true | false | 'fail')
    answerModal(answer) {
      modalAnswer = answer
    },
    requestsTo(key) {
      return requests.filter((call) => call.key === key)
    },
    storedSession() {
      return 'session' in storage ? JSON.parse(storage.session) : undefined
    },
    storeSession(session) {
      storage.session = JSON.stringify(session)
    },
  }
}

// The start of most page tests: modules loaded afresh, Date.now() fixed at `now` (released by
// jest.restoreAllMocks() in afterEach) and the fake wx installed with a member signed in.
function installSignedInWx(now) {
  jest.resetModules()
  jest.spyOn(Date, 'now').mockReturnValue(now)
  const fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  return fake
}

// The hooks of a test file whose tests each start with installSignedInWx(now) and end with the
// spies released. Returns the fake wx of the test that runs: its fields are set afresh before
// each test.
function signedInEachTest(now) {
  const fake = {}
  beforeEach(() => {
    Object.assign(fake, installSignedInWx(now))
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })
  return fake
}

// Lets every pending fake reply (setTimeout 0) and the promise chains after it run.
async function settle(rounds = 10) {
  for (let i = 0; i < rounds; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

module.exports = { installWx, installSignedInWx, signedInEachTest, settle }
