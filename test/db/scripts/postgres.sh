#!/bin/sh
# Prints the directory holding PostgreSQL's initdb, pg_ctl and postgres, installing Debian's postgresql first when
# none is found (a fresh CI machine). Everything but the directory goes to stderr.
set -eu
find_bin() {
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}
if bin=$(find_bin); then echo "$bin"; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "no PostgreSQL found and no apt-get to install it" >&2; exit 1; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing postgresql with apt-get" >&2
$SUDO apt-get update >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends postgresql >&2
find_bin
