// A reconnect storm, measured by a client that shares nothing with the server's stack: Node with
// `ws` (compression off), the frames of wire.js. A login is a WebSocket, CHALLENGE, AUTH.
//
//   node storm.js --urls ws://127.0.0.1:6020/deepstream,ws://127.0.0.1:6021/deepstream,... \
//        --pids <pid of each node, same order> [--victim 0] [--users 18000] [--workers 3]
//        [--in-flight 100] [--timeout 120] [--settle-ms 3000] [--floor]
//
// USERS users log in on the victim node (WORKERS child processes, IN_FLIGHT logins at a time each)
// and a subscriber to everyone logs in on every other node. Then the victim gets SIGKILL and every
// client reconnects at once, as a client library does, to the survivors in turn, logging in again
// under the same name. Prints one JSON line: the time from the kill until every client was logged
// in again (and its percentiles), until each subscriber had heard every user back, and, once no
// subscriber has heard anything for SETTLE_MS, whether each user's events at each subscriber were
// one leave and one join (or none) and whether getAll() on every survivor lists every user. With
// --floor the nodes are separate bench FloorServer processes, which share nothing: only the
// clients' figures count (the least this machine needs for the same logins).
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { args as parse, login, percentile, presenceFrame, until, wallNow, PRESENCE, PRESENCE_ACTION } from './wire.js'

const args = parse(process.argv.slice(2))

