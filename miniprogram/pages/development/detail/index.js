// 发展档案: one applicant's record (opened with ?id=<record id>, also from the reminders and the
// approval results): the person, the stage and status, the timeline of entries — each step with
// its date, state, who recorded and who decided it, the decision's comment, warnings and
// corrections — and the steps that come next with their earliest dates and deadlines. A manager
// (can_manage) records an open step (the step form) and opens a submission waiting for a decision
// (the approval page, which tells whether the caller may decide it).
//
// The record's materials (材料, utils/development-materials.js), each opened with a tap;
// a manager uploads any kind, also after the record has ended, and deletes what the server lets
// the caller delete (can_delete).

var development = require('../../../services/development')
var developmentView = require('../../../utils/development-view')
var developmentMaterials = require('../../../utils/development-materials')
var errors = require('../../../api/errors')
var feedback = require('../../../utils/feedback')
var recordPage = require('../../../utils/record-page')

var STEP_PAGE = '/pages/development/step/index'
var APPROVE_PAGE = '/pages/development/approve/index'

// The record's view with what a manager may do: record an opening (open, no submission of it
// waiting), and open a submission waiting for its decision.
function viewForManager(body, now) {
  var record = developmentView.viewRecord(body, now)
  var manage = record.canManage && record.active
  record.next.forEach(function (opening) {
    opening.canRecord = manage && opening.open && !opening.pendingEntryId
  })
  record.entries.forEach(function (entry) {
    entry.canApprove = manage && entry.pending
  })
  return record
}

Page(recordPage.define('发展档案不存在', Object.assign({}, developmentMaterials.materialMethods, {
  data: Object.assign(
    {
      id: '',
      loading: true,
      errorMessage: '',
      record: null,
    },
    developmentMaterials.materialsData()
  ),

  // Back from the step form or the approval page: reload when something changed there.
  onShow: function () {
    if (this.seenChanges !== undefined && development.changeCount() !== this.seenChanges) return this.load()
    return Promise.resolve()
  },

  // Never rejects.
  load: function () {
    var page = this
    var id = page.data.id
    if (!id) return Promise.resolve()
    page.setData({ loading: true, errorMessage: '' })
    page.seenChanges = development.changeCount()
    return development.record(id).then(
      function (body) {
        var record = viewForManager(body, Date.now())
        page.setData({
          loading: false,
          record: record,
          canUploadMaterial: record.canManage,
          materialKinds: developmentMaterials.MATERIAL_KINDS,
        })
        return page.loadMaterials()
      },
      function (error) {
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

  openApproval: function (event) {
    var entryId = Number(event.currentTarget.dataset.entry)
    var record = this.data.record
    if (!record || !entryId) return
    wx.navigateTo({
      url: APPROVE_PAGE + '?id=' + encodeURIComponent(String(entryId)) + '&record=' + encodeURIComponent(String(record.id)),
    })
  },
})))
