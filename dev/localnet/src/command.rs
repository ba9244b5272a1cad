//! `audius-localnet`: the whole protocol on this machine. `up` starts anvil with the contracts, the local Solana
//! node with the programs, discovery nodes registered as attesters and content nodes registered, staked and
//! admitted through the bridge, in a background process whose state lives in one directory; `status`, `down` and
//! `reset` manage it. `demo` runs the upload flow and the token economics on a fresh network of its own.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{
        utils::{format_ether, format_units, parse_ether},
        Address, U256,
    },
    providers::{ext::AnvilApi, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};
use serde::{Deserialize, Serialize};
use serde_json::json;

use audius_cli::{
    units::{parse_audio, parse_eth},
    CliError, Output,
};
use audius_sdk::{
    api,
    eth::{format_audio, send::transact, Deployment, Protocol},
};

use crate::{AccountRole, FundedAccount, LocalNetwork, Options};

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
    /// Print `export` lines pointing the `audius` CLI at the running network, signing as one of its users:
    /// `eval "$(audius-localnet env)"`.
    Env(EnvArgs),
    /// Give an account tokens: AUDIO (from the treasury) and ETH to an Ethereum address, SOL to a Solana address.
    Fund(FundArgs),
    /// Move the Ethereum chain's clock on and mine a block: lockups, votes, rounds and the attestation window
    /// follow it (Solana's clock is the machine's).
    Advance(AdvanceArgs),
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

/// `env`: which user signs.
#[derive(Args, Clone)]
pub struct EnvArgs {
    #[command(flatten)]
    state: StateArgs,
    /// The user (1 to 5) whose Ethereum key the exported settings sign with.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=5))]
    user: u8,
}

/// `fund`: who, and how much of what.
#[derive(Args, Clone)]
pub struct FundArgs {
    #[command(flatten)]
    state: StateArgs,
    /// An Ethereum address (`0x…`: AUDIO and ETH) or a Solana address (base58: SOL).
    address: String,
    /// AUDIO to send from the treasury [default, with no amount given: 1000].
    #[arg(long, value_parser = parse_audio)]
    audio: Option<U256>,
    /// ETH to add to the balance [default, with no amount given: 10].
    #[arg(long, value_parser = parse_eth)]
    eth: Option<U256>,
    /// SOL to airdrop [default, for a Solana address: 10].
    #[arg(long, value_parser = parse_sol)]
    sol: Option<u64>,
}

/// `advance`: by how much.
#[derive(Args, Clone)]
pub struct AdvanceArgs {
    #[command(flatten)]
    state: StateArgs,
    /// How far: `3600`, `90s`, `2h`, `7days`, `1d 12h`.
    #[arg(value_parser = parse_duration)]
    duration: Duration,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(text).map_err(|error| format!("{text:?} is not a duration: {error}"))?,
    };
    if duration.as_secs() == 0 {
        return Err(format!("{text:?}: advance by at least a second"));
    }
    Ok(duration)
}

