// What a member's /me roles let the pages offer (utils/roles.js): 发展党员待办 on 我的 and 支部学习统计
// on the study home go to the managing roles.

const roles = require('../../utils/roles')

test('who manages: a secretary or a committee admin, by /me roles', () => {
  expect(roles.canManage({ roles: ['member', 'secretary'] })).toBe(true)
  expect(roles.canManage({ roles: ['committee_admin'] })).toBe(true)
  expect(roles.canManage({ roles: ['member', 'discipline_inspector'] })).toBe(false)
  expect(roles.canManage({ roles: [] })).toBe(false)
  expect(roles.canManage({})).toBe(false)
  expect(roles.canManage(null)).toBe(false)
})
