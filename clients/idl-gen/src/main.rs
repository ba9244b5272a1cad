//! `audius-idl-gen [--anchor-v2] PROGRAM_DIR [CARGO_ARG ...]`: print the Anchor IDL of the program in PROGRAM_DIR as
//! JSON on stdout; CARGO_ARGs go to the cargo build that prints it.
//!
//! Uses anchor-lang-idl's builder (what `anchor idl build` runs), so no Anchor CLI install is needed: 0.1 for
//! Anchor 1.x programs, 0.2 for Anchor v2 programs (`--anchor-v2`). Both write IDL spec 0.1.0.

use std::path::PathBuf;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    let anchor_v2 = args.next_if(|a| a == "--anchor-v2").is_some();
    let program_dir: PathBuf =
        args.next().context("usage: audius-idl-gen [--anchor-v2] PROGRAM_DIR [CARGO_ARG ...]")?.into();
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
    let json = if anchor_v2 {
        let idl = anchor_lang_idl_v2::build::IdlBuilder::new()
            .program_path(program_dir)
            .cargo_args(cargo_args)
            .build()
            .context("building the IDL")?;
        serde_json::to_string_pretty(&idl)?
    } else {
        let idl = anchor_lang_idl::build::IdlBuilder::new()
            .program_path(program_dir)
            .cargo_args(cargo_args)
            .build()
            .context("building the IDL")?;
        serde_json::to_string_pretty(&idl)?
    };
    println!("{json}");
    Ok(())
}
