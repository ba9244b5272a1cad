//! The node's settings: flags, each with an environment variable for service managers.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;

/// Settings of one content node.
#[derive(Parser, Debug, Clone)]
#[command(name = "audius-content-node", version, about = "Audius content node: stores, replicates and streams music")]
pub struct NodeConfig {
    /// Address to listen on.
    #[arg(long, env = "AUDIUS_CN_LISTEN", default_value = "127.0.0.1:4000")]
    pub listen: SocketAddr,
    /// The endpoint this node is registered under on Ethereum (how peers and clients reach it).
    #[arg(long, env = "AUDIUS_CN_ENDPOINT")]
    pub endpoint: String,
    /// Where blobs and the node's database live.
    #[arg(long, env = "AUDIUS_CN_DATA_DIR")]
    pub data_dir: PathBuf,
    /// Ethereum JSON-RPC URL.
    #[arg(long, env = "AUDIUS_ETH_RPC", default_value = "http://127.0.0.1:8545")]
    pub eth_rpc: String,
    /// Deployment file with the contract addresses.
    #[arg(long, env = "AUDIUS_DEPLOYMENT")]
    pub deployment: PathBuf,
    /// Solana JSON-RPC URL.
    #[arg(long, env = "AUDIUS_SOLANA_RPC", default_value = "http://127.0.0.1:8899")]
    pub solana_rpc: String,
    /// Name of the environment variable holding the node's delegate-wallet private key (read by the binary).
    #[arg(long, default_value = "AUDIUS_DELEGATE_PRIVATE_KEY")]
    pub delegate_key_env: String,
    /// Largest upload, in bytes.
    #[arg(long, env = "AUDIUS_CN_MAX_UPLOAD_BYTES", default_value_t = 512 << 20)]
    pub max_upload_bytes: u64,
    /// Seconds between reads of the registry (registration, peers, stake).
    #[arg(long, env = "AUDIUS_CN_REFRESH_SECS", default_value_t = 30)]
    pub refresh_secs: u64,
    /// Seconds between repair passes over the tracks this node should hold.
    #[arg(long, env = "AUDIUS_CN_REPAIR_SECS", default_value_t = 60)]
    pub repair_secs: u64,
    /// Longest validity an upload signature may have, in seconds.
    #[arg(long, default_value_t = 3_600)]
    pub max_grant_secs: u64,
    /// Seconds after a CID last arrived (an upload or a replica) during which an artist's unpin request is refused:
    /// an upload of it may still be on its way to its track record. Longer than an upload grant and the receipts.
    #[arg(long, env = "AUDIUS_CN_UNPIN_GRACE_SECS", default_value_t = 7_200)]
    pub unpin_grace_secs: u64,
}
