// The official JavaScript client over wss:// to a node serving TLS from PEM files (a certificate
// made here with openssl, trusted by the client as a private CA would be), in both modes. The
// client runs in its own process (tls-client.js): Node trusts an extra CA from
// NODE_EXTRA_CA_CERTS, read at start-up.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'

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

before(() => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'node.key'), '-out', join(dir, 'node.crt')], { stdio: 'ignore' })
  cluster('start', '1')
})

after(() => cluster('stop'))

for (const mode of ['binary', 'json']) {
  test(`${mode}: logs in, subscribes and queries over wss://, trusting the node's certificate as a private CA`, () => {
    const output = execFileSync('node', [join(root, 'interop/tls-client.js'), String(PORT), mode],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'node.crt') }, encoding: 'utf8', timeout: 60000 })
    const result = JSON.parse(output.trim().split('\n').pop())
    assert.equal(result.ok, true, output)
  })
}

test('a client that does not trust the certificate is refused', () => {
  let output = ''
  try {
    output = execFileSync('node', [join(root, 'interop/tls-client.js'), String(PORT), 'binary'],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: '' }, encoding: 'utf8', timeout: 60000 })
  } catch (error) {
    output = error.stdout
  }
  assert.equal(JSON.parse(output.trim().split('\n').pop()).ok, false, output)
})
