#!/usr/bin/env bash
# The abuse limits shared by two real `estuary serve` nodes on one PostgreSQL database (docs/DEPLOYMENT.md, "What the
# nodes share: abuse limits"; docs/BENCHMARKS.md, "Shared limits"), as an operator runs them:
#   bench/two-nodes.sh                 (about 4 minutes with the defaults)
# A throwaway cluster on loopback (as run-load.sh), node A started first on a new data folder (it creates the CA files,
# the initial credentials and the schema), then node B on a read-only copy of that folder (DEPLOYMENT.md: the nodes
# write to it only at rare renewals, none of which falls in a run; the script reports whether B wrote to it), both on the same database,
# each on its own ports. Both nodes are restarted for each measurement (the limits are configuration); the shared
# tables rate_buckets and login_failures are emptied before each, so every bucket starts full.
#   1 account   Estuary:RateLimits:PerAccountPerSecond=RATE, PerAddressPerSecond=0: wrk keep-alive enrollments against
#               BOTH nodes at once (bench/wrk-status.lua: answers counted per status), all as the initial `est`
#               account, for LIMIT_SECONDS (after WARMUP s). Counts 2xx and 429 per node, and the certificates the
#               database recorded (a request queued when wrk stopped is still issued: the larger count is "allowed");
#               that total against one shared bucket (a full bucket holds 2 × RATE, refilled at RATE: at most
#               2 × RATE + RATE × t in t seconds, t up to the last issuance; src/Estuary.Server/EstRateLimiting.cs and
#               the GCRA in estuary_take_tokens) and against twice that, which one bucket per node would allow. A node
#               whose limit check took > 2 s falls back to its own buckets (event 2101): counted and flagged.
#   2 address   the same with PerAddressPerSecond=RATE, PerAccountPerSecond=0 (wrk's connections all come from 127.0.0.1).
#   3 lockout   MaxFailedLogins=MAX_FAILED_LOGINS, LockoutSeconds=LOCKOUT_SECONDS, rate limits off: wrong passwords for
#               `est` alternating between the nodes with curl; after MAX_FAILED_LOGINS failures in total (not per node)
#               the right password is refused on both nodes (429 + Retry-After) until the lockout ends, then 200 on both.
#   4 cost      keep-alive enrollments against both nodes at once, per COST_MODES: "off" (every limit 0), "rates" (address
#               and account buckets of COST_LIMIT/s, never refusing: one estuary_take_tokens round trip per request, both
#               nodes on the same two rows, the busiest case), "all" (rates plus the lockout, MaxFailedLogins 10: its read
#               and a success's DELETE). Enrollments/s and server CPU ms per enrollment of each node, and PostgreSQL's CPU
#               (the postmaster and its backends, /proc) per enrollment of both; medians of RUNS runs of DURATION s after
#               WARMUP s.
# Environment: MEASUREMENTS ("account address lockout cost"), RATE (50), LIMIT_SECONDS (10), MAX_FAILED_LOGINS (5),
# LOCKOUT_SECONDS (5), COST_MODES ("off rates all"), COST_LIMIT (100000), RUNS (3), DURATION (5), WARMUP (10),
# CONCURRENCY connections per node (32), NOBUILD=1 skips the Release build, KEEP=1 keeps the work folder.
# Each node must be alive after every load and, once no request is left in it, exit 0 on SIGTERM at the end of each
# measurement; otherwise the work
# folder (node logs per measurement, crash dumps, PostgreSQL's log) is kept and the script exits 1.
# Prints progress, the lockout sequence and every run, then one markdown table. Needs wrk, curl, python3 and the
# Debian postgresql package.
set -euo pipefail
MEASUREMENTS=${MEASUREMENTS:-account address lockout cost}
RATE=${RATE:-50}
LIMIT_SECONDS=${LIMIT_SECONDS:-10}
MAX_FAILED_LOGINS=${MAX_FAILED_LOGINS:-5}
LOCKOUT_SECONDS=${LOCKOUT_SECONDS:-5}
COST_MODES=${COST_MODES:-off rates all}
COST_LIMIT=${COST_LIMIT:-100000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-10}
CONCURRENCY=${CONCURRENCY:-32}
for tool in wrk curl python3; do command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y $tool" >&2; exit 2; }; done
pgbin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { echo "PostgreSQL is missing: apt-get install -y postgresql" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/estuary-two-nodes.XXXXXX)
chmod 755 "$work"
port=$((20000 + RANDOM % 20000))
declare -A estport=([A]=$port [B]=$((port + 2))) adminport=([A]=$((port + 1)) [B]=$((port + 3))) datadir=([A]=$work/a [B]=$work/b)
declare -A node_pid=([A]="" [B]="") result=()
pgport=$((port + 4))
ticks=$(getconf CLK_TCK)
phases=()
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_q() { as_postgres "$pgbin/psql" -h "$work" -p "$pgport" -U postgres -qAtc "$1" postgres; }

