#!/usr/bin/env bash
# Build the Solana programs in programs/ (their own workspace, Anchor v2) to SBF ELFs, as a cluster runs them:
#   $AUDIUS_CACHE/deploy/<program>.so   (AUDIUS_CACHE defaults to ~/.cache/audius-protocol)
# The toolchain (scripts/sbf-toolchain.sh) is installed on first use and cached outside the clone. The link step
# enforces the SBF 4 KiB stack frame: a program whose frame is larger does not build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/sbf-toolchain.sh"

PROGRAMS=(audius-content audius-tips)

t0=$SECONDS
sbf_toolchain
echo "build-sbf: toolchain ready ($(( SECONDS - t0 )) s)"

t0=$SECONDS
sbf_target_dir="$AUDIUS_CACHE/sbf-target"
packages=()
for program in "${PROGRAMS[@]}"; do packages+=(-p "$program"); done
# No machine paths in the ELF (panic locations): the same sources give the same bytes in any checkout.
remaps=""
for prefix in "$REPO_ROOT=." "$AUDIUS_CACHE=cache" "${CARGO_HOME:-$HOME/.cargo}=cargo" \
  "$(rustup run "$SBF_NIGHTLY" rustc --print sysroot)=sysroot"; do
  remaps+=", \"--remap-path-prefix=$prefix\""
done
# RUSTFLAGS / CARGO_ENCODED_RUSTFLAGS from the environment would replace the target's flags below (and with them
# the stack-size check), and a host build's RUSTC_WORKSPACE_WRAPPER (the stable clippy) cannot drive the nightly:
# unset for this build.
env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u RUSTC_WORKSPACE_WRAPPER CARGO_TARGET_DIR="$sbf_target_dir" cargo "+$SBF_NIGHTLY" build --release --locked --quiet "${packages[@]}" \
  --manifest-path "$PROGRAMS_MANIFEST" --config "$(programs_patch_config)" \
  --target "$REPO_ROOT/programs/sbf/bpfel-solana.json" -Zbuild-std=core,alloc -Zjson-target-spec \
  --config "target.bpfel-solana.linker=\"$SBF_TOOLS/bin/sbpf-linker\"" \
  --config "target.bpfel-solana.rustflags=[\"-C\", \"relocation-model=static\", \"-C\", \"link-arg=--llvm-args=-bpf-stack-size=4096\", \"-C\", \"link-arg=--arch=v0\"$remaps]"
deploy="$AUDIUS_CACHE/deploy"
mkdir -p "$deploy"
for program in "${PROGRAMS[@]}"; do
  name="${program//-/_}"
  # Copied only when it changed: the crates that embed it rebuild on a new modification time.
  if ! cmp -s "$sbf_target_dir/bpfel-solana/release/lib$name.so" "$deploy/$name.so"; then
    cp "$sbf_target_dir/bpfel-solana/release/lib$name.so" "$deploy/$name.so.tmp"
    mv "$deploy/$name.so.tmp" "$deploy/$name.so"
  fi
  echo "build-sbf: $deploy/$name.so ($(stat -c %s "$deploy/$name.so") bytes)"
done
echo "build-sbf: built ($(( SECONDS - t0 )) s)"
