//! `audius`: one command for node operators, delegators, governance voters and artists.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    audius_cli::run(audius_cli::Cli::parse()).await
}
