// The summary scripts/bench-compare.sh prints (bench/node/summary.js), on a run directory made up
// here: medians of passes 2 and later, per server, merged pass files, and the ratios.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const summary = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench/node/summary.js')

const pass = (serverCpuMs, p99) => ({
  serverCpuMs, timeUntilEveryJoinMs: 1000, authToJoinP50Ms: 1, authToJoinP99Ms: p99, rssOnlineMb: 100,
  rssAfterLogoutMb: 90, getAllCpuMs: 0.5, joinsMissed: 0, joinsDuplicated: 0
})

test('the logins summary takes the medians of passes 2 and later and merges each server\'s passes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-summary-'))
  // pass 1 is a warm-up far off the others: it must not count
  const cpu = { presence: [9000, 2000, 2400, 2200], deepstream: [9000, 3000, 2800, 3300] }
  for (const who of ['presence', 'deepstream']) {
    cpu[who].forEach((ms, i) => writeFileSync(join(dir, `node-${who}-pass${i + 1}.json`),
      JSON.stringify({ url: who, passes: [pass(ms, 10 + i)] })))
  }
  const printed = execFileSync('node', [summary, 'logins', dir, '4', 'deepstream', 'presence'], { encoding: 'utf8' })
  const result = JSON.parse(readFileSync(join(dir, 'node-summary.json'), 'utf8'))
  const row = result['server CPU until every join (ms)']
  assert.equal(row.presence, 2200)
  assert.equal(row.deepstream, 3000)
  assert.equal(row.ratio, 2200 / 3000)
  assert.equal(result['AUTH -> subscriber join p99 (ms)'].presence, 12)
  assert.deepEqual(result.steady.presence, { cpuLastOverSecond: 1.1, rssGrowthAfterLogoutMb: 0 })
  const merged = JSON.parse(readFileSync(join(dir, 'node-presence.json'), 'utf8'))
  assert.deepEqual(merged.passes.map((p) => [p.pass, p.serverCpuMs]), [[1, 9000], [2, 2000], [3, 2400], [4, 2200]])
  assert.match(printed, /server CPU until every join \(ms\)\s+2200\s+3000\s+0\.73\s+0\.8/)
})

test('the summary refuses what it does not know', () => {
  assert.throws(() => execFileSync('node', [summary, 'bursts', '/tmp', '1'], { stdio: 'pipe' }), /usage/)
})
