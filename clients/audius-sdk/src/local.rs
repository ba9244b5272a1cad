//! Paths of the project's pinned local tools. They are installed by `scripts/setup.sh` from npm into
//! `contracts/node_modules/.bin`; an environment variable overrides each one.

use std::path::{Path, PathBuf};

/// The repository root, as compiled into this crate.
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
