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
import { args as parse, cpuMillis as cpuOf, login as loginAt, percentile as pct, presenceFrame, until, PRESENCE, PRESENCE_ACTION } from './wire.js'

const args = parse(process.argv.slice(2))
const URL = args.url ?? 'ws://127.0.0.1:6020/deepstream'
const PID = Number(args.pid)
const SUBSCRIBERS = Number(args.subscribers ?? 1000)
const USERS = Number(args.users ?? 300)
const RATE = Number(args.rate ?? 100)
const TIMEOUT_MS = Number(args.timeout ?? 60) * 1000
const TAG = Math.random().toString(36).slice(2, 8)
const SUBSCRIBE_ALL = presenceFrame(PRESENCE_ACTION.SUBSCRIBE_ALL)
const cpuMillis = () => cpuOf(PID)
const login = (username, onMessage, onAuthSent) => loginAt(URL, username, onMessage, onAuthSent)

const joinLatency = []; const leaveLatency = []
const authSentAt = new Map(); const closedAt = new Map()
let joins = 0; let leaves = 0; let duplicates = 0
const seen = new Map() // subscriber index -> Map(name -> last event)

function onEvent (sub, m) {
  if (m.topic !== PRESENCE || (m.action !== PRESENCE_ACTION.JOIN_ALL && m.action !== PRESENCE_ACTION.LEAVE_ALL) || !m.name?.startsWith('u-' + TAG)) return
  const now = performance.now()
  const mine = seen.get(sub) ?? new Map(); seen.set(sub, mine)
  const state = m.action === PRESENCE_ACTION.JOIN_ALL ? 'join' : 'leave'
  if (mine.get(m.name) === state) { duplicates++; return }
  mine.set(m.name, state)
  if (state === 'join') { joins++; joinLatency.push(now - authSentAt.get(m.name)) } else { leaves++; leaveLatency.push(now - closedAt.get(m.name)) }
}

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
