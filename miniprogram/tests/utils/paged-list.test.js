// utils/paged-list.js alone: a stand-in page and a fetch whose answers the test releases in any
// order. The pages using it (inbox, notices) are tested against the fake server as well.

const { installWx } = require('../helpers/wx')
const errors = require('../../api/errors')
const pagedList = require('../../utils/paged-list')

let fake

beforeEach(() => {
  fake = installWx()
})

afterEach(() => {
  jest.restoreAllMocks()
})

// A page as the framework gives it: data plus a setData that merges.
function standInPage(extra) {
  const page = { data: pagedList.initialData(extra) }
  page.setData = jest.fn((update) => Object.assign(page.data, update))
  return page
}

// fetch(n) returns a promise the test settles later: answers[i].resolve(body) / .reject(error).
function scriptedFetch() {
  const answers = []
  const fetch = jest.fn(
    (n) =>
      new Promise((resolve, reject) => {
        answers.push({ page: n, resolve, reject })
      })
  )
  return { fetch, answers }
}

function body(ids, meta, more = {}) {
  return Object.assign({ items: ids.map((id) => ({ id, title: `第${id}条` })), meta }, more)
}

function simpleList(fetch, options = {}) {
  return pagedList.create(
    Object.assign({ fetch, viewItem: (item, now) => ({ id: item.id, title: item.title, now }) }, options)
  )
}

// A page whose first refresh has answered with `first`.
async function loadedPage(list, answers, first) {
  const page = standInPage()
  const loading = list.refresh(page)
  answers[0].resolve(first)
  await loading
  return page
}

function idsOf(page) {
  return page.data.items.map((item) => item.id)
}

test('initialData: the list fields plus those the page adds, a fresh object each time', () => {
  const first = pagedList.initialData({ unread: 0 })
  first.items.push({ id: 1 })

  expect(pagedList.initialData({ unread: 0 })).toEqual({
    items: [],
    page: 0,
    pages: 0,
    loaded: false,
    loadFailed: false,
    loading: false,
    loadingMore: false,
    unread: 0,
  })
  expect(pagedList.initialData()).not.toHaveProperty('unread')
})

test('refresh loads page 1 through viewItem, with the fields the page adds from the body', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(1234)
  const { fetch, answers } = scriptedFetch()
  const list = simpleList(fetch, { fields: (answer) => ({ unread: answer.unread }) })
  const page = standInPage({ unread: 0 })

  const loading = list.refresh(page)
  expect(page.data).toMatchObject({ loading: true, loadingMore: false })
  answers[0].resolve(body([2, 1], { page: 1, pages: 3 }, { unread: 4 }))
  await loading

  expect(fetch).toHaveBeenCalledWith(1)
  expect(page.data).toEqual({
    items: [
      { id: 2, title: '第2条', now: 1234 },
      { id: 1, title: '第1条', now: 1234 },
    ],
    page: 1,
    pages: 3,
    loaded: true,
    loadFailed: false,
    loading: false,
    loadingMore: false,
    unread: 4,
  })
})

test('a body without meta counts as that page of none', async () => {
  const { fetch, answers } = scriptedFetch()
  const list = simpleList(fetch)
  const page = standInPage()

  const loading = list.refresh(page)
  answers[0].resolve({ items: [{ id: 1 }] })
  await loading

  expect(page.data).toMatchObject({ page: 1, pages: 0 })
  await list.loadMore(page)
  expect(fetch).toHaveBeenCalledTimes(1)
})

describe('stale answers', () => {
  test('an older refresh answering last is dropped', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = standInPage()

    const older = list.refresh(page)
    const newer = list.refresh(page)
    answers[1].resolve(body([9, 8], { page: 1, pages: 1 }))
    await newer
    answers[0].resolve(body([5, 4], { page: 1, pages: 2 }))
    await older

    expect(idsOf(page)).toEqual([9, 8])
    expect(page.data).toMatchObject({ page: 1, pages: 1 })
  })

  test('a next page answering after a refresh is dropped, and the refresh clears loadingMore', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = await loadedPage(list, answers, body([4, 3], { page: 1, pages: 2 }))

    const more = list.loadMore(page)
    const refresh = list.refresh(page)
    expect(page.data.loadingMore).toBe(false)
    answers[2].resolve(body([7, 6], { page: 1, pages: 1 }))
    await refresh
    answers[1].resolve(body([2, 1], { page: 2, pages: 2 }))
    await more

    expect(idsOf(page)).toEqual([7, 6])
    expect(page.data).toMatchObject({ page: 1, pages: 1, loadingMore: false })
  })

  test('a stale failure changes nothing and shows no toast', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = standInPage()

    const older = list.refresh(page)
    const newer = list.refresh(page)
    answers[1].resolve(body([1], { page: 1, pages: 1 }))
    await newer
    answers[0].reject(new errors.NetworkError('timeout'))
    await older

    expect(page.data).toMatchObject({ loadFailed: false, loaded: true })
    expect(fake.wx.showToast).not.toHaveBeenCalled()
  })
})

