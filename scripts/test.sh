#!/usr/bin/env bash
# Runs every test: the Maven build (codec, node and 3-member cluster tests), then the official
# deepstream JavaScript client against a 3-node cluster started with scripts/cluster.sh.
set -euo pipefail
if [ $# -gt 0 ]; then
  [ "$1" = --help ] || [ "$1" = -h ] || echo "unknown argument: $1" >&2
  echo "usage: scripts/test.sh   (no arguments: the Maven build with every test, then the interop tests)" >&2
  [ "$1" = --help ] || [ "$1" = -h ]
  exit $?
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -B verify
# puppeteer-core (the live page's test) needs Node 22.12 or later
. scripts/node-runtime.sh
# the independent load generators (Node with ws), smoke-run by interop/generators-smoke.test.js
(cd bench/node && npm ci --no-audit --no-fund)
cd interop
npm ci --no-audit --no-fund
npm test
