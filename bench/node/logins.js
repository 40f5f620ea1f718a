// Logins, measured by a client that shares nothing with the server's stack: Node with `ws`
// (compression off), the frames of wire.js. A login is what a client does: open a WebSocket,
// CHALLENGE, AUTH.
//
//   node logins.js --url ws://127.0.0.1:6020/deepstream --pid <server pid>
//        [--users 10000] [--passes 5] [--workers 2] [--in-flight 50] [--queries 200] [--timeout 120] [--hold 0]
//        [--subscriber-url <another node's url>] [--tag <names' tag>]
//
// One subscriber to everyone stays connected. In each pass WORKERS child processes log USERS users
// in (IN_FLIGHT logins at a time each, every one its own WebSocket) and keep them connected; once
// the subscriber has every join the pass asks QUERIES getAll(), waits HOLD seconds (time to look
// at the server with everyone online), then every user closes and the
// subscriber must see every leave. The same names log in each pass, as returning users do. Prints
// one JSON object: per pass the server's CPU until the subscriber had every join, that time,
// AUTH -> join percentiles (a clock all processes share), the server's RSS with everyone online
// and after everyone left, CPU per getAll(), and joins missed or duplicated.
// With --subscriber-url the subscriber sits on another node of the cluster and --pid names that
// node: its CPU is then what a node spends on changes decided elsewhere (receive, apply, tell).
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { args as parse, cpuMillis, login, percentile, presenceFrame, rssMb, until, wallNow, PRESENCE, PRESENCE_ACTION } from './wire.js'

const args = parse(process.argv.slice(2))
const URL = args.url ?? 'ws://127.0.0.1:6020/deepstream'

if (args.worker !== undefined) {
  // a worker: log in the names it is given, keep them connected until told to close
  const inFlight = Number(args['in-flight'] ?? 50)
  let sockets = []
  process.on('message', async (order) => {
    if (order.login) {
      const names = order.login
      const authSent = {}
      let next = 0; let failed = 0
      const runner = async () => {
        while (next < names.length) {
          const name = names[next++]
          try { sockets.push(await login(URL, name, null, () => { authSent[name] = wallNow() })) } catch { failed++ }
        }
      }
      await Promise.all(Array.from({ length: inFlight }, runner))
      process.send({ authSent, failed })
    } else if (order.close) {
      const closing = sockets.map((ws) => new Promise((resolve) => { ws.once('close', resolve); ws.close() }))
      sockets = []
      await Promise.all(closing)
      process.send({ closed: true })
    } else if (order.exit) process.exit(0)
  })
} else {
  const PID = Number(args.pid)
  const USERS = Number(args.users ?? 10000)
  const PASSES = Number(args.passes ?? 5)
  const WORKERS = Number(args.workers ?? 2)
  const QUERIES = Number(args.queries ?? 200)
  const TIMEOUT_MS = Number(args.timeout ?? 120) * 1000
  const HOLD_MS = Number(args.hold ?? 0) * 1000
  // --tag: the same names in separate runs, as returning users (a random tag otherwise)
  const TAG = args.tag ?? Math.random().toString(36).slice(2, 8)
  const names = Array.from({ length: USERS }, (_, i) => `u-${TAG}-${i}`)

  let joinedAt = new Map(); let duplicates = 0; let leaves = 0; let answer = null
  const subscriber = await login(args['subscriber-url'] ?? URL, `s-${TAG}`, (m) => {
    if (m.topic !== PRESENCE) return
    if (m.action === PRESENCE_ACTION.JOIN_ALL && m.name?.startsWith('u-' + TAG)) {
      if (joinedAt.has(m.name)) duplicates++; else joinedAt.set(m.name, wallNow())
    } else if (m.action === PRESENCE_ACTION.LEAVE_ALL && m.name?.startsWith('u-' + TAG)) leaves++
    else if (m.action === PRESENCE_ACTION.QUERY_ALL_RESPONSE) answer?.(m.names ?? [])
  })
  await new Promise((resolve) => { subscriber.once('message', resolve); subscriber.send(presenceFrame(PRESENCE_ACTION.SUBSCRIBE_ALL)) })

  const workers = Array.from({ length: WORKERS }, () => fork(fileURLToPath(import.meta.url), ['--worker', '1', '--url', URL, '--in-flight', args['in-flight'] ?? '50']))
  const ask = (worker, order) => new Promise((resolve) => { worker.once('message', resolve); worker.send(order) })
  const queryAll = () => new Promise((resolve) => { answer = resolve; subscriber.send(presenceFrame(PRESENCE_ACTION.QUERY_ALL)) })

  const passes = []
  for (let pass = 1; pass <= PASSES; pass++) {
    joinedAt = new Map(); duplicates = 0; leaves = 0
    const cpuBefore = cpuMillis(PID); const started = wallNow()
    const results = await Promise.all(workers.map((w, i) => ask(w, { login: names.filter((_, n) => n % WORKERS === i) })))
    const complete = await until(() => joinedAt.size >= USERS, TIMEOUT_MS)
    const cpuMs = cpuMillis(PID) - cpuBefore
    const lastJoin = Math.max(...joinedAt.values())
    const rssOnline = rssMb(PID)
    const authSent = Object.assign({}, ...results.map((r) => r.authSent))
    const latency = [...joinedAt].map(([name, at]) => at - authSent[name]).filter((ms) => !Number.isNaN(ms))

    const queryCpuBefore = cpuMillis(PID)
    let wrongAnswers = 0
    for (let q = 0; q < QUERIES; q++) if ((await queryAll()).filter((n) => n.startsWith('u-' + TAG)).length !== USERS) wrongAnswers++
    const getAllCpuMs = (cpuMillis(PID) - queryCpuBefore) / Math.max(1, QUERIES)

    if (HOLD_MS > 0) {
      process.stderr.write(`pass ${pass}: everyone online; holding ${HOLD_MS / 1000} s\n`)
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS))
    }
    await Promise.all(workers.map((w) => ask(w, { close: true })))
    await until(() => leaves >= USERS, TIMEOUT_MS)
    passes.push({
      pass,
      serverCpuMs: cpuMs,
      timeUntilEveryJoinMs: Math.round(lastJoin - started),
      authToJoinP50Ms: percentile(latency, 0.5),
      authToJoinP99Ms: percentile(latency, 0.99),
      rssOnlineMb: rssOnline,
      rssAfterLogoutMb: rssMb(PID),
      getAllCpuMs: +getAllCpuMs.toFixed(3),
      getAllWrong: wrongAnswers,
      failedLogins: results.reduce((sum, r) => sum + r.failed, 0),
      joinsMissed: USERS - joinedAt.size,
      joinsDuplicated: duplicates,
      leavesMissed: USERS - leaves,
      complete
    })
    process.stderr.write(`pass ${pass}: ${JSON.stringify(passes.at(-1))}\n`)
  }
  workers.forEach((w) => w.send({ exit: true }))
  subscriber.terminate()
  console.log(JSON.stringify({ url: URL, users: USERS, workers: WORKERS, inFlight: Number(args['in-flight'] ?? 50), queries: QUERIES, passes }))
  process.exit(passes.every((p) => p.joinsMissed === 0 && p.joinsDuplicated === 0 && p.leavesMissed === 0) ? 0 : 1)
}
