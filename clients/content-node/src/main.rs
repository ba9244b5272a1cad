//! `audius-content-node`: the content node daemon.

use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = audius_content_node::config::NodeConfig::parse();
    let key = std::env::var(&config.delegate_key_env)
        .with_context(|| format!("set {} to the node's delegate-wallet private key", config.delegate_key_env))?
        .trim()
        .parse()
        .context("the delegate-wallet key is not a private key")?;
    audius_content_node::run(config, key, audius_sdk::service::shutdown_signal()).await
}
