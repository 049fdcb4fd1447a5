// The photos and files of a meeting on pages/meetings/minutes: the list, 上传照片/文件 (photos
// from wx.chooseMedia, PDFs from wx.chooseMessageFile, each sent by api/upload.js) and 删除.

const { settle } = require('../helpers/wx')
const { loadPage, tapEvent } = require('../helpers/page')
const { checkinEachTest } = require('../helpers/checkin-wx')
const fixtures = require('../helpers/fixtures')

// 2026-12-01 21:00 in Beijing: the meeting (19:00–20:30) has ended.
const NOW = Date.UTC(2026, 11, 1, 13, 0)

// The meeting of these tests, once held (fixtures.endedAdminMeeting).
const ended = (overrides) => fixtures.endedAdminMeeting(7, overrides)

const { fake, controls } = checkinEachTest(NOW)

const PDF = fixtures.attachmentBody(32, {
  filename: 'tmp_a1b2.pdf',
  content_type: 'application/pdf',
  size: 1572864,
  caption: '学习材料.pdf',
})

beforeEach(() => {
  fake.route('GET /meetings/7', [{ status: 200, body: ended() }])
  fake.route('GET /auth/whoami', [fixtures.whoamiAs(7)])
  fake.route('GET /meetings/7/minutes', [{ status: 200, body: fixtures.minutesBody() }])
  fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([fixtures.attachmentBody(31), PDF])])
})

async function openedPage() {
  const page = loadPage('pages/meetings/minutes/index')
  await page.onLoad({ id: '7' })
  return page
}

function uploads() {
  return fake.requestsTo('POST /meetings/7/attachments').map((call) => ({
    filePath: call.filePath,
    name: call.name,
    formData: call.formData,
  }))
}

describe('the list', () => {
  test('loads with the page: names (the caption first), sizes, kinds', async () => {
    const page = await openedPage()

    expect(page.data.attachments).toEqual([
      { id: 31, name: 'photo-31.jpg', filename: 'photo-31.jpg', sizeText: '240 KB', image: true, pdf: false },
      { id: 32, name: '学习材料.pdf', filename: 'tmp_a1b2.pdf', sizeText: '1.5 MB', image: false, pdf: true },
    ])
    expect(page.data).toMatchObject({ attachmentsLoaded: true, attachmentsError: '', canUpload: true })
  })

  test('a list that fails says so in its card, quietly; 重试 loads it', async () => {
    fake.route('GET /meetings/7/attachments', [{ networkFailure: true }, fixtures.attachmentList([])])

    const page = await openedPage()
    expect(page.data).toMatchObject({ loadError: '', attachmentsError: '网络连接失败，请稍后重试', attachments: [] })
    expect(global.wx.showToast).not.toHaveBeenCalled()

    await page.loadAttachments()
    expect(page.data).toMatchObject({ attachmentsError: '', attachmentsLoaded: true, attachments: [] })
  })

  test('an image opens in the preview, a PDF in the document viewer, downloaded with the session', async () => {
    const page = await openedPage()
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/31.jpg' }

    await page.openAttachment(tapEvent({ id: 31 }))
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/32.pdf' }
    await page.openAttachment(tapEvent({ id: 32 }))

    expect(global.wx.downloadFile.mock.calls.map((call) => call[0].url)).toEqual([
      'http://127.0.0.1:5000/api/v1/attachments/31/content',
      'http://127.0.0.1:5000/api/v1/attachments/32/content',
    ])
    expect(global.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/31.jpg'], current: 'wxfile://tmp/31.jpg' })
    expect(global.wx.openDocument).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/32.pdf', fileType: 'pdf', showMenu: true })
    expect(page.data.opening).toBe(false)
  })
})

describe('who may upload', () => {
  test.each([
    ['a manager', ended(), 7, true],
    ['the chair', ended({ can_manage: false }), 12, true],
    ['the recorder', ended({ can_manage: false }), 13, true],
    ['a plain participant', ended({ can_manage: false }), 7, false],
    ['a manager, archived', ended({ status: 'archived', phase: 'archived' }), 7, true],
    ['a manager, before the start', ended({ phase: 'upcoming' }), 7, true],
    ['a manager, cancelled', ended({ status: 'cancelled', phase: 'cancelled' }), 7, false],
    ['a manager, draft', ended({ status: 'draft', phase: 'draft' }), 7, false],
  ])('%s: %s', async (_name, meeting, personId, canUpload) => {
    fake.route('GET /meetings/7', [{ status: 200, body: meeting }])
    fake.route('GET /auth/whoami', [fixtures.whoamiAs(personId)])

    const page = await openedPage()

    expect(page.data.canUpload).toBe(canUpload)
  })

  test('someone who may not upload is not asked to choose', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: ended({ can_manage: false }) }])
    const page = await openedPage()

    await page.upload()

    expect(global.wx.showActionSheet).not.toHaveBeenCalled()
    expect(fake.wx.uploadFile).not.toHaveBeenCalled()
  })
})

