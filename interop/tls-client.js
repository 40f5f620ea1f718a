// One side of tls.test.js, run as its own process so that Node trusts the test's certificate the
// way an application trusts a private CA: NODE_EXTRA_CA_CERTS, read when the process starts. On
// Node 22 and later the official client takes Node's built-in WebSocket (as in a browser), which
// has no per-socket `ca` option.
//   NODE_EXTRA_CA_CERTS=node.crt node tls-client.js <port> <binary|json>
// Logs a watcher and a user in over wss://, waits for the user's join, checks getAll(); prints one
// JSON line and exits 0 when all held.
import { DeepstreamClient } from '@deepstream/client'

const [port, mode] = process.argv.slice(2)
const path = mode === 'json' ? '/deepstream-json' : '/deepstream'
const errors = []
let loggedIn = false
const fail = (why) => { console.log(JSON.stringify({ ok: false, why, errors })); process.exit(1) }
const connect = () => {
  const c = new DeepstreamClient(`wss://localhost:${port}${path}`, { socketOptions: mode === 'json' ? { jsonTransportMode: true } : {} })
  c.on('error', (error, event) => {
    errors.push(`${event}: ${error}`)
    if (!loggedIn) fail('could not log in') // e.g. a certificate this process does not trust
  })
  return c
}
setTimeout(() => fail('no answer within 20 s'), 20000).unref()

const watcher = connect()
await watcher.login({ username: `tls-watcher-${mode}` })
const calls = []
watcher.presence.subscribe((user, online) => calls.push([user, online]))
const user = connect()
await user.login({ username: `tls-user-${mode}` })
loggedIn = true
const deadline = Date.now() + 10000
while (!calls.some(([u, online]) => u === `tls-user-${mode}` && online)) {
  if (Date.now() > deadline) fail('no join over TLS')
  await new Promise((resolve) => setTimeout(resolve, 20))
}
const all = await watcher.presence.getAll()
if (!all.includes(`tls-user-${mode}`)) fail(`getAll() without the user: ${all}`)
if (errors.length) fail('client errors')
console.log(JSON.stringify({ ok: true, builtInWebSocket: typeof globalThis.WebSocket === 'function' }))
watcher.close(); user.close()
process.exit(0)
