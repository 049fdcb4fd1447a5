// 会议编辑: a secretary schedules a meeting of one of their orgs (?org_id= preselects it) or edits
// one (?id=). A new meeting is saved as a draft; the draft is then published (the participants
// are notified), or deleted. A published meeting can be changed until it ends, or cancelled with
// a reason. Times are picked in Beijing time and sent as UTC.

var meetingAdmin = require('../../../services/meeting-admin')
var notices = require('../../../services/notices')
var noticeText = require('../../../utils/notices')
var adminText = require('../../../utils/meeting-admin')
var modal = require('../../../utils/modal')
var time = require('../../../utils/time')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

var LIVE_PAGE = '/pages/meetings/live/index'
var LEAVE_PAGE = '/pages/meetings/leave-approvals/index'
var MINUTES_PAGE = '/pages/meetings/minutes/index'

var TITLE_MAX = 100
var PLACE_MAX = 100
var RADII = [100, 200, 300, 500, 1000]
var DEFAULT_RADIUS = 300

// Server field names → the keys of fieldErrors on this page.
var SERVER_FIELDS = {
  org_id: 'org',
  type: 'type',
  title: 'title',
  place: 'place',
  start_at: 'time',
  end_at: 'time',
  description: 'description',
  sign_out: 'signOut',
  geofence: 'geofence',
}

function radiusOptions(current) {
  var radii = RADII.slice()
  // A radius set elsewhere (the web console) stays choosable rather than silently replaced.
  if (typeof current === 'number' && radii.indexOf(current) === -1) {
    radii.push(current)
    radii.sort(function (a, b) {
      return a - b
    })
  }
  return radii
}

function radiusLabels(radii) {
  return radii.map(function (radius) {
    return radius + ' 米'
  })
}

function typeIndexOf(value) {
  for (var i = 0; i < meetingAdmin.TYPES.length; i += 1) {
    if (meetingAdmin.TYPES[i].value === value) return i
  }
  return -1
}

function textLimitError(text, max, emptyMessage, name) {
  if (!text) return emptyMessage
  if (noticeText.charCount(text) > max) return name + '不能超过 ' + max + ' 个字'
  return ''
}

// Field messages for what the phone can tell before asking the server. `now` in milliseconds.
function validate(data, now, isNew) {
  var fieldErrors = {}
  if (isNew && (data.orgIndex < 0 || !data.orgs[data.orgIndex])) fieldErrors.org = '请选择召开会议的组织'
  if (data.typeIndex < 0 || !meetingAdmin.TYPES[data.typeIndex]) fieldErrors.type = '请选择会议类型'

  var title = textLimitError(data.title.trim(), TITLE_MAX, '请输入会议名称', '会议名称')
  if (title) fieldErrors.title = title
  var place = textLimitError(data.place.trim(), PLACE_MAX, '请输入会议地点', '会议地点')
  if (place) fieldErrors.place = place

  var range = adminText.toUtcRange(data.date, data.startClock, data.endClock)
  if (!data.date) fieldErrors.time = '请选择会议日期'
  else if (!data.startClock) fieldErrors.time = '请选择开始时间'
  else if (!data.endClock) fieldErrors.time = '请选择结束时间'
  else if (isNaN(range.startMs) || isNaN(range.endMs)) fieldErrors.time = '请选择有效的日期和时间'
  else if (range.endMs <= range.startMs) fieldErrors.time = '结束时间应晚于开始时间'
  else if (isNew && range.startMs <= now) fieldErrors.time = '开始时间不能早于当前时间'

  if (data.geofenceOn && (typeof data.latitude !== 'number' || typeof data.longitude !== 'number')) {
    fieldErrors.geofence = '请在地图上选择签到地点'
  }
  return fieldErrors
}

// The form as the server's fields (all of them but org_id).
function formBody(data) {
  var range = adminText.toUtcRange(data.date, data.startClock, data.endClock)
  return {
    type: meetingAdmin.TYPES[data.typeIndex].value,
    title: data.title.trim(),
    place: data.place.trim(),
    start_at: range.startAt,
    end_at: range.endAt,
    description: data.description.trim(),
    sign_out: !!data.signOut,
    geofence: data.geofenceOn
      ? { latitude: data.latitude, longitude: data.longitude, radius_m: data.radii[data.radiusIndex] }
      : null,
  }
}

