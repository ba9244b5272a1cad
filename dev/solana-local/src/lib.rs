//! A local Solana JSON-RPC node that hosts the Audius programs, for development, the local network and tests.
//!
//! This node is surfpool (the Solana Foundation's LiteSVM-based local validator) in offline mode. The Audius
//! programs run as their SBF ELFs (built by `scripts/build-sbf.sh`, embedded by [`programs`]): metered, with the
//! SBF stack and heap, as a cluster runs them. SPL Token, Token-2022, ATA and Memo run as their real SBF programs.
//! Clients talk to it over JSON-RPC exactly as they talk to devnet or mainnet; there is one validator with no
//! network. Events travel by `emit_cpi!` inner instructions, which reach `getTransaction`
//! here and on real clusters alike.

use std::{net::TcpListener, thread::JoinHandle, time::Duration};

use anyhow::{bail, Context};
use crossbeam_channel::{unbounded, Sender};
use surfpool_core::{solana_rpc_client::rpc_client::RpcClient, surfnet::svm::SurfnetSvm};
use surfpool_types::{RpcConfig, SimnetCommand, SimnetConfig, SimnetEvent, SurfpoolConfig};

pub mod programs;
pub mod spl;

pub use solana_pubkey::Pubkey;

/// Where to listen and whom to fund.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub bind_host: String,
    /// JSON-RPC port; 0 picks a free one.
    pub rpc_port: u16,
    /// WebSocket port; 0 picks a free one.
    pub ws_port: u16,
    /// Accounts airdropped `fund_lamports` at start.
    pub fund: Vec<Pubkey>,
    pub fund_lamports: u64,
    /// Slot time in milliseconds.
    pub slot_time_ms: u64,
    /// The programs' upgrade authority (the deployer, who alone may `initialize` the content program); `None`
    /// deploys them immutable.
    pub upgrade_authority: Option<Pubkey>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            bind_host: "127.0.0.1".into(),
            rpc_port: 0,
            ws_port: 0,
            fund: Vec::new(),
            fund_lamports: 1_000 * 1_000_000_000,
            slot_time_ms: 400,
            upgrade_authority: None,
        }
    }
}

/// A running node. Dropping it stops it.
pub struct LocalNode {
    pub rpc_url: String,
    pub ws_url: String,
    commands: Sender<SimnetCommand>,
    runloop: Option<JoinHandle<()>>,
}

/// Pick a free port for `port` if it is 0, and hold it: the caller keeps the listener until every port is chosen,
/// so two picks in a row cannot return the same port.
fn reserve_port(host: &str, port: &mut u16) -> anyhow::Result<Option<TcpListener>> {
    if *port != 0 {
        return Ok(None);
    }
    let listener = TcpListener::bind((host, 0))?;
    *port = listener.local_addr()?.port();
    Ok(Some(listener))
}

impl LocalNode {
    /// Start a node with the Audius programs and wait until it answers `getHealth`.
    pub fn start(mut config: NodeConfig) -> anyhow::Result<Self> {
        let rpc_reservation = reserve_port(&config.bind_host, &mut config.rpc_port)?;
        let ws_reservation = reserve_port(&config.bind_host, &mut config.ws_port)?;
        drop((rpc_reservation, ws_reservation));
        let (mut svm, events, geyser) = SurfnetSvm::default();
        programs::load(&mut svm.inner.svm, config.upgrade_authority).context("deploying the programs' ELFs")?;

        let surfpool_config = SurfpoolConfig {
            simnets: vec![SimnetConfig {
                offline_mode: true,
                remote_rpc_url: None,
                slot_time: config.slot_time_ms,
                airdrop_addresses: config.fund.clone(),
                airdrop_token_amount: config.fund_lamports,
                ..SimnetConfig::default()
            }],
            rpc: RpcConfig {
                bind_host: config.bind_host.clone(),
                bind_port: config.rpc_port,
                ws_port: config.ws_port,
                ..RpcConfig::default()
            },
            ..SurfpoolConfig::default()
        };
        let (commands, commands_rx) = unbounded();
        let runloop_commands = commands.clone();
        let runloop = std::thread::Builder::new()
            .name("surfnet".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the node");
                let result = runtime.block_on(surfpool_core::start_local_surfnet(
                    svm,
                    surfpool_config,
                    runloop_commands,
                    commands_rx,
                    geyser,
                ));
                if let Err(error) = result {
                    tracing::error!(%error, "local Solana node stopped with an error");
                }
            })
            .context("spawning the node thread")?;
        // The runloop reports on this channel; nobody else reads it, so drain it to keep it from filling.
        std::thread::Builder::new()
            .name("surfnet-events".into())
            .spawn(move || {
                while let Ok(event) = events.recv() {
                    if let SimnetEvent::Aborted(reason) = event {
                        tracing::error!(%reason, "local Solana node aborted");
                    }
                }
            })
            .context("spawning the event drain")?;

        let node = Self {
            rpc_url: format!("http://{}:{}", config.bind_host, config.rpc_port),
            ws_url: format!("ws://{}:{}", config.bind_host, config.ws_port),
            commands,
            runloop: Some(runloop),
        };
        node.wait_healthy(Duration::from_secs(20))?;
        Ok(node)
    }

    fn wait_healthy(&self, timeout: Duration) -> anyhow::Result<()> {
        let client = RpcClient::new(self.rpc_url.clone());
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if client.get_health().is_ok() {
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                bail!("local Solana node at {} not healthy after {timeout:?}", self.rpc_url);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stop the node and wait for its runloop to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.commands.send(SimnetCommand::Terminate(None));
        if let Some(runloop) = self.runloop.take() {
            let _ = runloop.join();
        }
    }
}

impl Drop for LocalNode {
    fn drop(&mut self) {
        self.shutdown();
    }
}
