#!/usr/bin/env bash
# Static analysis of contracts/src with Slither (installed from PyPI into a venv under the cache dir).
# Findings and the reasons for those left in place are in docs/contracts.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

venv="$HOME/.cache/audius-protocol/slither-venv"
if [[ ! -x "$venv/bin/slither" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "slither-analyzer==0.11.6"
fi
cd "$REPO_ROOT/contracts"
# A separate output dir with fresh build info: out/ may hold build info of other profiles (gas, ci).
rm -rf out-slither
forge build --quiet --build-info --out out-slither
"$venv/bin/slither" . --foundry-ignore-compile --foundry-out-directory out-slither \
  --filter-paths "node_modules|test|script" "$@"
