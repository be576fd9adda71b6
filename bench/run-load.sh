#!/usr/bin/env bash
# Enrollment throughput of a real `estuary serve` on this machine (see docs/BENCHMARKS.md).
#   bench/run-load.sh [sqlite|postgres] [P-256|RSA-2048]
# Environment: RUNS (3), DURATION seconds per run (10), CONCURRENCY (64), MODES ("keepalive handshake mtls";
# also "resume": a new connection per enrollment with the client offering its last TLS session), TLS (1.2 or 1.3 for
# the .NET load generator's modes and curl's; both offered when unset), "curl-new" and "curl-resume" (one curl,
# CURL_REQUESTS (500) sequential enrollments each on a new connection, without and with TLS session resumption), OPENSSL_CONF_MODE (shipped: the server runs with
# OPENSSL_CONF=src/Estuary.Server/openssl-aead.cnf as the packaged unit does; system: without it, so the AEAD policy
# is set per connection),
# HIERARCHY (ML-DSA-44, ML-DSA-65 or ML-DSA-87): an ML-DSA hierarchy and a label `pqc` on it, enrolled with ML-DSA CSRs
# at /pqc/simpleenroll (keepalive mode only),
# WARMUP seconds before anything is timed (15: long enough for tiered JIT to finish recompiling),
# PERF=1 to sample the server with `perf record` during the first run of each mode and print where its
# CPU went (by shared object: libcrypto, JIT-compiled .NET code, kernel, SQLite, ...) and by function (PERF_TOP
# lines, 30); PERF_OUT=DIR keeps the samples and the JIT symbol map for `perf report -i DIR/MODE.perf`.
# Prints one line per run and the medians. Needs wrk and, for postgres, the Debian postgresql package.
set -euo pipefail
STORE=${1:-sqlite}
CA=${2:-P-256}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-64}
MODES=${MODES:-keepalive handshake mtls}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/estuary-bench.XXXXXX)
chmod 755 "$work"
port=$((20000 + RANDOM % 20000))
pgport=$((port + 1))
adminport=$((port + 2))
server_pid=""
keep=0
# A load run also proves the server survived it: checked after every run; at the end it is stopped with SIGTERM and
# must exit 0. When it dies or fails to stop cleanly, its log, exit status and any crash dump stay in $work.
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    status=0; wait "$server_pid" || status=$?
    if [ "$status" = 0 ]; then echo "server: survived the load and stopped cleanly (SIGTERM, exit 0)"; else echo "server: exit $status on SIGTERM (log kept in $work)"; keep=1; fi
  fi
  if [ -f "$work/pg/postmaster.pid" ]; then as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg" -m immediate -w stop >/dev/null || true; fi
  if [ "$keep" = 1 ]; then echo "kept: $work (server.log, exit status, crash dumps)"; else rm -rf "$work"; fi
}
alive() {  # alive WHEN: exits 1, keeping the evidence, when the server is gone
  if ! kill -0 "$server_pid" 2>/dev/null; then
    status=0; wait "$server_pid" || status=$?
    echo "server: GONE $1 (exit status $status; signal $((status > 128 ? status - 128 : 0)))" >&2
    tail -20 "$work/server.log" >&2
    # The kernel's word, if it killed the process (the OOM killer leaves nothing in the server's own log).
    dmesg 2>/dev/null | grep -i -E "out of memory|killed process" | tail -3 >&2 || true
    keep=1; server_pid=""; exit 1
  fi
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap cleanup EXIT

dotnet build -c Release "$root/src/Estuary.Cli" -v q -nologo >/dev/null
dotnet build -c Release "$root/bench/Estuary.Bench.Load" -v q -nologo >/dev/null
LOAD=(dotnet "$root/bench/Estuary.Bench.Load/bin/Release/net10.0/Estuary.Bench.Load.dll")

case "${OPENSSL_CONF_MODE:-shipped}" in
  shipped) export OPENSSL_CONF="$root/src/Estuary.Server/openssl-aead.cnf" ;;
  system) unset OPENSSL_CONF ;;
  *) echo "OPENSSL_CONF_MODE must be shipped or system" >&2; exit 2 ;;