if (args.worker !== undefined) {
  // a worker: log its names in on the victim; when a socket closes, log that name in on a survivor
  const victim = args.victim
  const survivors = args.survivors.split(',')
  const inFlight = Number(args['in-flight'] ?? 100)
  const back = []; let failed = 0; let reconnectFailed = 0
  process.on('message', async (order) => {
    if (order.login) {
      const names = order.login
      let next = 0
      const runner = async () => {
        while (next < names.length) {
          const i = next++
          const name = names[i]
          try {
            const ws = await login(victim, name)
            ws.once('close', () => {
              login(survivors[i % survivors.length], name)
                .then(() => back.push(wallNow()), () => { reconnectFailed++ })
                .finally(() => { if (back.length + reconnectFailed === names.length) process.send({ back, reconnectFailed }) })
            })
          } catch { failed++ }
        }
      }
      await Promise.all(Array.from({ length: inFlight }, runner))
      process.send({ failed })
    } else if (order.exit) process.exit(0)
  })
} else {
  const URLS = args.urls.split(',')
  const PIDS = args.pids.split(',').map(Number)
  const VICTIM = Number(args.victim ?? 0)
  const USERS = Number(args.users ?? 18000)
  const WORKERS = Number(args.workers ?? 3)
  const TIMEOUT_MS = Number(args.timeout ?? 120) * 1000
  const FLOOR = args.floor !== undefined
  const SETTLE_MS = Number(args['settle-ms'] ?? 3000)
  const TAG = Math.random().toString(36).slice(2, 8)
  const names = Array.from({ length: USERS }, (_, i) => `u-${TAG}-${i}`)
  const survivors = URLS.filter((_, n) => n !== VICTIM)

  // per subscriber: each user's events in order, and when the last one came
  const subscribers = await Promise.all(survivors.map(async (url, s) => {
    const sub = { url, events: new Map(), lastEventAt: 0, answer: null }
    sub.ws = await login(url, `s-${TAG}-${s}`, (m) => {
      if (m.topic !== PRESENCE) return
      if ((m.action === PRESENCE_ACTION.JOIN_ALL || m.action === PRESENCE_ACTION.LEAVE_ALL) && m.name?.startsWith('u-' + TAG)) {
        const list = sub.events.get(m.name) ?? []
        list.push(m.action === PRESENCE_ACTION.JOIN_ALL ? 'join' : 'leave')
        sub.events.set(m.name, list)
        sub.lastEventAt = wallNow()
      } else if (m.action === PRESENCE_ACTION.QUERY_ALL_RESPONSE) sub.answer?.(m.names ?? [])
    })
    await new Promise((resolve) => { sub.ws.once('message', resolve); sub.ws.send(presenceFrame(PRESENCE_ACTION.SUBSCRIBE_ALL)) })
    return sub
  }))
  const heardOnline = (sub, name) => sub.events.get(name)?.at(-1) === 'join'

  const workers = Array.from({ length: WORKERS }, () => fork(fileURLToPath(import.meta.url),
    ['--worker', '1', '--victim', URLS[VICTIM], '--survivors', survivors.join(','), '--in-flight', args['in-flight'] ?? '100']))
  const next = (worker) => new Promise((resolve) => worker.once('message', resolve))
  const loggedIn = await Promise.all(workers.map((w, i) => { const r = next(w); w.send({ login: names.filter((_, n) => n % WORKERS === i) }); return r }))
  const failed = loggedIn.reduce((sum, r) => sum + r.failed, 0)
  const everyoneIn = FLOOR || await until(() => subscribers.every((sub) => names.every((n) => heardOnline(sub, n))), TIMEOUT_MS)
  if (failed > 0 || !everyoneIn) {
    console.log(JSON.stringify({ error: 'the first logins did not complete', failed, everyoneIn }))
    process.exit(1)
  }

  const reconnected = workers.map(next)
  const killedAt = wallNow()
  process.kill(PIDS[VICTIM], 'SIGKILL')
  const results = await Promise.race([Promise.all(reconnected), new Promise((resolve) => setTimeout(() => resolve(null), TIMEOUT_MS))])
  const back = (results ?? []).flatMap((r) => r.back).map((at) => at - killedAt)
  const reconnectFailed = (results ?? []).reduce((sum, r) => sum + r.reconnectFailed, 0)
  // Settled: every user heard online at every subscriber, and no event for SETTLE_MS. The clients
  // can all be back before the survivors notice the dead member and release its users, so the
  // leaves (and joins) may still be on their way when the last client is back.
  if (!FLOOR) {
    await until(() => {
      const quietFor = wallNow() - Math.max(killedAt, ...subscribers.map((sub) => sub.lastEventAt))
      return quietFor >= SETTLE_MS && subscribers.every((sub) => names.every((n) => heardOnline(sub, n)))
    }, TIMEOUT_MS)
  }

  const perSubscriber = []
  for (const sub of FLOOR ? [] : subscribers) {
    let backCorrectly = 0; const otherwise = {}
    for (const n of names) {
      const seen = (sub.events.get(n) ?? []).join(',')
      // 'join' alone: the new login came before the dead node's holds were released, so the user never left
      if (seen === 'join,leave,join' || seen === 'join') backCorrectly++; else otherwise[seen] = (otherwise[seen] ?? 0) + 1
    }
    const listed = await new Promise((resolve) => { sub.answer = (list) => resolve(new Set(list)); sub.ws.send(presenceFrame(PRESENCE_ACTION.QUERY_ALL)) })
    perSubscriber.push({
      url: sub.url,
      msFromKillToLastEvent: Math.round(sub.lastEventAt - killedAt),
      usersBackCorrectly: backCorrectly,
      otherSequences: otherwise,
      getAllListsEveryUser: names.every((n) => listed.has(n))
    })
  }
  console.log(JSON.stringify({
    users: USERS,
    floor: FLOOR,
    workers: WORKERS,
    complete: results !== null,
    msFromKillToEveryClientBack: back.length ? Math.round(Math.max(...back)) : null,
    msFromKillToClientBackP50: percentile(back, 0.5),
    msFromKillToClientBackP99: percentile(back, 0.99),
    reconnectFailed,
    subscribers: perSubscriber
  }))
  workers.forEach((w) => w.send({ exit: true }))
  subscribers.forEach((sub) => sub.ws.terminate())
  const ok = results !== null && reconnectFailed === 0 && perSubscriber.every((s) => s.usersBackCorrectly === USERS && s.getAllListsEveryUser)
  process.exit(ok ? 0 : 1)
}
