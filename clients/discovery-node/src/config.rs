//! The node's settings: flags, each with an environment variable.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;

/// Entries per transaction while catching up: large batches spread each random-keyed index page written over many
/// entries (measured by `scripts/bench/discovery-node.sh`: 1,000 → 7,900/s, 10,000 → 17,900/s, 25,000 → 22,400/s
/// over 1M tracks).
pub const DEFAULT_BATCH: usize = 25_000;

/// Settings of one discovery node.
#[derive(Parser, Debug, Clone)]
#[command(name = "audius-discovery-node", version, about = "Audius discovery node: indexes the content ledger")]
pub struct DiscoveryConfig {
    /// Address to listen on.
    #[arg(long, env = "AUDIUS_DN_LISTEN", default_value = "127.0.0.1:5000")]
    pub listen: SocketAddr,
    /// The index: a SQLite file, `sqlite::memory:`, or a `postgres://` URL.
    #[arg(long, env = "AUDIUS_DN_DATABASE")]
    pub database: String,
    /// Solana JSON-RPC URL.
    #[arg(long, env = "AUDIUS_SOLANA_RPC", default_value = "http://127.0.0.1:8899")]
    pub solana_rpc: String,
    /// Ethereum JSON-RPC URL (stake for node ranking, this node's registration).
    #[arg(long, env = "AUDIUS_ETH_RPC")]
    pub eth_rpc: Option<String>,
    /// Deployment file with the contract addresses (with --eth-rpc).
    #[arg(long, env = "AUDIUS_DEPLOYMENT")]
    pub deployment: Option<PathBuf>,
    /// The endpoint this node is registered under as a discovery node.
    #[arg(long, env = "AUDIUS_DN_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Name of the environment variable holding the node's delegate-wallet private key: with it (and Ethereum),
    /// the node attests for the bridge.
    #[arg(long, default_value = "AUDIUS_DELEGATE_PRIVATE_KEY")]
    pub delegate_key_env: String,
    /// Milliseconds between polls of the ledger.
    #[arg(long, env = "AUDIUS_DN_POLL_MS", default_value_t = 400)]
    pub poll_ms: u64,
    /// Most ledger entries per database transaction (catching up fills it; a live node writes what arrived).
    #[arg(long, env = "AUDIUS_DN_BATCH", default_value_t = DEFAULT_BATCH)]
    pub batch: usize,
}
