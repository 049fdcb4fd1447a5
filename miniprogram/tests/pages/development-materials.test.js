/**
 * @jest-environment jsdom
 */
// The materials (材料) of a development record on the applicant's page (pages/development/me) and
// the record (pages/development/detail): the list, opening one, 上传材料 (the kind, an optional
// title, one file from a WeChat chat sent by api/upload.js) and 删除. The last part renders the
// card with the real templates.

const { settle } = require('../helpers/wx')
const { loadPage, tapEvent, inputEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake, controls } = checkinEachTest(NOW)
const render = pageRenderer(['me', 'detail'], (name) => `pages/development/${name}/index`)

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

function material(id, overrides = {}) {
  return Object.assign(
    {
      id,
      record_id: 12,
      entry_id: null,
      kind: 'application',
      kind_label: '入党申请书',
      title: null,
      filename: '入党申请书.pdf',
      content_type: 'application/pdf',
      size: 102400,
      note: null,
      url: `/api/v1/development/materials/${id}/content`,
      uploaded_by: '王小明',
      uploaded_at: '2026-11-20T02:00:00Z',
      can_delete: true,
    },
    overrides
  )
}

const APPLICATION = material(71)
const REPORT = material(72, {
  kind: 'thought_report',
  kind_label: '思想汇报',
  title: '2026年第三季度思想汇报',
  filename: '思想汇报.docx',
  content_type: DOCX,
  uploaded_at: '2026-11-24T11:00:00Z',
})
const TALK = material(73, {
  kind: 'talk_record',
  kind_label: '谈话记录',
  filename: '谈话记录.jpg',
  content_type: 'image/jpeg',
  uploaded_by: '李书记',
  note: '与培养联系人谈话',
  can_delete: false,
})

function recordBody(overrides = {}) {
  return Object.assign(
    {
      id: 12,
      status: 'active',
      status_label: '进行中',
      stage: 'activist',
      stage_label: '入党积极分子的确定和培养教育',
      current_step: 6,
      applied_on: '2025-09-01',
      person: { id: 31, name: '王小明', staff_no: '2023010203', org_id: 3, org_name: '本科生第一党支部', member_type: 'activist', member_type_label: '入党积极分子' },
      entries: [],
      next: [],
      can_manage: false,
    },
    overrides
  )
}

function list(items) {
  return { status: 200, body: { items } }
}

const MATERIALS = 'GET /development/records/12/materials'
const UPLOAD = 'POST /development/records/12/materials'

function uploads() {
  return fake.requestsTo(UPLOAD).map((call) => ({ filePath: call.filePath, name: call.name, formData: call.formData }))
}

// wx.showModal's alerts (showCancel false): [title, content].
function alerts() {
  return fake.wx.showModal.mock.calls.map((call) => call[0]).filter((options) => options.showCancel === false).map((options) => [options.title, options.content])
}

async function openedMe(body = recordBody()) {
  fake.route('GET /development/me', [{ status: 200, body }])
  const page = loadPage('pages/development/me/index')
  await page.onLoad()
  return page
}

async function openedDetail(body) {
  fake.route('GET /development/records/12', [{ status: 200, body }])
  const page = loadPage('pages/development/detail/index')
  await page.onLoad({ id: '12' })
  return page
}

