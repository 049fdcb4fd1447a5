// 记录发展步骤: the form for one step of a record (?record=<record id>&step=<number>), as the rules
// (GET /development/rules) say the step needs: the date it was done, and — per step — the people
// it names (谈话人, 培养联系人, 入党介绍人: found by a search of the full members in the caller's
// scope), the training days and class hours (集中培训), the political review's verdict (政治审查),
// the branch assembly's vote (应到/实到/赞成/反对/弃权), the outcome of the discussion on full
// membership (按期转正 / 延长预备期 with 6–12 months / 取消预备资格), a special reason (needed when
// a step is later than the rules allow without one) and a note.
//
// One idempotency key is made when the form opens and sent with every attempt, so a retry after a
// lost answer gets the first entry back instead of recording the step twice. When the server
// refuses (422: the rule and the date in its message; 409; 403) the message is shown in a dialog
// and the form is kept as it was.

var development = require('../../../services/development')
var developmentView = require('../../../utils/development-view')
var checkinQueue = require('../../../utils/checkin-queue')
var adminText = require('../../../utils/meeting-admin')
var meetingView = require('../../../utils/meeting-view')
var modal = require('../../../utils/modal')
var time = require('../../../utils/time')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

var SPECIAL_REASON_MAX = 300
var NOTE_MAX = 1000

// The extension of a probation when the rules do not say (docs/development.md: 6–12 months).
var DEFAULT_EXTENSION = { min_months: 6, max_months: 12 }

// Training figures as typed: a non-negative number, with up to one decimal place ('3', '2.5');
// '' when left empty, NaN when not a number.
function parseAmount(text) {
  var trimmed = String(text === undefined || text === null ? '' : text).trim()
  if (!trimmed) return ''
  return /^\d{1,4}(\.\d)?$/.test(trimmed) ? Number(trimmed) : NaN
}

function countText(min, max) {
  return min === max ? min + '名' : min + '至' + max + '名'
}

// The people roles of a step rule, as the form keeps them.
function rolesOf(rule) {
  var people = (rule && rule.people) || {}
  var roles = developmentView.ROLE_ORDER.filter(function (role) {
    return people[role]
  }).concat(
    Object.keys(people).filter(function (role) {
      return developmentView.ROLE_ORDER.indexOf(role) === -1
    })
  )
  return roles.map(function (role) {
    var min = Number(people[role].min) || 0
    var max = Number(people[role].max) || min
    return {
      role: role,
      label: developmentView.ROLE_LABELS[role] || '相关人员',
      min: min,
      max: max,
      countText: countText(min, max),
      fullMembers: !!people[role].full_members,
      selected: [],
      query: '',
      results: [],
      searching: false,
      searched: false,
    }
  })
}

function monthOptions(extension) {
  extension = extension || DEFAULT_EXTENSION
  var min = Number(extension.min_months) || DEFAULT_EXTENSION.min_months
  var max = Number(extension.max_months) || DEFAULT_EXTENSION.max_months
  var months = []
  for (var m = min; m <= max; m += 1) months.push(m)
  return months
}

// The form's fields for a step rule and the record it is recorded in.
function formFor(rule, ruleSet, record, now) {
  var months = monthOptions(ruleSet && ruleSet.extension)
  var opening = (record.next || []).filter(function (item) {
    return item.step === rule.number
  })[0]
  var training = rule.training || null
  var person = record.person || {}
  return {
    step: {
      number: rule.number,
      stepText: developmentView.stepText(rule.number),
      name: rule.name || '',
      actorLabel: rule.actor_label || developmentView.ACTOR_LABELS[rule.actor] || '',
      approverLabel: rule.approver ? rule.approver_label || developmentView.APPROVER_LABELS[rule.approver] || '' : '',
    },
    opening: opening ? developmentView.viewOpening(opening) : null,
    person: { id: person.id, name: person.name || '', orgName: person.org_name || '' },
    rulesNote:
      ruleSet && record.rules_version && ruleSet.version && record.rules_version !== ruleSet.version
        ? '该档案按' + record.rules_version + '版规则办理，表单按当前规则（' + ruleSet.version + '版）显示，以提交后的校验为准'
        : '',
    today: time.today(now),
    roles: rolesOf(rule),
    hasTraining: !!training,
    trainingHint: training ? '不少于' + training.days + '天或' + training.hours + '学时' : '',
    hasReview: !!rule.review,
    hasVote: !!rule.vote,
    hasOutcome: !!rule.outcome,
    months: months,
    monthLabels: months.map(function (m) {
      return m + '个月'
    }),
  }
}