esac
# A crash leaves a dump (createdump, full heap) and a JSON crash report beside the log instead of vanishing.
ulimit -c unlimited 2>/dev/null || true
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=2 DOTNET_DbgMiniDumpName="$work/estuary-%p.dmp" DOTNET_EnableCrashReport=1
export Estuary__Ca__IssuingKeyAlgorithm="$CA" Logging__LogLevel__Default=Warning DOTNET_gcServer=0
# perf resolves JIT-compiled frames through /tmp/perf-PID.map.
# W^X double mapping hides JIT-compiled frames from perf (they show as memfd:doublemapper); off while sampling.
[ "${PERF:-0}" = 1 ] && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
# The abuse limits (200 requests/s per address by default) would cap a single-host load generator.
export Estuary__RateLimits__PerAddressPerSecond=0 Estuary__RateLimits__PerAccountPerSecond=0
# HIERARCHY=ML-DSA-65: the keepalive enrollments go to a label on an ML-DSA hierarchy, with ML-DSA CSRs (docs/PQC.md).
enroll_path=simpleenroll csr_key=p-256
if [ -n "${HIERARCHY:-}" ]; then
  case "$HIERARCHY" in ML-DSA-44|ML-DSA-65|ML-DSA-87) ;; *) echo "HIERARCHY must be ML-DSA-44, ML-DSA-65 or ML-DSA-87" >&2; exit 2 ;; esac
  [ "$MODES" = keepalive ] || { echo "HIERARCHY runs MODES=keepalive only (an ML-DSA certificate cannot be a TLS client certificate on OpenSSL 3.0)" >&2; exit 2; }
  export Estuary__Ca__Hierarchies__pqc__KeyAlgorithm="$HIERARCHY" Estuary__Labels__pqc__Hierarchy=pqc \
    Estuary__Labels__pqc__AllowedKeys__0="$HIERARCHY" Estuary__Labels__pqc__ExtendedKeyUsage__0=ClientAuth
  enroll_path=pqc/simpleenroll csr_key=$(echo "$HIERARCHY" | tr 'A-Z' 'a-z')
fi
if [ "$STORE" = postgres ]; then
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
  as_postgres /usr/lib/postgresql/15/bin/initdb -D "$work/pg" -U postgres -A trust --no-sync >/dev/null
  as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg" -l "$work/pg.log" -w \
    -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  export Estuary__Storage__Provider=postgres Estuary__Storage__ConnectionString="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"
fi

mkdir -p "$work/data"
dotnet "$root/src/Estuary.Cli/bin/Release/net10.0/estuary.dll" serve --data-dir "$work/data" --listen "https://127.0.0.1:$port" --admin-listen "https://127.0.0.1:$adminport" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do grep -q "Estuary is ready" "$work/server.log" && break; sleep 0.5; done
grep -q "Estuary is ready" "$work/server.log" || { cat "$work/server.log"; exit 1; }
url="https://127.0.0.1:$port/.well-known/est"
password=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["est"]["password"])' "$work/data/initial-credentials.json")
basic=$(printf 'est:%s' "$password" | base64 -w0)

csr_count=$(( DURATION * 7000 ))
"${LOAD[@]}" gen-csrs --out "$work/csrs.txt" --count "$csr_count" --key-type "$csr_key" >/dev/null
"${LOAD[@]}" gen-csrs --out "$work/renew.txt" --count "$(( DURATION * 5000 ))" --subject "CN=bench-mtls, O=Estuary Bench" >/dev/null
"${LOAD[@]}" enroll-client --url "$url" --root "$work/data/root-ca.pem" --user est --password "$password" --out-dir "$work/clients" --count "$CONCURRENCY" >/dev/null

# Warm up (JIT tiering, pools) before anything is timed.
wrk -t2 -c"$CONCURRENCY" -d"${WARMUP:-15}s" -s "$root/bench/wrk-enroll.lua" "$url/$enroll_path" -- "$work/csrs.txt" "$basic" 2 >/dev/null 2>&1

cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "store=$STORE ca=$CA${HIERARCHY:+ hierarchy=$HIERARCHY label=pqc} runs=$RUNS duration=${DURATION}s concurrency=$CONCURRENCY tls=${TLS:-any} openssl_conf=${OPENSSL_CONF_MODE:-shipped} ($(grep -o 'TLS suites .*' "$work/server.log")) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do
  : >"$work/$mode.results"
  for run in $(seq 1 "$RUNS"); do
    perf_pid=""
    if [ "${PERF:-0}" = 1 ] && [ "$run" = 1 ]; then
      perf record -F 499 -g -p "$server_pid" -o "$work/$mode.perf" -- sleep "$((DURATION - 1))" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    if [ "$mode" = curl-new ] || [ "$mode" = curl-resume ]; then
      # One curl process, CURL_REQUESTS sequential enrollments, each on a new TLS connection ("Connection: close");
      # curl-resume offers the previous connection's session (curl's session cache: a TLS 1.3 ticket or a TLS 1.2
      # session), curl-new disables that cache (--no-sessionid). A client that really resumes, unlike the .NET
      # generator's "resume" mode. Each run takes its own CSRs from the end of the file.
      n=${CURL_REQUESTS:-500}
      k=$run; [ "$mode" = curl-resume ] && k=$((run + RUNS))
      first=$(( csr_count - k * n + 1 ))
      python3 - "$work/csrs.txt" "$first" "$n" "$url/$enroll_path" "$work/data/root-ca.pem" "est:$password" "${TLS:-}" "$mode" >"$work/$mode.curl" <<'PY'
