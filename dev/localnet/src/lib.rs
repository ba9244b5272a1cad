//! The whole network on one machine: anvil with the contracts deployed by the deployment script, the local Solana
//! node with the programs, discovery nodes registered on Ethereum and configured as the program's attesters, and
//! content nodes registered on Ethereum and admitted on Solana through the bridge (a quorum of the discovery nodes'
//! attestations), all running in this process. Tests, benchmarks and the demo start it with one call.

pub mod command;

use std::{path::PathBuf, time::Duration};

use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context};
use audius_content_node::config::NodeConfig;
use audius_devkit::{LocalChain, LocalError};
use audius_discovery_node::config::DiscoveryConfig;
use audius_sdk::api::content::Health;
use audius_sdk::{
    bridge::{Aggregator, Observer},
    eth::ServiceType,
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
    /// Discovery nodes, each an attester (at most 5).
    pub discovery_nodes: usize,
    /// Largest upload a content node takes.
    pub max_upload_bytes: u64,
    /// Where the nodes keep their data [default: a temporary directory, removed on drop].
    pub data_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self { content_nodes: 3, discovery_nodes: 1, max_upload_bytes: 512 << 20, data_dir: None }
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
    /// Its delegate key (what it signs transfers and replica receipts with).
    pub delegate: PrivateKeySigner,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// A running discovery node.
pub struct DiscoveryNode {
    /// Its service id.
    pub sp_id: u64,
    /// Where it answers.
    pub endpoint: String,
    /// Its index database.
    pub database: PathBuf,
    /// The delegate wallet it attests with.
    pub attester: PrivateKeySigner,
    config: DiscoveryConfig,
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
    /// Discovery nodes (the attesters), in service-id order.
    pub discovery_nodes: Vec<DiscoveryNode>,
    /// Content nodes, in service-id order.
    pub content_nodes: Vec<ContentNode>,
    _temp: Option<tempfile::TempDir>,
}

/// anvil accounts 1..=n operate the content nodes; accounts 10..=10+n are their delegate wallets.
const WALLET_BASE: usize = 10;
/// anvil accounts 20..25 operate the discovery nodes; accounts 25..30 are their delegate wallets.
const DISCOVERY_OPERATOR_BASE: usize = 20;
const DISCOVERY_WALLET_BASE: usize = 25;
const MAX_DISCOVERY_NODES: usize = 5;
/// anvil accounts 30..35 are users: ETH and AUDIO, nothing registered, for trying the CLI.
const USER_BASE: usize = 30;
const USERS: usize = 5;
/// AUDIO each user starts with.
const USER_AUDIO: &str = "100000";

/// What the local network uses a funded account for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountRole {
    /// Deployer and treasury (governance's executor until a vote replaces it).
    Admin,
    /// Operates a content node.
    ContentNodeOperator,
    /// A content node's signing wallet.
    ContentNodeWallet,
    /// Operates a discovery node.
    DiscoveryNodeOperator,
    /// A discovery node's signing wallet (its attester key).
    DiscoveryNodeWallet,
    /// Free to use: ETH and AUDIO, nothing registered.
    User,
}

impl std::fmt::Display for AccountRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = serde_json::to_value(self).expect("a role serializes");
        f.write_str(name.as_str().expect("a role is a string"))
    }
}

/// A funded Ethereum account of the local network and what it is for.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FundedAccount {
    /// What the network uses it for.
    pub role: AccountRole,
    /// For a node's account, the node's service id.
    pub sp_id: Option<u64>,
    /// Its address.
    pub address: alloy::primitives::Address,
    /// Its private key, `0x`-hex (anvil's well-known development keys: never for real funds).
    pub private_key: String,
}

type Running = (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<anyhow::Result<()>>);

fn spawn_discovery_node(config: DiscoveryConfig, attester: PrivateKeySigner) -> Running {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(audius_discovery_node::run(config, Some(attester), async move {
        let _ = stopped.await;
    }));
    (stop, task)
}

/// Stop a node's server and wait until it has let go of its port and files.
async fn stop_node(
    stop: &mut Option<tokio::sync::oneshot::Sender<()>>,
    task: &mut tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    if let Some(stop) = stop.take() {
        let _ = stop.send(());
    }
    task.abort();
    let _ = task.await;
}

