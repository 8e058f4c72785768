#!/usr/bin/env bash
# End-to-end benchmark, one command from a fresh clone (after `bash scripts/install-deps.sh`):
#   bash bench/run.sh                 # 1,000,000 changes (~200 B rows) + 200,000 (~1.6 KB rows) + 30 s latency run
#   bash bench/run.sh --changes 100000 --latency-seconds 10    # a quick run
# Builds Release, starts a throwaway PostgreSQL 15 (wal_level=logical, fsync off) and the librdkafka mock broker,
# then runs bench/Sequin.Benchmarks.EndToEnd, which writes the workload, measures the pg_recvlogical ceiling and each
# sink, and writes a markdown report to bench/results/<UTC time>.md (also printed). Any other argument is passed on
# (see bench/README.md). Everything else lives under .local/bench and is removed at the end (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.local/bench"
rm -rf "$work"; mkdir -p "$work" "$root/bench/results"

echo "== building (Release)"
dotnet build bench/Sequin.Benchmarks.EndToEnd -c Release -nologo -clp:ErrorsOnly -v:q
bench_dll="$root/bench/Sequin.Benchmarks.EndToEnd/bin/Release/net10.0/Sequin.Benchmarks.EndToEnd.dll"

source scripts/lib/throwaway-pg.sh
pg_start "$work/pg" "max_wal_size = 8GB
shared_buffers = 512MB"

mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  pg_stop "$work/pg"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

kafka_args=()
if [ -e /usr/include/librdkafka/rdkafka_mock.h ]; then
  echo "== starting the librdkafka mock Kafka broker"
  gcc -O2 -o "$work/kafka-mock" tests/Sequin.TestServers/native/kafka-mock.c -lrdkafka -include stdlib.h
  mkfifo "$work/mock.in"
  "$work/kafka-mock" 1 <"$work/mock.in" >"$work/mock.out" 2>"$work/mock.err" &
  mock_pid=$!
  exec 3>"$work/mock.in"   # keep its stdin open; it stops at end of input
  for _ in $(seq 1 100); do grep -q '^BOOTSTRAP ' "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
  bootstrap=$(sed -n 's/^BOOTSTRAP //p' "$work/mock.out" | head -1)
  [ -n "$bootstrap" ] || { echo "the Kafka mock did not start:"; cat "$work/mock.err"; exit 1; }
  kafka_args=(--kafka "$bootstrap")
else
  echo "== librdkafka-dev missing: Kafka is skipped (run scripts/install-deps.sh)"
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
report="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ).md"
echo "== running the benchmark (report: $report)"
dotnet "$bench_dll" --pg-port "$port" "${kafka_args[@]}" --work "$work/run" --commit "$commit" --report "$report" "$@"
