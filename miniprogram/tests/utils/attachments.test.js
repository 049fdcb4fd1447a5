// Opening a file of a page's list (utils/attachments.js open): downloaded with the function the
// page passes (a service's wrapper of the content endpoint), then previewed or opened. The
// meeting pages (attachments) and the development record (materials) use it; their own tests
// open files through the pages.

const { installWx } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')
let fake
let attachments
let errors

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  installCheckinWx(fake)
  attachments = require('../../utils/attachments')
  errors = require('../../api/errors')
})

// A page with `data` whose setData merges into it.
function pageWith(data) {
  return {
    data: Object.assign({}, data),
    setData: jest.fn(function (patch) {
      Object.assign(this.data, patch)
    }),
  }
}

const PHOTO = { id: 1, name: '合影', image: true, pdf: false }
const PDF = { id: 2, name: '会议材料', image: false, pdf: true }
const DOCX = { id: 3, name: '思想汇报', image: false, pdf: false, documentType: 'docx' }

test('the item is downloaded with the function passed, by its id; an image previewed, a document opened as its type', async () => {
  const page = pageWith({ attachments: [PHOTO, PDF, DOCX], opening: false })
  const download = jest.fn((id) => Promise.resolve('wxfile://tmp/' + id))

  await attachments.open(page, '1', download)
  await attachments.open(page, 2, download)
  await attachments.open(page, 3, download)

  expect(download.mock.calls).toEqual([[1], [2], [3]])
  expect(fake.wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://tmp/1'], current: 'wxfile://tmp/1' })
  expect(fake.wx.openDocument.mock.calls).toEqual([
    [{ filePath: 'wxfile://tmp/2', fileType: 'pdf', showMenu: true }],
    [{ filePath: 'wxfile://tmp/3', fileType: 'docx', showMenu: true }],
  ])
  expect(page.setData.mock.calls).toEqual([[{ opening: true }], [{ opening: false }], [{ opening: true }], [{ opening: false }], [{ opening: true }], [{ opening: false }]])
  expect(fake.wx.showLoading).toHaveBeenCalledTimes(3)
  expect(fake.wx.hideLoading).toHaveBeenCalledTimes(3)
})

test('a list and busy flag of another name; a failure goes to onError', async () => {
  const page = pageWith({ materials: [PDF], openingMaterial: false })
  const onError = jest.fn()
  const failure = new errors.ApiError({ status: 404 })

  await attachments.open(page, 2, () => Promise.reject(failure), { list: 'materials', busy: 'openingMaterial', onError })

  expect(onError).toHaveBeenCalledWith(failure)
  expect(fake.wx.openDocument).not.toHaveBeenCalled()
  expect(fake.wx.hideLoading).toHaveBeenCalled()
  expect(page.data.openingMaterial).toBe(false)
})

test('by default a failure is a toast', async () => {
  const page = pageWith({ attachments: [PDF], opening: false })

  await attachments.open(page, 2, () => Promise.reject(new errors.ApiError({ status: 404 })))

  expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '请求的内容不存在', icon: 'none', duration: 2000 })
  expect(page.data.opening).toBe(false)
})

test('nothing while another opens, nor for an id not in the list', async () => {
  const download = jest.fn(() => Promise.resolve('wxfile://tmp/x'))

  await attachments.open(pageWith({ attachments: [PDF], opening: true }), 2, download)
  await attachments.open(pageWith({ attachments: [PDF], opening: false }), 9, download)

  expect(download).not.toHaveBeenCalled()
  expect(fake.wx.showLoading).not.toHaveBeenCalled()
})
