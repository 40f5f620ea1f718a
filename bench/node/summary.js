// The summaries scripts/bench-compare.sh prints and writes, from the raw JSON of one run's
// directory: one statistic (the median; of passes 2 and later where a run has passes) and one
// table layout for every scenario and both generators.
//
//   node summary.js fanout DIR RUNS              bench/node/fanout.js, runN-{deepstream,presence}.json
//   node summary.js fanout-jvm DIR RUNS          LoadGenerator --scenario fanout, jvm-runN-*.json
//   node summary.js logins DIR RUNS SERVERS...   bench/node/logins.js, node-SERVER-passN.json (one pass
//                                                each, the servers taking turns): merged into
//                                                node-SERVER.json, then summarized
//   node summary.js jvm DIR RUNS logins|burst    LoadGenerator, runN-{deepstream,floor,presence}.json
import fs from 'node:fs'

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
/** Passes 2 and later: the first warms the server up. */
export const later = (xs) => xs.length > 1 ? xs.slice(1) : xs
const ratio = (a, b) => b ? a / b : null
const readJson = (file) => JSON.parse(fs.readFileSync(file))
const writeJson = (file, value) => fs.writeFileSync(file, JSON.stringify(value, null, 2))

/** A table: a metric column, then value columns of the widths given; numbers with `digits` decimals (null: as they are). */
function table (columns, widths, digits) {
  const cell = (v, w) => (typeof v === 'number' && digits !== null ? (Number.isNaN(v) ? 'NaN' : v.toFixed(digits)) : String(v ?? '')).padStart(w)
  const row = (name, ...values) => console.log([name.padEnd(widths[0]), ...values.map((v, i) => cell(v, widths[i + 1]))].join(' '))
  console.log([columns[0].padEnd(widths[0]), ...columns.slice(1).map((c, i) => c.padStart(widths[i + 1]))].join(' '))
  return row
}
const shownRatio = (a, b) => (b ? (a / b).toFixed(2) : '-')

/** Medians of each metric for us and deepstream; prints a row per metric and returns the summary. */
function compare (row, metrics, us, ds) {
  const summary = {}
  for (const [name, f] of metrics) {
    const a = median(us.map(f)); const b = median(ds.map(f))
    summary[name] = { presence: a, deepstream: b, ratio: ratio(a, b) }
    row(name, a, b, shownRatio(a, b))
  }
  return summary
}

function runsOf (dir, runs, name, optional = false) {
  return Array.from({ length: Number(runs) }, (_, i) => {
    const file = `${dir}/${name(i + 1)}`
    if (optional && !fs.existsSync(file)) return null
    try { return readJson(file) } catch (e) { if (optional) return null; throw e }
  }).filter(Boolean)
}

const FANOUT_METRICS = ['cpuPerEventUs', 'joinP50Ms', 'joinP99Ms', 'leaveP50Ms', 'leaveP99Ms', 'missing', 'duplicates']

function fanout (dir, runs) {
  const ds = runsOf(dir, runs, (i) => `run${i}-deepstream.json`); const us = runsOf(dir, runs, (i) => `run${i}-presence.json`)
  console.log(`\nmedians of ${runs} runs (generator: bench/node/fanout.js)\n`)
  const row = table(['metric', 'presence', 'deepstream', 'ratio'], [36, 10, 11, 7], null)
  writeJson(`${dir}/summary.json`, compare(row, FANOUT_METRICS.map((key) => [key, (r) => r[key]]), us, ds))
  console.log(`\nraw results: ${dir}`)
}

