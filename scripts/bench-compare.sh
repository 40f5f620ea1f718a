#!/usr/bin/env bash
# Side by side: our node and deepstream 7.0.2 (npm @deepstream/server, open auth, one node each,
# same host), measured by the same load generator in one run; prints both and the ratios.
#
#   scripts/bench-compare.sh logins [USERS] [PASSES]  a login counted whole (WebSocket, CHALLENGE, AUTH),
#                                                      100 in flight from two generator processes, a
#                                                      subscriber on the same node; defaults 10000 users,
#                                                      5 passes. Measured twice: by bench/node/logins.js
#                                                      (Node + ws, not our stack; then 1000 getAll()), and
#                                                      by our JVM generator (then 1000 getAll() and 5000
#                                                      getAll(10 names), each server in turn; medians of
#                                                      passes 2 and later, as for the independent one)
#   scripts/bench-compare.sh burst [USERS] [RUNS]     connections opened first, then all logins at once;
#                                                      defaults 19000 users, 3 runs (medians)
#   scripts/bench-compare.sh fanout [SUBSCRIBERS] [RUNS]  SUBSCRIBERS (1000) subscribed to everyone; FANOUT_USERS
#                                                      (300) log in at FANOUT_RATE (100) a second, each its own
#                                                      WebSocket, then close at that rate; measured by
#                                                      bench/node/fanout.js (Node + ws, not our stack), then
#                                                      by our JVM generator (--scenario fanout); 3 runs each
#
# deepstream is installed into bench/.deepstream/ (ignored by git). Its GitHub-only dependency
# uWebSockets.js cannot be fetched here, so an npm override maps it to a local stub; the default
# Node HTTP server that this config selects never loads it. Results: bench/results/<date>/.
# Our node runs with the JVM options of scripts/cluster.sh (JAVA_OPTS) unless OUR_JAVA_OPTS says otherwise.
# FLOOR=yes (logins): both generators also measure bench's FloorServer (bare Netty, no
# cluster, our JVM options), between deepstream and our node, and print floor / deepstream: a
# target below that ratio is below what a JVM server reaches here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENARIO="${1:-logins}"
case "$SCENARIO" in
  logins) USERS="${2:-10000}"; RUNS="${3:-5}" ;;
  burst) USERS="${2:-19000}"; RUNS="${3:-3}" ;;
  fanout) USERS="${2:-1000}"; RUNS="${3:-3}" ;;
  *) echo "usage: $0 logins|burst|fanout [USERS|SUBSCRIBERS] [RUNS]" >&2; exit 2 ;;
esac
DS_PORT="${DS_PORT:-6120}"
OUR_PORT="${OUR_PORT:-6220}"
FLOOR_PORT="${FLOOR_PORT:-6322}"
OUR_JAVA_OPTS="${OUR_JAVA_OPTS:-${JAVA_OPTS:-$(cat "$root/cluster-config/jvm.options")}}"
ds_dir="$root/bench/.deepstream"
out="$root/bench/results/$(date +%Y%m%d-%H%M%S)-$SCENARIO"
mkdir -p "$out"
# one descriptor per connection on each side: raise the limit as far as this shell may
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cd "$root"
if [ ! -f bench/target/presence-bench.jar ] || [ ! -f node/target/presence-node.jar ]; then
  ./mvnw -B -q -DskipTests package
fi

if [ ! -d "$ds_dir/node_modules/@deepstream/server" ]; then
  mkdir -p "$ds_dir/uws-stub"
  printf '{ "name": "uWebSockets.js", "version": "20.19.0", "main": "index.js" }\n' > "$ds_dir/uws-stub/package.json"
  printf "throw new Error('uWebSockets.js is stubbed out: use the default Node HTTP server')\n" > "$ds_dir/uws-stub/index.js"
  cat > "$ds_dir/package.json" <<'JSON'
{ "name": "deepstream-for-bench", "private": true,
  "dependencies": { "@deepstream/server": "7.0.2", "uWebSockets.js": "file:./uws-stub" },
  "overrides": { "uWebSockets.js": "file:./uws-stub" } }
