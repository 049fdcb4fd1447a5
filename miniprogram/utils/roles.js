// What a member's roles (/me `roles`, or the copy in the stored session) let them be offered. The
// server decides (it answers 403 to anyone else); these only keep the pages from offering what
// would be refused.

// The managing roles, as /me names them: a branch's secretary (the posts that manage it) and a
// committee admin. They record the steps of developing new members (docs/development.md: 发展党员待办)
// and see the study figures (server/study/analytics.py MANAGE_ROLES: 支部学习统计).
var MANAGE_ROLES = ['secretary', 'committee_admin']

// Whether a member has a managing role.
function canManage(member) {
  var roles = (member && member.roles) || []
  return MANAGE_ROLES.some(function (role) {
    return roles.indexOf(role) !== -1
  })
}

module.exports = {
  canManage: canManage,
}
