#!/usr/bin/env bash
# Cost at a million certificates (docs/BENCHMARKS.md, "At a million certificates"):
#   bench/run-scale.sh [sqlite|postgres]
# Makes a throwaway data folder (and for postgres a throwaway cluster, as run-load.sh does), starts a real
# `estuary serve`, measures it EMPTY, stops it, seeds COUNT certificate records with bench/Estuary.Bench.Seed,
# starts it again and measures it SEEDED; prints one table of medians (and every sample above it).
# Environment: COUNT (1000000), RUNS (3) and DURATION seconds (5) per enrollment mode, CONCURRENCY (32),
# WARMUP seconds (10), SAMPLES per latency measurement (20), NOBUILD=1 skips the Release build, KEEP=1 keeps the work folder (to measure it again:
# REUSE=that folder measures SEEDED on its data/, samples/ and, for postgres, its cluster pg/, without seeding again; the
# EMPTY phase then uses a new data folder and, for postgres, a new database estuary_empty in that cluster).
# SEED_ONLY=1 seeds and keeps the folder without measuring anything (seed while the machine is busy, measure later
# with REUSE when it is quiet). The SQLite file-maintenance step deletes from the seeded database: reuse it once, or
# skip that step with MAINTENANCE=0. PERF=1 [PERF_OUT=DIR] profiles the first keep-alive run of each phase.
# Needs wrk, curl, openssl, python3, sqlite3 and, for postgres, the Debian postgresql package.
set -euo pipefail
STORE=${1:-sqlite}
COUNT=${COUNT:-1000000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5}
CONCURRENCY=${CONCURRENCY:-32}
WARMUP=${WARMUP:-10}
SAMPLES=${SAMPLES:-20}
case "$STORE" in sqlite | postgres) ;; *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;; esac
for tool in wrk curl openssl python3 sqlite3; do command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y $tool" >&2; exit 2; }; done
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/estuary-scale.XXXXXX)
chmod 755 "$work"
port=$((20000 + RANDOM % 20000))
adminport=$((port + 1))
httpport=$((port + 2))
pgport=$((port + 3))
server_pid=""
pgdir=$work/pg
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# A load run also proves the server survived it: stop_server PHASE records whether it was still running and its exit
# status on SIGTERM (0 expected); a server that died or exits otherwise keeps the folder with its log and crash dump.
stop_server() {
  local status=0
  if [ -n "$server_pid" ]; then
    if kill -0 "$server_pid" 2>/dev/null; then
      kill -TERM "$server_pid" 2>/dev/null || true
      wait "$server_pid" || status=$?
      [ -n "${1:-}" ] && result[$1,exit]="alive; exit $status on SIGTERM"
    else
      wait "$server_pid" || status=$?
      [ -n "${1:-}" ] && result[$1,exit]="GONE before the stop (exit $status)"
      echo "server: GONE during ${1:-a phase} (exit status $status)" >&2
      tail -20 "$work/server.log" >&2
      dmesg 2>/dev/null | grep -i -E "out of memory|killed process" | tail -3 >&2 || true
      status=1
    fi
    if [ "$status" != 0 ]; then KEEP=1; fi
    server_pid=""
  fi
}
cleanup() {
  stop_server
  if [ -f "$pgdir/postmaster.pid" ]; then as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$pgdir" -m fast -w stop >/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ "${NOBUILD:-0}" != 1 ]; then
  echo "building (Release)..." >&2
  dotnet build -c Release "$root/src/Estuary.Cli" -v q -nologo >/dev/null
  dotnet build -c Release "$root/bench/Estuary.Bench.Load" -v q -nologo >/dev/null
  dotnet build -c Release "$root/bench/Estuary.Bench.Seed" -v q -nologo >/dev/null
fi
ESTUARY=(dotnet "$root/src/Estuary.Cli/bin/Release/net10.0/estuary.dll")
LOAD=(dotnet "$root/bench/Estuary.Bench.Load/bin/Release/net10.0/Estuary.Bench.Load.dll")
SEED=(dotnet "$root/bench/Estuary.Bench.Seed/bin/Release/net10.0/Estuary.Bench.Seed.dll")

export Logging__LogLevel__Default=Warning DOTNET_gcServer=0
# The OpenSSL configuration the packaged unit sets (docs/DEPLOYMENT.md), as bench/run-load.sh uses it.
export OPENSSL_CONF="$root/src/Estuary.Server/openssl-aead.cnf"
# A crash leaves a dump (createdump, full heap) and a JSON crash report beside the log instead of vanishing.
ulimit -c unlimited 2>/dev/null || true
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=2 DOTNET_DbgMiniDumpName="$work/estuary-%p.dmp" DOTNET_EnableCrashReport=1
# PERF=1: perf samples the server during the first keep-alive run of each phase (by shared object and function, printed
# at the end; PERF_OUT=DIR keeps them); JIT frames are named through the perf map (W^X off so that perf can read them).
[ "${PERF:-0}" = 1 ] && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
# The abuse limits (200 requests/s per address by default) would cap a single-host load generator.
export Estuary__RateLimits__PerAddressPerSecond=0 Estuary__RateLimits__PerAccountPerSecond=0
# CRL and OCSP over plain HTTP, where relying parties fetch them (RFC 5280 §4.2.1.13, RFC 5019); the CRL recheck every
# 2 s so that a revocation made with `estuary ca revoke` is signed into the CRL within the measurement.
export Estuary__HttpListen="http://127.0.0.1:$httpport" Estuary__Revocation__RecheckInterval=00:00:02
connection=""
pgdb=postgres
if [ "$STORE" = postgres ]; then
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
  if [ -n "${REUSE:-}" ]; then
    pgdir=$(cd "$REUSE" && pwd)/pg
  else
    as_postgres /usr/lib/postgresql/15/bin/initdb -D "$pgdir" -U postgres -A trust --no-sync >/dev/null
  fi
  as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$pgdir" -l "$work/pg.log" -w \
    -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  if [ -n "${REUSE:-}" ]; then
    pgdb=estuary_empty
    as_postgres psql -h "$work" -p "$pgport" -U postgres -qc "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" postgres
  fi
  connection="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=$pgdb"
  export Estuary__Storage__Provider=postgres Estuary__Storage__ConnectionString="$connection"
fi
mkdir -p "$work/data"
est="https://127.0.0.1:$port"
admin="https://127.0.0.1:$adminport"
http="http://127.0.0.1:$httpport"
url="$est/.well-known/est"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "n/a" }'; }
p95() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int(NR * 0.95 + 0.999)]; else print "n/a" }'; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
declare -A result

