// Security with the official JavaScript client (@deepstream/client 7.0.5): logins with each
// strategy against our node, and a deepstream users.yml and permissions file used unchanged by
// deepstream 7.0.2 and by our node side by side, with the same outcomes where both agree by design.
// Password hashes are made by deepstream's own `deepstream hash` command.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import jwt from 'jsonwebtoken'
import { DeepstreamClient } from '@deepstream/client'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const deepstreamBin = join(dirname(require.resolve('@deepstream/server/package.json')), 'dist/bin/deepstream')
const dir = mkdtempSync(join(tmpdir(), 'presence-security-'))
const OUR_PORT = Number(process.env.INTEROP_SECURITY_PORT || 7040)
const DS_PORT = Number(process.env.INTEROP_DEEPSTREAM_PORT || 7160)
const JWT_SECRET = `secret-${randomUUID()}`
const PASSWORD = 'correct horse battery staple'

const permissions = `
presence:
  "*":
    allow: "user.data.role === 'admin'"
  "public-*":
    allow: true
record:
  "*":
    create: true
    write: true
    read: true
    delete: true
    listen: true
    notify: true
event:
  "*":
    publish: true
    subscribe: true
    listen: true
rpc:
  "*":
    provide: true
    request: true
`
const deepstreamConfig = (port) => `
serverName: interop-security
showLogo: false
logLevel: ERROR
telemetry: { type: deepstreamIO, options: { enabled: false } }
httpServer:
  type: default
  options: { port: ${port}, host: 127.0.0.1, healthCheckPath: /health-check }
connectionEndpoints:
  - type: ws-binary
    options: { urlPath: /deepstream, maxAuthAttempts: 3, unauthenticatedClientTimeout: 180000 }
  - type: http
    options: { allowAuthData: true, postPath: /api, getPath: /api, logInvalidAuthData: false, requestTimeout: 20000 }
logger: { type: default, options: { colors: false } }
auth:
  - type: file
    options: { users: fileLoad(users.yml), hash: md5, iterations: 100, keyLength: 32 }
permission:
  type: config
  options: { permissions: fileLoad(permissions.yml), maxRuleIterations: 3, cacheEvacuationInterval: 60000 }
monitoring: { type: none }
`

// the auth webhook: knows one secret; says who the user is and what the client may know
const webhookCalls = []
const webhook = createServer((req, res) => {
  let body = ''
  req.on('data', chunk => { body += chunk })
  req.on('end', () => {
    const request = JSON.parse(body)
    webhookCalls.push(request)
    if (request.authData.secret === 'open sesame') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ id: request.authData.hookUser, clientData: { via: 'webhook' }, serverData: { role: 'user' } }))
    } else {
      res.writeHead(401)
      res.end('wrong secret')
    }
  })
})

const clusterEnv = () => ({
  ...process.env,
  BASE_PORT: String(OUR_PORT),
  HAZELCAST_PORT: process.env.INTEROP_SECURITY_HAZELCAST_PORT || '5821',
  CLUSTER_NAME: `presence-security-${randomUUID()}`,
  CLUSTER_DIR: join(dir, 'cluster'),
  JAVA_OPTS: '-Xmx512m',
  // file first (its users), then JWT (a token), then the webhook (anyone else)
  PRESENCE_AUTH: 'file,jwt,http',
  PRESENCE_AUTH_FILE_USERS: join(dir, 'users.yml'),
  PRESENCE_AUTH_JWT_SECRET: JWT_SECRET,
  PRESENCE_AUTH_JWT_SERVER_DATA_CLAIM: 'data',
  PRESENCE_AUTH_HTTP_URL: `http://127.0.0.1:${webhook.address().port}/check-login`,
  PRESENCE_PERMISSIONS_FILE: join(dir, 'permissions.yml')
})
let env
const cluster = (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args], { env, stdio: 'inherit' })

let deepstream
const clients = []

