#!/usr/bin/env bash
# Runs the test command the way CI does, on a machine that has none of the packages the tests drive: a minimal
# Debian 12 root made by debootstrap, with only the .NET SDK, this machine's CA certificates (the NuGet and apt
# mirrors may sit behind them) and git/python3 added, a fresh clone of this repository and a read-only copy of
# ../shared beside it. Not part of CI; how the "fresh machine" claim in the README is checked (issue 13).
#
#   sudo .ci/fresh-machine.sh [ROOT]      # ROOT default /var/tmp/estuary-fresh-root (about 3 GB when done)
#
# A second run reuses ROOT's base system but clones again; delete ROOT to start from nothing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/var/tmp/estuary-fresh-root}
[ "$(id -u)" = 0 ] || { echo "fresh-machine.sh: run as root (debootstrap, chroot, mounts)" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
dotnet_home=$(dirname "$(readlink -f "$(command -v dotnet)")")

if [ ! -x "$root/bin/bash" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/usr/local/share/ca-certificates"
cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
for m in proc sys dev dev/pts; do mountpoint -q "$root/$m" || mount --bind "/$m" "$root/$m"; done
mountpoint -q "$root/dev/shm" || mount -t tmpfs tmpfs "$root/dev/shm"
trap 'for m in dev/shm dev/pts dev sys proc; do umount "$root/$m" 2>/dev/null || true; done' EXIT

# What every machine of this kind has before the project touches it: the SDK, and what it needs to run.
if [ ! -x "$root/usr/share/dotnet/dotnet" ]; then
  cp -a "$dotnet_home" "$root/usr/share/dotnet"
  ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
fi
chroot "$root" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates libicu72 libssl3 git python3 procps >/dev/null && update-ca-certificates >/dev/null'

rm -rf "$root/ci" && mkdir -p "$root/ci"
git clone -q "$repo" "$root/ci/main"
cp -r "$repo/../shared" "$root/ci/shared" && chmod -R a-w "$root/ci/shared"
chroot "$root" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin CI=true \
  bash -c 'cd /ci/main && bash .ci/run </dev/null'
