#!/usr/bin/env bash
# Cost per request of the abuse limits shared in PostgreSQL (docs/BENCHMARKS.md, "Shared limits"), with pgbench
# against a throwaway cluster on loopback TCP (as the nodes connect), the schema applied by `estuary db migrate`.
#   bench/shared-limits.sh            (about 40 s: four 5 s runs at 1 and 16 clients, one 10 s overshoot run)
# Environment: DURATION seconds per run (5), CLIENTS (16).
# What one transaction is (keys as the server makes them, with / for : because pgbench reads :name as a variable):
#   take-two   estuary_take_tokens over an address and an account bucket (an EST request with HTTP Basic), random keys
#   take-hot   the same, every client on ONE account (all nodes' requests for one busy account: one row, locked in turn)
#   login-ok   the lockout check plus the DELETE of a success (what a successful Basic login adds)
#   overshoot  one bucket of 100/s (burst 200) hammered by CLIENTS clients for 10 s; allowed must be <= 200 + 100 x seconds
set -euo pipefail
DURATION=${DURATION:-5}
CLIENTS=${CLIENTS:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/estuary-limits.XXXXXX)
chmod 755 "$work"
pgport=$((20000 + RANDOM % 20000))
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -f "$work/pg/postmaster.pid" ]; then as_postgres "$bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null || true; fi
  rm -rf "$work"
}
trap '[ -s "$work/pgbench.err" ] && cat "$work/pgbench.err" >&2; cleanup' EXIT

dotnet build -c Release "$root/src/Estuary.Cli" -v q -nologo >/dev/null
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
as_postgres "$bin/initdb" -D "$work/pg" -U postgres -A trust --no-sync >/dev/null
as_postgres "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
dotnet "$root/src/Estuary.Cli/bin/Release/net10.0/estuary.dll" db migrate --provider postgres \
  --connection-string "Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"

cat >"$work/take-two.sql" <<'SQL'
\set n random(1, 100000)
SELECT estuary_take_tokens(ARRAY['est-address/10.0.' || (:n)::text, 'est-account/device-' || (:n)::text], ARRAY[interval '5 ms', interval '10 ms'], ARRAY[interval '1995 ms', interval '1990 ms']);
SQL
cat >"$work/take-hot.sql" <<'SQL'
\set n random(1, 100000)
SELECT estuary_take_tokens(ARRAY['est-address/10.0.' || (:n)::text, 'est-account/busy'], ARRAY[interval '5 ms', interval '10 ms'], ARRAY[interval '1995 ms', interval '1990 ms']);
SQL
cat >"$work/login-ok.sql" <<'SQL'
\set n random(1, 100000)
SELECT locked_until - now() FROM login_failures WHERE username = 'device-' || (:n)::text AND address = '10.0.0.1' AND locked_until > now();
DELETE FROM login_failures WHERE username = 'device-' || (:n)::text AND address = '10.0.0.1';
SQL
cat >"$work/overshoot.sql" <<'SQL'
SELECT estuary_take_tokens(ARRAY['est-account/hammered'], ARRAY[interval '10 ms'], ARRAY[interval '1990 ms']) IS NULL AS ok \gset
\if :ok
UPDATE allowed SET n = n + 1;
\endif
SQL

pg=(-h 127.0.0.1 -p "$pgport" -U postgres postgres)
run() { # script clients (pgbench errors: the script stops and prints them)
  as_postgres "$bin/pgbench" -n -M prepared -f "$work/$1.sql" -c "$2" -j 2 -T "$DURATION" "${pg[@]}" 2>"$work/pgbench.err" |
    awk -v s="$1" -v c="$2" '/latency average/ {lat=$4} /^tps/ {tps=$3} END {printf "%-10s clients %-3s  %8.0f tx/s  %6.3f ms average latency\n", s, c, tps, lat}'
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for script in take-two take-hot login-ok; do
  run "$script" 1
  run "$script" "$CLIENTS"
done

as_postgres "$bin/psql" -q "${pg[@]}" -c "CREATE UNLOGGED TABLE allowed (n integer NOT NULL); INSERT INTO allowed VALUES (0);"
start=$(date +%s.%N)
as_postgres "$bin/pgbench" -n -M prepared -f "$work/overshoot.sql" -c "$CLIENTS" -j 2 -T 10 "${pg[@]}" >/dev/null 2>&1
end=$(date +%s.%N)
allowed=$(as_postgres "$bin/psql" -tA "${pg[@]}" -c "SELECT n FROM allowed")
awk -v a="$allowed" -v s="$start" -v e="$end" 'BEGIN {
  t = e - s; bound = 200 + 100 * t
  printf "overshoot  100/s, burst 200, %.1f s: allowed %d, a token bucket allows at most %d (overshoot %d)\n", t, a, bound, (a > bound ? a - bound : 0) }'
