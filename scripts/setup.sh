#!/usr/bin/env bash
# npm run setup: install npm deps, build the Pulumi CLI, MinIO, fake-gcs-server and actionlint
# from the Go module proxy into a cache outside the clone, and generate per-machine dev secrets.
# Idempotent: a cached run only checks what is there.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SS_ROOT"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "setup: $*" >&2; exit 1; }
now() { date +%s; }

usage() {
  cat <<USAGE
Usage: npm run setup [-- --help]
Installs npm dependencies and builds the project's tools into $SS_TOOLS:
  pulumi $SS_PULUMI_VERSION with its Node.js language host (+ dynamic-provider and policy launchers), minio, fake-gcs-server, actionlint.
Generates .local/ secrets (Pulumi passphrase, MinIO root credentials and KMS key, Azurite account key, private CA for HTTPS MinIO) once per clone.
Environment: SECURE_STORAGE_CACHE overrides the cache directory.
USAGE
}
[[ "${1:-}" == "--help" || "${1:-}" == "-h" ]] && { usage; exit 0; }

command -v node >/dev/null || fail "node is not installed (Node.js >= 20 with npm is needed to install Node.js 22)"
command -v go >/dev/null || fail "go is not installed: the Go toolchain is needed to build pulumi and minio (https://go.dev/dl)"

# 0. Node.js 22 LTS into the tool cache (env.sh puts it first on PATH), so every later step runs on it.
node_dir="$SS_TOOLS/node-$SS_NODE_VERSION"
if [[ ! -x "$node_dir/node_modules/node/bin/node" ]]; then
  step "installing Node.js $SS_NODE_VERSION from the npm registry (first time only)"
  mkdir -p "$SS_TOOLS" "$SS_CACHE/logs"
  rm -rf "$node_dir.tmp" && mkdir -p "$node_dir.tmp"
  npm install --prefix "$node_dir.tmp" --no-audit --no-fund --loglevel=error "node@$SS_NODE_VERSION" \
    >"$SS_CACHE/logs/node.log" 2>&1 || fail "installing Node.js $SS_NODE_VERSION failed; see $SS_CACHE/logs/node.log"
  rm -rf "$node_dir" && mv "$node_dir.tmp" "$node_dir"
fi
[[ "$(node --version)" == "v$SS_NODE_VERSION" ]] || fail "node on PATH is $(node --version), expected v$SS_NODE_VERSION from $node_dir"

# 1. npm dependencies (reinstall only when package-lock.json changed).
lock_hash="$(sha256sum package-lock.json | cut -c1-16)"
if [[ ! -f node_modules/.ss-lock-$lock_hash ]]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "node_modules/.ss-lock-$lock_hash"
fi
SS_PULUMI_VERSION="$(node -p "require('./package-lock.json').packages['node_modules/@pulumi/pulumi'].version")"

mkdir -p "$SS_TOOLS" "$SS_CACHE/logs"

# build_tool NAME DEST_DIR BUILD_FN: builds into a temp dir, moves into place only on success.
build_tool() {
  local name="$1" dest="$2" fn="$3"
  if [[ -x "$dest/bin/$name" ]]; then echo "    $name: cached ($dest)"; return 0; fi
  local tmp log start
  tmp="$(mktemp -d "$SS_TOOLS/.build-$name.XXXXXX")"
  log="$SS_CACHE/logs/build-$name.log"
  start="$(now)"
  step "building $name (first time only; log: $log)"
  if ! "$fn" "$tmp" >"$log" 2>&1; then
    rm -rf "$tmp"
    fail "building $name failed; see $log"
  fi
  rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && mv "$tmp" "$dest"
  echo "    $name: built in $(( $(now) - start ))s"
}

build_pulumi() { # the CLI: pkg/go.mod has replace directives, so build from a wrapper module
  local out="$1" v="v$SS_PULUMI_VERSION" w="$1/src"
  mkdir -p "$w" "$out/bin"
  local clip
  clip="$(curl -fsS "${GOPROXY%%,*}/github.com/pulumi/pulumi/pkg/v3/@v/$v.mod" 2>/dev/null | sed -n 's#^replace github.com/atotto/clipboard => ##p' || true)"
  cat >"$w/go.mod" <<MOD
module secure-storage.local/pulumi-build

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $v
	github.com/pulumi/pulumi/sdk/v3 $v
)
MOD
  [[ -n "$clip" ]] && echo "replace github.com/atotto/clipboard => $clip" >>"$w/go.mod"
  printf '//go:build tools\npackage tools\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >"$w/tools.go"
  (cd "$w" && GOFLAGS=-mod=mod go mod tidy && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v" \
    -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  rm -rf "$w"
  "$out/bin/pulumi" version
}
go_install_into() { mkdir -p "$1/bin" && GOBIN="$1/bin" go install -trimpath -ldflags "-s -w" "$2"; }
build_minio() { go_install_into "$1" "$SS_MINIO_MODULE"; }
build_fakegcs() { go_install_into "$1" "$SS_FAKEGCS_MODULE"; }
build_actionlint() { go_install_into "$1" "$SS_ACTIONLINT_MODULE"; }

step "tools in $SS_TOOLS"
pulumi_dir="$(ss_tool_dir pulumi "v$SS_PULUMI_VERSION")"
# An official pulumi of this version with its own language host wins; otherwise build both.
if ! bash scripts/install-langhost.sh --official-only "$pulumi_dir/bin" "v$SS_PULUMI_VERSION"; then
  build_tool pulumi "$pulumi_dir" build_pulumi
  LANGHOST_LOG="$SS_CACHE/logs/build-pulumi-language-nodejs.log" \
    bash scripts/install-langhost.sh "$pulumi_dir/bin" "v$SS_PULUMI_VERSION"
