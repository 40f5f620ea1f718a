// What both independent generators share: deepstream's binary frames written by hand from the
// wire protocol's field numbers (varints, length-delimited fields, the outer Message), a login as a
// client makes it (WebSocket, CHALLENGE, AUTH), and the server's CPU and RSS read from /proc.
import WebSocket from 'ws'
import { readFileSync } from 'node:fs'

export const CONNECTION = 2
export const AUTH = 3
export const PRESENCE = 7
export const PRESENCE_ACTION = { QUERY_ALL: 2, QUERY_ALL_RESPONSE: 3, JOIN_ALL: 7, LEAVE_ALL: 9, SUBSCRIBE_ALL: 12 }

export function args (argv) {
  return Object.fromEntries(argv.reduce((pairs, a, i, all) =>
    a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []))
}

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
export function frame (topic, inner) {
  const message = [...field(2, topic), ...varint((3 << 3) | 2), ...varint(inner.length), ...inner]
  return Buffer.from([...varint(message.length), ...message])
}
export const presenceFrame = (action) => frame(PRESENCE, field(1, action))
const challenge = (url) => frame(CONNECTION, [...field(1, 5), ...field(5, url), ...field(6, '0.1a')])
const auth = (username) => frame(AUTH, [...field(1, 2), ...field(2, JSON.stringify({ username }))])

/** {topic, action, name, names} of one frame from the server. */
export function decode (whole) {
  let buf = whole
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
  const out = { topic, action: 0, name: null, names: null }
  if (!inner) return out
  buf = inner; at = 0
  while (at < buf.length) {
    const key = read(); const type = key & 7
    if (type === 0) { const v = read(); if (key >>> 3 === 1) out.action = v } else if (type === 2) {
      const len = read()
      if (key >>> 3 === 8) out.name = buf.toString('utf8', at, at + len)
      else if (key >>> 3 === 9) (out.names ??= []).push(buf.toString('utf8', at, at + len))
      at += len
    } else throw new Error('unexpected wire type ' + type)
  }
  return out
}

/** Opens a WebSocket to `url` and logs in as `username`: CHALLENGE, then AUTH once the server accepted
 *  it. Resolves with the socket when AUTH_SUCCESSFUL came; every later frame goes to onMessage. */
export function login (url, username, onMessage, onAuthSent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.binaryType = 'nodebuffer'
    ws.on('error', reject)
    ws.on('open', () => ws.send(challenge(url)))
    ws.on('message', (data) => {
      const m = decode(data)
      if (m.topic === CONNECTION && m.action === 4) { onAuthSent?.(); ws.send(auth(username)) } else if (m.topic === AUTH && m.action === 3) resolve(ws)
      else onMessage?.(m)
    })
  })
}

/** The CPU time (user + system) the process has used so far, in ms (clock ticks of 10 ms). */
export function cpuMillis (pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(stat[11]) + Number(stat[12])) * 10
}

/** The process's resident set, in MB. */
export function rssMb (pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
  return Math.round(kb / 1024)
}

export const percentile = (list, p) => {
  const s = [...list].sort((a, b) => a - b)
  return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2) : null
}

/** Resolves (with whether it holds) once `condition()` holds or `ms` have passed. */
export const until = (condition, ms) => new Promise((resolve) => {
  const started = Date.now()
  const check = () => (condition() || Date.now() - started > ms) ? resolve(condition()) : setTimeout(check, 5)
  check()
})

/** Now on a clock that every process on this machine shares, in ms with a fraction. */
export const wallNow = () => performance.timeOrigin + performance.now()
