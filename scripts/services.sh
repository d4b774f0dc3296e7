#!/usr/bin/env bash
# npm run services -- start|stop|status [minio|azurite|gcs ...]
# Local stand-ins for the clouds, on loopback only: MinIO (S3 API, SSE via a single-key KMS),
# Azurite (Blob) and fake-gcs-server. Stops only the processes it started (pid files in .local/run).
# A process that is alive but does not answer its health URL (hung, stopped, shutting down) is not
# "running": status says "unhealthy" and start replaces it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SS_ROOT"

MINIO_PORT="${MINIO_PORT:-9000}"
MINIO_TLS_PORT="${MINIO_TLS_PORT:-9443}"
AZURITE_PORT="${AZURITE_PORT:-10000}"
GCS_PORT="${GCS_PORT:-4443}"
# Tests point these at their own directories so their services never touch the shared ones.
RUN="${SERVICES_RUN_DIR:-$SS_LOCAL/run}"
DATA="${SERVICES_DATA_DIR:-$SS_LOCAL/data}"
HEALTH_SECONDS="${SERVICES_HEALTH_SECONDS:-5}"
ALL=(minio minio-tls azurite gcs)

usage() {
  cat <<USAGE
Usage: npm run services -- <start|stop|status> [minio|minio-tls|azurite|gcs ...]
  minio      S3 API on http://127.0.0.1:$MINIO_PORT (root credentials and KMS key from .local/minio.env)
  minio-tls  the same over HTTPS on https://127.0.0.1:$MINIO_TLS_PORT, certificate from the private CA in .local/tls/ca.pem
  azurite  Azure Blob on http://127.0.0.1:$AZURITE_PORT
  gcs      fake-gcs-server on http://127.0.0.1:$GCS_PORT
Logs and pid files live in .local/run/, data in .local/data/.
A service whose process is alive but does not answer its health URL within $HEALTH_SECONDS s is
reported "unhealthy" by status, and start stops it and starts a fresh one.
Environment: MINIO_PORT, MINIO_TLS_PORT, AZURITE_PORT, GCS_PORT; SERVICES_RUN_DIR and
SERVICES_DATA_DIR (pid/log and data directories); SERVICES_HEALTH_SECONDS (default 5).
USAGE
}

