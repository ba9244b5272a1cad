//! The node's shared state: the index, both chains, indexing status and the eligible content nodes.

use std::{collections::HashMap, sync::Arc, time::Duration};

use alloy::{
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use anyhow::Context;
use audius_sdk::{
    bridge::Aggregator,
    eth::{Deployment, Protocol, ServiceType},
    nodes::{self, ContentNodes},
    solana::rpc::ContentClient,
};
use serde::Serialize;
use tokio::sync::{watch, RwLock};

use crate::{config::DiscoveryConfig, db, indexer::Indexer, metrics::DiscoveryMetrics};

/// What the health endpoint reports about indexing and identity.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// The cluster's slot, last read.
    pub chain_slot: u64,
    /// Why indexing stopped for good (forged or mismatched data), if it did.
    pub halted: Option<String>,
    /// The last error indexing retried after.
    pub last_error: Option<String>,
    /// This node's registration as a discovery node, when an endpoint is configured.
    pub registration: Option<String>,
}

/// Shared state of the node.
pub struct Discovery {
    /// The index.
    pub pool: sqlx::AnyPool,
    /// Solana.
    pub solana: ContentClient,
    /// Indexing and identity, for `/health`.
    pub status: RwLock<Status>,
    /// The index position of the last committed batch (upload-status streams wait on it).
    pub indexed: watch::Sender<i64>,
    /// What `/metrics` reports.
    pub metrics: DiscoveryMetrics,
    pub(crate) http: reqwest::Client,
    pub(crate) eth: Option<Protocol<DynProvider>>,
    /// The delegate-wallet key this node attests with, if it attests.
    pub(crate) attester: Option<PrivateKeySigner>,
    eligible: RwLock<Option<ContentNodes>>,
    health_cache: RwLock<HashMap<String, (tokio::time::Instant, bool)>>,
}

impl Discovery {
    /// Open the database and connect.
    pub async fn open(config: &DiscoveryConfig, attester: Option<PrivateKeySigner>) -> anyhow::Result<Arc<Self>> {
        let pool = db::open(&config.database).await.context("opening the index database")?;
        let eth = match (&config.eth_rpc, &config.deployment) {
            (Some(url), Some(path)) => {
                let provider =
                    ProviderBuilder::new().connect_http(url.parse().context("--eth-rpc is not a URL")?).erased();
                Some(Protocol::connect(provider, Deployment::load(path)?).await.context("connecting to Ethereum")?)
            }
            _ => None,
        };
        let cursor = db::cursor(&pool).await?;
        Ok(Arc::new(Self {
            solana: ContentClient::new(config.solana_rpc.clone()),
            status: RwLock::new(Status::default()),
            indexed: watch::channel(cursor.position).0,
            http: reqwest::Client::builder().connect_timeout(Duration::from_secs(2)).build()?,
            eligible: RwLock::new(None),
            metrics: DiscoveryMetrics::new(),
            health_cache: RwLock::new(HashMap::new()),
            pool,
            eth,
            attester,
        }))
    }

    /// The content nodes eligible for uploads and reads (`audius_sdk::nodes`), as last read from both chains;
    /// `None` without an Ethereum connection or before the first read.
    pub async fn eligible_nodes(&self) -> Option<ContentNodes> {
        self.eligible.read().await.clone()
    }

    /// Ready is indexing: not halted, and the cluster read at least once (`GET /health/ready`).
    pub async fn readiness(&self) -> Result<(), String> {
        let status = self.status.read().await;
        if let Some(reason) = &status.halted {
            return Err(format!("indexing halted: {reason}"));
        }
        if status.chain_slot == 0 {
            return Err(match &status.last_error {
                Some(error) => format!("the cluster has not been read yet: {error}"),
                None => "the cluster has not been read yet".to_owned(),
            });
        }
        Ok(())
    }

    /// Whether a content node answers its health endpoint (cached for ten seconds).
    pub async fn node_healthy(&self, endpoint: &str) -> bool {
        if let Some((at, healthy)) = self.health_cache.read().await.get(endpoint) {
            if at.elapsed() < Duration::from_secs(10) {
                return *healthy;
            }
        }
        let healthy = match self.http.get(format!("{endpoint}/health")).timeout(Duration::from_secs(1)).send().await {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        };
        self.health_cache.write().await.insert(endpoint.to_owned(), (tokio::time::Instant::now(), healthy));
        healthy
    }

    /// One indexing step: poll, publish progress, record errors; `false` once indexing has halted.
    pub async fn index_once(&self, indexer: &Indexer) -> bool {
        if self.status.read().await.halted.is_some() {
            return false;
        }
        match indexer.poll().await {
            Ok(cursor) => {
                self.indexed.send_replace(cursor.position);
                self.metrics.indexed_position.set(cursor.position);
                self.status.write().await.last_error = None;
            }
            Err(error) if error.is_fatal() => {
                tracing::error!(%error, "indexing halted: the ledger read does not match its hash chain");
                self.status.write().await.halted = Some(error.to_string());
                return false;
            }
            Err(error) => {
                tracing::warn!(%error, "indexing will retry");
                self.status.write().await.last_error = Some(error.to_string());
            }
        }
        true
    }

    /// Slots between the content program's newest transaction and the newest one the index has read: 0 when it
    /// has read everything there is.
    pub async fn index_lag(&self) -> anyhow::Result<u64> {
        let newest = self.solana.newest_transaction().await?;
        let cursor = db::cursor(&self.pool).await?;
        Ok(match newest {
            Some((signature, slot)) if cursor.signature.as_deref() != Some(signature.as_str()) => {
                slot.saturating_sub(cursor.slot.max(0) as u64)
            }
            _ => 0,
        })
    }

    /// Measure the bridge: how many of Solana's attesters answer at the discovery nodes registered on Ethereum, and
    /// their margin over the quorum (`/metrics`).
    pub(crate) async fn watch_bridge(&self) {
        let Some(eth) = &self.eth else { return };
        let (Ok(aggregator), Ok(config)) = (Aggregator::discover(eth).await, self.solana.config().await) else {
            return;
        };
        let reachable = aggregator.reachable(&config.attesters).await.len() as i64;
        self.metrics.bridge_reachable.set(reachable);
        self.metrics.bridge_quorum_margin.set(reachable - i64::from(config.attester_quorum));
    }

    pub(crate) async fn refresh_chain(&self, endpoint: Option<&str>) {
        if let Ok(slot) = self.solana.rpc().get_slot().await {
            self.status.write().await.chain_slot = slot;
        }
        if let Ok(lag) = self.index_lag().await {
            self.metrics.index_lag_slots.set(lag as i64);
        }
        let Some(eth) = &self.eth else { return };
        let Ok(registered) = nodes::registered(eth).await else { return };
        if let Some(endpoint) = endpoint {
            let mine = registered.iter().find(|r| {
                r.service.endpoint == endpoint && r.service.service_type == ServiceType::DiscoveryNode.name()
            });
            self.status.write().await.registration = Some(mine.map_or_else(
                || format!("no discovery node is registered at {endpoint}"),
                |r| format!("discovery node {} of operator {}", r.service.id, r.service.owner),
            ));
        }
        if let Ok((content, admitted)) = nodes::admitted(&self.solana, &registered).await {
            *self.eligible.write().await = Some(ContentNodes::select(eth.deployment.chain_id, &content, &admitted));
        }
    }
}

impl Discovery {
    pub(crate) fn solana_client(&self) -> ContentClient {
        ContentClient::new(self.solana.rpc().url())
    }
}
