// Smoke runs of the independent load generators (bench/node: Node with ws, raw protobuf frames)
// against a 1-node cluster started by scripts/cluster.sh: fanout.js (a handful of subscribers to
// everyone, a few users in and out, every event delivered exactly once) and logins.js (a few
// hundred logins in two passes, every join and leave seen once, getAll() right). The benchmarks
// themselves are scripts/bench-compare.sh fanout and logins, side by side with deepstream.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const BASE_PORT = Number(process.env.INTEROP_FANOUT_PORT || 7060)
const clusterDir = mkdtempSync(join(tmpdir(), 'presence-fanout-'))
const clusterEnv = {
  ...process.env,
  BASE_PORT: String(BASE_PORT),
  HAZELCAST_PORT: process.env.INTEROP_FANOUT_HAZELCAST_PORT || '5841',
  CLUSTER_NAME: `presence-fanout-${randomUUID()}`,
  CLUSTER_DIR: clusterDir,
  JAVA_OPTS: '-Xmx384m'
}
const cluster = (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args],
  { env: clusterEnv, stdio: 'inherit' })

before(() => cluster('start', '1'))
after(() => cluster('stop'))

test('the independent fan-out generator sees every join and leave once at every subscriber', async () => {
  const pid = readFileSync(join(clusterDir, 'node-0.pid'), 'utf8').trim()
  const output = await new Promise((resolve, reject) => execFile('node', [join(root, 'bench/node/fanout.js'),
    '--url', `ws://127.0.0.1:${BASE_PORT}/deepstream`, '--pid', pid,
    '--subscribers', '20', '--users', '10', '--rate', '50', '--timeout', '20'],
  { timeout: 60000 }, (error, stdout, stderr) => error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout)))
  const result = JSON.parse(output.trim().split('\n').pop())
  assert.equal(result.expected, 2 * 20 * 10)
  assert.equal(result.delivered, result.expected)
  assert.equal(result.duplicates, 0)
  assert.ok(result.serverCpuMs >= 0 && result.joinP99Ms > 0, JSON.stringify(result))
})

test('the independent login generator sees every login and logout, and getAll() answers every user', async () => {
  const pid = readFileSync(join(clusterDir, 'node-0.pid'), 'utf8').trim()
  const output = await new Promise((resolve, reject) => execFile('node', [join(root, 'bench/node/logins.js'),
    '--url', `ws://127.0.0.1:${BASE_PORT}/deepstream`, '--pid', pid,
    '--users', '300', '--passes', '2', '--workers', '2', '--in-flight', '10', '--queries', '5', '--timeout', '30'],
  { timeout: 90000 }, (error, stdout, stderr) => error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout)))
  const result = JSON.parse(output.trim().split('\n').pop())
  assert.equal(result.passes.length, 2)
  for (const pass of result.passes) {
    assert.equal(pass.failedLogins, 0, JSON.stringify(pass))
    assert.equal(pass.joinsMissed + pass.joinsDuplicated + pass.leavesMissed, 0, JSON.stringify(pass))
    assert.equal(pass.getAllWrong, 0, JSON.stringify(pass))
    assert.ok(pass.serverCpuMs >= 0 && pass.authToJoinP99Ms > 0 && pass.rssOnlineMb > 0, JSON.stringify(pass))
  }
})
