#!/usr/bin/env bash
# A private Docker daemon for the deploy suite: `dockerd.sh start` installs Debian's docker.io (and debootstrap, for
# base-image.sh) when missing (one apt-get update, as root or with sudo), starts dockerd on its own socket, data root
# and exec root, waits until it answers, and prints the socket's URL (unix://…) for DOCKER_HOST. `dockerd.sh stop` stops it and removes its exec
# root; the data root (images, build cache) stays under .rds-echo/docker, git-ignored, so a rerun is warm.
#
# No bridge and no iptables rules: nothing on the host's network changes, and containers run with `--network host`
# (they reach moto on loopback). RDS_ECHO_DOCKER_DIR moves the state directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
state="${RDS_ECHO_DOCKER_DIR:-$root/.rds-echo/docker}"
sock="$state/docker.sock"
pidfile="$state/dockerd.pid"

# The client that came with the daemon: an older or newer docker elsewhere on PATH works too (the API is negotiated),
# but the one from the same package is the one we tested.
docker_client() {
  if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker; fi
}

# docker.io for the daemon, debootstrap for the base image (base-image.sh): whichever is missing, one apt-get update.
install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  [ "${#missing[@]}" -gt 0 ] || return 0
  command -v apt-get >/dev/null 2>&1 || { echo "dockerd.sh: ${missing[*]} missing and no apt-get to install them" >&2; exit 1; }
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "dockerd.sh: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {
  install_packages
  mkdir -p "$state/data"
  if running && DOCKER_HOST="unix://$sock" "$(docker_client)" version >/dev/null 2>&1; then
    echo "unix://$sock"
    return 0
  fi
  # The exec root holds containerd's socket: a short path under /tmp keeps it inside the 108 bytes a unix socket
  # path may have, wherever the checkout is.
  local exec_root
  exec_root="$(mktemp -d /tmp/rds-echo-dockerd-XXXXXX)"
  echo "$exec_root" > "$state/exec-root"
  local dockerd_bin
  dockerd_bin="$(command -v dockerd || echo /usr/sbin/dockerd)"
  "$dockerd_bin" --iptables=false --ip-masq=false --bridge=none \
    --host "unix://$sock" --data-root "$state/data" --exec-root "$exec_root" --pidfile "$pidfile" \
    --log-level warn > "$state/dockerd.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    if DOCKER_HOST="unix://$sock" "$(docker_client)" version >/dev/null 2>&1; then
      echo "unix://$sock"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "dockerd.sh: dockerd did not answer on $sock within 60 s; its log ($state/dockerd.log) ends:" >&2
  tail -n 20 "$state/dockerd.log" >&2 || true
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  if running; then
    local pid
    pid="$(cat "$pidfile")"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "dockerd.sh: dockerd $pid still runs 30 s after SIGTERM; sending SIGKILL" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile" "$sock"
  if [ -f "$state/exec-root" ]; then
    local exec_root
    exec_root="$(cat "$state/exec-root")"
    case "$exec_root" in
      /tmp/rds-echo-dockerd-*)
        # dockerd leaves its default network namespace mounted there (netns/default) after it exits.
        local m sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        for m in $(awk '{print $2}' /proc/mounts | grep "^$exec_root/" | sort -r); do $sudo umount -l "$m" || true; done
        $sudo rm -rf "$exec_root" ;;
    esac
    rm -f "$state/exec-root"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install_packages ;;
  client) install_packages; docker_client ;;
  *) echo "usage: dockerd.sh start|stop|install|client" >&2; exit 2 ;;
esac
