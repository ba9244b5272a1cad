//! The whole network on one machine: anvil with the contracts deployed by the deployment script, the local Solana
//! node with the programs (configuration initialized, one attester), and content nodes registered on Ethereum,
//! admitted on Solana and running in this process. Tests, benchmarks and the demo start it with one call.

use std::{path::PathBuf, time::Duration};

use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context};
use audius_content_node::config::NodeConfig;
use audius_sdk::{
    local::LocalChain,
    solana::{content, rpc::ContentClient},
};
use audius_solana_local::LocalNode;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The cluster id signed into this network's Solana messages.
pub const CLUSTER: [u8; 32] = *b"audius-localnet-cluster-00000000";

/// What to start.
#[derive(Debug, Clone)]
pub struct Options {
    /// Content nodes (at least 3 for uploads to succeed).
    pub content_nodes: usize,
    /// Largest upload a content node takes.
    pub max_upload_bytes: u64,
    /// Where the nodes keep their data [default: a temporary directory, removed on drop].
    pub data_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self { content_nodes: 3, max_upload_bytes: 512 << 20, data_dir: None }
    }
}

/// A running content node.
pub struct ContentNode {
    /// Its service id.
    pub sp_id: u64,
    /// Where it answers.
    pub endpoint: String,
    /// Its data directory.
    pub data_dir: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// The running network. Dropping it stops everything.
pub struct LocalNetwork {
    /// anvil with the contracts.
    pub chain: LocalChain,
    /// The local Solana node.
    pub solana_node: LocalNode,
    /// The content program on it.
    pub solana: ContentClient,
    /// Pays for and administers the content program; funded.
    pub solana_admin: Keypair,
    /// The activity/registration attester.
    pub attester: PrivateKeySigner,
    /// Content nodes, in service-id order.
    pub content_nodes: Vec<ContentNode>,
    _temp: Option<tempfile::TempDir>,
}

/// anvil accounts 1..=n operate the content nodes; accounts 10..=10+n are their delegate wallets.
const WALLET_BASE: usize = 10;

impl LocalNetwork {
    /// Start both chains and the content nodes, and wait until every node has read its registration.
    pub async fn start(options: Options) -> anyhow::Result<Self> {
        let (temp, root) = match &options.data_dir {
            Some(dir) => (None, dir.clone()),
            None => {
                let temp = tempfile::tempdir()?;
                let root = temp.path().to_owned();
                (Some(temp), root)
            }
        };
        let chain = LocalChain::start(None).await.context("starting anvil and deploying the contracts")?;
        let solana_admin = Keypair::new();
        let solana_node = LocalNode::start(audius_solana_local::NodeConfig {
            fund: vec![solana_admin.pubkey()],
            ..audius_solana_local::NodeConfig::default()
        })
        .context("starting the local Solana node")?;
        let solana = ContentClient::new(solana_node.rpc_url.clone());
        let attester = PrivateKeySigner::random();
        solana
            .send(
                &[content::initialize(&solana_admin.pubkey(), CLUSTER, vec![attester.address().0 .0], 1)],
                &solana_admin,
                &[],
            )
            .await
            .context("initializing the content program")?;

        let mut content_nodes = Vec::new();
        for i in 0..options.content_nodes {
            let (operator, wallet) = (1 + i, WALLET_BASE + i);
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            let listen = listener.local_addr()?;
            drop(listener);
            let endpoint = format!("http://{listen}");
            let stake = format!("{}", 200_000 + 100_000 * i);
            let sp_id = chain.register_content_node(operator, wallet, &endpoint, &stake).await?;
            let registration = content::NodeRegistration {
                sp_id,
                owner_wallet: chain.address(operator).0 .0,
                delegate_wallet: chain.address(wallet).0 .0,
                endpoint: endpoint.clone(),
            };
            solana.admit_node(&solana_admin, &[&attester], registration, i64::MAX).await?;
            let data_dir = root.join(format!("content-node-{sp_id}"));
            let config = NodeConfig {
                listen,
                endpoint: endpoint.clone(),
                data_dir: data_dir.clone(),
                eth_rpc: chain.anvil.endpoint(),
                deployment: chain.deployment_file.clone(),
                solana_rpc: solana_node.rpc_url.clone(),
                delegate_key_env: String::new(),
                max_upload_bytes: options.max_upload_bytes,
                refresh_secs: 2,
                repair_secs: 10,
                max_grant_secs: 3_600,
            };
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let task = tokio::spawn(audius_content_node::run(config, chain.signer(wallet), async move {
                let _ = stopped.await;
            }));
            content_nodes.push(ContentNode { sp_id, endpoint, data_dir, stop: Some(stop), task });
        }
        let network = Self { chain, solana_node, solana, solana_admin, attester, content_nodes, _temp: temp };
        network.wait_ready(Duration::from_secs(30)).await?;
        Ok(network)
    }

    /// Wait until every content node reports itself registered with all its peers.
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + timeout;
        for node in &self.content_nodes {
            loop {
                let health = async {
                    http.get(format!("{}/health", node.endpoint)).send().await?.json::<serde_json::Value>().await
                };
                if let Ok(health) = health.await {
                    let peers = health["peers"].as_array().map_or(0, Vec::len);
                    if health["registration"]["status"] == "registered" && peers == self.content_nodes.len() {
                        break;
                    }
                }
                if node.task.is_finished() {
                    bail!("content node {} stopped while starting", node.sp_id);
                }
                if tokio::time::Instant::now() > deadline {
                    bail!("content node {} at {} did not become ready in {timeout:?}", node.sp_id, node.endpoint);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// A new Solana keypair with SOL to pay for its writes.
    pub async fn funded_keypair(&self) -> anyhow::Result<Keypair> {
        let keypair = Keypair::new();
        let rpc = self.solana.rpc();
        rpc.request_airdrop(&keypair.pubkey(), 10_000_000_000).await?;
        for _ in 0..200 {
            if rpc.get_balance(&keypair.pubkey()).await? > 0 {
                return Ok(keypair);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        bail!("the airdrop to {} did not arrive", keypair.pubkey())
    }
}

impl Drop for LocalNetwork {
    fn drop(&mut self) {
        for node in &mut self.content_nodes {
            if let Some(stop) = node.stop.take() {
                let _ = stop.send(());
            }
            node.task.abort();
        }
    }
}
