// Disconnecting a user from the server, seen by the official JavaScript client (@deepstream/client
// 7.0.5) on a 3-node cluster: a call to node 0 closes the user's connection on node 2; the client
// reconnects as it does after any lost connection, and gets back in only if the server lets it
// log in (no refusal asked for), otherwise it stays logged out while the refusal lasts.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { DeepstreamClient } from '@deepstream/client'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'presence-disconnect-'))
const BASE_PORT = Number(process.env.INTEROP_DISCONNECT_PORT || 7100)
const env = {
  ...process.env,
  BASE_PORT: String(BASE_PORT),
  HAZELCAST_PORT: process.env.INTEROP_DISCONNECT_HAZELCAST_PORT || '5861',
  CLUSTER_NAME: `presence-disconnect-${randomUUID()}`,
  CLUSTER_DIR: join(dir, 'cluster'),
  JAVA_OPTS: '-Xmx384m',
  PRESENCE_PERMISSIONS_FILE: join(dir, 'permissions.yml')
}
const cluster = (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args], { env, stdio: 'inherit' })
const clients = []

async function waitFor (what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

before(() => {
  // anyone logs in by name (the default strategy); only 'moderator' may disconnect users
  writeFileSync(join(dir, 'permissions.yml'), 'presence:\n  "*":\n    allow: true\n    disconnect: "user.id == \'moderator\'"\n')
  cluster('start', '3')
})

after(() => {
  clients.forEach(c => c.close())
  cluster('stop')
})

async function loggedIn (node, username) {
  const c = new DeepstreamClient(`ws://127.0.0.1:${BASE_PORT + node}/deepstream`, { subscriptionInterval: 0 })
  c.states = []
  c.on('connectionStateChanged', state => c.states.push(state))
  clients.push(c)
  await c.login({ username })
  return c
}

function disconnect (user, body) {
  return fetch(`http://127.0.0.1:${BASE_PORT}/api/presence/${user}/disconnect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('moderator:x').toString('base64') },
    body: JSON.stringify(body)
  })
}

async function watch (user) {
  const watcher = await loggedIn(0, `watcher-${randomUUID()}`)
  const events = []
  watcher.presence.subscribe(user, (name, online) => events.push(online))
  await watcher.presence.getAll([user]) // a round trip: the subscription is in place
  return events
}

test('a disconnected official client reconnects and logs in again when the server lets it', async () => {
  const user = `alex-${randomUUID().slice(0, 6)}`
  const events = await watch(user)
  const alex = await loggedIn(2, user)
  await waitFor('the login', () => events.length === 1)

  const answer = await disconnect(user, { reason: 'spamming' })
  assert.equal(answer.status, 202)

  await waitFor('the logout and the login again', () => events.length === 3)
  assert.deepEqual(events, [true, false, true], 'one leave, then the client is back by itself')
  await waitFor('the client open again', () => alex.getConnectionState() === 'OPEN')
  assert.ok(alex.states.includes('RECONNECTING'), `it reconnected: ${alex.states}`)
})

test('a disconnected official client whose logins are refused stays logged out', async () => {
  const user = `sam-${randomUUID().slice(0, 6)}`
  const events = await watch(user)
  const sam = await loggedIn(2, user)
  await waitFor('the login', () => events.length === 1)

  const answer = await disconnect(user, { reason: 'password changed', refuseLoginsForMs: 60000 })
  assert.equal(answer.status, 202)

  await waitFor('the logout', () => events.length === 2)
  // it reconnects at once, and its login is refused: it waits for new credentials
  await waitFor('the refused login', () => {
    const since = sam.states.lastIndexOf('RECONNECTING')
    return since >= 0 && sam.states.slice(since).includes('AUTHENTICATING') &&
      sam.getConnectionState() === 'AWAITING_AUTHENTICATION'
  })
  const online = await fetch(`http://127.0.0.1:${BASE_PORT + 1}/api/presence/${user}`).then(r => r.json())
  assert.equal(online.online, false, 'the user is offline on every node')
  assert.deepEqual(events, [true, false], 'no login came back')
})
