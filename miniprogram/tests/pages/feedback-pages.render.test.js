/**
 * @jest-environment jsdom
 */
// Renders the real templates of the feedback pages (pages/feedback/new, mine, case, handle,
// handle-case) and the 我的 page's entries, compiled by the official wcc through
// miniprogram-simulate, each page adapted to Component() (tests/helpers/render.js). The logic is
// tested in feedback-*.test.js; here: that what the logic sets is what the member sees.

const { signedInEachTest, settle } = require('../helpers/wx')
const { installCheckinWx } = require('../helpers/checkin-wx')
const { inputEvent } = require('../helpers/page')
const { pageRenderer, texts } = require('../helpers/render')
const fixtures = require('../helpers/fixtures')
const fb = require('./feedback-fixtures')

const render = pageRenderer(['new', 'mine', 'case', 'handle', 'handle-case'], (name) => `pages/feedback/${name}`)
const renderMe = pageRenderer(['me'], () => 'pages/me/index')
// 2026-11-24 20:30 in Beijing.
const fake = signedInEachTest(Date.UTC(2026, 10, 24, 12, 30))

// The services module the rendered pages were loaded with (before any test reset the registry):
// the one a page hands an anonymous case over through.
let feedback
beforeAll(() => {
  feedback = require('../../services/feedback')
})

beforeEach(() => {
  installCheckinWx(fake)
  fake.wx.setClipboardData = jest.fn((options) => setTimeout(() => options.success && options.success({}), 0))
})

async function tap(node) {
  node.dispatchEvent('tap')
  await settle(2)
}

describe('我要反映', () => {
  test('the kinds; a report adds the org picker and the person; the anonymity explanation with the switch', async () => {
    fake.route('GET /feedback/subject-orgs', [fb.subjectOrgs()])
    const comp = render('new')

    expect(texts(comp, '.new-kind')).toEqual(['意见建议', '监督举报', '求助'])
    expect(comp.querySelector('.new-report')).toBeFalsy()
    expect(comp.querySelector('.new-named-note').dom.textContent).toContain('实名提交')
    expect(comp.querySelector('.new-submit').dom.textContent).toBe('提交')

    await tap(comp.querySelectorAll('.new-kind')[1])
    expect(texts(comp, '.new-kind-active')).toEqual(['监督举报'])
    expect(comp.querySelector('.new-kind-hint').dom.textContent).toContain('不会送交被反映的组织')
    expect(comp.querySelector('.new-org').dom.textContent).toBe('请选择（4 个组织）')
    comp.instance.onOrgQuery(inputEvent('本科'))
    comp.instance.pickOrg(inputEvent('0'))
    expect(comp.querySelector('.new-org').dom.textContent).toBe('计算机学院党总支 / 本科生第一党支部')
    expect(comp.querySelector('.new-subject-name')).toBeTruthy()

    expect(comp.querySelector('.new-add-files').dom.textContent).toBe('添加照片或 PDF')
    expect(comp.querySelector('.new-files-anonymous')).toBeFalsy()

    comp.instance.toggleAnonymous(inputEvent(true))
    const note = comp.querySelector('.new-anonymous-note').dom.textContent
    expect(note).toContain('只保留提交的日期')
    expect(note).toContain('凭证码丢失后')
    expect(note).toContain('监督举报无法单独答复你本人')
    expect(comp.querySelector('.new-submit').dom.textContent).toBe('匿名提交')
    // Photos only, and why.
    expect(comp.querySelector('.new-add-files').dom.textContent).toBe('添加照片')
    expect(comp.querySelector('.new-files-hint').dom.textContent).toContain('仅限照片')
    expect(comp.querySelector('.new-files-anonymous').dom.textContent).toContain('PDF 文件里通常记有作者姓名')
  })

  test('a PDF chosen, then anonymous: said by the files', async () => {
    const comp = render('new')
    fake.wx.showActionSheet = jest.fn((options) => options.success({ tapIndex: 1 }))
    fake.wx.chooseMessageFile = jest.fn((options) => options.success({ tempFiles: [{ path: 'wxfile://tmp/a.pdf', name: '说明.pdf' }] }))
    await comp.instance.addFiles()

    comp.instance.toggleAnonymous(inputEvent(true))
    await settle()

    expect(texts(comp, '.new-file-name')).toEqual(['说明.pdf'])
    expect(comp.querySelector('.new-error-files').dom.textContent).toBe('匿名反映不能附 PDF 文件，请移除 PDF 或改为实名提交')
  })

  test('the counters, and the messages by their fields', async () => {
    const comp = render('new')

    comp.instance.onTitleInput(inputEvent('食堂'))
    await comp.instance.submit()

    expect(comp.querySelector('.new-count-title').dom.textContent).toBe('2/50')
    expect(comp.querySelector('.new-count-content').dom.textContent).toBe('0/2000')
    expect(comp.querySelector('.new-error-kind').dom.textContent).toBe('请选择反映类型')
    expect(comp.querySelector('.new-error-content').dom.textContent).toBe('请输入内容')
    expect(comp.querySelector('.new-error-title')).toBeFalsy()
  })

  test('after an anonymous submit: the receipt large, 复制, 保存在本机 off, the warning', async () => {
    fake.route('POST /feedback', [{ status: 201, body: { case: fb.anonymousBody({ review_status: 'pending' }), receipt: 'K7QM2XWP9D4RH8TN' } }])
    const comp = render('new')
    await tap(comp.querySelectorAll('.new-kind')[0])
    comp.instance.onTitleInput(inputEvent('食堂排队时间过长'))
    comp.instance.onContentInput(inputEvent('建议增加窗口'))
    comp.instance.toggleAnonymous(inputEvent(true))

    await comp.instance.submit()

    expect(comp.querySelector('.new-submit')).toBeFalsy()
    expect(comp.querySelector('.new-receipt').dom.textContent).toBe('K7QM-2XWP-9D4R-H8TN')
    expect(comp.querySelector('.new-receipt-warning').dom.textContent).toContain('只显示这一次')
    expect(comp.querySelector('.new-review-note').dom.textContent).toContain('审核通过后才会送交办理')
    expect(comp.querySelector('.new-save-note').dom.textContent).toContain('默认不保存')
    expect(comp.querySelector('.new-copy').dom.textContent).toBe('复制凭证码')

    await tap(comp.querySelector('.new-copy'))
    expect(fake.wx.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'K7QM-2XWP-9D4R-H8TN' }))
    expect(comp.querySelector('.new-copy').dom.textContent).toBe('已复制')
    expect(fake.storage.feedbackReceipts).toBeUndefined()
  })
})