describe('loadMore', () => {
  test('asks for the page after the last one loaded, until page >= pages', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = await loadedPage(list, answers, body([4, 3], { page: 1, pages: 2 }))

    const more = list.loadMore(page)
    expect(page.data.loadingMore).toBe(true)
    answers[1].resolve(body([2, 1], { page: 2, pages: 2 }))
    await more
    await list.loadMore(page)

    expect(fetch.mock.calls).toEqual([[1], [2]])
    expect(idsOf(page)).toEqual([4, 3, 2, 1])
    expect(page.data).toMatchObject({ page: 2, pages: 2, loadingMore: false })
  })

  test('asks for nothing before the first page, during a refresh or while a page is on its way', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = standInPage()

    await list.loadMore(page)
    expect(fetch).not.toHaveBeenCalled()

    const loading = list.refresh(page)
    page.data.loaded = true // as after an earlier load
    page.data.pages = 5
    await list.loadMore(page)
    expect(fetch).toHaveBeenCalledTimes(1)
    answers[0].resolve(body([5], { page: 1, pages: 5 }))
    await loading

    list.loadMore(page)
    list.loadMore(page)
    expect(fetch.mock.calls).toEqual([[1], [2]])
  })

  test('an item already shown is not appended again (ids compared as text)', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = await loadedPage(list, answers, body([5, 4], { page: 1, pages: 2 }))

    const more = list.loadMore(page)
    answers[1].resolve(body(['4', 3], { page: 2, pages: 2 }))
    await more

    expect(idsOf(page)).toEqual([5, 4, 3])
  })

  test('the fields the page adds are set from every page', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch, { fields: (answer) => ({ unread: answer.unread }) })
    const page = await loadedPage(list, answers, body([2], { page: 1, pages: 2 }, { unread: 3 }))

    const more = list.loadMore(page)
    answers[1].resolve(body([1], { page: 2, pages: 2 }, { unread: 1 }))
    await more

    expect(page.data.unread).toBe(1)
  })

  test('a body without meta counts as the page asked for', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = await loadedPage(list, answers, body([2], { page: 1, pages: 3 }))

    const more = list.loadMore(page)
    answers[1].resolve({ items: [{ id: 1 }] })
    await more

    expect(page.data).toMatchObject({ page: 2, pages: 0 })
  })
})

describe('failures', () => {
  test('a failed refresh marks the list failed and shows the message', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = standInPage()

    const loading = list.refresh(page)
    answers[0].reject(new errors.ApiError({ status: 500, code: 'internal_error', message: '服务器开小差了' }))
    await loading

    expect(page.data).toMatchObject({ loading: false, loaded: true, loadFailed: true, items: [] })
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '服务器开小差了', icon: 'none', duration: 2000 })
  })

  test('a failed next page keeps the list and allows another try', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = await loadedPage(list, answers, body([4, 3], { page: 1, pages: 2 }))

    const failing = list.loadMore(page)
    answers[1].reject(new errors.NetworkError('timeout'))
    await failing
    expect(idsOf(page)).toEqual([4, 3])
    expect(page.data).toMatchObject({ page: 1, loadingMore: false, loadFailed: false })
    expect(fake.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: errors.NETWORK_FAILURE_MESSAGE }))

    const retry = list.loadMore(page)
    answers[2].resolve(body([2, 1], { page: 2, pages: 2 }))
    await retry
    expect(idsOf(page)).toEqual([4, 3, 2, 1])
  })

  test('a session gone for good leaves for the login page without a toast', async () => {
    const { fetch, answers } = scriptedFetch()
    const list = simpleList(fetch)
    const page = standInPage()

    const loading = list.refresh(page)
    answers[0].reject(new errors.AuthError({ code: 'token_expired' }))
    await loading

    expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
    expect(fake.wx.showToast).not.toHaveBeenCalled()
    expect(page.data.loadFailed).toBe(true)
  })
})

describe('listPage', () => {
  // The definition as a page instance: its methods with `this` the page.
  function instance(definition) {
    const page = standInPage()
    Object.keys(definition).forEach((key) => {
      if (typeof definition[key] === 'function') page[key] = definition[key].bind(page)
    })
    return page
  }

  test('with a list: loads page 1 on load and on a pull-down (then stops the spinner), the next at the bottom', async () => {
    const { fetch, answers } = scriptedFetch()
    const ownHandler = () => 'own'
    const definition = pagedList.listPage(simpleList(fetch), { data: { extra: 1 }, openItem: ownHandler })
    expect(definition.data).toEqual({ extra: 1 })
    expect(definition.openItem).toBe(ownHandler)
    const page = instance(definition)

    const loading = page.onLoad()
    answers[0].resolve(body([2, 1], { page: 1, pages: 2 }))
    await loading
    const more = page.onReachBottom()
    answers[1].resolve(body([0], { page: 2, pages: 2 }))
    await more
    expect(idsOf(page)).toEqual([2, 1, 0])

    const pulling = page.onPullDownRefresh()
    expect(fake.wx.stopPullDownRefresh).not.toHaveBeenCalled()
    answers[2].resolve(body([3], { page: 1, pages: 1 }))
    await pulling
    expect(idsOf(page)).toEqual([3])
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls.map((call) => call[0])).toEqual([1, 2, 1])
  })

  test("the page's own methods replace the list's; without a list the page has its own refresh and loadMore", async () => {
    const calls = []
    const definition = pagedList.listPage(null, {
      refresh() {
        calls.push('refresh')
        return Promise.resolve()
      },
      loadMore() {
        calls.push('loadMore')
        return Promise.resolve()
      },
    })
    const page = instance(definition)

    await page.onLoad()
    await page.onPullDownRefresh()
    await page.onReachBottom()

    expect(calls).toEqual(['refresh', 'refresh', 'loadMore'])
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })
})
