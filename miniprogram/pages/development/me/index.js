// 我的入党进程: the caller's own development record (GET /development/me: the active one, else
// the latest) — the stage and the step reached, what was done when and by whom (the timeline,
// with each entry's state), and what comes next with its earliest date and deadline, overdue ones
// highlighted. The applicant's own steps (递交入党志愿书, 提出转正申请: actor = applicant) can be
// recorded from here once open. Without a record (404 no_record) the page says so.
//
// The record's materials (材料, utils/development-materials.js): each opened with a tap;
// while the record is active the applicant uploads their 入党申请书, 思想汇报, 转正申请书 or
// 其他材料 from a WeChat chat, and deletes what the server lets them (can_delete).

var development = require('../../../services/development')
var developmentView = require('../../../utils/development-view')
var developmentMaterials = require('../../../utils/development-materials')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')

var STEP_PAGE = '/pages/development/step/index'

// The record's view with the applicant's own open steps recordable (none waiting for a decision).
function viewForApplicant(body, now) {
  var record = developmentView.viewRecord(body, now)
  record.next.forEach(function (opening) {
    opening.canRecord = record.active && opening.open && opening.applicantStep && !opening.pendingEntryId
  })
  return record
}

Page(Object.assign({}, developmentMaterials.materialMethods, {
  data: Object.assign(
    {
      loading: true,
      errorMessage: '',
      empty: false,
      emptyHint: '',
      record: null,
    },
    developmentMaterials.materialsData()
  ),

  onLoad: function () {
    return this.load()
  },

  // Back from recording a step of their own.
  onShow: function () {
    if (this.seenChanges !== undefined && development.changeCount() !== this.seenChanges) return this.load()
    return Promise.resolve()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Never rejects.
  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    page.seenChanges = development.changeCount()
    return development.mine().then(
      function (body) {
        var record = viewForApplicant(body, Date.now())
        page.setData({
          loading: false,
          empty: false,
          record: record,
          canUploadMaterial: record.active,
          materialKinds: developmentMaterials.APPLICANT_MATERIAL_KINDS,
        })
        return page.loadMaterials()
      },
      function (error) {
        if (error instanceof errors.ApiError && error.code === 'no_record') {
          page.setData({ loading: false, empty: true, emptyHint: '递交入党申请书后，由党支部登记', record: null })
          return
        }
        page.setData({ loading: false, errorMessage: errors.userMessage(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  recordStep: function (event) {
    var step = Number(event.currentTarget.dataset.step)
    var record = this.data.record
    if (!record || !step) return
    var opening = record.next.filter(function (item) {
      return item.step === step
    })[0]
    if (!opening || !opening.canRecord) return
    wx.navigateTo({
      url: STEP_PAGE + '?record=' + encodeURIComponent(String(record.id)) + '&step=' + encodeURIComponent(String(step)),
    })
  },
}))
