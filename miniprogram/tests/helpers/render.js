// Renders pages with their real templates, compiled by the official wcc through
// miniprogram-simulate. miniprogram-simulate renders custom components only, so each page's
// Page() definition is adapted to Component(), as its maintainers suggest for pages.

const path = require('path')
const simulate = require('miniprogram-simulate')
const { ROOT } = require('./page')

function pageAsComponent(definition) {
  const methods = {}
  Object.keys(definition).forEach((key) => {
    if (typeof definition[key] === 'function') methods[key] = definition[key]
  })
  global.Component({ data: definition.data, methods })
}

// Loads the pages once for the test file (beforeAll: a page file is required, and so calls
// Page(), only the first time) and returns render(name): a fresh instance of that page, attached
// so that it renders. pathOf(name) is the page's path from the mini-program root.
function pageRenderer(names, pathOf) {
  const ids = {}
  beforeAll(() => {
    global.Page = pageAsComponent
    try {
      names.forEach((name) => {
        ids[name] = simulate.load(path.join(ROOT, pathOf(name)), { rootPath: ROOT })
      })
    } finally {
      delete global.Page
    }
  })
  return (name) => {
    const comp = simulate.render(ids[name])
    comp.attach(document.createElement('parent-wrapper'))
    return comp
  }
}

// The trimmed text of each node the selector finds.
function texts(comp, selector) {
  return comp.querySelectorAll(selector).map((node) => node.dom.textContent.trim())
}

module.exports = { pageRenderer, texts }
