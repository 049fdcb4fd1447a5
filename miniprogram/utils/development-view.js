// How the development pages (pages/development/*) put the server's bodies into words: pure
// functions shared by the applicant's page, the record, the to-do, the step form and the approval
// page — the labels of roles, outcomes, actors and approving bodies, dates, and the views of a
// record's timeline, its next steps, the to-do's items and approvals, and one entry. The bodies
// are those of services/development.js, with the server's field names.

var time = require('./time')

var ROLE_LABELS = { talkers: '谈话人', contacts: '培养联系人', introducers: '入党介绍人' }
var ROLE_ORDER = ['talkers', 'contacts', 'introducers']

var OUTCOMES = [
  { value: 'full', label: '按期转正' },
  { value: 'extend', label: '延长预备期' },
  { value: 'cancel', label: '取消预备资格' },
]
var OUTCOME_LABELS = {}
OUTCOMES.forEach(function (outcome) {
  OUTCOME_LABELS[outcome.value] = outcome.label
})

var ACTOR_LABELS = { applicant: '申请人', branch: '党支部', superior: '上级党委' }
var APPROVER_LABELS = { branch_committee: '支部委员会', branch_assembly: '支部党员大会', base_committee: '基层党委' }

// The server sends state_label and status_label; these are the fallback.
var ENTRY_STATE_LABELS = {
  pending: '待审批',
  done: '已完成',
  rejected: '未通过',
  superseded: '已更正',
  closed: '延长预备期前的记录',
}

var VOTE_FIELDS = [
  { key: 'should_attend', label: '应到' },
  { key: 'present', label: '实到' },
  { key: 'yes', label: '赞成' },
  { key: 'no', label: '反对' },
  { key: 'abstain', label: '弃权' },
]

// '2026-03-01' (a calendar date, as the server sends dates) → '2026年3月1日'; '' otherwise.
// The year is always shown: a record spans years.
function dateText(value) {
  var match = typeof value === 'string' ? time.DATE_PATTERN.exec(value) : null
  if (!match) return ''
  return match[1] + '年' + Number(match[2]) + '月' + Number(match[3]) + '日'
}

function stepText(number) {
  return '第' + number + '步'
}

function names(people) {
  return (people || [])
    .map(function (person) {
      return typeof person === 'string' ? person : (person && person.name) || ''
    })
    .filter(Boolean)
    .join('、')
}

function numberText(value) {
  return typeof value === 'number' && !isNaN(value) ? String(value) : ''
}

// An entry's `details` → the lines the timeline shows under it.
function detailLines(details) {
  details = details || {}
  var lines = []
  var people = details.people || {}
  var roles = ROLE_ORDER.concat(
    Object.keys(people).filter(function (role) {
      return ROLE_ORDER.indexOf(role) === -1
    })
  )
  roles.forEach(function (role) {
    var text = names(people[role])
    if (text) lines.push((ROLE_LABELS[role] || '相关人员') + '：' + text)
  })
  var training = details.training
  if (training) {
    var parts = []
    if (numberText(training.days)) parts.push(training.days + ' 天')
    if (numberText(training.hours)) parts.push(training.hours + ' 学时')
    if (parts.length) lines.push('培训：' + parts.join('、'))
  }
  if (typeof details.review_passed === 'boolean') {
    lines.push('政治审查：' + (details.review_passed ? '合格' : '不合格'))
  }
  var votes = details.votes
  if (votes) {
    lines.push(
      '表决：' +
        VOTE_FIELDS.map(function (field) {
          return field.label + ' ' + (numberText(votes[field.key]) || '—')
        }).join('，')
    )
  }
  if (details.outcome) {
    var outcome = OUTCOME_LABELS[details.outcome] || details.outcome
    if (details.outcome === 'extend' && details.extension_months) outcome += '（' + details.extension_months + '个月）'
    lines.push('讨论结果：' + outcome)
  }
  if (details.special_reason) lines.push('特殊原因：' + details.special_reason)
  if (details.note) lines.push('备注：' + details.note)
  return lines
}

// "王书记 · 11月24日 20:00" of who did something and when; '' when nobody is named.
function byText(who, at, now) {
  if (!who) return ''
  var when = at ? time.formatBeijing(at, now) : ''
  return when ? who + ' · ' + when : who
}