async function waitFor (what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

function hashWithDeepstream (password) {
  const out = execFileSync('node', [deepstreamBin, 'hash', password, '-c', join(dir, 'deepstream.yml')], { cwd: dir }).toString()
  return out.match(/Password hash: (\S+)/)[1]
}

before(async () => {
  await new Promise(resolve => webhook.listen(0, '127.0.0.1', resolve))
  writeFileSync(join(dir, 'permissions.yml'), permissions)
  writeFileSync(join(dir, 'users.yml'), 'placeholder: { password: x }\n')
  writeFileSync(join(dir, 'deepstream.yml'), deepstreamConfig(DS_PORT))
  const user = (name, data) => `${name}:\n  password: "${hashWithDeepstream(PASSWORD)}"\n${data}`
  writeFileSync(join(dir, 'users.yml'), [
    user('blue-member', '  clientData: { greeting: hello blue }\n  serverData: { role: user }\n'),
    user('boss', '  serverData: { role: admin }\n'),
    user('public-pat', '  serverData: { role: user }\n'),
    user('secret-sam', '  serverData: { role: user }\n')
  ].join(''))

  deepstream = spawn('node', [deepstreamBin, 'start', '-c', join(dir, 'deepstream.yml')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  env = clusterEnv()
  cluster('start', '1')
  await waitFor('deepstream to serve', async () => {
    try { return (await fetch(`http://127.0.0.1:${DS_PORT}/health-check`)).ok } catch { return false }
  })
})

after(() => {
  clients.forEach(c => c.close())
  if (env) cluster('stop')
  if (deepstream) deepstream.kill('SIGTERM')
  webhook.close()
})

function client (port) {
  const c = new DeepstreamClient(`ws://127.0.0.1:${port}/deepstream`, { subscriptionInterval: 0, subscriptionTimeout: 500 })
  c.errors = []
  c.on('error', (error, event, topic) => c.errors.push({ event, topic }))
  clients.push(c)
  return c
}

async function loginOutcome (port, authData) {
  const c = client(port)
  try {
    return { ok: true, data: await c.login(authData), client: c }
  } catch (reason) {
    return { ok: false, data: reason, client: c }
  }
}

const servers = [['ours', OUR_PORT], ['deepstream', DS_PORT]]

test('a users.yml with hashes made by deepstream logs the same users in, on both servers', async () => {
  for (const [name, port] of servers) {
    const good = await loginOutcome(port, { username: 'blue-member', password: PASSWORD })
    assert.equal(good.ok, true, name)
    assert.deepEqual(good.data, { greeting: 'hello blue' }, `${name}: clientData comes back with the login`)
    const wrong = await loginOutcome(port, { username: 'blue-member', password: 'not it' })
    assert.equal(wrong.ok, false, `${name}: a wrong password is refused`)
    const unknown = await loginOutcome(port, { username: 'nobody-at-all', password: PASSWORD })
    assert.equal(unknown.ok, false, `${name}: an unknown user is refused`)
  }
})

test('a denied subscription reaches the client as an error event, on both servers alike', async () => {
  const seen = {}
  for (const [name, port] of servers) {
    const blue = (await loginOutcome(port, { username: 'blue-member', password: PASSWORD })).client
    const calls = []
    blue.presence.subscribe('secret-sam', (user, online) => calls.push([user, online]))
    blue.presence.subscribe('public-pat', (user, online) => calls.push([user, online]))
    await waitFor(`${name}: MESSAGE_DENIED`, () => blue.errors.some(e => e.event === 'MESSAGE_DENIED'))
    await blue.presence.getAll(['public-pat']) // a round trip: the subscription is in place
    const pat = (await loginOutcome(port, { username: 'public-pat', password: PASSWORD })).client
    const sam = (await loginOutcome(port, { username: 'secret-sam', password: PASSWORD })).client
    await waitFor(`${name}: public-pat's login reported`, () => calls.length > 0)
    assert.deepEqual(calls, [['public-pat', true]], `${name}: only the allowed name's events`)
    seen[name] = blue.errors.filter(e => e.event === 'MESSAGE_DENIED').map(e => e.topic)
    pat.close(); sam.close(); blue.close()
  }
  assert.deepEqual(seen.ours, seen.deepstream)
  assert.deepEqual(seen.ours, ['PRESENCE'])
})

test('denied queries reject with MESSAGE_DENIED and allowed ones answer, on both servers alike', async () => {
  for (const [name, port] of servers) {
    const blue = (await loginOutcome(port, { username: 'blue-member', password: PASSWORD })).client
    await assert.rejects(blue.presence.getAll(), err => err === 'MESSAGE_DENIED', `${name}: getAll() of everyone`)
    await assert.rejects(blue.presence.getAll(['secret-sam']), err => err === 'MESSAGE_DENIED', `${name}: a secret name`)
    assert.deepEqual(await blue.presence.getAll(['public-pat']), { 'public-pat': false }, name)
    const boss = (await loginOutcome(port, { username: 'boss', password: PASSWORD })).client
    // the users of the earlier test log out as their connections close
    await waitFor(`${name}: the admin sees everyone online`, async () =>
      JSON.stringify(await boss.presence.getAll()) === JSON.stringify(['blue-member']))
    blue.close(); boss.close()
  }
})

test('a JWT signed with the shared secret logs its subject in; a forged one is refused', async () => {
  const token = jwt.sign({ sub: 'token-tim', data: { role: 'admin' } }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 60 })
  const tim = await loginOutcome(OUR_PORT, { token })
  assert.equal(tim.ok, true)
  // the serverData claim makes tim an admin for the permission rules
  const pat = (await loginOutcome(OUR_PORT, { username: 'public-pat', password: PASSWORD })).client
  await waitFor('tim sees pat', async () => (await tim.client.presence.getAll()).includes('public-pat'))
  pat.close()

  const forged = jwt.sign({ sub: 'token-tim' }, 'not-the-secret', { algorithm: 'HS256' })
  const refused = await loginOutcome(OUR_PORT, { token: forged })
  assert.equal(refused.ok, false)
  assert.match(refused.data.reason.error, /invalid token/, 'the reason comes with the refusal')
  const expired = jwt.sign({ sub: 'token-tim', exp: Math.floor(Date.now() / 1000) - 60 }, JWT_SECRET, { algorithm: 'HS256' })
  assert.equal((await loginOutcome(OUR_PORT, { token: expired })).ok, false)
})

test('the webhook decides the logins the file and JWT do not know, and sees where they come from', async () => {
  const hooked = await loginOutcome(OUR_PORT, { hookUser: 'hook-hal', secret: 'open sesame' })
  assert.equal(hooked.ok, true)
  assert.deepEqual(hooked.data, { via: 'webhook' })
  const call = webhookCalls.find(c => c.authData.hookUser === 'hook-hal')
  assert.equal(call.connectionData.remoteAddress, '127.0.0.1')
  assert.equal(typeof call.connectionData.headers, 'object')

  const refused = await loginOutcome(OUR_PORT, { hookUser: 'hook-hal', secret: 'guess' })
  assert.equal(refused.ok, false)
  assert.deepEqual(refused.data, { reason: { error: 'wrong secret' } }, 'the body is the reason')
  const boss = (await loginOutcome(OUR_PORT, { username: 'boss', password: PASSWORD })).client
  await waitFor('hook-hal online for the admin', async () => (await boss.presence.getAll()).includes('hook-hal'))
})

test('POST /api answers the same on both servers: queries, denials, bad requests, refused logins', async () => {
  const post = (port, body, type = 'application/json') => fetch(`http://127.0.0.1:${port}/api`,
    { method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const everyone = { topic: 'presence', action: 'query' }
  const aboutPat = { topic: 'presence', action: 'query', names: ['public-pat', 'secret-sam'] }
  const answers = {}
  for (const [name, port] of servers) {
    const pat = (await loginOutcome(port, { username: 'public-pat', password: PASSWORD })).client
    const boss = { username: 'boss', password: PASSWORD }
    let admin
    await waitFor(`${name}: pat online over HTTP`, async () => {
      admin = await (await post(port, { authData: boss, body: [everyone, aboutPat] })).json()
      return admin.body[0].users.includes('public-pat')
    })
    const blue = await (await post(port, { authData: { username: 'blue-member', password: PASSWORD }, body: [everyone, { topic: 'presence', action: 'query', names: ['public-pat'] }] })).json()
    answers[name] = {
      // the users of this test only: earlier tests leave others online on one server or the other
      admin: { result: admin.result, users: admin.body[0].users.filter(u => ['public-pat', 'secret-sam'].includes(u)), some: admin.body[1] },
      blue,
      wrongType: (await post(port, '{}', 'text/plain')).status,
      noBody: (await post(port, { authData: boss })).status,
      notJif: (await post(port, { authData: boss, body: [{ topic: 'presence', action: 'nonsense' }] })).status,
      refused: (await post(port, { authData: { username: 'boss', password: 'guess' }, body: [everyone] })).status
    }
    pat.close()
  }
  assert.deepEqual(answers.ours, answers.deepstream)
  assert.deepEqual(answers.ours.admin, { result: 'SUCCESS', users: ['public-pat'], some: { success: true, users: { 'public-pat': true, 'secret-sam': false } } })
  assert.equal(answers.ours.blue.result, 'PARTIAL_SUCCESS')
  assert.deepEqual([answers.ours.wrongType, answers.ours.noBody, answers.ours.notJif, answers.ours.refused], [415, 400, 400, 401])
})