# Starts the server and records the time until /cacerts first answers 200, and its resident memory then.
start_server() {
  local phase=$1 started
  : >"$work/server.log"
  started=$(date +%s.%N)
  # The CRL publisher logs each signing with its duration (read by crl_sign below); env, as the name has dots.
  env "Logging__LogLevel__Estuary.Ra.CrlPublisher=Information" "${ESTUARY[@]}" serve --data-dir "$work/data" --listen "$est" --admin-listen "$admin" >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 1200); do
    if curl -ks -o /dev/null -w '%{http_code}' "$url/cacerts" 2>/dev/null | grep -q 200; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.1
  done
  result[$phase,startup_s]=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.1f", a - b }')
  sleep 2
  result[$phase,rss_start_mb]=$(rss_mb)
}

# A console session (cookie jar) and a REST API key with the auditor role, made through the console's own forms.
log_in() {
  local jar=$work/cookies token user password
  rm -f "$jar"
  user=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["admin"]["username"])' "$work/data/initial-credentials.json")
  password=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["admin"]["password"])' "$work/data/initial-credentials.json")
  token=$(curl -ks -c "$jar" -b "$jar" "$admin/admin/login" | sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
  curl -ks -c "$jar" -b "$jar" -o /dev/null --data-urlencode "username=$user" --data-urlencode "password=$password" \
    --data-urlencode "__RequestVerificationToken=$token" "$admin/admin/login"
  token=$(curl -ks -c "$jar" -b "$jar" "$admin/admin/apikeys" | sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
  apikey=$(curl -ksL -c "$jar" -b "$jar" --data-urlencode "name=scale-bench-$RANDOM" --data-urlencode "role=auditor" --data-urlencode "days=1" \
    --data-urlencode "__RequestVerificationToken=$token" "$admin/admin/apikeys?handler=create" | sed -n 's/.*id="key-value">\([^<]*\)<.*/\1/p' | head -1)
  [ -n "$apikey" ] || { echo "could not create an API key through the console (log in as the initial administrator)" >&2; exit 1; }
}

# SAMPLES sequential requests on one keep-alive connection (after one unmeasured); prints "p50 p95" in ms.
latency() {
  local args=() i
  # curl's -o applies to one URL: one per request, so that only the -w line of each reaches the file.
  for i in $(seq 0 "$SAMPLES"); do args+=(-o /dev/null "$@"); done
  curl -ks "${once[@]}" -w '%{time_total} %{http_code}\n' "${args[@]}" >"$work/latency" || true
  if grep -qv ' 200$' "$work/latency"; then echo "FAILED($(grep -v ' 200$' "$work/latency" | head -1 | cut -d' ' -f2))"; return; fi
  tail -n +2 "$work/latency" | awk '{ print $1 * 1000 }' >"$work/latency.ms"
  printf '%.1f/%.1f' "$(median <"$work/latency.ms")" "$(p95 <"$work/latency.ms")"
}

# The header goes once, before the repeated URLs: curl adds every -H it is given to every request, and 21 Authorization
# values in one request are (rightly) a 401.
once=()
api() { once=(-H "Authorization: Bearer $apikey"); latency "$admin/api/v1/$1"; once=(); }
console() { latency -b "$work/cookies" "$admin/admin/$1"; }

# wrk for DURATION seconds; prints "rate p99".
wrk_rate() {
  local out
  out=$(wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency "$@" 2>&1)
  if echo "$out" | grep -q 'Non-2xx'; then echo "FAILED $(echo "$out" | awk '/Non-2xx/ { print $5 }')"; return; fi
  echo "$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }') $(echo "$out" | awk '$1 == "99%" { print $2 }')"
}

# Time to sign the CRL after a revocation: `estuary ca revoke` writes to storage, the server's recheck re-signs; the
# publisher's log line gives the duration. Three revocations, the median.
crl_sign() {
  local phase=$1 serial before samples=()
  for serial in $(head -3 "$2"); do
    before=$(grep -c 'signed CRL number' "$work/server.log" || true)
    "${ESTUARY[@]}" ca revoke "$serial" --reason superseded --data-dir "$work/data" >/dev/null
    for _ in $(seq 1 600); do [ "$(grep -c 'signed CRL number' "$work/server.log" || true)" -gt "$before" ] && break; sleep 0.1; done
    samples+=("$(grep 'signed CRL number' "$work/server.log" | tail -1 | sed -n 's/.* in \([0-9]*\) ms.*/\1/p')")
  done
  result[$phase,crl_sign_ms]=$(printf '%s\n' "${samples[@]}" | median)
  result[$phase,crl_sign_samples]=$(IFS=,; echo "${samples[*]}")
  result[$phase,crl_entries]=$(grep 'signed CRL number' "$work/server.log" | tail -1 | sed -n 's/.* with \([0-9]*\) entries.*/\1/p')
}

database_bytes() {
  if [ "$STORE" = sqlite ]; then
    stat -c %s "$work/data/estuary.db"
  else
    as_postgres psql -h "$work" -p "$pgport" -U postgres -Atc "SELECT pg_database_size(current_database())" "$pgdb"
  fi
}

wal_bytes() { if [ "$STORE" = sqlite ] && [ -f "$work/data/estuary.db-wal" ]; then stat -c %s "$work/data/estuary.db-wal"; else echo n/a; fi; }

measure() {
  local phase=$1 samples=$2 mode run out before after requests rate line name serial
  password=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["est"]["password"])' "$work/data/initial-credentials.json")
  basic=$(printf 'est:%s' "$password" | base64 -w0)
  log_in
  echo "[$phase] enrollment (warm-up ${WARMUP}s, then $RUNS x ${DURATION}s per mode)" >&2
  wrk -t2 -c"$CONCURRENCY" -d"${WARMUP}s" -s "$root/bench/wrk-enroll.lua" "$url/simpleenroll" -- "$work/csrs.txt" "$basic" 2 >/dev/null 2>&1
  : >"$work/keepalive.$phase"
  : >"$work/handshake.$phase"
  for run in $(seq 1 "$RUNS"); do
    perf_pid=""
    if [ "${PERF:-0}" = 1 ] && [ "$run" = 1 ]; then
      perf record -F 499 -g -p "$server_pid" -o "$work/keepalive.$phase.perf" -- sleep "$((DURATION - 1))" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    before=$(cpu)
    out=$(wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency -s "$root/bench/wrk-enroll.lua" "$url/simpleenroll" -- "$work/csrs.txt" "$basic" 2 2>&1)
    after=$(cpu)
    if [ -n "$perf_pid" ]; then
      wait "$perf_pid" || true
      { echo "[$phase] keep-alive server CPU by shared object (perf, run 1)"
        perf report -i "$work/keepalive.$phase.perf" --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
        echo "[$phase] by function (top ${PERF_TOP:-40})"
        perf report -i "$work/keepalive.$phase.perf" --no-children --sort dso,sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -"${PERF_TOP:-40}" | cut -c1-160
      } >"$work/perf.$phase.txt" || true
      if [ -n "${PERF_OUT:-}" ]; then mkdir -p "$PERF_OUT"; cp "$work/keepalive.$phase.perf" "$PERF_OUT/"; cp "/tmp/perf-$server_pid.map" "$PERF_OUT/" 2>/dev/null || true; fi
    fi
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    rate=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    line="rate=$rate cpu_ms=$(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "%.3f", (a - b) * 10 / n }') failed=$(echo "$out" | awk '/Non-2xx/ { print $5 }')"
    echo "  [$phase] keepalive run $run: $line" >&2
    echo "$line" >>"$work/keepalive.$phase"
    line=$("${LOAD[@]}" run --mode handshake --url "$url" --root "$work/data/root-ca.pem" --concurrency "$CONCURRENCY" --seconds "$DURATION" \
      --server-pid "$server_pid" --csrs "$work/csrs.txt" --user est --password "$password" | head -1)
    echo "  [$phase] handshake run $run: $line" >&2
    echo "$line" >>"$work/handshake.$phase"
  done
  for mode in keepalive handshake; do
    result[$phase,$mode,rate]=$(grep -o 'rate=[0-9.]*' "$work/$mode.$phase" | cut -d= -f2 | median)
  done
  result[$phase,keepalive,cpu]=$(grep -o 'cpu_ms=[0-9.]*' "$work/keepalive.$phase" | cut -d= -f2 | median)
  result[$phase,handshake,cpu]=$(grep -o 'server_cpu_ms_per_enrollment=[0-9.]*' "$work/handshake.$phase" | cut -d= -f2 | median)

  echo "[$phase] CRL" >&2
  crl_sign "$phase" "$samples/serials-good.txt"
  result[$phase,crl_bytes]=$(curl -s "$http/crl/issuing.crl" | wc -c)
  curl -s -D - -o "$work/crl1" "$http/crl/issuing.crl" | tr -d '\r' | awk 'tolower($1) == "last-modified:"' >"$work/crl1.headers"
  read -r rate p99 <<<"$(wrk_rate "$http/crl/issuing.crl")"
  result[$phase,crl_rate]=$rate
  curl -s -o "$work/crl2" "$http/crl/issuing.crl"
  result[$phase,crl_same]=$(cmp -s "$work/crl1" "$work/crl2" && echo identical || echo changed)
  # One partition of 16 (Estuary:Revocation:CrlPartitions; served for any power-of-two count, whatever the setting).
  keyid=$(openssl x509 -in "$work/data/issuing-ca.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
  part="$http/crl/$keyid/p16-5.crl"
  curl -s -o "$work/part" "$part"
  result[$phase,part_bytes]=$(wc -c <"$work/part")
  result[$phase,part_entries]=$(openssl crl -inform DER -in "$work/part" -noout -text | grep -c 'Serial Number' || true)
  read -r rate p99 <<<"$(wrk_rate "$part")"
  result[$phase,part_rate]=$rate

  echo "[$phase] OCSP" >&2
  read -r rate p99 <<<"$(wrk_rate -s "$root/bench/wrk-paths.lua" "$http" -- "$samples/ocsp-good.txt")"
  result[$phase,ocsp_good]="$rate/s p99 $p99"
  read -r rate p99 <<<"$(wrk_rate -s "$root/bench/wrk-paths.lua" "$http" -- "$samples/ocsp-revoked.txt")"
  result[$phase,ocsp_revoked]="$rate/s p99 $p99"

  echo "[$phase] console, API and /metrics (p50/p95 ms of $SAMPLES sequential requests)" >&2
  name=$(sed -n 5p "$samples/names-good.txt")
  serial=$(sed -n 5p "$samples/serials-good.txt")
  result[$phase,api_prefix]=$(api "certificates?q=${name%?}")
  result[$phase,api_prefix_broad]=$(api "certificates?q=${name%%-[0-9]*}")
  result[$phase,api_serial_search]=$(api "certificates?q=$serial")
  result[$phase,api_serial_get]=$(api "certificates/$serial")
  result[$phase,api_label]=$(api "certificates?label=cameras")
  result[$phase,api_revoked]=$(api "certificates?status=revoked")
  result[$phase,api_valid]=$(api "certificates?status=valid")
  result[$phase,api_expired]=$(api "certificates?status=expired")
  result[$phase,api_label_revoked]=$(api "certificates?label=cameras&status=revoked")
  result[$phase,api_expiring]=$(api "certificates?status=valid&expiresWithinDays=30")
  result[$phase,console_dashboard]=$(console "")
  result[$phase,console_search]=$(console "certificates?q=${name%?}")
  result[$phase,console_label]=$(console "certificates?label=cameras&status=revoked")
  result[$phase,metrics]=$(latency "$admin/metrics")
  result[$phase,rss_end_mb]=$(rss_mb)
  result[$phase,db_bytes]=$(database_bytes)
  result[$phase,wal_bytes]=$(wal_bytes)

  # OCSP again without the pre-produced answers (every request looked up and signed): a restart with the cache off.
  echo "[$phase] OCSP without the response cache" >&2
  stop_server "$phase"
  export Estuary__Revocation__OcspCacheEntries=0
  start_server "$phase-nocache"
  unset Estuary__Revocation__OcspCacheEntries
  wrk -t2 -c"$CONCURRENCY" -d"${WARMUP}s" -s "$root/bench/wrk-paths.lua" "$http" -- "$samples/ocsp-good.txt" >/dev/null 2>&1
  read -r rate p99 <<<"$(wrk_rate -s "$root/bench/wrk-paths.lua" "$http" -- "$samples/ocsp-good.txt")"
  result[$phase,ocsp_good_nocache]="$rate/s p99 $p99"
  read -r rate p99 <<<"$(wrk_rate -s "$root/bench/wrk-paths.lua" "$http" -- "$samples/ocsp-revoked.txt")"
  result[$phase,ocsp_revoked_nocache]="$rate/s p99 $p99"
  stop_server "$phase,nocache"
}

# ---- EMPTY ----
echo "store=$STORE count=$COUNT runs=$RUNS duration=${DURATION}s concurrency=$CONCURRENCY cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
start_server empty
password=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["est"]["password"])' "$work/data/initial-credentials.json")
basic=$(printf 'est:%s' "$password" | base64 -w0)
csr_count=$(( (WARMUP + 2 * RUNS * DURATION) * 4000 ))
echo "generating $csr_count CSRs" >&2
"${LOAD[@]}" gen-csrs --out "$work/csrs.txt" --count "$csr_count" >/dev/null
# Samples for the empty database: a few certificates of its own, so that every query has something to find.
stop_server
"${SEED[@]}" --data-dir "$work/data" --count 2000 --public-url "$http" --samples-dir "$work/samples-empty" ${connection:+--postgres "$connection"} >/dev/null
if [ "${SEED_ONLY:-0}" != 1 ]; then
  start_server empty
  measure empty "$work/samples-empty"