describe('我的入党进程: the list', () => {
  beforeEach(() => {
    fake.route(MATERIALS, [list([APPLICATION, REPORT, TALK])])
  })

  test('loads with the record: the kind, the title or the file name, who uploaded it and when', async () => {
    const page = await openedMe()

    expect(page.data.materials.map((item) => [item.kindLabel, item.name, item.uploadedText, item.sizeText, item.canDelete])).toEqual([
      ['入党申请书', '入党申请书.pdf', '王小明 · 11月20日 10:00', '100 KB', true],
      ['思想汇报', '2026年第三季度思想汇报', '王小明 · 11月24日 19:00', '100 KB', true],
      ['谈话记录', '谈话记录.jpg', '李书记 · 11月20日 10:00', '100 KB', false],
    ])
    expect(page.data.materials[2].note).toBe('与培养联系人谈话')
    expect(page.data).toMatchObject({ materialsLoaded: true, materialsError: '', canUploadMaterial: true })
    expect(page.data.materialKinds.map((kind) => kind.label)).toEqual(['入党申请书', '思想汇报', '转正申请书', '其他材料'])
  })

  test('no record: nothing asked about materials', async () => {
    fake.route('GET /development/me', [fixtures.apiError(404, 'no_record', '你还没有入党申请记录')])
    const page = loadPage('pages/development/me/index')
    await page.onLoad()

    expect(fake.requestsTo(MATERIALS)).toHaveLength(0)
    expect(page.data.canUploadMaterial).toBe(false)
  })

  test('a list that fails says so in its card; 重试 loads it', async () => {
    fake.route(MATERIALS, [{ networkFailure: true }, list([APPLICATION])])

    const page = await openedMe()
    expect(page.data).toMatchObject({ errorMessage: '', materialsError: '网络连接失败，请稍后重试', materials: [] })
    expect(page.data.record.name).toBe('王小明')

    await page.loadMaterials()
    expect(page.data.materialsError).toBe('')
    expect(page.data.materials).toHaveLength(1)
  })

  test('the pull-down reloads the list too', async () => {
    const page = await openedMe()

    await page.onPullDownRefresh()

    expect(fake.requestsTo(MATERIALS)).toHaveLength(2)
  })

  test('an image opens in the preview; a PDF and a .docx in the document viewer, downloaded with the session', async () => {
    const page = await openedMe()
    controls.state.download = (options) => ({ statusCode: 200, tempFilePath: `wxfile://tmp/${/materials\/(\d+)\//.exec(options.url)[1]}` })

    await page.openMaterial(tapEvent({ id: 73 }))
    await page.openMaterial(tapEvent({ id: 72 }))
    await page.openMaterial(tapEvent({ id: 71 }))

    expect(fake.wx.downloadFile.mock.calls.map((call) => [call[0].url, call[0].header.Authorization])).toEqual([
      ['http://127.0.0.1:5000/api/v1/development/materials/73/content', 'Bearer tok-1'],
      ['http://127.0.0.1:5000/api/v1/development/materials/72/content', 'Bearer tok-1'],
      ['http://127.0.0.1:5000/api/v1/development/materials/71/content', 'Bearer tok-1'],
    ])
    expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/73'], current: 'wxfile://tmp/73' })
    expect(fake.wx.openDocument.mock.calls).toEqual([
      [{ filePath: 'wxfile://tmp/72', fileType: 'docx', showMenu: true }],
      [{ filePath: 'wxfile://tmp/71', fileType: 'pdf', showMenu: true }],
    ])
    expect(page.data.openingMaterial).toBe(false)
  })

  test('a file that cannot be downloaded says why', async () => {
    const page = await openedMe()
    controls.state.download = { statusCode: 404 }

    await page.openMaterial(tapEvent({ id: 71 }))

    expect(alerts()).toEqual([['无法打开', '请求的内容不存在']])
    expect(fake.wx.openDocument).not.toHaveBeenCalled()
    expect(fake.wx.hideLoading).toHaveBeenCalled()
  })
})