fi
build_tool minio "$(ss_tool_dir minio "$SS_MINIO_MODULE")" build_minio
build_tool fake-gcs-server "$(ss_tool_dir fake-gcs-server "$SS_FAKEGCS_MODULE")" build_fakegcs
build_tool actionlint "$(ss_tool_dir actionlint "$SS_ACTIONLINT_MODULE")" build_actionlint

# Clients the application tests drive: the aws CLI (PyPI, into the tool cache) and Chromium
# (Debian's package; the browser test never downloads a browser of its own).
if ! command -v aws >/dev/null; then
  venv="$SS_TOOLS/awscli-$SS_AWSCLI_VERSION"
  if [[ ! -f "$venv/.complete" ]]; then
    step "installing the aws CLI $SS_AWSCLI_VERSION from PyPI (first time only)"
    command -v python3 >/dev/null || fail "python3 is not installed: needed for the aws CLI the application tests use"
    # A venv is not relocatable (its scripts name its python by path): build in place, mark when done.
    rm -rf "$venv"
    { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "awscli==$SS_AWSCLI_VERSION"; } >"$SS_CACHE/logs/awscli.log" 2>&1 ||
      { rm -rf "$venv"; fail "installing the aws CLI failed; see $SS_CACHE/logs/awscli.log"; }
    touch "$venv/.complete"
  fi
  mkdir -p "$SS_TOOLS/bin" && ln -sfn "$venv/bin/aws" "$SS_TOOLS/bin/aws"
fi
if ! command -v chromium >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    step "installing Debian's chromium for the browser test (first time only; log: $SS_CACHE/logs/chromium.log)"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; } \
      >"$SS_CACHE/logs/chromium.log" 2>&1 || fail "installing chromium failed; see $SS_CACHE/logs/chromium.log"
  else
    echo "    chromium: not installed; the browser test needs it: sudo apt-get install chromium" >&2
  fi
fi

# 2. Per-clone dev secrets: generated here, git-ignored, never printed.
mkdir -p "$SS_LOCAL" "$SS_LOCAL/state" "$PULUMI_HOME"
# The backend URL says metadata=skip (env.sh), so the CLI no longer writes `.attrs` sidecars; a stale
# one is still read with every blob, and one truncated by a killed CLI fails every command (EOF).
find "$SS_LOCAL/state" -name '*.attrs' -type f -delete 2>/dev/null || true
chmod 700 "$SS_LOCAL"
umask 077
if [[ ! -s "$SS_LOCAL/passphrase" ]]; then
  head -c 32 /dev/urandom | base64 | tr -d '\n' >"$SS_LOCAL/passphrase"
  echo "    generated Pulumi passphrase (.local/passphrase)"
fi
if [[ ! -s "$SS_LOCAL/minio.env" ]]; then
  {
    echo "MINIO_ROOT_USER=root$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "MINIO_ROOT_PASSWORD=$(head -c 30 /dev/urandom | base64 | tr -d '\n/+=')"
    # Single-key KMS so SSE-S3 works without an external KMS; the key name is the KMS key id.
    echo "MINIO_KMS_SECRET_KEY=dev-sse-key:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
  } >"$SS_LOCAL/minio.env"
  echo "    generated MinIO root credentials and KMS key (.local/minio.env)"
fi

if [[ ! -s "$SS_LOCAL/azurite.env" ]]; then
  # Azurite's default devstoreaccount1 key is public; this clone's account gets a random 64-byte key.
  echo "AZURITE_ACCOUNTS=ssdev$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n'):$(head -c 64 /dev/urandom | base64 | tr -d '\n')" >"$SS_LOCAL/azurite.env"
  echo "    generated Azurite account and key (.local/azurite.env)"
fi

if [[ ! -s "$SS_LOCAL/tls/ca.pem" || ! -s "$SS_LOCAL/tls/minio/public.crt" ]]; then
  # A private CA for the HTTPS MinIO (SCENARIOS.md 5): clients trust ca.pem, nothing disables verification.
  tls="$SS_LOCAL/tls"
  mkdir -p "$tls/minio"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=secure-storage dev CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/minio/private.key" -out "$tls/minio/server.csr" 2>/dev/null
  openssl x509 -req -in "$tls/minio/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 825 \
    -extfile <(printf "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE") \
    -out "$tls/minio/public.crt" 2>/dev/null
  rm -f "$tls/minio/server.csr" "$tls/ca.srl"
  echo "    generated a private CA and the HTTPS MinIO certificate (.local/tls/)"
fi

# 3. The salt Pulumi appends to the local stacks' files is per clone (.gitattributes): keep it out of git.
if git -C "$SS_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$SS_ROOT" config filter.pulumi-local-salt.clean "sed -e '/^encryptionsalt: /d'"
  git -C "$SS_ROOT" config filter.pulumi-local-salt.smudge cat
fi

# 4. The local stacks exist in the local backend, so raw `pulumi up --stack dev` just works.
for s in bank dev; do # dev last: it stays the selected stack
  out="$(pulumi stack select --create "$s" 2>&1)" || fail "pulumi stack select --create $s failed: $out"
  ss_git_refresh "Pulumi.$s.yaml"
done

step "setup complete: $(pulumi version) · $(du -sh "$SS_TOOLS" | cut -f1) in $SS_TOOLS"
