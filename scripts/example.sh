#!/usr/bin/env bash
# Runs the Java SDK's example program against the local cluster (scripts/cluster.sh start).
#   scripts/example.sh --user Alex --query Alex,Pedro --watch 30
# Without --url it tries 127.0.0.1:6020, 6021 and 6022 in turn.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/examples/target/presence-examples.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/examples/src" "$root/client/src" "$root/protocol/src" -newer "$jar" -print -quit)" ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests -pl examples -am package)
fi
exec java -cp "$jar:$root/examples/target/lib/*" io.presence.examples.PresenceExample "$@"
