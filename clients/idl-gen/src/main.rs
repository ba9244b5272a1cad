//! `audius-idl-gen PROGRAM_DIR`: print the Anchor IDL of the program in PROGRAM_DIR as JSON on stdout.
//!
//! Uses anchor-lang-idl's builder (what `anchor idl build` runs), so no Anchor CLI install is needed.

use std::path::PathBuf;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let program_dir: PathBuf = std::env::args_os().nth(1).context("usage: audius-idl-gen PROGRAM_DIR")?.into();
    // The builder runs `cargo test --features idl-build` with RUSTFLAGS="-A warnings". Different RUSTFLAGS
    // would rebuild the whole dependency tree beside the normal one; CARGO_ENCODED_RUSTFLAGS takes precedence
    // over RUSTFLAGS, so setting it to the workspace's (empty) flags keeps one set of artifacts.
    std::env::set_var("CARGO_ENCODED_RUSTFLAGS", "");
    // With RUSTUP_TOOLCHAIN set (rustup sets it for `cargo run`), anchor-lang-idl 0.1.4 runs
    // `rustup toolchain install $RUSTUP_TOOLCHAIN`, which *updates* the machine's stable toolchain past the
    // workspace's rust-version, then calls a literal `cargo +{toolchain}` and fails. Let the child cargo pick
    // the toolchain the normal way instead.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    let idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(program_dir.canonicalize().with_context(|| format!("{}", program_dir.display()))?)
        .cargo_args(vec!["--lib".into()])
        .build()
        .context("building the IDL")?;
    println!("{}", serde_json::to_string_pretty(&idl)?);
    Ok(())
}
