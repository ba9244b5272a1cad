//! Where the project's pinned tools are: anvil, forge and cast are installed by `scripts/setup.sh` from npm into
//! `contracts/node_modules/.bin`; an environment variable overrides each one.

use std::path::{Path, PathBuf};

/// The repository root, as compiled into this crate (the tools and contracts of a checkout; nothing shipped reads it).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The anvil binary: `$ANVIL`, else the project's npm-installed anvil, else `anvil` on `PATH`.
pub fn anvil_binary() -> PathBuf {
    tool_binary("ANVIL", "anvil")
}

fn tool_binary(env_var: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env_var) {
        return PathBuf::from(path);
    }
    let pinned = repo_root().join("contracts/node_modules/.bin").join(name);
    if pinned.exists() {
        pinned
    } else {
        PathBuf::from(name)
    }
}

/// The forge binary: `$FORGE`, else the project's npm-installed forge, else `forge` on `PATH`.
pub fn forge_binary() -> PathBuf {
    tool_binary("FORGE", "forge")
}

/// The cast binary: `$CAST`, else the project's npm-installed cast, else `cast` on `PATH`.
pub fn cast_binary() -> PathBuf {
    tool_binary("CAST", "cast")
}
