// Routing after login is decided by pages/login (the entry page), not here, so that a page
// never renders before it knows whether the user is bound.
App({
  globalData: {},
})
