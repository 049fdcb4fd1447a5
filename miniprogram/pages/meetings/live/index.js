// 现场签到: the live attendance of one meeting (?id=) for its managers, chair and recorder — the
// counts, everyone grouped by attendance with the anomaly flags of their check-in, and for
// managers 撤销 (a check-in that should not count), 补签 (someone who was there but could not
// scan) and 登记请假 (someone not there who asked for leave in person, or after the fact). It
// refreshes every 5 seconds while on screen, and stops when hidden or closed.

var meetingAdmin = require('../../../services/meeting-admin')
var adminText = require('../../../utils/meeting-admin')
var modal = require('../../../utils/modal')
var time = require('../../../utils/time')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

var REFRESH_MS = 5000

var ANOMALY_FIELDS = ['shared_device', 'shared_address', 'network_outlier', 'location_outlier', 'sent_late']

// The attendance of the people a leave can be recorded for: not checked in (the server answers
// 409 already_checked_in otherwise), and not on leave already.
var LEAVE_ATTENDANCE = ['not_checked_in', 'absent']

// "同一设备 2 · 位置异常 1": how many check-ins carry each flag. The server may give a number or
// the list of those check-ins; both are counted.
function anomaliesText(anomalies) {
  anomalies = anomalies || {}
  var parts = []
  ANOMALY_FIELDS.forEach(function (key) {
    var value = anomalies[key]
    var count = typeof value === 'number' ? value : Array.isArray(value) ? value.length : 0
    if (count > 0) parts.push(adminText.flagLabel(key) + ' ' + count)
  })
  return parts.join(' · ')
}

function viewItem(item) {
  var checkin = item.checkin || null
  var active = !!checkin && !checkin.revoked
  var leave = item.leave || null
  var view = {
    personId: item.person_id,
    name: item.name || '',
    observer: item.role === 'observer',
    attendanceLabel: item.attendance_label || '',
    checkinId: checkin ? checkin.id : null,
    timeText: '',
    signedOutText: '',
    distanceText: '',
    flags: [],
    manualText: '',
    revokedText: '',
    leaveText: '',
    canRevoke: active,
    canManual: !active,
    canLeave: LEAVE_ATTENDANCE.indexOf(item.attendance) !== -1,
  }
  if (checkin) {
    view.timeText = time.beijingClock(checkin.checked_in_at) + ' 签到' + (checkin.late ? '（迟到）' : '')
    if (checkin.signed_out_at) view.signedOutText = time.beijingClock(checkin.signed_out_at) + ' 签退'
    if (typeof checkin.distance_m === 'number') view.distanceText = '距会场 ' + Math.round(checkin.distance_m) + ' 米'
    view.flags = (checkin.flags || []).map(function (flag) {
      return { key: flag, label: adminText.flagLabel(flag) }
    })
    if (checkin.manual_reason) {
      var by = adminText.personName(checkin.recorded_by)
      view.manualText = '补签原因：' + checkin.manual_reason + (by ? '（' + by + '）' : '')
    }
    if (checkin.revoked) view.revokedText = '签到已撤销：' + (checkin.revoke_reason || '')
  }
  if (leave) {
    view.leaveText = '请假' + (leave.state_label ? '（' + leave.state_label + '）' : '') + '：' + (leave.reason || '')
  }
  return view
}

// The items under the attendance groups, in ATTENDANCE_GROUPS order; an attendance this version
// does not know gets a group of its own at the end rather than being dropped. Empty groups are
// left out.
function groupItems(items) {
  var groups = adminText.ATTENDANCE_GROUPS.map(function (group) {
    return { key: group.key, label: group.label, items: [] }
  })
  ;(items || []).forEach(function (item) {
    var group = null
    groups.forEach(function (candidate) {
      if (candidate.key === item.attendance) group = candidate
    })
    if (!group) {
      group = { key: String(item.attendance), label: item.attendance_label || '其他', items: [] }
      groups.push(group)
    }
    group.items.push(viewItem(item))
  })
  return groups.filter(function (group) {
    return group.items.length > 0
  })
}

function findItem(groups, personId) {
  for (var i = 0; i < groups.length; i += 1) {
    for (var j = 0; j < groups[i].items.length; j += 1) {
      if (String(groups[i].items[j].personId) === String(personId)) return groups[i].items[j]
    }
  }
  return null
}