# stop_nodes PHASE: SIGTERM to each node, its exit status recorded (0 expected); a node that is gone or exits otherwise
# keeps the work folder.
stop_nodes() {
  local n status started
  for n in A B; do
    [ -n "${node_pid[$n]}" ] || continue
    status=0
    if kill -0 "${node_pid[$n]}" 2>/dev/null; then
      kill -TERM "${node_pid[$n]}" 2>/dev/null || true
      started=$(date +%s.%N)
      wait "${node_pid[$n]}" || status=$?
      [ -n "${1:-}" ] && result[$1,stop,$n]="alive; exit $status on SIGTERM"
      echo "node $n: exit $status $(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.1f", a - b }') s after SIGTERM (${1:-cleanup})" >&2
    else
      wait "${node_pid[$n]}" || status=$?
      [ -n "${1:-}" ] && result[$1,stop,$n]="GONE before the stop (exit $status)"
      status=1
    fi
    [ "$status" = 0 ] || KEEP=1
    node_pid[$n]=""
  done
}
cleanup() {
  stop_nodes
  if [ -f "$work/pg/postmaster.pid" ]; then as_postgres "$pgbin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null || true; fi
  chmod -R u+w "$work/b" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept: $work (node-A.PHASE.log, node-B.PHASE.log, crash dumps, pg.log)"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# alive WHEN: both nodes still running, else exit 1 with the evidence kept.
alive() {
  local n status
  for n in A B; do
    if ! kill -0 "${node_pid[$n]}" 2>/dev/null; then
      status=0; wait "${node_pid[$n]}" || status=$?
      echo "node $n: GONE $1 (exit status $status; signal $((status > 128 ? status - 128 : 0)))" >&2
      tail -20 "$work/node-$n.$phase.log" >&2
      dmesg 2>/dev/null | grep -i -E "out of memory|killed process" | tail -3 >&2 || true
      node_pid[$n]=""; KEEP=1; exit 1
    fi
  done
}

if [ "${NOBUILD:-0}" != 1 ]; then
  echo "building (Release)..." >&2
  dotnet build -c Release "$root/src/Estuary.Cli" -v q -nologo >/dev/null
  dotnet build -c Release "$root/bench/Estuary.Bench.Load" -v q -nologo >/dev/null
fi
ESTUARY=(dotnet "$root/src/Estuary.Cli/bin/Release/net10.0/estuary.dll")
LOAD=(dotnet "$root/bench/Estuary.Bench.Load/bin/Release/net10.0/Estuary.Bench.Load.dll")

# The OpenSSL configuration the packaged unit sets (docs/DEPLOYMENT.md), as run-load.sh uses it.
export OPENSSL_CONF="$root/src/Estuary.Server/openssl-aead.cnf"
export Logging__LogLevel__Default=Warning DOTNET_gcServer=0
# A crash leaves a dump (createdump, full heap) and a JSON crash report in the work folder instead of vanishing.
ulimit -c unlimited 2>/dev/null || true
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=2 DOTNET_DbgMiniDumpName="$work/estuary-%p.dmp" DOTNET_EnableCrashReport=1

[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
as_postgres "$pgbin/initdb" -D "$work/pg" -U postgres -A trust --no-sync >/dev/null
# Two nodes' connection pools (Npgsql: up to 100 each) and psql.
as_postgres "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c max_connections=250" start >/dev/null
export Estuary__Storage__Provider=postgres Estuary__Storage__ConnectionString="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"

# launch_node NODE [NAME=VALUE...]: the node with the measurement's limits in its environment; ready_node NODE waits
# for its banner.
launch_node() {
  local n=$1
  shift
  env "$@" "${ESTUARY[@]}" serve --data-dir "${datadir[$n]}" --listen "https://127.0.0.1:${estport[$n]}" \
    --admin-listen "https://127.0.0.1:${adminport[$n]}" >"$work/node-$n.$phase.log" 2>&1 &
  node_pid[$n]=$!
}
ready_node() {
  local n=$1
  for _ in $(seq 1 240); do
    grep -q "Estuary is ready" "$work/node-$n.$phase.log" && return 0
    kill -0 "${node_pid[$n]}" 2>/dev/null || break
    sleep 0.5
  done
  echo "node $n did not start ($phase):" >&2; cat "$work/node-$n.$phase.log" >&2; KEEP=1; exit 1
}

# start_nodes PHASE [NAME=VALUE...]: both nodes; the first time node A alone first, then B on a copy of A's folder.
start_nodes() {
  phase=$1
  shift
  phases+=("$phase")
  if [ ! -d "${datadir[A]}" ]; then
    mkdir -p "${datadir[A]}"
    launch_node A "$@"
    ready_node A
    # What DEPLOYMENT.md tells an operator: the folder made by the first start, distributed read-only.
    mkdir -p "${datadir[B]}"
    cp -a "${datadir[A]}/." "${datadir[B]}/"
    rm -f "${datadir[B]}"/estuary.db*
    chmod -R a-w "${datadir[B]}"
    (cd "${datadir[B]}" && find . -type f -exec sha256sum {} + | sort -k2) >"$work/b.files"
    ls -lR "${datadir[A]}" >"$work/a.listing"
    launch_node B "$@"
    ready_node B
  else
    launch_node A "$@"
    launch_node B "$@"
    ready_node A
    ready_node B
  fi
  psql_q "DELETE FROM rate_buckets; DELETE FROM login_failures"
}

basic=""
csr_count=$(( (WARMUP > DURATION ? (WARMUP > LIMIT_SECONDS ? WARMUP : LIMIT_SECONDS) : (DURATION > LIMIT_SECONDS ? DURATION : LIMIT_SECONDS)) * 3000 ))

# load SECONDS TAG: wrk keep-alive enrollments against both nodes at once; each node's output in $work/TAG.A and .B.
load() {
  local n pids=()
  for n in A B; do
    wrk -t1 -c"$CONCURRENCY" -d"$1s" -s "$root/bench/wrk-status.lua" "https://127.0.0.1:${estport[$n]}/.well-known/est/simpleenroll" \
      -- "$work/csrs.txt" "$basic" 1 >"$work/$2.$n" 2>&1 &
    pids+=($!)
  done
  wait "${pids[0]}" || true
  wait "${pids[1]}" || true
}
# count FILE CLASS: answers of one wrk output by status: 2xx, 429, or other (neither; plus socket errors).
count() {
  awk -v c="$2" '
    $1 == "status" && ((c == "2xx" && $2 ~ /^2/) || (c == "429" && $2 == 429) || (c == "other" && $2 !~ /^2/ && $2 != 429)) { n += $3 }
    c == "other" && /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
    END { print n + 0 }' "$1"
}
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# PostgreSQL's CPU: the postmaster (with its exited children) and every running backend and worker.
pg_cpu() {
  local pm child sum
  pm=$(head -1 "$work/pg/postmaster.pid")
  sum=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")
  for child in $(ps -o pid= --ppid "$pm"); do
    sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$child/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "n/a" }'; }
certificates() { psql_q "SELECT count(*) FROM certificates"; }
fallbacks() { cat "$work"/node-?."$phase".log | grep -c "shared rate limits unavailable" || true; }

# settle: waits until no more certificates are being recorded (requests still queued in a node when wrk stopped), so
# that the next step starts on idle nodes and a stop does not cut requests short.
settle() {
  local last now
  last=$(certificates)
  for _ in $(seq 1 60); do
    sleep 0.5
    now=$(certificates)
    [ "$now" = "$last" ] && return 0
    last=$now
  done
}

# limit_run NAME: measurements 1 and 2 (the nodes run with that limit). What the limit allowed is counted twice: the 2xx
# wrk read, and the certificates the database recorded from the start on (a request still queued when wrk stopped is
# issued after it; on a busy machine wrk also gives up on a slow answer, a timeout). The bound's t runs from the start
# (PostgreSQL's clock, which the limiter uses) to the last recorded issuance, after which no allowed request was charged.
limit_run() {
  local name=$1 start before n ok refused other allowed=0 total=0 bound last
  load "$WARMUP" "$name.warmup"
  alive "after the warm-up"
  settle
  psql_q "DELETE FROM rate_buckets"
  before=$(certificates)
  start=$(psql_q "SELECT extract(epoch FROM clock_timestamp())")
  load "$LIMIT_SECONDS" "$name"
  alive "after the $name run"
  settle
  for n in A B; do
    ok=$(count "$work/$name.$n" 2xx); refused=$(count "$work/$name.$n" 429); other=$(count "$work/$name.$n" other)
    result[$name,$n]="$ok × 2xx, $refused × 429, $other other"
    allowed=$((allowed + ok)); total=$((total + ok + refused + other))
    echo "[$name] node $n: $ok 2xx, $refused 429, $other other (non-2xx, non-429, wrk socket errors and timeouts)" >&2
  done
  result[$name,issued]=$(psql_q "SELECT count(*) FROM certificates WHERE issued_at >= to_timestamp($start)")
  [ "$(( $(certificates) - before ))" = "${result[$name,issued]}" ] || echo "[$name] certificates recorded since the start: $(( $(certificates) - before )), with issued_at after it: ${result[$name,issued]}" >&2
  last=$(psql_q "SELECT coalesce(extract(epoch FROM max(issued_at)), $start) FROM certificates WHERE issued_at >= to_timestamp($start)")
  result[$name,elapsed]=$(awk -v a="$last" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
  [ "${result[$name,issued]}" -gt "$allowed" ] && allowed=${result[$name,issued]}
  bound=$(awk -v r="$RATE" -v t="${result[$name,elapsed]}" 'BEGIN { printf "%d", 2 * r + r * t }')
  result[$name,allowed]=$allowed
  result[$name,bound]=$bound
  result[$name,offered]=$total
  result[$name,fallbacks]=$(fallbacks)
  if [ "$allowed" -le "$bound" ]; then
    result[$name,verdict]="held: $allowed ≤ $bound"
  else
    result[$name,verdict]="**EXCEEDED**: $allowed > $bound (overshoot $((allowed - bound)))"
  fi
  [ "$total" -gt $((2 * bound)) ] || result[$name,verdict]+="; offered only $total requests, too few to tell one bucket from two"
  [ "${result[$name,fallbacks]}" = 0 ] || result[$name,verdict]+="; **a node fell back to its own buckets** (the database took > 2 s)"
  echo "[$name] allowed $allowed (wrk 2xx or certificates recorded, the larger) of $total in ${result[$name,elapsed]} s; one shared bucket: ≤ $bound; one bucket per node: ≤ $((2 * bound))" >&2
}

# enroll NODE PASSWORD: one curl enrollment as `est`; prints "STATUS RETRY-AFTER".
enroll() {
  curl -s -o /dev/null --cacert "${datadir[A]}/root-ca.pem" -u "est:$2" -H "Content-Type: application/pkcs10" \
    --data-binary "@$work/one.csr" -w '%{http_code} %header{retry-after}' "https://127.0.0.1:${estport[$1]}/.well-known/est/simpleenroll" || echo "curl-failed"
}

lockout_run() {
  local i n answer locked_at sequence=() expected got wait_s
  head -1 "$work/csrs.txt" >"$work/one.csr"
  # The last failure (the K-th) is answered 401 and sets the lock; each later attempt of the pair is 429, even with
  # the right password, until LOCKOUT_SECONDS after that failure.
  for i in $(seq 1 "$MAX_FAILED_LOGINS"); do
    n=$([ $((i % 2)) = 1 ] && echo A || echo B)
    answer=$(enroll "$n" "wrong-$i")
    sequence+=("$i $n wrong $answer")
  done
  locked_at=$(date +%s.%N)
  result[lockout,db]=$(psql_q "SELECT failures || ' failures recorded, locked for ' || round(extract(epoch FROM locked_until - now())) || ' s' FROM login_failures WHERE username = 'est'")
  for n in A B; do sequence+=("+ $n right $(enroll "$n" "$password")"); done
  sequence+=("+ B wrong $(enroll B "wrong-again")")
  wait_s=$(awk -v a="$(date +%s.%N)" -v b="$locked_at" -v l="$LOCKOUT_SECONDS" 'BEGIN { w = l + 1 - (a - b); printf "%.1f", (w > 0 ? w : 0) }')
  sleep "$wait_s"
  for n in B A; do sequence+=("after-lockout $n right $(enroll "$n" "$password")"); done
  echo "[lockout] MaxFailedLogins=$MAX_FAILED_LOGINS LockoutSeconds=$LOCKOUT_SECONDS; attempt node password status retry-after:" >&2
  printf '  %s\n' "${sequence[@]}" >&2
  for n in A B; do
    result[lockout,$n]="wrong: $(printf '%s\n' "${sequence[@]}" | awk -v n="$n" '$2 == n && $3 == "wrong" && $1 ~ /^[0-9]/ { s = s (s ? ", " : "") "#" $1 " " $4 } END { print s }')"
    result[lockout,$n]+="; then right: $(printf '%s\n' "${sequence[@]}" | awk -v n="$n" '$1 == "+" && $2 == n && $3 == "right" { print $4 " (Retry-After " ($5 == "" ? "none" : $5) ")" }')"
    result[lockout,after,$n]=$(printf '%s\n' "${sequence[@]}" | awk -v n="$n" '$1 == "after-lockout" && $2 == n { print $4 }')
  done
  result[lockout,again]=$(printf '%s\n' "${sequence[@]}" | awk '$1 == "+" && $3 == "wrong" { print $4 }')
  expected="$(printf '401 %.0s' $(seq 1 "$MAX_FAILED_LOGINS"))429 429 429 200 200"
  got=$(printf '%s\n' "${sequence[@]}" | awk '{ printf "%s ", $4 }' | sed 's/ $//')
  if [ "$got" = "$expected" ]; then result[lockout,verdict]="held: locked on both after $MAX_FAILED_LOGINS failures in total"; else result[lockout,verdict]="**NOT as expected**: $got (expected $expected)"; fi
}

cost_run() {
  local mode=$1 run n a0 b0 p0 a1 b1 p1 started elapsed okA okB line
  load "$WARMUP" "cost-$mode.warmup"
  alive "after the $mode warm-up"
  settle
  : >"$work/cost-$mode.results"
  for run in $(seq 1 "$RUNS"); do
    a0=$(cpu "${node_pid[A]}"); b0=$(cpu "${node_pid[B]}"); p0=$(pg_cpu)
    started=$(date +%s.%N)
    load "$DURATION" "cost-$mode.$run"
    elapsed=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { print a - b }')
    a1=$(cpu "${node_pid[A]}"); b1=$(cpu "${node_pid[B]}"); p1=$(pg_cpu)
    alive "after $mode run $run"
    okA=$(count "$work/cost-$mode.$run.A" 2xx); okB=$(count "$work/cost-$mode.$run.B" 2xx)
    line=$(awk -v a="$okA" -v b="$okB" -v e="$elapsed" -v da=$((a1 - a0)) -v db=$((b1 - b0)) -v dp=$((p1 - p0)) -v t="$ticks" \
      'BEGIN { printf "rate_a=%.0f rate_b=%.0f rate=%.0f cpu_a=%.3f cpu_b=%.3f cpu_pg=%.3f", a / e, b / e, (a + b) / e,
               a ? da * 1000 / t / a : 0, b ? db * 1000 / t / b : 0, a + b ? dp * 1000 / t / (a + b) : 0 }')
    line+=" failed=$(( $(count "$work/cost-$mode.$run.A" 429) + $(count "$work/cost-$mode.$run.A" other) + $(count "$work/cost-$mode.$run.B" 429) + $(count "$work/cost-$mode.$run.B" other) ))"
    echo "[cost $mode] run $run: $line" >&2
    echo "$line" >>"$work/cost-$mode.results"
  done
  for key in rate_a rate_b rate cpu_a cpu_b cpu_pg failed; do
    result[cost,$mode,$key]=$(grep -o "$key=[0-9.]*" "$work/cost-$mode.results" | cut -d= -f2 | median)
  done
  result[cost,$mode,fallbacks]=$(fallbacks)
}

echo "two nodes on one PostgreSQL ($("$pgbin/postgres" --version | awk '{ print $3 }')); measurements: $MEASUREMENTS; cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
"${LOAD[@]}" gen-csrs --out "$work/csrs.txt" --count "$csr_count" >/dev/null
for measurement in $MEASUREMENTS; do
  case "$measurement" in
    account) start_nodes account Estuary__RateLimits__PerAccountPerSecond="$RATE" Estuary__RateLimits__PerAddressPerSecond=0 ;;
    address) start_nodes address Estuary__RateLimits__PerAccountPerSecond=0 Estuary__RateLimits__PerAddressPerSecond="$RATE" ;;
    lockout) start_nodes lockout Estuary__RateLimits__PerAccountPerSecond=0 Estuary__RateLimits__PerAddressPerSecond=0 \
               Estuary__RateLimits__MaxFailedLogins="$MAX_FAILED_LOGINS" Estuary__RateLimits__LockoutSeconds="$LOCKOUT_SECONDS" ;;
    cost) ;;
    *) echo "unknown measurement $measurement (account address lockout cost)" >&2; exit 2 ;;
  esac
  if [ "$measurement" != cost ]; then
    password=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["est"]["password"])' "${datadir[A]}/initial-credentials.json")
    basic=$(printf 'est:%s' "$password" | base64 -w0)
  fi
  case "$measurement" in
    account | address) limit_run "$measurement" ;;
    lockout) lockout_run ;;
    cost)
      for mode in $COST_MODES; do
        case "$mode" in
          off) limits=(0 0 0) ;;
          rates) limits=("$COST_LIMIT" "$COST_LIMIT" 0) ;;
          all) limits=("$COST_LIMIT" "$COST_LIMIT" 10) ;;
          *) echo "unknown cost mode $mode (off rates all)" >&2; exit 2 ;;
        esac
        start_nodes "cost-$mode" Estuary__RateLimits__PerAddressPerSecond="${limits[0]}" Estuary__RateLimits__PerAccountPerSecond="${limits[1]}" \
          Estuary__RateLimits__MaxFailedLogins="${limits[2]}"
        password=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["est"]["password"])' "${datadir[A]}/initial-credentials.json")
        basic=$(printf 'est:%s' "$password" | base64 -w0)
        cost_run "$mode"
        settle
        stop_nodes "cost-$mode"
      done
      continue ;;
  esac
  settle
  stop_nodes "$measurement"
