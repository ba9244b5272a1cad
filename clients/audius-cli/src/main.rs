//! `audius`: one command for node operators, delegators, governance voters and artists.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = audius_cli::Cli::parse();
    let json = cli.global.json;
    match audius_cli::run(cli).await {
        Ok(output) => {
            output.print(json);
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            let code = audius_cli::error::exit_code(&error);
            audius_cli::output::print_error(&error, code, json);
            std::process::ExitCode::from(code as u8)
        }
    }
}