JSON
  (cd "$ds_dir" && npm install --no-audit --no-fund --loglevel=error)
fi
cat > "$ds_dir/config.yml" <<YAML
serverName: bench
showLogo: false
logLevel: WARN
telemetry: { type: deepstreamIO, options: { enabled: false } }
httpServer:
  type: default
  options: { port: $DS_PORT, host: 127.0.0.1, healthCheckPath: /health-check, maxMessageSize: 1048576 }
connectionEndpoints:
  - type: ws-binary
    options: { urlPath: /deepstream, heartbeatInterval: 30000, outgoingBufferTimeout: 0, maxBufferByteSize: 100000,
               unauthenticatedClientTimeout: 180000, maxAuthAttempts: 3, maxMessageSize: 1048576 }
logger: { type: default, options: { colors: false } }
auth: [ { type: none } ]
permission: { type: none }
monitoring: { type: none }
YAML

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

node "$ds_dir/node_modules/@deepstream/server/dist/bin/deepstream" start -c "$ds_dir/config.yml" > "$out/deepstream.log" 2>&1 &
ds_pid=$!; pids+=("$ds_pid")
# cluster-config/bench.properties: the limits made for clients on the internet lifted (see there)
JAVA_OPTS="$OUR_JAVA_OPTS" PRESENCE_CONFIG="$root/cluster-config/bench.properties" PRESENCE_PORT="$OUR_PORT" \
  PRESENCE_CLUSTER_NAME="bench-$$" PRESENCE_HAZELCAST_PORT=5981 \
  "$root/scripts/node.sh" > "$out/presence-node.log" 2>&1 &
our_pid=$!; pids+=("$our_pid")
floor_pid=
if [ "${FLOOR:-no}" = yes ] && [ "$SCENARIO" = logins ]; then
  # shellcheck disable=SC2086 # the options are words
  java $OUR_JAVA_OPTS -cp "bench/target/presence-bench.jar:bench/target/lib/*" io.presence.bench.FloorServer "$FLOOR_PORT" \
    > "$out/floor.log" 2>&1 &
  floor_pid=$!; pids+=("$floor_pid")
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$FLOOR_PORT") 2>/dev/null && break; sleep 0.2; done
fi

for port in "$DS_PORT" "$OUR_PORT"; do
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/health-check" && break; sleep 0.2; done
  curl -fs -o /dev/null "http://127.0.0.1:$port/health-check" || { echo "server on $port did not start; see $out" >&2; exit 1; }
done

generator=(java -Xmx1g -cp "bench/target/presence-bench.jar:bench/target/lib/*" io.presence.bench.LoadGenerator)

