//! `audius`: one command for node operators, delegators, governance voters and artists.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    audius_cli::output::log_to_stderr();
    let cli = match audius_cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return audius_cli::output::usage_error(error),
    };
    let json = cli.global.json;
    audius_cli::output::finish(audius_cli::run(cli).await, json)
}
