#!/usr/bin/env bash
# Makes sure redis-server is installed, without leaving a system Redis daemon running:
# the AppHost and the tests start their own private redis-server on their own ports.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<'MESSAGE'
redis-server is not installed, and this is not a Debian/Ubuntu system (no apt-get), so it cannot be installed for you.
Install Redis 7 or later so that redis-server is on PATH, for example:
  macOS:          brew install redis
  Fedora/RHEL:    sudo dnf install redis
  Arch:           sudo pacman -S redis
  Alpine:         sudo apk add redis
Or run the cluster against a Redis you already have: scripts/run-cluster.sh --redis host:port
MESSAGE
    exit 1
fi

if [[ "$(id -u)" -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
    echo "redis-server is missing; installing it needs root and sudo is not available. As root: apt-get install -y redis-server" >&2
    exit 1
fi
as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

echo "redis-server is missing; installing it with apt-get..." >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get update
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server

# The package starts a system daemon on 6379. KvCluster does not use it: stop it and keep it from starting at boot.
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
    as_root service redis-server stop >/dev/null 2>&1 || true
    if command -v update-rc.d >/dev/null 2>&1; then
        as_root update-rc.d redis-server disable >/dev/null 2>&1 || true
    fi
fi

echo "Installed $(redis-server --version)" >&2
