// The live page at / of every node, in a real browser: Debian's chromium driven by puppeteer-core.
// A user logged in with the official client on another node shows on the page within a second
// and goes again within a second of its logout; the page lists the members; a screenshot is kept
// in interop/artifacts/. Under the file login strategy the page asks for credentials, as any
// client would need them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { DeepstreamClient } from '@deepstream/client'
import puppeteer from 'puppeteer-core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const artifacts = join(root, 'interop', 'artifacts')
const PORT = Number(process.env.INTEROP_PAGE_PORT || 7060)
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const SHOWN_WITHIN_MS = 1000

function clusterOf (basePort, hazelcastPort, extraEnv = {}) {
  const env = {
    ...process.env,
    BASE_PORT: String(basePort),
    HAZELCAST_PORT: String(hazelcastPort),
    CLUSTER_NAME: `presence-page-${randomUUID()}`,
    CLUSTER_DIR: mkdtempSync(join(tmpdir(), 'presence-page-')),
    JAVA_OPTS: '-Xmx512m',
    ...extraEnv
  }
  return (...args) => execFileSync('bash', [join(root, 'scripts/cluster.sh'), ...args], { env, stdio: 'inherit' })
}

const cluster = clusterOf(PORT, 5841)
let browser
const clients = []

before(async () => {
  assert.ok(existsSync(CHROMIUM), `chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`)
  cluster('start', '3')
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
  })
})

after(async () => {
  clients.forEach(c => c.close())
  await browser?.close()
  cluster('stop')
})

async function login (port, username) {
  const client = new DeepstreamClient(`127.0.0.1:${port}`)
  clients.push(client)
  await client.login({ username })
  return client
}

async function openPage (port) {
  const page = await browser.newPage()
  await page.setViewport({ width: 1280, height: 900 })
  const problems = []
  page.on('pageerror', error => problems.push(String(error)))
  await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'domcontentloaded' })
  return { page, problems }
}

test('a login on another node shows on the page within a second, and its logout too', async () => {
  const { page, problems } = await openPage(PORT)
  await page.waitForFunction(() => document.getElementById('connection').textContent === 'live', { timeout: 10000 })
  await page.waitForFunction(() => document.querySelectorAll('#members tr .state.ready').length === 3, { timeout: 15000 })

  const tag = randomUUID().slice(0, 6)
  const crowd = []
  for (const name of ['Ada', 'Grace', 'Linus', 'Margaret', 'Barbara']) {
    crowd.push(await login(PORT + 1 + crowd.length % 2, `${name}-${tag}`))
  }
  const alex = `Alex-${tag}`
  const client = await login(PORT + 2, alex)
  const loggedInAt = Date.now()
  await page.waitForSelector(`li[data-user="${alex}"]`, { timeout: SHOWN_WITHIN_MS })
  const shownAfter = Date.now() - loggedInAt
  assert.ok(shownAfter <= SHOWN_WITHIN_MS, `shown ${shownAfter} ms after the login`)

  // the count and the chart follow through /status
  await page.waitForFunction(n => Number(document.getElementById('online-count').textContent) >= n, { timeout: 5000 }, 6)
  await page.type('#search', 'alex')
  const matching = await page.$$eval('#users li', items => items.map(i => i.dataset.user))
  assert.deepEqual(matching, [alex], 'the search narrows the list')
  await page.$eval('#search', input => { input.value = ''; input.dispatchEvent(new Event('input')) })
  await page.waitForFunction(n => document.querySelectorAll('#users li').length >= n, { timeout: 1000 }, 6)

  mkdirSync(artifacts, { recursive: true })
  await page.screenshot({ path: join(artifacts, 'live-page.png'), fullPage: true })

  client.close()
  clients.splice(clients.indexOf(client), 1)
  const loggedOutAt = Date.now()
  await page.waitForSelector(`li[data-user="${alex}"]`, { hidden: true, timeout: SHOWN_WITHIN_MS })
  const goneAfter = Date.now() - loggedOutAt
  assert.ok(goneAfter <= SHOWN_WITHIN_MS, `gone ${goneAfter} ms after the logout`)
  for (const name of ['Ada', 'Grace']) {
    assert.ok(await page.$(`li[data-user="${name}-${tag}"]`), `${name} still listed`)
  }
  console.log(`MEASURED live page: login shown after ${shownAfter} ms, logout after ${goneAfter} ms`)
  assert.deepEqual(problems, [])
  await page.close()
})

test('under the file login strategy the page asks for credentials, then shows who is online', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'presence-page-users-'))
  const hash = password => execFileSync('bash', [join(root, 'scripts/hash-password.sh')],
    { input: `${password}\n`, env: process.env }).toString().trim()
  writeFileSync(join(dir, 'users.yml'),
    `operator:\n  password: "${hash('watch-it')}"\n` +
    `carol:\n  password: "${hash('carols')}"\n`)
  const securePort = PORT + 10
  const secure = clusterOf(securePort, 5851, {
    PRESENCE_AUTH: 'file',
    PRESENCE_AUTH_FILE_USERS: join(dir, 'users.yml')
  })
  secure('start', '1')
  try {
    const { page, problems } = await openPage(securePort)
    await page.waitForSelector('#login[open]', { timeout: 10000 })
    const carol = new DeepstreamClient(`127.0.0.1:${securePort}`)
    clients.push(carol)
    await carol.login({ username: 'carol', password: 'carols' })
    await page.type('#login input[name=username]', 'operator')
    await page.type('#login input[name=password]', 'watch-it')
    await page.click('#login button')
    await page.waitForFunction(() => document.getElementById('connection').textContent === 'live', { timeout: 10000 })
    await page.waitForSelector('li[data-user="carol"]', { timeout: 5000 })
    assert.deepEqual(problems, [])
    await page.close()
  } finally {
    secure('stop')
  }
})
