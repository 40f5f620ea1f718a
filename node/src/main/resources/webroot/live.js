// The live page: who is online, as any client of this node sees it (the JSON WebSocket endpoint,
// under the same login strategies and presence rules), plus the node's /status figures.
// Plain JavaScript, served from the node's jar: nothing to build.

const TOPIC = { CONNECTION: 2, AUTH: 3, PRESENCE: 7 }
const CONNECTION = { PING: 2, PONG: 3, ACCEPT: 4, CHALLENGE: 5 }
const AUTH = { REQUEST: 2, AUTH_SUCCESSFUL: 3, AUTH_UNSUCCESSFUL: 4, TOO_MANY_AUTH_ATTEMPTS: 100 }
const PRESENCE = {
  QUERY_ALL: 2, QUERY_ALL_RESPONSE: 3, PRESENCE_JOIN_ALL: 7, PRESENCE_LEAVE_ALL: 9, SUBSCRIBE_ALL: 12,
  MESSAGE_PERMISSION_ERROR: 101, MESSAGE_DENIED: 102
}
const STATUS_EVERY_MS = 2000
const PING_EVERY_MS = 20000

const $ = id => document.getElementById(id)
const online = new Set()
const arrived = new Set() // names to highlight once, as they come in
let authData = {}
let socket = null
let retryDelay = 250
let status = null

function connect () {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const path = status?.jsonPath || '/deepstream-json'
  socket = new WebSocket(`${scheme}//${location.host}${path}`)
  setConnection('connecting…', '')
  socket.onopen = () => send({
    topic: TOPIC.CONNECTION, action: CONNECTION.CHALLENGE, url: socket.url,
    protocolVersion: '0.1a', sdkVersion: 'live-page', sdkType: 'javascript'
  })
  socket.onmessage = event => receive(JSON.parse(event.data))
  socket.onclose = event => {
    setConnection(event.reason ? `disconnected: ${event.reason}` : 'disconnected; reconnecting', 'down')
    setTimeout(connect, retryDelay)
    retryDelay = Math.min(retryDelay * 2, 5000)
  }
}

function send (message) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
}

function receive (m) {
  if (m.topic === TOPIC.CONNECTION && m.action === CONNECTION.ACCEPT) {
    send({ topic: TOPIC.AUTH, action: AUTH.REQUEST, data: JSON.stringify(authData) })
  } else if (m.topic === TOPIC.AUTH) {
    loginAnswered(m)
  } else if (m.topic === TOPIC.PRESENCE) {
    presenceMessage(m)
  }
}

function loginAnswered (m) {
  if (m.action === AUTH.AUTH_SUCCESSFUL) {
    retryDelay = 250
    setConnection('live', 'live')
    // subscribe first: what changes while the answer is on its way still arrives after it
    send({ topic: TOPIC.PRESENCE, action: PRESENCE.SUBSCRIBE_ALL })
    send({ topic: TOPIC.PRESENCE, action: PRESENCE.QUERY_ALL, correlationId: 'all' })
  } else if (m.action === AUTH.AUTH_UNSUCCESSFUL || m.action === AUTH.TOO_MANY_AUTH_ATTEMPTS) {
    // anonymous logins are refused here: ask for credentials, as any client would need them
    askForLogin(reasonOf(m))
  }
}

function presenceMessage (m) {
  switch (m.action) {
    case PRESENCE.QUERY_ALL_RESPONSE:
      online.clear()
      for (const name of m.names || []) online.add(name)
      renderUsers()
      break
    case PRESENCE.PRESENCE_JOIN_ALL:
      online.add(m.name)
      arrived.add(m.name)
      renderUsers()
      break
    case PRESENCE.PRESENCE_LEAVE_ALL:
      online.delete(m.name)
      renderUsers()
      break
    case PRESENCE.MESSAGE_DENIED:
    case PRESENCE.MESSAGE_PERMISSION_ERROR:
      $('users-note').textContent = 'The presence rules do not let this login see everyone.'
      break
  }
}

function reasonOf (m) {
  const data = m.parsedData ?? m.data
  if (!data) return ''
  if (typeof data === 'string') return data
  return data.error || data.reason || JSON.stringify(data)
}

function askForLogin (reason) {
  setConnection('login needed', 'down')
  $('login-reason').textContent = reason
  const dialog = $('login')
  if (!dialog.open) dialog.showModal()
}