if [ "$SCENARIO" = fanout ]; then
  [ -d bench/node/node_modules/ws ] || (cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
  fanout() { # port pid json
    node bench/node/fanout.js --url "ws://127.0.0.1:$1/deepstream" --pid "$2" --subscribers "$USERS" \
      --users "${FANOUT_USERS:-300}" --rate "${FANOUT_RATE:-100}" > "$3" || true
    cat "$3"
  }
  echo "warm-up (100 subscribers each)..."
  node bench/node/fanout.js --url "ws://127.0.0.1:$DS_PORT/deepstream" --pid "$ds_pid" --subscribers 100 > /dev/null || true
  node bench/node/fanout.js --url "ws://127.0.0.1:$OUR_PORT/deepstream" --pid "$our_pid" --subscribers 100 > /dev/null || true
  for run in $(seq 1 "$RUNS"); do
    echo "run $run of $RUNS: $USERS subscribers to everyone, ${FANOUT_USERS:-300} users in and out at ${FANOUT_RATE:-100}/s"
    fanout "$DS_PORT" "$ds_pid" "$out/run$run-deepstream.json"
    fanout "$OUR_PORT" "$our_pid" "$out/run$run-presence.json"
  done
  node - "$out" "$RUNS" <<'JS'
const fs = require('fs'), [dir, runs] = process.argv.slice(2)
const load = (who) => Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/run${i + 1}-${who}.json`)))
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const ds = load('deepstream'), us = load('presence')
console.log(`\nmedians of ${runs} runs (generator: bench/node/fanout.js)\n`)
console.log('metric'.padEnd(36), 'presence'.padStart(10), 'deepstream'.padStart(11), 'ratio'.padStart(7))
const summary = {}
for (const key of ['cpuPerEventUs', 'joinP50Ms', 'joinP99Ms', 'leaveP50Ms', 'leaveP99Ms', 'missing', 'duplicates']) {
  const a = median(us.map(r => r[key])), b = median(ds.map(r => r[key]))
  summary[key] = { presence: a, deepstream: b, ratio: b ? a / b : null }
  console.log(key.padEnd(36), String(a).padStart(10), String(b).padStart(11), (b ? (a / b).toFixed(2) : '-').padStart(7))
}
fs.writeFileSync(`${dir}/summary.json`, JSON.stringify(summary, null, 2))
console.log(`\nraw results: ${dir}`)
JS
  [ "${JVM_GENERATOR:-yes}" = no ] && exit 0 # JVM_GENERATOR=no: the independent generator alone
  echo
  echo "our generator (JVM, io.presence.bench.LoadGenerator --scenario fanout), the servers in turn each run"
  for run in $(seq 1 "$RUNS"); do
    for who in deepstream presence; do
      if [ "$who" = deepstream ]; then port="$DS_PORT"; pid="$ds_pid"; else port="$OUR_PORT"; pid="$our_pid"; fi
      "${generator[@]}" --nodes "ws://127.0.0.1:$port/deepstream" --scenario fanout --subscribers "$USERS" \
        --users "${FANOUT_USERS:-300}" --rate "${FANOUT_RATE:-100}" --pids "$pid" --timeout 300 \
        --json "$out/jvm-run$run-$who.json" > /dev/null || true
    done
  done
  node - "$out" "$RUNS" <<'JS'
const fs = require('fs'), [dir, runs] = process.argv.slice(2)
const load = (who) => Array.from({ length: Number(runs) }, (_, i) => {
  try { return JSON.parse(fs.readFileSync(`${dir}/jvm-run${i + 1}-${who}.json`)) } catch { return null }
}).filter(Boolean)
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const ds = load('deepstream'), us = load('presence')
console.log(`\nmedians of ${us.length} and ${ds.length} runs (generator: LoadGenerator --scenario fanout)\n`)
console.log('metric'.padEnd(36), 'presence'.padStart(10), 'deepstream'.padStart(11), 'ratio'.padStart(7))
const summary = {}
for (const [key, f] of [['cpuPerEventUs', r => r.server_cpu_us_per_event], ['joinP50Ms', r => r.auth_to_join_ms.p50],
  ['joinP99Ms', r => r.auth_to_join_ms.p99], ['leaveP50Ms', r => r.close_to_leave_ms.p50], ['leaveP99Ms', r => r.close_to_leave_ms.p99],
  ['missing', r => r.events_missing], ['duplicates', r => r.events_duplicated]]) {
  const a = us.length ? median(us.map(f)) : NaN, b = ds.length ? median(ds.map(f)) : NaN
  summary[key] = { presence: a, deepstream: b, ratio: b ? a / b : null }
  console.log(key.padEnd(36), (+a.toFixed(2)).toString().padStart(10), (+b.toFixed(2)).toString().padStart(11), (b ? (a / b).toFixed(2) : '-').padStart(7))
}
fs.writeFileSync(`${dir}/jvm-summary.json`, JSON.stringify(summary, null, 2))
JS
  exit 0
fi

if [ "$SCENARIO" = burst ]; then
  generate() { # port pid users json
    "${generator[@]}" --nodes "ws://127.0.0.1:$1/deepstream" --scenario burst --users "$3" --pids "$2" --timeout 600 --json "$4" > /dev/null
  }
  echo "warm-up (2000 logins each)..."
  generate "$DS_PORT" "$ds_pid" 2000 "$out/warmup-deepstream.json"
  generate "$OUR_PORT" "$our_pid" 2000 "$out/warmup-presence.json"
  for run in $(seq 1 "$RUNS"); do
    echo "run $run of $RUNS: $USERS logins in a burst, one subscriber"
    generate "$DS_PORT" "$ds_pid" "$USERS" "$out/run$run-deepstream.json"
    generate "$OUR_PORT" "$our_pid" "$USERS" "$out/run$run-presence.json"
  done
else
  [ -d bench/node/node_modules/ws ] || (cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
  # first the independent generator (Node + ws). The passes take turns (deepstream, [floor,] ours,
  # then again), so that the machine's drift, which moved one server's CPU per pass by a factor of
  # two between runs made minutes apart, falls on every server alike
  servers=(deepstream presence)
  [ -n "$floor_pid" ] && servers=(deepstream floor presence)
  echo "independent generator (bench/node/logins.js): $RUNS passes of $USERS logins on each of ${servers[*]}, taking turns"
  for pass in $(seq 1 "$RUNS"); do
    for who in "${servers[@]}"; do
      case "$who" in
        deepstream) port="$DS_PORT"; pid="$ds_pid" ;;
        floor) port="$FLOOR_PORT"; pid="$floor_pid" ;;
        *) port="$OUR_PORT"; pid="$our_pid" ;;
      esac
      # as many as the JVM generator asks: 200 were too few to tell one CPU tick from a collection
      queries=1000; [ "$who" = floor ] && queries=0 # the floor answers no queries
      node bench/node/logins.js --url "ws://127.0.0.1:$port/deepstream" --pid "$pid" --users "$USERS" \
        --passes 1 --queries "$queries" > "$out/node-$who-pass$pass.json" 2>> "$out/node-$who.log" || true
    done
  done
  # one file per server with its passes in order, as one run of several passes would write it
  node - "$out" "$RUNS" "${servers[@]}" <<'JS'
const fs = require('fs'), [dir, runs, ...servers] = process.argv.slice(2)
for (const who of servers) {
  const runsOf = Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/node-${who}-pass${i + 1}.json`)))
  const passes = runsOf.map((r, i) => ({ ...r.passes[0], pass: i + 1 }))
  fs.writeFileSync(`${dir}/node-${who}.json`, JSON.stringify({ ...runsOf[0], passes }, null, 2))
}
JS
  node - "$out" <<'JS'
