#!/usr/bin/env bash
# Side by side: our node and deepstream 7.0.2 (npm @deepstream/server, open auth, one node each,
# same host), measured by the same load generator in one run, several times; prints medians and ratios.
#
#   scripts/bench-compare.sh [USERS] [RUNS]      defaults: 20000 users, 3 runs (after one warm-up each)
#
# deepstream is installed into bench/.deepstream/ (ignored by git). Its GitHub-only dependency
# uWebSockets.js cannot be fetched here, so an npm override maps it to a local stub; the default
# Node HTTP server that this config selects never loads it. Results: bench/results/<date>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${1:-20000}"
RUNS="${2:-3}"
DS_PORT="${DS_PORT:-6120}"
OUR_PORT="${OUR_PORT:-6220}"
ds_dir="$root/bench/.deepstream"
out="$root/bench/results/$(date +%Y%m%d-%H%M%S)"
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
PRESENCE_PORT="$OUR_PORT" PRESENCE_CLUSTER_NAME="bench-$$" PRESENCE_HAZELCAST_PORT=5981 \
  java -Xmx2g -jar node/target/presence-node.jar > "$out/presence-node.log" 2>&1 &
our_pid=$!; pids+=("$our_pid")

for port in "$DS_PORT" "$OUR_PORT"; do
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/health-check" && break; sleep 0.2; done
  curl -fs -o /dev/null "http://127.0.0.1:$port/health-check" || { echo "server on $port did not start; see $out" >&2; exit 1; }
done

generate() { # name port pid users json
  java -Xmx2g -cp "bench/target/presence-bench.jar:bench/target/lib/*" io.presence.bench.LoadGenerator \
    --nodes "ws://127.0.0.1:$2/deepstream" --scenario burst --users "$4" --pids "$3" --timeout 600 --json "$5" > /dev/null
}
echo "warm-up (2000 logins each)..."
generate deepstream "$DS_PORT" "$ds_pid" 2000 "$out/warmup-deepstream.json"
generate presence "$OUR_PORT" "$our_pid" 2000 "$out/warmup-presence.json"
for run in $(seq 1 "$RUNS"); do
  echo "run $run of $RUNS: $USERS logins in a burst, one subscriber"
  generate deepstream "$DS_PORT" "$ds_pid" "$USERS" "$out/run$run-deepstream.json"
  generate presence "$OUR_PORT" "$our_pid" "$USERS" "$out/run$run-presence.json"
done

node - "$out" "$RUNS" <<'JS'
const fs = require('fs'), [dir, runs] = process.argv.slice(2)
const load = (who) => Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/run${i + 1}-${who}.json`)))
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const ds = load('deepstream'), us = load('presence')
const rows = [
  ['server CPU per login (ms)', r => r.server_cpu_ms_per_login],
  ['time until subscriber had every join (ms)', r => r.time_until_subscriber_had_every_join_ms],
  ['logins/s until subscriber had all', r => r.logins_per_second_until_subscriber_had_all],
  ['getAll() mean (ms)', r => r.getAll_ms.mean],
  ['getAll() p99 (ms)', r => r.getAll_ms.p99],
  ['server peak RSS (MB)', r => r.server_peak_rss_mb],
  ['joins missed + duplicated', r => r.joins_missed + r.joins_duplicated]
]
const summary = {}
console.log(`\nmedians of ${runs} runs, ${ds[0].users} logins in a burst\n`)
console.log('metric'.padEnd(44), 'presence'.padStart(12), 'deepstream'.padStart(12), 'ratio'.padStart(8))
for (const [name, f] of rows) {
  const a = median(us.map(f)), b = median(ds.map(f))
  summary[name] = { presence: a, deepstream: b, ratio: b === 0 ? null : a / b }
  console.log(name.padEnd(44), a.toFixed(3).padStart(12), b.toFixed(3).padStart(12), (b === 0 ? '-' : (a / b).toFixed(2)).padStart(8))
}
fs.writeFileSync(`${dir}/summary.json`, JSON.stringify(summary, null, 2))
console.log(`\nraw results: ${dir}`)
JS