describe('我的反映', () => {
  test('the lookup box, the kept receipts and the named cases', async () => {
    fake.storage.feedbackReceipts = JSON.stringify(['AAAA-BBBB-CCCC-DDDD'])
    fake.route('GET /feedback/mine', [fb.page([fb.listItem(42, { status: 'replied', title: '宿舍网络' })])])
    fake.route('POST /feedback/lookup', [fb.ok(fb.anonymousBody({ title: '匿名建议', review_status: 'pending' }))])
    const comp = render('mine')

    await comp.instance.onLoad()

    expect(comp.querySelector('.mine-lookup-hint').dom.textContent).toContain('凭证码')
    expect(texts(comp, '.mine-saved-receipt')).toEqual(['AAAA-BBBB-CCCC-DDDD'])
    expect(texts(comp, '.mine-saved-title')).toEqual(['匿名建议'])
    expect(texts(comp, '.mine-saved .fb-review')).toEqual(['审核中'])
    expect(texts(comp, '.mine-saved-remove')).toEqual(['从本机移除'])
    expect(texts(comp, '.mine-title')).toEqual(['宿舍网络'])
    expect(texts(comp, '.mine-state')).toEqual(['已答复'])
    expect(comp.dom.textContent).toContain('没有更多了')

    comp.instance.onLookupInput(inputEvent('abc'))
    await comp.instance.lookup()
    expect(comp.querySelector('.mine-lookup-error').dom.textContent).toBe('凭证码应为 16 位字母和数字')
  })

  test('nothing yet', async () => {
    fake.route('GET /feedback/mine', [fb.page([])])
    const comp = render('mine')

    await comp.instance.onLoad()

    expect(comp.querySelector('.mine-saved')).toBeFalsy()
    expect(comp.querySelector('.mine-empty').dom.textContent).toBe('还没有实名提交的反映')
  })
})

