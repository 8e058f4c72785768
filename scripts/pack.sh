#!/usr/bin/env bash
# Packs every package of the repository into one folder: the libraries (Sequin.Core, Sequin.Hosting), the sinks
# (Sequin.Sinks.*), and the `sequin` tool (Sequin.Host, with its plugins/ folder), each with its .snupkg symbols, and the
# `dotnet new` templates (Sequin.Templates: sequin-sink), all at the one version set in Directory.Build.props.
#
#   bash scripts/pack.sh [FOLDER]        # default: artifacts/packages
#
# Then: dotnet tool install Sequin.Host --tool-path ~/.sequin --add-source FOLDER   (docs/how-to/install-from-packages.md)
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-artifacts/packages}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/Sequin.*.nupkg "$out"/Sequin.*.snupkg

# One project at a time: every src project is a package (tests, benchmarks and samples are not).
for proj in src/*/*.csproj; do
  echo "== pack $(basename "$proj" .csproj)"
  # ContinuousIntegrationBuild: deterministic source paths in the PDBs, mapped by SourceLink to the commit's sources.
  dotnet pack "$proj" -c Release -o "$out" -nologo -clp:ErrorsOnly -nodeReuse:false \
    -p:ContinuousIntegrationBuild=true
done

# The template package (templates/Sequin.Templates): content only, no symbols.
for proj in templates/*/*.csproj; do
  echo "== pack $(basename "$proj" .csproj)"
  dotnet pack "$proj" -c Release -o "$out" -nologo -clp:ErrorsOnly -nodeReuse:false
done

# A restore takes a package from the NuGet cache (~/.nuget/packages, or $NUGET_PACKAGES) whenever the cache has its id
# and version, without looking at the folder: drop this version's Sequin packages from the cache, so that the next
# restore takes what was just packed rather than an earlier pack of the same version.
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)"
cache="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')}"
for proj in src/*/*.csproj; do
  id="$(basename "$proj" .csproj | tr '[:upper:]' '[:lower:]')"
  rm -rf "${cache%/}/$id/$version"
  if [ -d "${cache%/}/$id" ]; then rmdir --ignore-fail-on-non-empty "${cache%/}/$id"; fi
done

echo "== packages in $out (version $version)"
(cd "$out" && ls -1 Sequin.*.nupkg Sequin.*.snupkg)
echo "Templates: dotnet new install $out/Sequin.Templates.$version.nupkg"

