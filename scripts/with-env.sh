#!/usr/bin/env bash
# Run a command with the project's tools on PATH and Pulumi pointed at the local backend.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SS_ROOT"
exec "$@"
