// How the member's meeting pages (pages/meetings/index, detail, leave, attendance) put a meeting
// into words and decide which actions to offer. Pure functions of the server's bodies
// (docs/meetings.md), so they are tested with the pages that use them.

var time = require('./time')
var meetings = require('../services/meetings')

// The server's limit on a leave reason, counted after trimming.
var LEAVE_REASON_MAX = 200

// Characters as the server counts them (Python's len: code points); an emoji is one.
function charCount(text) {
  return String(text || '').replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length
}

// '' when the reason is acceptable, else why not.
function leaveReasonError(reason) {
  var trimmed = String(reason || '').trim()
  if (!trimmed) return '请填写请假事由'
  if (charCount(trimmed) > LEAVE_REASON_MAX) return '请假事由不能超过' + LEAVE_REASON_MAX + '字'
  return ''
}

// "12月1日 19:00–20:30" in Beijing time; the end in full when it falls on another day.
function timeRangeText(startAt, endAt, now) {
  var start = time.formatBeijing(startAt, now)
  if (!start) return ''
  var end = time.beijingDate(endAt) === time.beijingDate(startAt) ? time.beijingClock(endAt) : time.formatBeijing(endAt, now)
  return end ? start + '–' + end : start
}

function phaseLabel(meeting) {
  return meeting.phase_label || meetings.label(meetings.PHASE_LABELS, meeting.phase)
}

function personName(person) {
  return (person && person.name) || ''
}

// What a meeting's row in the list and its detail page both say of it.
function viewSummary(meeting, now) {
  return {
    id: meeting.id,
    title: meeting.title || '',
    typeLabel: meeting.type_label || meetings.label(meetings.TYPE_LABELS, meeting.type),
    orgName: meeting.org_name || '',
    timeText: timeRangeText(meeting.start_at, meeting.end_at, now),
    place: meeting.place || '',
    phase: meeting.phase || '',
    phaseLabel: phaseLabel(meeting),
  }
}

// One row of GET /meetings?mine=true.
function viewListItem(item, now) {
  var attendance = item.my_attendance || ''
  return Object.assign(viewSummary(item, now), {
    attendance: attendance,
    attendanceLabel: item.my_attendance_label || meetings.label(meetings.ATTENDANCE_LABELS, attendance),
  })
}

var CHECKIN_PHASES = ['checkin_open', 'in_progress']
// Before the start: leave is asked for then only (leave_too_late after).
var LEAVE_PHASES = ['upcoming', 'checkin_open']

// The member's own part of GET /meetings/{id} (`my`), and the actions it allows:
//   canCheckIn       the window is open and there is no check-in yet
//   canSignOut       the meeting wants a sign-out, the member is checked in (not revoked) and
//                    has not signed out, while the meeting runs or its check-in window is open
//   canAskLeave      before the start, no check-in and no leave pending or approved
//   canWithdrawLeave a pending leave
function viewMine(meeting, now) {
  var my = meeting.my
  if (!my || !my.participant) return null
  var checkin = my.checkin || null
  var leave = my.leave || null
  var phase = meeting.phase
  var checkedIn = !!(checkin && !checkin.revoked)
  var closesAt = time.parseIso(meeting.checkin_closes_at)
  var signOutOpen = phase === 'in_progress' || (phase === 'ended' && !isNaN(closesAt) && now < closesAt)
  var leaveState = leave ? leave.state : ''
  return {
    roleLabel: meetings.label(meetings.ROLE_LABELS, my.role),
    observer: my.role === 'observer',
    attendance: my.attendance || '',
    attendanceLabel: meetings.label(meetings.ATTENDANCE_LABELS, my.attendance),
    checkin: checkin
      ? {
          timeText: time.formatBeijing(checkin.checked_in_at, now),
          late: !!checkin.late,
          sentLate: !!checkin.sent_late,
          revoked: !!checkin.revoked,
          revokeReason: checkin.revoke_reason || '',
          signedOutText: checkin.signed_out_at ? time.formatBeijing(checkin.signed_out_at, now) : '',
          manual: checkin.source === 'manual',
        }
      : null,
    leave: leave
      ? {
          state: leaveState,
          stateLabel: leave.state_label || meetings.label(meetings.LEAVE_STATE_LABELS, leaveState),
          reason: leave.reason || '',
          comment: leave.comment || '',
        }
      : null,
    canCheckIn: !checkin && CHECKIN_PHASES.indexOf(phase) !== -1,
    canSignOut: !!meeting.sign_out && checkedIn && !checkin.signed_out_at && signOutOpen,
    canAskLeave:
      !checkin && LEAVE_PHASES.indexOf(phase) !== -1 && leaveState !== 'pending' && leaveState !== 'approved',
    canWithdrawLeave: leaveState === 'pending',
  }
}