function fanoutJvm (dir, runs) {
  const ds = runsOf(dir, runs, (i) => `jvm-run${i}-deepstream.json`, true)
  const us = runsOf(dir, runs, (i) => `jvm-run${i}-presence.json`, true)
  console.log(`\nmedians of ${us.length} and ${ds.length} runs (generator: LoadGenerator --scenario fanout)\n`)
  const row = table(['metric', 'presence', 'deepstream', 'ratio'], [36, 10, 11, 7], 2)
  const fields = [(r) => r.server_cpu_us_per_event, (r) => r.auth_to_join_ms.p50, (r) => r.auth_to_join_ms.p99,
    (r) => r.close_to_leave_ms.p50, (r) => r.close_to_leave_ms.p99, (r) => r.events_missing, (r) => r.events_duplicated]
  const summary = {}
  FANOUT_METRICS.forEach((key, i) => {
    const a = us.length ? median(us.map(fields[i])) : NaN; const b = ds.length ? median(ds.map(fields[i])) : NaN
    summary[key] = { presence: a, deepstream: b, ratio: ratio(a, b) }
    row(key, a, b, shownRatio(a, b))
  })
  writeJson(`${dir}/jvm-summary.json`, summary)
}

const LOGIN_METRICS = [
  ['server CPU until every join (ms)', 'serverCpuMs', 0.8], ['time until subscriber had every join (ms)', 'timeUntilEveryJoinMs', 0.8],
  ['AUTH -> subscriber join p50 (ms)', 'authToJoinP50Ms', 1], ['AUTH -> subscriber join p99 (ms)', 'authToJoinP99Ms', 1],
  ['server RSS with every user online (MB)', 'rssOnlineMb', 1], ['server CPU per getAll() (ms)', 'getAllCpuMs', 0.5],
  ['joins missed + duplicated', (p) => p.joinsMissed + p.joinsDuplicated, null]]

function logins (dir, runs, servers) {
  // one file per server with its passes in order, as one run of several passes would write it
  const passesOf = {}
  for (const who of servers) {
    const single = runsOf(dir, runs, (i) => `node-${who}-pass${i}.json`)
    passesOf[who] = single.map((r, i) => ({ ...r.passes[0], pass: i + 1 }))
    writeJson(`${dir}/node-${who}.json`, { ...single[0], passes: passesOf[who] })
  }
  const us = passesOf.presence; const ds = passesOf.deepstream
  console.log('\nindependent generator (Node + ws), medians of passes 2 and later')
  const row = table(['metric', 'presence', 'deepstream', 'ratio', 'target'], [44, 12, 12, 8, 8], null)
  const summary = {}
  for (const [name, key, target] of LOGIN_METRICS) {
    const f = typeof key === 'function' ? key : (p) => p[key]
    const a = median(later(us).map(f)); const b = median(later(ds).map(f))
    summary[name] = { presence: a, deepstream: b, ratio: ratio(a, b), target }
    row(name, a, b, shownRatio(a, b), target ?? '')
  }
  const steady = (ps) => ({ cpuLastOverSecond: ps.length > 1 ? +(ps.at(-1).serverCpuMs / ps[1].serverCpuMs).toFixed(2) : null,
    rssGrowthAfterLogoutMb: ps.at(-1).rssAfterLogoutMb - ps[0].rssAfterLogoutMb })
  summary.steady = { presence: steady(us), deepstream: steady(ds) }
  console.log(`steady state (last pass CPU / second's; RSS after logout, last pass - first): presence ${JSON.stringify(summary.steady.presence)}, deepstream ${JSON.stringify(summary.steady.deepstream)}`)
  if (passesOf.floor) {
    console.log('\nthe floor (bare Netty, bench FloorServer), same generator, medians of passes 2 and later')
    const floorRow = table(['metric', 'floor', 'deepstream', 'ratio'], [44, 12, 12, 8], null)
    summary.floor = {}
    for (const [name, key] of LOGIN_METRICS.slice(0, 5)) {
      const a = median(later(passesOf.floor).map((p) => p[key])); const b = median(later(ds).map((p) => p[key]))
      summary.floor[name] = { floor: a, deepstream: b, ratio: ratio(a, b) }
      floorRow(name, a, b, shownRatio(a, b))
    }
  }
  writeJson(`${dir}/node-summary.json`, summary)
}

