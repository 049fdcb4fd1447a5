// 我的: the bound member's profile and logout.

var auth = require('../../services/auth')
var me = require('../../services/me')
var errors = require('../../api/errors')

var LOGIN_PAGE = '/pages/login/index'
var BIND_PAGE = '/pages/bind/index'

function postsText(member) {
  var posts = (member && member.posts) || []
  return posts.length ? posts.join('、') : '无'
}

Page({
  data: {
    loading: true,
    member: null,
    postsText: '',
    errorMessage: '',
    loggingOut: false,
  },

  onLoad: function () {
    // Show the copy from the last login at once; load() replaces it with fresh data.
    var session = auth.getSession()
    if (session && session.member) {
      this.setData({ member: session.member, postsText: postsText(session.member) })
    }
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return me.fetchMe().then(
      function (member) {
        page.setData({ loading: false, member: member, postsText: postsText(member) })
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
      page.setData({ loggingOut: false, member: null })
      wx.reLaunch({ url: LOGIN_PAGE + '?from=logout' })
    })
  },
})
