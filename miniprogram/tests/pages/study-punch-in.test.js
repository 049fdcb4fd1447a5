// 学习打卡 (pages/study/punch-in): 201 (打卡成功, streak and points) and 200 (今日已打卡, the
// punch-in made before), the optional reflection and its limit, and its review (held: said, and
// tagged 审核中; refused: tagged 未通过审核); today's photo: shown (downloaded with the session),
// added or replaced (picked, uploaded once however often tapped), and the refusals (too large, not
// an image, the day over, the network, the session).

const { settle } = require('../helpers/wx')
const { checkinEachTest } = require('../helpers/checkin-wx')
const { loadPage, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake, controls } = checkinEachTest(NOW)

async function openPage(punches = study.punchIns(false, 3, [study.punchInItem(80, '2026-11-23', 3, '学习党章第一章')])) {
  fake.route('GET /study/punch-ins/me', [punches])
  const page = loadPage('pages/study/punch-in')
  await page.onLoad()
  return page
}

test('not yet today: the streak so far and the recent punch-ins', async () => {
  const page = await openPage()

  expect(fake.requestsTo('GET /study/punch-ins/me')[0].data).toEqual({})
  expect(page.data.punch).toMatchObject({ punchedToday: false, streak: 3, todayItem: null })
  expect(page.data.punch.items).toEqual([
    { id: 80, day: '2026-11-23', dayText: '11月23日', streak: 3, reflection: '学习党章第一章', reflectionStatus: 'published', reflectionStatusLabel: '', photoUrl: '', timeText: '08:05' },
  ])
  expect(page.data.result).toBeNull()
  // No punch-in today: nothing to add a photo to.
  expect(page.data.todayId).toBe(0)
  await page.choosePhoto()
  expect(fake.wx.chooseMedia).not.toHaveBeenCalled()
})

test('201: 打卡成功, with the reflection, the streak and the points', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [study.punchInReply(201, { reflection: '学习了党章第二章' })])

  page.onReflectionInput(inputEvent('  学习了党章第二章 '))
  expect(page.data.count).toBe(8)
  fake.route('GET /study/punch-ins/me', [study.punchIns(true, 4, [study.punchInItem(88, '2026-11-24', 4, '学习了党章第二章', '2026-11-24T12:30:00+00:00')])])
  const showToday = jest.spyOn(page, 'showToday')
  await page.submit()

  expect(fake.requestsTo('POST /study/punch-ins')[0].data).toEqual({ reflection: '学习了党章第二章' })
  expect(page.data.result).toMatchObject({ created: true, title: '打卡成功', streak: 4, pointsText: '+2 积分', reflection: '学习了党章第二章', timeText: '20:30' })
  // Published: nothing said of the review, no tag.
  expect(page.data.result).toMatchObject({ reflectionStatus: 'published', reflectionStatusLabel: '', pendingNote: '' })
  expect(page.data.unsavedReflection).toBe(false)
  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '打卡成功', icon: 'success' })
  // The list again, with today's; today's punch-in is the one answered, shown once.
  expect(page.data.punch).toMatchObject({ punchedToday: true, streak: 4 })
  expect(fake.requestsTo('GET /study/punch-ins/me')).toHaveLength(2)
  expect(showToday).toHaveBeenCalledTimes(1)
  expect(showToday).toHaveBeenCalledWith(expect.objectContaining({ id: 88, created: true }))
  expect(page.data.todayId).toBe(88)

  // Once is all: a second tap sends nothing.
  await page.submit()
  expect(fake.requestsTo('POST /study/punch-ins')).toHaveLength(1)
})

test('201 without a reflection: no empty text sent', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [study.punchInReply(201)])

  page.onReflectionInput(inputEvent('   '))
  await page.submit()

  expect(fake.requestsTo('POST /study/punch-ins')[0].data).toEqual({})
  expect(page.data.result.created).toBe(true)
  expect(page.data.result).toMatchObject({ reflectionStatus: '', reflectionStatusLabel: '', pendingNote: '' })
})

