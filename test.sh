#!/usr/bin/env bash
# The whole test suite: what the README's second command runs and what CI (.ci/run) runs.
# As root it installs the Debian packages the tests drive (real clients, real services); otherwise it
# names what is missing. Before the first test it checks that each real part works, one line per broken
# one. Ends with one line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

# libstrongswan-standard-plugins holds pki's openssl plugin (ECDSA keys, TLS); an install without
# recommends leaves it out, so it is named here rather than left to apt's defaults.
packages=(openssl curl strongswan-pki libstrongswan-standard-plugins default-jdk-headless libbcprov-java libbcpkix-java libbcutil-java libbctls-java softhsm2 chromium postgresql libcoap3-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing Debian packages (install them as root): ${missing[*]}" >&2
    exit 2
  fi
fi

# libest (Cisco's estclient, the fourth real EST client of the interop test) is not packaged in Debian: as root,
# ../shared/interop/build-libest.sh builds it once from ../shared/third-party (a few minutes; cached under
# /var/cache/estuary-interop, later runs only print its path). The tests find it through ESTUARY_LIBEST_CLIENT.
shared=${ESTUARY_SHARED_DIR:-../shared}
if [ -z "${ESTUARY_LIBEST_CLIENT:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    [ -r "$shared/interop/build-libest.sh" ] || { echo "test.sh: $shared/interop/build-libest.sh not found: the shared folder must sit beside the clone (or set ESTUARY_SHARED_DIR)" >&2; exit 2; }
    echo "test.sh: libest estclient (built once, then cached)"
    ESTUARY_LIBEST_CLIENT=$(bash "$shared/interop/build-libest.sh") || { echo "test.sh: building libest failed (see above)" >&2; exit 2; }
  else
    ESTUARY_LIBEST_CLIENT=/var/cache/estuary-interop/libest-a464ba8/bin/estclient
  fi
fi
export ESTUARY_LIBEST_CLIENT

# The independent post-quantum verifiers (@noble/post-quantum and friends, tests/node/README.md), pinned by
# tests/node/package-lock.json and installed from the npm registry with the machine's Node.js.
command -v npm >/dev/null || { echo "test.sh: npm (Node.js >= 20.19) not found; the post-quantum tests verify with Node" >&2; exit 2; }
if ! (cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
  echo "test.sh: npm ci in tests/node failed (the npm registry must be reachable)" >&2
  exit 2
fi

bash .ci/preflight
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The build's summary only, unless it fails: then every error line (a restore that cannot reach NuGet, a
# warning made an error), once each, so that CI's log says why.
build_log=$(mktemp)
if ! dotnet build Estuary.slnx -c Release -warnaserror >"$build_log" 2>&1; then
  grep -E ': (error|warning) ' "$build_log" | sort -u | head -40 >&2
  echo "test.sh: the build failed (above)" >&2
  rm -f "$build_log"
  exit 1
fi
tail -3 "$build_log"
rm -f "$build_log"
dotnet format Estuary.slnx --verify-no-changes --no-restore
log=$(mktemp)
set +e
dotnet test Estuary.slnx -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
