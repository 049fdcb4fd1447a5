// WeChat's dialogs as promises, for the pages that ask before they act (撤回请假, 撤销通知, 发布,
// 取消会议, 归档, 删除 ...).

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

module.exports = {
  confirm: confirm,
}
