#!/bin/sh
# Prints the path of an etcd binary, installing Debian's etcd-server first when none is found (a fresh CI machine).
# Only the binary is used: kube-cluster.sh starts its own etcd on a free loopback port in a temp directory, so a
# service the package may start on a machine with systemd (127.0.0.1:2379) is never the one the tests talk to.
# Everything but the path goes to stderr.
set -eu
if command -v etcd >/dev/null 2>&1; then command -v etcd; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "etcd.sh: no etcd found and no apt-get to install it" >&2; exit 1; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "etcd.sh: installing etcd-server with apt-get" >&2
$SUDO apt-get update >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends etcd-server >&2
command -v etcd
