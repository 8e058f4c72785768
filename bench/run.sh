#!/usr/bin/env bash
# End-to-end benchmark, one command from a fresh clone (after `bash scripts/install-deps.sh`):
#   bash bench/run.sh                 # 1,000,000 changes (~200 B rows) + 200,000 (~1.6 KB rows) + 100,000 one-change
#                                     # transactions + the real `sequin run` process + 30 s latency runs at 1/4 and 1/2
#   bash bench/run.sh --changes 100000 --latency-seconds 10    # a quick run
# Builds Release, starts a throwaway PostgreSQL 15 (wal_level=logical, fsync off), then runs
# bench/Sequin.Benchmarks.EndToEnd, which writes the workload, measures the pg_recvlogical ceiling and each sink (Kafka on
# librdkafka's mock cluster, in a child process), and writes a markdown report to bench/results/<UTC time>.md (also printed).
# Any other argument is passed on (see bench/README.md). Everything else lives under .local/bench and is removed at the end (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.local/bench"
rm -rf "$work"; mkdir -p "$work" "$root/bench/results"

echo "== building (Release)"
dotnet build bench/Sequin.Benchmarks.EndToEnd -c Release -nologo -clp:ErrorsOnly -v:q
bench_dll="$root/bench/Sequin.Benchmarks.EndToEnd/bin/Release/net10.0/Sequin.Benchmarks.EndToEnd.dll"
# The real `sequin run` process scenario runs the host as a server deploys it: published for this machine's runtime
# (ReadyToRun, see src/Sequin.Host/Sequin.Host.csproj), with its plugins/ folder. HOST_BUILD=jit runs the plain build.
if [ "${HOST_BUILD:-publish}" = jit ]; then
  dotnet build src/Sequin.Host -c Release -nologo -clp:ErrorsOnly -v:q
  host_dll="$root/src/Sequin.Host/bin/Release/net10.0/sequin.dll"
else
  rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
  dotnet publish src/Sequin.Host -c Release -r "$rid" --self-contained false -o "$work/host" -nologo -clp:ErrorsOnly -v:q
  host_dll="$work/host/sequin.dll"
fi

source scripts/lib/throwaway-pg.sh
pg_start "$work/pg" "max_wal_size = 8GB
shared_buffers = 512MB"

cleanup() {
  pg_stop "$work/pg"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# Kafka: librdkafka's mock cluster (from the librdkafka.redist package), in a child process the benchmark starts.
kafka_args=(--kafka mock)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
report="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ).md"
echo "== running the benchmark (report: $report)"
dotnet "$bench_dll" --pg-port "$port" "${kafka_args[@]}" --work "$work/run" --commit "$commit" --host "$host_dll" --report "$report" "$@"
