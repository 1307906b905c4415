#!/usr/bin/env bash
# Side-by-side benchmark (issue 7): KvCluster (3 nodes), etcd 3.4 (3 members, HTTP/JSON gateway), a bare redis-server
# and a trivial Kestrel endpoint per value size, started fresh on 127.0.0.1, the same workloads offered to each.
# Writes docs/benchmarks/results.md, results.json and throughput.png, and stops everything it started.
#
#   scripts/bench.sh [--rounds R] [--duration S] [--warmup S] [--system-warmup S] [--connections C] [--keys N]
#                    [--sizes "100 10240"] [--memory-keys N] [--kv-fsync everysec|always] [--output DIR]
#
# Defaults: each system first gets 30 s of unmeasured mixed load (the .NET JIT needs that long to settle on two
# busy cores); then every cell runs in 3 rounds of 6 s measured after 2 s warmup, 64 connections, 10,000 keys,
# values of 100 B and 10 KiB; the table shows each cell's median round, and each ratio is the median of the ratios
# of rounds that ran next to each other: about 15 minutes in all.
# Installs etcd-server, redis-server and librsvg2-bin with apt-get when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=3
DURATION=6
WARMUP=2
SYSTEM_WARMUP=30
CONNECTIONS=64
KEYS=10000
SIZES="100 10240"
MEMORY_KEYS=1000000
KV_FSYNC=everysec
OUTPUT="$ROOT/docs/benchmarks"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --system-warmup) SYSTEM_WARMUP=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --keys) KEYS=$2; shift 2 ;;
        --sizes) SIZES=$2; shift 2 ;;
        --memory-keys) MEMORY_KEYS=$2; shift 2 ;;
        --kv-fsync) KV_FSYNC=$2; shift 2 ;;
        --output) OUTPUT=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

LOG_TAG=bench
KEPT_LOGS=bench-results
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"

# ---- install what is missing --------------------------------------------------------------------------------
install_servers
command -v rsvg-convert >/dev/null || { log "installing librsvg2-bin (SVG to PNG)"; apt_install librsvg2-bin; }

# ---- build -------------------------------------------------------------------------------------------------
log "building (Release)"
dotnet build "$ROOT/KvCluster.AppHost/KvCluster.AppHost.csproj" -c Release -v q -nologo >&2
build_bench
APPHOST_DLL="$ROOT/KvCluster.AppHost/bin/Release/net10.0/KvCluster.AppHost.dll"

