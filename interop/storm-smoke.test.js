// A smoke run of the independent reconnect-storm generator (bench/node/storm.js: Node with ws,
// raw protobuf frames) against a 3-node cluster started by scripts/cluster.sh: a few hundred
// users on node 0, SIGKILL to it, every client back on a survivor, each user's events at both
// survivors' subscribers right, getAll() on both listing everyone. The measurement itself is in
// docs/performance.md (18,000 users).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const BASE_PORT = Number(process.env.INTEROP_STORM_PORT || 7080)
const clusterDir = mkdtempSync(join(tmpdir(), 'presence-storm-'))
const clusterEnv = {
  ...process.env,
  BASE_PORT: String(BASE_PORT),
  HAZELCAST_PORT: process.env.INTEROP_STORM_HAZELCAST_PORT || '5851',
  CLUSTER_NAME: `presence-storm-${randomUUID()}`,
  CLUSTER_DIR: clusterDir,
  JAVA_OPTS: '-Xmx384m'
}
const cluster = (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args],
  { env: clusterEnv, stdio: 'inherit' })

before(() => cluster('start', '3'))
after(() => cluster('stop'))

test('after a node is killed every client of the storm generator is back, and both survivors agree', async () => {
  const pids = [0, 1, 2].map((n) => readFileSync(join(clusterDir, `node-${n}.pid`), 'utf8').trim())
  const urls = [0, 1, 2].map((n) => `ws://127.0.0.1:${BASE_PORT + n}/deepstream`)
  const output = await new Promise((resolve, reject) => execFile('node', [join(root, 'bench/node/storm.js'),
    '--urls', urls.join(','), '--pids', pids.join(','), '--users', '300', '--workers', '2', '--in-flight', '20', '--timeout', '30'],
  { timeout: 90000 }, (error, stdout, stderr) => error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout)))
  const result = JSON.parse(output.trim().split('\n').pop())
  assert.equal(result.complete, true, JSON.stringify(result))
  assert.equal(result.reconnectFailed, 0, JSON.stringify(result))
  assert.equal(result.subscribers.length, 2)
  for (const sub of result.subscribers) {
    assert.equal(sub.usersBackCorrectly, 300, JSON.stringify(sub))
    assert.equal(sub.getAllListsEveryUser, true, JSON.stringify(sub))
  }
  assert.ok(result.msFromKillToEveryClientBack > 0, JSON.stringify(result))
})
