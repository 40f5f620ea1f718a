#!/usr/bin/env bash
# Starts, stops and reports on a local cluster of presence nodes on loopback.
#
#   scripts/cluster.sh start [N] [--topology embedded|client]
#                                  start N nodes (default 3) on ports 6020, 6021, ...; builds first if needed.
#                                  embedded (the default): every node is a Hazelcast member.
#                                  client: DATA_MEMBERS data members first, the nodes their clients.
#   scripts/cluster.sh status      which nodes and data members run, and their health
#   scripts/cluster.sh stop        graceful stop (SIGTERM; nodes first, then data members), SIGKILL after 30 s
#
# Settings (environment): BASE_PORT (6020), HAZELCAST_PORT (5701), CLUSTER_NAME (presence-local),
# DATA_MEMBERS (2), CLUSTER_DIR (run/ in the repository: pid files and logs), JAVA_OPTS
# (cluster-config/jvm.options).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_PORT="${BASE_PORT:-6020}"
HAZELCAST_PORT="${HAZELCAST_PORT:-5701}"
CLUSTER_NAME="${CLUSTER_NAME:-presence-local}"
DATA_MEMBERS="${DATA_MEMBERS:-2}"
CLUSTER_DIR="${CLUSTER_DIR:-$root/run}"
# Each node runs through scripts/node.sh (JAVA_OPTS defaults to cluster-config/jvm.options there),
# the container image's entry point too.
jar="$root/node/target/presence-node.jar"

# running_pids [node|data]: the live pids of the nodes, the data members, or both
running_pids() {
  local f pid pattern="${1:-*}"
  for f in "$CLUSTER_DIR"/$pattern-*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done
}

needs_build() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root/node/src/main" "$root/protocol/src/main" "$root/cluster-config" "$root/pom.xml" \
      "$root/node/pom.xml" "$root/protocol/pom.xml" -newer "$jar" -print -quit)" ]
}

# With PRESENCE_TLS_CERTIFICATE set the nodes serve https:// and wss:// only. The probe is a local
# liveness check, so it does not verify the certificate (-k): it may name another host.
scheme=http; ws_scheme=ws
if [ -n "${PRESENCE_TLS_CERTIFICATE:-}" ]; then scheme=https; ws_scheme=wss; fi

healthy() {
  curl -fsk -o /dev/null --max-time 1 "$scheme://127.0.0.1:$1/health-check"
}

start() {
  local count=3 topology=embedded
  while [ $# -gt 0 ]; do
    case "$1" in
      --topology) topology="${2:-}"; shift 2 ;;
      --topology=*) topology="${1#*=}"; shift ;;
      *) count="$1"; shift ;;
    esac
  done
  case "$topology" in embedded|client) ;; *) echo "--topology is embedded or client, not '$topology'" >&2; exit 2 ;; esac
  if [ -n "$(running_pids)" ]; then
    echo "A cluster is already running from $CLUSTER_DIR (pids: $(running_pids | tr '\n' ' '))."
    echo "Stop it first with: scripts/cluster.sh stop"
    exit 1
  fi
  if needs_build; then
    echo "Building the node..."
    (cd "$root" && ./mvnw -B -q -DskipTests package)
  fi
  mkdir -p "$CLUSTER_DIR"
  rm -f "$CLUSTER_DIR"/node-*.pid "$CLUSTER_DIR"/data-*.pid
  local mode_env=()
  if [ "$topology" = client ]; then
    start_data_members
    local members=() d
    for ((d = 0; d < DATA_MEMBERS; d++)); do members+=("127.0.0.1:$((HAZELCAST_PORT + d))"); done
    mode_env=(PRESENCE_CLUSTER_MODE=client "PRESENCE_HAZELCAST_MEMBERS=$(IFS=,; echo "${members[*]}")")
  fi
  # Class data sharing: node 0 of a start without an archive records the classes it loaded into
  # one when it exits; later starts map it instead of loading ~10,000 classes (about 1 s less).
  local archive="$CLUSTER_DIR/presence-node.jsa" cds_first="" cds_rest=""
  if [ -f "$archive" ] && [ "$archive" -nt "$jar" ]; then
    cds_first="-XX:SharedArchiveFile=$archive"; cds_rest="$cds_first"
  else
    rm -f "$archive"
    cds_first="-XX:ArchiveClassesAtExit=$archive"
  fi
  local i port cds
  for ((i = 0; i < count; i++)); do
    port=$((BASE_PORT + i))
    cds="$cds_rest"; [ "$i" -eq 0 ] && cds="$cds_first"
    env "${mode_env[@]}" PRESENCE_PORT="$port" PRESENCE_HAZELCAST_PORT="$HAZELCAST_PORT" PRESENCE_CLUSTER_NAME="$CLUSTER_NAME" \
      JAVA_EXTRA_OPTS="$cds -Xlog:cds=off -Xlog:cds+dynamic=off" \
      nohup "$root/scripts/node.sh" > "$CLUSTER_DIR/node-$i.log" 2>&1 &
    echo $! > "$CLUSTER_DIR/node-$i.pid"
  done
  local deadline=$((SECONDS + 90)) pending
  while :; do
    pending=0
    for ((i = 0; i < count; i++)); do
      healthy $((BASE_PORT + i)) || pending=$((pending + 1))
    done
    [ "$pending" -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      echo "$pending node(s) not healthy after 90 s; see $CLUSTER_DIR/node-*.log" >&2
      exit 1
    fi
    for f in "$CLUSTER_DIR"/node-*.pid; do
      if ! kill -0 "$(cat "$f")" 2>/dev/null; then
        echo "node ${f##*/node-} exited during start-up; see $CLUSTER_DIR/node-*.log" >&2
        exit 1
      fi
    done
    sleep 0.1
  done
  echo "Cluster '$CLUSTER_NAME' of $count node(s) serving ($topology topology):"
  if [ "$topology" = client ]; then
    for ((i = 0; i < DATA_MEMBERS; i++)); do
      echo "  data member $i: 127.0.0.1:$((HAZELCAST_PORT + i)); pid $(cat "$CLUSTER_DIR/data-$i.pid")"
    done
  fi
  for ((i = 0; i < count; i++)); do
    echo "  node $i: $ws_scheme://127.0.0.1:$((BASE_PORT + i))/deepstream (binary), /deepstream-json (JSON); pid $(cat "$CLUSTER_DIR/node-$i.pid")"
  done
  if [ "$topology" = client ]; then echo "Logs: $CLUSTER_DIR/node-*.log, $CLUSTER_DIR/data-*.log"
  else echo "Logs: $CLUSTER_DIR/node-*.log"
  fi
}