fn parse_sol(text: &str) -> Result<u64, String> {
    let lamports = audius_cli::units::parse_tokens(text, 9, "SOL")?;
    u64::try_from(lamports).map_err(|_| format!("{text:?} is more SOL than there is"))
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
    /// The content program's admin keypair (it also holds SOL).
    pub solana_keypair: PathBuf,
    /// A user's Solana keypair with SOL (what `env` exports for artist commands).
    pub user_solana_keypair: PathBuf,
    /// Every funded Ethereum account by role: the admin (treasury and deployer), each node's operator and wallet,
    /// the users.
    pub accounts: Vec<FundedAccount>,
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
        LocalnetCommand::Status(state) => match running(&state.dir())? {
            Some(manifest) => status(&manifest, "running").await,
            // Not running is an answer, not a failure: `status` reports it as it reports a running network.
            None => Ok(Output::new(not_running(&state.dir()), json!({ "running": false, "dir": state.dir() }))),
        },
        LocalnetCommand::Env(args) => env(&require_running(&args.state)?, args.user),
        LocalnetCommand::Fund(args) => fund(&require_running(&args.state)?, args).await,
        LocalnetCommand::Advance(args) => advance(&require_running(&args.state)?, args.duration).await,
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
    let user_solana_keypair = dir.join("solana-user.json");
    let user = network.funded_keypair().await?;
    std::fs::write(&user_solana_keypair, serde_json::to_string(&user.to_bytes().to_vec())?)?;
    let entry = |sp_id, endpoint: &String| NodeEntry { sp_id, endpoint: endpoint.clone() };
    let manifest = Manifest {
        pid: std::process::id(),
        eth_rpc: network.chain.anvil.endpoint(),
        deployment,
        solana_rpc: network.solana_node.rpc_url.clone(),
        solana_ws: network.solana_node.ws_url.clone(),
        solana_keypair,
        user_solana_keypair,
        accounts: network.accounts(),
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
    lines.push(format!("  solana admin    {}", manifest.solana_keypair.display()));
    lines.push(format!("  solana user     {}", manifest.user_solana_keypair.display()));
    lines.push("  accounts (anvil development keys):".to_owned());
    for account in &manifest.accounts {
        let role = match account.sp_id {
            Some(sp_id) => format!("{} {sp_id}", account.role),
            None => account.role.to_string(),
        };
        lines.push(format!("    {role:<27} {} {}", account.address, account.private_key));
    }
    lines.push("  point the CLI at it: eval \"$(audius-localnet env)\"".to_owned());
    Ok(Output::new(lines.join("\n"), json!({ "manifest": manifest, "services": services, "block": block })))
}

fn not_running(dir: &Path) -> String {
    format!("no local network is running in {} (start one with `audius-localnet up`)", dir.display())
}

fn require_running(state: &StateArgs) -> anyhow::Result<Manifest> {
    running(&state.dir())?.ok_or_else(|| CliError::network(not_running(&state.dir())))
}

/// `value` quoted for a POSIX shell.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The settings the `audius` CLI reads from its environment, for the running network and user `user`.
fn env(manifest: &Manifest, user: u8) -> anyhow::Result<Output> {
    let users: Vec<&FundedAccount> = manifest.accounts.iter().filter(|a| a.role == AccountRole::User).collect();
    let signer = users
        .get(usize::from(user) - 1)
        .ok_or_else(|| CliError::input(format!("the network has {} users, not {user}", users.len())))?;
    let vars = [
        ("AUDIUS_ETH_RPC", manifest.eth_rpc.clone()),
        ("AUDIUS_SOLANA_RPC", manifest.solana_rpc.clone()),
        ("AUDIUS_DEPLOYMENT", manifest.deployment.display().to_string()),
        ("AUDIUS_SOLANA_KEYPAIR", manifest.user_solana_keypair.display().to_string()),
        ("AUDIUS_ETH_PRIVATE_KEY", signer.private_key.clone()),
    ];
    let mut text =
        format!("# the local network's settings for `audius`, signing as user {user} ({})\n", signer.address);
    for (name, value) in &vars {
        text.push_str(&format!("export {name}={}\n", shell_quote(value)));
    }
    let json: serde_json::Map<String, serde_json::Value> =
        vars.into_iter().map(|(name, value)| (name.to_owned(), value.into())).collect();
    Ok(Output::new(text, json))
}

async fn admin(manifest: &Manifest) -> anyhow::Result<Protocol<alloy::providers::DynProvider>> {
    let key = &manifest
        .accounts
        .iter()
        .find(|a| a.role == AccountRole::Admin)
        .context("the manifest names no admin")?
        .private_key;
    let signer: PrivateKeySigner = key.parse().context("the admin key")?;
    let provider = ProviderBuilder::new().wallet(signer).connect_http(manifest.eth_rpc.parse()?).erased();
    Ok(Protocol::connect(provider, Deployment::load(&manifest.deployment)?).await?)
}

async fn fund(manifest: &Manifest, args: FundArgs) -> anyhow::Result<Output> {
    if args.address.starts_with("0x") {
        let address: Address = audius_cli::units::parse_address(&args.address).map_err(CliError::input)?;
        if args.sol.is_some() {
            return Err(CliError::input("SOL goes to a Solana address; this is an Ethereum one"));
        }
        let unasked = args.audio.is_none() && args.eth.is_none();
        let audio = args.audio.or(unasked.then(|| parse_ether("1000").expect("an amount")));
        let eth = args.eth.or(unasked.then(|| parse_ether("10").expect("an amount")));
        let admin = admin(manifest).await?;
        let mut done = Vec::new();
        if let Some(amount) = audio {
            transact(admin.token.transfer(address, amount)).await?;
            done.push(format_audio(amount));
        }
        if let Some(amount) = eth {
            let provider = admin.token.provider();
            let balance = provider.get_balance(address).await?;
            provider.anvil_set_balance(address, balance.saturating_add(amount)).await?;
            done.push(format!("{} ETH", format_ether(amount)));
        }
        let audio_balance = admin.token.balanceOf(address).call().await?;
        let eth_balance = admin.token.provider().get_balance(address).await?;
        return Ok(Output::new(
            format!(
                "sent {} to {address}; it holds {} and {} ETH",
                done.join(" and "),
                format_audio(audio_balance),
                format_ether(eth_balance)
            ),
            json!({ "address": address, "audio": audio_balance.to_string(), "eth": eth_balance.to_string() }),
        ));
    }
    let pubkey: solana_pubkey::Pubkey = args.address.parse().map_err(|_| {
        CliError::input(format!("{:?} is neither an Ethereum (0x…) nor a Solana address", args.address))
    })?;
    if args.audio.is_some() || args.eth.is_some() {
        return Err(CliError::input("AUDIO and ETH go to an Ethereum address; this is a Solana one"));
    }
    let lamports = args.sol.unwrap_or(10_000_000_000);
    let solana = audius_sdk::solana::rpc::ContentClient::new(manifest.solana_rpc.clone());
    let rpc = solana.rpc();
    let before = rpc.get_balance(&pubkey).await?;
    rpc.request_airdrop(&pubkey, lamports).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut balance = before;
    while balance < before + lamports {
        if Instant::now() > deadline {
            bail!("the airdrop to {pubkey} did not arrive in 10 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        balance = rpc.get_balance(&pubkey).await?;
    }
    let sol = |lamports: u64| format_units(U256::from(lamports), 9).unwrap_or_else(|_| lamports.to_string());
    Ok(Output::new(
        format!("sent {} SOL to {pubkey}; it holds {} SOL", sol(lamports), sol(balance)),
        json!({ "address": pubkey.to_string(), "lamports": balance.to_string() }),
    ))
}

async fn advance(manifest: &Manifest, duration: Duration) -> anyhow::Result<Output> {
    let provider = ProviderBuilder::new().connect_http(manifest.eth_rpc.parse()?);
    let before = provider.get_block_by_number(Default::default()).await?.context("no latest block")?.header.timestamp;
    provider.anvil_increase_time(duration.as_secs()).await?;
    provider.anvil_mine(Some(1), None).await?;
    let after = provider.get_block_by_number(Default::default()).await?.context("no latest block")?.header.timestamp;
    Ok(Output::new(
        format!(
            "the Ethereum clock moved {} on: it is now {}",
            humantime::format_duration(duration),
            audius_sdk::time::utc(after)
        ),
        json!({ "before": before, "now": after, "now_utc": audius_sdk::time::utc(after) }),
    ))
}
