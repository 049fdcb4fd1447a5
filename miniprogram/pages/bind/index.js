// Binds the WeChat user to a member, by invite code or by identity
// (学号/工号 + 姓名 + 手机号后四位). Opened from the login page with ?ticket=<bind_ticket>.

var auth = require('../../services/auth')
var errors = require('../../api/errors')

var ME_PAGE = '/pages/me/index'
var LOGIN_PAGE = '/pages/login/index'

// Server field names (snake_case) → this page's data keys.
var SERVER_FIELDS = {
  invite_code: 'inviteCode',
  staff_no: 'staffNo',
  name: 'name',
  phone_last4: 'phoneLast4',
}

function decodeTicket(raw) {
  if (!raw) return ''
  try {
    return decodeURIComponent(raw)
  } catch (e) {
    return raw
  }
}

function validate(data) {
  var fieldErrors = {}
  if (data.method === 'invite') {
    if (!data.inviteCode.trim()) fieldErrors.inviteCode = '请输入邀请码'
  } else {
    if (!data.staffNo.trim()) fieldErrors.staffNo = '请输入学号或工号'
    if (!data.name.trim()) fieldErrors.name = '请输入姓名'
    if (!/^\d{4}$/.test(data.phoneLast4)) fieldErrors.phoneLast4 = '请输入手机号后四位（4位数字）'
  }
  return fieldErrors
}

function serverFieldErrors(serverErrors) {
  var fieldErrors = {}
  Object.keys(serverErrors || {}).forEach(function (field) {
    var key = SERVER_FIELDS[field]
    var messages = serverErrors[field]
    if (key && messages && messages.length) {
      fieldErrors[key] = Array.isArray(messages) ? messages.join('；') : String(messages)
    }
  })
  return fieldErrors
}

Page({
  data: {
    bindTicket: '',
    method: 'invite',
    inviteCode: '',
    staffNo: '',
    name: '',
    phoneLast4: '',
    fieldErrors: {},
    errorMessage: '',
    submitting: false,
    ticketExpired: false,
  },

  onLoad: function (query) {
    var ticket = decodeTicket(query && query.ticket)
    if (!ticket) {
      this.setData({ ticketExpired: true, errorMessage: '绑定信息已失效，请重新登录' })
      return
    }
    this.setData({ bindTicket: ticket })
  },

  switchMethod: function (event) {
    var method = event.currentTarget.dataset.method
    if (method !== 'invite' && method !== 'identity') return
    this.setData({ method: method, fieldErrors: {}, errorMessage: '' })
  },

  onInput: function (event) {
    var field = event.currentTarget.dataset.field
    var update = {}
    update[field] = event.detail.value
    update['fieldErrors.' + field] = ''
    this.setData(update)
  },

  submit: function () {
    var page = this
    var data = page.data
    if (data.submitting || data.ticketExpired) return Promise.resolve()

    var fieldErrors = validate(data)
    if (Object.keys(fieldErrors).length) {
      page.setData({ fieldErrors: fieldErrors, errorMessage: '' })
      return Promise.resolve()
    }

    page.setData({ submitting: true, fieldErrors: {}, errorMessage: '' })
    var params = { bindTicket: data.bindTicket, method: data.method }
    if (data.method === 'invite') {
      params.inviteCode = data.inviteCode.trim()
    } else {
      params.staffNo = data.staffNo.trim()
      params.name = data.name.trim()
      params.phoneLast4 = data.phoneLast4
    }

    return auth.bind(params).then(
      function () {
        page.setData({ submitting: false })
        wx.showToast({ title: '绑定成功', icon: 'success' })
        wx.reLaunch({ url: ME_PAGE })
      },
      function (error) {
        page.setData({
          submitting: false,
          errorMessage: errors.userMessage(error),
          fieldErrors: serverFieldErrors(error && error.errors),
          ticketExpired: !!error && error.code === 'bind_ticket_invalid',
        })
      }
    )
  },

  restartLogin: function () {
    wx.reLaunch({ url: LOGIN_PAGE })
  },
})