function sameGeofence(a, b) {
  if (!a || !b) return !a && !b
  return a.latitude === b.latitude && a.longitude === b.longitude && a.radius_m === b.radius_m
}

// What PATCH should send: only the fields the secretary changed, so that an untouched time or
// place of a published meeting does not notify everyone again. Start and end go together, since
// the server checks one against the other.
function changedFields(body, meeting) {
  var changes = {}
  if (body.type !== meeting.type) changes.type = body.type
  if (body.title !== meeting.title) changes.title = body.title
  if (body.place !== meeting.place) changes.place = body.place
  if (body.description !== (meeting.description || '')) changes.description = body.description
  if (
    time.parseIso(body.start_at) !== time.parseIso(meeting.start_at) ||
    time.parseIso(body.end_at) !== time.parseIso(meeting.end_at)
  ) {
    changes.start_at = body.start_at
    changes.end_at = body.end_at
  }
  if (body.sign_out !== !!meeting.sign_out) changes.sign_out = body.sign_out
  if (!sameGeofence(body.geofence, meeting.geofence)) changes.geofence = body.geofence
  return changes
}

// The meeting's state as the page shows it, and what may be done with it.
function viewMeeting(meeting) {
  var status = meeting.status
  var ended = meeting.phase === 'ended'
  var manage = !!meeting.can_manage
  return {
    id: meeting.id,
    status: status,
    phaseLabel: meeting.phase_label || '',
    orgName: meeting.org_name || '',
    cancelReason: meeting.cancel_reason || '',
    editable: manage && (status === 'draft' || (status === 'published' && !ended)),
    canPublish: manage && status === 'draft',
    canDelete: manage && status === 'draft',
    canCancel: manage && status === 'published' && !ended,
    // Attendance, leave and minutes exist once the members have been told of the meeting.
    canFollowUp: manage && (status === 'published' || status === 'archived'),
  }
}

// The form's fields filled from a meeting.
function formFromMeeting(meeting) {
  var times = adminText.fromUtcRange(meeting.start_at, meeting.end_at)
  var geofence = meeting.geofence
  var radii = radiusOptions(geofence && geofence.radius_m)
  return {
    typeIndex: typeIndexOf(meeting.type),
    title: meeting.title || '',
    place: meeting.place || '',
    description: meeting.description || '',
    date: times.date,
    startClock: times.startClock,
    endClock: times.endClock,
    signOut: !!meeting.sign_out,
    geofenceOn: !!geofence,
    latitude: geofence ? geofence.latitude : null,
    longitude: geofence ? geofence.longitude : null,
    locationName: geofence ? '纬度 ' + geofence.latitude + '，经度 ' + geofence.longitude : '',
    radii: radii,
    radiusLabels: radiusLabels(radii),
    radiusIndex: radii.indexOf(geofence ? geofence.radius_m : DEFAULT_RADIUS),
    fieldErrors: {},
  }
}

