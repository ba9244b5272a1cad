#!/usr/bin/env bash
# The whole test suite: setup, generated-artifact staleness, contracts (forge), Rust workspace (cargo).
# FOUNDRY_PROFILE=ci (the default here) runs the fuzz and invariant tests at CI depth.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh"

echo "== generated artifacts"
"$REPO_ROOT/scripts/gen-artifacts.sh" --check

echo "== formatting"
(cd contracts && forge fmt --check)
cargo fmt --all --check

echo "== contracts: forge test"
(cd contracts && FOUNDRY_PROFILE="${FOUNDRY_PROFILE:-ci}" forge test)

echo "== rust: clippy"
cargo clippy --quiet --workspace --all-targets -- -D warnings

echo "== rust: cargo test"
cargo test --workspace --all-targets