describe('反映详情', () => {
  test('a named case answered: facts, replies, the rating form and the reopen link', async () => {
    fake.route('GET /feedback/mine/41', [
      fb.ok(
        fb.caseBody({
          status: 'replied',
          accepted_on: '2026-11-21',
          replies: [{ content: '已协调增加两个窗口', on: '2026-11-23' }],
          attachments: [{ id: 5, name: '现场.jpg', size: 2048, content_type: 'image/jpeg' }],
          can_rate: true,
          can_reopen: true,
        })
      ),
    ])
    const comp = render('case')

    await comp.instance.onLoad({ id: '41' })

    expect(comp.querySelector('.case-state').dom.textContent).toBe('已答复')
    expect(comp.querySelector('.case-submitted').dom.textContent).toBe('11月20日')
    expect(comp.querySelector('.case-accepted').dom.textContent).toBe('11月21日')
    expect(comp.querySelector('.case-reply-due').dom.textContent).toBe('12月5日前')
    expect(texts(comp, '.case-reply .fb-reply-content')).toEqual(['已协调增加两个窗口'])
    expect(texts(comp, '.case-reply .fb-reply-day')).toEqual(['11月23日'])
    expect(texts(comp, '.case-attachment .fb-attachment-name')).toEqual(['现场.jpg'])
    expect(comp.querySelector('.case-attachment-listed')).toBeFalsy()
    expect(comp.querySelector('.case-attachments-note')).toBeFalsy()
    expect(comp.querySelector('.case-receipt-card')).toBeFalsy()
    expect(comp.querySelector('.case-rate')).toBeTruthy()
    expect(comp.querySelectorAll('.case-star-pick')).toHaveLength(5)
    expect(comp.querySelector('.case-reason')).toBeFalsy()

    await tap(comp.querySelectorAll('.case-star-pick')[2])
    expect(comp.querySelectorAll('.case-star-pick.case-star-on')).toHaveLength(3)
    expect(comp.querySelector('.case-score').dom.textContent).toBe('3 星')

    await tap(comp.querySelector('.case-reopen-toggle'))
    expect(comp.querySelector('.case-reason')).toBeTruthy()
    expect(comp.querySelector('.case-reopen').dom.textContent).toContain('只能申请一次')
  })

  test('an anonymous case held for review: the note, 匿名, the receipt with 复制 and 保存在本机; no rating yet', async () => {
    const comp = render('case')
    feedback.holdCase('K7QM-2XWP-9D4R-H8TN', fb.anonymousBody({ review_status: 'pending', accept_due: null, reply_due: null }))

    await comp.instance.onLoad({})

    expect(comp.querySelector('.case-review-note').dom.textContent).toContain('审核通过后才会送交办理')
    expect(comp.querySelector('.case-review').dom.textContent).toBe('审核中')
    expect(comp.querySelector('.case-anonymous').dom.textContent).toBe('匿名')
    expect(comp.querySelector('.case-receipt').dom.textContent).toBe('K7QM-2XWP-9D4R-H8TN')
    expect(comp.querySelector('.case-accept-due')).toBeFalsy()
    expect(comp.querySelector('.case-no-reply').dom.textContent).toBe('尚未答复')
    expect(comp.querySelector('.case-rate')).toBeFalsy()
    expect(comp.querySelector('.case-reopen')).toBeFalsy()
  })

  test('an anonymous case: its attachments listed by name and size, not opened; pictures only to add, and why', async () => {
    const comp = render('case')
    feedback.holdCase(
      'K7QM-2XWP-9D4R-H8TN',
      fb.anonymousBody({ submitted_on: '2026-11-24', attachments: [{ id: 7, name: '附件1.jpg', size: 2048, content_type: 'image/jpeg' }] })
    )

    await comp.instance.onLoad({})

    expect(texts(comp, '.case-attachment-listed .fb-attachment-name')).toEqual(['附件1.jpg'])
    expect(texts(comp, '.case-attachment-listed .fb-attachment-size')).toEqual(['2 KB'])
    expect(comp.querySelector('.case-attachments-note').dom.textContent).toBe('匿名反映的附件只有办理人可以打开查看')
    await tap(comp.querySelector('.case-attachment'))
    expect(fake.wx.downloadFile).not.toHaveBeenCalled()
    expect(comp.querySelector('.case-files-note').dom.textContent).toContain('不能附 PDF')
    expect(comp.querySelector('.case-add-files').dom.textContent).toBe('补充照片')
  })

  test('a rating given shows its stars', async () => {
    fake.route('GET /feedback/mine/41', [fb.ok(fb.caseBody({ status: 'closed', closed_on: '2026-11-24', rating: 4, rating_comment: '满意' }))])
    const comp = render('case')

    await comp.instance.onLoad({ id: '41' })

    expect(comp.querySelectorAll('.case-rated .case-star-on')).toHaveLength(4)
    expect(comp.querySelector('.case-rating-comment').dom.textContent).toBe('满意')
    expect(comp.querySelector('.case-closed').dom.textContent).toBe('11月24日')
    expect(comp.querySelector('.case-reply-due')).toBeFalsy()
  })
})