test('201 with a reflection held for review (pending): 打卡成功 with its points, and the note that others see it once approved', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [study.punchInReply(201, { reflection: '需要审核的心得', reflection_status: 'pending' })])
  const today = Object.assign(study.punchInItem(88, '2026-11-24', 4, '需要审核的心得', '2026-11-24T12:30:00+00:00'), { reflection_status: 'pending' })
  fake.route('GET /study/punch-ins/me', [study.punchIns(true, 4, [today, study.punchInItem(80, '2026-11-23', 3, '学习党章第一章')])])

  page.onReflectionInput(inputEvent('需要审核的心得'))
  await page.submit()

  expect(page.data.result).toMatchObject({
    created: true,
    title: '打卡成功',
    pointsText: '+2 积分',
    reflection: '需要审核的心得',
    reflectionStatus: 'pending',
    reflectionStatusLabel: '审核中',
    pendingNote: '你的心得包含需要审核的内容，审核通过后他人才能看到',
  })
  // Not an error: the punch-in succeeded.
  expect(page.data.error).toBe('')
  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '打卡成功', icon: 'success' })
  expect(fake.wx.showModal).not.toHaveBeenCalled()
  // The list tags it too; yesterday's, published, has no tag.
  expect(page.data.punch.items.map((item) => item.reflectionStatusLabel)).toEqual(['审核中', ''])
})

test('200 whose reflection (made before) is held: tagged 审核中, the note is for a reflection just sent', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [study.punchInReply(200, { reflection: '早上的心得', reflection_status: 'pending', created_at: '2026-11-24T00:05:00+00:00' })])

  await page.submit()

  expect(page.data.result).toMatchObject({ created: false, title: '今日已打卡', reflectionStatusLabel: '审核中', pendingNote: '' })
})

test.each([
  ['pending', '审核中'],
  ['rejected', '未通过审核'],
  ['published', ''],
])('today’s and the recent reflections, %s: tag %p', async (status, label) => {
  const todays = Object.assign(study.punchInItem(90, '2026-11-24', 2, '今天的心得'), { reflection_status: status })
  const yesterdays = Object.assign(study.punchInItem(80, '2026-11-23', 1, '昨天的心得'), { reflection_status: status })
  const page = await openPage(study.punchIns(true, 2, [todays, yesterdays]))

  expect(page.data.punch.todayItem).toMatchObject({ reflectionStatus: status, reflectionStatusLabel: label })
  expect(page.data.punch.items.map((item) => item.reflectionStatusLabel)).toEqual([label, label])
})

test('a punch-in without a reflection (status null): no tag', async () => {
  const page = await openPage(study.punchIns(true, 1, [study.punchInItem(90, '2026-11-24', 1)]))

  expect(page.data.punch.todayItem).toMatchObject({ reflection: '', reflectionStatus: '', reflectionStatusLabel: '' })
})

test('200: 今日已打卡 with the punch-in made before; what was typed is said not to be kept', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [study.punchInReply(200, { reflection: '早上的心得', created_at: '2026-11-24T00:05:00+00:00' })])

  page.onReflectionInput(inputEvent('晚上的心得'))
  await page.submit()

  expect(page.data.result).toMatchObject({ created: false, title: '今日已打卡', streak: 4, pointsText: '', reflection: '早上的心得', timeText: '08:05' })
  expect(page.data.unsavedReflection).toBe(true)
  expect(fake.wx.showToast).not.toHaveBeenCalled()
})

test('200 with nothing typed: nothing is lost', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [study.punchInReply(200)])

  await page.submit()

  expect(page.data.result.title).toBe('今日已打卡')
  expect(page.data.unsavedReflection).toBe(false)
})

test('punched in already when the page opens: today’s punch-in, no form', async () => {
  const page = await openPage(study.punchIns(true, 5, [study.punchInItem(90, '2026-11-24', 5, '今天的心得')]))

  expect(page.data.punch).toMatchObject({ punchedToday: true, streak: 5 })
  expect(page.data.punch.todayItem).toMatchObject({ reflection: '今天的心得', timeText: '08:05' })
})