const fs = require('fs'), [dir] = process.argv.slice(2)
const ds = JSON.parse(fs.readFileSync(`${dir}/node-deepstream.json`)).passes
const us = JSON.parse(fs.readFileSync(`${dir}/node-presence.json`)).passes
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const later = ps => ps.length > 1 ? ps.slice(1) : ps
console.log('\nindependent generator (Node + ws), medians of passes 2 and later')
console.log('metric'.padEnd(44), 'presence'.padStart(12), 'deepstream'.padStart(12), 'ratio'.padStart(8), 'target'.padStart(8))
const summary = {}
for (const [name, key, target] of [
  ['server CPU until every join (ms)', 'serverCpuMs', 0.8], ['time until subscriber had every join (ms)', 'timeUntilEveryJoinMs', 0.8],
  ['AUTH -> subscriber join p50 (ms)', 'authToJoinP50Ms', 1], ['AUTH -> subscriber join p99 (ms)', 'authToJoinP99Ms', 1],
  ['server RSS with every user online (MB)', 'rssOnlineMb', 1], ['server CPU per getAll() (ms)', 'getAllCpuMs', 0.5],
  ['joins missed + duplicated', p => p.joinsMissed + p.joinsDuplicated, null]]) {
  const f = typeof key === 'function' ? key : p => p[key]
  const a = median(later(us).map(f)), b = median(later(ds).map(f))
  summary[name] = { presence: a, deepstream: b, ratio: b ? a / b : null, target }
  console.log(name.padEnd(44), String(a).padStart(12), String(b).padStart(12), (b ? (a / b).toFixed(2) : '-').padStart(8), String(target ?? '').padStart(8))
}
const steady = ps => ({ cpuLastOverSecond: ps.length > 1 ? +(ps.at(-1).serverCpuMs / ps[1].serverCpuMs).toFixed(2) : null,
  rssGrowthAfterLogoutMb: ps.at(-1).rssAfterLogoutMb - ps[0].rssAfterLogoutMb })
