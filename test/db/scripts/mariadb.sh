#!/bin/sh
# Prints the directory holding MariaDB's mariadbd and mariadb-install-db, installing Debian's mariadb-server first
# when they are missing. Everything but the directory goes to stderr.
set -eu
find_bin() {
  for dir in /usr/sbin /usr/bin; do
    if [ -x "$dir/mariadbd" ] && command -v mariadb-install-db >/dev/null 2>&1; then echo "$dir"; return 0; fi
  done
  return 1
}
if bin=$(find_bin); then echo "$bin"; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "no MariaDB found and no apt-get to install it" >&2; exit 1; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing mariadb-server with apt-get" >&2
$SUDO apt-get update >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends mariadb-server >&2
find_bin
