#!/usr/bin/env bash
# Runs KvCluster locally through its .NET Aspire AppHost:
#   scripts/run-cluster.sh [--nodes N] [--spare-nodes K] [--port-base P] [--redis-port R] [--state-dir DIR]
#     [--redis CONNECTION] [--redis-mode auto|container|executable] [--fsync always|everysec] [--auth] [--token-file FILE]
#     [--fresh] [--no-dashboard]
# With --auth, {state-dir}/endpoints.json holds the admin token ("token") clients send as Authorization: Bearer.
# Relative paths (--state-dir) are taken from the directory you run it in. Ctrl+C stops everything.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where no container runtime answers, the private Redis is redis-server from PATH: install it if missing.
runtime="${ASPIRE_CONTAINER_RUNTIME:-docker}"
if ! timeout 10 "$runtime" info >/dev/null 2>&1; then
    "$repo/scripts/ensure-redis.sh"
fi
exec dotnet run --project "$repo/KvCluster.AppHost" -- "$@"