$('login-form').addEventListener('submit', () => {
  const form = new FormData($('login-form'))
  authData = { username: form.get('username'), password: form.get('password') }
  socket?.close() // a fresh connection logs in with these
})

function setConnection (text, kind) {
  const badge = $('connection')
  badge.textContent = text
  badge.className = `badge ${kind}`
}

function renderUsers () {
  const filter = $('search').value.trim().toLowerCase()
  const names = [...online].filter(n => n.toLowerCase().includes(filter)).sort((a, b) => a.localeCompare(b))
  const list = $('users')
  list.replaceChildren(...names.slice(0, 1000).map(name => {
    const item = document.createElement('li')
    item.textContent = name
    item.dataset.user = name
    if (arrived.has(name)) item.className = 'new'
    return item
  }))
  arrived.clear()
  const more = names.length > 1000 ? ` (first 1,000 of ${names.length.toLocaleString()} shown; search to narrow)` : ''
  $('users-note').textContent = filter
    ? `${names.length.toLocaleString()} of ${online.size.toLocaleString()} match${more}`
    : `${online.size.toLocaleString()} visible to this login${more}`
}

$('search').addEventListener('input', renderUsers)

async function refreshStatus () {
  try {
    const response = await fetch('/status', { cache: 'no-store' })
    if (response.ok) {
      status = await response.json()
      renderStatus()
    }
  } catch (e) {
    // the node is restarting; the WebSocket's reconnection says so
  }
}

function renderStatus () {
  $('online-count').textContent = status.online.toLocaleString()
  $('member-count').textContent = status.members.length
  const lastMinute = series => series.slice(-60).reduce((a, b) => a + b, 0)
  $('rate').textContent = `${lastMinute(status.activity.logins)} / ${lastMinute(status.activity.logouts)}`
  $('members').replaceChildren(...status.members.map(memberRow))
  drawChart(status.activity.logins, status.activity.logouts)
}

function memberRow (member) {
  const row = document.createElement('tr')
  const f = member.figures
  const state = member.stale ? 'stale' : (f.ready ? 'ready' : (f.state === 'draining' || f.state === 'starting' ? f.state : 'unready'))
  const cells = [
    member.cluster + (member.self ? ' (this node)' : ''),
    f ? f.http : '–',
    null,
    f ? f.connections : '–',
    f ? f.usersHere : '–',
    f ? f.subscriptions : '–',
    f ? since(f.startedAt, status.time) : '–'
  ]
  cells.forEach((value, i) => {
    const cell = document.createElement('td')
    if (i === 2) {
      const badge = document.createElement('span')
      badge.className = `state ${state}`
      badge.textContent = state
      badge.title = f ? f.state : 'publishes no figures: hung, or just joined'
      cell.append(badge)
    } else {
      cell.textContent = typeof value === 'number' ? value.toLocaleString() : value
    }
    row.append(cell)
  })
  return row
}

function since (startedAt, now) {
  const s = Math.max(0, Math.round((now - startedAt) / 1000))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  return `${Math.round(s / 3600)} h`
}

/** Logins as bars above the axis, logouts below it, one pair per second, newest on the right. */
function drawChart (logins, logouts) {
  const canvas = $('chart')
  const ratio = window.devicePixelRatio || 1
  const width = canvas.clientWidth
  const height = canvas.clientHeight
  canvas.width = width * ratio
  canvas.height = height * ratio
  const g = canvas.getContext('2d')
  g.scale(ratio, ratio)
  const peak = Math.max(1, ...logins, ...logouts)
  const middle = height / 2
  const scale = (middle - 14) / peak
  const step = width / logins.length
  g.fillStyle = '#1f9d62'
  logins.forEach((v, i) => v && g.fillRect(i * step, middle - v * scale, Math.max(1, step - 0.5), v * scale))
  g.fillStyle = '#d6453d'
  logouts.forEach((v, i) => v && g.fillRect(i * step, middle, Math.max(1, step - 0.5), v * scale))
  g.strokeStyle = '#c9cfdb'
  g.beginPath()
  g.moveTo(0, middle)
  g.lineTo(width, middle)
  g.stroke()
  g.fillStyle = '#6b7487'
  g.font = '12px system-ui'
  g.fillText(`${peak}/s`, 4, 12)
  g.fillText(`${peak}/s`, 4, height - 4)
}

setInterval(() => send({ topic: TOPIC.CONNECTION, action: CONNECTION.PING }), PING_EVERY_MS)
setInterval(refreshStatus, STATUS_EVERY_MS)
refreshStatus().finally(connect)
