// Fan-out, measured by a client that shares nothing with the server's stack: Node with `ws`
// (compression off), raw protobuf frames written by hand from the wire protocol's field numbers.
//
//   node fanout.js --url ws://127.0.0.1:6020/deepstream --pid <server pid>
//        [--subscribers 1000] [--users 300] [--rate 100] [--timeout 60]
//
// SUBSCRIBERS connections log in and subscribe to everyone; then USERS users log in at RATE a
// second (each its own WebSocket: CHALLENGE, AUTH), and once all are in, close at RATE a second.
// Every subscriber must get every join and every leave exactly once. Prints one JSON line: events
// delivered, missing and duplicated, the server's CPU (from /proc/<pid>/stat) per delivered event,
// and AUTH -> join and close -> leave latency percentiles at the subscribers.
import WebSocket from 'ws'
import { readFileSync } from 'node:fs'

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []))
const URL = args.url ?? 'ws://127.0.0.1:6020/deepstream'
const PID = Number(args.pid)
const SUBSCRIBERS = Number(args.subscribers ?? 1000)
const USERS = Number(args.users ?? 300)
const RATE = Number(args.rate ?? 100)
const TIMEOUT_MS = Number(args.timeout ?? 60) * 1000
const TAG = Math.random().toString(36).slice(2, 8)

// --- protobuf, by hand: varints, length-delimited fields, the outer Message ---------------------
function varint (n) {
  const out = []
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
  out.push(n)
  return out
}
function field (number, value) {
  if (typeof value === 'number') return [...varint(number << 3), ...varint(value)]
  const bytes = Buffer.from(value, 'utf8')
  return [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes]
}
function frame (topic, inner) {
  const message = [...field(2, topic), ...varint((3 << 3) | 2), ...varint(inner.length), ...inner]
  return Buffer.from([...varint(message.length), ...message])
}
const CONNECTION = 2; const AUTH = 3; const PRESENCE = 7
const CHALLENGE = frame(CONNECTION, [...field(1, 5), ...field(5, URL), ...field(6, '0.1a')])
const SUBSCRIBE_ALL = frame(PRESENCE, field(1, 12))
const auth = (username) => frame(AUTH, [...field(1, 2), ...field(2, JSON.stringify({ username }))])

/** {topic, action, name} of one frame from the server. */
function decode (buf) {
  let at = 0
  const read = () => { let n = 0; let shift = 0; let b; do { b = buf[at++]; n += (b & 0x7f) * 2 ** shift; shift += 7 } while (b & 0x80); return n }
  read() // the length prefix
  let topic = 0; let inner = null
  while (at < buf.length) {
    const key = read(); const type = key & 7
    if (type === 0) { const v = read(); if (key >>> 3 === 2) topic = v } else if (type === 2) {
      const len = read(); if (key >>> 3 === 3) inner = buf.subarray(at, at + len); at += len
    } else throw new Error('unexpected wire type ' + type)
  }
  const out = { topic, action: 0, name: null }
  if (!inner) return out
  at = 0
  const whole = buf; buf = inner
  while (at < buf.length) {
    const key = read(); const type = key & 7
    if (type === 0) { const v = read(); if (key >>> 3 === 1) out.action = v } else if (type === 2) {
      const len = read(); if (key >>> 3 === 8) out.name = buf.toString('utf8', at, at + len); at += len
    } else throw new Error('unexpected wire type ' + type)
  }
  buf = whole
  return out
}

function cpuMillis () {
  const stat = readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(stat[11]) + Number(stat[12])) * 10
}

/** Opens a connection and logs in as `username`; resolves with the socket once AUTH_SUCCESSFUL came. */
function login (username, onMessage, onAuthSent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(URL, { perMessageDeflate: false })
    ws.binaryType = 'nodebuffer'
    ws.on('error', reject)
    ws.on('open', () => ws.send(CHALLENGE))
    ws.on('message', (data) => {
      const m = decode(data)
      if (m.topic === CONNECTION && m.action === 4) { onAuthSent?.(); ws.send(auth(username)) } else if (m.topic === AUTH && m.action === 3) resolve(ws)
      else onMessage?.(m)
    })
  })
}

const joinLatency = []; const leaveLatency = []
const authSentAt = new Map(); const closedAt = new Map()
let joins = 0; let leaves = 0; let duplicates = 0
const seen = new Map() // subscriber index -> Map(name -> last event)

function onEvent (sub, m) {
  if (m.topic !== PRESENCE || (m.action !== 7 && m.action !== 9) || !m.name?.startsWith('u-' + TAG)) return
  const now = performance.now()
  const mine = seen.get(sub) ?? new Map(); seen.set(sub, mine)
  const state = m.action === 7 ? 'join' : 'leave'
  if (mine.get(m.name) === state) { duplicates++; return }
  mine.set(m.name, state)
  if (state === 'join') { joins++; joinLatency.push(now - authSentAt.get(m.name)) } else { leaves++; leaveLatency.push(now - closedAt.get(m.name)) }
}

const pct = (list, p) => { const s = [...list].sort((a, b) => a - b); return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2) : null }
const until = (condition, ms) => new Promise((resolve) => {
  const started = Date.now()
  const check = () => (condition() || Date.now() - started > ms) ? resolve(condition()) : setTimeout(check, 20)
  check()
})
/** Runs `step(i)` for i in [0, count) at `rate` a second. */
async function paced (count, rate, step) {
  const started = performance.now()
  const pending = []
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    pending.push(step(i))
  }
  return Promise.all(pending)
}

const subscribers = []
for (let i = 0; i < SUBSCRIBERS; i += 50) {
  const batch = []
  for (let j = i; j < Math.min(SUBSCRIBERS, i + 50); j++) {
    batch.push(login(`s-${TAG}-${j}`, (m) => onEvent(j, m)).then((ws) => new Promise((resolve) => {
      ws.once('message', () => resolve(ws)) // the ack of SUBSCRIBE_ALL
      ws.send(SUBSCRIBE_ALL)
    })))
  }
  subscribers.push(...await Promise.all(batch))
}
const expected = SUBSCRIBERS * USERS
const cpuBefore = cpuMillis(); const started = performance.now()
const users = await paced(USERS, RATE, (i) => {
  const name = `u-${TAG}-${i}`
  return login(name, null, () => authSentAt.set(name, performance.now()))
})
await until(() => joins >= expected, TIMEOUT_MS)
await paced(USERS, RATE, async (i) => { closedAt.set(`u-${TAG}-${i}`, performance.now()); users[i].close() })
await until(() => leaves >= expected, TIMEOUT_MS)
const cpu = cpuMillis() - cpuBefore; const elapsed = performance.now() - started
console.log(JSON.stringify({
  url: URL, subscribers: SUBSCRIBERS, users: USERS, rate: RATE,
  delivered: joins + leaves, expected: 2 * expected, missing: 2 * expected - joins - leaves, duplicates,
  serverCpuMs: cpu, elapsedMs: Math.round(elapsed), cpuPerEventUs: +(1000 * cpu / Math.max(1, joins + leaves)).toFixed(2),
  joinP50Ms: pct(joinLatency, 0.5), joinP99Ms: pct(joinLatency, 0.99), leaveP50Ms: pct(leaveLatency, 0.5), leaveP99Ms: pct(leaveLatency, 0.99)
}))
subscribers.forEach((ws) => ws.terminate())
process.exit(joins + leaves === 2 * expected && duplicates === 0 ? 0 : 1)
