#!/usr/bin/env bash
# Prints the hash of a password for a users file (deepstream's users.yml format), with the hash
# settings of the node configuration: auth.file.hash, auth.file.iterations, auth.file.key.length
# (from --config FILE or PRESENCE_AUTH_FILE_* variables; deepstream's defaults otherwise).
#
#   scripts/hash-password.sh                    asks for the password (not echoed)
#   echo -n 'secret' | scripts/hash-password.sh reads it from standard input
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/node/target/presence-node.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests package)
fi
if [ -t 0 ]; then
  read -r -s -p "password: " password
  echo >&2
  printf '%s\n' "$password" | exec java -jar "$jar" hash-password "$@"
fi
exec java -jar "$jar" hash-password "$@"
