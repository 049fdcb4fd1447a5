// Every .wxml and .wxss of the mini-program must compile with WeChat's own compilers.

const fs = require('fs')
const os = require('os')
const path = require('path')
const { findSources, compileWxml, compileWxss } = require('./helpers/compilers')

const ROOT = path.resolve(__dirname, '..')

describe('WeChat compilers accept the sources', () => {
  const wxmlFiles = findSources(ROOT, '.wxml')
  const wxssFiles = findSources(ROOT, '.wxss')

  test('finds every page template and style', () => {
    const pages = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).pages
    pages.forEach((page) => {
      expect(wxmlFiles).toContain(`${page}.wxml`)
      expect(wxssFiles).toContain(`${page}.wxss`)
    })
    expect(wxssFiles).toContain('app.wxss')
  })

  test('all WXML compiles with wcc', () => {
    const result = compileWxml(ROOT, wxmlFiles)
    if (!result.ok) throw new Error(`wcc rejected the WXML:\n${result.message}`)
  })

  test('all WXSS compiles with wcsc', () => {
    const result = compileWxss(ROOT, wxssFiles)
    if (!result.ok) throw new Error(`wcsc rejected the WXSS:\n${result.message}`)
  })
})

// Guards the guard: the harness must go red on broken sources, or the tests above prove nothing.
describe('the compile check fails on broken sources', () => {
  let dir

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcompile-'))
    fs.writeFileSync(path.join(dir, 'ok.wxml'), '<view class="a">{{name}}</view>\n')
    fs.writeFileSync(path.join(dir, 'unclosed.wxml'), '<view><text>你好</view>\n')
    fs.writeFileSync(path.join(dir, 'mustache.wxml'), '<view>{{name</view>\n')
    fs.writeFileSync(path.join(dir, 'ok.wxss'), '.a { color: red; }\n')
    fs.writeFileSync(path.join(dir, 'broken.wxss'), '.a { color: red;\n')
  })

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('valid fixtures pass', () => {
    expect(compileWxml(dir, ['ok.wxml']).ok).toBe(true)
    expect(compileWxss(dir, ['ok.wxss']).ok).toBe(true)
  })

  test('an unclosed tag is reported with its file and position', () => {
    const result = compileWxml(dir, ['ok.wxml', 'unclosed.wxml'])
    expect(result.ok).toBe(false)
    expect(result.message).toMatch(/unclosed\.wxml:1:\d+/)
  })

  test('an unterminated mustache is reported', () => {
    const result = compileWxml(dir, ['mustache.wxml'])
    expect(result.ok).toBe(false)
    expect(result.message).toMatch(/mustache\.wxml/)
  })

  test('a broken stylesheet is reported', () => {
    const result = compileWxss(dir, ['ok.wxss', 'broken.wxss'])
    expect(result.ok).toBe(false)
    expect(result.message).toMatch(/broken\.wxss/)
  })
})
