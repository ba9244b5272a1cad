//! `audius-discovery-node`: the discovery node daemon.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = audius_discovery_node::config::DiscoveryConfig::parse();
    audius_discovery_node::run(config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