fi

# ---- SEED ----
result[seeded,seed_s]=n/a
if [ -n "${REUSE:-}" ]; then
  echo "[seed] reusing $REUSE/data (seeded before) and its samples" >&2
  result[empty,db_bytes_kept]=${result[empty,db_bytes]}
  rm -rf "$work/data" "$work/samples"
  ln -s "$(cd "$REUSE" && pwd)/data" "$work/data"
  ln -s "$(cd "$REUSE" && pwd)/samples" "$work/samples"
  if [ "$STORE" = sqlite ]; then
    COUNT=$(sqlite3 "$work/data/estuary.db" "SELECT COUNT(*) FROM certificates")
  else
    pgdb=postgres
    connection="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=$pgdb"
    export Estuary__Storage__ConnectionString="$connection"
    COUNT=$(as_postgres psql -h "$work" -p "$pgport" -U postgres -Atc "SELECT COUNT(*) FROM certificates" "$pgdb")
  fi
else
  echo "[seed] $COUNT certificates" >&2
  seed_started=$(date +%s)
  "${SEED[@]}" --data-dir "$work/data" --count "$COUNT" --public-url "$http" --samples-dir "$work/samples" ${connection:+--postgres "$connection"} | tee "$work/seed.log" >&2
  result[seeded,seed_s]=$(( $(date +%s) - seed_started ))
