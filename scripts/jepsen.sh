#!/usr/bin/env bash
# A longer randomized fault campaign against a real 3-node cluster, Jepsen style:
#   scripts/jepsen.sh [--minutes M] [--nemeses kill-node,pause-node,...] [--seed S] [--clients C] [--history-dir DIR]
# Nemeses: kill-node kill-coordinator pause-node restart-redis redis-link coordinator-link (default: all, taking turns).
# Prints a summary table (operations, faults, anomalies, where the JSON lines history was saved); exits non-zero on an anomaly.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=2
export JEPSEN_NEMESES="" JEPSEN_SEED=42 JEPSEN_CLIENTS=6 JEPSEN_HISTORY_DIR="$PWD/TestResults/jepsen"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        --nemeses) JEPSEN_NEMESES="$2"; shift 2 ;;
        --seed) JEPSEN_SEED="$2"; shift 2 ;;
        --clients) JEPSEN_CLIENTS="$2"; shift 2 ;;
        --history-dir) JEPSEN_HISTORY_DIR="$2"; shift 2 ;;
        -h|--help) sed -n 2,6p "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
export JEPSEN_SECONDS
JEPSEN_SECONDS=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
mkdir -p "$JEPSEN_HISTORY_DIR"

scripts/ensure-redis.sh
log="$JEPSEN_HISTORY_DIR/campaign-seed$JEPSEN_SEED.log"
echo "campaign: ${JEPSEN_SECONDS}s, nemeses=${JEPSEN_NEMESES:-all}, seed=$JEPSEN_SEED; test output in $log"
status=0
dotnet test KvCluster.Tests --filter "FullyQualifiedName~KvCluster.Tests.Jepsen.CampaignTests" \
    --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
# The summary table and any anomalies, without the cluster's own log lines.
grep -E '^\s*(\||history:|\[(not-linearizable|session|local|written-twice|unexpected-answer|undecided)\])' "$log" | sed 's/^ *//' | awk '!seen[$0]++' || true
if [[ $status -ne 0 ]]; then echo "campaign FAILED (exit $status); see $log" >&2; fi
exit $status
