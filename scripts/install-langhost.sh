#!/usr/bin/env bash
# scripts/install-langhost.sh [--official-only] BIN_DIR VERSION
# Puts the Pulumi Node.js language host and the Node.js launchers the CLI release ships next to
# `pulumi` in BIN_DIR, so the CLI finds them as bundled plugins (no "using ... from $PATH").
#   1. An official `pulumi` VERSION on PATH that has its own host: BIN_DIR links to that install.
#   2. Otherwise pulumi-language-nodejs is built from ../shared/vendor (or LANGHOST_SRC) in a temp
#      dir and moved into place only once it runs and reports VERSION.
# --official-only: step 1 only; exits 1 when there is no such install (setup then builds the CLI).
# Idempotent; on failure prints one line naming the build log and leaves BIN_DIR as it was.
set -euo pipefail
official_only=false
[[ "${1:-}" == --official-only ]] && { official_only=true; shift; }
BIN="${1:?usage: install-langhost.sh BIN_DIR VERSION}"
VERSION="${2:?usage: install-langhost.sh BIN_DIR VERSION}"
HERE="$(cd "$(dirname "$0")" && pwd)"
SRC="${LANGHOST_SRC:-$HERE/../../shared/vendor/pulumi-language-nodejs}"
LOG="${LANGHOST_LOG:-$(dirname "$BIN")/../../logs/build-pulumi-language-nodejs.log}"
HOST=pulumi-language-nodejs
fail() { echo "setup: $*" >&2; exit 1; }

host_version() { "$1" -version 2>/dev/null | tr -d '\r' || true; }

# The launchers the official release ships beside the CLI. They resolve @pulumi/* from the working
# directory the engine starts them in (the project, or the policy pack inside it), so one tool dir
# serves every clone.
write_launchers() {
  local dir="$1"
  # A provider holds admin credentials in its environment: when the CLI that started it dies
  # (kill -9), it must not live on as an orphan of pid 1. One watcher for both hosts: the project's
  # own plugin uses the same file where it lies.
  cp "$HERE/../provider/bin/parent-watch.cjs" "$dir/parent-watch.cjs"
  cat >"$dir/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
# Dynamic-provider host, resolved from the project the engine runs in; exits with its CLI.
SS_PARENT_PID=$PPID exec node --require "$(dirname "$0")/parent-watch.cjs" \
  "$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")" "$@"
SH
  cat >"$dir/pulumi-analyzer-policy" <<'SH'
#!/bin/sh
# Policy-pack host for Node.js packs, resolved from the pack's directory.
exec node "$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))")" "$@"
SH
  cp "$dir/pulumi-analyzer-policy" "$dir/pulumi-analyzer-policy-nodejs"
  chmod 755 "$dir/pulumi-resource-pulumi-nodejs" "$dir/pulumi-analyzer-policy" "$dir/pulumi-analyzer-policy-nodejs"
}

if [[ -x "$BIN/$HOST" && "$(host_version "$BIN/$HOST")" == "$VERSION" ]]; then
  if [[ -L "$BIN/pulumi" ]]; then
    echo "    pulumi $VERSION: official install ($(dirname "$(readlink -f "$BIN/pulumi")"))"
  else
    $official_only && exit 1
    echo "    $HOST: cached ($BIN)"
  fi
  write_launchers "$BIN" # cheap, and a changed launcher reaches every cache
  exit 0
fi

# 1. An official install of the same version, with its own host next to it.
while IFS= read -r cli; do
  real="$(readlink -f "$cli")"
  [[ "$real" == "$(readlink -f "$BIN")/pulumi" ]] && continue
  dir="$(dirname "$real")"
  [[ -x "$dir/$HOST" ]] || continue
  [[ "$("$real" version 2>/dev/null)" == "$VERSION" && "$(host_version "$dir/$HOST")" == "$VERSION" ]] || continue
  mkdir -p "$BIN"
  for f in "$dir"/pulumi*; do ln -sfn "$f" "$BIN/$(basename "$f")"; done
  # Our launchers, not the release's: ours exit with the CLI (parent-watch.cjs).
  rm -f "$BIN/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-analyzer-policy" "$BIN/pulumi-analyzer-policy-nodejs"
  write_launchers "$BIN"
  echo "    pulumi $VERSION: using the official install at $dir (with its $HOST)"
  exit 0
done < <(type -ap pulumi 2>/dev/null || true)
$official_only && exit 1

# 2. Build from source.
command -v go >/dev/null || fail "go is not installed: the Go toolchain is needed to build $HOST (https://go.dev/dl)"
mkdir -p "$BIN" "$(dirname "$LOG")"
tmp="$(mktemp -d "$BIN/../.build-$HOST.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "==> building $HOST $VERSION (first time only, ~3 min; log: $LOG)"
if ! bash "$SRC/build.sh" "$tmp" >"$LOG" 2>&1; then
  fail "building $HOST failed; see $LOG"
fi
got="$(host_version "$tmp/$HOST")"
[[ "$got" == "$VERSION" ]] || fail "built $HOST reports version '${got:-none}', expected $VERSION; see $LOG"
write_launchers "$tmp"
for f in "$tmp"/*; do mv -f "$f" "$BIN/"; done
echo "    $HOST: built in $(( $(date +%s) - start ))s"