// One entry of a record, for the timeline. `correctedBy` maps an entry id to the entry that
// corrects it, so that a superseded entry shows why.
function viewEntry(entry, correctedBy, now) {
  var state = entry.state || ''
  var correction = correctedBy && correctedBy[entry.id]
  var round = Number(entry.round) || 1
  return {
    id: entry.id,
    step: entry.step,
    stepText: stepText(entry.step),
    name: entry.name || '',
    roundText: round > 1 ? '第' + round + '轮' : '',
    state: state,
    stateLabel: entry.state_label || ENTRY_STATE_LABELS[state] || '',
    pending: state === 'pending',
    doneText: dateText(entry.done_on),
    recordedText: byText(entry.recorded_by, entry.recorded_at, now),
    decidedText: byText(entry.decided_by, entry.decided_at, now),
    decisionComment: entry.decision_comment || '',
    approverLabel: APPROVER_LABELS[entry.approver] || '',
    warnings: (entry.warnings || []).filter(Boolean),
    lines: detailLines(entry.details),
    // This entry was corrected by a later one: the reason given there.
    correctedReason: state === 'superseded' ? (correction && correction.correction_reason) || '' : '',
    // This entry corrects an earlier one.
    correction: !!entry.corrects_id,
    correctionReason: entry.corrects_id ? entry.correction_reason || '' : '',
  }
}

// The entries in the order they happened: by date, then step, then as the server sent them.
function viewEntries(entries, now) {
  var list = (entries || []).slice()
  var correctedBy = {}
  list.forEach(function (entry) {
    if (entry.corrects_id) correctedBy[entry.corrects_id] = entry
  })
  var order = list.map(function (entry, index) {
    return { entry: entry, index: index }
  })
  order.sort(function (a, b) {
    var dateA = a.entry.done_on || ''
    var dateB = b.entry.done_on || ''
    if (dateA !== dateB) return dateA < dateB ? -1 : 1
    if (a.entry.step !== b.entry.step) return a.entry.step - b.entry.step
    return a.index - b.index
  })
  return order.map(function (item) {
    return viewEntry(item.entry, correctedBy, now)
  })
}

// The deadline of an opening in words, by its kind: due (reminded, shown overdue), warn (later
// needs a stated special reason), hard (later is refused).
function deadlineNote(opening) {
  var deadline = dateText(opening.deadline)
  if (!deadline) return ''
  if (opening.deadline_kind === 'warn') return deadline + ' 之后办理须说明特殊原因'
  if (opening.deadline_kind === 'hard') return '最迟 ' + deadline
  return '期限 ' + deadline
}

// One opening of a record's `next`.
function viewOpening(opening) {
  var earliest = dateText(opening.earliest)
  var open = opening.open !== undefined ? !!opening.open : true
  var overdue = !!opening.overdue
  return {
    step: opening.step,
    stepText: stepText(opening.step),
    name: opening.name || '',
    open: open,
    overdue: overdue,
    recurring: !!opening.recurring,
    earliestText: earliest,
    whenText: open ? '可以办理' : earliest ? earliest + ' 起可以办理' : '',
    deadlineText: dateText(opening.deadline),
    deadlineNote: deadlineNote(opening),
    overdueText: overdue ? (opening.deadline_kind === 'warn' ? '已超期，须说明特殊原因' : '已超期') : '',
    actorLabel: ACTOR_LABELS[opening.actor] || '',
    approverLabel: APPROVER_LABELS[opening.approver] || '',
    applicantStep: opening.actor === 'applicant',
  }
}

function sortedOpenings(next) {
  return (next || []).slice().sort(function (a, b) {
    return a.step - b.step
  })
}

// A record (GET /development/records/{id} or /me) → what its pages show. The openings carry
// pendingEntryId when a submission of that step waits for its decision (nothing more can be
// recorded for it until then).
function viewRecord(body, now) {
  var person = body.person || {}
  var entries = viewEntries(body.entries, now)
  var pending = {}
  entries.forEach(function (entry) {
    if (entry.pending) pending[entry.step] = entry.id
  })
  var currentName = ''
  ;(body.entries || []).forEach(function (entry) {
    if (entry.step === body.current_step && entry.name) currentName = entry.name
  })
  return {
    id: body.id,
    personId: person.id,
    name: person.name || '',
    staffNo: person.staff_no || '',
    orgName: person.org_name || '',
    memberTypeLabel: person.member_type_label || '',
    stage: body.stage || '',
    stageLabel: body.stage_label || '',
    status: body.status || '',
    statusLabel: body.status_label || '',
    active: body.status === 'active',
    currentStep: body.current_step || 0,
    currentText: body.current_step ? stepText(body.current_step) + (currentName ? ' ' + currentName : '') : '',
    appliedText: dateText(body.applied_on),
    cohort: body.cohort || '',
    probationEndText: dateText(body.probation_end),
    extensionMonths: Number(body.extension_months) || 0,
    endedReason: body.ended_reason || '',
    canManage: !!body.can_manage,
    entries: entries,
    next: sortedOpenings(body.next).map(function (opening) {
      var view = viewOpening(opening)
      view.pendingEntryId = pending[opening.step] || 0
      return view
    }),
  }
}