describe('反映办理', () => {
  test('the tabs; overdue rows in red', async () => {
    fake.route('GET /feedback/cases', [
      fb.page([
        fb.handlerListItem(7, { accept_due: '2026-11-22', overdue: 'accept' }),
        fb.handlerListItem(8, { anonymous: true, submitter: null, accept_due: '2026-11-26' }),
        fb.handlerListItem(9, { status: 'accepted', reopened: true, reply_due: '2026-12-09' }),
      ]),
    ])
    const comp = render('handle')

    await comp.instance.onLoad({})

    expect(texts(comp, '.handle-tab')).toEqual(['待受理', '办理中', '已答复', '已办结'])
    expect(texts(comp, '.handle-tab-active')).toEqual(['待受理'])
    expect(texts(comp, '.handle-submitter')).toEqual(['张三', '匿名', '张三'])
    expect(texts(comp, '.handle-due')).toEqual(['受理已超期 2 天', '须于 11月26日 前受理', '须于 12月9日 前答复'])
    expect(texts(comp, '.handle-reopened')).toEqual(['重新办理'])
    expect(texts(comp, '.handle-overdue')).toEqual(['受理已超期 2 天'])
    expect(comp.querySelectorAll('.handle-item-overdue')).toHaveLength(1)

    fake.route('GET /feedback/cases', [fb.page([])])
    await tap(comp.querySelectorAll('.handle-tab')[3])
    expect(texts(comp, '.handle-tab-active')).toEqual(['已办结'])
    expect(comp.querySelector('.handle-empty').dom.textContent).toBe('暂无反映')
  })

  test('a submitted case offers 受理 only; an accepted one the reply form with 办结', async () => {
    fake.route('GET /feedback/cases/41', [fb.ok(fb.handlerCaseBody())])
    const comp = render('handle-case')

    await comp.instance.onLoad({ id: '41' })

    expect(comp.querySelector('.hcase-submitter').dom.textContent).toBe('张三 · 本科生第一党支部')
    expect(comp.querySelector('.hcase-due').dom.textContent).toBe('受理已超期 1 天')
    expect(comp.querySelector('.hcase-overdue')).toBeTruthy()
    expect(comp.querySelector('.hcase-accept').dom.textContent).toBe('受理')
    expect(comp.querySelector('.hcase-form')).toBeFalsy()
    expect(comp.querySelector('.hcase-events')).toBeFalsy()

    fake.route('POST /feedback/cases/41/accept', [
      fb.ok(
        fb.handlerCaseBody({
          status: 'accepted',
          accepted_on: '2026-11-24',
          events: [{ action: 'accept', at: '2026-11-24T12:30:00Z', by: '李书记' }],
        })
      ),
    ])
    await tap(comp.querySelector('.hcase-accept'))
    expect(comp.querySelector('.hcase-accept')).toBeFalsy()
    expect(texts(comp, '.hcase-event-label')).toEqual(['受理'])
    expect(texts(comp, '.hcase-event-by')).toEqual(['李书记'])
    expect(comp.querySelector('.hcase-state').dom.textContent).toBe('办理中')
    expect(comp.querySelector('.hcase-send').dom.textContent).toBe('发送答复')
    expect(comp.querySelector('.hcase-close').dom.textContent).toBe('办结')

    fake.route('POST /feedback/cases/41/reply', [
      fixtures.apiError(422, 'content_flagged', '内容含有不当词语（赌博），请修改后再提交', { content: ['含有不当词语：赌博'] }),
    ])
    comp.instance.onReplyInput(inputEvent('含赌博'))
    await comp.instance.sendReply()
    expect(comp.querySelector('.hcase-reply-error').dom.textContent).toBe('内容含有不当词语（赌博），请修改后再提交')
  })

  test('an anonymous case says 匿名; a reopened one why', async () => {
    fake.route('GET /feedback/cases/41', [
      fb.ok(fb.handlerCaseBody({ anonymous: true, submitter: null, status: 'closed', reopened: true, reopen_reason: '窗口只增加了一天' })),
    ])
    const comp = render('handle-case')

    await comp.instance.onLoad({ id: '41' })

    expect(comp.querySelector('.hcase-submitter').dom.textContent).toBe('匿名')
    expect(comp.querySelector('.hcase-reopened').dom.textContent).toBe('提交人已申请重新办理：窗口只增加了一天')
    expect(comp.querySelector('.hcase-accept')).toBeFalsy()
    expect(comp.querySelector('.hcase-form')).toBeFalsy()
  })
})

describe('我的', () => {
  test('我要反映 and 我的反映 for everyone; 反映办理 with its count for a handler', async () => {
    fake.route('GET /feedback/handling', [fb.ok({ handles: false, open: 0 }), fb.ok({ handles: true, open: 4 })])
    const comp = renderMe('me')

    await comp.instance.onShow()
    expect(comp.querySelector('.me-feedback-new').dom.textContent).toContain('我要反映')
    expect(comp.querySelector('.me-feedback-mine').dom.textContent).toContain('我的反映')
    expect(comp.querySelector('.me-feedback-handle')).toBeFalsy()

    await comp.instance.onShow()
    expect(comp.querySelector('.me-feedback-handle').dom.textContent).toContain('反映办理')
    expect(comp.querySelector('.me-feedback-open').dom.textContent).toBe('4')

    await tap(comp.querySelector('.me-feedback-handle'))
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/feedback/handle' })
  })
})
