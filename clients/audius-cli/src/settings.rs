//! Global options and the config file: every connection and key setting comes from a flag, its environment
//! variable, the config file, or a default, in that order.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use clap::Args;
use serde::Deserialize;

use crate::error::CliError;

/// How long an RPC request may go unanswered unless `--rpc-timeout` says otherwise.
pub const DEFAULT_RPC_TIMEOUT_SECS: u64 = 30;

/// Options every subcommand takes.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// Config file (TOML) with defaults for the options below [default: $XDG_CONFIG_HOME/audius/config.toml].
    #[arg(long, global = true, env = "AUDIUS_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Ethereum JSON-RPC URL [default: http://127.0.0.1:8545].
    #[arg(long, global = true, env = "AUDIUS_ETH_RPC", value_name = "URL")]
    pub eth_rpc: Option<String>,
    /// Solana JSON-RPC URL [default: http://127.0.0.1:8899].
    #[arg(long, global = true, env = "AUDIUS_SOLANA_RPC", value_name = "URL")]
    pub solana_rpc: Option<String>,
    /// Deployment file with the contract addresses [default: $XDG_CONFIG_HOME/audius/deployments/<chain id>.json].
    #[arg(long, global = true, env = "AUDIUS_DEPLOYMENT", value_name = "PATH")]
    pub deployment: Option<PathBuf>,
    /// Ethereum keystore (encrypted JSON); its password comes from AUDIUS_ETH_KEYSTORE_PASSWORD or a prompt.
    #[arg(long, global = true, env = "AUDIUS_ETH_KEYSTORE", value_name = "PATH")]
    pub eth_keystore: Option<PathBuf>,
    /// Name of the environment variable that holds the Ethereum private key (used when no keystore is given; the
    /// key itself never goes on the command line, where other users could read it).
    #[arg(long, global = true, value_name = "VAR", default_value = "AUDIUS_ETH_PRIVATE_KEY")]
    pub eth_private_key_env: String,
    /// Solana keypair file (solana-keygen's JSON format) [default: ~/.config/solana/id.json].
    #[arg(long, global = true, env = "AUDIUS_SOLANA_KEYPAIR", value_name = "PATH")]
    pub solana_keypair: Option<PathBuf>,
    /// Priority fee of every Solana transaction, in micro-lamports per requested compute unit (each write requests
    /// its measured limit, so a fee of 1,000 on a 100,000-unit write is 100 lamports) [default: none].
    #[arg(long, global = true, env = "AUDIUS_PRIORITY_FEE", value_name = "MICRO_LAMPORTS")]
    pub priority_fee: Option<u64>,
    /// Give up on an RPC request (Ethereum or Solana) its node has not answered within this many seconds
    /// [default: 30].
    #[arg(long, global = true, env = "AUDIUS_RPC_TIMEOUT", value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub rpc_timeout: Option<u64>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Do not ask for confirmation before sending transactions (required when not run from a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
}

/// The config file: the same settings as the flags, by the same names in snake case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Ethereum JSON-RPC URL.
    pub eth_rpc: Option<String>,
    /// Solana JSON-RPC URL.
    pub solana_rpc: Option<String>,
    /// Deployment file.
    pub deployment: Option<PathBuf>,
    /// Ethereum keystore.
    pub eth_keystore: Option<PathBuf>,
    /// Solana keypair file.
    pub solana_keypair: Option<PathBuf>,
    /// Priority fee, micro-lamports per compute unit.
    pub priority_fee: Option<u64>,
    /// RPC timeout, seconds.
    pub rpc_timeout: Option<u64>,
}

/// Settings after flags, environment, config file and defaults are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Ethereum JSON-RPC URL.
    pub eth_rpc: String,
    /// Solana JSON-RPC URL.
    pub solana_rpc: String,
    /// Deployment file, if chosen; otherwise [`Settings::default_deployment`] for the chain.
    pub deployment: Option<PathBuf>,
    /// Ethereum keystore, if chosen.
    pub eth_keystore: Option<PathBuf>,
    /// Environment variable with the Ethereum private key.
    pub eth_private_key_env: String,
    /// Solana keypair file.
    pub solana_keypair: PathBuf,
    /// Priority fee of Solana transactions, micro-lamports per compute unit.
    pub priority_fee: Option<u64>,
    /// How long an RPC request may go unanswered.
    pub rpc_timeout: Duration,
    /// JSON output.
    pub json: bool,
    /// No confirmation prompts.
    pub yes: bool,
}

fn config_home() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")))
}

impl Settings {
    /// Where the deployment of `chain_id` is read from when none is chosen: beside the config file, in
    /// `$XDG_CONFIG_HOME/audius/deployments/<chain id>.json` (the file the deployment script writes, copied there).
    pub fn default_deployment(chain_id: u64) -> anyhow::Result<PathBuf> {
        let home = config_home()
            .ok_or_else(|| CliError::config("no --deployment given and neither XDG_CONFIG_HOME nor HOME is set"))?;
        Ok(home.join("audius/deployments").join(format!("{chain_id}.json")))
    }

    /// Merge `args` over the config file (the one named, which must exist, or the default one, if it exists).
    pub fn resolve(args: GlobalArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => Some(read_config(path)?),
            None => match config_home().map(|home| home.join("audius/config.toml")) {
                Some(path) if path.exists() => Some(read_config(&path)?),
                _ => None,
            },
        }
        .unwrap_or_default();
        Ok(Self {
            eth_rpc: args.eth_rpc.or(file.eth_rpc).unwrap_or_else(|| "http://127.0.0.1:8545".into()),
            solana_rpc: args.solana_rpc.or(file.solana_rpc).unwrap_or_else(|| "http://127.0.0.1:8899".into()),
            deployment: args.deployment.or(file.deployment),
            eth_keystore: args.eth_keystore.or(file.eth_keystore),
            eth_private_key_env: args.eth_private_key_env,
            solana_keypair: args
                .solana_keypair
                .or(file.solana_keypair)
                .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config/solana/id.json")))
                .unwrap_or_else(|| PathBuf::from("id.json")),
            priority_fee: args.priority_fee.or(file.priority_fee),
            rpc_timeout: Duration::from_secs(args.rpc_timeout.or(file.rpc_timeout).unwrap_or(DEFAULT_RPC_TIMEOUT_SECS)),
            json: args.json,
            yes: args.yes,
        })
    }
}

fn read_config(path: &Path) -> anyhow::Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::config(format!("config file {}: {error}", path.display())))?;
    toml::from_str(&text).map_err(|error| CliError::config(format!("config file {}: {error}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "eth_rpc = \"http://file:1\"\nsolana_rpc = \"http://file:2\"\npriority_fee = 5\n")
            .unwrap();
        let args = GlobalArgs {
            config: Some(path.clone()),
            solana_rpc: Some("http://flag:2".into()),
            ..GlobalArgs::default()
        };
        let settings = Settings::resolve(args).unwrap();
        assert_eq!(settings.eth_rpc, "http://file:1");
        assert_eq!(settings.solana_rpc, "http://flag:2");
        assert_eq!(settings.priority_fee, Some(5), "from the file");
        assert!(settings.deployment.is_none());
    }

    #[test]
    fn a_bad_or_missing_named_file_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "eth_rcp = \"typo\"\n").unwrap();
        for config in [path, dir.path().join("missing.toml")] {
            let error = Settings::resolve(GlobalArgs { config: Some(config), ..GlobalArgs::default() }).unwrap_err();
            assert_eq!(crate::error::exit_code(&error), crate::error::ExitCode::Config, "{error}");
        }
    }
}
