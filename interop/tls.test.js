// The official JavaScript client over wss:// to a node serving TLS from PEM files (a certificate
// made here with openssl, trusted by the client as a private CA would be), in both modes.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { DeepstreamClient } from '@deepstream/client'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'presence-tls-'))
const PORT = Number(process.env.INTEROP_TLS_PORT || 7050)
const env = {
  ...process.env,
  BASE_PORT: String(PORT),
  HAZELCAST_PORT: process.env.INTEROP_TLS_HAZELCAST_PORT || '5831',
  CLUSTER_NAME: `presence-tls-${randomUUID()}`,
  CLUSTER_DIR: join(dir, 'cluster'),
  JAVA_OPTS: '-Xmx512m',
  PRESENCE_TLS_CERTIFICATE: join(dir, 'node.crt'),
  PRESENCE_TLS_KEY: join(dir, 'node.key')
}
const cluster = (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args], { env, stdio: 'inherit' })
const clients = []
let ca

before(() => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'node.key'), '-out', join(dir, 'node.crt')], { stdio: 'ignore' })
  ca = readFileSync(join(dir, 'node.crt'))
  cluster('start', '1')
})

after(() => {
  clients.forEach(c => c.close())
  cluster('stop')
})

function connect (mode) {
  const path = mode === 'json' ? '/deepstream-json' : '/deepstream'
  const c = new DeepstreamClient(`wss://localhost:${PORT}${path}`, {
    socketOptions: { ca, ...(mode === 'json' ? { jsonTransportMode: true } : {}) }
  })
  c.errors = []
  c.on('error', (error, event) => c.errors.push(event))
  clients.push(c)
  return c
}

for (const mode of ['binary', 'json']) {
  test(`${mode}: logs in, subscribes and queries over wss://`, async () => {
    const watcher = connect(mode)
    await watcher.login({ username: `tls-watcher-${mode}` })
    const calls = []
    watcher.presence.subscribe((user, online) => calls.push([user, online]))
    const user = connect(mode)
    await user.login({ username: `tls-user-${mode}` })
    const deadline = Date.now() + 10000
    while (!calls.some(([u, online]) => u === `tls-user-${mode}` && online)) {
      if (Date.now() > deadline) throw new Error('no join over TLS')
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    assert.ok((await watcher.presence.getAll()).includes(`tls-user-${mode}`))
    assert.deepEqual(watcher.errors, [])
  })
}
