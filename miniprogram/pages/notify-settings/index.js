// 提醒设置: which kinds of notice the member receives, and the button that asks WeChat for
// permission to also send them as WeChat service notifications (订阅消息).

var notify = require('../../services/notify')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

// errCode of wx.requestSubscribeMessage when the member has switched subscribe messages off
// for this mini-program (its 设置 page); asking again does nothing until they switch it back on.
var SUBSCRIBE_SWITCHED_OFF = 20004

function indexOfKind(items, kind) {
  for (var i = 0; i < items.length; i += 1) {
    if (items[i].kind === kind) return i
  }
  return -1
}

// The sentence shown under the button after the dialog.
function describeSummary(summary, templates) {
  if (summary.errCode === SUBSCRIBE_SWITCHED_OFF) {
    return '你已关闭本小程序的订阅消息，请点右上角“···”→“设置”打开后再试'
  }
  if (summary.errCode) return '未能打开微信提醒窗口，请稍后再试'

  var templateOf = {}
  templates.forEach(function (template) {
    templateOf[template.kind] = template
  })
  var label = function (kind) {
    return templateOf[kind] ? templateOf[kind].label : kind
  }
  var parts = []
  if (summary.accepted.length) {
    parts.push(
      '已开启：' +
        summary.accepted
          .map(function (kind) {
            var remaining = templateOf[kind] && summary.granted[templateOf[kind].template_id]
            return remaining ? label(kind) + '（可提醒' + remaining + '次）' : label(kind)
          })
          .join('、')
    )
  }
  if (summary.refused.length) parts.push('未开启：' + summary.refused.map(label).join('、'))
  if (summary.skipped.length) parts.push('还有' + summary.skipped.length + '项，请再点一次开启')
  if (summary.error && summary.accepted.length) parts.push('结果未能保存到服务器，请稍后再点一次')
  return parts.join('；')
}

Page({
  data: {
    loading: true,
    items: [], // [{ kind, label, enabled, switchable }]
    errorMessage: '',
    templates: [], // kinds that can be sent as WeChat messages; the button shows when there are any
    subscribing: false,
    subscribeResult: '',
  },

  onLoad: function () {
    // The templates are loaded now, not on the tap: WeChat opens its dialog only from inside a
    // tap, so the button must not wait for the network (see services/notify.js).
    return Promise.all([this.load(), this.loadTemplates()])
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return notify.getPreferences().then(
      function (items) {
        page.setData({ loading: false, items: items })
      },
      function (error) {
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  // Never rejects: without templates the page simply has no button.
  loadTemplates: function () {
    var page = this
    return notify.subscribeTemplates().then(
      function (templates) {
        page.setData({ templates: templates })
      },
      function () {
        page.setData({ templates: [] })
      }
    )
  },

  toggle: function (event) {
    var page = this
    var kind = event.currentTarget.dataset.kind
    var enabled = !!event.detail.value
    var index = indexOfKind(page.data.items, kind)
    if (index === -1 || !page.data.items[index].switchable) return Promise.resolve()

    // The switch has already moved on screen. Data follows it first so that putting the old value
    // back on failure is a real change and the switch moves back; setting data to the value it
    // already held would leave the switch where the member's finger put it.
    var update = {}
    update['items[' + index + '].enabled'] = enabled
    page.setData(update)

    // Only the latest toggle of a kind may settle it: answers to quick on/off taps can arrive out
    // of order.
    page.toggleSeq = page.toggleSeq || {}
    var seq = (page.toggleSeq[kind] || 0) + 1
    page.toggleSeq[kind] = seq
    var settle = function (value) {
      var i = indexOfKind(page.data.items, kind)
      if (page.toggleSeq[kind] !== seq || i === -1) return
      var change = {}
      change['items[' + i + '].enabled'] = value
      page.setData(change)
    }

    return notify.setPreference(kind, enabled).then(
      function (items) {
        // Only this kind is taken from the answer: another switch toggled meanwhile has its own.
        var fresh = items[indexOfKind(items, kind)]
        settle(fresh ? !!fresh.enabled : enabled)
      },
      function (error) {
        settle(!enabled)
        feedback.showError(error)
      }
    )
  },

  // The kinds to ask WeChat for: those with a template whose notices the member has not switched
  // off (a reminder for a switched-off kind would never be sent). Kinds left over from the last
  // tap (a dialog holds 3 at most) come first.
  subscribeKinds: function () {
    var items = this.data.items
    var first = this.askFirst || []
    var kinds = this.data.templates
      .map(function (template) {
        return template.kind
      })
      .filter(function (kind) {
        var index = indexOfKind(items, kind)
        return index === -1 || items[index].enabled
      })
    return kinds
      .filter(function (kind) {
        return first.indexOf(kind) !== -1
      })
      .concat(
        kinds.filter(function (kind) {
          return first.indexOf(kind) === -1
        })
      )
  },

  // Bound to the button's tap: notify.requestSubscribe must run before anything asynchronous.
  subscribe: function () {
    var page = this
    if (page.data.subscribing) return Promise.resolve()
    var kinds = page.subscribeKinds()
    if (!kinds.length) {
      page.setData({ subscribeResult: '请先打开至少一项可微信提醒的通知' })
      return Promise.resolve()
    }
    var asking = notify.requestSubscribe(kinds)
    page.setData({ subscribing: true, subscribeResult: '' })
    return asking.then(function (summary) {
      page.askFirst = summary.skipped
      page.setData({ subscribing: false, subscribeResult: describeSummary(summary, page.data.templates) })
      if (summary.error) feedback.showError(summary.error)
    })
  },
})
