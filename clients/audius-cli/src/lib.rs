//! The logic behind the `audius` command; `main.rs` only parses arguments, calls [`run`] and turns its result
//! into output and an exit code.

pub mod commands;
pub mod context;
pub mod error;
pub mod output;
pub mod settings;
pub mod units;

use clap::{Parser, Subcommand};

pub use error::{CliError, ExitCode};
pub use output::Output;
pub use settings::GlobalArgs;

/// Audius protocol command-line client.
#[derive(Parser)]
#[command(
    name = "audius",
    version,
    about = "Audius protocol command-line client: node operators, delegators, governance voters and artists",
    after_help = "Exit codes: 0 done, 1 unexpected failure, 2 invalid input (nothing was sent), 3 refused by a \
                  contract or program, 4 network or chain unreachable, 5 configuration or key problem, 6 not \
                  confirmed."
)]
pub struct Cli {
    /// Connections, keys and output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Run nodes: register, stake, update, deregister, status.
    #[command(subcommand)]
    Operator(commands::operator::OperatorCommand),
    /// Delegate stake to operators and claim rewards.
    #[command(subcommand)]
    Delegate(commands::delegate::DelegateCommand),
    /// Issuance rounds.
    #[command(subcommand)]
    Round(commands::round::RoundCommand),
    /// Governance: propose, vote (operators and delegators), execute, veto.
    #[command(subcommand)]
    Gov(commands::gov::GovCommand),
    /// Artist profiles and tracks on Solana.
    #[command(subcommand)]
    Artist(commands::artist::ArtistCommand),
    /// Carry facts across the chains with the attesters' signatures: node admission, tiers, activity.
    #[command(subcommand)]
    Bridge(commands::bridge::BridgeCommand),
    /// Balances (ETH, AUDIO held and staked, votes, SOL) and transfers of AUDIO or ETH.
    #[command(subcommand)]
    Wallet(commands::wallet::WalletCommand),
    /// Print a shell completion script.
    Completions(commands::completions::CompletionsArgs),
}

/// Execute a parsed command line and return what it has to say.
pub async fn run(cli: Cli) -> Result<Output, anyhow::Error> {
    let context = context::Context::new(cli.global)?;
    match cli.command {
        Command::Operator(command) => commands::operator::run(command, &context).await,
        Command::Delegate(command) => commands::delegate::run(command, &context).await,
        Command::Round(command) => commands::round::run(command, &context).await,
        Command::Gov(command) => commands::gov::run(command, &context).await,
        Command::Artist(command) => commands::artist::run(command, &context).await,
        Command::Bridge(command) => commands::bridge::run(command, &context).await,
        Command::Wallet(command) => commands::wallet::run(command, &context).await,
        Command::Completions(args) => commands::completions::run(args),
    }
}
