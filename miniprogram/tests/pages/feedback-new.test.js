// 我要反映 (pages/feedback/new): the kind, the checks before sending, the report's org picker, the
// server's refusals (422 per field, 422 no_handler, 429 too_many_cases), a named case opening in
// place of the form, an anonymous one showing its receipt (copied on request, kept on the phone
// only when chosen, never in a URL), and the attachments uploaded after the case exists: a named
// case's under /feedback/mine/{id}, an anonymous case's by its receipt (photos only: no PDF).

const { settle } = require('../helpers/wx')
const { checkinEachTest } = require('../helpers/checkin-wx')
const { loadPage, loadPages, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const fb = require('./feedback-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)
const RAW_RECEIPT = 'k7qm2xwp9d4rh8tn'
const ANONYMOUS_ID = fb.ANONYMOUS_ID

const { fake, controls } = checkinEachTest(NOW)

beforeEach(() => {
  fake.wx.setClipboardData = jest.fn((options) => setTimeout(() => options.success && options.success({}), 0))
})

function fill(page, { kind = 'suggestion', title = '食堂排队时间过长', content = '建议增加窗口' } = {}) {
  page.chooseKind(tapEvent({ kind }))
  page.onTitleInput(inputEvent(title))
  page.onContentInput(inputEvent(content))
}

function created(overrides = {}, receipt) {
  const body = { case: fb.caseBody(overrides) }
  if (receipt) body.receipt = receipt
  return { status: 201, body }
}

// Every address the page used: requests, uploads, downloads and navigations.
function everyUrl() {
  const navigations = ['navigateTo', 'redirectTo', 'reLaunch'].flatMap((name) => fake.wx[name].mock.calls.map(([options]) => options.url))
  return fake.requests.map((call) => call.url).concat(navigations)
}

describe('the form', () => {
  test('nothing is sent until kind, title and content are there', async () => {
    const page = loadPage('pages/feedback/new')
    await page.onLoad({})

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ kind: '请选择反映类型', title: '请输入标题', content: '请输入内容' })
    expect(fake.requests).toHaveLength(0)

    page.onTitleInput(inputEvent('字'.repeat(51)))
    expect(page.data.titleCount).toBe(51)
    expect(page.data.fieldErrors.title).toBe('')
    await page.submit()
    expect(page.data.fieldErrors.title).toBe('标题不能超过 50 个字')
    expect(fake.requests).toHaveLength(0)
  })

  test('each kind says where it goes', async () => {
    const page = loadPage('pages/feedback/new')
    page.chooseKind(tapEvent({ kind: 'help' }))
    expect(page.data.kindHint).toContain('所在支部')
    page.chooseKind(tapEvent({ kind: 'nonsense' }))
    expect(page.data.kind).toBe('help')
  })

  test('a report loads every org once, as paths, narrowed by typing; it needs one picked', async () => {
    fake.route('GET /feedback/subject-orgs', [fb.subjectOrgs()])
    const page = loadPage('pages/feedback/new')

    await page.chooseKind(tapEvent({ kind: 'report' }))
    await page.chooseKind(tapEvent({ kind: 'suggestion' }))
    await page.chooseKind(tapEvent({ kind: 'report' }))

    expect(fake.requestsTo('GET /feedback/subject-orgs')).toHaveLength(1)
    expect(page.data.orgFiltered.map((option) => option.label)).toEqual([
      '某某大学党委',
      '计算机学院党总支',
      '计算机学院党总支 / 本科生第一党支部',
      '机关党总支',
    ])

    page.onTitleInput(inputEvent('某支部不按时开会'))
    page.onContentInput(inputEvent('连续三个月没有召开组织生活会'))
    await page.submit()
    expect(page.data.fieldErrors).toEqual({ subjectOrg: '请选择被反映的组织' })

    page.onOrgQuery(inputEvent('本科生'))
    expect(page.data.orgFiltered.map((option) => option.id)).toEqual([3])
    page.pickOrg(inputEvent('0'))
    expect(page.data).toMatchObject({ subjectOrgId: 3, subjectOrgLabel: '计算机学院党总支 / 本科生第一党支部' })
    page.onSubjectNameInput(inputEvent(' 王五 '))

    fake.route('POST /feedback', [created({ id: 52, kind: 'report' })])
    await page.submit()
    expect(fake.requestsTo('POST /feedback')[0].data).toEqual({
      kind: 'report',
      anonymous: false,
      title: '某支部不按时开会',
      content: '连续三个月没有召开组织生活会',
      subject_org_id: 3,
      subject_name: '王五',
    })
  })

  test('?kind=report opens with the report chosen; orgs that fail to load offer a retry', async () => {
    fake.route('GET /feedback/subject-orgs', [{ networkFailure: true }, fb.subjectOrgs()])
    const page = loadPage('pages/feedback/new')

    await page.onLoad({ kind: 'report' })
    expect(page.data.kind).toBe('report')
    expect(page.data.orgsError).toBe('网络连接失败，请稍后重试')

    await page.loadOrgs()
    expect(page.data.orgsError).toBe('')
    expect(page.data.orgOptions).toHaveLength(4)
  })
})

