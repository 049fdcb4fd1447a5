// api/request.js is the only caller of wx.request, api/upload.js of wx.uploadFile; pages and
// services go through them.

const fs = require('fs')
const path = require('path')
const { findSources } = require('./helpers/compilers')

const ROOT = path.resolve(__dirname, '..')

test('only api/request.js calls wx.request', () => {
  const callers = findSources(ROOT, '.js').filter((file) =>
    /\bwx\s*\.\s*request\s*\(/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'))
  )
  expect(callers).toEqual(['api/request.js'])
})

// Uploads carry the session and read the server's errors the same way; one module does it.
test('only api/upload.js calls wx.uploadFile', () => {
  const callers = findSources(ROOT, '.js').filter((file) =>
    /\bwx\s*\.\s*uploadFile\s*\(/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'))
  )
  expect(callers).toEqual(['api/upload.js'])
})

test('config.js points at the local server by default', () => {
  expect(require('../config').apiBase).toBe('http://127.0.0.1:5000/api/v1')
})

// A page missing from app.json compiles fine and only fails on a device, when navigated to.
test('every page the code navigates to is registered in app.json, with its four files', () => {
  const pages = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).pages
  const targets = new Set()
  findSources(ROOT, '.js').forEach((file) => {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8')
    ;(source.match(/'\/pages\/[\w/-]+'/g) || []).forEach((literal) => targets.add(literal.slice(2, -1)))
  })

  expect(targets.size).toBeGreaterThanOrEqual(5)
  targets.forEach((target) => expect(pages).toContain(target))
  pages.forEach((page) => {
    ;['.js', '.json', '.wxml', '.wxss'].forEach((extension) => {
      expect(fs.existsSync(path.join(ROOT, page + extension))).toBe(true)
    })
  })
})
