// WeChat's dialogs as promises, for the pages that ask before they act (撤回请假, 撤销通知, 发布,
// 取消会议, 归档, 删除 ...) and for the messages a member must read (无法审批, 无法记录 ...).

// wx.showModal as a promise of "confirmed"; a modal that fails to open counts as not confirmed.
function confirm(options) {
  return new Promise(function (resolve) {
    wx.showModal(
      Object.assign({}, options, {
        success: function (res) {
          resolve(!!(res && res.confirm))
        },
        fail: function () {
          resolve(false)
        },
      })
    )
  })
}

// A message the member only acknowledges (知道了): wx.showModal without a cancel button, as a
// promise that resolves once it is closed (or failed to open).
function alert(title, content) {
  return confirm({ title: title, content: content, showCancel: false, confirmText: '知道了' }).then(function () {})
}

module.exports = {
  confirm: confirm,
  alert: alert,
}
