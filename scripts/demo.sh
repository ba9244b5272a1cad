#!/usr/bin/env bash
# The main job: set up, build, and run the demo flow.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh"
echo "== building (a cold build took about 7 minutes on 2 cores)"
cargo build --quiet -p audius-localnet --bin audius-localnet
"$CARGO_TARGET_DIR/debug/audius-localnet" demo "$@"