fi
if [ "$STORE" = postgres ]; then
  # What autovacuum does after a bulk load, done now so that the measurement does not depend on when it runs.
  as_postgres psql -h "$work" -p "$pgport" -U postgres -qc "VACUUM ANALYZE" postgres
fi

if [ "${SEED_ONLY:-0}" = 1 ]; then
  KEEP=1
  echo "seeded $COUNT certificates in ${result[seeded,seed_s]} s; measure later with: REUSE=$work NOBUILD=1 $0 $STORE"
  exit 0
fi

# ---- SEEDED ----
start_server seeded
measure seeded "$work/samples"

# ---- SQLite file maintenance: delete a tenth of the certificates (long expired), then VACUUM ----
if [ "$STORE" = sqlite ] && [ "${MAINTENANCE:-1}" = 1 ]; then
  db=$work/data/estuary.db
  result[sqlite,before]=$(stat -c %s "$db")
  cutoff=$(( ($(date +%s) - 365 * 86400) * 1000 ))
  delete_started=$(date +%s.%N)
  sqlite3 "$db" "PRAGMA foreign_keys=ON; DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE time < $cutoff ORDER BY id LIMIT $((COUNT / 10))); DELETE FROM certificates WHERE rowid IN (SELECT rowid FROM certificates WHERE not_after < $cutoff AND serial NOT IN (SELECT serial FROM archived_keys) LIMIT $((COUNT / 10)));"
  result[sqlite,delete_s]=$(awk -v a="$(date +%s.%N)" -v b="$delete_started" 'BEGIN { printf "%.1f", a - b }')
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  result[sqlite,after_delete]=$(stat -c %s "$db")
  result[sqlite,freelist]=$(sqlite3 "$db" "PRAGMA freelist_count;")
  vacuum_started=$(date +%s.%N)
  sqlite3 "$db" "VACUUM;"
  result[sqlite,vacuum_s]=$(awk -v a="$(date +%s.%N)" -v b="$vacuum_started" 'BEGIN { printf "%.1f", a - b }')
  result[sqlite,after_vacuum]=$(stat -c %s "$db")
