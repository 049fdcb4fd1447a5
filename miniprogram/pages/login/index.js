// Landing page: logs in with WeChat and routes to 我的 (bound) or the bind page (unbound).

var auth = require('../../services/auth')
var errors = require('../../api/errors')

var ME_PAGE = '/pages/me/index'
var BIND_PAGE = '/pages/bind/index'

Page({
  data: {
    loggingIn: false,
    errorMessage: '',
  },

  onLoad: function (query) {
    // After an explicit logout, wait for the user instead of logging straight back in.
    if (query && query.from === 'logout') return undefined
    return this.login()
  },

  login: function () {
    var page = this
    if (page.data.loggingIn) return Promise.resolve()
    page.setData({ loggingIn: true, errorMessage: '' })
    return auth.wxLogin().then(
      function (result) {
        page.setData({ loggingIn: false })
        if (result.status === 'bound') {
          // 我的 is not a tab page yet (a tabBar needs two pages): reLaunch clears the stack.
          wx.reLaunch({ url: ME_PAGE })
        } else {
          wx.navigateTo({ url: BIND_PAGE + '?ticket=' + encodeURIComponent(result.bind_ticket) })
        }
      },
      function (error) {
        page.setData({ loggingIn: false, errorMessage: errors.userMessage(error) })
      }
    )
  },
})
