//! `audius-idl-gen PROGRAM_DIR [CARGO_ARG ...]`: print the Anchor IDL of the (Anchor v2) program in PROGRAM_DIR as
//! JSON on stdout; CARGO_ARGs go to the cargo build that prints it.
//!
//! Uses anchor-lang-idl 0.2's builder (what the Anchor v2 CLI's `anchor idl build` runs), so no Anchor CLI install
//! is needed. It writes IDL spec 0.1.0, which the SDK's `declare_program!` (Anchor 1.2) reads.

use std::path::PathBuf;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let program_dir: PathBuf = args.next().context("usage: audius-idl-gen PROGRAM_DIR [CARGO_ARG ...]")?.into();
    let program_dir = program_dir.canonicalize().with_context(|| format!("{}", program_dir.display()))?;
    let mut cargo_args = vec!["--lib".to_string()];
    cargo_args.extend(args);
    // The builder runs `cargo test --features idl-build` with RUSTFLAGS="-A warnings". Different RUSTFLAGS
    // would rebuild the whole dependency tree beside the normal one; CARGO_ENCODED_RUSTFLAGS takes precedence
    // over RUSTFLAGS, so setting it to the workspace's (empty) flags keeps one set of artifacts.
    std::env::set_var("CARGO_ENCODED_RUSTFLAGS", "");
    // With RUSTUP_TOOLCHAIN set (rustup sets it for `cargo run`), anchor-lang-idl runs
    // `rustup toolchain install $RUSTUP_TOOLCHAIN`, which *updates* the machine's stable toolchain past the
    // workspace's rust-version, then calls a literal `cargo +{toolchain}` and fails. Let the child cargo pick
    // the toolchain the normal way instead.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    let idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(program_dir)
        .cargo_args(cargo_args)
        .build()
        .context("building the IDL")?;
    println!("{}", serde_json::to_string_pretty(&idl)?);
    Ok(())
}