Page({
  data: {
    titleMax: TITLE_MAX,
    placeMax: PLACE_MAX,
    types: meetingAdmin.TYPES,

    id: '',
    loading: true,
    loadError: '',
    meeting: null, // viewMeeting of the saved meeting; null for a new one

    orgs: [], // [{ id, name }], new meetings only
    orgIndex: -1,

    typeIndex: -1,
    title: '',
    place: '',
    description: '',
    date: '', // Beijing date, 'YYYY-MM-DD'
    startClock: '', // Beijing time, 'HH:MM'
    endClock: '',
    dateStart: '',
    signOut: false,
    geofenceOn: false,
    latitude: null,
    longitude: null,
    locationName: '',
    radii: RADII,
    radiusLabels: radiusLabels(RADII),
    radiusIndex: RADII.indexOf(DEFAULT_RADIUS),

    fieldErrors: {},
    busy: '', // 'save' | 'publish' | 'cancel' | 'delete' while one is under way
    deleted: false,
    cancelOpen: false,
    cancelReason: '',
  },

  onLoad: function (query) {
    query = query || {}
    this.setData({ dateStart: time.beijingDate(Date.now()) })
    if (query.id) {
      this.setData({ id: String(query.id) })
      return this.loadMeeting()
    }
    return this.loadOrgs(Number(query.org_id) || 0)
  },

  // The secretary's orgs (services/notices.js senderOrgs), with the one passed in the query (opened
  // from that org's page) even when whoami does not list it.
  loadOrgs: function (preferredId) {
    var page = this
    if (typeof preferredId !== 'number') preferredId = page.preferredOrgId || 0
    page.preferredOrgId = preferredId
    page.setData({ loading: true, loadError: '' })
    return notices.senderOrgs(preferredId).then(
      function (orgs) {
        var preferred = -1
        orgs.forEach(function (org, index) {
          if (org.id === preferredId) preferred = index
        })
        page.setData({
          loading: false,
          orgs: orgs,
          // One org needs no choosing; with several the secretary must pick, not get the first.
          orgIndex: preferred !== -1 ? preferred : orgs.length === 1 ? 0 : -1,
          loadError: orgs.length ? '' : '你没有可以召开会议的组织',
        })
      },
      function (error) {
        page.setData({ loading: false, orgs: [], orgIndex: -1, loadError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  loadMeeting: function () {
    var page = this
    page.setData({ loading: true, loadError: '' })
    return meetingAdmin.get(page.data.id).then(
      function (meeting) {
        page.setData({ loading: false })
        page.applyMeeting(meeting)
      },
      function (error) {
        page.setData({ loading: false, loadError: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // The meeting as the server now has it: the form is filled from it and the buttons follow it.
  applyMeeting: function (meeting) {
    this.saved = meeting
    var update = formFromMeeting(meeting)
    update.id = String(meeting.id)
    update.meeting = viewMeeting(meeting)
    update.loadError = meeting.can_manage ? '' : '你没有管理这次会议的权限'
    this.setData(update)
  },

  pickOrg: function (event) {
    var index = Number(event.detail.value)
    if (!(index >= 0 && index < this.data.orgs.length)) return
    this.setData({ orgIndex: index, 'fieldErrors.org': '' })
  },

  pickType: function (event) {
    var index = Number(event.detail.value)
    if (!(index >= 0 && index < meetingAdmin.TYPES.length)) return
    this.setData({ typeIndex: index, 'fieldErrors.type': '' })
  },

  onTitleInput: function (event) {
    this.setData({ title: event.detail.value, 'fieldErrors.title': '' })
  },

  onPlaceInput: function (event) {
    this.setData({ place: event.detail.value, 'fieldErrors.place': '' })
  },

  onDescriptionInput: function (event) {
    this.setData({ description: event.detail.value, 'fieldErrors.description': '' })
  },

  pickDate: function (event) {
    this.setData({ date: event.detail.value, 'fieldErrors.time': '' })
  },

  pickStart: function (event) {
    var update = { startClock: event.detail.value, 'fieldErrors.time': '' }
    // The usual meeting is about an hour and a half: an end is suggested once, then left alone.
    if (!this.data.endClock) {
      var start = time.fromBeijing('2000-01-01', event.detail.value)
      if (!isNaN(start)) {
        var end = Math.min(start + 90 * time.MINUTE_MS, time.fromBeijing('2000-01-01', '23:59'))
        update.endClock = time.beijingClock(end)
      }
    }
    this.setData(update)
  },

  pickEnd: function (event) {
    this.setData({ endClock: event.detail.value, 'fieldErrors.time': '' })
  },

  toggleSignOut: function (event) {
    this.setData({ signOut: !!event.detail.value, 'fieldErrors.signOut': '' })
  },

  toggleGeofence: function (event) {
    this.setData({ geofenceOn: !!event.detail.value, 'fieldErrors.geofence': '' })
  },

  pickRadius: function (event) {
    var index = Number(event.detail.value)
    if (!(index >= 0 && index < this.data.radii.length)) return
    this.setData({ radiusIndex: index, 'fieldErrors.geofence': '' })
  },

  // The check-in point from the map; the member's phone must be within the radius of it.
  chooseLocation: function () {
    var page = this
    var options = {
      success: function (res) {
        if (!res || typeof res.latitude !== 'number' || typeof res.longitude !== 'number') return
        page.setData({
          latitude: res.latitude,
          longitude: res.longitude,
          locationName: res.name || res.address || '纬度 ' + res.latitude + '，经度 ' + res.longitude,
          'fieldErrors.geofence': '',
        })
      },
      fail: function (err) {
        // Closing the map is not an error.
        if (err && /cancel/.test(err.errMsg || '')) return
        wx.showToast({ title: '无法打开地图选点，请检查定位权限', icon: 'none', duration: 2000 })
      },
    }
    if (typeof page.data.latitude === 'number') {
      options.latitude = page.data.latitude
      options.longitude = page.data.longitude
    }
    wx.chooseLocation(options)
  },

  // 保存: POST a new draft, or PATCH what changed. Never rejects.
  save: function () {
    var page = this
    var data = page.data
    if (data.busy || data.loading) return Promise.resolve()
    if (data.meeting && !data.meeting.editable) return Promise.resolve()

    var isNew = !data.meeting
    var fieldErrors = validate(data, Date.now(), isNew)
    if (Object.keys(fieldErrors).length) {
      page.setData({ fieldErrors: fieldErrors })
      return Promise.resolve()
    }

    var body = formBody(data)
    var request
    if (isNew) {
      body.org_id = data.orgs[data.orgIndex].id
      if (!body.description) delete body.description
      if (!body.geofence) delete body.geofence
      request = meetingAdmin.create(body)
    } else {
      var changes = changedFields(body, page.saved)
      if (!Object.keys(changes).length) {
        wx.showToast({ title: '没有需要保存的修改', icon: 'none' })
        return Promise.resolve()
      }
      // A published meeting whose time or place moves notifies everyone: said before it happens.
      var notifies = data.meeting.status === 'published' && (changes.start_at || changes.place)
      var asked = notifies
        ? modal.confirm({
            title: '保存修改',
            content: '会议时间或地点已修改，保存后将通知全体参会人员。确定保存吗？',
            confirmText: '保存',
          })
        : Promise.resolve(true)
      request = asked.then(function (confirmed) {
        return confirmed ? meetingAdmin.update(data.id, changes) : null
      })
    }

    page.setData({ busy: 'save', fieldErrors: {} })
    return request.then(
      function (meeting) {
        page.setData({ busy: '' })
        if (!meeting) return
        page.applyMeeting(meeting)
        wx.showToast({ title: isNew ? '草稿已保存' : '已保存', icon: 'success' })
      },
      function (error) {
        page.setData({ busy: '' })
        page.showFailure(error)
      }
    )
  },

  // A failed action: field messages next to their fields (422), anything else a toast; a conflict
  // (409: published, cancelled or ended meanwhile) also reloads the meeting as it now is.
  showFailure: function (error) {
    if (feedback.leaveIfSignedOut(error)) return
    var fieldErrors = adminText.fieldErrorsOf(error, SERVER_FIELDS)
    if (fieldErrors) {
      this.setData({ fieldErrors: fieldErrors })
      return
    }
    feedback.showError(error)
    if (error && error.status === 409 && this.data.id) this.loadMeeting()
  },

  // The form differs from the saved meeting.
  hasUnsavedChanges: function () {
    if (!this.saved) return false
    // An invalid form cannot be what the server stored (and has no body to compare).
    if (Object.keys(validate(this.data, 0, false)).length) return true
    return Object.keys(changedFields(formBody(this.data), this.saved)).length > 0
  },

  // 发布: the stored draft goes out; the participants are notified.
  publish: function () {
    var page = this
    var meeting = page.data.meeting
    if (page.data.busy || !meeting || !meeting.canPublish) return Promise.resolve()
    if (page.hasUnsavedChanges()) {
      wx.showToast({ title: '请先保存修改', icon: 'none' })
      return Promise.resolve()
    }
    page.setData({ busy: 'publish' })
    return modal
      .confirm({
        title: '发布会议',
        content: '发布后将向全体参会人员发送会议通知，并在会前提醒。确定发布吗？',
        confirmText: '发布',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return meetingAdmin.publish(page.data.id).then(
          function (published) {
            page.applyMeeting(published)
            wx.showToast({ title: '已发布', icon: 'success' })
          },
          function (error) {
            page.showFailure(error)
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },

  openCancel: function () {
    if (!this.data.meeting || !this.data.meeting.canCancel) return
    this.setData({ cancelOpen: true, 'fieldErrors.cancelReason': '' })
  },

  closeCancel: function () {
    this.setData({ cancelOpen: false, cancelReason: '', 'fieldErrors.cancelReason': '' })
  },

  onCancelReasonInput: function (event) {
    this.setData({ cancelReason: event.detail.value, 'fieldErrors.cancelReason': '' })
  },

  // 取消会议: a reason is required (the participants are told it), then a confirmation.
  confirmCancel: function () {
    var page = this
    var meeting = page.data.meeting
    if (page.data.busy || !meeting || !meeting.canCancel) return Promise.resolve()
    var reason = page.data.cancelReason.trim()
    if (!reason) {
      page.setData({ 'fieldErrors.cancelReason': '请填写取消原因' })
      return Promise.resolve()
    }
    page.setData({ busy: 'cancel' })
    return modal
      .confirm({
        title: '取消会议',
        content: '取消后将通知全体参会人员，会议不能恢复。确定取消吗？',
        confirmText: '取消会议',
        confirmColor: '#c8161d',
        cancelText: '再想想',
      })
      .then(function (confirmed) {
        if (!confirmed) return null
        return meetingAdmin.cancel(page.data.id, reason).then(
          function (cancelled) {
            page.setData({ cancelOpen: false, cancelReason: '' })
            page.applyMeeting(cancelled)
            wx.showToast({ title: '会议已取消', icon: 'success' })
          },
          function (error) {
            if (feedback.leaveIfSignedOut(error)) return
            var fieldErrors = adminText.fieldErrorsOf(error, { reason: 'cancelReason' })
            if (fieldErrors) {
              page.setData({ 'fieldErrors.cancelReason': fieldErrors.cancelReason })
              return
            }
            page.showFailure(error)
          }
        )
      })
      .then(function () {
        page.setData({ busy: '' })
      })
  },

  // 删除草稿: only drafts; back to where the secretary came from.
  remove: function () {
    var page = this
    var meeting = page.data.meeting
    if (page.data.busy || !meeting || !meeting.canDelete) return Promise.resolve()
    page.setData({ busy: 'delete' })
    return modal
      .confirm({
        title: '删除草稿',
        content: '删除后不能恢复，确定删除这份会议草稿吗？',
        confirmText: '删除',
        confirmColor: '#c8161d',
      })
      .then(function (confirmed) {
        if (!confirmed) return false
        return meetingAdmin.remove(page.data.id).then(
          function () {
            wx.showToast({ title: '已删除', icon: 'success' })
            return true
          },
          function (error) {
            page.showFailure(error)
            return false
          }
        )
      })
      .then(function (deleted) {
        page.setData({ busy: '' })
        if (deleted) {
          page.setData({ deleted: true })
          wx.navigateBack({ delta: 1 })
        }
      })
  },

  openLive: function () {
    wx.navigateTo({ url: LIVE_PAGE + '?id=' + encodeURIComponent(this.data.id) })
  },

  openLeave: function () {
    wx.navigateTo({ url: LEAVE_PAGE + '?meeting_id=' + encodeURIComponent(this.data.id) })
  },

  openMinutes: function () {
    wx.navigateTo({ url: MINUTES_PAGE + '?id=' + encodeURIComponent(this.data.id) })
  },
})
