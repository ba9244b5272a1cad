# The SBF toolchain of programs/, installed by the project and cached outside the clone (a warm call only checks).
# Source it, then call `sbf_toolchain`; `programs_cargo` runs cargo on the programs' workspace with the patched
# framework (host builds: IDL; with --target: SBF).
#   - Rust nightly-2026-08-21 with rust-src (LLVM 23; core and alloc are built for the target, -Zbuild-std);
#   - sbpf-linker 0.2.6 (bitcode -> SBF ELF, with rustc's libLLVM), under $AUDIUS_CACHE/sbf-tools;
#   - anchor-lang 2.0.0-rc.2 with programs/sbf/anchor-lang-2.0.0-rc.2.diff applied, under $AUDIUS_CACHE/sbf-crates.
# shellcheck shell=bash

SBF_NIGHTLY=nightly-2026-08-21
SBF_LINKER_VERSION=0.2.6
SBF_ANCHOR_VERSION=2.0.0-rc.2
SBF_TOOLS="$AUDIUS_CACHE/sbf-tools"
SBF_PATCHED_ANCHOR="$AUDIUS_CACHE/sbf-crates/anchor-lang-$SBF_ANCHOR_VERSION"
PROGRAMS_MANIFEST="$REPO_ROOT/programs/Cargo.toml"

sbf_toolchain() {
  local tool
  for tool in rustup node patch; do
    command -v "$tool" >/dev/null 2>&1 || { echo "sbf: $tool is required (scripts/setup.sh installs it)" >&2; return 1; }
  done
  local sysroot
  sysroot="$(rustup run "$SBF_NIGHTLY" rustc --print sysroot 2>/dev/null || true)"
  if [[ -z "$sysroot" || ! -d "$sysroot/lib/rustlib/src/rust/library" ]]; then
    echo "sbf: installing Rust $SBF_NIGHTLY with rust-src"
    rustup toolchain install "$SBF_NIGHTLY" --profile minimal --component rust-src
  fi
  if [[ "$("$SBF_TOOLS/bin/sbpf-linker" --version 2>/dev/null || true)" != *"$SBF_LINKER_VERSION"* ]]; then
    echo "sbf: building sbpf-linker $SBF_LINKER_VERSION (once, several minutes)"
    cargo install sbpf-linker --version "$SBF_LINKER_VERSION" --locked --root "$SBF_TOOLS"
  fi
  sbf_patched_anchor
}

# A copy of the published crate with our patch applied, never a source tree in the repo.
sbf_patched_anchor() {
  local patch_file="$REPO_ROOT/programs/sbf/anchor-lang-$SBF_ANCHOR_VERSION.diff"
  local stamp="$SBF_PATCHED_ANCHOR/.audius-patch-sha256"
  local sum
  sum="$(sha256sum "$patch_file" | cut -d' ' -f1)"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]] && return 0
  echo "sbf: patching anchor-lang $SBF_ANCHOR_VERSION"
  local fetch pristine
  fetch="$(mktemp -d)"
  # shellcheck disable=SC2064 # the directory is known now
  trap "rm -rf '$fetch'" RETURN
  mkdir -p "$fetch/src"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nanchor-lang = "=%s"\n' \
    "$SBF_ANCHOR_VERSION" > "$fetch/Cargo.toml"
  touch "$fetch/src/lib.rs"
  # `cargo metadata` downloads the crate (a registry request, once per patch change) and names where its source
  # was unpacked.
  pristine="$(cargo metadata --quiet --format-version 1 --manifest-path "$fetch/Cargo.toml" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0));
    console.log(require("path").dirname(m.packages.find((p) => p.name === "anchor-lang").manifest_path));')"
  rm -rf "$SBF_PATCHED_ANCHOR"
  mkdir -p "$(dirname "$SBF_PATCHED_ANCHOR")"
  cp -r "$pristine" "$SBF_PATCHED_ANCHOR"
  patch --quiet -p1 -d "$SBF_PATCHED_ANCHOR" < "$patch_file"
  echo "$sum" > "$stamp"
}

# The --config that points the programs' workspace at the patched framework.
programs_patch_config() {
  echo "patch.crates-io.anchor-lang.path=\"$SBF_PATCHED_ANCHOR\""
}
