#!/usr/bin/env bash
# Installs moto (the AWS emulator the engine suite plays AWS with) into a virtual environment under .rds-echo/
# (git-ignored), once per pinned version, and prints the path of its `moto_server`. The suite starts and stops the
# server itself, on a free loopback port.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
version="5.2.5"
venv="$root/.rds-echo/moto-$version"
# The marker is written last, so a half-finished install (a killed pip) is redone rather than trusted.
if [ -f "$venv/.installed" ]; then
  echo "$venv/bin/moto_server"
  exit 0
fi
command -v python3 >/dev/null || { echo "moto: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 2; }
rm -rf "$venv"
python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version" >&2
touch "$venv/.installed"
echo "$venv/bin/moto_server"