// The actions of the panel, one person each, all with a required reason (it is audited), then a
// confirmation, then the request: who they are offered for, the panel's and the dialog's words,
// the request, and the toast after it.
var PANEL_MODES = {
  revoke: {
    allowed: function (item) {
      return item.canRevoke
    },
    title: '撤销签到',
    placeholder: '请填写撤销原因（必填，将记录在案）',
    submitText: '撤销',
    missingReason: '请填写撤销原因',
    question: function (panel) {
      return {
        title: '撤销签到',
        content: '确定撤销' + panel.name + '的签到吗？撤销后将记为未签到。',
        confirmText: '撤销',
        confirmColor: '#c8161d',
      }
    },
    request: function (meetingId, panel, reason) {
      return meetingAdmin.revoke(meetingId, panel.checkinId, reason)
    },
    doneText: '已撤销',
  },
  manual: {
    allowed: function (item) {
      return item.canManual
    },
    title: '补签',
    placeholder: '请填写补签原因（必填，将记录在案）',
    submitText: '补签',
    missingReason: '请填写补签原因',
    question: function (panel) {
      return { title: '补签', content: '确定为' + panel.name + '补签' + (panel.late ? '（记为迟到）' : '') + '吗？', confirmText: '补签' }
    },
    request: function (meetingId, panel, reason) {
      return meetingAdmin.manualCheckIn(meetingId, panel.personId, reason, panel.late)
    },
    doneText: '已补签',
  },
  leave: {
    allowed: function (item) {
      return item.canLeave
    },
    title: '登记请假',
    placeholder: '请填写请假原因（必填，将记录在案）',
    submitText: '登记',
    missingReason: '请填写请假原因',
    question: function (panel) {
      return { title: '登记请假', content: '确定为' + panel.name + '登记请假吗？登记后即为已批准的请假。', confirmText: '登记' }
    },
    request: function (meetingId, panel, reason) {
      return meetingAdmin.recordLeave(meetingId, panel.personId, reason)
    },
    doneText: '已登记请假',
  },
}

// The panel of one of PANEL_MODES for one person, empty.
function newPanel(mode, item) {
  var spec = PANEL_MODES[mode]
  return {
    mode: mode,
    title: spec.title,
    placeholder: spec.placeholder,
    submitText: spec.submitText,
    personId: item.personId,
    checkinId: mode === 'revoke' ? item.checkinId : null,
    name: item.name,
    reason: '',
    late: false,
    error: '',
  }
}

// A refresh that failed this way will not succeed by asking again (no such meeting in the
// caller's scope, no right to it): the timer stops.
function isFinal(error) {
  return error instanceof errors.ApiError && error.status >= 400 && error.status < 500 && error.status !== 429
}