describe('我的入党进程: 上传材料', () => {
  beforeEach(() => {
    fake.route(MATERIALS, [list([APPLICATION]), list([APPLICATION, REPORT])])
  })

  test('the kind chosen and the title typed are sent with the file from the chat; the list is loaded again', async () => {
    fake.route(UPLOAD, [{ status: 201, body: REPORT }])
    const page = await openedMe()

    page.startMaterialUpload()
    expect(page.data.materialForm).toEqual({ kindIndex: -1, title: '', error: '' })
    page.pickMaterialKind(inputEvent('1'))
    page.inputMaterialTitle(inputEvent('  2026年第三季度思想汇报 '))
    controls.picksFiles([{ path: 'wxfile://tmp/report.docx', name: '思想汇报.docx' }])
    await page.submitMaterial()

    expect(fake.wx.chooseMessageFile.mock.calls[0][0]).toMatchObject({ count: 1, type: 'file', extension: ['pdf', 'docx', 'jpg', 'jpeg', 'png'] })
    expect(uploads()).toEqual([
      { filePath: 'wxfile://tmp/report.docx', name: 'file', formData: { kind: 'thought_report', title: '2026年第三季度思想汇报' } },
    ])
    expect(fake.requestsTo(MATERIALS)).toHaveLength(2)
    expect(page.data.materials.map((item) => item.id)).toEqual([71, 72])
    expect(page.data).toMatchObject({ materialForm: null, uploadingMaterial: false })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '上传成功', icon: 'success' })
  })

  test('without a title, the file’s name in the chat is the title', async () => {
    fake.route(UPLOAD, [{ status: 201, body: APPLICATION }])
    const page = await openedMe()

    page.startMaterialUpload()
    page.pickMaterialKind(inputEvent('0'))
    controls.picksFiles([{ path: 'wxfile://tmp_9f8e.pdf', name: '我的入党申请书.pdf' }])
    await page.submitMaterial()

    expect(uploads()[0].formData).toEqual({ kind: 'application', title: '我的入党申请书' })
  })

  test('the kind must be chosen first: no picker before', async () => {
    const page = await openedMe()

    page.startMaterialUpload()
    await page.submitMaterial()

    expect(page.data.materialForm.error).toBe('请选择材料类别')
    expect(fake.wx.chooseMessageFile).not.toHaveBeenCalled()

    page.pickMaterialKind(inputEvent('2'))
    expect(page.data.materialForm).toMatchObject({ kindIndex: 2, error: '' })
  })

  test('closing the picker uploads nothing; 取消 closes the form', async () => {
    const page = await openedMe()

    page.startMaterialUpload()
    page.pickMaterialKind(inputEvent('1'))
    await page.submitMaterial()

    expect(fake.requestsTo(UPLOAD)).toHaveLength(0)
    expect(page.data.materialForm).not.toBeNull()
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    page.cancelMaterialUpload()
    expect(page.data.materialForm).toBeNull()
  })

  test.each([
    [415, 'file_type_not_allowed', '不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF 后上传'],
    [413, 'file_too_large', '文件不能超过 10 MB'],
    [422, 'file_empty', '文件为空'],
  ])('a file refused with %i: the server’s message in a modal, the form kept for another file', async (status, code, message) => {
    fake.route(UPLOAD, [fixtures.apiError(status, code, message)])
    const page = await openedMe()

    page.startMaterialUpload()
    page.pickMaterialKind(inputEvent('1'))
    page.inputMaterialTitle(inputEvent('第三季度'))
    controls.picksFiles([{ path: 'wxfile://tmp/old.doc', name: '思想汇报.doc' }])
    await page.submitMaterial()

    expect(alerts()).toEqual([['上传失败', message]])
    expect(page.data.materialForm).toMatchObject({ kindIndex: 1, title: '第三季度' })
    expect(page.data.uploadingMaterial).toBe(false)
    expect(fake.requestsTo(MATERIALS)).toHaveLength(1)
  })

  test('a proxy’s 413 page (no JSON) is the Chinese fallback', async () => {
    fake.route(UPLOAD, [{ status: 413, body: '<html>413 Request Entity Too Large</html>' }])
    const page = await openedMe()

    page.startMaterialUpload()
    page.pickMaterialKind(inputEvent('3'))
    controls.picksFiles([{ path: 'wxfile://tmp/big.pdf', name: '扫描件.pdf' }])
    await page.submitMaterial()

    expect(alerts()).toEqual([['上传失败', '文件过大，无法上传']])
  })

  test('an ended record takes no uploads from the applicant', async () => {
    const page = await openedMe(recordBody({ status: 'completed', status_label: '已转正' }))

    expect(page.data.canUploadMaterial).toBe(false)
    page.startMaterialUpload()
    expect(page.data.materialForm).toBeNull()
  })
})

describe('我的入党进程: 删除', () => {
  beforeEach(() => {
    fake.route(MATERIALS, [list([APPLICATION, TALK]), list([TALK])])
    fake.route('DELETE /development/materials/71', [{ status: 204, body: '' }])
  })

  test('after the confirmation it is deleted and the list loaded again', async () => {
    const page = await openedMe()

    await page.removeMaterial(tapEvent({ id: 71 }))

    expect(fake.wx.showModal.mock.calls[0][0]).toMatchObject({ title: '删除材料', content: '确定删除“入党申请书.pdf”吗？删除后不能恢复。', confirmText: '删除' })
    expect(fake.requestsTo('DELETE /development/materials/71')).toHaveLength(1)
    expect(page.data.materials.map((item) => item.id)).toEqual([73])
    expect(page.data.removingMaterialId).toBe('')
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已删除', icon: 'success' })
  })

  test('取消 deletes nothing', async () => {
    const page = await openedMe()
    fake.answerModal(false)

    await page.removeMaterial(tapEvent({ id: 71 }))

    expect(fake.requestsTo('DELETE /development/materials/71')).toHaveLength(0)
    expect(page.data.materials).toHaveLength(2)
    expect(page.data.removingMaterialId).toBe('')
  })

  test('one the server does not let the caller delete is not offered', async () => {
    const page = await openedMe()

    await page.removeMaterial(tapEvent({ id: 73 }))

    expect(fake.wx.showModal).not.toHaveBeenCalled()
    expect(fake.requests.filter((call) => call.method === 'DELETE')).toHaveLength(0)
  })

  test('a refusal is the server’s message in a modal', async () => {
    fake.route('DELETE /development/materials/71', [fixtures.apiError(403, 'forbidden', '记录已结束，不能删除材料')])
    const page = await openedMe()

    await page.removeMaterial(tapEvent({ id: 71 }))

    expect(alerts()).toEqual([['删除失败', '记录已结束，不能删除材料']])
    expect(page.data.materials).toHaveLength(2)
  })
})

