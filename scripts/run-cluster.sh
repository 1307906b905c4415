#!/usr/bin/env bash
# Runs KvCluster locally: scripts/run-cluster.sh [--nodes N] [--port-base P] [--redis-port R] [--state-dir DIR]
#   [--redis CONNECTION] [--fsync always|everysec] [--fresh] [--verbose]
# Relative paths (--state-dir) are taken from the directory you run it in.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/ensure-redis.sh"
exec dotnet run --project "$repo/KvCluster.AppHost" -- "$@"
