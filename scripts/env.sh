# Shared environment for the project's scripts; source it, do not run it.
# The cargo target dir lives outside the clone so that CI's fresh clones on the same machine reuse it.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/audius-protocol/target}"
export PATH="$REPO_ROOT/contracts/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
