#!/usr/bin/env bash
# Takes the README's picture of the Aspire dashboard (docs/images/dashboard.png) from a real run: starts the AppHost
# with its dashboard (3 nodes and a spare one, fresh state in a temporary folder, free ports), writes a few keys so
# there are traces and metrics, has headless Chromium open the dashboard's login link and photograph the resources
# table once redis, the coordinator and node1-3 are Running, then stops everything and checks nothing is left.
#
#   scripts/dashboard-screenshot.sh [--output FILE]
#
# Installs what is missing: chromium, optipng, nodejs/npm, curl and ss with apt-get, redis-server through
# scripts/ensure-redis.sh, and playwright-core with npm into scripts/.screenshot (gitignored). About two minutes with a
# cold build, one with a warm one. The dashboard's ports are fixed by the AppHost's launch profile (15100, 19100,
# 20100), so another AppHost with its dashboard must not be running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTPUT="$ROOT/docs/images/dashboard.png"
PLAYWRIGHT_VERSION=1.65.2
DASHBOARD_PORTS=(15100 19100 20100) # KvCluster.AppHost/Properties/launchSettings.json
START_LIMIT=240                     # seconds for the cluster and the dashboard to come up on two busy cores

while [[ $# -gt 0 ]]; do
    case "$1" in
        --output) OUTPUT=$(realpath -m "$2"); shift 2 ;;
        -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

log() { printf '[screenshot %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# Long steps run in the background: bash runs a trap only once the foreground command is done, but interrupts wait.
CHILD=
run() { "$@" & CHILD=$!; wait "$CHILD"; CHILD=; }

# ---- install what is missing --------------------------------------------------------------------------------
as_root() { if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=
apt_install() {
    command -v apt-get >/dev/null || { echo "$* missing and there is no apt-get to install it: install it and run again." >&2; exit 1; }
    if [[ -z "$APT_UPDATED" ]]; then as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >&2; APT_UPDATED=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -q "$@" >&2
}
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v optipng >/dev/null || missing+=(optipng)
command -v curl >/dev/null || missing+=(curl)
command -v ss >/dev/null || missing+=(iproute2)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then log "installing ${missing[*]}"; apt_install "${missing[@]}"; fi
"$ROOT/scripts/ensure-redis.sh"

NODE_DIR="$ROOT/scripts/.screenshot"
PLAYWRIGHT_CORE="$NODE_DIR/node_modules/playwright-core"
if [[ "$(node -p "require('$PLAYWRIGHT_CORE/package.json').version" 2>/dev/null)" != "$PLAYWRIGHT_VERSION" ]]; then
    log "installing playwright-core $PLAYWRIGHT_VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    # playwright-core downloads no browser: it drives Debian's chromium.
    run timeout 300 npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >&2
fi

listening() { ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q .; }
for port in "${DASHBOARD_PORTS[@]}"; do
    if listening "$port"; then
        echo "Port $port (the dashboard's, from the AppHost's launch profile) is in use: is another AppHost running?" >&2
        ss -Hltnp "( sport = :$port )" >&2 || true
        exit 1
    fi
done

# ---- build ---------------------------------------------------------------------------------------------------
log "building the AppHost and the bench tool (for free ports)"
run timeout 900 dotnet build "$ROOT/KvCluster.AppHost/KvCluster.AppHost.csproj" -v q -nologo >&2
run timeout 900 dotnet build "$ROOT/KvCluster.Bench/KvCluster.Bench.csproj" -v q -nologo >&2

# ---- everything started is stopped on exit -------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kvshot.XXXXXX")
STATE="$WORK/state"
RUN_PID=      # dotnet run, in a session of its own (setsid)
APPHOST_PID=  # the AppHost it runs
SESSIONS=()   # sessions of this run's processes: dotnet run's and DCP's (DCP detaches into sessions of its own)
PORTS=("${DASHBOARD_PORTS[@]}")

# DCP is found by the AppHost it watches (--monitor PID); its processes share the --kubeconfig of its session folder.
find_sessions() {
    [[ -n "$APPHOST_PID" ]] || return 0
    local kubeconfig pid
    for kubeconfig in $(pgrep -af -- "--monitor $APPHOST_PID( |\$)" | grep -o -- '--kubeconfig [^ ]*' | cut -d' ' -f2 | sort -u); do
        for pid in $(pgrep -f -- "$kubeconfig"); do SESSIONS+=("$(ps -o sid= -p "$pid" | tr -d ' ')"); done
    done
    mapfile -t SESSIONS < <(printf '%s\n' "${SESSIONS[@]}" | grep . | sort -un)
}
in_sessions() { ps -eo pid=,sid= | awk -v s=" ${SESSIONS[*]} " 'index(s, " " $2 " ") { print $1 }'; }
# Processes whose command line or environment names the state folder: redis-server (--dir) and the nodes (Kv__DataDir).
using_state() {
    local dir
    for dir in /proc/[0-9]*; do
        [[ ${dir#/proc/} == "$BASHPID" ]] && continue
        if grep -qsF "$STATE" "$dir/cmdline" "$dir/environ" 2>/dev/null; then echo "${dir#/proc/}"; fi
    done
}
leftovers() {
    local pid port
    for pid in $({ in_sessions; using_state; } | sort -un); do
        [[ -r /proc/$pid/cmdline ]] && echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-150)"
    done
    for port in "${PORTS[@]}"; do if listening "$port"; then echo "port $port"; fi; done
    return 0
}

stop_all() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$CHILD" ]]; then kill -TERM "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
    if [[ -n "$RUN_PID" ]]; then
        [[ -n "$APPHOST_PID" ]] || APPHOST_PID=$(pgrep -P "$RUN_PID" -f KvCluster.AppHost | head -1 || true)
        find_sessions
        SESSIONS+=("$RUN_PID")
        log "stopping the AppHost (SIGTERM; it stops everything through DCP)"
        kill -TERM "${APPHOST_PID:-$RUN_PID}" 2>/dev/null || true
        local deadline=$((SECONDS + 60))
        while kill -0 "$RUN_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
        if kill -0 "$RUN_PID" 2>/dev/null; then
            log "the AppHost did not stop in 60 s: killing it (DCP then stops the services)"
            kill -KILL -- "-$RUN_PID" 2>/dev/null || true
            status=1
        fi
        wait "$RUN_PID" 2>/dev/null || true
        # DCP stops its processes and then itself after the AppHost has gone: give it the time that takes.
        deadline=$((SECONDS + 90))
        while [[ -n "$(leftovers)" ]] && ((SECONDS < deadline)); do sleep 1; done
        local left
        left=$(leftovers)
        if [[ -n "$left" ]]; then
            log "LEFT RUNNING 90 s after the AppHost stopped, killing:"$'\n'"$left"
            for pid in $({ in_sessions; using_state; } | sort -un); do kill -KILL "$pid" 2>/dev/null || true; done
            status=1
        else
            log "verified: no process of this run left (sessions ${SESSIONS[*]}, state folder), ports ${PORTS[*]} free"
        fi
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

mapfile -t KV_PORTS < <(dotnet "$ROOT/KvCluster.Bench/bin/Debug/net10.0/KvCluster.Bench.dll" free-ports --count 6 --consecutive)
PORT_BASE=${KV_PORTS[0]}
REDIS_PORT=${KV_PORTS[5]} # coordinator on PORT_BASE, node-i on PORT_BASE+i (node4 the spare), Redis after them
PORTS+=("${KV_PORTS[@]}")

# ---- start the cluster and its dashboard ---------------------------------------------------------------------
log "starting the AppHost: coordinator $PORT_BASE, nodes $((PORT_BASE + 1))-$((PORT_BASE + 4)) (node4 spare), redis $REDIS_PORT"
cd "$ROOT"
setsid dotnet run --project KvCluster.AppHost --no-build -- --nodes 3 --spare-nodes 1 --state-dir "$STATE" --fresh \
    --port-base "$PORT_BASE" --redis-port "$REDIS_PORT" </dev/null >"$WORK/apphost.log" 2>&1 &
RUN_PID=$!

serving() { local port; for port in "$@"; do curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$port/health" || return 1; done; }
LOGIN_URL=
deadline=$((SECONDS + START_LIMIT))
while :; do
    kill -0 "$RUN_PID" 2>/dev/null || { log "the AppHost exited; its output:"; cat "$WORK/apphost.log" >&2; exit 1; }
    [[ -n "$APPHOST_PID" ]] || APPHOST_PID=$(pgrep -P "$RUN_PID" -f KvCluster.AppHost | head -1 || true)
    [[ -n "$LOGIN_URL" ]] || LOGIN_URL=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/apphost.log" |
        grep -o 'Login to the dashboard at http[^ ]*' | head -1 | cut -d' ' -f6 || true)
    nodes=$(node -e "try { console.log(require('$STATE/endpoints.json').nodes.length) } catch { console.log(0) }")
    # Running in endpoints.json is a started process; /health answering is one that serves.
    if [[ -n "$LOGIN_URL" && -n "$APPHOST_PID" && "$nodes" == 3 ]] &&
        serving "$PORT_BASE" $((PORT_BASE + 1)) $((PORT_BASE + 2)) $((PORT_BASE + 3)); then break; fi
    if ((SECONDS >= deadline)); then
        log "not up after $START_LIMIT s (login link: ${LOGIN_URL:-none}, nodes in endpoints.json: $nodes); its output:"
        tail -n 40 "$WORK/apphost.log" >&2
        exit 1
    fi
    sleep 1
done
find_sessions
log "up: dashboard ${LOGIN_URL%%/login*}, processes in sessions ${SESSIONS[*]}: $(in_sessions | wc -l)"

# ---- some traffic, so the dashboard has traces and metrics ---------------------------------------------------
N1="http://127.0.0.1:$((PORT_BASE + 1))"
put() { curl -sf --max-time 10 -o /dev/null -X PUT "$1/v1/kv/$2" -H 'Content-Type: text/plain' --data "$3"; }
put "$N1" greeting hello
put "http://127.0.0.1:$((PORT_BASE + 2))" colour blue
put "http://127.0.0.1:$((PORT_BASE + 3))" answer 42
put "$N1" greeting 'hello again'
for i in 1 2 3; do curl -sf --max-time 10 -o /dev/null "http://127.0.0.1:$((PORT_BASE + i))/v1/kv/greeting"; done
log "wrote 4 values and read one back from each node"

# ---- the picture ---------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$OUTPUT")"
log "photographing the dashboard"
PLAYWRIGHT_CORE="$PLAYWRIGHT_CORE" FAILURE_SCREENSHOT="$NODE_DIR/failed.png" SCREENSHOT_TIMEOUT_MS=120000 \
    run timeout 180 node "$ROOT/scripts/dashboard-screenshot.mjs" "$LOGIN_URL" "$WORK/dashboard.png" >&2
run timeout 120 optipng -quiet -o2 "$WORK/dashboard.png"
mv "$WORK/dashboard.png" "$OUTPUT"
log "wrote $OUTPUT ($(($(stat -c %s "$OUTPUT") / 1024)) KiB)"