// What the phone can tell before asking the server: { field: message }.
function validate(data) {
  var fieldErrors = {}
  if (!data.doneOn) fieldErrors.doneOn = '请选择办理日期'
  else if (data.doneOn > data.today) fieldErrors.doneOn = '日期不能晚于今天'

  data.roles.forEach(function (role) {
    var n = role.selected.length
    if (n < role.min || n > role.max) fieldErrors[role.role] = role.label + '须为' + role.countText + '（现为' + n + '名）'
  })

  if (data.hasTraining) {
    var days = parseAmount(data.trainingDays)
    var hours = parseAmount(data.trainingHours)
    if (days === '' && hours === '') fieldErrors.training = '请填写培训天数或学时'
    else if ((days !== '' && isNaN(days)) || (hours !== '' && isNaN(hours))) fieldErrors.training = '培训天数和学时应为数字（最多一位小数）'
  }

  if (data.hasVote) {
    var counts = developmentView.VOTE_FIELDS.map(function (field) {
      return adminText.parseCount(data.votes[field.key])
    })
    if (counts.some(isNaN)) fieldErrors.votes = '请填写表决人数（应到、实到、赞成、反对、弃权，均为整数）'
    else if (counts[0] < 1) fieldErrors.votes = '应到人数至少为1'
  }

  if (data.hasOutcome) {
    if (!data.outcome) fieldErrors.outcome = '请选择讨论结果'
    else if (data.outcome === 'extend' && !(data.monthIndex >= 0 && data.monthIndex < data.months.length)) {
      fieldErrors.outcome = '请选择延长的月数'
    }
  }

  if (meetingView.charCount(data.specialReason.trim()) > SPECIAL_REASON_MAX) {
    fieldErrors.specialReason = '特殊原因不能超过' + SPECIAL_REASON_MAX + '字'
  }
  if (meetingView.charCount(data.note.trim()) > NOTE_MAX) fieldErrors.note = '备注不能超过' + NOTE_MAX + '字'
  return fieldErrors
}

// The request body of a valid form (POST /development/records/{id}/entries).
function bodyOf(data, key) {
  var body = { step: data.step.number, done_on: data.doneOn, key: key }
  if (data.roles.length) {
    body.people = {}
    data.roles.forEach(function (role) {
      body.people[role.role] = role.selected.map(function (person) {
        return person.id
      })
    })
  }
  if (data.hasTraining) {
    var training = {}
    var days = parseAmount(data.trainingDays)
    var hours = parseAmount(data.trainingHours)
    if (days !== '') training.days = days
    if (hours !== '') training.hours = hours
    body.training = training
  }
  if (data.hasReview) body.review_passed = !!data.reviewPassed
  if (data.hasVote) {
    body.votes = {}
    developmentView.VOTE_FIELDS.forEach(function (field) {
      body.votes[field.key] = adminText.parseCount(data.votes[field.key])
    })
  }
  if (data.hasOutcome) {
    body.outcome = data.outcome
    if (data.outcome === 'extend') body.extension_months = data.months[data.monthIndex]
  }
  var specialReason = data.specialReason.trim()
  if (specialReason) body.special_reason = specialReason
  var note = data.note.trim()
  if (note) body.note = note
  return body
}

// "赞成票须达到 N 票方为通过": more than half of those who should attend.
function passText(shouldAttend) {
  var should = adminText.parseCount(shouldAttend)
  if (isNaN(should) || should < 1) return ''
  return '赞成票须达到 ' + (Math.floor(should / 2) + 1) + ' 票（超过应到人数的半数）方为通过'
}

// The message of a refusal: the server's (it names the rule and the date); for a validation error
// of the request's shape, with the first field message.
function refusalText(error) {
  var text = errors.userMessage(error)
  if (error && error.code === 'validation_error') {
    var first = adminText.firstMessage(error.errors)
    if (first) text += '：' + first
  }
  return text
}

var REFUSAL_STATUSES = [403, 404, 409, 422]

// The update that clears a field's message.
function cleared(field) {
  var update = {}
  update['fieldErrors.' + field] = ''
  return update
}

function emptyVotes() {
  var votes = {}
  developmentView.VOTE_FIELDS.forEach(function (field) {
    votes[field.key] = ''
  })
  return votes
}

