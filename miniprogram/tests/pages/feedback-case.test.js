// 反映详情 (pages/feedback/case), the submitter's view: a named case by ?id= and under
// /feedback/mine/{id}, an anonymous one by the receipt handed over in memory and under
// /feedback/lookup and /feedback/receipt/* (neither its id nor the receipt in any URL); rating and
// reopening offered only when the server allows them, each checked, confirmed (reopening) and
// refused as the server says (409 reloads, content_flagged by its field, 404 for a receipt of no
// case); a named case's attachments opened with the session, an anonymous case's listed only;
// attachments added while the case waits, on its day (pictures only when anonymous), the page
// showing the case each upload answers with.

const { settle } = require('../helpers/wx')
const { checkinEachTest } = require('../helpers/checkin-wx')
const { loadPages, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const fb = require('./feedback-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)
const RECEIPT = fb.RECEIPT
const ANONYMOUS_ID = fb.ANONYMOUS_ID

const { fake, controls } = checkinEachTest(NOW)

beforeEach(() => {
  fake.wx.setClipboardData = jest.fn()
})

function load() {
  const { pages, modules } = loadPages(['pages/feedback/case'], ['services/feedback'])
  return { page: pages[0], feedback: modules[0] }
}

async function openNamed(body = fb.caseBody()) {
  fake.route(`GET /feedback/mine/${body.id}`, [fb.ok(body)])
  const { page } = load()
  await page.onLoad({ id: String(body.id) })
  return page
}

async function openAnonymous(body, held = true) {
  const { page, feedback } = load()
  feedback.holdCase(RECEIPT, held ? body : null)
  await page.onLoad({})
  return page
}

// Every address the page used: requests, uploads, downloads and navigations.
function everyUrl() {
  const navigations = ['navigateTo', 'redirectTo', 'reLaunch'].flatMap((name) => fake.wx[name].mock.calls.map(([options]) => options.url))
  const downloads = fake.wx.downloadFile.mock.calls.map(([options]) => options.url)
  return fake.requests.map((call) => call.url).concat(downloads, navigations)
}

function expectNoAnonymousUrl() {
  everyUrl().forEach((url) => {
    expect(url).not.toContain(String(ANONYMOUS_ID))
    expect(url).not.toMatch(/K7QM|2XWP|\/feedback\/(mine|cases)\//)
  })
}

const answered = {
  status: 'replied',
  accepted_on: '2026-11-21',
  replies: [{ content: '已协调增加两个窗口', on: '2026-11-23' }],
  can_rate: true,
  can_reopen: true,
}

const FLAGGED = ['内容含有不当词语（赌博），请修改后再提交']

describe('opening', () => {
  test('a named case by its id', async () => {
    const page = await openNamed(fb.caseBody(answered))

    expect(fake.requestsTo('GET /feedback/mine/41')).toHaveLength(1)
    expect(page.data.item).toMatchObject({ title: '食堂排队时间过长', statusLabel: '已答复', canRate: true, canReopen: true })
    expect(page.data.item.replies).toEqual([{ key: 'reply-0', content: '已协调增加两个窗口', dayText: '11月23日' }])
    expect(page.data.receipt).toBe('')
  })

  test('an anonymous case from the handover: shown at once, no second lookup', async () => {
    const page = await openAnonymous(fb.anonymousBody())

    expect(fake.requests).toHaveLength(0)
    expect(page.data).toMatchObject({ receipt: RECEIPT, saved: false, loading: false })
    expect(page.data.item.anonymous).toBe(true)
  })

  test('an anonymous case handed over without its body is looked up by the receipt, in the body', async () => {
    fake.route('POST /feedback/lookup', [fb.ok(fb.anonymousBody())])
    const page = await openAnonymous(null, false)

    expect(fake.requestsTo('POST /feedback/lookup')[0].data).toEqual({ receipt: RECEIPT })
    expect(page.data.item.id).toBe(ANONYMOUS_ID)
    expectNoAnonymousUrl()
  })

  test('nothing handed over and no id: asks for the receipt, sends nothing', async () => {
    const { page } = load()
    await page.onLoad({})

    expect(page.data.loadError).toBe('请在「我的反映」中输入凭证码查询匿名反映')
    expect(fake.requests).toHaveLength(0)
  })

  test('404: the case is not there for the caller', async () => {
    fake.route('GET /feedback/mine/9', [fixtures.apiError(404, 'not_found', '反映不存在')])
    const { page } = load()
    await page.onLoad({ id: '9' })

    expect(page.data).toMatchObject({ notFound: true, item: null })
  })

  test('404 for a receipt of no case', async () => {
    fake.route('POST /feedback/lookup', [fixtures.apiError(404, 'not_found', '没有与该凭证码对应的反映')])
    const page = await openAnonymous(null, false)

    expect(page.data).toMatchObject({ notFound: true, item: null, receipt: RECEIPT })
  })

  test('the receipt can be copied and kept on the phone from here', async () => {
    const page = await openAnonymous(fb.anonymousBody())

    page.copyReceipt()
    expect(fake.wx.setClipboardData).toHaveBeenCalledWith({ data: RECEIPT })

    page.toggleSave(inputEvent(true))
    expect(JSON.parse(fake.storage.feedbackReceipts)).toEqual([RECEIPT])
    page.toggleSave(inputEvent(false))
    expect(fake.storage.feedbackReceipts).toBeUndefined()
  })

  test('held for review: the note says so', async () => {
    const page = await openNamed(fb.caseBody({ review_status: 'pending', accept_due: null, reply_due: null }))
    expect(page.data.item.reviewLabel).toBe('审核中')
    expect(page.data.item.reviewNote).toContain('审核通过后才会送交办理')
  })
})

describe('rating', () => {
  test('not offered before a reply: nothing is sent', async () => {
    const page = await openNamed(fb.caseBody())
    page.pickScore(tapEvent({ score: 5 }))

    await page.rate()

    expect(page.data.item.canRate).toBe(false)
    expect(fake.requests.filter((call) => call.method === 'POST')).toEqual([])
  })

  test('a score is needed; then sent with the comment and the case shows the rating', async () => {
    const page = await openNamed(fb.caseBody(answered))
    fake.route('POST /feedback/mine/41/rating', [fb.ok(fb.caseBody(Object.assign({}, answered, { can_rate: false, rating: 4, rating_comment: '及时' })))])

    await page.rate()
    expect(page.data.ratingError).toBe('请选择评分（1–5 星）')

    page.pickScore(tapEvent({ score: 4 }))
    expect(page.data.stars.map((star) => star.on)).toEqual([true, true, true, true, false])
    page.onCommentInput(inputEvent(' 及时 '))
    await page.rate()

    expect(fake.requestsTo('POST /feedback/mine/41/rating')[0].data).toEqual({ score: 4, comment: '及时' })
    expect(page.data.item).toMatchObject({ canRate: false, rating: 4, ratingComment: '及时' })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '感谢你的评价', icon: 'success' })
  })

  test('an anonymous case rates by its receipt, in the body, at a URL without the case', async () => {
    const page = await openAnonymous(fb.anonymousBody(answered))
    fake.route('POST /feedback/receipt/rating', [fb.ok(fb.anonymousBody({ status: 'replied', rating: 5 }))])

    page.pickScore(tapEvent({ score: 5 }))
    await page.rate()

    expect(fake.requests.map((call) => [call.key, call.data])).toEqual([['POST /feedback/receipt/rating', { receipt: RECEIPT, score: 5 }]])
    expect(page.data.item.rating).toBe(5)
    expectNoAnonymousUrl()
  })

  test('409 already_rated: told, and the case loaded again', async () => {
    const page = await openNamed(fb.caseBody(answered))
    fake.route('POST /feedback/mine/41/rating', [fixtures.apiError(409, 'already_rated', '已经评价过了')])
    fake.route('GET /feedback/mine/41', [fb.ok(fb.caseBody(Object.assign({}, answered, { can_rate: false, rating: 3 })))])

    page.pickScore(tapEvent({ score: 2 }))
    await page.rate()
    await settle()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法评价', content: '已经评价过了，已刷新为最新状态' }))
    expect(fake.requestsTo('GET /feedback/mine/41')).toHaveLength(2)
    expect(page.data.item).toMatchObject({ canRate: false, rating: 3 })
  })

  test('a flagged comment is said by it, naming the words', async () => {
    const page = await openNamed(fb.caseBody(answered))
    fake.route('POST /feedback/mine/41/rating', [fixtures.apiError(422, 'content_flagged', FLAGGED[0], { comment: ['含有不当词语：赌博'] })])

    page.pickScore(tapEvent({ score: 1 }))
    page.onCommentInput(inputEvent('赌博'))
    await page.rate()

    expect(page.data.ratingError).toBe('内容含有不当词语（赌博），请修改后再提交')
    expect(page.data.comment).toBe('赌博')
    expect(page.data.busy).toBe('')
  })

  test('404 for an anonymous case whose receipt matches no case any more', async () => {
    const page = await openAnonymous(fb.anonymousBody(answered))
    fake.route('POST /feedback/receipt/rating', [fixtures.apiError(404, 'not_found', '没有与该凭证码对应的反映')])

    page.pickScore(tapEvent({ score: 3 }))
    await page.rate()

    expect(page.data).toMatchObject({ notFound: true, item: null, busy: '' })
  })
})

describe('reopening', () => {
  test('not offered when the server says no', async () => {
    const page = await openNamed(fb.caseBody(Object.assign({}, answered, { can_reopen: false, reopened: true })))
    page.toggleReopen()
    page.onReasonInput(inputEvent('还是没解决'))

    await page.reopen()

    expect(page.data.reopenOpen).toBe(false)
    expect(fake.requests.filter((call) => call.method === 'POST')).toEqual([])
  })

  test('a reason is needed; the dialog says it is once only; cancelling sends nothing', async () => {
    const page = await openNamed(fb.caseBody(answered))
    page.toggleReopen()

    await page.reopen()
    expect(page.data.reasonError).toBe('请填写申请重新办理的理由')

    page.onReasonInput(inputEvent('理'.repeat(501)))
    await page.reopen()
    expect(page.data.reasonError).toBe('理由不能超过 500 个字')
    expect(fake.wx.showModal).not.toHaveBeenCalled()

    page.onReasonInput(inputEvent('窗口只增加了一天'))
    fake.answerModal(false)
    await page.reopen()

    expect(fake.wx.showModal.mock.calls[0][0].content).toContain('只能申请重新办理一次')
    expect(fake.requestsTo('POST /feedback/mine/41/reopen')).toHaveLength(0)
    expect(page.data.busy).toBe('')
  })

  test('a named case confirmed: sent under /feedback/mine/{id}', async () => {
    const page = await openNamed(fb.caseBody(answered))
    fake.route('POST /feedback/mine/41/reopen', [fb.ok(fb.caseBody({ status: 'accepted', reopened: true, reopen_reason: '窗口只增加了一天' }))])
    page.toggleReopen()
    page.onReasonInput(inputEvent(' 窗口只增加了一天 '))

    await page.reopen()

    expect(fake.requestsTo('POST /feedback/mine/41/reopen')[0].data).toEqual({ reason: '窗口只增加了一天' })
    expect(page.data.item).toMatchObject({ status: 'accepted', reopened: true, reopenReason: '窗口只增加了一天' })
  })

  test('an anonymous case confirmed: sent by its receipt, and the case shown accepted again', async () => {
    const page = await openAnonymous(fb.anonymousBody(answered))
    fake.route('POST /feedback/receipt/reopen', [
      fb.ok(fb.anonymousBody({ status: 'accepted', reopened: true, can_reopen: false, reply_due: '2026-12-09' })),
    ])
    page.toggleReopen()
    page.onReasonInput(inputEvent(' 窗口只增加了一天 '))

    await page.reopen()

    expect(fake.requestsTo('POST /feedback/receipt/reopen')[0].data).toEqual({ receipt: RECEIPT, reason: '窗口只增加了一天' })
    expect(page.data.item).toMatchObject({ status: 'accepted', statusLabel: '办理中', reopened: true, canReopen: false })
    expect(page.data).toMatchObject({ reopenOpen: false, reason: '' })
    expectNoAnonymousUrl()
  })

  test('409 already_reopened: told, and loaded again', async () => {
    const page = await openNamed(fb.caseBody(answered))
    fake.route('POST /feedback/mine/41/reopen', [fixtures.apiError(409, 'already_reopened', '只能申请一次重新办理')])
    page.toggleReopen()
    page.onReasonInput(inputEvent('理由'))

    await page.reopen()
    await settle()

    expect(fake.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '无法申请重新办理', content: '只能申请一次重新办理，已刷新为最新状态' }))
    expect(fake.requestsTo('GET /feedback/mine/41')).toHaveLength(2)
  })

  test('a flagged reason is said by it; the text kept', async () => {
    const page = await openAnonymous(fb.anonymousBody(answered))
    fake.route('POST /feedback/receipt/reopen', [fixtures.apiError(422, 'content_flagged', FLAGGED[0], { reason: ['含有不当词语：赌博'] })])
    page.toggleReopen()
    page.onReasonInput(inputEvent('赌博'))

    await page.reopen()

    expect(page.data).toMatchObject({ reasonError: '内容含有不当词语（赌博），请修改后再提交', reason: '赌博', reopenOpen: true, busy: '' })
  })

  test('422 validation_error on the receipt (malformed) is said in a dialog', async () => {
    const page = await openAnonymous(fb.anonymousBody(answered))
    fake.route('POST /feedback/receipt/reopen', [fixtures.apiError(422, 'validation_error', '输入数据有误', { receipt: ['凭证码应为 16 位字母和数字'] })])
    page.toggleReopen()
    page.onReasonInput(inputEvent('理由'))

    await page.reopen()

    expect(fake.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '无法申请重新办理', content: '输入数据有误' }))
    expect(page.data.busy).toBe('')
  })
})

