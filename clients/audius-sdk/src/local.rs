//! The project's pinned local tools and what they do for local networks and tests: where anvil and forge are
//! (installed by `scripts/setup.sh` from npm into `contracts/node_modules/.bin`; an environment variable overrides
//! each one) and deploying the protocol with the project's deployment script.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use alloy::primitives::Address;

use crate::eth::Deployment;

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

/// The forge binary: `$FORGE`, else the project's npm-installed forge, else `forge` on `PATH`.
pub fn forge_binary() -> PathBuf {
    tool_binary("FORGE", "forge")
}

/// Settings of a protocol deployment by the project's deployment script.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// Receives the initial AUDIO supply (default: the deployer).
    pub treasury: Option<Address>,
    /// May veto proposals (default: none).
    pub guardian: Option<Address>,
    /// Share of all stake (bps) activity attesters must hold (default: the protocol default).
    pub attestation_quorum_bps: Option<u16>,
}

/// Errors from running the local tools.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// A tool could not be started.
    #[error("could not run {tool}: {source} (run scripts/setup.sh to install the project's tools)")]
    Spawn {
        /// The tool.
        tool: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The deployment script failed.
    #[error("the deployment script failed:\n{0}")]
    Deploy(String),
    /// The deployment it wrote could not be read.
    #[error(transparent)]
    Deployment(#[from] crate::eth::EthError),
}

/// Deploy and wire the whole protocol on `rpc_url` with `contracts/script/Deploy.s.sol` (the same routine the
/// contract tests use), signed by `private_key`; the deployment is written to `contracts/deployments/<file_name>`
/// and returned. Blocking: it runs forge.
pub fn deploy_protocol(
    rpc_url: &str,
    private_key: &str,
    file_name: &str,
    options: &DeployOptions,
) -> Result<Deployment, LocalError> {
    let contracts = repo_root().join("contracts");
    let forge = forge_binary();
    let mut command = Command::new(&forge);
    command
        .current_dir(&contracts)
        .args(["script", "script/Deploy.s.sol:Deploy", "--broadcast", "--rpc-url", rpc_url, "--private-key"])
        .arg(private_key);
    if let Some(treasury) = options.treasury {
        command.env("TREASURY", treasury.to_string());
    }
    if let Some(guardian) = options.guardian {
        command.env("GUARDIAN", guardian.to_string());
    }
    if let Some(quorum) = options.attestation_quorum_bps {
        command.env("ATTESTATION_QUORUM_BPS", quorum.to_string());
    }
    let file = format!("deployments/{file_name}");
    command.env("DEPLOYMENT_FILE", &file);
    let output = command.output().map_err(|source| LocalError::Spawn { tool: forge.clone(), source })?;
    if !output.status.success() {
        return Err(LocalError::Deploy(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(Deployment::load(&contracts.join(file))?)
}
