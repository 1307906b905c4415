#!/usr/bin/env bash
# Before/after benchmark of a change: two revisions of KvCluster, each built in Release in a git worktree of its own,
# run side by side as two 3-node clusters (as scripts/bench.sh starts one), etcd 3.4 (3 members) beside them; the
# load generator is this checkout's. Prints a markdown table (per cell: throughput, p50/p99, CPU per operation and
# the ratio to etcd, base → head with the change) and writes it with every cell's report and the servers' logs.
#
#   scripts/bench-compare.sh --base REV [--head REV] [--rounds R] [--duration S] [--warmup S] [--system-warmup S]
#                            [--connections C] [--keys N] [--sizes "100 10240"] [--kv-fsync everysec|always] [--output DIR]
#
# Defaults: head HEAD; each system first gets 30 s of unmeasured load, then writes, linearizable reads and local
# reads of 100 B values each run in 5 rounds of 6 s measured after 2 s warmup, 64 connections, 10,000 keys: about
# 11 minutes after the builds' 3 (8 more per extra size). Output in bench-results/compare-<date>-<time>/.
# Installs etcd-server and redis-server with apt-get when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE_REV=
HEAD_REV=HEAD
ROUNDS=5
DURATION=6
WARMUP=2
SYSTEM_WARMUP=30
CONNECTIONS=64
KEYS=10000
SIZES="100"
KV_FSYNC=everysec
OUTPUT="$ROOT/bench-results/compare-$(date -u +%Y%m%d-%H%M%S)"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --base) BASE_REV=$2; shift 2 ;;
        --head) HEAD_REV=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --system-warmup) SYSTEM_WARMUP=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --keys) KEYS=$2; shift 2 ;;
        --sizes) SIZES=$2; shift 2 ;;
        --kv-fsync) KV_FSYNC=$2; shift 2 ;;
        --output) OUTPUT=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ -n "$BASE_REV" ]] || { echo "--base REV is required (see --help)" >&2; exit 2; }
BASE_SHA=$(git -C "$ROOT" rev-parse --verify --quiet "$BASE_REV^{commit}") || { echo "No such revision: $BASE_REV" >&2; exit 2; }
HEAD_SHA=$(git -C "$ROOT" rev-parse --verify --quiet "$HEAD_REV^{commit}") || { echo "No such revision: $HEAD_REV" >&2; exit 2; }
BASE_LABEL="$BASE_REV ($(git -C "$ROOT" rev-parse --short "$BASE_SHA"))"
HEAD_LABEL="$HEAD_REV ($(git -C "$ROOT" rev-parse --short "$HEAD_SHA"))"
OUTPUT=$(mkdir -p "$OUTPUT" && cd "$OUTPUT" && pwd)

LOG_TAG=bench-compare
KEPT_LOGS=$OUTPUT
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"

install_servers

