//! `audius completions`: shell completion scripts.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::Output;

/// Arguments of `audius completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

/// Generate the script for the shell.
pub fn run(args: CompletionsArgs) -> anyhow::Result<Output> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut crate::Cli::command(), "audius", &mut script);
    let script = String::from_utf8(script)?;
    Ok(Output::new(script.clone(), serde_json::json!({ "shell": args.shell.to_string(), "script": script })))
}