describe('a named case', () => {
  test('sent, then opened in place of the form', async () => {
    fake.route('POST /feedback', [created({ id: 41 })])
    const page = loadPage('pages/feedback/new')
    fill(page)

    await page.submit()

    expect(fake.requestsTo('POST /feedback')[0].data).toEqual({
      kind: 'suggestion',
      anonymous: false,
      title: '食堂排队时间过长',
      content: '建议增加窗口',
    })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已提交', icon: 'success' })
    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/feedback/case?id=41' })
    expect(page.data.result).toBeNull()
    expect(fake.storage.feedbackReceipts).toBeUndefined()
  })

  test('sending twice at once sends once', async () => {
    fake.route('POST /feedback', [created({ id: 41 })])
    const page = loadPage('pages/feedback/new')
    fill(page)

    await Promise.all([page.submit(), page.submit()])

    expect(fake.requestsTo('POST /feedback')).toHaveLength(1)
  })

  test('its files go after it, under /feedback/mine/{id}, without a receipt; a refused one is said before the case opens', async () => {
    fake.route('POST /feedback', [created({ id: 41 })])
    fake.route('POST /feedback/mine/41/attachments', [
      { status: 201, body: fb.caseBody({ attachments: [{ id: 1, name: '1.jpg', size: 10, content_type: 'image/jpeg' }] }) },
      fixtures.apiError(415, 'file_type_not_allowed', '只能上传图片或 PDF'),
    ])
    const page = loadPage('pages/feedback/new')
    fill(page)
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/1.jpg', 'wxfile://tmp/2.jpg'])
    await page.addFiles()
    expect(page.data.files.map((file) => file.filePath)).toEqual(['wxfile://tmp/1.jpg', 'wxfile://tmp/2.jpg'])

    await page.submit()
    await settle()

    const uploads = fake.requestsTo('POST /feedback/mine/41/attachments')
    expect(uploads.map((call) => [call.filePath, call.name, call.formData])).toEqual([
      ['wxfile://tmp/1.jpg', 'file', {}],
      ['wxfile://tmp/2.jpg', 'file', {}],
    ])
    const alert = fake.wx.showModal.mock.calls[0][0]
    expect(alert.title).toBe('反映已提交，部分附件未上传')
    expect(alert.content).toContain('照片 2：只能上传图片或 PDF')
    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/feedback/case?id=41' })
  })

  test('a session lost while its files upload goes to the login (nothing to keep on screen)', async () => {
    fake.route('POST /feedback', [created({ id: 41 })])
    fake.route('POST /feedback/mine/41/attachments', [fixtures.apiError(401, 'token_expired', '登录已过期')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])
    const page = loadPage('pages/feedback/new')
    fill(page)
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/1.jpg'])
    await page.addFiles()

    await page.submit()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=ticket-9' })
    expect(fake.wx.redirectTo).not.toHaveBeenCalled()
  })

  test('at most 3 files; a PDF from a chat; one removed', async () => {
    const page = loadPage('pages/feedback/new')
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/1.jpg', 'wxfile://tmp/2.jpg'])
    await page.addFiles()
    expect(fake.wx.chooseMedia.mock.calls[0][0].count).toBe(3)

    controls.tapsSheetItem(1)
    controls.picksFiles([{ path: 'wxfile://tmp/a.pdf', name: '说明.pdf' }, { path: 'wxfile://tmp/b.pdf', name: '多余.pdf' }])
    await page.addFiles()
    expect(fake.wx.chooseMessageFile.mock.calls[0][0]).toMatchObject({ count: 1, extension: ['pdf'] })
    expect(page.data.files.map((file) => file.name)).toEqual(['照片 1', '照片 2', '说明.pdf'])

    await page.addFiles()
    expect(fake.wx.showActionSheet).toHaveBeenCalledTimes(2)

    page.removeFile(tapEvent({ key: page.data.files[0].key }))
    expect(page.data.files.map((file) => file.name)).toEqual(['照片 2', '说明.pdf'])
  })
})

