# Shared by scripts/bench.sh and scripts/bench-compare.sh, which source it: installing the servers a run needs,
# starting processes that are all stopped at the end, waiting for them to answer, starting etcd and a KvCluster as
# the bench measures them, and offering load. The caller sets ROOT (the checkout whose bench program runs), WORK (its
# temporary directory), LOG_TAG and KEPT_LOGS (where the logs are kept afterwards, for messages), and for load
# CONNECTIONS, KEYS, DURATION, WARMUP and SYSTEM_WARMUP.

log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date +%H:%M:%S)" "$*" >&2; }

# ---- install what is missing --------------------------------------------------------------------------------
as_root() { if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=
apt_install() {
    command -v apt-get >/dev/null || { echo "$1 is missing and there is no apt-get to install it: install it and run again." >&2; exit 1; }
    if [[ -z "$APT_UPDATED" ]]; then as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2; APT_UPDATED=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}
install_servers() { # redis-server, etcd and curl
    "$ROOT/scripts/ensure-redis.sh"
    if ! command -v etcd >/dev/null; then
        log "installing etcd-server"
        apt_install etcd-server
        # The package may start a system etcd on 2379; this benchmark runs its own members.
        as_root systemctl disable --now etcd >/dev/null 2>&1 || as_root service etcd stop >/dev/null 2>&1 || true
    fi
    command -v curl >/dev/null || { log "installing curl"; apt_install curl; }
}

# ---- the bench program ----------------------------------------------------------------------------------------
build_bench() { # build_bench DOTNET-BUILD-OPTIONS... : builds ROOT's load generator in Release; sets BENCH and LOADGEN
    dotnet build "$ROOT/KvCluster.Bench/KvCluster.Bench.csproj" -c Release -v q -nologo "$@" >&2
    BENCH=(dotnet "$ROOT/KvCluster.Bench/bin/Release/net10.0/KvCluster.Bench.dll")
    # The load generator is a new process for every cell. With .NET's tiered PGO its hot paths run instrumented code for
    # the first ten-odd seconds, which measured 55-70 µs of its CPU per request in a 6-s window after 2 s of warm-up against
    # 33 µs once settled (and took that CPU from the servers beside it); without PGO it settles within the warm-up and runs
    # as fast after. The servers (KvCluster, the trivial endpoints) keep the default: they are warmed for minutes.
    LOADGEN=(env DOTNET_TieredPGO=0 "${BENCH[@]}")
}

# ---- everything started is stopped at the end -------------------------------------------------------------------
PIDS=()
start() { # start LOGNAME COMMAND... : runs in the background, remembers the pid
    local name=$1; shift
    # The mark in the environment is inherited by whatever the command starts in turn (the AppHost's DCP and services),
    # so stop_started finds those too, wherever they run from.
    env KVBENCH_WORK="$WORK" "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
}

leftovers() { # the pids of this run's processes still alive: carrying its mark, or naming or working in WORK
    # Three ways, as no one finds them all: redis-server rewrites its command line and environment (its process title),
    # yet runs in its state directory; DCP and the services carry the mark.
    {
        pgrep -f "$WORK" || true
        grep -lszFx -- "KVBENCH_WORK=$WORK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
        find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$WORK" -o -lname "$WORK/*" \) 2>/dev/null | cut -d/ -f3 || true
    } | sort -un
}

stop_started() { # stops every process start started, then anything of this run left; fails if something survived
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # The AppHost stops every service on SIGTERM (through DCP); give everyone 20 s, then kill what is left.
    local deadline=$((SECONDS + 20))
    for pid in "${PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then log "pid $pid still running: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
        wait "$pid" 2>/dev/null || true
    done
    # Anything of this run still alive (a grandchild the AppHost failed to stop) is ours too. DCP's controllers end a few
    # seconds after the AppHost that started them: they get until the deadline, then are killed with the rest.
    local left
    while [[ -n "$(leftovers)" ]] && ((SECONDS < deadline + 10)); do sleep 0.5; done
    left=$(leftovers)
    if [[ -n "$left" ]]; then
        log "left running, killing: $(echo $left)"
        for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
        sleep 0.5
    fi
    left=$(leftovers)
    if [[ -z "$left" ]]; then log "verified: nothing left running"; else log "WARNING: processes left: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)")"; return 1; fi
}

wait_for() { # wait_for WHAT SECONDS COMMAND... : until the command succeeds, or fail
    local what=$1 limit=$2; shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then log "$what not ready after ${limit} s; its log:"; tail -n 30 "$WORK"/*.log >&2; exit 1; fi
        sleep 0.3
    done
}

# ---- the systems ----------------------------------------------------------------------------------------------
start_kvcluster() { # start_kvcluster NAME APPHOST-DLL PORT-BASE REDIS-PORT FSYNC : coordinator on PORT-BASE, 3 nodes after it; sets KV_URLS, KV_REDIS
    local name=$1 apphost=$2 port_base=$3 redis_port=$4 fsync=$5 i
    start "$name" dotnet "$apphost" --nodes 3 --port-base "$port_base" --redis-port "$redis_port" \
        --state-dir "$WORK/$name" --fsync "$fsync" --fresh --redis-mode executable --no-dashboard
    KV_URLS=()
    for i in 1 2 3; do
        KV_URLS+=("http://127.0.0.1:$((port_base + i))")
        wait_for "$name node-$i" 90 curl -sf "http://127.0.0.1:$((port_base + i))/health"
    done
    # Redis's connection string, its generated password included, as the AppHost wrote it for tools.
    KV_REDIS=$(sed -n 's/^ *"redis": "\(.*\)",$/\1/p' "$WORK/$name/endpoints.json")
    [[ -n $KV_REDIS ]] || { log "$name: no redis in $WORK/$name/endpoints.json"; exit 1; }
}

start_etcd() { # start_etcd CLIENT-PORT×3 PEER-PORT×3 : three members on 127.0.0.1, ready; sets ETCD_URLS
    local client=("$1" "$2" "$3") peer=("$4" "$5" "$6") i url
    log "starting etcd: 3 members, clients on ${client[*]}"
    local cluster="m1=http://127.0.0.1:${peer[0]},m2=http://127.0.0.1:${peer[1]},m3=http://127.0.0.1:${peer[2]}"
    ETCD_URLS=()
    for i in 0 1 2; do
        start "etcd-m$((i + 1))" etcd --name "m$((i + 1))" --data-dir "$WORK/etcd/m$((i + 1))" \
            --listen-client-urls "http://127.0.0.1:${client[$i]}" --advertise-client-urls "http://127.0.0.1:${client[$i]}" \
            --listen-peer-urls "http://127.0.0.1:${peer[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${peer[$i]}" \
            --initial-cluster "$cluster" --initial-cluster-token "kvbench-$$" --initial-cluster-state new \
            --logger zap --log-level warn
        ETCD_URLS+=("http://127.0.0.1:${client[$i]}")
    done
    for url in "${ETCD_URLS[@]}"; do wait_for "etcd $url" 60 bash -c "curl -sf '$url/health' | grep -q '\"health\":\"true\"'"; done
}

# ---- load -----------------------------------------------------------------------------------------------------
measure() { # measure WHAT JSON RUN-OPTIONS... : one measured round of a cell; a failure is logged, and leaves the cell missing
    local what=$1 json=$2; shift 2
    log "$what"
    timeout $((${DURATION%.*} + ${WARMUP%.*} + 400)) "${LOADGEN[@]}" run "$@" \
        --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --keys "$KEYS" \
        --json "$json" >>"$WORK/runs.log" 2>&1 \
        || { log "FAILED: $what (see $KEPT_LOGS/runs.log); the table will show it missing"; return 0; }
    grep -E '^throughput' "$WORK/runs.log" | tail -n 1 >&2
}

warm_up() { # warm_up WHAT SYSTEM READ-RATIO ENDPOINT-OPTIONS... : unmeasured load, the same for every system
    local what=$1 system=$2 ratio=$3; shift 3
    ((${SYSTEM_WARMUP%.*} > 0)) || return 0
    log "$what: ${SYSTEM_WARMUP} s of unmeasured warm-up load"
    timeout $((${SYSTEM_WARMUP%.*} + 400)) "${LOADGEN[@]}" run --target "$system" --scenario warm-up --connections "$CONNECTIONS" \
        --duration "$SYSTEM_WARMUP" --warmup 0 --keys "$KEYS" --read-ratio "$ratio" "$@" >>"$WORK/runs.log" 2>&1 \
        || log "warm-up of $what failed (see $KEPT_LOGS/runs.log); measuring anyway"
}
