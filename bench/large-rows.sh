#!/usr/bin/env bash
# Peak memory of the real `sequin run` process under rows far larger than its buffer budget (issue 29 item 4):
#   bash bench/large-rows.sh                      # one 100 MB text row, then eight in one transaction, max_memory_mb: 128
#   ROW_MB=20 ROWS=8 bash bench/large-rows.sh     # other sizes
# Builds the host (Release, HOST_BUILD=publish for the published ReadyToRun build), starts a throwaway PostgreSQL 15,
# runs `sequin run` with two sinks (stdout to two files), and reads the process's VmHWM (peak RSS) and
# VmRSS from /proc/<pid>/status: at start, after the single row, after the transaction, and 15 s later (what is kept).
# The peak is reset (/proc/<pid>/clear_refs) before each phase. Prints one markdown table. KEEP=1 keeps .local/large-rows.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.local/large-rows"
row_mb=${ROW_MB:-100}
rows=${ROWS:-8}
budget_mb=${MAX_MEMORY_MB:-128}
cap_mb=${CAP_MB:-8000}   # the host is stopped if its RSS passes this (the machine is shared); the row then reads "> cap"
capped=""

rm -rf "$work"; mkdir -p "$work"

if [ "${HOST_BUILD:-jit}" = publish ]; then
  rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
  dotnet publish src/Sequin.Host -c Release -r "$rid" --self-contained false -o "$work/host" -nologo -clp:ErrorsOnly -v:q
  host_dll="$work/host/sequin.dll"
else
  dotnet build src/Sequin.Host -c Release -nologo -clp:ErrorsOnly -v:q
  host_dll="$root/src/Sequin.Host/bin/Release/net10.0/sequin.dll"
fi

source scripts/lib/throwaway-pg.sh
pg_start "$work/pg" "max_wal_size = 8GB"
pid=""
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  pg_stop "$work/pg"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d bench -Atc "$1"; }
psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "create database bench" >/dev/null
sql "create table big (id int primary key, body text); create publication big_pub for table big" >/dev/null
sql "select pg_create_logical_replication_slot('big_slot', 'pgoutput')" >/dev/null

out="$work/sink.jsonl"
cat > "$work/sequin.yaml" <<YAML
databases:
  - name: bench
    hostname: 127.0.0.1
    port: $port
    database: bench
    username: postgres
    slot: { name: big_slot }
    publication: { name: big_pub }
sinks:
  - name: to-file
    database: bench
    max_memory_mb: $budget_mb
    destination: { type: stdout, path: "$out" }
  - name: to-second-file
    database: bench
    max_memory_mb: $budget_mb
    destination: { type: stdout, path: "$work/second.jsonl" }
YAML

Logging__LogLevel__Default=Warning dotnet "$host_dll" run --config "$work/sequin.yaml" >"$work/host.log" 2>&1 &
pid=$!
status() { awk -v k="$1:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
lines() { [ -f "$out" ] && wc -l < "$out" || echo 0; }
wait_for() { # wait_for <lines> <seconds>
  local deadline=$((SECONDS + $2))
  while [ "$(lines)" -lt "$1" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "sequin run exited:"; cat "$work/host.log"; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $1 lines (have $(lines))"; cat "$work/host.log"; exit 1; }
    if [ "$(status VmRSS)" -gt "$cap_mb" ]; then capped="yes"; return; fi
    sleep 0.2
  done
}
until [ "$(sql "select active from pg_replication_slots where slot_name = 'big_slot'")" = t ]; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/host.log"; exit 1; }
  sleep 0.2
done
sleep 2
start_hwm=$(status VmHWM); start_rss=$(status VmRSS)

echo 5 > "/proc/$pid/clear_refs"
t0=$SECONDS
sql "insert into big select 0, repeat('x', $row_mb * 1024 * 1024)"
wait_for 1 600
one_s=$((SECONDS - t0)); one_hwm=$(status VmHWM); one_rss=$(status VmRSS)

echo 5 > "/proc/$pid/clear_refs"
t0=$SECONDS
sql "insert into big select g, repeat(chr(97 + g % 26), $row_mb * 1024 * 1024) from generate_series(1, $rows) g"
wait_for $((rows + 1)) 1800
many_s=$((SECONDS - t0)); many_hwm=$(status VmHWM); many_rss=$(status VmRSS)
if [ -n "$capped" ]; then
  many_hwm="> $cap_mb (stopped after $(lines) lines)"; kill "$pid"; after_rss="-"
else
  sleep 15
  after_rss=$(status VmRSS)
fi
bytes=$(stat -c %s "$out")

cat <<REPORT

| $(date -u +%Y-%m-%d) $(git rev-parse --short HEAD 2>/dev/null || echo "${COMMIT:-unknown}") | max_memory_mb | VmHWM (MB) | VmRSS (MB) | time |
| --- | ---: | ---: | ---: | ---: |
| started, idle | $budget_mb | $start_hwm | $start_rss | |
| one ${row_mb} MB row | $budget_mb | $one_hwm | $one_rss | ${one_s} s |
| ${rows} × ${row_mb} MB rows in one transaction | $budget_mb | $many_hwm | $many_rss | ${many_s} s |
| 15 s later | | | $after_rss | |

Output file: $bytes bytes in $(lines) lines. Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg).
REPORT
