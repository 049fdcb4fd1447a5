// Routing after login is decided by pages/login (the entry page), not here, so that a page
// never renders before it knows whether the user is bound.
var checkinQueue = require('./utils/checkin-queue')

App({
  globalData: {},

  // Scans kept on a weak network go again as soon as the phone is back online.
  onLaunch: function () {
    checkinQueue.watchNetwork()
  },

  // ... and whenever the member comes back to the app (also at launch).
  onShow: function () {
    return checkinQueue.retry()
  },
})
