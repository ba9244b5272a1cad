# The SBF toolchain of programs/, installed by the project and cached outside the clone (a warm call only checks).
# Source it, then call `sbf_toolchain`; `programs_cargo` runs cargo on the programs' workspace with the patched
# framework (host builds: IDL; with --target: SBF).
#   - Rust nightly-2026-08-21 with rust-src (LLVM 23; core and alloc are built for the target, -Zbuild-std);
#   - sbpf-linker 0.2.6 (bitcode -> SBF ELF, with rustc's libLLVM) with programs/sbf/sbpf-linker-0.2.6.diff
#     applied, under $AUDIUS_CACHE/sbf-tools;
#   - anchor-lang 2.0.0-rc.2 with programs/sbf/anchor-lang-2.0.0-rc.2.diff applied, under $AUDIUS_CACHE/sbf-crates.
# shellcheck shell=bash

SBF_NIGHTLY=nightly-2026-08-21
SBF_LINKER_VERSION=0.2.6
SBF_ANCHOR_VERSION=2.0.0-rc.2
SBF_TOOLS="$AUDIUS_CACHE/sbf-tools"
SBF_PATCHED_ANCHOR="$AUDIUS_CACHE/sbf-crates/anchor-lang-$SBF_ANCHOR_VERSION"
SBF_PATCHED_LINKER="$AUDIUS_CACHE/sbf-crates/sbpf-linker-$SBF_LINKER_VERSION"
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
  sbf_require_patched_crate sbpf-linker "$SBF_LINKER_VERSION" "$SBF_PATCHED_LINKER"
  # The installed linker records the patch it was built from.
  local linker_stamp="$SBF_TOOLS/.audius-patch-sha256"
  if [[ ! -x "$SBF_TOOLS/bin/sbpf-linker" || "$(cat "$linker_stamp" 2>/dev/null)" != "$(sbf_patch_sum sbpf-linker "$SBF_LINKER_VERSION")" ]]; then
    echo "sbf: building sbpf-linker $SBF_LINKER_VERSION (once, several minutes)"
    cargo install --quiet --path "$SBF_PATCHED_LINKER" --locked --force --root "$SBF_TOOLS"
    sbf_patch_sum sbpf-linker "$SBF_LINKER_VERSION" > "$linker_stamp"
  fi
  sbf_patched_anchor
}

# The framework copy the programs' workspace builds against (SBF and the IDL build alike).
sbf_patched_anchor() {
  sbf_require_patched_crate anchor-lang "$SBF_ANCHOR_VERSION" "$SBF_PATCHED_ANCHOR"
}

sbf_patch_sum() {
  sha256sum "$REPO_ROOT/programs/sbf/$1-$2.diff" | cut -d' ' -f1
}

# A copy of a published crate with our patch (programs/sbf/<crate>-<version>.diff) applied, never a source tree in
# the repo. Returns 0 when it (re)made the copy, 1 when the copy was current, 2 when it failed. Callers test the
# status (so `set -e` does not apply inside): every step checks its own result.
sbf_patched_crate() {
  local crate="$1" version="$2" dest="$3"
  local patch_file="$REPO_ROOT/programs/sbf/$crate-$version.diff"
  local stamp="$dest/.audius-patch-sha256"
  local sum fetch pristine
  sum="$(sbf_patch_sum "$crate" "$version")" || return 2
  [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]] && return 1
  echo "sbf: patching $crate $version"
  fetch="$(mktemp -d)" || return 2
  mkdir -p "$fetch/src" && touch "$fetch/src/lib.rs" || return 2
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
    "$crate" "$version" > "$fetch/Cargo.toml" || return 2
  # `cargo metadata` downloads the crate (a registry request, once per patch change) and names where its source
  # was unpacked.
  pristine="$(cargo metadata --quiet --format-version 1 --manifest-path "$fetch/Cargo.toml" | CRATE="$crate" node -e '
    const m = JSON.parse(require("fs").readFileSync(0));
    console.log(require("path").dirname(m.packages.find((p) => p.name === process.env.CRATE).manifest_path));')"
  local fetched=$?
  rm -rf "$fetch"
  [[ $fetched -eq 0 && -d "$pristine" ]] || { echo "sbf: could not fetch $crate $version" >&2; return 2; }
  rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && cp -r "$pristine" "$dest" || return 2
  if ! patch --quiet -p1 -d "$dest" < "$patch_file"; then
    echo "sbf: $patch_file does not apply to $crate $version" >&2
    rm -rf "$dest"
    return 2
  fi
  echo "$sum" > "$stamp"
}

# Make the patched copy of `crate`; fail unless it is current or was just made.
sbf_require_patched_crate() {
  local status=0
  sbf_patched_crate "$@" || status=$?
  [[ $status -le 1 ]]
}

# The --config that points the programs' workspace at the patched framework.
programs_patch_config() {
  echo "patch.crates-io.anchor-lang.path=\"$SBF_PATCHED_ANCHOR\""
}
