//! The node's shared state: storage, database, both chains and the registry as last read.

use std::{sync::Arc, time::Duration};

use alloy::{
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use anyhow::Context;
use audius_sdk::{
    eth::{Deployment, Protocol},
    solana::rpc::ContentClient,
};
use tokio::sync::RwLock;

use crate::{config::NodeConfig, db, metrics::NodeMetrics, peers, peers::Directory, store::FsStore};

/// Everything a request handler or background job needs.
pub struct Node {
    /// Settings.
    pub config: NodeConfig,
    /// Blobs.
    pub store: FsStore,
    /// The delegate wallet key: signs replica pushes.
    pub key: PrivateKeySigner,
    /// The Ethereum registry, as last read.
    pub directory: RwLock<Directory>,
    /// Used upload nonces.
    pub db: sqlx::SqlitePool,
    /// The content program (profiles, track records).
    pub solana: ContentClient,
    /// HTTP to peers.
    pub http: reqwest::Client,
    /// The Ethereum chain the registry is on (signed into every message).
    pub chain_id: u64,
    /// What `/metrics` reports.
    pub metrics: NodeMetrics,
    protocol: Protocol<DynProvider>,
    /// The content program's cluster id (signed into replica receipts), read once it is needed.
    cluster: tokio::sync::OnceCell<[u8; 32]>,
}

impl Node {
    /// Open storage and the database and connect to both chains, signing as `key` (the delegate wallet); the
    /// registry is read by [`refresh`](Self::refresh).
    pub async fn open(config: NodeConfig, key: PrivateKeySigner) -> anyhow::Result<Arc<Self>> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
        let store = FsStore::open(&config.data_dir).context("opening blob storage")?;
        let db = db::open(&config.data_dir).await.context("opening the node database")?;
        let provider =
            ProviderBuilder::new().connect_http(config.eth_rpc.parse().context("--eth-rpc is not a URL")?).erased();
        let deployment = Deployment::load(&config.deployment)?;
        let protocol = Protocol::connect(provider.clone(), deployment).await.context("connecting to Ethereum")?;
        let chain_id = provider.get_chain_id().await?;
        Ok(Arc::new(Self {
            solana: ContentClient::new(config.solana_rpc.clone()),
            http: reqwest::Client::builder().connect_timeout(Duration::from_secs(3)).build().context("HTTP client")?,
            directory: RwLock::new(Directory::default()),
            config,
            store,
            key,
            db,
            chain_id,
            metrics: NodeMetrics::new(),
            protocol,
            cluster: tokio::sync::OnceCell::new(),
        }))
    }

    /// The content program's cluster id, as its configuration records it (fixed at initialization).
    pub async fn cluster(&self) -> Result<[u8; 32], audius_sdk::solana::rpc::SolanaError> {
        self.cluster.get_or_try_init(|| async { Ok(self.solana.config().await?.cluster) }).await.copied()
    }

    /// Read the registry again; log when this node's standing changes.
    pub async fn refresh(&self) {
        let result = peers::read_directory(&self.protocol, &self.solana, self.key.address(), &self.config.endpoint)
            .await
            .map_err(|error| error.to_string());
        let mut directory = self.directory.write().await;
        match result {
            Ok(fresh) => {
                if fresh.me != directory.me {
                    match &fresh.me {
                        peers::Registration::Registered { sp_id } => {
                            tracing::info!(sp_id, peers = fresh.peers.len(), "registered: serving writes")
                        }
                        other => tracing::warn!(standing = ?other, "not serving writes until registered"),
                    }
                }
                *directory = fresh;
            }
            Err(error) => {
                tracing::warn!(%error, "could not read the registry; keeping the last view");
                if directory.peers.is_empty() {
                    directory.me = peers::Registration::Unknown { reason: error };
                }
            }
        }
    }
}
