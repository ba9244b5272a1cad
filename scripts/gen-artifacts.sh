#!/usr/bin/env bash
# Regenerate the artifacts that cargo builds from, and that are committed so a cargo build never needs forge:
#   abi/<Contract>.json  contract ABI + bytecode, read by the SDK's alloy `sol!` bindings
#   idls/<program>.json  Anchor IDL of each Solana program (the SDK's typed clients are generated from it)
# Usage: gen-artifacts.sh [--check] [abi|idls]
#   --check: regenerate into a temp dir and fail if the committed copy differs; abi or idls: only that half (the
#   test command checks the two beside each other: abi needs forge, idls cargo and the SBF toolchain's patched
#   framework).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The contracts whose bindings the Rust clients use.
CONTRACTS=(AudioToken Staking ServiceRegistry Issuance AudiusGovernor FeatureAccess)
# The Anchor programs whose IDL is published (programs/Cargo.toml, Anchor v2, built against the patched framework
# of scripts/sbf-toolchain.sh).
PROGRAMS=(audius-content audius-tips)

check=false
[[ "${1:-}" == "--check" ]] && { check=true; shift; }
what="${1:-all}"
case "$what" in
  abi | idls | all) ;;
  *) echo "usage: gen-artifacts.sh [--check] [abi|idls]" >&2; exit 2 ;;
esac
want() { [[ "$what" == all || "$what" == "$1" ]]; }

abi_dir="$REPO_ROOT/abi"
idl_dir="$REPO_ROOT/idls"
if $check; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  abi_dir="$tmp/abi"
  idl_dir="$tmp/idls"
fi

if want abi; then
  (cd "$REPO_ROOT/contracts" && forge build --quiet)
  node "$REPO_ROOT/scripts/extract-abi.js" "$abi_dir" "${CONTRACTS[@]}"
fi

if want idls; then
  mkdir -p "$idl_dir"
  source "$REPO_ROOT/scripts/sbf-toolchain.sh"
  sbf_patched_anchor
  for program in "${PROGRAMS[@]}"; do
    out="$idl_dir/${program//-/_}.json"
    cargo run --quiet -p audius-idl-gen -- "$REPO_ROOT/programs/$program" \
      --locked --config "$(programs_patch_config)" > "$out.tmp"
    mv "$out.tmp" "$out"
  done
fi

if $check; then
  for dir in abi idls; do
    want "$dir" || continue
    if ! diff -ru "$REPO_ROOT/$dir" "$tmp/$dir"; then
      echo "generated artifacts are stale: run scripts/gen-artifacts.sh and commit $dir/" >&2
      exit 1
    fi
    echo "$dir/ is up to date"
  done
fi
