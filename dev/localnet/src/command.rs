//! `audius-localnet`: the whole protocol on this machine. `up` starts anvil with the contracts, the local Solana
//! node with the programs, discovery nodes registered as attesters and content nodes registered, staked and
//! admitted through the bridge, in a background process whose state lives in one directory; `status`, `down` and
//! `reset` manage it. `demo` runs the upload flow and the token economics on a fresh network of its own.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use alloy::providers::Provider;
use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};
use serde::{Deserialize, Serialize};
use serde_json::json;

use audius_cli::{CliError, Output};
use audius_sdk::api;

use crate::{LocalNetwork, Options};

mod demo;

/// The `audius-localnet` command line.
#[derive(Parser)]
#[command(
    name = "audius-localnet",
    version,
    about = "The whole Audius network on this machine: up, status, down, reset, and the demo flow"
)]
pub struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: LocalnetCommand,
}

/// Local network subcommands.
#[derive(Subcommand)]
pub enum LocalnetCommand {
    /// Start the network in the background; returns once every service reports healthy.
    Up(NetworkArgs),
    /// One line per service of the running network.
    Status(StateArgs),
    /// Stop what `up` started (and nothing else).
    Down(StateArgs),
    /// Stop the network and delete its state directory.
    Reset(StateArgs),
    /// On a fresh network: a profile, an upload replicated to three nodes, recorded, indexed and streamed back;
    /// then a delegation, an issuance round with attested activity and a governance vote that changes a parameter.
    Demo(demo::DemoArgs),
    /// Run the network in the foreground (what `up` starts in the background).
    #[command(hide = true)]
    Serve(NetworkArgs),
}

/// Where the network keeps its state.
#[derive(Args, Clone)]
pub struct StateArgs {
    /// State directory [default: $XDG_STATE_HOME/audius/localnet].
    #[arg(long, env = "AUDIUS_LOCALNET_DIR", value_name = "DIR")]
    dir: Option<PathBuf>,
}

impl StateArgs {
    fn dir(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| {
            let state = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| ".".into())).join(".local/state")
            });
            state.join("audius/localnet")
        })
    }
}

/// What to start.
#[derive(Args, Clone)]
pub struct NetworkArgs {
    #[command(flatten)]
    state: StateArgs,
    /// Content nodes (at least 3: every track has three replicas).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(3..=9))]
    content_nodes: u8,
    /// Discovery nodes, each an attester.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=5))]
    discovery_nodes: u8,
}

/// A node of the running network.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeEntry {
    /// Service id on Ethereum.
    pub sp_id: u64,
    /// Where it answers.
    pub endpoint: String,
}

/// What a running network publishes in its state directory (`localnet.json`) once every service is healthy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The process serving the network.
    pub pid: u32,
    /// Ethereum JSON-RPC (anvil).
    pub eth_rpc: String,
    /// The contracts' addresses.
    pub deployment: PathBuf,
    /// Solana JSON-RPC.
    pub solana_rpc: String,
    /// Solana PubSub (WebSocket), where clients confirm transactions by subscription (`new Connection(rpc,
    /// {wsEndpoint})` in web3.js: its default, the RPC port + 1, is not where the local node listens).
    pub solana_ws: String,
    /// A funded Solana keypair (the content program's admin).
    pub solana_keypair: PathBuf,
    /// The anvil account whose key funds and administers (account 0: treasury and deployer).
    pub eth_admin_key: String,
    /// Discovery nodes.
    pub discovery_nodes: Vec<NodeEntry>,
    /// Content nodes.
    pub content_nodes: Vec<NodeEntry>,
    /// Milliseconds from start to every service healthy.
    pub ready_ms: u64,
}

const MANIFEST: &str = "localnet.json";
const LOG: &str = "localnet.log";