summary.steady = { presence: steady(us), deepstream: steady(ds) }
console.log(`steady state (last pass CPU / second's; RSS after logout, last pass - first): presence ${JSON.stringify(summary.steady.presence)}, deepstream ${JSON.stringify(summary.steady.deepstream)}`)
if (fs.existsSync(`${dir}/node-floor.json`)) {
  const fl = JSON.parse(fs.readFileSync(`${dir}/node-floor.json`)).passes
  console.log('\nthe floor (bare Netty, bench FloorServer), same generator, medians of passes 2 and later')
  console.log('metric'.padEnd(44), 'floor'.padStart(12), 'deepstream'.padStart(12), 'ratio'.padStart(8))
  summary.floor = {}
  for (const [name, key] of [['server CPU until every join (ms)', 'serverCpuMs'], ['time until subscriber had every join (ms)', 'timeUntilEveryJoinMs'],
    ['AUTH -> subscriber join p50 (ms)', 'authToJoinP50Ms'], ['AUTH -> subscriber join p99 (ms)', 'authToJoinP99Ms'],
    ['server RSS with every user online (MB)', 'rssOnlineMb']]) {
    const a = median(later(fl).map(p => p[key])), b = median(later(ds).map(p => p[key]))
    summary.floor[name] = { floor: a, deepstream: b, ratio: b ? a / b : null }
    console.log(name.padEnd(44), String(a).padStart(12), String(b).padStart(12), (b ? (a / b).toFixed(2) : '-').padStart(8))
  }
}
fs.writeFileSync(`${dir}/node-summary.json`, JSON.stringify(summary, null, 2))
JS
  [ "${JVM_GENERATOR:-yes}" = no ] && exit 0 # JVM_GENERATOR=no: the independent generator alone
  echo
  echo "our generator (JVM, io.presence.bench.LoadGenerator), the servers in turn each pass"
  logins() { # port pid json: two generator processes, 50 logins in flight each, starting together
    local run_id start_at done_file
    run_id="$(date +%s%N | tail -c 9)"
    start_at=$(( $(date +%s%3N) + 4000 ))
    done_file="$out/$run_id.done"
    "${generator[@]}" --nodes "ws://127.0.0.1:$1/deepstream" --scenario logins --users "$USERS" --in-flight 50 \
      --share 1/2 --run-id "$run_id" --start-at "$start_at" --done-file "$done_file" --timeout 600 > /dev/null &
    local helper=$!
    "${generator[@]}" --nodes "ws://127.0.0.1:$1/deepstream" --scenario logins --users "$USERS" --in-flight 50 \
      --share 0/2 --run-id "$run_id" --start-at "$start_at" --done-file "$done_file" --pids "$2" \
      --queries "${QUERIES:-1000}" --small-queries "$(( ${QUERIES:-1000} * 5 ))" --small-query-names 10 --timeout 600 --json "$3" > /dev/null
    wait "$helper"
  }
  for run in $(seq 1 "$RUNS"); do
    echo "pass $run of $RUNS: $USERS logins (WebSocket + CHALLENGE + AUTH), 100 in flight, then queries"
    logins "$DS_PORT" "$ds_pid" "$out/run$run-deepstream.json"
    # the floor answers no queries
    [ -n "$floor_pid" ] && QUERIES=0 logins "$FLOOR_PORT" "$floor_pid" "$out/run$run-floor.json"
    logins "$OUR_PORT" "$our_pid" "$out/run$run-presence.json"
  done
fi

