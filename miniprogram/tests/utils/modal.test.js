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
