// Runs WeChat's own WXML (wcc) and WXSS (wcsc) compilers shipped in the npm package
// miniprogram-compiler, the way the package's wrapper and the developer tools do.
// The wrapper's wxssToJs returns (does not throw) its error, so the binaries are called directly.

const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const PLATFORM_DIRS = { linux: 'linux', darwin: 'mac', win32: 'windows' }

function compilerPath(name) {
  const packageDir = path.dirname(require.resolve('miniprogram-compiler/package.json'))
  const platformDir = PLATFORM_DIRS[process.platform]
  if (!platformDir) throw new Error(`miniprogram-compiler has no ${name} binary for ${process.platform}`)
  const binary = path.join(packageDir, 'bin', platformDir, process.platform === 'win32' ? `${name}.exe` : name)
  // The package is published without the executable bit; its own wrapper sets it the same way.
  if (process.platform !== 'win32') {
    try {
      fs.accessSync(binary, fs.constants.X_OK)
    } catch (e) {
      fs.chmodSync(binary, 0o755)
    }
  }
  return binary
}

// Source files of one extension under root, relative to it, skipping node_modules and tests.
function findSources(root, extension) {
  const found = []
  const walk = (dir) => {
    fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
      if (entry.name === 'node_modules' || entry.name === 'tests' || entry.name.startsWith('.')) return
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith(extension)) found.push(path.relative(root, full).split(path.sep).join('/'))
    })
  }
  walk(root)
  return found.sort()
}

function outcome(result, name) {
  if (result.error) throw new Error(`${name} could not be run: ${result.error.message}`)
  const stderr = result.stderr.toString().trim()
  const ok = result.status === 0 && !/^ERR/m.test(stderr)
  return { ok, status: result.status, message: stderr || `${name} exited with status ${result.status}` }
}

// All WXML files in one run, as the developer tools compile them.
function compileWxml(root, files) {
  const args = ['-d', '-cc', '0'].concat(files, ['-gn', '$gwx'])
  return outcome(spawnSync(compilerPath('wcc'), args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }), 'wcc')
}

// All WXSS files in one run (wcsc needs every @import target listed). Page and component
// styles (those with a sibling .json) go first and are counted by -pc, as the wrapper does.
function compileWxss(root, files) {
  const hasJson = (file) => fs.existsSync(path.join(root, file.replace(/\.wxss$/, '.json')))
  const pageFiles = files.filter(hasJson)
  const otherFiles = files.filter((file) => !hasJson(file))
  const args = ['-db', '-pc', String(pageFiles.length)].concat(pageFiles, otherFiles)
  return outcome(spawnSync(compilerPath('wcsc'), args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }), 'wcsc')
}

module.exports = { compilerPath, findSources, compileWxml, compileWxss }
