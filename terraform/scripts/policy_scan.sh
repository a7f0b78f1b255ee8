#!/usr/bin/env bash
# Static policy scan of terraform/ with checkov; fails on any failed check.
#
# checkov conflicts with the project's pins, so it lives in its own venv
# (created on first use). Every accepted finding is skipped on the resource
# itself with `#checkov:skip=CKV_...:<reason>` — there is no global skip list.
#
#   CHECKOV_VENV     venv to use/create (default <repo>/.venv-checkov)
#   CHECKOV_VERSION  checkov version to install (default 3.3.30)
#   PYTHON           interpreter that creates the venv (default python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECKOV_VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$CHECKOV_VENV/bin/checkov" ]] || ! "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  echo "==> installing checkov $CHECKOV_VERSION into ${CHECKOV_VENV#"$ROOT"/}"
  [[ -x "$CHECKOV_VENV/bin/python" ]] || "$PYTHON" -m venv "$CHECKOV_VENV"
  # Keep the venv out of git without touching the repository's .gitignore.
  [[ -f "$CHECKOV_VENV/.gitignore" ]] || echo '*' >"$CHECKOV_VENV/.gitignore"
  "$CHECKOV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

echo "==> checkov $("$CHECKOV_VENV/bin/checkov" --version) on terraform/"
# --framework terraform: HCL only. Module tests (*.tftest.hcl, mocks) and test
# fixtures (contracts, ASL) are not infrastructure. --skip-download: offline,
# no Prisma Cloud guideline download.
set +e
out="$("$CHECKOV_VENV/bin/checkov" \
  --directory "$ROOT/terraform" \
  --framework terraform \
  --skip-path '/tests/' \
  --skip-download \
  --compact \
  --quiet \
  --download-external-modules false \
  "$@" 2>&1)"
rc=$?
set -e
printf '%s\n' "$out"
summary="$(grep -E 'Passed checks: [0-9]+, Failed checks: [0-9]+' <<<"$out" | tail -1 || true)"
[[ -n "$summary" ]] || { echo "ERROR: no checkov summary line (did the scan run?)" >&2; exit 1; }
echo "checkov summary: $summary"
if grep -Eq 'Parsing errors: [1-9]' <<<"$summary"; then
  echo "ERROR: checkov could not parse some files (a file it cannot read is a file it did not check)" >&2
  exit 1
fi
exit "$rc"
