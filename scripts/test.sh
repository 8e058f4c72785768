#!/usr/bin/env bash
# Runs every test project and prints one closing line: "N passed, N failed, N skipped".
# Tests start their own servers (a throwaway PostgreSQL, the librdkafka mock broker, the AWS emulators);
# scripts/install-deps.sh installs what they need.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

results_dir="$(pwd)/artifacts/test-results"
rm -rf "$results_dir"; mkdir -p "$results_dir"

if ! dotnet build Sequin.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
broken=()
for proj in tests/*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results_dir" \
    --blame-hang-timeout 20m || { status=1; broken+=("$name"); }
done

python3 - "$results_dir" "${broken[@]}" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
# A project whose run failed without a failed test (aborted, a crashed or hung test host) counts as one failure.
for name in sys.argv[2:]:
    trx = os.path.join(sys.argv[1], name + ".trx")
    c = ET.parse(trx).getroot().find(".//{*}ResultSummary/{*}Counters") if os.path.exists(trx) else None
    if c is None or int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) == 0:
        print(f"{name}: the test run failed without a failed test (aborted: see its output above)")
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
py=$?
[ $py -ne 0 ] && status=1
exit $status
