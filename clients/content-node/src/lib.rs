//! The content node: receives uploads (authenticated by the artist's signature, validated as audio, addressed by
//! CID while streaming), stores them atomically, replicates each to two more registered nodes chosen by
//! stake-weighted rendezvous, serves them with range requests and verified reads, and repairs what it should
//! hold from the track records on Solana.
//!
//! The node does not write to Solana: the upload answers with the CID and the replica set, and the artist's
//! client records the track with the artist's own key (`create_track`), so the node never holds artists' keys.

pub mod audio;
pub mod config;
pub mod db;
pub mod error;
pub mod ingest;
pub mod metrics;
pub mod node;
pub mod peers;
pub mod repair;
pub mod replicate;
pub mod server;
pub mod store;
pub mod unpin;

use std::time::Duration;

use alloy::signers::local::PrivateKeySigner;
use anyhow::Context;

use crate::config::NodeConfig;
pub use crate::node::Node;

/// Run the node, signing as `key`, until `shutdown` resolves: serve HTTP, refresh the registry and repair in the
/// background.
pub async fn run(
    config: NodeConfig,
    key: PrivateKeySigner,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let node = Node::open(config, key).await?;
    node.refresh().await;
    let refresher = tokio::spawn({
        let node = node.clone();
        async move {
            let mut every = tokio::time::interval(Duration::from_secs(node.config.refresh_secs.max(1)));
            every.tick().await;
            loop {
                every.tick().await;
                node.refresh().await;
                if let Err(error) = db::prune_nonces(&node.db, audius_sdk::upload::unix_now()).await {
                    tracing::warn!(%error, "pruning nonces");
                }
            }
        }
    });
    let repairer = tokio::spawn(repair::run(node.clone()));
    tracing::info!(listen = %listener.local_addr()?, endpoint = %node.config.endpoint, "content node up");
    let result = axum::serve(listener, server::router(node)).with_graceful_shutdown(shutdown).await;
    refresher.abort();
    repairer.abort();
    tracing::info!("content node stopped");
    Ok(result?)
}
