#!/usr/bin/env bash
# npm run up: everything from a fresh clone to a verified dev stack.
# setup (npm deps + tools, cached) -> MinIO -> pulumi up (dev) -> verify.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ "${1:-}" == "--help" ]] && { echo "Usage: npm run up  (setup, start MinIO, deploy the dev stack, verify it)"; exit 0; }
start=$(date +%s)
bash scripts/setup.sh
bash scripts/services.sh start minio
bash scripts/pulumi.sh up --stack dev
bash scripts/with-env.sh tsx checks/cli.ts --stack dev
echo "npm run up: dev stack deployed and verified in $(( $(date +%s) - start ))s"