describe('上传照片/文件', () => {
  test('photos: compressed, up to nine, from the album or the camera; each uploaded in turn; the list again', async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(33) }])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg', 'wxfile://tmp/p2.jpg'])
    fake.route('GET /meetings/7/attachments', [
      fixtures.attachmentList([fixtures.attachmentBody(31), PDF, fixtures.attachmentBody(33), fixtures.attachmentBody(34)]),
    ])

    await page.upload()

    expect(global.wx.showActionSheet.mock.calls[0][0].itemList).toEqual(['拍照或从相册选择照片', '从微信聊天选择 PDF 文件'])
    expect(global.wx.chooseMedia.mock.calls[0][0]).toMatchObject({
      count: 9,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
    })
    expect(uploads()).toEqual([
      { filePath: 'wxfile://tmp/p1.jpg', name: 'file', formData: {} },
      { filePath: 'wxfile://tmp/p2.jpg', name: 'file', formData: {} },
    ])
    expect(fake.requestsTo('POST /meetings/7/attachments')[0].header.Authorization).toBe('Bearer tok-1')
    expect(page.data.attachments.map((attachment) => attachment.id)).toEqual([31, 32, 33, 34])
    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '上传成功', icon: 'success' })
    expect(page.data).toMatchObject({ uploading: false, uploadText: '' })
  })

  test('the progress is shown while the files go', async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(33) }])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg', 'wxfile://tmp/p2.jpg'])

    await page.upload()

    const texts = page.setData.mock.calls.map((call) => call[0].uploadText).filter((text) => text !== undefined)
    expect(texts).toEqual(['正在上传 1/2', '正在上传 2/2', ''])
  })

  test('PDFs from a chat, with their names as captions', async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 201, body: PDF }])
    const page = await openedPage()
    controls.tapsSheetItem(1)
    const longName = `${'很'.repeat(120)}.pdf`
    controls.picksFiles([
      { path: 'wxfile://tmp/a.pdf', name: ' 学习材料.pdf ' },
      { path: 'wxfile://tmp/b.pdf', name: longName },
    ])

    await page.upload()

    expect(global.wx.chooseMessageFile.mock.calls[0][0]).toMatchObject({ count: 9, type: 'file', extension: ['pdf'] })
    expect(global.wx.chooseMedia).not.toHaveBeenCalled()
    expect(uploads()).toEqual([
      { filePath: 'wxfile://tmp/a.pdf', name: 'file', formData: { caption: '学习材料.pdf' } },
      { filePath: 'wxfile://tmp/b.pdf', name: 'file', formData: { caption: '很'.repeat(100) } },
    ])
  })

  test.each([
    ['closing the sheet', () => controls.state.actionSheet = { cancel: true }],
    ['closing the album', () => controls.tapsSheetItem(0)],
  ])('%s uploads nothing and says nothing', async (_name, script) => {
    const page = await openedPage()
    script()

    await page.upload()

    expect(fake.wx.uploadFile).not.toHaveBeenCalled()
    expect(global.wx.showToast).not.toHaveBeenCalled()
    expect(global.wx.showModal).not.toHaveBeenCalled()
  })

  test('a picker that fails otherwise says so', async () => {
    const page = await openedPage()
    controls.tapsSheetItem(1)
    controls.state.messageFiles = { fail: 'chooseMessageFile:fail no permission' }

    await page.upload()

    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '无法选择文件', icon: 'none' })
    expect(fake.wx.uploadFile).not.toHaveBeenCalled()
  })

  test.each([
    [413, 'file_too_large', '文件不能超过 10 MB'],
    [415, 'file_type_not_allowed', '只能上传 JPG、PNG、WebP 图片或 PDF 文件'],
  ])('a %i %s refuses that file only: the others go, and the report names it', async (status, code, message) => {
    fake.route('POST /meetings/7/attachments', [
      { status: 201, body: fixtures.attachmentBody(33) },
      fixtures.apiError(status, code, message, { file: [message] }),
      { status: 201, body: fixtures.attachmentBody(34) },
    ])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg', 'wxfile://tmp/p2.jpg', 'wxfile://tmp/p3.jpg'])

    await page.upload()
    await settle()

    expect(uploads()).toHaveLength(3)
    expect(global.wx.showModal.mock.calls[0][0]).toMatchObject({
      title: '部分文件未上传',
      content: `第 2 张照片：${message}`,
      showCancel: false,
    })
    expect(global.wx.showToast).not.toHaveBeenCalled()
    expect(fake.requestsTo('GET /meetings/7/attachments')).toHaveLength(2)
  })

  test('409 too_many_attachments stops: the rest are not sent, and the report says so', async () => {
    fake.route('POST /meetings/7/attachments', [
      { status: 201, body: fixtures.attachmentBody(33) },
      fixtures.apiError(409, 'too_many_attachments', '每次会议最多 100 个附件'),
    ])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg', 'wxfile://tmp/p2.jpg', 'wxfile://tmp/p3.jpg', 'wxfile://tmp/p4.jpg'])

    await page.upload()

    expect(uploads()).toHaveLength(2)
    expect(global.wx.showModal.mock.calls[0][0]).toMatchObject({
      title: '部分文件未上传',
      content: '第 2 张照片：每次会议最多 100 个附件\n其余 2 个文件未上传',
    })
  })

  test('one PDF refused: 上传失败 with its name and the message; the list is not asked again', async () => {
    fake.route('POST /meetings/7/attachments', [
      fixtures.apiError(415, 'file_type_not_allowed', '只能上传 JPG、PNG、WebP 图片或 PDF 文件'),
    ])
    const page = await openedPage()
    controls.tapsSheetItem(1)
    controls.picksFiles([{ path: 'wxfile://tmp/a.pdf', name: '伪装.pdf' }])

    await page.upload()

    expect(global.wx.showModal.mock.calls[0][0]).toMatchObject({
      title: '上传失败',
      content: '“伪装.pdf”：只能上传 JPG、PNG、WebP 图片或 PDF 文件',
    })
    expect(fake.requestsTo('GET /meetings/7/attachments')).toHaveLength(1)
  })

  test("a proxy's 413 page without a body still reads in Chinese", async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 413, body: '<html>Request Entity Too Large</html>' }])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg'])

    await page.upload()

    expect(global.wx.showModal.mock.calls[0][0].content).toBe('照片：文件过大，无法上传')
  })

  test('the network failing stops the upload', async () => {
    fake.route('POST /meetings/7/attachments', [{ networkFailure: true }])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg', 'wxfile://tmp/p2.jpg'])

    await page.upload()

    expect(uploads()).toHaveLength(1)
    expect(global.wx.showModal.mock.calls[0][0]).toMatchObject({
      title: '上传失败',
      content: '第 1 张照片：网络连接失败，请稍后重试\n其余 1 个文件未上传',
    })
    expect(page.data.uploading).toBe(false)
  })

  test('a session lost for good leaves for the login page', async () => {
    fake.route('POST /meetings/7/attachments', [fixtures.apiError(401, 'token_invalid', '登录已失效')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginBound('fresh')])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg', 'wxfile://tmp/p2.jpg'])

    await page.upload()

    expect(uploads()).toHaveLength(2) // the first photo, and once more after the fresh login
    expect(global.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
    expect(global.wx.showModal).not.toHaveBeenCalled()
  })

  test('a second tap while choosing or uploading does nothing', async () => {
    fake.route('POST /meetings/7/attachments', [{ status: 201, body: fixtures.attachmentBody(33), delay: 100 }])
    const page = await openedPage()
    controls.tapsSheetItem(0)
    controls.picksPhotos(['wxfile://tmp/p1.jpg'])

    const first = page.upload()
    await page.upload()
    expect(global.wx.showActionSheet).toHaveBeenCalledTimes(1)
    await settle()
    expect(page.data.uploading).toBe(true)
    await page.upload()
    await first

    expect(global.wx.showActionSheet).toHaveBeenCalledTimes(1)
    expect(uploads()).toHaveLength(1)
    expect(page.data.uploading).toBe(false)
  })
})