# The data tier of the client topology: members that keep the data and serve no clients.
start_data_members() {
  local d deadline=$((SECONDS + 90))
  # one after the other: started together, they may form separate clusters that merge only later
  for ((d = 0; d < DATA_MEMBERS; d++)); do
    PRESENCE_HAZELCAST_PORT="$HAZELCAST_PORT" PRESENCE_CLUSTER_NAME="$CLUSTER_NAME" \
      nohup "$root/scripts/node.sh" data-member > "$CLUSTER_DIR/data-$d.log" 2>&1 &
    echo $! > "$CLUSTER_DIR/data-$d.pid"
    until grep -q "data member serving" "$CLUSTER_DIR/data-$d.log" 2>/dev/null; do
      if ! kill -0 "$(cat "$CLUSTER_DIR/data-$d.pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
        echo "data member $d did not start; see $CLUSTER_DIR/data-$d.log" >&2
        exit 1
      fi
      sleep 0.1
    done
  done
}

status() {
  local f i pid port state found=0
  for f in "$CLUSTER_DIR"/node-*.pid; do
    [ -e "$f" ] || continue
    found=1
    i="${f##*/node-}"; i="${i%.pid}"
    pid="$(cat "$f")"
    port=$((BASE_PORT + i))
    if ! kill -0 "$pid" 2>/dev/null; then state="not running"
    elif healthy "$port"; then state="serving"
    else state="running, not healthy"
    fi
    echo "node $i: pid $pid, port $port: $state"
  done
  for f in "$CLUSTER_DIR"/data-*.pid; do
    [ -e "$f" ] || continue
    found=1
    i="${f##*/data-}"; i="${i%.pid}"
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then state="running"; else state="not running"; fi
    echo "data member $i: pid $pid, Hazelcast port $((HAZELCAST_PORT + i)): $state"
  done
  [ "$found" -eq 1 ] || echo "No cluster started from $CLUSTER_DIR."
}

stop() {
  if [ -z "$(running_pids)" ]; then
    echo "No cluster running from $CLUSTER_DIR."
    rm -f "$CLUSTER_DIR"/node-*.pid "$CLUSTER_DIR"/data-*.pid
    return 0
  fi
  # the nodes first, while the data members can still record their users' logouts
  stop_group node
  stop_group data
  rm -f "$CLUSTER_DIR"/node-*.pid "$CLUSTER_DIR"/data-*.pid
  echo "Cluster stopped."
}

stop_group() {
  local pid deadline
  for pid in $(running_pids "$1"); do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 30))
  while [ -n "$(running_pids "$1")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  for pid in $(running_pids "$1"); do
    echo "pid $pid did not stop within 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  status) status ;;
  stop) stop ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
