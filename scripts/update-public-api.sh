#!/usr/bin/env bash
# Records the current public API of every library package in its PublicAPI.Unshipped.txt.
#
# The build fails when a public symbol is added (RS0016) or removed (RS0017) without updating PublicAPI.*.txt next to
# the project (Microsoft.CodeAnalysis.PublicApiAnalyzers). After an intended API change, run this script, then review
# the diff of the PublicAPI files as part of the change: it is the API change a user of the packages will see.
# Added symbols are appended to PublicAPI.Unshipped.txt; removed ones are deleted from it (a symbol removed from
# PublicAPI.Shipped.txt is a breaking change and is only reported: mark it *REMOVED* there by hand).
#
#   bash scripts/update-public-api.sh [project.csproj ...]     (default: every project with a PublicAPI.Unshipped.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v jq >/dev/null || { echo "update-public-api: jq is required (apt-get install jq)" >&2; exit 1; }

projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  mapfile -t projects < <(find src -name PublicAPI.Unshipped.txt -printf '%h\n' | sort | while read -r d; do ls "$d"/*.csproj; done)
fi

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  name=$(basename "$project" .csproj)
  sarif="$log_dir/$name.sarif"
  # The build reports the differences as warnings here (not errors) so that one run sees all of them.
  dotnet build "$project" -c Release -nologo -v quiet -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
    "-p:ErrorLog=$sarif%2Cversion=2.1" --no-dependencies --no-incremental >/dev/null || true
  [ -s "$sarif" ] || { echo "update-public-api: $name did not build; fix the build first" >&2; exit 1; }
  unshipped="$dir/PublicAPI.Unshipped.txt"
  added=$(jq -r '[.runs[].results[] | select(.ruleId=="RS0016") | .properties.customProperties.APIName] | unique | .[]' "$sarif")
  removed=$(jq -r '[.runs[].results[] | select(.ruleId=="RS0017") | .properties.customProperties.APIName] | unique | .[]' "$sarif")
  grep -v '^#nullable enable$' "$unshipped" > "$log_dir/api.txt" || true
  if [ -n "$removed" ]; then
    grep -vxF -f <(printf '%s\n' "$removed") "$log_dir/api.txt" > "$log_dir/kept.txt" || true
    mv "$log_dir/kept.txt" "$log_dir/api.txt"
  fi
  if [ -n "$added" ]; then printf '%s\n' "$added" >> "$log_dir/api.txt"; fi
  sed -i '/^$/d' "$log_dir/api.txt"
  LC_ALL=C sort -u -o "$log_dir/api.txt" "$log_dir/api.txt"
  { echo '#nullable enable'; cat "$log_dir/api.txt"; } > "$unshipped"
  shipped_removed=$(printf '%s\n' "$removed" | grep -xF -f <(grep -v '^#' "$dir/PublicAPI.Shipped.txt" || true) || true)
  echo "$name: $(printf '%s' "$added" | grep -c . || true) added, $(printf '%s' "$removed" | grep -c . || true) removed"
  [ -z "$shipped_removed" ] || printf '  removed from PublicAPI.Shipped.txt (breaking; mark *REMOVED* by hand):\n%s\n' "$shipped_removed"
done
