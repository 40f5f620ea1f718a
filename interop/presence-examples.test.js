// The examples of presence-api.txt, run by the official JavaScript client (@deepstream/client 7.0.5)
// against a 3-node cluster started by scripts/cluster.sh, in binary and in JSON mode. Subscribers
// sit on one node and logins happen on another. Any 'error' event from any client fails the run.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { DeepstreamClient } from '@deepstream/client'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// Ports and a cluster name of this test's own, so it never joins a developer's cluster.
const BASE_PORT = Number(process.env.INTEROP_BASE_PORT || 7020)
const clusterEnv = {
  ...process.env,
  BASE_PORT: String(BASE_PORT),
  HAZELCAST_PORT: process.env.INTEROP_HAZELCAST_PORT || '5801',
  CLUSTER_NAME: `presence-interop-${randomUUID()}`,
  CLUSTER_DIR: mkdtempSync(join(tmpdir(), 'presence-interop-')),
  JAVA_OPTS: '-Xmx512m'
}
const cluster = (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args],
  { env: clusterEnv, stdio: 'inherit' })

const errors = []
const clients = []

before(() => cluster('start', '3'))
after(() => {
  clients.forEach(c => c.close())
  cluster('stop')
})

/** Waits (bounded) until check() returns true; polls, never sleeps blindly. */
async function waitFor (what, check, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

async function connect (node, mode, authData) {
  const path = mode === 'json' ? '/deepstream-json' : '/deepstream'
  // subscriptionTimeout 500: an ack the client cannot match is reported as ACK_TIMEOUT within 0.5 s.
  // subscriptionInterval 0: subscriptions go out at once rather than batched on a timer, so that
  // a following getAll() round trip proves the node has them
  const options = { subscriptionInterval: 0, subscriptionTimeout: 500, ...(mode === 'json' ? { socketOptions: { jsonTransportMode: true } } : {}) }
  const client = new DeepstreamClient(`ws://127.0.0.1:${BASE_PORT + node}${path}`, options)
  client.on('error', (error, event, topic) => errors.push({ mode, node, error, event, topic }))
  clients.push(client)
  if (authData === undefined) {
    await client.login()
  } else {
    await client.login(authData)
  }
  return client
}

function closeClient (client) {
  client.close()
  clients.splice(clients.indexOf(client), 1)
}

const recorder = () => {
  const calls = []
  const cb = (username, isLoggedIn) => calls.push([username, isLoggedIn])
  return { calls, cb }
}

for (const mode of ['binary', 'json']) {
  test(`${mode}: subscribe to everyone and to one name on node 0, logins on node 1, queries on node 2`, async () => {
    const alex = `Alex-${mode}-${randomUUID().slice(0, 6)}`
    const a = await connect(0, mode, { username: `A-${mode}` })
    const everyone = recorder()
    const onlyAlex = recorder()
    a.presence.subscribe(everyone.cb)
    a.presence.subscribe(alex, onlyAlex.cb)
    await a.presence.getAll()

    const b = await connect(1, mode, { username: alex })
    await waitFor('join of Alex for everyone', () => everyone.calls.some(([u, on]) => u === alex && on))
    await waitFor('join of Alex for the Alex subscription', () => onlyAlex.calls.some(([u, on]) => u === alex && on))

    const c = await connect(2, mode, { username: `C-${mode}` })
    // node 2 hears of Alex's login on its own time, not when node 0's subscriber does
    let all = await c.presence.getAll()
    for (const deadline = Date.now() + 10000; !all.includes(alex) && Date.now() < deadline;) {
      all = await c.presence.getAll()
    }
    assert.ok(all.includes(alex), `getAll() lists Alex: ${all}`)
    assert.ok(!all.includes(`C-${mode}`), 'getAll() leaves out the asker')
    const some = await c.presence.getAll([alex, 'Pedro'])
    assert.deepEqual(some, { [alex]: true, Pedro: false })
    await new Promise((resolve, reject) => c.presence.getAll((error, result) =>
      error ? reject(new Error(error)) : (assert.ok(result.includes(alex)), resolve())))

    a.presence.unsubscribe(everyone.cb)
    closeClient(b)
    await waitFor('leave of Alex for the Alex subscription', () => onlyAlex.calls.some(([u, on]) => u === alex && !on))
    assert.deepEqual(onlyAlex.calls, [[alex, true], [alex, false]])
    assert.ok(!everyone.calls.some(([u, on]) => u === alex && !on), 'unsubscribed callback not called')
    // node 2 hears of the logout on its own time too
    let after = await c.presence.getAll([alex])
    for (const deadline = Date.now() + 10000; after[alex] && Date.now() < deadline;) {
      after = await c.presence.getAll([alex])
    }
    assert.deepEqual(after, { [alex]: false })
    assert.deepEqual(errors, [])
  })

  test(`${mode}: anonymous logins never show in presence`, async () => {
    const marker = `marker-${mode}-${randomUUID().slice(0, 6)}`
    const watcher = await connect(0, mode, { username: `W-${mode}` })
    const everyone = recorder()
    watcher.presence.subscribe(everyone.cb)
    await watcher.presence.getAll()
    const anonymous = await connect(1, mode)
    const seenByAnonymous = await anonymous.presence.getAll()
    assert.ok(!seenByAnonymous.includes('open'))
    await connect(1, mode, { username: marker })
    await waitFor('join of the marker', () => everyone.calls.some(([u]) => u === marker))
    assert.deepEqual(everyone.calls, [[marker, true]], 'only the marker joined')
    const all = await watcher.presence.getAll()
    assert.ok(!all.includes('open') && !all.includes(undefined) && !all.includes(''))
    assert.deepEqual(errors, [])
  })

  test(`${mode}: unsubscribe(username) and unsubscribe() stop callbacks`, async () => {
    const x = `X-${mode}-${randomUUID().slice(0, 6)}`
    const y = `Y-${mode}-${randomUUID().slice(0, 6)}`
    const a = await connect(2, mode, { username: `U-${mode}` })
    const forX = recorder()
    const barrier = recorder()
    a.presence.subscribe(x, forX.cb)
    a.presence.unsubscribe(x)
    a.presence.subscribe(barrier.cb)
    await a.presence.getAll()
    await connect(0, mode, { username: x })
    await waitFor('join of X through the remaining subscription', () => barrier.calls.some(([u]) => u === x))
    assert.deepEqual(forX.calls, [])

    a.presence.unsubscribe()
    await a.presence.getAll()
    const watcher = await connect(1, mode, { username: `V-${mode}` })
    const confirm = recorder()
    watcher.presence.subscribe(confirm.cb)
    await watcher.presence.getAll()
    await connect(0, mode, { username: y })
    await waitFor('join of Y at another subscriber', () => confirm.calls.some(([u]) => u === y))
    assert.ok(!barrier.calls.some(([u]) => u === y), 'unsubscribe() removed every callback')
    assert.deepEqual(errors, [])
  })
}

// The SDK on the protobuf-java it is built with, and on the oldest one it supports (the version of
// protoc its messages were generated with: examples/target/protobuf-floor, from the build).
const lib = join(root, 'examples/target/lib')
const floorDir = join(root, 'examples/target/protobuf-floor')
const floorJar = readdirSync(floorDir).find(f => f.startsWith('protobuf-java-'))
const classpaths = {
  'its own protobuf runtime': [join(root, 'examples/target/presence-examples.jar'), `${lib}/*`],
  [`the oldest protobuf runtime it supports (${floorJar})`]: [join(root, 'examples/target/presence-examples.jar'),
    ...readdirSync(lib).filter(f => !f.startsWith('protobuf-java-')).map(f => join(lib, f)), join(floorDir, floorJar)]
}

for (const [runtime, classpath] of Object.entries(classpaths)) {
  test(`the Java SDK on ${runtime} and the official client give the same answers side by side`, async () => {
    const tag = randomUUID().slice(0, 6)
    const users = [0, 1, 2].map(i => `side-${tag}-${i}`)
    for (const [i, username] of users.entries()) await connect(i, 'binary', { username })
    const jsAsker = `js-asker-${tag}`
    const js = await connect(1, 'json', { username: jsAsker })
    const question = [users[0], users[2], `nobody-${tag}`]
    let jsAll = await js.presence.getAll()
    const deadline = Date.now() + 10000
    while (!users.every(u => jsAll.includes(u))) {
      if (Date.now() > deadline) throw new Error(`users never all online: ${jsAll}`)
      jsAll = await js.presence.getAll()
    }
    const jsSome = await js.presence.getAll(question)

    const javaAsker = `java-asker-${tag}`
    if (classpath.includes(join(floorDir, floorJar))) {
      assert.deepEqual(classpath.filter(entry => entry.includes('protobuf-java-')), [join(floorDir, floorJar)])
    }
    const out = execFileSync('java', ['-cp', classpath.join(':'),
      'io.presence.examples.PresenceExample', '--url', `127.0.0.1:${BASE_PORT + 1}`,
      '--user', javaAsker, '--query', question.join(',')], { encoding: 'utf8' })
    const lines = out.trim().split('\n').map(l => JSON.parse(l))
    const javaAll = lines.find(l => l.getAll).getAll
    const javaSome = lines.find(l => l.getAllNames).getAllNames

    const others = list => list.filter(n => n !== jsAsker && n !== javaAsker).sort()
    assert.deepEqual(others(javaAll), others(jsAll))
    assert.ok(users.every(u => javaAll.includes(u)), `Java sees every user: ${javaAll}`)
    assert.ok(javaAll.includes(jsAsker) && !javaAll.includes(javaAsker), 'each leaves out only itself')
    assert.deepEqual(javaSome, jsSome)
    assert.deepEqual(jsSome, { [users[0]]: true, [users[2]]: true, [`nobody-${tag}`]: false })
    assert.deepEqual(errors, [])
  })
}

test('no client reported an error, also after every ack deadline passed', async () => {
  // Acks are matched by the client: one it could not match surfaces as an ACK_TIMEOUT error
  // 0.5 s after the request (subscriptionTimeout above), so look once that window has passed.
  await new Promise(resolve => setTimeout(resolve, 1500))
  assert.deepEqual(errors, [])
})
