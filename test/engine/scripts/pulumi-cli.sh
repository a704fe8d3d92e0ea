#!/usr/bin/env bash
# Builds the real `pulumi` CLI from its Go module (test/engine/pulumi-cli/go.mod) once per version, into a cache outside
# the repo, and prints the binary's directory. A second run finds the binary and costs nothing.
# The version must equal @pulumi/pulumi's in package-lock.json: the Automation API and the CLI are released together.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
mod="$root/test/engine/pulumi-cli"
want="$(node -p "require('$root/package-lock.json').packages['node_modules/@pulumi/pulumi'].version")"
have="$(sed -n 's#^\s*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\).*#\1#p' "$mod/go.mod")"
if [ "$want" != "$have" ]; then
  echo "pulumi-cli: package-lock.json has @pulumi/pulumi $want but $mod/go.mod builds $have;" >&2
  echo "  run: (cd $mod && go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$want github.com/pulumi/pulumi/sdk/v3@v$want)" >&2
  exit 2
fi
cache="${RDS_ECHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rds-echo}/pulumi/v$want/bin"
if [ -x "$cache/pulumi" ] && "$cache/pulumi" version >/dev/null 2>&1; then
  echo "$cache"
  exit 0
fi
command -v go >/dev/null || { echo "pulumi-cli: Go is needed to build the Pulumi CLI (apt-get install golang, or see go.dev)" >&2; exit 2; }
mkdir -p "$cache"
start=$(date +%s)
# The version is stamped the way Pulumi's own release build does, so `pulumi version` and the Automation API's
# minimum-version check see v$want instead of a development build.
(cd "$mod" && go build -trimpath -o "$cache/pulumi.tmp" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$want" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
mv "$cache/pulumi.tmp" "$cache/pulumi"
echo "pulumi-cli: built pulumi v$want in $(( $(date +%s) - start ))s, $(du -h "$cache/pulumi" | cut -f1)" >&2
echo "$cache"
