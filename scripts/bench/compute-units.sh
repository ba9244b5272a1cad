#!/usr/bin/env bash
# Compute units of every program instruction at its typical and its largest input, measured on the SBF ELFs
# (scripts/build-sbf.sh) in LiteSVM with the mainnet feature set; ELF sizes and the rent of deploying them.
# Prints a Markdown table (docs/programs.md keeps the last one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
scripts/build-sbf.sh >/dev/null
cargo run --quiet -p audius-solana-local --example compute_units