describe('删除', () => {
  test('after a confirmation: DELETE /attachments/{id}, then the list again', async () => {
    fake.route('DELETE /attachments/31', [{ status: 204 }])
    const page = await openedPage()
    fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([PDF])])

    await page.removeAttachment(tapEvent({ id: 31 }))

    expect(global.wx.showModal.mock.calls[0][0]).toMatchObject({
      title: '删除附件',
      content: '确定删除“photo-31.jpg”吗？删除后不能恢复。',
      confirmText: '删除',
    })
    expect(fake.requestsTo('DELETE /attachments/31')).toHaveLength(1)
    expect(page.data.attachments.map((attachment) => attachment.id)).toEqual([32])
    expect(global.wx.showToast).toHaveBeenCalledWith({ title: '已删除', icon: 'success' })
    expect(page.data.removingId).toBe('')
  })

  test('取消 deletes nothing', async () => {
    const page = await openedPage()
    fake.answerModal(false)

    await page.removeAttachment(tapEvent({ id: 31 }))

    expect(fake.requestsTo('DELETE /attachments/31')).toHaveLength(0)
    expect(page.data.attachments).toHaveLength(2)
    expect(page.data.removingId).toBe('')
  })

  test("the server's refusal is shown; one already gone refreshes the list", async () => {
    fake.route('DELETE /attachments/31', [fixtures.apiError(403, 'forbidden', '只有上传者或书记可以删除附件')])
    fake.route('DELETE /attachments/32', [fixtures.apiError(404, 'not_found', '附件不存在')])
    const page = await openedPage()

    await page.removeAttachment(tapEvent({ id: 31 }))
    expect(global.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '只有上传者或书记可以删除附件' }))
    expect(fake.requestsTo('GET /meetings/7/attachments')).toHaveLength(1)

    fake.route('GET /meetings/7/attachments', [fixtures.attachmentList([fixtures.attachmentBody(31)])])
    await page.removeAttachment(tapEvent({ id: 32 }))
    expect(page.data.attachments.map((attachment) => attachment.id)).toEqual([31])
  })

  test('someone who may not upload may not delete either', async () => {
    fake.route('GET /meetings/7', [{ status: 200, body: ended({ can_manage: false }) }])
    const page = await openedPage()

    await page.removeAttachment(tapEvent({ id: 31 }))

    expect(global.wx.showModal).not.toHaveBeenCalled()
    expect(fake.requestsTo('DELETE /attachments/31')).toHaveLength(0)
  })
})