port_of() { case "$1" in minio) echo "$MINIO_PORT" ;; minio-tls) echo "$MINIO_TLS_PORT" ;; azurite) echo "$AZURITE_PORT" ;; gcs) echo "$GCS_PORT" ;; esac; }
health_url() {
  case "$1" in
    minio) echo "http://127.0.0.1:$MINIO_PORT/minio/health/live" ;;
    minio-tls) echo "https://127.0.0.1:$MINIO_TLS_PORT/minio/health/live" ;;
    azurite) echo "http://127.0.0.1:$AZURITE_PORT/$(sed -n 's/^AZURITE_ACCOUNTS=\([a-z0-9]*\):.*/\1/p' "$SS_LOCAL/azurite.env" 2>/dev/null)?comp=list" ;;
    gcs) echo "http://127.0.0.1:$GCS_PORT/storage/v1/b" ;;
  esac
}
# The program a pid file must point at; anything else there is a reused pid, never ours to stop.
comm_of() { case "$1" in minio|minio-tls) echo minio ;; azurite) echo node ;; gcs) echo fake-gcs-server ;; esac; }
running() {
  local pid stat
  [[ -f "$RUN/$1.pid" ]] || return 1
  pid="$(cat "$RUN/$1.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || comm_of "$1")" == "$(comm_of "$1")" ]] || return 1
  # A zombie has exited and holds no port; only its parent can reap it.
  stat="$(cat "/proc/$pid/stat" 2>/dev/null || true)"
  [[ "${stat##*) }" != Z* ]]
}
answers() {
  local url
  url="$(health_url "$1")"
  curl -fsS --max-time 1 --cacert "$SS_LOCAL/tls/ca.pem" -o /dev/null "$url" 2>/dev/null ||
    { [[ "$1" == azurite ]] && curl -sS --max-time 1 -o /dev/null "$url" 2>/dev/null; }
}
answers_within() {
  local svc="$1" deadline=$((SECONDS + $2))
  while :; do
    answers "$svc" && return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_one() {
  local svc="$1" port log
  port="$(port_of "$svc")"
  log="$RUN/$svc.log"
  if running "$svc"; then
    if answers_within "$svc" "$HEALTH_SECONDS"; then
      echo "$svc: already running (pid $(cat "$RUN/$svc.pid"), port $port)"
      return 0
    fi
    echo "$svc: pid $(cat "$RUN/$svc.pid") is alive but did not answer $(health_url "$svc") within $HEALTH_SECONDS s; stopping it and starting a fresh one"
    stop_one "$svc" >/dev/null
  fi
  if port_busy "$port"; then echo "services: cannot start $svc: port $port is already taken by another process" >&2; return 1; fi
  mkdir -p "$RUN" "$DATA/$svc"
  case "$svc" in
    minio)
      [[ -s "$SS_LOCAL/minio.env" ]] || { echo "services: .local/minio.env missing; run npm run setup" >&2; return 1; }
      command -v minio >/dev/null || { echo "services: minio not built; run npm run setup" >&2; return 1; }
      ( set -a; source "$SS_LOCAL/minio.env"; set +a
        MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
        nohup minio server --quiet --address "127.0.0.1:$port" "$DATA/minio" >"$log" 2>&1 &
        echo $! >"$RUN/minio.pid" ) ;;
    minio-tls)
      # The bank scenario: HTTPS on a non-standard port with a certificate from the private CA made by setup.
      [[ -s "$SS_LOCAL/tls/minio/public.crt" ]] || { echo "services: .local/tls missing; run npm run setup" >&2; return 1; }
      command -v minio >/dev/null || { echo "services: minio not built; run npm run setup" >&2; return 1; }
      mkdir -p "$SS_LOCAL/tls/minio/CAs" && cp "$SS_LOCAL/tls/ca.pem" "$SS_LOCAL/tls/minio/CAs/ca.pem"
      ( set -a; source "$SS_LOCAL/minio.env"; set +a
        MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
        nohup minio server --quiet --address "127.0.0.1:$port" --certs-dir "$SS_LOCAL/tls/minio" "$DATA/minio-tls" >"$log" 2>&1 &
        echo $! >"$RUN/minio-tls.pid" ) ;;
    azurite)
      # The account and its random key come from .local/azurite.env (AZURITE_ACCOUNTS=<name>:<base64 key>),
      # so the well-known devstoreaccount1 key is never accepted.
      [[ -s "$SS_LOCAL/azurite.env" ]] || { echo "services: .local/azurite.env missing; run npm run setup" >&2; return 1; }
      ( set -a; source "$SS_LOCAL/azurite.env"; set +a
        nohup azurite-blob --blobHost 127.0.0.1 --blobPort "$port" --location "$DATA/azurite" \
          --skipApiVersionCheck --loose --disableTelemetry >"$log" 2>&1 &
        echo $! >"$RUN/azurite.pid" ) ;;
    gcs)
      command -v fake-gcs-server >/dev/null || { echo "services: fake-gcs-server not built; run npm run setup" >&2; return 1; }
      nohup fake-gcs-server -scheme http -host 127.0.0.1 -port "$port" -backend filesystem \
        -filesystem-root "$DATA/gcs" -public-host "127.0.0.1:$port" >"$log" 2>&1 &
      echo $! >"$RUN/gcs.pid" ;;
  esac
  local i
  for i in $(seq 1 60); do
    if answers "$svc"; then
      echo "$svc: healthy on 127.0.0.1:$port (pid $(cat "$RUN/$svc.pid"))"
      return 0
    fi
    running "$svc" || break
    sleep 0.5
  done
  echo "services: $svc did not become healthy on port $port; log: $log" >&2
  stop_one "$svc" >/dev/null
  return 1
}

stop_one() {
  local svc="$1"
  if ! running "$svc"; then rm -f "$RUN/$svc.pid"; echo "$svc: not running"; return 0; fi
  local pid i
  pid="$(cat "$RUN/$svc.pid")"
  kill "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true # a stopped process acts on SIGTERM only once continued
  for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN/$svc.pid"
  echo "$svc: stopped"
}

status_one() {
  local svc="$1"
  if ! running "$svc"; then echo "$svc: stopped"; return 0; fi
  if answers_within "$svc" "$HEALTH_SECONDS"; then
    echo "$svc: running (pid $(cat "$RUN/$svc.pid"), port $(port_of "$svc"))"
  else
    echo "$svc: unhealthy (pid $(cat "$RUN/$svc.pid") alive, no answer from $(health_url "$svc") within $HEALTH_SECONDS s)"
  fi
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
svcs=("$@")
[[ ${#svcs[@]} -eq 0 ]] && svcs=("${ALL[@]}")
for s in "${svcs[@]}"; do
  [[ " ${ALL[*]} " == *" $s "* ]] || { echo "services: unknown service \"$s\" (expected one of: ${ALL[*]})" >&2; exit 2; }
done
case "$cmd" in
  start) rc=0; for s in "${svcs[@]}"; do start_one "$s" || rc=1; done; exit $rc ;;
  stop) for s in "${svcs[@]}"; do stop_one "$s"; done ;;
  status) for s in "${svcs[@]}"; do status_one "$s"; done ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
