#!/usr/bin/env bash
# npm test: setup (idempotent), start the local services it needs, typecheck, run every test
# (unit, checks, toolchain, e2e against the real CLI and MinIO), lint workflows, then stop
# only the services this run started.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: npm test [-- <vitest filters>]
  Sets up (cached), starts the local services that are not running (MinIO, HTTPS MinIO, Azurite,
  fake-gcs-server), typechecks, lints the workflows, runs every test, and stops what it started.
  Filters go to vitest, e.g. npm test -- test/unit
USAGE
  exit 0
fi
bash scripts/setup.sh
source scripts/env.sh
started=()
for svc in minio minio-tls azurite gcs; do
  if ! bash scripts/services.sh status "$svc" | grep -q running; then
    bash scripts/services.sh start "$svc"
    started+=("$svc")
  fi
done
cleanup() { [[ ${#started[@]} -gt 0 ]] && bash scripts/services.sh stop "${started[@]}" >/dev/null || true; }
trap cleanup EXIT
echo "==> typecheck"
tsc -p tsconfig.json --noEmit
if compgen -G ".github/workflows/*.yml" >/dev/null; then
  echo "==> actionlint"
  actionlint .github/workflows/*.yml
fi
echo "==> vitest"
vitest run "$@"