done

# ---- the table ----
b_folder=unchanged
if ! diff <(cd "${datadir[B]}" && find . -type f -exec sha256sum {} + | sort -k2) "$work/b.files" >"$work/b.diff"; then
  b_folder="**written**: $(grep -c '^<' "$work/b.diff" || true) file(s) new or changed ($(awk '$1 == "<" { print $3 }' "$work/b.diff" | tr '\n' ' ' | sed 's/ $//'))"
fi
echo
echo "two nodes, one PostgreSQL: concurrency=$CONCURRENCY per node, cores=$(nproc), load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "| measurement | node A | node B | both | expected |"
echo "| --- | --- | --- | --- | --- |"
for name in account address; do
  [ -n "${result[$name,allowed]:-}" ] || continue
  label=$([ "$name" = account ] && echo "per-account limit" || echo "per-address limit")
  printf '| %s %s/s, wrk on both nodes for %s s (t = %s s to the last issuance) | %s | %s | %s allowed of %s requests (%s certificates recorded); fallbacks to node buckets logged: %s | one shared bucket ≤ 2 × %s + %s × t = %s (one bucket per node: ≤ %s): %s |\n' \
    "$label" "$RATE" "$LIMIT_SECONDS" "${result[$name,elapsed]}" "${result[$name,A]}" "${result[$name,B]}" "${result[$name,allowed]}" "${result[$name,offered]}" \
    "${result[$name,issued]}" "${result[$name,fallbacks]}" "$RATE" "$RATE" "${result[$name,bound]}" "$((2 * result[$name,bound]))" "${result[$name,verdict]}"
