#!/usr/bin/env bash
# Builds estuary_VERSION_amd64.deb: the self-contained single-file `estuary` for linux-x64 (no .NET needed on
# the target), the hardened server unit, the renew units from docs/systemd/, /etc/estuary/appsettings.json as a
# conffile, and maintainer scripts that create the `estuary` system user. docs/PACKAGES.md describes the result.
#
# Usage: packaging/build-deb.sh [--out DIR] [VERSION]
#   --out DIR   where the .deb goes (default: $ESTUARY_ARTIFACTS, else artifacts/ in the repository)
#   VERSION     e.g. 1.2.0 or 1.2.0~rc1 (default: 0.0.0~git<commit time>.g<commit>)
# Environment: ESTUARY_DEB_COMPRESSION (zstd, the default, or xz, gzip, none), ESTUARY_DEB_MAINTAINER.
# Prints the path of the .deb on the last line.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=version.sh
source "$here/version.sh"

usage() { sed -n '6,10s/^# \{0,1\}//p' "$0"; }
out=${ESTUARY_ARTIFACTS:-$root/artifacts}
version=
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || { echo "build-deb.sh: --out needs a folder" >&2; exit 2; }; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "build-deb.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$version" ] || { echo "build-deb.sh: one VERSION only (see --help)" >&2; exit 2; }; version=$1; shift ;;
  esac
done
version=${version:-$(default_version "$root")}
check_version "$version" build-deb.sh
# zstd: xz takes minutes over the 110 MB program for a few MB less; dpkg reads zstd since Debian 12, which
# the package needs anyway (glibc 2.34).
compression=${ESTUARY_DEB_COMPRESSION:-zstd}
for tool in dotnet dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is not installed" >&2; exit 2; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
publish=$stage/publish
pkg=$stage/root

# Self-contained: the runtime packs for linux-x64 come from the NuGet registry at restore. The version goes in
# as an environment variable (read by Estuary.Cli.csproj only), so the referenced projects are not rebuilt.
echo "build-deb.sh: publishing estuary $version for linux-x64" >&2
ESTUARY_VERSION=$(nuget_version "$version") dotnet publish "$root/src/Estuary.Cli" -c Release -r linux-x64 \
  --self-contained -p:PublishSingleFile=true -o "$publish" --nologo -v quiet >&2

# The program lives in /usr/lib/estuary with the native libraries the single file cannot carry (SQLite's
# libe_sqlite3.so), found beside the real path of the executable; /usr/bin/estuary is a link to it. The
# alternative, IncludeNativeLibrariesForSelfExtract, would unpack native code into $HOME/.net at run time.
install -d "$pkg/usr/lib/estuary" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/usr/share/doc/estuary" "$pkg/DEBIAN"
install -m 0755 "$publish/estuary" "$pkg/usr/lib/estuary/estuary"
for lib in "$publish"/*.so; do
  install -m 0644 "$lib" "$pkg/usr/lib/estuary/"
done
# The unit points OPENSSL_CONF here: the AEAD cipher list from OpenSSL itself, so .NET caches the TLS context.
install -m 0644 "$publish/openssl-aead.cnf" "$pkg/usr/lib/estuary/openssl-aead.cnf"
ln -s ../lib/estuary/estuary "$pkg/usr/bin/estuary"

install -m 0644 "$here/deb/estuary.service" "$root/docs/systemd/estuary-renew.service" "$root/docs/systemd/estuary-renew.timer" \
  "$pkg/lib/systemd/system/"
# The configuration may come to hold a database password: root:estuary 0640 in a 0750 folder (postinst sets the group).
install -d -m 0750 "$pkg/etc/estuary"
install -m 0640 "$here/deb/appsettings.json" "$pkg/etc/estuary/appsettings.json"
install -m 0644 "$root/docs/PACKAGES.md" "$root/docs/appsettings.sample.json" "$root/docs/renew.sample.json" "$pkg/usr/share/doc/estuary/"

install -m 0644 "$here/deb/conffiles" "$pkg/DEBIAN/conffiles"
install -m 0755 "$here/deb/postinst" "$here/deb/prerm" "$here/deb/postrm" "$pkg/DEBIAN/"
# Depends: what the single file and libe_sqlite3.so load (glibc 2.34 for SQLite, OpenSSL 3 for all cryptography
# and TLS; no ICU: the build sets InvariantGlobalization), and adduser for postinst.
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: estuary
Version: $version
Architecture: amd64
Maintainer: ${ESTUARY_DEB_MAINTAINER:-Estuary <estuary@example.org>}
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Section: net
Priority: optional
Depends: adduser, libc6 (>= 2.34), libgcc-s1, libstdc++6 (>= 6), libssl3 | libssl3t64
Recommends: ca-certificates
Suggests: postgresql, softhsm2
Description: EST (RFC 7030) enrollment server, certificate authority and client
 Estuary is an Enrollment over Secure Transport server acting as registration
 authority in front of its own CA or an upstream EST server, with an admin
 console, CRL and OCSP. The same estuary command is the EST client (enroll,
 reenroll, serverkeygen, renew). The server runs as the estuary user from
 estuary.service; the data lives in /var/lib/estuary.
CONTROL

mkdir -p "$out"
deb="$(cd "$out" && pwd)/estuary_${version}_amd64.deb"
dpkg-deb --build --root-owner-group "-Z$compression" "$pkg" "$deb" >&2
echo "$deb"