test('a reflection over 500 characters is not sent', async () => {
  const page = await openPage()

  page.onReflectionInput(inputEvent('学'.repeat(501)))
  await page.submit()

  expect(page.data.count).toBe(501)
  expect(page.data.error).toBe('心得不能超过500字')
  expect(fake.requestsTo('POST /study/punch-ins')).toHaveLength(0)
})

test('the server’s word on the reflection goes under it; other failures in a toast', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [
    fixtures.apiError(422, 'validation_error', '填写的信息有误', { reflection: ['长度须在 1 到 500 之间'] }),
    { networkFailure: true },
  ])

  page.onReflectionInput(inputEvent('心得'))
  await page.submit()
  expect(page.data.error).toBe('长度须在 1 到 500 之间')
  expect(page.data.submitting).toBe(false)

  await page.submit()
  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '网络连接失败，请稍后重试', icon: 'none', duration: 2000 })
  expect(page.data.result).toBeNull()
})

describe('today’s photo', () => {
  const PHOTO_URL = '/api/v1/study/punch-ins/90/photo'
  const UPLOAD = 'POST /study/punch-ins/90/photo'

  function punchedToday(photoUrl = null) {
    const item = Object.assign(study.punchInItem(90, '2026-11-24', 5, '今天的心得'), { photo_url: photoUrl })
    return study.punchIns(true, 5, [item])
  }

  function photoReply(status = 200) {
    return { status, body: { id: 90, day: '2026-11-24', streak: 5, reflection: '今天的心得', photo_url: PHOTO_URL, created_at: '2026-11-24T00:05:00+00:00' } }
  }

  test('punched in with a photo: downloaded with the session and shown; a tap previews it', async () => {
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/punch-90.jpg' }
    const page = await openPage(punchedToday(PHOTO_URL))

    expect(page.data).toMatchObject({ todayId: 90, photoUrl: PHOTO_URL, photoPath: 'wxfile://tmp/punch-90.jpg', photoLoading: false, photoFailed: false })
    const call = fake.wx.downloadFile.mock.calls[0][0]
    expect(call.url).toBe('http://127.0.0.1:5000/api/v1/study/punch-ins/90/photo')
    expect(call.header).toEqual({ Authorization: 'Bearer tok-1' })

    page.previewPhoto()
    expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/punch-90.jpg'], current: 'wxfile://tmp/punch-90.jpg' })

    // A pull-down does not download the photo shown again.
    fake.route('GET /study/punch-ins/me', [punchedToday(PHOTO_URL)])
    await page.onPullDownRefresh()
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)
  })

  test('punched in without a photo: 添加照片 offered, nothing downloaded', async () => {
    const page = await openPage(punchedToday())

    expect(page.data).toMatchObject({ todayId: 90, photoUrl: '', photoPath: '' })
    expect(fake.wx.downloadFile).not.toHaveBeenCalled()
  })

  test('a photo that fails to download: said; a tap tries again', async () => {
    controls.state.download = { fail: true }
    const page = await openPage(punchedToday(PHOTO_URL))

    expect(page.data).toMatchObject({ photoFailed: true, photoPath: '', photoLoading: false })

    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/again.jpg' }
    await page.retryPhoto()
    expect(page.data).toMatchObject({ photoFailed: false, photoPath: 'wxfile://tmp/again.jpg' })
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(2)

    // Shown now: a tap has nothing to retry.
    await page.retryPhoto()
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(2)
  })

  test('after punching in (201): one photo picked, compressed, uploaded as `file` and shown from the file', async () => {
    const page = await openPage()
    fake.route('POST /study/punch-ins', [{ status: 201, body: { id: 90, day: '2026-11-24', streak: 4, reflection: null, photo_url: null, created_at: '2026-11-24T12:30:00+00:00', created: true, points_awarded: 2 } }])
    fake.route('GET /study/punch-ins/me', [punchedToday()])
    await page.submit()
    expect(page.data.todayId).toBe(90)

    controls.picksPhotos(['wxfile://tmp/chosen.jpg'])
    fake.route(UPLOAD, [photoReply()])
    await page.choosePhoto()

    expect(fake.wx.chooseMedia).toHaveBeenCalledTimes(1)
    expect(fake.wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 1, mediaType: ['image'], sizeType: ['compressed'] })
    const [upload] = fake.requestsTo(UPLOAD)
    expect(upload).toMatchObject({ url: 'http://127.0.0.1:5000/api/v1/study/punch-ins/90/photo', filePath: 'wxfile://tmp/chosen.jpg', name: 'file' })
    expect(upload.header).toEqual({ Authorization: 'Bearer tok-1' })
    expect(page.data).toMatchObject({ uploading: false, photoUrl: PHOTO_URL, photoPath: 'wxfile://tmp/chosen.jpg', photoError: '' })
    expect(fake.wx.showToast).toHaveBeenLastCalledWith({ title: '照片已上传', icon: 'success' })
    // The photo is the file just uploaded: nothing to download.
    expect(fake.wx.downloadFile).not.toHaveBeenCalled()
  })

  test('200 (punched in elsewhere, with a photo): that photo is shown, and may be replaced', async () => {
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/old.jpg' }
    const page = await openPage()
    fake.route('POST /study/punch-ins', [{ status: 200, body: Object.assign(photoReply().body, { created: false, points_awarded: 0 }) }])
    fake.route('GET /study/punch-ins/me', [punchedToday(PHOTO_URL)])
    await page.submit()

    expect(page.data).toMatchObject({ todayId: 90, photoPath: 'wxfile://tmp/old.jpg' })
    // The result and the list name the same photo: downloaded once.
    expect(fake.wx.downloadFile).toHaveBeenCalledTimes(1)

    controls.picksPhotos(['wxfile://tmp/new.jpg'])
    fake.route(UPLOAD, [photoReply()])
    await page.choosePhoto()
    // The replaced photo's address is the same: the new one shows from its file.
    expect(page.data).toMatchObject({ photoUrl: PHOTO_URL, photoPath: 'wxfile://tmp/new.jpg' })
    expect(fake.requestsTo(UPLOAD)).toHaveLength(1)
  })

  test('a double tap picks and uploads once; another tap afterwards may replace it', async () => {
    const page = await openPage(punchedToday())
    controls.picksPhotos(['wxfile://tmp/one.jpg'])
    // Answered late, so that a tap can come while it uploads.
    fake.route(UPLOAD, [Object.assign(photoReply(), { delay: 50 })])

    const first = page.choosePhoto()
    const second = page.choosePhoto()
    await settle(3)
    // Uploading: a tap now does nothing either.
    expect(page.data.uploading).toBe(true)
    const third = page.choosePhoto()
    await Promise.all([first, second, third])

    expect(fake.wx.chooseMedia).toHaveBeenCalledTimes(1)
    expect(fake.requestsTo(UPLOAD)).toHaveLength(1)

    controls.picksPhotos(['wxfile://tmp/two.jpg'])
    await page.choosePhoto()
    expect(fake.requestsTo(UPLOAD)).toHaveLength(2)
    expect(page.data.photoPath).toBe('wxfile://tmp/two.jpg')
  })

  test('the picker closed: nothing uploaded, nothing said; a picker that fails otherwise says so', async () => {
    const page = await openPage(punchedToday())

    controls.state.media = { cancel: true }
    await page.choosePhoto()
    expect(fake.wx.showToast).not.toHaveBeenCalled()

    controls.state.media = { fail: 'chooseMedia:fail no permission' }
    await page.choosePhoto()
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '无法选择照片', icon: 'none' })

    expect(fake.requestsTo(UPLOAD)).toHaveLength(0)
    expect(page.data.uploading).toBe(false)
  })

  test.each([
    ['413 file_too_large: the server’s word', fixtures.apiError(413, 'file_too_large', '文件不能超过 5 MB'), '文件不能超过 5 MB'],
    ['415 file_type_not_allowed: the server’s word', fixtures.apiError(415, 'file_type_not_allowed', '只能上传 JPG、PNG 或 WebP 图片'), '只能上传 JPG、PNG 或 WebP 图片'],
    ['a proxy’s 413 page', { status: 413, body: '<html>413 Request Entity Too Large</html>' }, '照片太大，请换一张较小的照片'],
    ['a 415 without the server’s word', { status: 415, body: '' }, '只能上传 JPG、PNG 或 WebP 格式的照片'],
    ['a lost network', { networkFailure: true }, '网络连接失败，请稍后重试'],
  ])('%s: said under the photo, the photo shown kept, another try possible', async (_name, reply, message) => {
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/old.jpg' }
    const page = await openPage(punchedToday(PHOTO_URL))
    controls.picksPhotos(['wxfile://tmp/big.jpg'])
    fake.route(UPLOAD, [reply, photoReply()])

    await page.choosePhoto()

    expect(page.data).toMatchObject({ uploading: false, photoError: message, photoPath: 'wxfile://tmp/old.jpg', todayId: 90 })
    expect(fake.wx.reLaunch).not.toHaveBeenCalled()

    controls.picksPhotos(['wxfile://tmp/small.jpg'])
    await page.choosePhoto()
    expect(page.data).toMatchObject({ photoError: '', photoPath: 'wxfile://tmp/small.jpg' })
    expect(fake.requestsTo(UPLOAD)).toHaveLength(2)
  })

  test('409 punch_in_closed (the day changed): said; today’s state loaded, with the form again', async () => {
    const page = await openPage(punchedToday())
    controls.picksPhotos(['wxfile://tmp/late.jpg'])
    fake.route(UPLOAD, [fixtures.apiError(409, 'punch_in_closed', '只能为今天的打卡添加照片')])
    fake.route('GET /study/punch-ins/me', [Object.assign(study.punchIns(false, 5), { body: { today: '2026-11-25', punched_today: false, streak: 5, items: [] } })])

    await page.choosePhoto()

    expect(page.data.note).toBe('已是新的一天，之前的打卡不能再添加照片，请先完成今天的打卡')
    expect(fake.requestsTo('GET /study/punch-ins/me')).toHaveLength(2)
    expect(page.data).toMatchObject({ todayId: 0, photoUrl: '', photoPath: '', photoError: '', uploading: false, result: null })
    expect(page.data.punch).toMatchObject({ punchedToday: false, streak: 5 })

    // The photo button is gone; a stray tap sends nothing.
    await page.choosePhoto()
    expect(fake.requestsTo(UPLOAD)).toHaveLength(1)
  })

  test('signed out for good while uploading: to the bind page', async () => {
    const page = await openPage(punchedToday())
    controls.picksPhotos(['wxfile://tmp/photo.jpg'])
    fake.route(UPLOAD, [fixtures.apiError(401, 'unauthorized', '登录已失效')])
    fake.route('POST /auth/wx-login', [fixtures.authWxLoginUnbound('ticket-9')])

    await page.choosePhoto()

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/bind/index?ticket=ticket-9' })
    expect(page.data.uploading).toBe(false)
  })

  test('a download still on its way when a new photo is uploaded does not replace it', async () => {
    const downloads = []
    fake.wx.downloadFile = jest.fn((options) => downloads.push(options))
    fake.route('GET /study/punch-ins/me', [punchedToday(PHOTO_URL)])
    const page = loadPage('pages/study/punch-in')
    const loading = page.onLoad()
    await settle()
    expect(page.data.photoLoading).toBe(true)

    controls.picksPhotos(['wxfile://tmp/new.jpg'])
    fake.route(UPLOAD, [photoReply()])
    await page.choosePhoto()
    expect(page.data.photoPath).toBe('wxfile://tmp/new.jpg')

    // The old photo arrives late: dropped.
    downloads[0].success({ statusCode: 200, tempFilePath: 'wxfile://tmp/old.jpg' })
    await loading
    expect(page.data).toMatchObject({ photoPath: 'wxfile://tmp/new.jpg', photoLoading: false })
  })
})