Page({
  data: {
    id: '',
    title: '',
    phaseLabel: '',
    // 撤销, 补签 and 登记请假 are for managers; the chair and recorder only read (from GET
    // /meetings/{id}).
    canManage: false,
    loaded: false,
    loadError: '',
    stale: false, // the last automatic refresh failed; the list shown is older
    counts: adminText.countRows(null),
    anomaliesText: '',
    groups: [],
    // { mode: 'revoke' | 'manual' | 'leave', title, placeholder, submitText, personId, checkinId,
    //   name, reason, late, error }
    panel: null,
    busy: false,
  },

  onLoad: function (query) {
    var id = query && query.id
    if (!id) {
      this.setData({ loaded: true, loadError: '会议不存在' })
      return Promise.resolve()
    }
    this.setData({ id: String(id) })
    return this.loadMeeting()
  },

  onShow: function () {
    this.startPolling()
  },

  onHide: function () {
    this.stopPolling()
  },

  onUnload: function () {
    this.stopPolling()
  },

  onPullDownRefresh: function () {
    return this.refresh().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The title, phase and the caller's right to manage; the attendance is shown without them, and
  // a failure here is tried again with the next refresh.
  loadMeeting: function () {
    var page = this
    // onLoad and the first refresh both ask; one request serves them.
    if (page.meetingRequest) return page.meetingRequest
    page.meetingRequest = meetingAdmin
      .get(page.data.id)
      .then(
        function (meeting) {
          page.meetingLoaded = true
          page.setData({
            title: meeting.title || '',
            phaseLabel: meeting.phase_label || '',
            canManage: !!meeting.can_manage,
          })
        },
        function () {}
      )
      .then(function () {
        page.meetingRequest = null
      })
    return page.meetingRequest
  },

  // One chain of refresh → wait 5 s → refresh per showing. Each showing gets its own generation,
  // so an answer arriving after the page was hidden (or shown again) schedules nothing.
  startPolling: function () {
    var page = this
    page.stopPolling()
    if (!page.data.id) return Promise.resolve()
    var generation = page.pollGeneration
    function tick() {
      page.timer = null
      return page.refresh().then(function (keepGoing) {
        if (generation !== page.pollGeneration || !keepGoing) return
        page.timer = setTimeout(tick, REFRESH_MS)
      })
    }
    return tick()
  },

  stopPolling: function () {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pollGeneration = (this.pollGeneration || 0) + 1
  },

  // GET the attendance and show it. Resolves with whether refreshing again makes sense.
  refresh: function () {
    var page = this
    if (!page.data.id) return Promise.resolve(false)
    // Only the newest answer is shown; a slow one overtaken by a later request is dropped.
    page.refreshGeneration = (page.refreshGeneration || 0) + 1
    var generation = page.refreshGeneration
    if (!page.meetingLoaded) page.loadMeeting()
    return meetingAdmin.attendance(page.data.id).then(
      function (body) {
        if (generation !== page.refreshGeneration) return true
        page.setData({
          loaded: true,
          loadError: '',
          stale: false,
          counts: adminText.countRows(body && body.counts),
          anomaliesText: anomaliesText(body && body.anomalies),
          groups: groupItems(body && body.items),
        })
        return true
      },
      function (error) {
        if (generation !== page.refreshGeneration) return true
        if (feedback.leaveIfSignedOut(error)) return false
        if (isFinal(error) || !page.data.loaded) {
          page.setData({ loaded: true, loadError: errors.userMessage(error), stale: false })
        } else {
          page.setData({ stale: true })
        }
        return !isFinal(error)
      }
    )
  },

  // The retry button after a failed first load or a final error.
  retry: function () {
    this.setData({ loaded: false, loadError: '' })
    return this.startPolling()
  },

  openRevoke: function (event) {
    this.openPanel('revoke', event)
  },

  openManual: function (event) {
    this.openPanel('manual', event)
  },

  openLeave: function (event) {
    this.openPanel('leave', event)
  },

  // The panel of `mode` for the person tapped, if the caller manages and it is offered for them.
  openPanel: function (mode, event) {
    var item = findItem(this.data.groups, event.currentTarget.dataset.personId)
    if (!this.data.canManage || !item || !PANEL_MODES[mode].allowed(item)) return
    this.setData({ panel: newPanel(mode, item) })
  },

  closePanel: function () {
    if (this.data.busy) return
    this.setData({ panel: null })
  },

  onPanelReasonInput: function (event) {
    if (!this.data.panel) return
    this.setData({ 'panel.reason': event.detail.value, 'panel.error': '' })
  },

  togglePanelLate: function (event) {
    if (!this.data.panel) return
    this.setData({ 'panel.late': !!event.detail.value })
  },

  // 撤销, 补签 or 登记请假 of the person in the panel: a reason is required (it is audited), then
  // a confirmation, then the request; the list is refreshed at once afterwards.
  submitPanel: function () {
    var page = this
    var panel = page.data.panel
    if (!panel || page.data.busy) return Promise.resolve()
    var spec = PANEL_MODES[panel.mode]
    var reason = panel.reason.trim()
    if (!reason) {
      page.setData({ 'panel.error': spec.missingReason })
      return Promise.resolve()
    }
    page.setData({ busy: true })
    return modal
      .confirm(spec.question(panel))
      .then(function (confirmed) {
        if (!confirmed) return null
        return spec.request(page.data.id, panel, reason).then(
          function () {
            page.setData({ panel: null })
            wx.showToast({ title: spec.doneText, icon: 'success' })
            return page.refresh()
          },
          function (error) {
            if (feedback.leaveIfSignedOut(error)) return null
            var fieldErrors = adminText.fieldErrorsOf(error, { reason: 'reason' })
            if (fieldErrors) {
              page.setData({ 'panel.error': fieldErrors.reason })
              return null
            }
            feedback.showError(error)
            // Revoked or checked in meanwhile, the meeting closed (409), or gone (404): show the
            // list as it is now.
            if (error && (error.status === 409 || error.status === 404)) {
              page.setData({ panel: null })
              return page.refresh()
            }
            return null
          }
        )
      })
      .then(function () {
        page.setData({ busy: false })
      })
  },
})
