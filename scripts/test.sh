#!/usr/bin/env bash
# Builds and runs every test: scripts/test.sh [dotnet test options], e.g. --filter "FullyQualifiedName~KvCluster.Tests.AppHost"
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/ensure-redis.sh"
cd "$repo"
# A test stuck past the hang timeout is killed with a dump, so a run never hangs forever;
# results go to TestResults/ as well as the console.
exec dotnet test KvCluster.sln \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFilePrefix=kvcluster" \
    --results-directory "$repo/TestResults" \
    --blame-hang-timeout 5m \
    "$@"
