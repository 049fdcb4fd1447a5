var api = require('../api/request')
var session = require('../api/session')

// GET /me → the bound member. Also refreshes the copy kept in the stored session so that
// pages can show something at once on the next start.
function fetchMe() {
  return api.request({ url: '/me' }).then(function (member) {
    var current = session.getSession()
    if (current) session.saveSession(Object.assign({}, current, { member: member }))
    return member
  })
}

module.exports = {
  fetchMe: fetchMe,
}
