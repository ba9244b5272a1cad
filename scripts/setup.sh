#!/usr/bin/env bash
# Install everything a fresh machine needs to build and test the project. Idempotent; fast when done.
#   - Debian packages that -sys crates need (pkg-config, libssl-dev) and the SBF build's `patch`, only if missing
#   - the contracts toolchain from npm, exactly as pinned in contracts/package-lock.json:
#     forge/anvil/cast (prebuilt binaries), solcjs, OpenZeppelin 5, forge-std
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

# npm ci only when the lock file changed since the last install.
contracts="$REPO_ROOT/contracts"
stamp="$contracts/node_modules/.audius-lock-sha256"
lock_sum="$(sha256sum "$contracts/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" || ! -x "$contracts/node_modules/.bin/forge" ]]; then
  echo "setup: installing the contracts toolchain (npm ci)"
  (cd "$contracts" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi

mkdir -p "$CARGO_TARGET_DIR"
"$REPO_ROOT/scripts/build-sbf.sh"
echo "setup: ok (forge $(forge --version | head -1 | awk '{print $3}'), cargo target dir $CARGO_TARGET_DIR)"
