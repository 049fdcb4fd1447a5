const view = require('../../utils/comments-view')
const info = require('../helpers/info-fixtures')

// 2026-12-01 21:00 in Beijing.
const NOW = Date.UTC(2026, 11, 1, 13, 0)

describe('contentError', () => {
  test.each([
    ['empty', '', '请填写评论内容'],
    ['blank', '   \n ', '请填写评论内容'],
    ['null', null, '请填写评论内容'],
    ['short', '同意', ''],
    ['500 characters', '字'.repeat(500), ''],
    ['500 characters with spaces around', '  ' + '字'.repeat(500) + '  ', ''],
    ['501 characters', '字'.repeat(501), '评论不能超过500字'],
  ])('%s → %j', (_, text, message) => {
    expect(view.contentError(text)).toBe(message)
  })

  test('an emoji counts as one character, as the server counts', () => {
    expect(view.contentError('👍'.repeat(500))).toBe('')
    expect(view.tooLong('👍'.repeat(500))).toBe(false)
    expect(view.tooLong('👍'.repeat(501))).toBe(true)
  })
})

test('counterText counts the trimmed text', () => {
  expect(view.counterText('')).toBe('0/500')
  expect(view.counterText(' 同意👍 ')).toBe('3/500')
})

describe('viewComment', () => {
  test('a published comment of someone else', () => {
    expect(view.viewComment(info.comment(5), NOW, false)).toEqual({
      id: 5,
      authorName: '党员5',
      content: '评论 5',
      timeText: '55分钟前',
      createdMs: Date.UTC(2026, 11, 1, 12, 5),
      status: 'published',
      statusLabel: '',
      mine: false,
      canDelete: false,
    })
  })

  test('the member own: 审核中 / 未通过审核 tags, and deletable', () => {
    expect(view.viewComment(info.comment(5, { mine: true, status: 'pending' }), NOW, false)).toMatchObject({
      statusLabel: '审核中',
      canDelete: true,
    })
    expect(view.viewComment(info.comment(5, { mine: true, status: 'rejected' }), NOW, false).statusLabel).toBe('未通过审核')
  })

  test("a manager may delete anyone's", () => {
    expect(view.viewComment(info.comment(5), NOW, true).canDelete).toBe(true)
  })

  test('missing fields', () => {
    expect(view.viewComment({ id: 1 }, NOW, false)).toMatchObject({
      authorName: '',
      content: '',
      timeText: '',
      createdMs: 0,
      status: 'published',
    })
  })
})

test('ordered: oldest first by time then id, each comment once', () => {
  const a = view.viewComment(info.comment(3), NOW)
  const b = view.viewComment(info.comment(1), NOW)
  const sameSecond = view.viewComment(info.comment(2, { created_at: info.comment(3).created_at }), NOW)

  expect(view.ordered([a, b, sameSecond, b]).map((comment) => comment.id)).toEqual([1, 2, 3])
  expect(view.ordered(null)).toEqual([])
})

test.each([
  [0, '评论'],
  [undefined, '评论'],
  [3, '3 条评论'],
])('countText(%s) is %s', (count, text) => {
  expect(view.countText(count)).toBe(text)
})
