// 我的: the bound member's profile, the way to 消息 and 提醒设置 (and, for branch secretaries, to
// 通知发送), to 组织生活, 我的出勤 and the 支部动态 of the member's own branch, to 发展党员 (the
// member's own record; for those who manage, also 发展党员待办), to 学习, to 新闻资讯 and 党务公开 (for
// those who manage, also 公告阅读情况), to 我要反映 and 我的反映 (for those who handle cases, also
// 反映办理 with the open count), and logout.

var auth = require('../../services/auth')
var me = require('../../services/me')
var inbox = require('../../services/inbox')
var feedback = require('../../services/feedback')
var errors = require('../../api/errors')
var memberRoles = require('../../utils/roles')

var LOGIN_PAGE = '/pages/login/index'
var BIND_PAGE = '/pages/bind/index'
var INBOX_PAGE = '/pages/inbox/index'
var NOTIFY_SETTINGS_PAGE = '/pages/notify-settings/index'
var NOTICES_PAGE = '/pages/notices/index'
var MEETINGS_PAGE = '/pages/meetings/index/index'
var ATTENDANCE_PAGE = '/pages/meetings/attendance/index'
var FEED_PAGE = '/pages/meetings/feed/index'
var DEVELOPMENT_PAGE = '/pages/development/me/index'
var DEVELOPMENT_TODO_PAGE = '/pages/development/todo/index'
var STUDY_PAGE = '/pages/study/index'
var FEEDBACK_NEW_PAGE = '/pages/feedback/new'
var FEEDBACK_MINE_PAGE = '/pages/feedback/mine'
var FEEDBACK_HANDLE_PAGE = '/pages/feedback/handle'
var NEWS_PAGE = '/pages/news/index'
var ANNOUNCEMENTS_PAGE = '/pages/announcements/index'
var ANNOUNCEMENTS_MANAGED_PAGE = '/pages/announcements/managed'

// Badge text: the count, capped so that it fits the badge.
function unreadText(count) {
  return count > 99 ? '99+' : String(count)
}

function postsText(member) {
  var posts = (member && member.posts) || []
  return posts.length ? posts.join('、') : '无'
}

// /me lists the member's roles by name. Only a secretary (the posts that manage a branch) can send
// notices; for anyone else the server would answer 403, so the entry is not offered.
function canSendNotices(member) {
  var roles = (member && member.roles) || []
  return roles.indexOf('secretary') !== -1
}

// The member's own branch (/me `org`), whose 支部动态 they may read; 0 when unknown.
function feedOrgId(member) {
  var org = member && member.org
  return org && typeof org.id === 'number' ? org.id : 0
}

// The data that follows from the member.
function memberData(member) {
  return {
    member: member,
    postsText: postsText(member),
    canSendNotices: canSendNotices(member),
    // /me roles, as for 通知发送: a managing role gets 发展党员待办 (the to-do answers 403 to
    // anyone else).
    canManageDevelopment: memberRoles.canManage(member),
    // 公告阅读情况: the announcements of the orgs they manage (403 to anyone else).
    canManageAnnouncements: memberRoles.canManage(member),
    feedOrgId: feedOrgId(member),
  }
}

