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
# CI runs fuzz and invariant tests at CI depth (10,000 runs); a local run uses the default profile unless asked.
profile="${FOUNDRY_PROFILE:-$([[ "${CI:-}" == "true" ]] && echo ci || echo default)}"
(cd contracts && FOUNDRY_PROFILE="$profile" forge test)

echo "== contracts: gas snapshots"
# Fuzz and invariant gas averages depend on the fuzz dictionary, which changes with any code: not snapshotted.
(cd contracts && FOUNDRY_PROFILE=default forge snapshot --no-match-test "testFuzz|invariant" --check)
"$REPO_ROOT/scripts/bench/gas.sh" --check

echo "== rust: clippy"
cargo clippy --quiet --workspace --all-targets -- -D warnings

echo "== rust: cargo test"
cargo test --workspace --all-targets
