const modal = require('../../utils/modal')
const { installWx } = require('../helpers/wx')

describe('confirm', () => {
  let fake
  beforeEach(() => {
    fake = installWx()
  })

  test.each([
    [true, true],
    [false, false],
    ['fail', false],
  ])('answer %p → %p', async (answer, confirmed) => {
    fake.answerModal(answer)

    await expect(modal.confirm({ title: 't', content: 'c' })).resolves.toBe(confirmed)
    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: 't', content: 'c' }))
  })
})

describe('alert', () => {
  let fake
  beforeEach(() => {
    fake = installWx()
  })

  test.each([[true], ['fail']])('a message only acknowledged (知道了); resolves once closed (%p)', async (answer) => {
    fake.answerModal(answer)

    await expect(modal.alert('无法记录', '日期不能早于上一步')).resolves.toBeUndefined()
    expect(fake.wx.showModal).toHaveBeenCalledTimes(1)
    expect(fake.wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '无法记录', content: '日期不能早于上一步', showCancel: false, confirmText: '知道了' })
    )
  })
})
