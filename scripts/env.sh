# Sourced by every script: puts the project's cached tools on PATH and points Pulumi at the
# local, offline backend. Paths only; nothing here is secret.
SS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SS_CACHE="${SECURE_STORAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secure-storage}"
SS_TOOLS="$SS_CACHE/tools"
SS_LOCAL="$SS_ROOT/.local"

# Pinned tool versions. Pulumi follows @pulumi/pulumi in package-lock.json.
SS_PULUMI_VERSION="$(node -p "require('$SS_ROOT/package-lock.json').packages['node_modules/@pulumi/pulumi'].version" 2>/dev/null || echo unknown)"
SS_MINIO_MODULE="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
SS_FAKEGCS_MODULE="github.com/fsouza/fake-gcs-server@v1.56.1"
SS_ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
SS_AWSCLI_VERSION="1.45.11"
# Node.js 22 LTS from the npm registry's `node` package (the AWS SDK drops Node 20 in January 2027).
SS_NODE_VERSION="22.23.3"

ss_tool_dir() { # name module-or-version -> cache dir
  local v="${2##*@}"
  echo "$SS_TOOLS/$1-$v"
}

ss_path="$SS_TOOLS/node-$SS_NODE_VERSION/node_modules/node/bin"
for ss_t in "pulumi v$SS_PULUMI_VERSION" "minio $SS_MINIO_MODULE" "fake-gcs-server $SS_FAKEGCS_MODULE" "actionlint $SS_ACTIONLINT_MODULE"; do
  ss_path="$ss_path:$(ss_tool_dir $ss_t)/bin"
done
export PATH="$ss_path:$SS_TOOLS/bin:$SS_ROOT/node_modules/.bin:$PATH"
unset ss_path ss_t

# Pulumi: local file backend, passphrase secrets, never phone home or fetch plugins. CI (the
# workflows in .github/) sets its own backend, passphrase and plugin policy; those win.
export PULUMI_HOME="${PULUMI_HOME:-$SS_LOCAL/pulumi-home}"
# metadata=skip: gocloud's fileblob then writes no `.attrs` sidecar (and no MD5 of it) with every
# checkpoint save; Pulumi never reads them. Measured in docs/BENCHMARKS.md.
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$SS_LOCAL/state?metadata=skip}"
if [[ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ]]; then export PULUMI_CONFIG_PASSPHRASE_FILE="${PULUMI_CONFIG_PASSPHRASE_FILE:-$SS_LOCAL/passphrase}"; fi
export PULUMI_SKIP_UPDATE_CHECK=1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=false
export SS_ROOT SS_CACHE SS_TOOLS SS_LOCAL SS_NODE_VERSION

# After Pulumi appends this clone's salt to a local stack file (filtered out by .gitattributes), git
# still lists the file as modified by its size alone; re-stat it when its content equals the index.
ss_git_refresh() {
  git -C "$SS_ROOT" ls-files --error-unmatch -- "$1" >/dev/null 2>&1 || return 0
  if git -C "$SS_ROOT" diff --quiet -- "$1"; then git -C "$SS_ROOT" add -- "$1"; fi
}
