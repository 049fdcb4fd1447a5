// 反映办理 (pages/feedback/handle and handle-case): the list by status tab (rows are handler views:
// overdue marked, the submitter or 匿名, reopened), and one case: the submitter (or 匿名), the
// handlers' events, the attachments downloaded with the session from /feedback/cases/{id}, 受理,
// 答复 and 办结 as the status allows; 409 wrong_status reloads, 422 content_flagged names the
// words, 403 forbidden (an auditor acting) is said.

const { settle } = require('../helpers/wx')
const { checkinEachTest } = require('../helpers/checkin-wx')
const { loadPage, loadPages, tapEvent, inputEvent } = require('../helpers/page')
const fixtures = require('../helpers/fixtures')
const fb = require('./feedback-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

const { fake, controls } = checkinEachTest(NOW)

describe('the list', () => {
  test('待受理 first; a row waits on its deadline, red once missed; 匿名 for an anonymous case', async () => {
    fake.route('GET /feedback/cases', [
      fb.page([
        fb.handlerListItem(7, { accept_due: '2026-11-22', overdue: 'accept' }),
        fb.handlerListItem(8, { anonymous: true, submitter: null, accept_due: '2026-11-26', kind: 'report' }),
      ]),
    ])
    const page = loadPage('pages/feedback/handle')

    await page.onLoad({})

    expect(fake.requestsTo('GET /feedback/cases')[0].data).toEqual({ page: 1, per_page: 20, status: 'submitted' })
    expect(page.data.items.map((item) => [item.id, item.kindLabel, item.submitterText, item.dueText, item.overdue])).toEqual([
      [7, '意见建议', '张三', '受理已超期 2 天', true],
      [8, '监督举报', '匿名', '须于 11月26日 前受理', false],
    ])

    page.openItem(tapEvent({ id: 7 }))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/feedback/handle-case?id=7' })
  })

  test('a tab lists its status, emptied while it loads; the same tab again does nothing', async () => {
    fake.route('GET /feedback/cases', (call) =>
      fb.page([fb.handlerListItem(call.data.status === 'accepted' ? 9 : 7, { status: call.data.status })])
    )
    const page = loadPage('pages/feedback/handle')
    await page.onLoad({})

    const switching = page.switchTab(tapEvent({ tab: 'accepted' }))
    expect(page.data.items).toEqual([])
    await switching
    await page.switchTab(tapEvent({ tab: 'accepted' }))
    await page.switchTab(tapEvent({ tab: 'bogus' }))

    expect(fake.requestsTo('GET /feedback/cases').map((call) => call.data.status)).toEqual(['submitted', 'accepted'])
    expect(page.data.items.map((item) => [item.id, item.statusLabel])).toEqual([[9, '办理中']])
  })

  test('a reopened case is marked as such in its row', async () => {
    fake.route('GET /feedback/cases', [fb.page([fb.handlerListItem(9, { status: 'accepted', reopened: true, reply_due: '2026-12-09' })])])
    const page = loadPage('pages/feedback/handle')

    await page.onLoad({ status: 'accepted' })

    expect(page.data.items.map((item) => [item.reopened, item.dueText, item.submitterText])).toEqual([[true, '须于 12月9日 前答复', '张三']])
  })

  test('?status=closed opens that tab; more pages at the bottom', async () => {
    fake.routePages('GET /feedback/cases', [[fb.handlerListItem(1, { status: 'closed' })], [fb.handlerListItem(2, { status: 'closed' })]], (items, meta) =>
      fb.page(items, meta)
    )
    const page = loadPage('pages/feedback/handle')

    await page.onLoad({ status: 'closed' })
    await page.onReachBottom()

    expect(fake.requestsTo('GET /feedback/cases').map((call) => [call.data.status, call.data.page])).toEqual([
      ['closed', 1],
      ['closed', 2],
    ])
    expect(page.data.items.map((item) => item.id)).toEqual([1, 2])
  })

  test('back from a case handled: loaded again', async () => {
    fake.route('GET /feedback/cases', [fb.page([])])
    const { pages, modules } = loadPages(['pages/feedback/handle'], ['services/feedback'])
    await pages[0].onLoad({})

    await pages[0].onShow()
    expect(fake.requestsTo('GET /feedback/cases')).toHaveLength(1)
    modules[0].markChanged()
    await pages[0].onShow()
    expect(fake.requestsTo('GET /feedback/cases')).toHaveLength(2)
  })
})

describe('one case', () => {
  async function open(body = fb.handlerCaseBody()) {
    fake.route(`GET /feedback/cases/${body.id}`, [fb.ok(body)])
    const page = loadPage('pages/feedback/handle-case')
    await page.onLoad({ id: String(body.id) })
    return page
  }

  test('the case with its submitter and no events yet; 受理 only while submitted', async () => {
    const page = await open()

    expect(page.data.item).toMatchObject({ submitterText: '张三 · 本科生第一党支部', canAccept: true, canReply: false, canClose: false })
    expect(page.data.item.events).toEqual([])

    await page.sendReply()
    await page.close()
    expect(fake.requests.filter((call) => call.method === 'POST')).toEqual([])
  })

  test('an anonymous report: 匿名, the org and person reported on', async () => {
    const page = await open(
      fb.handlerCaseBody({ anonymous: true, submitter: null, kind: 'report', subject_org_name: '本科生第一党支部', subject_name: '王五' })
    )
    expect(page.data.item).toMatchObject({ submitterText: '匿名', kindLabel: '监督举报', subjectOrgName: '本科生第一党支部', subjectName: '王五' })
  })

  test('受理 moves it on', async () => {
    const page = await open()
    fake.route('POST /feedback/cases/41/accept', [
      fb.ok(
        fb.handlerCaseBody({
          status: 'accepted',
          accepted_on: '2026-11-24',
          events: [{ action: 'accept', at: '2026-11-24T12:30:00Z', by: '李书记' }],
        })
      ),
    ])

    await page.accept()

    expect(fake.requestsTo('POST /feedback/cases/41/accept')).toHaveLength(1)
    expect(page.data.item).toMatchObject({ status: 'accepted', canAccept: false, canReply: true, canClose: true })
    expect(page.data.item.events).toEqual([{ key: 'event-0', label: '受理', timeText: '11月24日 20:30', by: '李书记' }])
    expect(fake.wx.showToast).toHaveBeenCalledWith({ title: '已受理', icon: 'success' })
  })

  test('409 wrong_status (another handler first): told, and the case loaded again', async () => {
    const page = await open()
    fake.route('POST /feedback/cases/41/accept', [fixtures.apiError(409, 'wrong_status', '该反映已受理')])
    fake.route('GET /feedback/cases/41', [fb.ok(fb.handlerCaseBody({ status: 'accepted' }))])

    await page.accept()
    await settle()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法受理', content: '该反映已受理，已刷新为最新状态' }))
    expect(fake.requestsTo('GET /feedback/cases/41')).toHaveLength(2)
    expect(page.data.item.status).toBe('accepted')
    expect(page.data.busy).toBe('')
  })

  test('答复: needs text; sent; the reply listed and the box emptied', async () => {
    const page = await open(fb.handlerCaseBody({ status: 'accepted' }))
    fake.route('POST /feedback/cases/41/reply', [
      fb.ok(fb.handlerCaseBody({ status: 'replied', replies: [{ content: '已协调增加窗口', on: '2026-11-24' }] })),
    ])

    await page.sendReply()
    expect(page.data.replyError).toBe('请填写答复内容')

    page.onReplyInput(inputEvent('答'.repeat(2001)))
    await page.sendReply()
    expect(page.data.replyError).toBe('答复不能超过 2000 个字')
    expect(fake.requestsTo('POST /feedback/cases/41/reply')).toHaveLength(0)

    page.onReplyInput(inputEvent(' 已协调增加窗口 '))
    await page.sendReply()

    expect(fake.requestsTo('POST /feedback/cases/41/reply')[0].data).toEqual({ content: '已协调增加窗口' })
    expect(page.data.item.replies).toEqual([{ key: 'reply-0', content: '已协调增加窗口', dayText: '11月24日' }])
    expect(page.data).toMatchObject({ reply: '', replyCount: 0 })
  })

  test('422 content_flagged: the words shown by the reply, the text kept to rewrite', async () => {
    const page = await open(fb.handlerCaseBody({ status: 'accepted' }))
    fake.route('POST /feedback/cases/41/reply', [
      fixtures.apiError(422, 'content_flagged', '内容含有不当词语（赌博），请修改后再提交', { content: ['含有不当词语：赌博'] }),
    ])

    page.onReplyInput(inputEvent('含赌博的答复'))
    await page.sendReply()

    expect(page.data.replyError).toBe('内容含有不当词语（赌博），请修改后再提交')
    expect(page.data.reply).toBe('含赌博的答复')
  })

  test('403 forbidden (an auditor, who reads only): said in a dialog, nothing changed', async () => {
    const page = await open()
    fake.route('POST /feedback/cases/41/accept', [fixtures.apiError(403, 'forbidden', '只有承办人可以办理该反映')])

    await page.accept()

    expect(fake.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法受理', content: '只有承办人可以办理该反映' }))
    expect(page.data.item.status).toBe('submitted')
    expect(page.data.busy).toBe('')
  })

  test('422 validation_error on the text: said under it; the case gone meanwhile (404): said in its place', async () => {
    const page = await open(fb.handlerCaseBody({ status: 'accepted' }))
    fake.route('POST /feedback/cases/41/reply', [
      fixtures.apiError(422, 'validation_error', '输入数据有误', { content: ['长度不能超过 2000'] }),
      fixtures.apiError(404, 'not_found', '反映不存在'),
    ])
    page.onReplyInput(inputEvent('已协调增加窗口'))

    await page.sendReply()
    expect(page.data).toMatchObject({ replyError: '长度不能超过 2000', reply: '已协调增加窗口', busy: '' })
    expect(fake.wx.showModal).not.toHaveBeenCalled()

    await page.sendReply()
    expect(page.data).toMatchObject({ notFound: true, item: null, attachments: [], busy: '' })
  })

  test('the reason of a reopened case is shown', async () => {
    const page = await open(fb.handlerCaseBody({ status: 'accepted', reopened: true, reopen_reason: '窗口只增加了一天' }))
    expect(page.data.item).toMatchObject({ reopened: true, reopenReason: '窗口只增加了一天' })
  })

  test('办结 needs a reply (before or now), asks, and sends the text as the last reply', async () => {
    const page = await open(fb.handlerCaseBody({ status: 'accepted' }))
    fake.route('POST /feedback/cases/41/close', [fb.ok(fb.handlerCaseBody({ status: 'closed', closed_on: '2026-11-24' }))])

    await page.close()
    expect(page.data.replyError).toBe('办结前须至少答复一次，请填写答复内容')
    expect(fake.wx.showModal).not.toHaveBeenCalled()

    page.onReplyInput(inputEvent('问题已解决'))
    fake.answerModal(false)
    await page.close()
    expect(fake.wx.showModal.mock.calls[0][0].content).toContain('将发送填写的答复并办结')
    expect(fake.requestsTo('POST /feedback/cases/41/close')).toHaveLength(0)

    fake.answerModal(true)
    await page.close()
    expect(fake.requestsTo('POST /feedback/cases/41/close')[0].data).toEqual({ content: '问题已解决' })
    expect(page.data.item).toMatchObject({ status: 'closed', statusLabel: '已办结', canReply: false, canClose: false })
  })

  test('办结 after a reply needs no new text', async () => {
    const page = await open(fb.handlerCaseBody({ status: 'replied', replies: [{ content: '已处理', on: '2026-11-23' }] }))
    fake.route('POST /feedback/cases/41/close', [fb.ok(fb.handlerCaseBody({ status: 'closed' }))])

    await page.close()

    expect(fake.requestsTo('POST /feedback/cases/41/close')[0].data).toEqual({})
  })

  test('404: not a case the caller handles', async () => {
    fake.route('GET /feedback/cases/9', [fixtures.apiError(404, 'not_found', '不存在')])
    const page = loadPage('pages/feedback/handle-case')
    await page.onLoad({ id: '9' })

    expect(page.data).toMatchObject({ notFound: true, item: null })
  })

  test('no id: nothing asked', async () => {
    const page = loadPage('pages/feedback/handle-case')
    await page.onLoad({})
    expect(page.data.loadError).toBe('缺少要办理的反映')
    expect(fake.requests).toHaveLength(0)
  })

  test('an attachment is downloaded with the session from /feedback/cases/{id} and opened (an anonymous case too)', async () => {
    const page = await open(
      fb.handlerCaseBody({ anonymous: true, submitter: null, attachments: [{ id: 6, name: '附件1.pdf', size: 4096, content_type: 'application/pdf' }] })
    )
    controls.state.download = { statusCode: 200, tempFilePath: 'wxfile://tmp/6.pdf' }

    await page.openAttachment(tapEvent({ id: 6 }))

    const [options] = fake.wx.downloadFile.mock.calls[0]
    expect(options.url).toBe('http://127.0.0.1:5000/api/v1/feedback/cases/41/attachments/6')
    expect(options.header).toEqual({ Authorization: 'Bearer tok-1' })
    expect(fake.wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/6.pdf', fileType: 'pdf' }))
  })
})