// GET /meetings/{id} → what the detail page shows.
function viewMeeting(meeting, now) {
  return Object.assign(viewSummary(meeting, now), {
    description: meeting.description || '',
    chair: personName(meeting.chair),
    recorder: personName(meeting.recorder),
    cancelled: meeting.status === 'cancelled' || meeting.phase === 'cancelled',
    cancelReason: meeting.cancel_reason || '',
    signOut: !!meeting.sign_out,
    hasGeofence: !!meeting.geofence,
    hasMinutes: !!meeting.has_minutes,
    canManage: !!meeting.can_manage,
    mine: viewMine(meeting, now),
  })
}

var VOTE_FIELDS = ['yes', 'no', 'abstain']

// GET /meetings/{id}/minutes → what the minutes section shows.
function viewMinutes(minutes, now) {
  var attendance = minutes.attendance || {}
  var lists = attendance.lists || {}
  function names(list) {
    return (list || [])
      .map(function (entry) {
        return typeof entry === 'string' ? entry : (entry && entry.name) || ''
      })
      .filter(Boolean)
      .join('、')
  }
  return {
    agenda: minutes.agenda || '',
    content: minutes.content || '',
    resolutions: minutes.resolutions || '',
    votes: (minutes.votes || []).map(function (vote, index) {
      var counts = {}
      VOTE_FIELDS.forEach(function (field) {
        counts[field] = Number(vote[field]) || 0
      })
      return { key: index, item: vote.item || '', yes: counts.yes, no: counts.no, abstain: counts.abstain }
    }),
    attendanceText:
      '应到 ' +
      (attendance.expected || 0) +
      ' 人，实到 ' +
      (attendance.present || 0) +
      ' 人（迟到 ' +
      (attendance.late || 0) +
      '），请假 ' +
      (attendance.on_leave || 0) +
      ' 人，缺席 ' +
      (attendance.absent || 0) +
      ' 人',
    presentNames: names(lists.present),
    onLeaveNames: names(lists.on_leave),
    absentNames: names(lists.absent),
    observerNames: names(lists.observers),
    chair: personName(minutes.chair),
    recorder: personName(minutes.recorder),
    chairSigned: minutes.chair_signed_at ? time.formatBeijing(minutes.chair_signed_at, now) : '',
    recorderSigned: minutes.recorder_signed_at ? time.formatBeijing(minutes.recorder_signed_at, now) : '',
    updatedText: minutes.updated_at ? time.formatBeijing(minutes.updated_at, now) : '',
  }
}

// An item of GET /me/attendance. Its id is the meeting's: the paged list tells items apart by id.
function viewAttendanceItem(item, now) {
  var meeting = item.meeting || {}
  return {
    id: meeting.id,
    title: meeting.title || '',
    typeLabel: meeting.type_label || '',
    orgName: meeting.org_name || '',
    timeText: time.formatBeijing(meeting.start_at, now),
    place: meeting.place || '',
    attendance: item.attendance || '',
    attendanceLabel: item.attendance_label || meetings.label(meetings.ATTENDANCE_LABELS, item.attendance),
    checkedInText: item.checked_in_at ? time.formatBeijing(item.checked_in_at, now) : '',
    late: !!item.late,
  }
}

// The server sends at most nine images an item; more would not fit the grid either.
var FEED_IMAGES_MAX = 9

// An item of GET /orgs/{id}/feed. The images are attachment ids: their files need the session, so
// the page downloads them (services/meetings.js downloadAttachment) and fills in each path.
function viewFeedItem(item, now) {
  return {
    id: item.id,
    meetingId: item.meeting_id,
    title: item.title || '',
    summary: item.summary || '',
    dateText: time.dateText(item.occurred_at, now),
    images: (item.image_ids || []).slice(0, FEED_IMAGES_MAX).map(function (id) {
      return { id: id, path: '', failed: false }
    }),
  }
}

module.exports = {
  LEAVE_REASON_MAX: LEAVE_REASON_MAX,
  charCount: charCount,
  leaveReasonError: leaveReasonError,
  timeRangeText: timeRangeText,
  viewListItem: viewListItem,
  viewMine: viewMine,
  viewMeeting: viewMeeting,
  viewMinutes: viewMinutes,
  viewAttendanceItem: viewAttendanceItem,
  FEED_IMAGES_MAX: FEED_IMAGES_MAX,
  viewFeedItem: viewFeedItem,
}