node - "$out" "$RUNS" "$SCENARIO" <<'JS'
const fs = require('fs'), [dir, runs, scenario] = process.argv.slice(2)
const load = (who) => Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/run${i + 1}-${who}.json`)))
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const ds = load('deepstream'), us = load('presence')
const rows = scenario === 'burst' ? [
  ['server CPU per login (ms)', r => r.server_cpu_ms_per_login],
  ['time until subscriber had every join (ms)', r => r.time_until_subscriber_had_every_join_ms],
  ['logins/s until subscriber had all', r => r.logins_per_second_until_subscriber_had_all],
  ['getAll() mean (ms)', r => r.getAll_ms.mean],
  ['getAll() p99 (ms)', r => r.getAll_ms.p99],
  ['server peak RSS (MB)', r => r.server_peak_rss_mb],
  ['joins missed + duplicated', r => r.joins_missed + r.joins_duplicated]
] : [
  ['server CPU during the logins (ms)', r => r.server_cpu_ms],
  ['time until subscriber had every join (ms)', r => r.time_until_subscriber_had_every_join_ms],
  ['AUTH -> subscriber join p50 (ms)', r => r.auth_to_subscriber_join_ms.p50],
  ['AUTH -> subscriber join p99 (ms)', r => r.auth_to_subscriber_join_ms.p99],
  ['server CPU per getAll() (ms)', r => r.getAll_server_cpu_ms_per_query],
  ['server CPU per getAll(10 names) (ms)', r => r.getAll_10_names_server_cpu_ms_per_query],
  ['getAll(10 names) p50 (ms)', r => r.getAll_10_names_ms.p50],
  ['server RSS with every user online (MB)', r => r.server_rss_mb],
  ['joins missed + duplicated', r => r.joins_missed + r.joins_duplicated]
]
const summary = {}
const line = (name, a, b) => console.log(name.padEnd(44), a.toFixed(3).padStart(12), b.toFixed(3).padStart(12),
  (b === 0 ? '-' : (a / b).toFixed(2)).padStart(8))
const head = () => console.log('metric'.padEnd(44), 'presence'.padStart(12), 'deepstream'.padStart(12), 'ratio'.padStart(8))
if (scenario === 'burst') {
  console.log(`\nmedians of ${runs} runs, ${ds[0].users} logins in a burst\n`)
  head()
  for (const [name, f] of rows) {
    const a = median(us.map(f)), b = median(ds.map(f))
    summary[name] = { presence: a, deepstream: b, ratio: b === 0 ? null : a / b }
    line(name, a, b)
  }
} else {
  for (let i = 0; i < Number(runs); i++) {
    console.log(`\npass ${i + 1}`)
    head()
    for (const [name, f] of rows) line(name, f(us[i]), f(ds[i]))
  }
  // the same statistic as the independent generator's summary: a best-of would pick one
  // server's outlier pass (deepstream's CPU per pass has moved 2.1-3.8 s within one run)
  const later = xs => xs.length > 1 ? xs.slice(1) : xs
  console.log(`\nmedians of passes 2-${runs}`)
  head()
  for (const [name, f] of rows) {
    const a = median(later(us).map(f)), b = median(later(ds).map(f))
    summary[name] = { presence: a, deepstream: b, ratio: b === 0 ? null : a / b }
    line(name, a, b)
  }
  if (fs.existsSync(`${dir}/run1-floor.json`)) {
    const fl = Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/run${i + 1}-floor.json`)))
    console.log(`\nthe floor (bare Netty, bench FloorServer), medians of passes 2-${runs}`)
    console.log('metric'.padEnd(44), 'floor'.padStart(12), 'deepstream'.padStart(12), 'ratio'.padStart(8))
    summary.floor = {}
    for (const [name, f] of rows.filter(([n]) => !n.includes('getAll'))) {
      const a = median(later(fl).map(f)), b = median(later(ds).map(f))
      summary.floor[name] = { floor: a, deepstream: b, ratio: b === 0 ? null : a / b }
      line(name, a, b)
    }
  }
}
fs.writeFileSync(`${dir}/summary.json`, JSON.stringify(summary, null, 2))
console.log(`\nraw results: ${dir}`)
JS
