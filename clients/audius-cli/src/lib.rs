//! The logic behind the `audius` command; `main.rs` only parses arguments and calls [`run`].

pub mod commands;

use clap::{Parser, Subcommand};

/// Audius protocol command-line client.
#[derive(Parser)]
#[command(name = "audius", version, about = "Audius protocol command-line client")]
pub struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Run the demo flow on throw-away local chains (anvil and an in-process Solana runtime).
    Demo(commands::demo::DemoArgs),
}

/// Execute a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo(args) => commands::demo::run(args, cli.json).await,
    }
}
