# Sourced by build-deb.sh and build-tool.sh: the package version when none is given, and its NuGet spelling.
# Default: 0.0.0~git<commit time>.g<commit>, which sorts below any release (the ~) and rises with each commit.

# default_version REPO_ROOT
default_version() {
  local stamp commit
  if stamp=$(git -C "$1" log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S 2>/dev/null) &&
     commit=$(git -C "$1" rev-parse --short=7 HEAD 2>/dev/null); then
    echo "0.0.0~git${stamp}.g${commit}"
  else
    echo "0.0.0~local"
  fi
}

# check_version VERSION SCRIPT: a Debian upstream version that NuGet can also read, or one line and exit 2.
check_version() {
  if ! [[ $1 =~ ^[0-9]+(\.[0-9]+){0,3}([~-][0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$ ]]; then
    echo "$2: version '$1' is not of the form 1.2.3 or 1.2.3~rc1 (digits and dots, then optionally ~ or - and letters, digits, dots)" >&2
    exit 2
  fi
}

# nuget_version VERSION: Debian's ~ (sorts before the release) is SemVer's - (a pre-release).
nuget_version() {
  echo "${1/\~/-}"
}