describe('发展档案', () => {
  beforeEach(() => {
    fake.route(MATERIALS, [list([APPLICATION, TALK]), list([APPLICATION, TALK, REPORT])])
  })

  test('a reader sees the materials and opens them, without 上传材料', async () => {
    const page = await openedDetail(recordBody({ can_manage: false }))

    expect(page.data.materials.map((item) => [item.kindLabel, item.name])).toEqual([
      ['入党申请书', '入党申请书.pdf'],
      ['谈话记录', '谈话记录.jpg'],
    ])
    expect(page.data.canUploadMaterial).toBe(false)
    page.startMaterialUpload()
    expect(page.data.materialForm).toBeNull()

    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/73.jpg' }
    await page.openMaterial(tapEvent({ id: 73 }))
    expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/73.jpg'], current: 'wxfile://tmp/73.jpg' })
  })

  test('a manager uploads any kind, also to an ended record', async () => {
    fake.route(UPLOAD, [{ status: 201, body: TALK }])
    const page = await openedDetail(recordBody({ can_manage: true, status: 'completed', status_label: '已转正' }))

    expect(page.data.canUploadMaterial).toBe(true)
    expect(page.data.materialKinds.map((kind) => kind.label)).toEqual([
      '入党申请书',
      '思想汇报',
      '转正申请书',
      '谈话记录',
      '考察登记',
      '政审材料',
      '培训结业证明',
      '入党志愿书',
      '会议记录',
      '其他材料',
    ])
    page.startMaterialUpload()
    page.pickMaterialKind(inputEvent('3'))
    page.inputMaterialTitle(inputEvent('与王小明谈话'))
    controls.picksFiles([{ path: 'wxfile://tmp/talk.jpg', name: 'IMG_0001.jpg' }])
    await page.submitMaterial()

    expect(uploads()).toEqual([{ filePath: 'wxfile://tmp/talk.jpg', name: 'file', formData: { kind: 'talk_record', title: '与王小明谈话' } }])
    expect(page.data.materials).toHaveLength(3)
  })
})

describe('what the member sees', () => {
  test('the applicant’s page: each material with its kind, and 上传材料 opening the form', async () => {
    fake.route('GET /development/me', [{ status: 200, body: recordBody() }])
    fake.route(MATERIALS, [list([APPLICATION, REPORT, TALK])])
    const comp = render('me')

    await comp.instance.load()

    expect(texts(comp, '.dev-material-kind')).toEqual(['入党申请书', '思想汇报', '谈话记录'])
    expect(texts(comp, '.dev-material-name')).toEqual(['入党申请书.pdf', '2026年第三季度思想汇报', '谈话记录.jpg'])
    expect(texts(comp, '.dev-material-by')[0]).toBe('王小明 · 11月20日 10:00 · 100 KB')
    expect(texts(comp, '.dev-material-note')).toEqual(['与培养联系人谈话'])
    expect(texts(comp, '.dev-material-remove')).toEqual(['删除', '删除'])
    expect(texts(comp, '.dev-material-upload')).toEqual(['上传材料'])
    expect(comp.querySelector('.dev-material-form')).toBeFalsy()

    comp.querySelector('.dev-material-upload').dispatchEvent('tap')
    await settle()
    expect(comp.querySelector('.dev-material-form')).toBeTruthy()
    expect(comp.querySelector('.dev-placeholder').dom.textContent).toBe('请选择')
    expect(comp.querySelector('.dev-material-upload')).toBeFalsy()

    comp.instance.pickMaterialKind(inputEvent('1'))
    await settle()
    expect(comp.querySelector('.dev-placeholder')).toBeFalsy()
    expect(comp.dom.textContent).toContain('思想汇报')
  })

  test('the record for a reader: the materials, no upload, no delete; an empty list says so', async () => {
    fake.route('GET /development/records/12', [{ status: 200, body: recordBody() }])
    fake.route(MATERIALS, [list([TALK]), list([])])
    const comp = render('detail')

    await comp.instance.onLoad({ id: '12' })
    expect(texts(comp, '.dev-material-name')).toEqual(['谈话记录.jpg'])
    expect(comp.querySelector('.dev-material-upload')).toBeFalsy()
    expect(comp.querySelector('.dev-material-remove')).toBeFalsy()

    await comp.instance.load()
    expect(comp.dom.textContent).toContain('还没有材料')
  })
})
