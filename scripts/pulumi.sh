#!/usr/bin/env bash
# npm run deploy|preview|refresh|destroy: shortcuts for the Pulumi CLI, nothing more. Every guard
# lives in the program and the policy pack, so `pulumi up --stack dev` is exactly as safe.
#   npm run deploy  -- [--stack S] [--policy-pack] [pulumi flags...]  ->  pulumi up --yes
#   npm run preview -- [--stack S] [--policy-pack] [pulumi flags...]  ->  pulumi preview --diff
#   npm run refresh -- [--stack S] [--preview-only] [pulumi flags...] ->  pulumi refresh --yes
#   npm run destroy -- [--stack S] [pulumi flags...]                  ->  pulumi destroy --yes
# What it adds, and what the README tells a shell to do before raw `pulumi`: the tools on PATH and
# the local backend (scripts/env.sh), the local MinIO's admin env (.local/minio.env, when present
# and not already set), and the stack selected (created in the backend on first use). --policy-pack means
# `--policy-pack policies --policy-pack-config policies/config.<stack>.json` (prod's levels when the
# stack has no file). The CLI is exec'd, so Ctrl-C reaches it and it cancels the way Pulumi does.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SS_ROOT"

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  up) args=(up --yes) ;;
  preview) args=(preview --diff) ;;
  refresh) args=(refresh --yes) ;;
  destroy) args=(destroy --yes) ;;
  *) echo "usage: scripts/pulumi.sh <up|preview|refresh|destroy> [--stack S] [--policy-pack] [pulumi flags]" >&2; exit 2 ;;
esac

stack=dev policy=false config_file=false rest=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stack|-s) stack="${2:?--stack needs a name}"; shift 2 ;;
    --stack=*) stack="${1#--stack=}"; shift ;;
    --policy-pack) policy=true; shift ;;
    --config-file|--config-file=*) config_file=true; rest+=("$1"); shift ;;
    --preview-only) [[ "$cmd" == refresh ]] && args=(refresh --preview-only) || rest+=("$1"); shift ;;
    -h|--help)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    *) rest+=("$1"); shift ;;
  esac
done

if $policy; then
  levels="policies/config.$stack.json"
  [[ -f "$levels" ]] || levels=policies/config.prod.json
  rest+=(--policy-pack policies --policy-pack-config "$levels")
fi

if [[ -s "$SS_LOCAL/minio.env" && -z "${MINIO_ROOT_USER:-}" ]]; then
  set -a
  # shellcheck source=/dev/null
  source "$SS_LOCAL/minio.env"
  set +a
fi

if ! $config_file && [[ ! -f "Pulumi.$stack.yaml" ]]; then
  known="$(ls Pulumi.*.yaml | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | tr '\n' ' ')"
  echo "pulumi: no stack file Pulumi.$stack.yaml (stacks: ${known% })" >&2
  exit 2
fi
if pulumi stack select "$stack" >/dev/null 2>&1; then
  ss_git_refresh "Pulumi.$stack.yaml"
  exec pulumi "${args[@]}" --stack "$stack" "${rest[@]}"
fi
$config_file && { echo "pulumi: no stack $stack in $PULUMI_BACKEND_URL (a stack with its own --config-file is created by pulumi stack init)" >&2; exit 2; }

# First use of this stack here: create it, and if its first operation fails before anything is
# deployed, remove the empty record again (and the salt line it added) so nothing is left behind.
had_salt=false
grep -q '^encryptionsalt: ' "Pulumi.$stack.yaml" && had_salt=true
out="$(pulumi stack init "$stack" 2>&1)" || { echo "pulumi: $out" >&2; exit 1; }
ss_git_refresh "Pulumi.$stack.yaml"
trap 'true' INT # Ctrl-C goes to pulumi (same process group); this script only cleans up after it
rc=0
pulumi "${args[@]}" --stack "$stack" "${rest[@]}" || rc=$?
if [[ $rc -ne 0 ]]; then
  # Resources or pending operations mean something may exist: then the record stays.
  left="$(pulumi stack export --stack "$stack" 2>/dev/null | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s).deployment;
     console.log((d.resources??[]).length+(d.pending_operations??[]).length)})' 2>/dev/null || echo 1)"
  if [[ "$left" == 0 ]] && pulumi stack rm --yes --force --preserve-config --stack "$stack" >/dev/null 2>&1; then
    echo "pulumi: the first $cmd of stack $stack failed; removed its empty stack record" >&2
    $had_salt || sed -i '/^encryptionsalt: /d' "Pulumi.$stack.yaml"
  fi
fi
exit $rc