Page({
  data: {
    specialReasonMax: SPECIAL_REASON_MAX,
    noteMax: NOTE_MAX,
    voteFields: developmentView.VOTE_FIELDS,
    outcomes: developmentView.OUTCOMES,

    recordId: '',
    loading: true,
    loadError: '',
    ready: false,

    step: null,
    opening: null,
    person: null,
    rulesNote: '',
    today: '',

    doneOn: '',
    roles: [],
    hasTraining: false,
    trainingHint: '',
    trainingDays: '',
    trainingHours: '',
    hasReview: false,
    reviewPassed: false,
    hasVote: false,
    votes: emptyVotes(),
    passText: '',
    hasOutcome: false,
    outcome: '',
    months: [],
    monthLabels: [],
    monthIndex: 0,
    specialReason: '',
    note: '',

    fieldErrors: {},
    submitting: false,
    submitted: false,
  },

  onLoad: function (query) {
    query = query || {}
    // Once per form: every attempt to send it carries this key.
    this.key = checkinQueue.newIdempotencyKey()
    var recordId = query.record ? String(query.record) : ''
    var stepNumber = Number(query.step) || 0
    this.stepNumber = stepNumber
    this.setData({ recordId: recordId })
    if (!recordId || !stepNumber) {
      this.setData({ loading: false, loadError: '缺少发展档案或步骤' })
      return Promise.resolve()
    }
    return this.load()
  },

  // The rules and the record. Never rejects.
  load: function () {
    var page = this
    page.setData({ loading: true, loadError: '' })
    return Promise.all([development.rules(), development.record(page.data.recordId)]).then(
      function (results) {
        var rule = development.stepRule(results[0], page.stepNumber)
        if (!rule) {
          page.setData({ loading: false, loadError: '没有第' + page.stepNumber + '步' })
          return
        }
        var form = formFor(rule, results[0], results[1], Date.now())
        form.loading = false
        form.ready = true
        page.setData(form)
      },
      function (error) {
        page.setData({ loading: false, loadError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  pickDate: function (event) {
    this.setData(Object.assign({ doneOn: event.detail.value }, cleared('doneOn')))
  },

  // -- people -----------------------------------------------------------------------------
  onQueryInput: function (event) {
    var index = Number(event.currentTarget.dataset.roleIndex)
    if (!this.data.roles[index]) return
    var update = {}
    update['roles[' + index + '].query'] = event.detail.value
    this.setData(update)
  },

  // The full members whose name or staff number starts with the query; the applicant is left
  // out. A later search of the same role replaces an earlier one still on its way.
  search: function (event) {
    var page = this
    var index = Number(event.currentTarget.dataset.roleIndex)
    var role = page.data.roles[index]
    if (!role) return Promise.resolve()
    var query = String(role.query || '').trim()
    var prefix = 'roles[' + index + '].'
    var update = {}
    if (!query) {
      update[prefix + 'results'] = []
      update[prefix + 'searched'] = false
      page.setData(update)
      return Promise.resolve()
    }
    page.searches = page.searches || {}
    var generation = (page.searches[index] || 0) + 1
    page.searches[index] = generation
    update[prefix + 'searching'] = true
    page.setData(update)
    var applicantId = page.data.person && page.data.person.id
    return development.searchPeople(query).then(
      function (people) {
        if (page.searches[index] !== generation) return
        var done = {}
        done[prefix + 'searching'] = false
        done[prefix + 'searched'] = true
        done[prefix + 'results'] = people
          .filter(function (person) {
            return person.id !== applicantId
          })
          .map(function (person) {
            return { id: person.id, name: person.name, staffNo: person.staff_no, orgName: person.org_name }
          })
        page.setData(done)
      },
      function (error) {
        if (page.searches[index] !== generation) return
        var failed = {}
        failed[prefix + 'searching'] = false
        page.setData(failed)
        feedback.showError(error)
      }
    )
  },

  addPerson: function (event) {
    var roleIndex = Number(event.currentTarget.dataset.roleIndex)
    var index = Number(event.currentTarget.dataset.index)
    var role = this.data.roles[roleIndex]
    var person = role && role.results[index]
    if (!person) return
    var already = role.selected.some(function (selected) {
      return selected.id === person.id
    })
    if (already) return
    if (role.selected.length >= role.max) {
      wx.showToast({ title: role.label + '最多' + role.max + '名', icon: 'none' })
      return
    }
    var update = cleared(role.role)
    update['roles[' + roleIndex + '].selected'] = role.selected.concat([person])
    this.setData(update)
  },

  removePerson: function (event) {
    var roleIndex = Number(event.currentTarget.dataset.roleIndex)
    var index = Number(event.currentTarget.dataset.index)
    var role = this.data.roles[roleIndex]
    if (!role || !role.selected[index]) return
    var selected = role.selected.slice()
    selected.splice(index, 1)
    var update = cleared(role.role)
    update['roles[' + roleIndex + '].selected'] = selected
    this.setData(update)
  },

  // -- the step's facts -----------------------------------------------------------------------
  onTrainingDays: function (event) {
    this.setData(Object.assign({ trainingDays: event.detail.value }, cleared('training')))
  },

  onTrainingHours: function (event) {
    this.setData(Object.assign({ trainingHours: event.detail.value }, cleared('training')))
  },

  toggleReview: function (event) {
    this.setData({ reviewPassed: !!event.detail.value })
  },

  onVoteInput: function (event) {
    var field = event.currentTarget.dataset.field
    if (!(field in this.data.votes)) return
    var update = cleared('votes')
    update['votes.' + field] = event.detail.value
    if (field === 'should_attend') update.passText = passText(event.detail.value)
    this.setData(update)
  },

  pickOutcome: function (event) {
    var value = event.detail.value
    if (!developmentView.OUTCOME_LABELS[value]) return
    this.setData(Object.assign({ outcome: value }, cleared('outcome')))
  },

  pickMonths: function (event) {
    var index = Number(event.detail.value)
    if (!(index >= 0 && index < this.data.months.length)) return
    this.setData(Object.assign({ monthIndex: index }, cleared('outcome')))
  },

  onSpecialReason: function (event) {
    this.setData(Object.assign({ specialReason: event.detail.value }, cleared('specialReason')))
  },

  onNote: function (event) {
    this.setData(Object.assign({ note: event.detail.value }, cleared('note')))
  },

  // -- sending ------------------------------------------------------------------------------
  // A vote that does not pass is recorded as 未通过: said before it is sent.
  confirmVote: function (body) {
    if (!body.votes || body.votes.yes * 2 > body.votes.should_attend) return Promise.resolve(true)
    return modal.confirm({
      title: '表决未通过',
      content: '赞成票未超过应到会有表决权的党员的半数，提交后这一步将记为“未通过”。确定提交吗？',
      confirmText: '提交',
    })
  },

  // Never rejects.
  submit: function () {
    var page = this
    var data = page.data
    if (!data.ready || data.submitting || data.submitted) return Promise.resolve()
    var fieldErrors = validate(data)
    if (Object.keys(fieldErrors).length) {
      page.setData({ fieldErrors: fieldErrors })
      return Promise.resolve()
    }
    var body = bodyOf(data, page.key)
    page.setData({ submitting: true, fieldErrors: {} })
    return page
      .confirmVote(body)
      .then(function (confirmed) {
        if (!confirmed) return null
        return development.submitStep(data.recordId, body).then(
          function (entry) {
            page.setData({ submitted: true })
            return page.finish(entry || {})
          },
          function (error) {
            return page.showRefusal(error)
          }
        )
      })
      .then(function () {
        page.setData({ submitting: false })
      })
  },

  // The step is on record: said, then back to the page the form was opened from (it reloads).
  finish: function (entry) {
    if (entry.state === 'rejected') {
      return modal.alert('已记录：表决未通过', entry.decision_comment || '表决未通过，这一步可以重新提交。').then(function () {
        wx.navigateBack({ delta: 1 })
      })
    }
    if (entry.state === 'pending') {
      var approver = this.data.step.approverLabel
      wx.showToast({ title: '已提交' + (approver ? '，等待' + approver + '审批' : '，等待审批'), icon: 'none', duration: 2000 })
    } else {
      wx.showToast({ title: '已记录', icon: 'success' })
    }
    wx.navigateBack({ delta: 1 })
    return Promise.resolve()
  },

  // The server's refusal in a dialog, the form kept; a failure to reach it as a toast (sending
  // again reuses the key, so a step that did arrive is not recorded twice).
  showRefusal: function (error) {
    if (feedback.leaveIfSignedOut(error)) return null
    var refused = error instanceof errors.ApiError && REFUSAL_STATUSES.indexOf(error.status) !== -1
    if (!refused) {
      feedback.showError(error)
      return null
    }
    return modal.alert('无法记录', refusalText(error))
  },
})
