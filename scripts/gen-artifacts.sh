#!/usr/bin/env bash
# Regenerate the artifacts that cargo builds from, and that are committed so a cargo build never needs forge:
#   abi/<Contract>.json  contract ABI + bytecode, read by the SDK's alloy `sol!` bindings
#   idl/<program>.json   Anchor IDL of each Solana program
# Usage: gen-artifacts.sh [--check]   (--check: regenerate into a temp dir and fail if the committed copy differs)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The contracts whose bindings the Rust clients use.
CONTRACTS=(AudioToken Staking ServiceRegistry Issuance AudiusGovernor FeatureAccess)
# The Anchor programs whose IDL is published.
PROGRAMS=(audius-content audius-tips)

check=false
[[ "${1:-}" == "--check" ]] && check=true

abi_dir="$REPO_ROOT/abi"
idl_dir="$REPO_ROOT/idl"
if $check; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  abi_dir="$tmp/abi"
  idl_dir="$tmp/idl"
fi

(cd "$REPO_ROOT/contracts" && forge build --quiet)
node "$REPO_ROOT/scripts/extract-abi.js" "$abi_dir" "${CONTRACTS[@]}"

mkdir -p "$idl_dir"
for program in "${PROGRAMS[@]}"; do
  out="$idl_dir/${program//-/_}.json"
  cargo run --quiet -p audius-idl-gen -- "$REPO_ROOT/programs/$program" > "$out.tmp"
  mv "$out.tmp" "$out"
done

if $check; then
  if ! diff -ru "$REPO_ROOT/abi" "$abi_dir" || ! diff -ru "$REPO_ROOT/idl" "$idl_dir"; then
    echo "generated artifacts are stale: run scripts/gen-artifacts.sh and commit abi/ and idl/" >&2
    exit 1
  fi
  echo "abi/ and idl/ are up to date"
fi
