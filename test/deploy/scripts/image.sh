#!/usr/bin/env bash
# Builds deploy/image/Dockerfile in the deploy suite's dockerd (DOCKER_HOST from dockerd.sh start) and prints the
# image's tag (default rds-echo:standin). No registry and no get.pulumi.com are reachable here, so:
#   - the base image is the local stand-in for node:22-bookworm-slim (base-image.sh);
#   - the Dockerfile's download steps run unchanged against a loopback mirror (serve-dir.mjs) laid out as
#     get.pulumi.com is, holding the Pulumi CLI built from its Go module (test/engine/scripts/pulumi-cli.sh) as a
#     release tarball with its checksums file, and the engine suite's stand-in aws provider (test/engine/provider) as
#     the aws plugin tarball at @pulumi/aws's version (test/deploy/image/standin-plugin says how it finds its modules).
# The image is therefore rds-echo's image with a stand-in plugin: the deploy suite's, never one to ship.
# The CLI tarball is cached beside the CLI binary (~/.cache/rds-echo/image-mirror); the docker build cache lives in
# the daemon's data root (.rds-echo/docker), so a rerun with unchanged sources is mostly cache hits.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
scripts="$root/test/deploy/scripts"
tag="${1:-rds-echo:standin}"
: "${DOCKER_HOST:?image.sh: DOCKER_HOST must name the dockerd of the suite (dockerd.sh start prints it)}"
docker="$(bash "$scripts/dockerd.sh" client)"
[ "$(uname -m)" = x86_64 ] || { echo "image.sh: the local mirror holds linux-x64 builds only; this is $(uname -m)" >&2; exit 2; }

base="$(bash "$scripts/base-image.sh")"
cli_dir="$(bash "$root/test/engine/scripts/pulumi-cli.sh")"
lock() { node -p "require('$root/package-lock.json').packages['node_modules/$1'].version"; }
cli_version="$(lock @pulumi/pulumi)"
aws_version="$(lock @pulumi/aws)"

# The stand-in provider, compiled as the engine suite compiles it (into .rds-echo/engine/provider).
provider_out="$root/.rds-echo/engine/provider"
if [ ! -f "$provider_out/.built" ] || [ -n "$(find "$root/test/engine/provider" "$root/tsconfig.json" -newer "$provider_out/.built" -print -quit)" ]; then
  node "$root/node_modules/typescript/bin/tsc" -p "$root/test/engine/provider/tsconfig.json"
  date -u +%FT%TZ > "$provider_out/.built"
fi

mirror="$(mktemp -d /tmp/rds-echo-image-mirror-XXXXXX)"
trap 'rm -rf "$mirror"' EXIT
mkdir -p "$mirror/sdk" "$mirror/plugins" "$mirror/plugin"

# The CLI as get.pulumi.com ships it: pulumi-v<version>-linux-x64.tar.gz holding pulumi/pulumi (the release also
# has the language hosts; the Dockerfile copies whichever are there), and pulumi-<version>-checksums.txt.
cache="${RDS_ECHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rds-echo}/image-mirror"
cli_tarball="pulumi-v$cli_version-linux-x64.tar.gz"
if [ ! -f "$cache/$cli_tarball" ] || [ "$cli_dir/pulumi" -nt "$cache/$cli_tarball" ]; then
  mkdir -p "$cache" "$mirror/cli/pulumi"
  cp "$cli_dir/pulumi" "$mirror/cli/pulumi/pulumi"
  tar -C "$mirror/cli" -czf "$cache/$cli_tarball.tmp" pulumi
  mv "$cache/$cli_tarball.tmp" "$cache/$cli_tarball"
fi
ln "$cache/$cli_tarball" "$mirror/sdk/$cli_tarball" 2>/dev/null || cp "$cache/$cli_tarball" "$mirror/sdk/$cli_tarball"
(cd "$mirror/sdk" && sha256sum "$cli_tarball" > "pulumi-$cli_version-checksums.txt")

# The aws plugin as `pulumi plugin install --server` fetches it: pulumi-resource-aws-v<version>-linux-amd64.tar.gz.
cp "$provider_out"/*.js "$mirror/plugin/"
cp "$root/test/deploy/image/standin-plugin/"* "$mirror/plugin/"
echo '{ "type": "module" }' > "$mirror/plugin/package.json"
tar -C "$mirror/plugin" -czf "$mirror/plugins/pulumi-resource-aws-v$aws_version-linux-amd64.tar.gz" $(ls "$mirror/plugin")

# The mirror's server reads its stdin from this script: when the script ends, however it ends, the server does too.
exec 3> >(exec node "$scripts/serve-dir.mjs" "$mirror" > "$mirror/url")
for _ in $(seq 1 50); do [ -s "$mirror/url" ] && break; sleep 0.1; done
url="$(cat "$mirror/url")"
[ -n "$url" ] || { echo "image.sh: the mirror server did not start" >&2; exit 1; }

# A TLS-inspecting proxy between this machine and npm's registry (its CA in NODE_EXTRA_CA_CERTS or SSL_CERT_FILE, as
# the host's own npm trusts it) is trusted by the build's download steps too, as a build secret no layer keeps.
secret=()
for ca in "${NODE_EXTRA_CA_CERTS:-}" "${SSL_CERT_FILE:-}"; do
  if [ -n "$ca" ] && [ -s "$ca" ]; then secret=(--secret "id=build-ca,src=$ca"); break; fi
done

start=$(date +%s)
# --network host: the build's RUN steps reach the loopback mirror (and Debian's and npm's servers) through the host's
# network, as the daemon has no bridge.
DOCKER_BUILDKIT=1 "$docker" build --network host --progress plain \
  -f "$root/deploy/image/Dockerfile" \
  --build-arg "NODE_IMAGE=$base" \
  --build-arg "PULUMI_DOWNLOAD_URL=$url/sdk" \
  --build-arg "PULUMI_PLUGIN_SERVER=$url/plugins" \
  "${secret[@]}" \
  -t "$tag" "$root" >&2
exec 3>&-
size="$("$docker" image inspect --format '{{.Size}}' "$tag")"
echo "image.sh: built $tag in $(( $(date +%s) - start ))s, $(( size / 1000000 )) MB" >&2
echo "$tag"
