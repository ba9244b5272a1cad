//! `audius-discovery-node`: the discovery node daemon.

use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = audius_discovery_node::config::DiscoveryConfig::parse();
    let attester = match std::env::var(&config.delegate_key_env) {
        Ok(key) => Some(key.trim().parse().context("the delegate-wallet key is not a private key")?),
        Err(_) => None,
    };
    audius_discovery_node::run(config, attester, audius_sdk::service::shutdown_signal()).await
}
