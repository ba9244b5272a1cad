#!/usr/bin/env bash
# Install everything a fresh machine needs to build and test the project. Idempotent; fast when done.
#   - Debian packages that -sys crates need (pkg-config, libssl-dev) and the SBF build's `patch`, only if missing
#   - the contracts toolchain from npm, exactly as pinned in contracts/package-lock.json:
#     forge/anvil/cast (prebuilt binaries), solcjs, OpenZeppelin 5, forge-std
#   - the TypeScript quickstart's packages, as pinned in examples/ts/package-lock.json
#   - the programs' SBF toolchain and ELFs (scripts/build-sbf.sh): the host build embeds the ELFs
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

need_apt=()
for pkg in pkg-config libssl-dev patch; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if ((${#need_apt[@]})); then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}"
fi

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo (Rust 1.95) is required" >&2; exit 1; }

# npm ci in `dir` (what: its name in the log; bin: a binary that must be there) only when its lock file changed
# since the last install.
npm_ci_locked() {
  local dir="$1" what="$2" bin="$3"
  local stamp="$dir/node_modules/.audius-lock-sha256"
  local lock_sum
  lock_sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" || ! -x "$dir/node_modules/.bin/$bin" ]]; then
    echo "setup: installing $what (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$stamp"
  fi
}
npm_ci_locked "$REPO_ROOT/contracts" "the contracts toolchain" forge
# Anchor's TypeScript client, web3.js, ethers and tsc for examples/ts, likewise pinned by its lock file.
npm_ci_locked "$REPO_ROOT/examples/ts" "the TypeScript quickstart's packages" tsc

mkdir -p "$CARGO_TARGET_DIR"
"$REPO_ROOT/scripts/build-sbf.sh"
echo "setup: ok (forge $(forge --version | head -1 | awk '{print $3}'), cargo target dir $CARGO_TARGET_DIR)"
