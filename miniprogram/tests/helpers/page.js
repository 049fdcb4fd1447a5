// Loads a page's Page({...}) definition with a captured `Page` global and returns an instance
// whose setData behaves like the framework's (including 'a.b' and 'items[2].x' paths).

const path = require('path')

const ROOT = path.resolve(__dirname, '../..')

// 'a.b', 'items[2].read' and 'items[2]' paths, as the framework's setData takes them.
function setPath(target, dotted, value) {
  const keys = dotted.replace(/\[(\d+)\]/g, '.$1').split('.')
  let node = target
  keys.slice(0, -1).forEach((key) => {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {}
    node = node[key]
  })
  node[keys[keys.length - 1]] = value
}

function loadPage(pagePath) {
  return loadPages([pagePath]).pages[0]
}

// Several pages (and other modules: 'services/meeting-admin') sharing one fresh module registry,
// as the pages of the running mini-program share their services. Returns { pages, modules } in
// the order asked.
function loadPages(pagePaths, modulePaths = []) {
  const definitions = []
  const modules = []
  global.Page = (def) => {
    definitions.push(def)
  }
  // Isolated so that each call runs the page files (and their own request.js state) afresh.
  jest.isolateModules(() => {
    pagePaths.forEach((pagePath) => {
      const before = definitions.length
      require(path.join(ROOT, pagePath))
      if (definitions.length === before) throw new Error(`${pagePath} did not call Page()`)
    })
    modulePaths.forEach((modulePath) => modules.push(require(path.join(ROOT, modulePath))))
  })
  delete global.Page
  return { pages: definitions.map(instanceOf), modules }
}

function instanceOf(definition) {
  const page = {}
  Object.keys(definition).forEach((key) => {
    if (typeof definition[key] === 'function') page[key] = definition[key]
  })
  page.data = JSON.parse(JSON.stringify(definition.data || {}))
  page.setData = jest.fn((update) => {
    Object.keys(update).forEach((key) => setPath(page.data, key, update[key]))
  })
  return page
}

// The event object the framework passes to handlers bound in WXML.
function tapEvent(dataset = {}, detail = {}) {
  return { currentTarget: { dataset }, target: { dataset }, detail }
}

// The event of an input, picker or switch: its value in detail.value.
function inputEvent(value) {
  return tapEvent({}, { value })
}

module.exports = { ROOT, loadPage, loadPages, tapEvent, inputEvent }
