# Shared environment for the project's scripts; source it, do not run it.
# The cargo target dir lives outside the clone so that CI's fresh clones on the same machine reuse it.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
# Everything built once and reused (toolchains, the SBF linker, patched crates) lives under AUDIUS_CACHE.
export AUDIUS_CACHE="${AUDIUS_CACHE:-$HOME/.cache/audius-protocol}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$AUDIUS_CACHE/target}"
export PATH="$REPO_ROOT/contracts/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
