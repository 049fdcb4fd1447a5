// Bodies of the /feedback endpoints as server/feedback/views.py answers them (docs/feedback.md),
// for the feedback tests.

const RECEIPT = 'K7QM-2XWP-9D4R-H8TN'
// Case ids are random (docs/feedback.md Anonymity); an anonymous case's must appear in no URL its
// author's phone asks for.
const ANONYMOUS_ID = 58213907

// The submitter's view of a case.
function caseBody(overrides = {}) {
  return Object.assign(
    {
      id: 41,
      kind: 'suggestion',
      kind_label: '意见建议',
      title: '食堂排队时间过长',
      content: '午饭时间排队超过二十分钟，建议增加窗口。',
      anonymous: false,
      status: 'submitted',
      status_label: '待受理',
      review_status: 'published',
      submitted_on: '2026-11-20',
      accept_due: '2026-11-23',
      reply_due: '2026-12-05',
      accepted_on: null,
      closed_on: null,
      handler_org_name: '本科生第一党支部',
      subject_org_name: null,
      subject_name: null,
      replies: [],
      rating: null,
      rating_comment: null,
      can_rate: false,
      can_reopen: false,
      reopened: false,
      reopen_reason: null,
      attachments: [],
    },
    overrides
  )
}

// An anonymous case as its author sees it (by the receipt).
function anonymousBody(overrides = {}) {
  return caseBody(Object.assign({ id: ANONYMOUS_ID, anonymous: true }, overrides))
}

// The handler's view: the submitter's, with the submitter (null when anonymous), overdue
// ('accept' | 'reply' | null) and the handlers' events ([{ action, at, by }]).
function handlerCaseBody(overrides = {}) {
  const anonymous = !!overrides.anonymous
  return Object.assign(
    caseBody({
      submitter: anonymous ? null : { name: '张三', org_name: '本科生第一党支部' },
      overdue: null,
      events: [],
    }),
    overrides
  )
}

// A row of GET /feedback/mine: a submitter's view.
function listItem(id, overrides = {}) {
  return caseBody(Object.assign({ id, title: `反映 ${id}` }, overrides))
}

// A row of GET /feedback/cases: a handler's view.
function handlerListItem(id, overrides = {}) {
  return handlerCaseBody(Object.assign({ id, title: `反映 ${id}` }, overrides))
}

function page(items, { page = 1, pages = 1, perPage = 20 } = {}) {
  return { status: 200, body: { items, meta: { page, per_page: perPage, total: items.length, pages } } }
}

function ok(body, status = 200) {
  return { status, body }
}

// GET /feedback/subject-orgs.
function subjectOrgs() {
  return ok({
    items: [
      { id: 1, name: '某某大学党委', parent_id: null, type: 'committee' },
      { id: 2, name: '计算机学院党总支', parent_id: 1, type: 'general_branch' },
      { id: 3, name: '本科生第一党支部', parent_id: 2, type: 'branch' },
      { id: 5, name: '机关党总支', parent_id: 1, type: 'general_branch' },
    ],
  })
}

module.exports = { RECEIPT, ANONYMOUS_ID, caseBody, anonymousBody, handlerCaseBody, listItem, handlerListItem, page, ok, subjectOrgs }
