#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kubectl from their Go module (test/deploy/kube/binaries/go.mod,
# which pins k8s.io/kubernetes and its staging modules) once per version, into a cache outside the repo, and prints the
# binaries' directory. A second run finds them and costs nothing (0.4 s). The first costs 921 CPU-seconds (8 to 10
# minutes of 2 idle cores, 26 minutes at low priority on a busy machine), 600 MB of modules and 3.8 GB of build cache,
# which is why .ci/run starts it in the background before `npm test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
mod="$root/test/deploy/kube/binaries"
version="$(sed -n 's#^\s*k8s.io/kubernetes v\([0-9.]*\)\( // indirect\)\?$#\1#p' "$mod/go.mod" | head -1)"
[ -n "$version" ] || { echo "kube-binaries: no k8s.io/kubernetes version in $mod/go.mod" >&2; exit 2; }
cache="${RDS_ECHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rds-echo}/kubernetes/v$version/bin"
tools=(kube-apiserver kube-controller-manager kubectl)
ready() {
  for t in "${tools[@]}"; do [ -x "$cache/$t" ] || return 1; done
  "$cache/kube-apiserver" --version 2>/dev/null | grep -q "v$version"
}
if ready; then
  echo "$cache"
  exit 0
fi
command -v go >/dev/null || { echo "kube-binaries: Go is needed to build Kubernetes (apt-get install golang, or see go.dev)" >&2; exit 2; }
mkdir -p "$cache"
# Two builds at once (CI's background build and a test that calls this) would race on the same files: one waits.
exec 9>"$cache/.build.lock"
flock 9
if ready; then
  echo "$cache"
  exit 0
fi
start=$(date +%s)
# Stamped the way Kubernetes' own release build stamps it (hack/lib/version.sh), so `--version` and the API server's
# /version say v$version instead of a development build. CGO off, as upstream builds these binaries: no C toolchain.
major="${version%%.*}"; minor="${version#*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=v$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
tmp="$cache/.tmp"
rm -rf "$tmp" && mkdir -p "$tmp"
(cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl)
for t in "${tools[@]}"; do mv "$tmp/$t" "$cache/$t"; done
rmdir "$tmp"
echo "kube-binaries: built Kubernetes v$version (${tools[*]}) in $(( $(date +%s) - start ))s, $(du -sh "$cache" | cut -f1)" >&2
echo "$cache"
