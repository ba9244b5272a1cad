#!/usr/bin/env bash
# The whole test suite: setup, generated-artifact staleness, formatting, lints, contracts (forge), Rust (cargo),
# the TypeScript quickstart against the local network.
# FOUNDRY_PROFILE=ci (the default under CI=true) runs the fuzz and invariant tests at CI depth.
#
# Built once, run once: the contracts job (forge) runs beside the cargo build, which is the long pole on a cold
# machine; clippy lints the workspace inside that same build (clippy-driver as the workspace's rustc wrapper)
# instead of compiling everything a second time in check mode. Each phase prints how long it took.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

started=$SECONDS
phase_start=$SECONDS
phase() {
  echo "== $1"
  phase_start=$SECONDS
}
took() { echo "   ($(( SECONDS - phase_start )) s)"; }

phase "setup"
"$REPO_ROOT/scripts/setup.sh"
took

# ---- contracts, in the background: forge build → ABI staleness → fmt → tests → gas snapshots ----
contracts_log="$(mktemp)"
contracts_job() {
  local t0=$SECONDS
  cd "$REPO_ROOT/contracts"
  echo "-- abi/ staleness"
  "$REPO_ROOT/scripts/gen-artifacts.sh" --check abi
  echo "-- forge fmt"
  forge fmt --check
  echo "-- forge test"
  # CI runs fuzz and invariant tests at CI depth; a local run uses the default profile unless asked.
  local profile="${FOUNDRY_PROFILE:-$([[ "${CI:-}" == "true" ]] && echo ci || echo default)}"
  FOUNDRY_PROFILE="$profile" forge test
  echo "-- gas snapshots"
  # Fuzz and invariant gas averages depend on the fuzz dictionary, which changes with any code: not snapshotted.
  FOUNDRY_PROFILE=default forge snapshot --no-match-test "testFuzz|invariant" --check
  "$REPO_ROOT/scripts/bench/gas.sh" --check
  echo "-- contracts done ($(( SECONDS - t0 )) s)"
}
# Its own process group (job control on for the launch), so that stopping it stops the forge processes too.
set -m
contracts_job >"$contracts_log" 2>&1 &
contracts_pid=$!
set +m
cleanup() {
  kill -- -"$contracts_pid" 2>/dev/null || true
  rm -f "$contracts_log"
  [[ -n "${postgres_started:-}" ]] && "$REPO_ROOT/scripts/postgres.sh" stop
  if [[ -n "${quickstart_net:-}" ]]; then
    "$CARGO_TARGET_DIR/debug/audius-localnet" down --dir "$quickstart_net" >/dev/null 2>&1 || true
    rm -rf "$quickstart_net"
  fi
  return 0
}
trap cleanup EXIT

phase "rust: formatting"
cargo fmt --all --check
cargo fmt --all --check --manifest-path programs/Cargo.toml
took

phase "idls/ staleness"
"$REPO_ROOT/scripts/gen-artifacts.sh" --check idls
took

# Every workspace crate compiled for its tests is linted on the way (warnings denied): the same artifacts serve
# the test run, so nothing is compiled twice. Dependencies are compiled by rustc as usual.
clippy_driver="$(rustup which clippy-driver)"
[[ -x "$clippy_driver" ]] || { echo "clippy-driver not found: rustup component add clippy" >&2; exit 1; }
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

phase "rust: build tests, with clippy (warnings denied)"
cargo test --workspace --all-targets --no-run --quiet
took

phase "contracts: forge (ran beside the build)"
if ! wait "$contracts_pid"; then
  cat "$contracts_log"
  echo "contracts job failed" >&2
  exit 1
fi
cat "$contracts_log"
took

phase "rust: cargo test"
# The discovery node's tests run on SQLite and, with a server from scripts/postgres.sh, on PostgreSQL too.
if url="$("$REPO_ROOT/scripts/postgres.sh" start)"; then
  export AUDIUS_TEST_POSTGRES_URL="$url"
  postgres_started=1
else
  echo "PostgreSQL unavailable: the discovery-node tests run on SQLite only"
fi
cargo test --workspace --all-targets
took

phase "typescript quickstart (examples/ts) against the local network"
# What a dApp developer copies: Anchor's TypeScript client on the committed IDL, so the IDL never drifts from what
# that client accepts. The network is `audius-localnet`'s (built above), in a directory of its own.
(cd examples/ts && node_modules/.bin/tsc -p .)
quickstart_net="$(mktemp -d)"
"$CARGO_TARGET_DIR/debug/audius-localnet" up --dir "$quickstart_net" >/dev/null
node examples/ts/dist/quickstart.js "$quickstart_net/localnet.json"
"$CARGO_TARGET_DIR/debug/audius-localnet" down --dir "$quickstart_net" >/dev/null
rm -rf "$quickstart_net"
quickstart_net=""
took

echo "== all tests passed ($(( SECONDS - started )) s)"