# ---- everything started is stopped on exit, the worktrees removed --------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kvcompare.XXXXXX")
stop_all() {
    local status=$?
    trap - EXIT INT TERM
    log "stopping everything"
    stop_started || status=1
    local tree
    for tree in "$WORK/base" "$WORK/head"; do
        if [[ -d "$tree" ]]; then git -C "$ROOT" worktree remove --force "$tree" >/dev/null 2>&1 || true; fi
    done
    git -C "$ROOT" worktree prune
    mkdir -p "$OUTPUT"
    cp -r "$WORK/cells" "$WORK"/*.log "$OUTPUT/" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# ---- build: the two revisions in worktrees, the load generator here ------------------------------------------
# Without build servers: a compiler server or MSBuild node left running would be a process this run started and did not stop.
BUILD_OPTIONS=(--disable-build-servers)
for side in base head; do
    sha=BASE_SHA; [[ $side == head ]] && sha=HEAD_SHA
    git -C "$ROOT" worktree add --detach --quiet "$WORK/$side" "${!sha}"
    log "building $side (${!sha:0:12}) in Release"
    timeout 1800 dotnet build "$WORK/$side/KvCluster.AppHost/KvCluster.AppHost.csproj" -c Release -v q -nologo "${BUILD_OPTIONS[@]}" >&2
done
log "building the load generator of this checkout (Release)"
build_bench "${BUILD_OPTIONS[@]}"

read -r -a SIZE_LIST <<<"$SIZES"
# Coordinator then three nodes per cluster, base's run then head's; then each cluster's Redis and etcd's six ports.
mapfile -t KV_PORTS < <("${BENCH[@]}" free-ports --count 8 --consecutive)
mapfile -t PORTS < <("${BENCH[@]}" free-ports --count 8)
declare -A PORT_BASE=([base]=${KV_PORTS[0]} [head]=${KV_PORTS[4]})
declare -A REDIS_PORT=([base]=${PORTS[0]} [head]=${PORTS[1]})

# ---- start the systems: both clusters at once, each warmed once, so no round pays a start or a cold JIT ----------
declare -A KV_ARGS_OF
for side in base head; do
    log "starting $side: coordinator ${PORT_BASE[$side]}, nodes $((PORT_BASE[$side] + 1))-$((PORT_BASE[$side] + 3)), redis ${REDIS_PORT[$side]} (fsync $KV_FSYNC)"
    start_kvcluster "kvcluster-$side" "$WORK/$side/KvCluster.AppHost/bin/Release/net10.0/KvCluster.AppHost.dll" \
        "${PORT_BASE[$side]}" "${REDIS_PORT[$side]}" "$KV_FSYNC"
    args=(); for url in "${KV_URLS[@]}"; do args+=(--endpoint "$url"); done
    # Nodes are watched as the target; the coordinator and the cluster's Redis are named, so CPU per operation covers all.
    args+=(--watch "http://127.0.0.1:${PORT_BASE[$side]}" --watch-redis "$KV_REDIS")
    KV_ARGS_OF[$side]="${args[*]}"
done
start_etcd "${PORTS[@]:2:6}"
ETCD_ARGS=(); for url in "${ETCD_URLS[@]}"; do ETCD_ARGS+=(--endpoint "$url"); done

# ---- the workloads --------------------------------------------------------------------------------------------
mkdir -p "$WORK/cells/base" "$WORK/cells/head" "$WORK/cells/etcd"
system_args() { # system_args SIDE : the run options naming SIDE's endpoints (base, head or etcd)
    case "$1" in
        etcd) SYSTEM_ARGS=(--target etcd "${ETCD_ARGS[@]}") ;;
        *) read -r -a SYSTEM_ARGS <<<"${KV_ARGS_OF[$1]}"; SYSTEM_ARGS=(--target kvcluster "${SYSTEM_ARGS[@]}") ;;
    esac
}
ROUND=1
cell() { # cell SIDE SCENARIO SIZE RUN-OPTIONS... : one round of a cell on base, head or etcd
    local side=$1 scenario=$2 size=$3; shift 3
    system_args "$side"
    measure "$side $scenario ${size} B, round $ROUND of $ROUNDS" "$WORK/cells/$side/$scenario-$size-round$ROUND.json" \
        "${SYSTEM_ARGS[@]}" --scenario "$scenario" --value-size "$size" "$@"
}
# Within a round a workload runs on base, etcd and head in turn, and the two builds swap places every round (base
# first in odd rounds, head first in even ones): this machine's speed drifts by tens of percent over minutes, and a
# build always measured second would always meet the drift later. etcd between them sits next to both.
sides_of_round() { if ((ROUND % 2 == 1)); then echo base etcd head; else echo head etcd base; fi; }
rounds_of() { # rounds_of STEP... : runs the step (a function of the round) ROUNDS times
    for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do "$@"; done
}
writes() {
    local side
    for side in $(sides_of_round); do cell "$side" write "$SIZE" --read-ratio 0; done
}
linearizable_reads() { # the first round writes every key once, so reads (these and the local ones) find values of the size
    local side prefill=(); ((ROUND == 1)) && prefill=(--prefill)
    for side in $(sides_of_round); do cell "$side" read-linearizable "$SIZE" --read-ratio 1 --consistency linearizable "${prefill[@]}"; done
}
local_reads() { # etcd's are serializable reads, its local kind
    local side
    for side in $(sides_of_round); do cell "$side" read-local "$SIZE" --read-ratio 1 --consistency local; done
}

for side in base head etcd; do
    system_args "$side"
    warm_up "$side" "${SYSTEM_ARGS[1]}" 0.5 "${SYSTEM_ARGS[@]:2}"
done
for SIZE in "${SIZE_LIST[@]}"; do
    rounds_of writes
    rounds_of linearizable_reads
    rounds_of local_reads
done

# ---- results --------------------------------------------------------------------------------------------------
"${BENCH[@]}" compare-revisions --base "$WORK/cells/base" --head "$WORK/cells/head" --etcd "$WORK/cells/etcd" \
    --base-label "$BASE_LABEL" --head-label "$HEAD_LABEL" --output "$OUTPUT"
log "wrote $OUTPUT/comparison.md; each cell's report in $OUTPUT/cells, the servers' logs beside it"