const JVM_ROWS = {
  burst: [
    ['server CPU per login (ms)', (r) => r.server_cpu_ms_per_login],
    ['time until subscriber had every join (ms)', (r) => r.time_until_subscriber_had_every_join_ms],
    ['logins/s until subscriber had all', (r) => r.logins_per_second_until_subscriber_had_all],
    ['getAll() mean (ms)', (r) => r.getAll_ms.mean],
    ['getAll() p99 (ms)', (r) => r.getAll_ms.p99],
    ['server peak RSS (MB)', (r) => r.server_peak_rss_mb],
    ['joins missed + duplicated', (r) => r.joins_missed + r.joins_duplicated]],
  logins: [
    ['server CPU during the logins (ms)', (r) => r.server_cpu_ms],
    ['time until subscriber had every join (ms)', (r) => r.time_until_subscriber_had_every_join_ms],
    ['AUTH -> subscriber join p50 (ms)', (r) => r.auth_to_subscriber_join_ms.p50],
    ['AUTH -> subscriber join p99 (ms)', (r) => r.auth_to_subscriber_join_ms.p99],
    ['server CPU per getAll() (ms)', (r) => r.getAll_server_cpu_ms_per_query],
    ['server CPU per getAll(10 names) (ms)', (r) => r.getAll_10_names_server_cpu_ms_per_query],
    ['getAll(10 names) p50 (ms)', (r) => r.getAll_10_names_ms.p50],
    ['server RSS with every user online (MB)', (r) => r.server_rss_mb],
    ['joins missed + duplicated', (r) => r.joins_missed + r.joins_duplicated]]
}

function jvm (dir, runs, scenario) {
  const rows = JVM_ROWS[scenario]
  const ds = runsOf(dir, runs, (i) => `run${i}-deepstream.json`); const us = runsOf(dir, runs, (i) => `run${i}-presence.json`)
  const columns = ['metric', 'presence', 'deepstream', 'ratio']; const widths = [44, 12, 12, 8]
  let summary
  if (scenario === 'burst') {
    console.log(`\nmedians of ${runs} runs, ${ds[0].users} logins in a burst\n`)
    summary = compare(table(columns, widths, 3), rows, us, ds)
  } else {
    for (let i = 0; i < Number(runs); i++) {
      console.log(`\npass ${i + 1}`)
      const row = table(columns, widths, 3)
      for (const [name, f] of rows) row(name, f(us[i]), f(ds[i]), shownRatio(f(us[i]), f(ds[i])))
    }
    // the same statistic as the independent generator's summary: a best-of would pick one
    // server's outlier pass (deepstream's CPU per pass has moved 2.1-3.8 s within one run)
    console.log(`\nmedians of passes 2-${runs}`)
    summary = compare(table(columns, widths, 3), rows, later(us), later(ds))
    const fl = runsOf(dir, runs, (i) => `run${i}-floor.json`, true)
    if (fl.length) {
      console.log(`\nthe floor (bare Netty, bench FloorServer), medians of passes 2-${runs}`)
      const row = table(['metric', 'floor', 'deepstream', 'ratio'], widths, 3)
      summary.floor = {}
      for (const [name, f] of rows.filter(([n]) => !n.includes('getAll'))) {
        const a = median(later(fl).map(f)); const b = median(later(ds).map(f))
        summary.floor[name] = { floor: a, deepstream: b, ratio: ratio(a, b) }
        row(name, a, b, shownRatio(a, b))
      }
    }
  }
  writeJson(`${dir}/summary.json`, summary)
  console.log(`\nraw results: ${dir}`)
}

const [command, dir, runs, ...rest] = process.argv.slice(2)
const commands = { fanout: () => fanout(dir, runs), 'fanout-jvm': () => fanoutJvm(dir, runs), logins: () => logins(dir, runs, rest), jvm: () => jvm(dir, runs, rest[0]) }
if (!commands[command] || !dir || !runs || (command === 'jvm' && !JVM_ROWS[rest[0]])) {
  console.error('usage: node summary.js fanout|fanout-jvm DIR RUNS | logins DIR RUNS SERVERS... | jvm DIR RUNS logins|burst')
  process.exit(2)
}
commands[command]()
