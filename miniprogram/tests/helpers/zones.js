// Runs a script in a child node process per time zone: TZ must be set before a process starts to
// reach Date, so a test cannot change its own. The script prints one JSON line.

const { spawnSync } = require('child_process')

// [[zone, what the script printed, parsed], ...] in the order of `zones`, as test.each takes them.
function runInZones(script, zones) {
  return zones.map((zone) => {
    const result = spawnSync(process.execPath, ['-e', script], { env: Object.assign({}, process.env, { TZ: zone }) })
    if (result.status !== 0) throw new Error(result.stderr.toString())
    return [zone, JSON.parse(result.stdout.toString())]
  })
}

module.exports = { runInZones }