# ---- everything started is stopped on exit -------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kvbench.XXXXXX")
stop_all() {
    local status=$?
    trap - EXIT INT TERM
    log "stopping everything"
    stop_started || status=1
    mkdir -p "$ROOT/bench-results"
    rm -rf "$ROOT/bench-results/cells" # the last run's reports only, not a mix with earlier runs
    cp -r "$WORK/cells" "$WORK"/*.log "$ROOT/bench-results/" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

read -r -a SIZE_LIST <<<"$SIZES"
mapfile -t PORTS < <("${BENCH[@]}" free-ports --count $((8 + ${#SIZE_LIST[@]})))
mapfile -t KV_PORTS < <("${BENCH[@]}" free-ports --count 4 --consecutive)
KV_REDIS_PORT=${PORTS[0]}; REDIS_PORT=${PORTS[1]}
declare -A TRIVIAL_PORT # value size -> port of the trivial endpoint answering bodies of that size
for i in "${!SIZE_LIST[@]}"; do TRIVIAL_PORT[${SIZE_LIST[$i]}]=${PORTS[$((8 + i))]}; done

# ---- start the systems ----------------------------------------------------------------------------------------
log "starting KvCluster: 3 nodes on ${KV_PORTS[1]}-${KV_PORTS[3]}, coordinator ${KV_PORTS[0]}, redis ${KV_REDIS_PORT} (fsync ${KV_FSYNC})"
start_kvcluster kvcluster "$APPHOST_DLL" "${KV_PORTS[0]}" "$KV_REDIS_PORT" "$KV_FSYNC"

start_etcd "${PORTS[@]:2:6}"

log "starting redis-server on $REDIS_PORT (appendonly, everysec, AOF rewrite at 400 %: as KvCluster's own)"
mkdir -p "$WORK/redis"
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --appendonly yes --appendfsync everysec \
    --auto-aof-rewrite-percentage 400 --save "" --daemonize no --protected-mode yes
wait_for "redis-server" 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping

# One trivial endpoint per value size, answering bodies of that size: the ceiling of a read moves the same bytes.
for size in "${SIZE_LIST[@]}"; do
    log "starting the trivial endpoint for $size B answers on ${TRIVIAL_PORT[$size]}"
    start "trivial-$size" "${BENCH[@]}" trivial-server --port "${TRIVIAL_PORT[$size]}" --body-size "$size"
    wait_for "trivial endpoint" 30 curl -sf "http://127.0.0.1:${TRIVIAL_PORT[$size]}/"
done

# ---- the workloads --------------------------------------------------------------------------------------------
mkdir -p "$WORK/cells"
ROUND=1
cell() { # cell SYSTEM SCENARIO SIZE RUN-OPTIONS... (endpoints included): one round of a cell
    local system=$1 scenario=$2 size=$3; shift 3
    measure "$system $scenario ${size} B, round $ROUND of $ROUNDS" "$WORK/cells/$system-$scenario-$size-round$ROUND.json" \
        --target "$system" --scenario "$scenario" --value-size "$size" "$@"
}
KV_ARGS=(); for url in "${KV_URLS[@]}"; do KV_ARGS+=(--endpoint "$url"); done
# The report gives each process's CPU (and for .NET, allocations and GC) per operation: nodes are watched as the
# target; the coordinator and the Redis servers are named here.
KV_WATCH=(--watch "http://127.0.0.1:${KV_PORTS[0]}" --watch-redis "$KV_REDIS")
ETCD_ARGS=(); for url in "${ETCD_URLS[@]}"; do ETCD_ARGS+=(--endpoint "$url"); done
trivial_url() { echo "http://127.0.0.1:${TRIVIAL_PORT[$1]}"; } # trivial_url SIZE
REDIS_ARGS=(--endpoint "127.0.0.1:$REDIS_PORT" --watch-redis "127.0.0.1:$REDIS_PORT")
cell_on() { # cell_on SYSTEM SCENARIO SIZE RUN-OPTIONS... : a cell against that system's endpoints
    local system=$1; shift
    case "$system" in
        kvcluster) cell "$system" "$@" "${KV_ARGS[@]}" "${KV_WATCH[@]}" ;;
        etcd) cell "$system" "$@" "${ETCD_ARGS[@]}" ;;
        redis) cell "$system" "$@" "${REDIS_ARGS[@]}" ;;
        trivial) cell "$system" "$@" --endpoint "$(trivial_url "$2")" ;; # $2: the cell's value size
    esac
}
# Each workload runs on every system in turn, round after round, the trivial endpoint right after KvCluster's
# local reads: this machine's speed drifts by tens of percent over minutes, and measuring the two sides of a ratio
# next to each other, several times, keeps a slow spell from landing on one side only (compare divides the rounds
# that ran together and takes the median of those ratios).
rounds_of() { # rounds_of STEP... : runs the step (a function of the round) ROUNDS times
    for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do "$@"; done
}
writes() {
    local system
    for system in kvcluster etcd redis; do cell_on "$system" write "$SIZE" --read-ratio 0; done
}
linearizable_reads() { # the first round writes every key once, so reads find values of the size
    local system prefill=(); ((ROUND == 1)) && prefill=(--prefill)
    for system in kvcluster etcd redis; do
        cell_on "$system" read-linearizable "$SIZE" --read-ratio 1 --consistency linearizable "${prefill[@]}"
    done
}
local_reads() {
    local system
    cell_on kvcluster read-local "$SIZE" --read-ratio 1 --consistency local
    cell_on trivial trivial "$SIZE" --read-ratio 1
    for system in etcd redis; do cell_on "$system" read-local "$SIZE" --read-ratio 1 --consistency local; done
}
mixed() {
    local system
    for system in kvcluster etcd redis; do cell_on "$system" mixed-90-10 "$SIZE" --read-ratio 0.9 --consistency linearizable; done
}
workloads() { # workloads SIZE
    SIZE=$1
    rounds_of writes
    rounds_of linearizable_reads
    rounds_of local_reads
    rounds_of mixed
}

for size in "${SIZE_LIST[@]}"; do warm_up trivial trivial 1 --endpoint "$(trivial_url "$size")" --value-size "$size"; done
warm_up kvcluster kvcluster 0.5 "${KV_ARGS[@]}"
warm_up etcd etcd 0.5 "${ETCD_ARGS[@]}"
warm_up redis redis 0.5 "${REDIS_ARGS[@]}"
for size in $SIZES; do workloads "$size"; done

log "memory: ${MEMORY_KEYS} keys of 100 B in a node's state machine"
"${BENCH[@]}" memory --keys "$MEMORY_KEYS" --value-size 100 --json "$WORK/memory.json" >&2

# ---- results --------------------------------------------------------------------------------------------------
mkdir -p "$OUTPUT"
"${BENCH[@]}" compare --input "$WORK/cells" --memory "$WORK/memory.json" --system-warmup "$SYSTEM_WARMUP" --output "$OUTPUT" >/dev/null
rsvg-convert --background-color=white "$OUTPUT/throughput.svg" -o "$OUTPUT/throughput.png"
rm -f "$OUTPUT/throughput.svg"
log "wrote $OUTPUT/results.md, results.json and throughput.png"
