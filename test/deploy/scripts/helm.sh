#!/usr/bin/env bash
# Builds the real `helm` CLI from its Go module (test/deploy/helm-cli/go.mod) once per version, into a cache outside
# the repo, and prints the binary's directory. A second run finds the binary and costs nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
mod="$root/test/deploy/helm-cli"
version="$(sed -n 's#^\s*helm.sh/helm/v3 v\([0-9.]*\)\( // indirect\)\?$#\1#p' "$mod/go.mod" | head -1)"
[ -n "$version" ] || { echo "helm: no helm.sh/helm/v3 version in $mod/go.mod" >&2; exit 2; }
cache="${RDS_ECHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rds-echo}/helm/v$version/bin"
ready() { [ -x "$cache/helm" ] && "$cache/helm" version --short 2>/dev/null | grep -q "^v$version"; }
if ready; then
  echo "$cache"
  exit 0
fi
command -v go >/dev/null || { echo "helm: Go is needed to build Helm (apt-get install golang, or see go.dev)" >&2; exit 2; }
mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9
if ready; then
  echo "$cache"
  exit 0
fi
start=$(date +%s)
# Stamped as Helm's own Makefile does: `helm version` says v$version, and the Kubernetes version `helm template` and
# `helm lint` assume (.Capabilities.KubeVersion) is client-go's minor, not the unstamped default of v1.20.
kminor="$(sed -n 's#^\s*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$mod/go.mod" | head -1)"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags="$ldflags -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kminor"
done
# CGO off, as in Helm's release builds: no C toolchain needed.
(cd "$mod" && CGO_ENABLED=0 go build -trimpath -o "$cache/helm.tmp" -ldflags "$ldflags" helm.sh/helm/v3/cmd/helm)
mv "$cache/helm.tmp" "$cache/helm"
echo "helm: built helm v$version in $(( $(date +%s) - start ))s, $(du -h "$cache/helm" | cut -f1)" >&2
echo "$cache"
