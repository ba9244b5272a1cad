//! `audius-localnet`: the whole protocol on this machine, for development and tests (never shipped with `audius`).
//! Output and exit codes are the `audius` command's.

use audius_localnet::command::{self, Cli};
use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    audius_cli::output::log_to_stderr();
    let cli = Cli::parse();
    audius_cli::output::finish(command::run(cli.command, cli.json).await, cli.json)
}