describe('refusals', () => {
  test('422 messages go next to their fields', async () => {
    fake.route('POST /feedback', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', {
        title: ['长度应在 1 到 50 之间'],
        subject_org_id: ['组织不存在'],
      }),
    ])
    const page = loadPage('pages/feedback/new')
    fill(page)

    await page.submit()

    expect(page.data.fieldErrors).toEqual({ title: '长度应在 1 到 50 之间', subjectOrg: '组织不存在' })
    expect(page.data.sending).toBe(false)
    expect(fake.wx.redirectTo).not.toHaveBeenCalled()
  })

  test('429 too_many_cases: the server says why, and nothing else happens', async () => {
    fake.route('POST /feedback', [fixtures.apiError(429, 'too_many_cases', '今天提交的反映已达上限，请明天再试')])
    const page = loadPage('pages/feedback/new')
    fill(page)

    await page.submit()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '暂时不能提交', content: '今天提交的反映已达上限，请明天再试' }))
    expect(page.data.result).toBeNull()
    expect(page.data.title).toBe('食堂排队时间过长')
  })

  test('422 no_handler: the server says why in a dialog; the form is kept', async () => {
    fake.route('POST /feedback', [fixtures.apiError(422, 'no_handler', '暂无可以受理的组织负责人，请联系党委')])
    const page = loadPage('pages/feedback/new')
    fill(page)

    await page.submit()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法提交', content: '暂无可以受理的组织负责人，请联系党委' }))
    expect(page.data).toMatchObject({ sending: false, result: null, title: '食堂排队时间过长', fieldErrors: {} })
  })

  test('a network failure is a toast; the form is kept', async () => {
    fake.route('POST /feedback', [{ networkFailure: true }])
    const page = loadPage('pages/feedback/new')
    fill(page)

    await page.submit()

    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '网络连接失败，请稍后重试', icon: 'none', duration: 2000 })
    expect(page.data.content).toBe('建议增加窗口')
  })
})

