const { installWx } = require('../helpers/wx')
const info = require('../helpers/info-fixtures')

let fake
let comments

beforeEach(() => {
  jest.resetModules()
  fake = installWx()
  fake.storeSession({ token: 'tok-1', expires_at: 'x', member: null })
  comments = require('../../services/comments')
})

test('list sends GET /meetings/{id}/comments with page and per_page (20 by default)', async () => {
  fake.route('GET /meetings/7/comments', [info.commentsPage([info.comment(1)])])

  const body = await comments.list(7)

  const [call] = fake.requests
  expect(call.url).toBe('http://127.0.0.1:5000/api/v1/meetings/7/comments')
  expect(call.method).toBe('GET')
  expect(call.data).toEqual({ page: 1, per_page: 20 })
  expect(call.header.Authorization).toBe('Bearer tok-1')
  expect(body.items[0].author.name).toBe('党员1')
})

test('list(7, 3, { perPage: 5 })', async () => {
  fake.route('GET /meetings/7/comments', [info.commentsPage([])])

  await comments.list(7, 3, { perPage: 5 })

  expect(fake.requests[0].data).toEqual({ page: 3, per_page: 5 })
})

test('create posts the content and resolves with the 201 comment', async () => {
  fake.route('POST /meetings/7/comments', [{ status: 201, body: info.comment(9, { mine: true, status: 'pending' }) }])

  const comment = await comments.create(7, '同意')

  expect(fake.requests[0].method).toBe('POST')
  expect(fake.requests[0].data).toEqual({ content: '同意' })
  expect(comment).toMatchObject({ id: 9, status: 'pending' })
})

test.each([
  [409, 'no_minutes', '会议纪要尚未形成，暂不能评论'],
  [429, 'too_many_comments', '评论太频繁，请稍后再试'],
])('create rejects with %i %s', async (status, code, message) => {
  fake.route('POST /meetings/7/comments', [info.apiError(status, code, message)])

  await expect(comments.create(7, '同意')).rejects.toMatchObject({ status, code, message })
})

test('remove sends DELETE /meetings/{id}/comments/{comment_id} and resolves with null on 204', async () => {
  fake.route('DELETE /meetings/7/comments/9', [{ status: 204 }])

  await expect(comments.remove(7, 9)).resolves.toBeNull()

  expect(fake.requests[0].method).toBe('DELETE')
})