describe('attachments', () => {
  const withFiles = {
    attachments: [
      { id: 5, name: '现场.jpg', size: 2048, content_type: 'image/jpeg' },
      { id: 6, name: '说明.pdf', size: 4096, content_type: 'application/pdf' },
    ],
  }

  test('a named case opens them with the session, under /feedback/mine/{id}', async () => {
    const page = await openNamed(fb.caseBody(withFiles))
    expect(page.data.canOpenAttachments).toBe(true)
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/5.jpg' }

    await page.openAttachment(tapEvent({ id: 5 }))

    const [options] = fake.wx.downloadFile.mock.calls[0]
    expect(options.url).toBe('http://127.0.0.1:5000/api/v1/feedback/mine/41/attachments/5')
    expect(options.header).toEqual({ Authorization: 'Bearer tok-1' })
    expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/5.jpg'], current: 'wxfile://tmp/5.jpg' })
  })

  test('an anonymous case lists them (names, sizes) and downloads nothing', async () => {
    const page = await openAnonymous(
      fb.anonymousBody({ attachments: [{ id: 7, name: '附件1.jpg', size: 2048, content_type: 'image/jpeg' }] })
    )
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/7.jpg' }

    expect(page.data.canOpenAttachments).toBe(false)
    expect(page.data.attachments.map((item) => [item.name, item.sizeText])).toEqual([['附件1.jpg', '2 KB']])
    await page.openAttachment(tapEvent({ id: 7 }))

    expect(fake.wx.downloadFile).not.toHaveBeenCalled()
    expect(fake.wx.previewImage).not.toHaveBeenCalled()
  })

  test('an anonymous case, on its day: pictures only (no PDF offered), sent by the receipt; the answer is the case shown', async () => {
    const today = fb.anonymousBody({ submitted_on: '2026-11-24' })
    const page = await openAnonymous(today)
    expect(page.data.canAdd).toBe(true)
    fake.route('POST /feedback/receipt/attachments', [
      { status: 201, body: Object.assign({}, today, { attachments: [{ id: 7, name: '附件1.jpg', size: 10, content_type: 'image/jpeg' }] }) },
    ])
    controls.picksPhotos(['wxfile://tmp/new.jpg'])

    await page.addAttachments()

    expect(fake.wx.showActionSheet).not.toHaveBeenCalled()
    expect(fake.wx.chooseMessageFile).not.toHaveBeenCalled()
    expect(fake.wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 3, mediaType: ['image'] })
    const [upload] = fake.requestsTo('POST /feedback/receipt/attachments')
    expect(upload).toMatchObject({ filePath: 'wxfile://tmp/new.jpg', name: 'file', formData: { receipt: RECEIPT } })
    // The answer is the whole case: no lookup after it.
    expect(fake.requestsTo('POST /feedback/lookup')).toHaveLength(0)
    expect(page.data.attachments.map((item) => item.name)).toEqual(['附件1.jpg'])
    expect(page.data.canAdd).toBe(true)
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '附件已上传', icon: 'success' })
    expectNoAnonymousUrl()
  })

  test('a named case, on its day: photo or PDF, under /feedback/mine/{id}; the case answered fills the list', async () => {
    const today = fb.caseBody({ submitted_on: '2026-11-24' })
    const page = await openNamed(today)
    const after = Object.assign({}, today, {
      attachments: [
        { id: 8, name: '说明.pdf', size: 4096, content_type: 'application/pdf' },
        { id: 9, name: '补充.pdf', size: 4096, content_type: 'application/pdf' },
      ],
    })
    fake.route('POST /feedback/mine/41/attachments', [
      { status: 201, body: Object.assign({}, today, { attachments: after.attachments.slice(0, 1) }) },
      { status: 201, body: after },
    ])
    controls.tapsSheetItem(1)
    controls.picksFiles([{ path: 'wxfile://tmp/a.pdf', name: '说明.pdf' }, { path: 'wxfile://tmp/b.pdf', name: '补充.pdf' }])

    await page.addAttachments()

    expect(fake.requestsTo('POST /feedback/mine/41/attachments').map((call) => [call.filePath, call.formData])).toEqual([
      ['wxfile://tmp/a.pdf', {}],
      ['wxfile://tmp/b.pdf', {}],
    ])
    expect(fake.requestsTo('GET /feedback/mine/41')).toHaveLength(1)
    expect(page.data.attachments.map((item) => item.name)).toEqual(['说明.pdf', '补充.pdf'])
  })

  test('409 attachments_closed (accepted meanwhile): said, and the case loaded afresh', async () => {
    const today = fb.caseBody({ submitted_on: '2026-11-24' })
    const page = await openNamed(today)
    fake.route('POST /feedback/mine/41/attachments', [fixtures.apiError(409, 'attachments_closed', '只能在提交当天、受理之前添加附件')])
    fake.route('GET /feedback/mine/41', [fb.ok(Object.assign({}, today, { status: 'accepted', accepted_on: '2026-11-24' }))])
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/1.jpg', 'wxfile://tmp/2.jpg'])

    await page.addAttachments()
    await settle()

    expect(fake.requestsTo('POST /feedback/mine/41/attachments')).toHaveLength(1)
    expect(fake.wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '上传失败', content: '照片 1：只能在提交当天、受理之前添加附件\n其余 1 个附件未上传' })
    )
    expect(fake.requestsTo('GET /feedback/mine/41')).toHaveLength(2)
    expect(page.data).toMatchObject({ canAdd: false, busy: '' })
  })

  test('a refused file (415, 413) does not stop the next; nothing to reload', async () => {
    const today = fb.anonymousBody({ submitted_on: '2026-11-24' })
    const page = await openAnonymous(today)
    fake.route('POST /feedback/receipt/attachments', [
      fixtures.apiError(413, 'image_too_large', '图片尺寸过大'),
      { status: 201, body: Object.assign({}, today, { attachments: [{ id: 7, name: '附件1.png', size: 10, content_type: 'image/png' }] }) },
    ])
    controls.picksPhotos(['wxfile://tmp/big.jpg', 'wxfile://tmp/ok.png'])

    await page.addAttachments()

    expect(fake.requestsTo('POST /feedback/receipt/attachments')).toHaveLength(2)
    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '部分附件未上传', content: '照片 1：图片尺寸过大' }))
    expect(page.data.attachments.map((item) => item.name)).toEqual(['附件1.png'])
    expect(fake.requestsTo('POST /feedback/lookup')).toHaveLength(0)
  })

  test('not on a later day', async () => {
    const older = await openNamed(fb.caseBody({ submitted_on: '2026-11-23' }))
    expect(older.data.canAdd).toBe(false)
  })
})