fi

# ---- the table ----
row() { printf '| %s | %s | %s | %s |\n' "$1" "${result[empty,$2]:-n/a}" "${result[seeded,$2]:-n/a}" "$3"; }
echo
echo "store=$STORE seeded=$COUNT load_at_end=$(cut -d' ' -f1-3 /proc/loadavg) seeding=${result[seeded,seed_s]} s"
echo "| measure | empty (2,000) | seeded ($COUNT) | target |"
echo "| --- | ---: | ---: | --- |"
row "keep-alive enrollments/s" keepalive,rate "seeded within 10 % of empty"
row "keep-alive server CPU ms/enrollment" keepalive,cpu "within 10 %"
row "new-connection enrollments/s" handshake,rate "within 10 %"
row "new-connection server CPU ms/enrollment" handshake,cpu "within 10 %"
row "CRL entries" crl_entries ""
row "CRL bytes" crl_bytes ""
row "CRL re-sign ms (median of 3; samples)" crl_sign_ms "< 1000"
printf '| %s | %s | %s | %s |\n' "CRL re-sign samples" "${result[empty,crl_sign_samples]:-}" "${result[seeded,crl_sign_samples]:-}" ""
row "CRL fetches/s (HTTP keep-alive)" crl_rate ">= 2000"
row "CRL two fetches" crl_same "identical (cached copy)"
row "partition CRL (1 of 16) entries" part_entries ""
row "partition CRL (1 of 16) bytes" part_bytes ""
row "partition CRL fetches/s (HTTP keep-alive)" part_rate ">= 2000"
row "OCSP good (GET, keep-alive; 1,000 serials, cached answers)" ocsp_good ">= 5000/s"
row "OCSP revoked (GET, keep-alive; 1,000 serials, cached answers)" ocsp_revoked ">= 5000/s"
row "OCSP good, response cache off" ocsp_good_nocache ">= 5000/s"
row "OCSP revoked, response cache off" ocsp_revoked_nocache ">= 5000/s"
row "API search: subject prefix (~10 hits) p50/p95 ms" api_prefix "p95 < 100"
row "API search: subject prefix (~2,500 hits)" api_prefix_broad "p95 < 100"
row "API search: serial as text" api_serial_search "p95 < 100"
row "API GET certificate by serial" api_serial_get "p95 < 100"
row "API search: label" api_label "p95 < 100"
row "API search: status=revoked" api_revoked "p95 < 100"
row "API search: status=valid" api_valid "p95 < 100"
row "API search: status=expired" api_expired "p95 < 100"
row "API search: label + revoked" api_label_revoked "p95 < 100"
row "API search: valid, expiring in 30 days" api_expiring "p95 < 100"
row "console dashboard" console_dashboard "p95 < 100"
row "console search: subject prefix" console_search "p95 < 100"
row "console search: label + revoked" console_label "p95 < 100"
row "/metrics scrape" metrics "p95 < 50"
row "server after the measurements (cache on)" exit "alive; exit 0 on SIGTERM"
row "server after the OCSP runs (cache off)" nocache,exit "alive; exit 0 on SIGTERM"
row "start-up to first 200, s" startup_s ""
row "RSS after start, MB" rss_start_mb ""
row "RSS after the measurements, MB" rss_end_mb ""
row "database bytes" db_bytes ""
row "SQLite WAL bytes after the measurements" wal_bytes ""
empty_bytes=${result[empty,db_bytes]}
seeded_bytes=${result[seeded,db_bytes]}
echo "| database bytes per certificate | | $(( (seeded_bytes - empty_bytes) / COUNT )) | |"
survived=1
for key in empty,exit empty,nocache,exit seeded,exit seeded,nocache,exit; do
  [ "${result[$key]:-}" = "alive; exit 0 on SIGTERM" ] || survived=0
done
for phase in empty seeded; do [ -f "$work/perf.$phase.txt" ] && { echo; cat "$work/perf.$phase.txt"; }; done
if [ "$STORE" = sqlite ] && [ "${MAINTENANCE:-1}" = 1 ]; then
  echo
  echo "SQLite file: ${result[sqlite,before]} bytes; after deleting $((COUNT / 10)) long-expired certificates (and as many old audit rows) in ${result[sqlite,delete_s]} s: ${result[sqlite,after_delete]} bytes (${result[sqlite,freelist]} free pages); after VACUUM (${result[sqlite,vacuum_s]} s): ${result[sqlite,after_vacuum]} bytes"
fi
[ "$survived" = 1 ] || { echo "server: did not survive every phase cleanly (see the table; folder kept: $work)" >&2; KEEP=1; exit 1; }
