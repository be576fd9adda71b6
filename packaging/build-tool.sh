#!/usr/bin/env bash
# Builds the `estuary` client as a dotnet tool package, Estuary.Cli.VERSION.nupkg (framework-dependent: it
# needs the .NET 10 runtime and ASP.NET Core runtime on the machine). Install it with
#   dotnet tool install --global --add-source DIR Estuary.Cli --version VERSION
#
# Usage: packaging/build-tool.sh [--out DIR] [--no-build] [VERSION]
#   --out DIR    where the .nupkg goes (default: $ESTUARY_ARTIFACTS, else artifacts/ in the repository)
#   --no-build   pack what `dotnet build -c Release` already built
#   VERSION      e.g. 1.2.0 or 1.2.0~rc1, the .deb's spelling (default: 0.0.0~git<commit time>.g<commit>);
#                NuGet gets 1.2.0-rc1
# Prints the path of the .nupkg on the last line.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=version.sh
source "$here/version.sh"

usage() { sed -n '6,11s/^# \{0,1\}//p' "$0"; }
out=${ESTUARY_ARTIFACTS:-$root/artifacts}
version=
build=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || { echo "build-tool.sh: --out needs a folder" >&2; exit 2; }; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    --no-build) build=(--no-build); shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "build-tool.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$version" ] || { echo "build-tool.sh: one VERSION only (see --help)" >&2; exit 2; }; version=$1; shift ;;
  esac
done
version=${version:-$(default_version "$root")}
check_version "$version" build-tool.sh
command -v dotnet >/dev/null || { echo "build-tool.sh: dotnet is not installed" >&2; exit 2; }
nuget=$(nuget_version "$version")

mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "build-tool.sh: packing Estuary.Cli $nuget" >&2
# PackAsTool, ToolCommandName and PackageId are in src/Estuary.Cli/Estuary.Cli.csproj; the version goes in as an
# environment variable, read by that project only.
ESTUARY_VERSION=$nuget dotnet pack "$root/src/Estuary.Cli" -c Release "${build[@]}" -o "$out" --nologo -v quiet >&2
echo "$out/Estuary.Cli.$nuget.nupkg"