/// A free loopback address to listen on, the endpoint for it, and the listener that holds it until the node that will
/// listen there starts (so no later pick returns the same port).
fn free_endpoint() -> anyhow::Result<(std::net::TcpListener, std::net::SocketAddr, String)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let listen = listener.local_addr()?;
    Ok((listener, listen, format!("http://{listen}")))
}

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
        std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        let chain = LocalChain::start(None)
            .await
            .map_err(|error| match error {
                // A tool that is not installed is the configuration's fault (the `audius` exit code 5).
                LocalError::Spawn { .. } => audius_cli::error::CliError::config(error.to_string()),
                other => anyhow::Error::from(other),
            })
            .context("starting anvil and deploying the contracts")?;
        let solana_admin = Keypair::new();
        let solana_node = LocalNode::start(audius_solana_local::NodeConfig {
            fund: vec![solana_admin.pubkey()],
            upgrade_authority: Some(solana_admin.pubkey()),
            ..audius_solana_local::NodeConfig::default()
        })
        .context("starting the local Solana node")?;
        let solana = ContentClient::new(solana_node.rpc_url.clone());
        if options.discovery_nodes == 0 || options.discovery_nodes > MAX_DISCOVERY_NODES {
            bail!("a local network runs 1 to {MAX_DISCOVERY_NODES} discovery nodes");
        }

        // Discovery nodes registered on Ethereum; the program starts with them as its attesters.
        let mut registered = Vec::new();
        for i in 0..options.discovery_nodes {
            let (operator, wallet) = (DISCOVERY_OPERATOR_BASE + i, DISCOVERY_WALLET_BASE + i);
            let (reservation, listen, endpoint) = free_endpoint()?;
            // More stake than the content nodes together: the attesters' operators reach the issuance contract's
            // activity quorum (half of all stake) on their own.
            let stake = format!("{}", 1_000_000 + 100_000 * i);
            let sp_id = chain.register_node(ServiceType::DiscoveryNode, operator, wallet, &endpoint, &stake).await?;
            registered.push((sp_id, reservation, listen, endpoint, chain.signer(wallet)));
        }
        let (attesters, quorum) = Observer { eth: &chain.admin, solana: &solana }.attester_set().await?;
        let initialize = content::initialize(&solana_admin.pubkey(), CLUSTER, attesters, quorum);
        let units = content::initialize_compute_units();
        solana
            .send(&audius_sdk::solana::with_compute_limit(units, [initialize]), &solana_admin, &[])
            .await
            .context("initializing the content program")?;
        let mut discovery_nodes = Vec::new();
        let mut content_reservations = Vec::new();
        let mut content_registered = Vec::new();
        for i in 0..options.content_nodes {
            let (operator, wallet) = (1 + i, WALLET_BASE + i);
            let (reservation, listen, endpoint) = free_endpoint()?;
            let stake = format!("{}", 200_000 + 100_000 * i);
            let sp_id = chain.register_content_node(operator, wallet, &endpoint, &stake).await?;
            content_reservations.push(reservation);
            content_registered.push((sp_id, wallet, listen, endpoint));
        }
        for (sp_id, reservation, listen, endpoint, attester) in registered {
            let database = root.join(format!("discovery-node-{sp_id}.sqlite"));
            let config = DiscoveryConfig {
                listen,
                database: database.display().to_string(),
                solana_rpc: solana_node.rpc_url.clone(),
                eth_rpc: Some(chain.anvil.endpoint()),
                deployment: Some(chain.deployment_file.clone()),
                endpoint: Some(endpoint.clone()),
                delegate_key_env: String::new(),
                poll_ms: 200,
                batch: audius_discovery_node::config::DEFAULT_BATCH,
            };
            drop(reservation);
            let (stop, task) = spawn_discovery_node(config.clone(), attester.clone());
            discovery_nodes.push(DiscoveryNode { sp_id, endpoint, database, attester, config, stop: Some(stop), task });
        }

        drop(content_reservations);
        let mut content_nodes = Vec::new();
        for (sp_id, wallet, listen, endpoint) in content_registered {
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
                // A developer deletes what it just uploaded: the audio goes at once (a real node waits two hours).
                unpin_grace_secs: 0,
            };
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let task = tokio::spawn(audius_content_node::run(config, chain.signer(wallet), async move {
                let _ = stopped.await;
            }));
            let delegate = chain.signer(wallet);
            content_nodes.push(ContentNode { sp_id, endpoint, data_dir, delegate, stop: Some(stop), task });
        }
        for user in USER_BASE..USER_BASE + USERS {
            chain.fund(user, USER_AUDIO).await?;
        }
        let network = Self { chain, solana_node, solana, solana_admin, discovery_nodes, content_nodes, _temp: temp };
        network.wait_attesting(Duration::from_secs(30)).await?;
        // The content nodes enter the Solana registry through the bridge.
        network.aggregator().sync(&network.chain.admin, &network.solana, &network.solana_admin).await?;
        network.wait_ready(Duration::from_secs(30)).await?;
        Ok(network)
    }

    /// Stop content node `sp_id` (its registration stays: to the network it is a node that went down).
    pub async fn stop_content_node(&mut self, sp_id: u64) -> anyhow::Result<()> {
        let node = self.content_nodes.iter_mut().find(|n| n.sp_id == sp_id).context("no such content node")?;
        stop_node(&mut node.stop, &mut node.task).await;
        Ok(())
    }

    /// Stop discovery node `index` abruptly, wherever it is in its indexing.
    pub async fn stop_discovery_node(&mut self, index: usize) -> anyhow::Result<()> {
        let node = self.discovery_nodes.get_mut(index).context("no such discovery node")?;
        stop_node(&mut node.stop, &mut node.task).await;
        Ok(())
    }

    /// Start discovery node `index` again on the same database and port: it resumes from its cursor.
    pub async fn start_discovery_node(&mut self, index: usize) -> anyhow::Result<()> {
        let node = self.discovery_nodes.get_mut(index).context("no such discovery node")?;
        let (stop, task) = spawn_discovery_node(node.config.clone(), node.attester.clone());
        (node.stop, node.task) = (Some(stop), task);
        self.wait_attesting(Duration::from_secs(30)).await
    }

    /// An aggregator over the discovery nodes.
    pub fn aggregator(&self) -> Aggregator {
        Aggregator::new(self.discovery_nodes.iter().map(|n| n.endpoint.clone()).collect())
    }

    /// Wait until every discovery node answers as an attester.
    pub async fn wait_attesting(&self, timeout: Duration) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + timeout;
        for node in &self.discovery_nodes {
            loop {
                let identity =
                    async { http.get(format!("{}/v1/attest", node.endpoint)).send().await?.error_for_status() };
                if identity.await.is_ok() {
                    break;
                }
                if node.task.is_finished() {
                    bail!("discovery node {} stopped while starting", node.sp_id);
                }
                if tokio::time::Instant::now() > deadline {
                    bail!("discovery node {} at {} did not answer in {timeout:?}", node.sp_id, node.endpoint);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// Wait until every content node reports itself registered with all its peers.
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + timeout;
        for node in &self.content_nodes {
            loop {
                let health = audius_sdk::api::get::<Health>(&http, &node.endpoint, "/health").await;
                if let Ok(health) = health {
                    if health.registration.writable().is_some() && health.peers.len() == self.content_nodes.len() {
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

    /// Every account the network funded, by role: the admin, each node's operator and signing wallet, the users.
    pub fn accounts(&self) -> Vec<FundedAccount> {
        let account = |role: AccountRole, sp_id: Option<u64>, index: usize| FundedAccount {
            role,
            sp_id,
            address: self.chain.address(index),
            private_key: self.chain.key(index),
        };
        let mut accounts = vec![account(AccountRole::Admin, None, 0)];
        for (i, node) in self.content_nodes.iter().enumerate() {
            accounts.push(account(AccountRole::ContentNodeOperator, Some(node.sp_id), 1 + i));
            accounts.push(account(AccountRole::ContentNodeWallet, Some(node.sp_id), WALLET_BASE + i));
        }
        for (i, node) in self.discovery_nodes.iter().enumerate() {
            accounts.push(account(AccountRole::DiscoveryNodeOperator, Some(node.sp_id), DISCOVERY_OPERATOR_BASE + i));
            accounts.push(account(AccountRole::DiscoveryNodeWallet, Some(node.sp_id), DISCOVERY_WALLET_BASE + i));
        }
        accounts.extend((USER_BASE..USER_BASE + USERS).map(|index| account(AccountRole::User, None, index)));
        accounts
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
        let content = self.content_nodes.iter_mut().map(|n| (&mut n.stop, &n.task));
        let discovery = self.discovery_nodes.iter_mut().map(|n| (&mut n.stop, &n.task));
        for (stop, task) in content.chain(discovery) {
            if let Some(stop) = stop.take() {
                let _ = stop.send(());
            }
            task.abort();
        }
    }
}
