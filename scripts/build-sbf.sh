#!/usr/bin/env bash
# Build the Solana programs in programs/ (their own workspace, Anchor v2) to SBF ELFs, as a cluster runs them:
#   $CARGO_TARGET_DIR/deploy/<program>.so
# The toolchain (scripts/sbf-toolchain.sh) is installed on first use and cached outside the clone. The link step
# enforces the SBF 4 KiB stack frame: a program whose frame is larger does not build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/sbf-toolchain.sh"

PROGRAMS=(audius-tips)

t0=$SECONDS
sbf_toolchain
echo "build-sbf: toolchain ready ($(( SECONDS - t0 )) s)"

t0=$SECONDS
sbf_target_dir="$AUDIUS_CACHE/sbf-target"
packages=()
for program in "${PROGRAMS[@]}"; do packages+=(-p "$program"); done
CARGO_TARGET_DIR="$sbf_target_dir" cargo "+$SBF_NIGHTLY" build --release --locked --quiet "${packages[@]}" \
  --manifest-path "$PROGRAMS_MANIFEST" --config "$(programs_patch_config)" \
  --target "$REPO_ROOT/programs/sbf/bpfel-solana.json" -Zbuild-std=core,alloc -Zjson-target-spec \
  --config "target.bpfel-solana.linker=\"$SBF_TOOLS/bin/sbpf-linker\"" \
  --config 'target.bpfel-solana.rustflags=["-C", "relocation-model=static", "-C", "link-arg=--llvm-args=-bpf-stack-size=4096", "-C", "link-arg=--arch=v0"]'
deploy="$CARGO_TARGET_DIR/deploy"
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
