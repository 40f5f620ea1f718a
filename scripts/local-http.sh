#!/usr/bin/env bash
# Asks the node on this host over plain HTTP, with bash alone (the image carries no curl): the
# container's health check and the Kubernetes pre-stop hook use it.
#
#   scripts/local-http.sh METHOD PATH [SECONDS]   e.g. GET /live, or POST /drain 30
#
# Succeeds when the node answers 2xx within SECONDS (default 3). Port: PRESENCE_PORT (6020).
# PRESENCE_DRAIN_TOKEN, when set, goes along as a bearer token (POST and DELETE /drain need it).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 METHOD PATH [SECONDS]" >&2; exit 2; }
method="$1"; path="$2"; seconds="${3:-3}"
exec 3<>"/dev/tcp/127.0.0.1/${PRESENCE_PORT:-6020}"
token=""
if [ -n "${PRESENCE_DRAIN_TOKEN:-}" ]; then token="Authorization: Bearer $PRESENCE_DRAIN_TOKEN"$'\r\n'; fi
printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n' "$method" "$path" "$token" >&3
IFS= read -r -t "$seconds" status <&3 || { echo "no answer from the node within ${seconds} s" >&2; exit 1; }
[[ "$status" =~ ^HTTP/1\.[01]\ 2[0-9][0-9] ]] || { echo "the node answered: ${status%$'\r'}" >&2; exit 1; }