// An item of the to-do's `items`: an opening with the person it is for (its `name` is theirs,
// the step's is `step_name`).
function viewTodoItem(item) {
  var view = viewOpening(Object.assign({}, item, { name: item.step_name, open: true, overdue: item.bucket === 'overdue' }))
  return Object.assign(view, {
    key: item.record_id + '-' + item.step,
    recordId: item.record_id,
    personName: item.name || '',
    orgName: item.org_name || '',
    bucket: item.bucket || '',
    whenText: item.earliest ? dateText(item.earliest) + ' 起可以办理' : '',
  })
}

// An item of the to-do's `approvals` (a submission waiting for the caller's decision).
function viewApproval(approval, now) {
  return {
    entryId: approval.entry_id,
    recordId: approval.record_id,
    personName: approval.name || '',
    orgName: approval.org_name || '',
    step: approval.step,
    stepText: stepText(approval.step),
    name: approval.step_name || '',
    approverLabel: approval.approver_label || APPROVER_LABELS[approval.approver] || '',
    doneOn: approval.done_on || '',
    doneText: dateText(approval.done_on),
    recordedText: byText(approval.recorded_by, approval.recorded_at, now),
    lines: detailLines(approval.details),
    warnings: (approval.warnings || []).filter(Boolean),
  }
}

// One entry (GET /development/entries/{id}) as the approval page shows it: the applicant, the
// step and its facts, and — when the caller may not decide it (canDecide false) — why: decided
// already (stateLabel, decidedText, decisionComment), or pending for a body the caller does not
// represent (blockedText names it).
function viewEntryDetail(body, now) {
  var person = body.person || {}
  var state = body.state || ''
  var stateLabel = body.state_label || ENTRY_STATE_LABELS[state] || ''
  var approverLabel = body.approver_label || APPROVER_LABELS[body.approver] || ''
  var pending = state === 'pending'
  var canDecide = !!body.can_decide
  var blockedText = ''
  if (!canDecide) {
    blockedText = pending
      ? '这一步须由' + (approverLabel || '审批机构') + '审批'
      : '这一步已处理' + (stateLabel ? '（' + stateLabel + '）' : '')
  }
  return {
    entryId: body.id,
    recordId: body.record_id,
    personName: person.name || '',
    orgName: person.org_name || '',
    step: body.step,
    stepText: stepText(body.step),
    name: body.name || '',
    approverLabel: approverLabel,
    doneOn: body.done_on || '',
    doneText: dateText(body.done_on),
    recordedText: byText(body.recorded_by, body.recorded_at, now),
    lines: detailLines(body.details),
    warnings: (body.warnings || []).filter(Boolean),
    state: state,
    stateLabel: stateLabel,
    pending: pending,
    canDecide: canDecide,
    blockedText: blockedText,
    decidedText: pending ? '' : byText(body.decided_by, body.decided_at, now),
    decisionComment: pending ? '' : body.decision_comment || '',
  }
}

module.exports = {
  ROLE_LABELS: ROLE_LABELS,
  ROLE_ORDER: ROLE_ORDER,
  OUTCOMES: OUTCOMES,
  OUTCOME_LABELS: OUTCOME_LABELS,
  ACTOR_LABELS: ACTOR_LABELS,
  APPROVER_LABELS: APPROVER_LABELS,
  VOTE_FIELDS: VOTE_FIELDS,
  dateText: dateText,
  stepText: stepText,
  detailLines: detailLines,
  byText: byText,
  viewEntry: viewEntry,
  viewEntries: viewEntries,
  viewOpening: viewOpening,
  viewRecord: viewRecord,
  viewTodoItem: viewTodoItem,
  viewApproval: viewApproval,
  viewEntryDetail: viewEntryDetail,
}
