// A page about one record (a meeting, a notice) opened with ?id=<its id>, as pages/meetings/detail
// and pages/notices/detail are: data.id, data.loading and data.errorMessage, and a load() that
// reads data.id and never rejects.

// The page's Page() definition: its own `methods` with the opening (the id kept and load() run;
// without an id there is nothing to load and data.errorMessage says `missingMessage`) and the
// pull-down (load() again, the spinner stopped once it answers). A method in `methods` replaces
// the one here.
function define(missingMessage, methods) {
  var page = {
    onLoad: function (query) {
      var id = query && query.id
      if (!id) {
        this.setData({ loading: false, errorMessage: missingMessage })
        return Promise.resolve()
      }
      this.setData({ id: String(id) })
      return this.load()
    },
    onPullDownRefresh: function () {
      return this.load().then(function () {
        wx.stopPullDownRefresh()
      })
    },
  }
  return Object.assign(page, methods)
}

module.exports = {
  define: define,
}