/// Run a local network subcommand.
pub async fn run(command: LocalnetCommand, json: bool) -> anyhow::Result<Output> {
    match command {
        LocalnetCommand::Up(args) => up(args).await,
        LocalnetCommand::Status(state) => {
            let manifest = running(&state.dir())?
                .ok_or_else(|| CliError::input(format!("no local network is running in {}", state.dir().display())))?;
            status(&manifest, "running").await
        }
        LocalnetCommand::Down(state) => down(&state.dir()).await,
        LocalnetCommand::Reset(state) => {
            let dir = state.dir();
            let stopped = down(&dir).await?;
            if dir.exists() {
                std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
            }
            Ok(Output::new(
                format!("{}\n{} cleared", stopped.text.trim_end(), dir.display()),
                json!({ "dir": dir, "cleared": true }),
            ))
        }
        LocalnetCommand::Demo(args) => demo::run(args, json).await,
        LocalnetCommand::Serve(args) => serve(args).await,
    }
}

fn read_manifest(dir: &Path) -> anyhow::Result<Option<Manifest>> {
    match std::fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).context("reading the network's manifest")?)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn alive(pid: u32) -> bool {
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The running network's manifest; a manifest left by a process that died is removed.
fn running(dir: &Path) -> anyhow::Result<Option<Manifest>> {
    match read_manifest(dir)? {
        Some(manifest) if alive(manifest.pid) => Ok(Some(manifest)),
        Some(_) => {
            std::fs::remove_file(dir.join(MANIFEST))?;
            Ok(None)
        }
        None => Ok(None),
    }
}

async fn up(args: NetworkArgs) -> anyhow::Result<Output> {
    let dir = args.state.dir();
    if let Some(manifest) = running(&dir)? {
        return status(&manifest, "already running").await;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let log = std::fs::File::create(dir.join(LOG))?;
    let started = Instant::now();
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command
        .args(["serve", "--dir"])
        .arg(&dir)
        .args(["--content-nodes", &args.content_nodes.to_string()])
        .args(["--discovery-nodes", &args.discovery_nodes.to_string()])
        .stdin(std::process::Stdio::null())
        // The log says what each service did unless RUST_LOG asks for something else.
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .stdout(log.try_clone()?)
        .stderr(log);
    // Its own process group: a Ctrl-C in this terminal later does not reach it; `down` does.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().context("starting the network process")?;
    let deadline = started + Duration::from_secs(180);
    loop {
        if let Some(manifest) = read_manifest(&dir)? {
            return status(&manifest, &format!("up in {:.1} s", started.elapsed().as_secs_f64())).await;
        }
        if let Some(exit) = child.try_wait()? {
            bail!("the network process exited ({exit}) before it was ready:\n{}", log_tail(&dir));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("the network was not ready in 180 s; the end of {}:\n{}", dir.join(LOG).display(), log_tail(&dir));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The last lines the network process logged.
fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join(LOG)).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

async fn serve(args: NetworkArgs) -> anyhow::Result<Output> {
    let dir = args.state.dir();
    let started = Instant::now();
    let nodes = dir.join("nodes");
    if nodes.exists() {
        std::fs::remove_dir_all(&nodes)?; // the chains start empty: so do the nodes
    }
    std::fs::create_dir_all(&nodes)?;
    let network = LocalNetwork::start(Options {
        content_nodes: usize::from(args.content_nodes),
        discovery_nodes: usize::from(args.discovery_nodes),
        data_dir: Some(nodes),
        ..Options::default()
    })
    .await?;
    let deployment = dir.join("deployment.json");
    std::fs::copy(&network.chain.deployment_file, &deployment)?;
    let solana_keypair = dir.join("solana-admin.json");
    std::fs::write(&solana_keypair, serde_json::to_string(&network.solana_admin.to_bytes().to_vec())?)?;
    let entry = |sp_id, endpoint: &String| NodeEntry { sp_id, endpoint: endpoint.clone() };
    let manifest = Manifest {
        pid: std::process::id(),
        eth_rpc: network.chain.anvil.endpoint(),
        deployment,
        solana_rpc: network.solana_node.rpc_url.clone(),
        solana_ws: network.solana_node.ws_url.clone(),
        solana_keypair,
        eth_admin_key: network.chain.key(0),
        discovery_nodes: network.discovery_nodes.iter().map(|n| entry(n.sp_id, &n.endpoint)).collect(),
        content_nodes: network.content_nodes.iter().map(|n| entry(n.sp_id, &n.endpoint)).collect(),
        ready_ms: started.elapsed().as_millis() as u64,
    };
    // Written whole, then renamed: `up` never reads half a manifest.
    let partial = dir.join(format!("{MANIFEST}.partial"));
    std::fs::write(&partial, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&partial, dir.join(MANIFEST))?;
    tracing::info!(ready_ms = manifest.ready_ms, "local network ready");

    audius_sdk::service::shutdown_signal().await;
    let _ = std::fs::remove_file(dir.join(MANIFEST));
    drop(network);
    Ok(Output::new("stopped", json!({ "stopped": true })))
}

async fn down(dir: &Path) -> anyhow::Result<Output> {
    let Some(manifest) = running(dir)? else {
        return Ok(Output::new(
            format!("no local network is running in {}", dir.display()),
            json!({ "stopped": false }),
        ));
    };
    let signalled = std::process::Command::new("kill").args(["-TERM", &manifest.pid.to_string()]).status()?;
    if !signalled.success() {
        bail!("could not signal the network process {}", manifest.pid);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while alive(manifest.pid) {
        if Instant::now() > deadline {
            bail!("the network process {} did not stop in 30 s", manifest.pid);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = std::fs::remove_file(dir.join(MANIFEST));
    Ok(Output::new(
        format!("stopped the local network (process {})", manifest.pid),
        json!({ "stopped": true, "pid": manifest.pid }),
    ))
}

/// A content node's standing in a word, as its health document names it.
fn standing(registration: &api::content::Registration) -> &'static str {
    match registration {
        api::content::Registration::Unknown { .. } => "unknown",
        api::content::Registration::Registered { .. } => "registered",
        api::content::Registration::Refused { .. } => "refused",
    }
}

/// One line per service, read from each one's health.
async fn status(manifest: &Manifest, headline: &str) -> anyhow::Result<Output> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
    let content_health = |endpoint: String| {
        let http = http.clone();
        async move { api::get::<api::content::Health>(&http, &endpoint, "/health").await.ok() }
    };
    let discovery_health = |endpoint: String| {
        let http = http.clone();
        async move { api::get::<api::discovery::Health>(&http, &endpoint, "/health").await.ok() }
    };
    let mut lines =
        vec![format!("local network {headline} (process {}, ready in {} ms)", manifest.pid, manifest.ready_ms)];
    let eth = alloy::providers::ProviderBuilder::new().connect_http(manifest.eth_rpc.parse()?);
    let block = eth.get_block_number().await.ok();
    lines.push(format!(
        "  ethereum        {:<28} {}",
        manifest.eth_rpc,
        block.map_or("unreachable".to_owned(), |b| format!("block {b}"))
    ));
    let solana = audius_sdk::solana::rpc::ContentClient::new(manifest.solana_rpc.clone());
    let ledger = solana.ledger().await.ok();
    lines.push(format!(
        "  solana          {:<28} {}",
        manifest.solana_rpc,
        ledger.map_or("unreachable".to_owned(), |l| format!("registry ledger at entry {}", l.chain.seq))
    ));
    let mut services = Vec::new();
    for node in &manifest.discovery_nodes {
        let report = discovery_health(node.endpoint.clone()).await;
        let text = match &report {
            Some(h) => format!("indexed {} entries, {} slots behind", h.indexed.position, h.lag.slots),
            None => "unreachable".to_owned(),
        };
        lines.push(format!("  discovery {:<5} {:<28} {text}", node.sp_id, node.endpoint));
        services.push(
            json!({ "kind": "discovery-node", "sp_id": node.sp_id, "endpoint": node.endpoint, "health": report }),
        );
    }
    for node in &manifest.content_nodes {
        let report = content_health(node.endpoint.clone()).await;
        let text = match &report {
            Some(h) => format!("{}, {} peers", standing(&h.registration), h.peers.len()),
            None => "unreachable".to_owned(),
        };
        lines.push(format!("  content {:<7} {:<28} {text}", node.sp_id, node.endpoint));
        services
            .push(json!({ "kind": "content-node", "sp_id": node.sp_id, "endpoint": node.endpoint, "health": report }));
    }
    lines.push(format!("  deployment      {}", manifest.deployment.display()));
    lines.push(format!("  solana keypair  {}", manifest.solana_keypair.display()));
    lines.push(format!("  admin key       {} (anvil account 0)", manifest.eth_admin_key));
    Ok(Output::new(lines.join("\n"), json!({ "manifest": manifest, "services": services, "block": block })))
}