import sys
path, first, n, url, root, user, tls, mode = sys.argv[1:9]
lines = open(path).read().split()[int(first) - 1:int(first) - 1 + int(n)]
version = {"1.2": "tlsv1.2\ntls-max = 1.2", "1.3": "tlsv1.3"}.get(tls, "")
for csr in lines:
    print(f'url = "{url}"\ncacert = "{root}"\nuser = "{user}"\nheader = "Content-Type: application/pkcs10"\nheader = "Connection: close"')
    print(f'data-binary = "{csr}"\noutput = "/dev/null"\nwrite-out = "%{{http_code}}\\n"\nsilent')
    if version: print(version)
    if mode == "curl-new": print("no-sessionid")
    print("next")
PY
      before=$(cpu)
      started=$(date +%s.%N)
      codes=$(curl -q -K "$work/$mode.curl" 2>/dev/null || true)
      seconds=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.1f", a - b }')
      after=$(cpu)
      ok=$(echo "$codes" | grep -c '^200$' || true)
      line="mode=$mode run=$run ok=$ok failed=$((n - ok)) rate=$(awk -v n="$ok" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')/s server_cpu_ms_per_enrollment=$(awk -v a="$after" -v b="$before" -v n="$ok" 'BEGIN { printf "%.3f", n ? (a - b) * 10 / n : 0 }')"
    elif [ "$mode" = keepalive ]; then
      before=$(cpu)
      out=$(wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency -s "$root/bench/wrk-enroll.lua" "$url/$enroll_path" -- "$work/csrs.txt" "$basic" 2 2>&1)
      after=$(cpu)
      requests=$(echo "$out" | awk '/requests in/ { print $1 }')
      non2xx=$(echo "$out" | awk '/Non-2xx/ { print $5 }'); non2xx=${non2xx:-0}
      errors=$(echo "$out" | awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }'); errors=${errors:-0}
      rate=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
      p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
      p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
      cpu_ms=$(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "%.3f", (a - b) * 10 / n }')
      line="mode=keepalive run=$run ok=$((requests - non2xx)) failed=$((non2xx + errors)) rate=$rate/s p50=$p50 p99=$p99 server_cpu_ms_per_enrollment=$cpu_ms"
    else
      args=(run --mode "$mode" --url "$url" --root "$work/data/root-ca.pem" --concurrency "$CONCURRENCY" --seconds "$DURATION" --server-pid "$server_pid")
      [ -n "${TLS:-}" ] && args+=(--tls "$TLS")
      if [ "$mode" = mtls ]; then args+=(--csrs "$work/renew.txt" --client-dir "$work/clients"); else args+=(--csrs "$work/csrs.txt" --user est --password "$password"); fi
      line="$("${LOAD[@]}" "${args[@]}" | head -1) run=$run"
    fi
    echo "$line"
    echo "$line" >>"$work/$mode.results"
    alive "after $mode run $run"
    if [ -n "$perf_pid" ]; then
      wait "$perf_pid" || true
      echo "$mode: server CPU by shared object (perf, run 1)"
      perf report -i "$work/$mode.perf" --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12 || true
      echo "$mode: server CPU by function (perf, run 1, top ${PERF_TOP:-30})"
      perf report -i "$work/$mode.perf" --no-children --sort dso,sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -"${PERF_TOP:-30}" | cut -c1-160 || true
      if [ -n "${PERF_OUT:-}" ]; then mkdir -p "$PERF_OUT"; cp "$work/$mode.perf" "$PERF_OUT/"; cp "/tmp/perf-$server_pid.map" "$PERF_OUT/" 2>/dev/null || true; fi
    fi
  done
  for key in rate p50 p99 server_cpu_ms_per_enrollment failed; do
    printf '%s median %s=%s\n' "$mode" "$key" "$(grep -o "$key=[0-9.]*" "$work/$mode.results" | cut -d= -f2 | median)"
  done
done
echo "server: alive after all runs, RSS $(awk '/VmRSS/ { print $2 " " $3 }' "/proc/$server_pid/status")"
