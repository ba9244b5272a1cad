//! `audius-solana-local`: run the local Solana node with the Audius programs until SIGINT or SIGTERM.

use std::str::FromStr;

use anyhow::Context;
use audius_solana_local::{programs, LocalNode, NodeConfig, Pubkey};
use clap::Parser;

#[derive(Parser)]
#[command(name = "audius-solana-local", version, about = "Local Solana JSON-RPC node hosting the Audius programs")]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// JSON-RPC port (0: any free port).
    #[arg(long, default_value_t = 8899)]
    port: u16,
    /// WebSocket port (0: any free port).
    #[arg(long, default_value_t = 8900)]
    ws_port: u16,
    /// Accounts to fund at start (base58), repeatable.
    #[arg(long = "fund")]
    fund: Vec<String>,
    /// Lamports each funded account receives.
    #[arg(long, default_value_t = 1_000 * 1_000_000_000)]
    fund_lamports: u64,
    /// The programs' upgrade authority (base58): the key that deploys them, and the only one that may initialize the
    /// content program. Without it the programs are immutable and the content program cannot be initialized.
    #[arg(long)]
    upgrade_authority: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let fund = args
        .fund
        .iter()
        .map(|key| Pubkey::from_str(key).with_context(|| format!("--fund {key}: not a base58 public key")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let upgrade_authority = args
        .upgrade_authority
        .as_deref()
        .map(|key| Pubkey::from_str(key).with_context(|| format!("--upgrade-authority {key}: not a base58 public key")))
        .transpose()?;
    let config = NodeConfig {
        upgrade_authority,
        bind_host: args.host,
        rpc_port: args.port,
        ws_port: args.ws_port,
        fund,
        fund_lamports: args.fund_lamports,
        ..NodeConfig::default()
    };
    let node = tokio::task::spawn_blocking(move || LocalNode::start(config)).await??;
    println!("RPC URL: {}", node.rpc_url);
    println!("WebSocket URL: {}", node.ws_url);
    for program in programs::ALL {
        println!("program {}: {}", program.name, program.id);
    }

    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    eprintln!("stopping");
    tokio::task::spawn_blocking(move || node.stop()).await?;
    Ok(())
}