Page({
  data: {
    loading: true,
    member: null,
    postsText: '',
    errorMessage: '',
    loggingOut: false,
    unread: 0,
    unreadText: '',
    handlesFeedback: false, // GET /feedback/handling: the caller handles cases (反映办理)
    feedbackOpen: 0,
    feedbackOpenText: '',
    canSendNotices: false,
    canManageDevelopment: false,
    canManageAnnouncements: false,
    feedOrgId: 0,
  },

  onLoad: function () {
    // Show the copy from the last login at once; load() replaces it with fresh data.
    var session = auth.getSession()
    if (session && session.member) {
      this.setData(memberData(session.member))
    }
    return this.load()
  },

  // Also on coming back from 消息, where messages may have been read (and from 反映办理, where
  // cases may have been handled).
  onShow: function () {
    return Promise.all([this.loadUnread(), this.loadHandling()])
  },

  onPullDownRefresh: function () {
    return Promise.all([this.load(), this.loadUnread(), this.loadHandling()]).then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // The badge is a side detail: a failure keeps the last count and shows nothing (load() reports
  // a lost session).
  loadUnread: function () {
    var page = this
    return inbox.unreadCount().then(
      function (count) {
        page.setData({ unread: count, unreadText: unreadText(count) })
      },
      function () {}
    )
  },

  // Whether to offer 反映办理, and its open count: a side detail too, so a failure keeps what was
  // shown and says nothing.
  loadHandling: function () {
    var page = this
    return feedback.handling().then(
      function (body) {
        var open = Number(body && body.open) || 0
        page.setData({ handlesFeedback: !!(body && body.handles), feedbackOpen: open, feedbackOpenText: unreadText(open) })
      },
      function () {}
    )
  },

  openFeedbackNew: function () {
    wx.navigateTo({ url: FEEDBACK_NEW_PAGE })
  },

  openFeedbackMine: function () {
    wx.navigateTo({ url: FEEDBACK_MINE_PAGE })
  },

  openFeedbackHandle: function () {
    if (!this.data.handlesFeedback) return
    wx.navigateTo({ url: FEEDBACK_HANDLE_PAGE })
  },

  openInbox: function () {
    wx.navigateTo({ url: INBOX_PAGE })
  },

  openNotifySettings: function () {
    wx.navigateTo({ url: NOTIFY_SETTINGS_PAGE })
  },

  openNotices: function () {
    wx.navigateTo({ url: NOTICES_PAGE })
  },

  openMeetings: function () {
    wx.navigateTo({ url: MEETINGS_PAGE })
  },

  openAttendance: function () {
    wx.navigateTo({ url: ATTENDANCE_PAGE })
  },

  openFeed: function () {
    if (!this.data.feedOrgId) return
    wx.navigateTo({ url: FEED_PAGE + '?org_id=' + encodeURIComponent(String(this.data.feedOrgId)) })
  },

  openDevelopment: function () {
    wx.navigateTo({ url: DEVELOPMENT_PAGE })
  },

  openDevelopmentTodo: function () {
    if (!this.data.canManageDevelopment) return
    wx.navigateTo({ url: DEVELOPMENT_TODO_PAGE })
  },

  openStudy: function () {
    wx.navigateTo({ url: STUDY_PAGE })
  },

  openNews: function () {
    wx.navigateTo({ url: NEWS_PAGE })
  },

  openAnnouncements: function () {
    wx.navigateTo({ url: ANNOUNCEMENTS_PAGE })
  },

  openAnnouncementsManaged: function () {
    if (!this.data.canManageAnnouncements) return
    wx.navigateTo({ url: ANNOUNCEMENTS_MANAGED_PAGE })
  },

  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return me.fetchMe().then(
      function (member) {
        page.setData(Object.assign({ loading: false }, memberData(member)))
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        if (error instanceof errors.AuthError) {
          if (error.bindTicket) {
            wx.reLaunch({ url: BIND_PAGE + '?ticket=' + encodeURIComponent(error.bindTicket) })
          } else {
            wx.reLaunch({ url: LOGIN_PAGE })
          }
        }
      }
    )
  },

  logout: function () {
    var page = this
    if (page.data.loggingOut) return Promise.resolve()
    page.setData({ loggingOut: true })
    return auth.logout().then(function () {
      page.setData({
        loggingOut: false,
        member: null,
        canSendNotices: false,
        canManageDevelopment: false,
        canManageAnnouncements: false,
        handlesFeedback: false,
        feedbackOpen: 0,
        feedOrgId: 0,
      })
      wx.reLaunch({ url: LOGIN_PAGE + '?from=logout' })
    })
  },
})
