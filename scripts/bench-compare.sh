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
  node bench/node/summary.js fanout "$out" "$RUNS"
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
  node bench/node/summary.js fanout-jvm "$out" "$RUNS"
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
  node bench/node/summary.js logins "$out" "$RUNS" "${servers[@]}"
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

node bench/node/summary.js jvm "$out" "$RUNS" "$SCENARIO"
