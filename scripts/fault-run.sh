#!/usr/bin/env bash
# A long randomized fault run (client/src/test/.../faults): three node processes in one topology,
# a webhook receiver, clients on every node, one fault at a time chosen by a seed (network
# splits too, unless SPLITS=false: embedded, a node's member cut off; client mode, a data
# member), then the history checked. Prints the report (every fault, its figures, the verdict); exits non-zero on
# a violation. A failing run prints its seed: run again with it to replay the same choices.
set -euo pipefail
usage() {
  echo "usage: scripts/fault-run.sh embedded|client [SECONDS] [SEED]   (default 3600 s, a random seed)" >&2
}
if [ $# -lt 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
  usage
  [ $# -ge 1 ]
  exit 0
fi
topology="$1"
case "$topology" in embedded|client) ;; *) echo "unknown topology: $topology" >&2; usage; exit 2 ;; esac
seconds="${2:-3600}"
seed="${3:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p client/target
log="client/target/fault-run-$topology-$seed.log"
echo "fault run: $topology, $seconds s, seed $seed (full log: $log)"
status=0
# the modules come from this tree (-am), not the local repository, so builds elsewhere cannot change them under a run
./mvnw -B -pl client -am test -Dtest=FaultRunTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfaults.topology="$topology" -Dfaults.seconds="$seconds" -Dfaults.seed="$seed" \
  -Dfaults.splits="${SPLITS:-true}" > "$log" 2>&1 || status=$?
grep -E '^FAULT RUN' "$log" | sed 's/^FAULT RUN //'
if [ "$status" -ne 0 ]; then
  sed -n '/FAILURE!/,/^\[INFO\]/p' "$log" | head -60
  echo "fault run FAILED (seed $seed): see $log" >&2
fi
exit "$status"
