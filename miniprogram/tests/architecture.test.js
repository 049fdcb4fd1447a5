// api/request.js is the only caller of wx.request; pages and services go through it.

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

test('config.js points at the local server by default', () => {
  expect(require('../config').apiBase).toBe('http://127.0.0.1:5000/api/v1')
})