done
if [ -n "${result[lockout,verdict]:-}" ]; then
  printf '| lockout: %s wrong passwords alternating A, B | %s | %s | %s; a further wrong password: %s | right password 429 on both: %s |\n' \
    "$MAX_FAILED_LOGINS" "${result[lockout,A]}" "${result[lockout,B]}" "${result[lockout,db]}" "${result[lockout,again]}" "${result[lockout,verdict]}"
  printf '| lockout: right password %s s after the last failure | %s | %s | | 200 on both |\n' "$((LOCKOUT_SECONDS + 1))" "${result[lockout,after,A]}" "${result[lockout,after,B]}"
fi
for mode in $COST_MODES; do
  [ -n "${result[cost,$mode,rate]:-}" ] || continue
  case "$mode" in
    off) what="limits off (all 0)" ;;
    rates) what="address + account buckets of $COST_LIMIT/s" ;;
    all) what="buckets + lockout (MaxFailedLogins 10)" ;;
  esac
  printf '| cost, %s: enrollments/s; CPU ms/enrollment | %s/s; %s ms | %s/s; %s ms | %s/s; PostgreSQL %s ms per enrollment; failed %s; fallbacks %s | medians of %s × %s s |\n' "$what" \
    "${result[cost,$mode,rate_a]}" "${result[cost,$mode,cpu_a]}" "${result[cost,$mode,rate_b]}" "${result[cost,$mode,cpu_b]}" \
    "${result[cost,$mode,rate]}" "${result[cost,$mode,cpu_pg]}" "${result[cost,$mode,failed]}" "${result[cost,$mode,fallbacks]}" "$RUNS" "$DURATION"
done
survived=1
bad=()
for p in "${phases[@]}"; do
  for n in A B; do
    [ "${result[$p,stop,$n]:-}" = "alive; exit 0 on SIGTERM" ] || { survived=0; bad+=("$p/$n: ${result[$p,stop,$n]:-not stopped}"); }
  done
done
if [ "$survived" = 1 ]; then stops="all alive; exit 0 on SIGTERM"; else stops=$(IFS=';'; echo "${bad[*]}"); fi
printf '| nodes after each measurement (%s) | | | %s | alive; exit 0 on SIGTERM |\n' "${phases[*]}" "$stops"
printf "| node B's data folder (a read-only copy of A's) | | | %s | unchanged |\n" "$b_folder"
[ "$survived" = 1 ] || { echo "a node did not survive a measurement cleanly (folder kept: $work)" >&2; KEEP=1; exit 1; }
