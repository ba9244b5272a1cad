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
# The discovery node's tests run on SQLite and, with a server from scripts/postgres.sh, on PostgreSQL too.
if url="$("$REPO_ROOT/scripts/postgres.sh" start)"; then
  export AUDIUS_TEST_POSTGRES_URL="$url"
  trap '"$REPO_ROOT/scripts/postgres.sh" stop' EXIT
else
  echo "PostgreSQL unavailable: the discovery-node tests run on SQLite only"
fi
cargo test --workspace --all-targets
