// 学习打卡 (pages/study/punch-in): 201 (打卡成功, streak and points) and 200 (今日已打卡, the
// punch-in made before), the optional reflection and its limit.

const { signedInEachTest } = require('../helpers/wx')
const { loadPage, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const study = require('./study-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const fake = signedInEachTest(NOW)

function punchInReply(status, overrides = {}) {
  const created = status === 201
  return {
    status,
    body: Object.assign(
      {
        id: 88,
        day: '2026-11-24',
        streak: 4,
        reflection: null,
        created_at: '2026-11-24T12:30:00+00:00',
        created,
        points_awarded: created ? 2 : 0,
      },
      overrides
    ),
  }
}

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
  expect(page.data.punch.items).toEqual([{ id: 80, day: '2026-11-23', dayText: '11月23日', streak: 3, reflection: '学习党章第一章', timeText: '08:05' }])
  expect(page.data.result).toBeNull()
})

test('201: 打卡成功, with the reflection, the streak and the points', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [punchInReply(201, { reflection: '学习了党章第二章' })])

  page.onReflectionInput(inputEvent('  学习了党章第二章 '))
  expect(page.data.count).toBe(8)
  fake.route('GET /study/punch-ins/me', [study.punchIns(true, 4, [study.punchInItem(88, '2026-11-24', 4, '学习了党章第二章', '2026-11-24T12:30:00+00:00')])])
  await page.submit()

  expect(fake.requestsTo('POST /study/punch-ins')[0].data).toEqual({ reflection: '学习了党章第二章' })
  expect(page.data.result).toMatchObject({ created: true, title: '打卡成功', streak: 4, pointsText: '+2 积分', reflection: '学习了党章第二章', timeText: '20:30' })
  expect(page.data.unsavedReflection).toBe(false)
  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '打卡成功', icon: 'success' })
  // The list again, with today's.
  expect(page.data.punch).toMatchObject({ punchedToday: true, streak: 4 })

  // Once is all: a second tap sends nothing.
  await page.submit()
  expect(fake.requestsTo('POST /study/punch-ins')).toHaveLength(1)
})

test('201 without a reflection: no empty text sent', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [punchInReply(201)])

  page.onReflectionInput(inputEvent('   '))
  await page.submit()

  expect(fake.requestsTo('POST /study/punch-ins')[0].data).toEqual({})
  expect(page.data.result.created).toBe(true)
})

test('200: 今日已打卡 with the punch-in made before; what was typed is said not to be kept', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [punchInReply(200, { reflection: '早上的心得', created_at: '2026-11-24T00:05:00+00:00' })])

  page.onReflectionInput(inputEvent('晚上的心得'))
  await page.submit()

  expect(page.data.result).toMatchObject({ created: false, title: '今日已打卡', streak: 4, pointsText: '', reflection: '早上的心得', timeText: '08:05' })
  expect(page.data.unsavedReflection).toBe(true)
  expect(fake.wx.showToast).not.toHaveBeenCalled()
})

test('200 with nothing typed: nothing is lost', async () => {
  const page = await openPage()
  fake.route('POST /study/punch-ins', [punchInReply(200)])

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
