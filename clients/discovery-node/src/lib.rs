//! The discovery node: indexes the content ledger from Solana into SQLite or PostgreSQL (cursor and data in one transaction per
//! batch, the hash chain checked), reads track and profile metadata from the content nodes, and answers queries
//! over HTTP: tracks by address, CID, artist, title; profiles by address or handle; ledger entries; content nodes
//! with stake and health; which nodes to stream a CID from; and whether an upload has been indexed.

pub mod api;
pub mod attest;
pub mod config;
pub mod db;
pub mod error;
pub mod indexer;
pub mod metadata;
pub mod metrics;
pub mod node;

use std::time::Duration;

use alloy::signers::local::PrivateKeySigner;
use anyhow::Context;

pub use crate::node::{Discovery, Status};
use crate::{config::DiscoveryConfig, indexer::Indexer};

/// Run until `shutdown` resolves: index, read metadata, refresh chain status, serve the API; with an `attester`
/// key (the node's delegate wallet), attest facts for the bridge.
pub async fn run(
    config: DiscoveryConfig,
    attester: Option<PrivateKeySigner>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let discovery = Discovery::open(&config, attester).await?;
    let mut indexer = Indexer::new(discovery.solana_client(), discovery.pool.clone());
    indexer.batch = config.batch;
    let poll = Duration::from_millis(config.poll_ms.max(10));
    let indexing = tokio::spawn({
        let discovery = discovery.clone();
        async move {
            while discovery.index_once(&indexer).await {
                tokio::time::sleep(poll).await;
            }
        }
    });
    let metadata = tokio::spawn(metadata::run(discovery.pool.clone(), discovery.http.clone(), Duration::from_secs(1)));
    let chain = tokio::spawn({
        let discovery = discovery.clone();
        let endpoint = config.endpoint.clone();
        async move {
            loop {
                discovery.refresh_chain(endpoint.as_deref()).await;
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    });
    let bridge = tokio::spawn({
        let discovery = discovery.clone();
        async move {
            loop {
                discovery.watch_bridge().await;
                tokio::time::sleep(Duration::from_secs(15)).await;
            }
        }
    });
    tracing::info!(listen = %listener.local_addr()?, "discovery node up");
    let result = axum::serve(listener, api::router(discovery)).with_graceful_shutdown(shutdown).await;
    for task in [indexing, metadata, chain, bridge] {
        task.abort();
    }
    Ok(result?)
}
