#!/usr/bin/env bash
# Offline Terraform checks for c360: fmt, validate every env, `terraform test`
# every module (mock providers, no credentials, no network).
#
# Usage: terraform/scripts/check.sh [all|fmt|validate [ENV...]|test [MODULE...]|lock [ENV...]]
#
#   TF_PLUGIN_DIR        provider mirror used by `terraform init -plugin-dir` (default /opt/tf-plugins)
#   C360_SKIP_TERRAFORM  set to 1 to skip (prints SKIPPED) when terraform is not installed;
#                        otherwise a missing terraform binary is an error.
#
# Every init uses its own TF_DATA_DIR in a temporary directory, so parallel
# runs (pytest -n 2, two shells) never share a .terraform directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TF_DIR="$ROOT/terraform"
TF_PLUGIN_DIR="${TF_PLUGIN_DIR:-/opt/tf-plugins}"
ALL_ENVS=(local dev prod)

# Modules are the directories under terraform/modules that have tests.
mapfile -t ALL_MODULES < <(cd "$TF_DIR/modules" && for d in */; do d="${d%/}"; compgen -G "$d/tests/*.tftest.hcl" >/dev/null && echo "$d"; done)

log() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

if ! command -v terraform >/dev/null 2>&1; then
  if [[ "${C360_SKIP_TERRAFORM:-0}" == "1" ]]; then
    echo "SKIPPED: terraform is not installed and C360_SKIP_TERRAFORM=1; no Terraform check ran."
    exit 0
  fi
  die "terraform not found on PATH (need >= 1.11). Install it, or set C360_SKIP_TERRAFORM=1 to skip these checks explicitly."
fi
[[ -d "$TF_PLUGIN_DIR" ]] || die "TF_PLUGIN_DIR=$TF_PLUGIN_DIR does not exist (provider mirror for offline init)."

# A TF_CLI_CONFIG_FILE that points nowhere only produces a warning per command.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then unset TF_CLI_CONFIG_FILE; fi
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
COLOR=()
[[ -t 1 ]] || COLOR=(-no-color)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/c360-tfcheck.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

tf_init() { # dir name [extra args]
  local dir="$1" name="$2"; shift 2
  export TF_DATA_DIR="$WORK/$name/.terraform"
  mkdir -p "$TF_DATA_DIR"
  if ! out="$(terraform -chdir="$dir" init -backend=false -input=false "${COLOR[@]}" -plugin-dir="$TF_PLUGIN_DIR" "$@" 2>&1)"; then
    printf '%s\n' "$out"
    die "terraform init failed in ${dir#"$ROOT"/}"
  fi
}

do_fmt() {
  log "terraform fmt -check -recursive terraform/"
  if ! terraform fmt -check -recursive -diff "${COLOR[@]}" "$TF_DIR"; then
    die "terraform fmt: files above need 'terraform fmt -recursive terraform/'"
  fi
  echo "fmt: ok"
}

do_validate() {
  local envs=("$@") e
  ((${#envs[@]})) || envs=("${ALL_ENVS[@]}")
  for e in "${envs[@]}"; do
    [[ -d "$TF_DIR/envs/$e" ]] || die "no such env: $e"
    log "validate envs/$e"
    # -lockfile=readonly: the committed .terraform.lock.hcl must already match.
    tf_init "$TF_DIR/envs/$e" "env-$e" -lockfile=readonly
    terraform -chdir="$TF_DIR/envs/$e" validate "${COLOR[@]}"
  done
  echo "validate: ${#envs[@]} env(s) ok"
}

TOTAL_PASSED=0
TOTAL_FAILED=0
do_test() {
  local mods=("$@") m out rc passed failed
  ((${#mods[@]})) || mods=("${ALL_MODULES[@]}")
  for m in "${mods[@]}"; do
    [[ -d "$TF_DIR/modules/$m/tests" ]] || die "no tests for module: $m"
    log "terraform test modules/$m"
    tf_init "$TF_DIR/modules/$m" "mod-$m"
    set +e
    out="$(terraform -chdir="$TF_DIR/modules/$m" test "${COLOR[@]}" 2>&1)"
    rc=$?
    set -e
    printf '%s\n' "$out"
    passed="$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' <<<"$out" | tail -1)"
    failed="$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' <<<"$out" | tail -1)"
    TOTAL_PASSED=$((TOTAL_PASSED + ${passed:-0}))
    TOTAL_FAILED=$((TOTAL_FAILED + ${failed:-0}))
    ((rc == 0)) || die "terraform test failed in modules/$m"
  done
  echo "terraform test: ${#mods[@]} module(s): ${TOTAL_PASSED} passed, ${TOTAL_FAILED} failed"
}

# Regenerates an env's .terraform.lock.hcl from the mirror (hash for this platform).
do_lock() {
  local envs=("$@") e
  ((${#envs[@]})) || envs=("${ALL_ENVS[@]}")
  for e in "${envs[@]}"; do
    log "lock envs/$e"
    rm -f "$TF_DIR/envs/$e/.terraform.lock.hcl"
    tf_init "$TF_DIR/envs/$e" "lock-$e"
  done
}

cmd="${1:-all}"
shift || true
case "$cmd" in
  all)
    do_fmt
    do_validate
    do_test
    echo "all terraform checks passed"
    ;;
  fmt) do_fmt ;;
  validate) do_validate "$@" ;;
  test) do_test "$@" ;;
  lock) do_lock "$@" ;;
  list-envs) printf '%s\n' "${ALL_ENVS[@]}" ;;
  list-modules) printf '%s\n' "${ALL_MODULES[@]}" ;;
  *) die "unknown command: $cmd (use all|fmt|validate|test|lock|list-envs|list-modules)" ;;
esac
