#!/usr/bin/env bash
# Runs one presence node from the built jar with the project's JVM options: what scripts/cluster.sh
# starts for each node, and what the container image runs (its entry point), so both run the same
# jar with the same flags. Arguments go to the node (e.g. --config cluster-config/node.properties).
#
# Environment: JAVA_OPTS (default: the file JVM_OPTIONS_FILE names, cluster-config/jvm.options), JAVA_EXTRA_OPTS (added after them,
# e.g. class data sharing), and every node setting as PRESENCE_* (see the README).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Serial GC, C1 only: measured in docs/performance.md (less CPU and half the RSS of G1 with C2 on
# small hosts); what survives a young collection (mostly new connections' state) is promoted at
# once, and the heap is not shrunk after logouts, so the next burst of logins finds room in the
# old generation instead of a full collection each time; for heaps of many GB, G1 is the better choice.
# JVM_OPTIONS_FILE picks another file of them: the image's (cluster-config/jvm-container.options)
# sizes the heap from the container's memory limit instead of a fixed 1 GB.
JAVA_OPTS="${JAVA_OPTS:-$(cat "$root/${JVM_OPTIONS_FILE:-cluster-config/jvm.options}")}"
# glibc's per-thread malloc arenas add RSS without need on a JVM
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# the jar's manifest carries the --add-opens Hazelcast needs on Java 17
# shellcheck disable=SC2086
exec java $JAVA_OPTS ${JAVA_EXTRA_OPTS:-} -jar "$root/node/target/presence-node.jar" "$@"