describe('an anonymous case', () => {
  async function sendAnonymous(page, overrides = {}) {
    fake.route('POST /feedback', [created(Object.assign({ id: ANONYMOUS_ID, anonymous: true }, overrides), RAW_RECEIPT)])
    fill(page)
    page.toggleAnonymous(inputEvent(true))
    await page.submit()
  }

  test('the switch explains anonymity before it is chosen', () => {
    const page = loadPage('pages/feedback/new')
    expect(page.data.anonymousPoints.join('')).toContain('凭证码丢失后')
  })

  test('shows the receipt, grouped; keeps it nowhere unless chosen', async () => {
    const page = loadPage('pages/feedback/new')

    await sendAnonymous(page)

    expect(fake.requestsTo('POST /feedback')[0].data.anonymous).toBe(true)
    expect(page.data.result).toEqual({
      title: '食堂排队时间过长',
      reviewNote: '',
      receipt: 'K7QM-2XWP-9D4R-H8TN',
      saved: false,
      copied: false,
      failedCount: 0,
      messages: [],
    })
    expect(fake.wx.redirectTo).not.toHaveBeenCalled()
    expect(fake.storage.feedbackReceipts).toBeUndefined()
    expect(fake.wx.setStorageSync.mock.calls.map(([key]) => key)).not.toContain('feedbackReceipts')
  })

  test('复制 puts it on the clipboard; 保存在本机 keeps the code only, and takes it back off', async () => {
    const page = loadPage('pages/feedback/new')
    await sendAnonymous(page)

    page.copyReceipt()
    await settle()
    expect(fake.wx.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'K7QM-2XWP-9D4R-H8TN' }))
    expect(page.data.result.copied).toBe(true)

    page.toggleSave(inputEvent(true))
    expect(page.data.result.saved).toBe(true)
    expect(JSON.parse(fake.storage.feedbackReceipts)).toEqual(['K7QM-2XWP-9D4R-H8TN'])

    page.toggleSave(inputEvent(false))
    expect(page.data.result.saved).toBe(false)
    expect(fake.storage.feedbackReceipts).toBeUndefined()
  })

  test('held for review: the result says the case waits for it', async () => {
    const page = loadPage('pages/feedback/new')

    await sendAnonymous(page, { review_status: 'pending', accept_due: null, reply_due: null })

    expect(page.data.result.reviewNote).toContain('审核通过后才会送交办理')
  })

  test('its files go by the receipt (a form field; no case id in the URL); a refused one can be sent again', async () => {
    const withFile = fb.anonymousBody({ attachments: [{ id: 2, name: '附件1.jpg', size: 10, content_type: 'image/jpeg' }] })
    fake.route('POST /feedback/receipt/attachments', [
      fixtures.apiError(413, 'file_too_large', '文件过大，无法上传'),
      { status: 201, body: withFile },
    ])
    const { pages, modules } = loadPages(['pages/feedback/new'], ['services/feedback'])
    const page = pages[0]
    page.toggleAnonymous(inputEvent(true))
    controls.picksPhotos(['wxfile://tmp/1.jpg'])
    await page.addFiles()

    await sendAnonymous(page)

    const [first] = fake.requestsTo('POST /feedback/receipt/attachments')
    expect(first).toMatchObject({ filePath: 'wxfile://tmp/1.jpg', name: 'file', formData: { receipt: RAW_RECEIPT } })
    expect(page.data.result).toMatchObject({ failedCount: 1, messages: ['照片 1：文件过大，无法上传'] })

    await page.retryUploads()
    expect(fake.requestsTo('POST /feedback/receipt/attachments').map((call) => call.formData)).toEqual([{ receipt: RAW_RECEIPT }, { receipt: RAW_RECEIPT }])
    expect(page.data.result).toMatchObject({ failedCount: 0, messages: [] })
    expect(fake.wx.showToast).toHaveBeenLastCalledWith({ title: '附件已上传', icon: 'success' })

    // 查看反映 hands over the case as the upload answered it: the case page need not look it up.
    page.openCase()
    expect(modules[0].takeHeldCase()).toEqual({ receipt: RAW_RECEIPT, body: withFile })
    everyUrl().forEach((url) => expect(url).not.toContain(String(ANONYMOUS_ID)))
  })

  test('photos only: the picker offers no PDF, and PDFs chosen before switching are said by the files until removed', async () => {
    const page = loadPage('pages/feedback/new')
    fill(page)
    controls.tapsSheetItem(1)
    controls.picksFiles([{ path: 'wxfile://tmp/a.pdf', name: '说明.pdf' }])
    await page.addFiles()

    page.toggleAnonymous(inputEvent(true))
    expect(page.data.fieldErrors.files).toBe('匿名反映不能附 PDF 文件，请移除 PDF 或改为实名提交')
    expect(page.data.anonymousFilesNote).toContain('作者姓名')
    await page.submit()
    expect(fake.requests).toHaveLength(0)
    expect(page.data.fieldErrors).toEqual({ files: '匿名反映不能附 PDF 文件，请移除 PDF 或改为实名提交' })

    controls.picksPhotos(['wxfile://tmp/1.jpg'])
    await page.addFiles()
    expect(fake.wx.showActionSheet).toHaveBeenCalledTimes(1)
    expect(fake.wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 2, mediaType: ['image'] })

    page.removeFile(tapEvent({ key: page.data.files[0].key }))
    expect(page.data.files.map((file) => file.name)).toEqual(['照片 1'])
    expect(page.data.fieldErrors.files).toBe('')

    // Back to named: a PDF is fine again.
    page.toggleAnonymous(inputEvent(false))
    expect(page.data.fieldErrors.files).toBe('')
  })

  test('a session lost while its files upload: the receipt stays on screen, the loss is said', async () => {
    fake.route('POST /feedback/receipt/attachments', [fixtures.apiError(401, 'token_expired', '登录已过期')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])
    const page = loadPage('pages/feedback/new')
    page.toggleAnonymous(inputEvent(true))
    controls.picksPhotos(['wxfile://tmp/1.jpg', 'wxfile://tmp/2.jpg'])
    await page.addFiles()

    await sendAnonymous(page)
    await settle()

    expect(fake.wx.reLaunch).not.toHaveBeenCalled()
    expect(page.data.result).toMatchObject({ receipt: 'K7QM-2XWP-9D4R-H8TN', failedCount: 2 })
    expect(page.data.result.messages).toEqual(['照片 1：请先绑定党员身份', '其余 1 个附件未上传'])
  })

  test('完成 without copying or keeping it asks first', async () => {
    const page = loadPage('pages/feedback/new')
    await sendAnonymous(page)

    fake.answerModal(false)
    await page.finish()
    expect(fake.wx.showModal.mock.calls[0][0].title).toBe('凭证码还没有保存')
    expect(fake.wx.navigateBack).not.toHaveBeenCalled()

    fake.answerModal(true)
    await page.finish()
    expect(fake.wx.navigateBack).toHaveBeenCalledWith({ delta: 1 })
  })

  test('完成 once copied goes back without asking', async () => {
    const page = loadPage('pages/feedback/new')
    await sendAnonymous(page)
    page.copyReceipt()
    await settle()

    await page.finish()

    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.wx.navigateBack).toHaveBeenCalled()
  })

  test('查看反映 hands the receipt (and the case) over in memory: no URL carries it or the case id', async () => {
    const { pages, modules } = loadPages(['pages/feedback/new'], ['services/feedback'])
    const page = pages[0]
    await sendAnonymous(page)

    page.openCase()

    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/feedback/case' })
    expect(modules[0].takeHeldCase()).toEqual({ receipt: RAW_RECEIPT, body: fb.anonymousBody() })
    expect(everyUrl().join(' ')).not.toMatch(/k7qm|K7QM/)
    expect(everyUrl().join(' ')).not.toContain(String(ANONYMOUS_ID))
  })
})
