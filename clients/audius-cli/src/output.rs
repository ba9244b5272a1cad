//! What a command prints: text for people, JSON for scripts (`--json`), from one value.

use std::io::{self, Write};

use alloy::primitives::utils::format_ether;
use audius_sdk::eth::SentTx;
use serde::Serialize;
use solana_signature::Signature;

use crate::error::ExitCode;

/// A command's result: the lines people read and the JSON scripts read.
#[derive(Debug)]
pub struct Output {
    /// Text output, one line per entry.
    pub text: String,
    /// The same facts as JSON.
    pub json: serde_json::Value,
    /// The exit code when the command ran but its answer is a failure scripts must see (a simulated proposal that
    /// reverts); success otherwise.
    pub code: Option<ExitCode>,
}

impl Output {
    /// An output of `text` for people and `json` for scripts.
    pub fn new(text: impl Into<String>, json: impl Serialize) -> Self {
        Self { text: text.into(), json: serde_json::to_value(json).expect("outputs serialize"), code: None }
    }

    /// The same output, exiting with `code`: printed in full, as a success is, but a failure to scripts.
    pub fn failing(mut self, code: ExitCode) -> Self {
        self.code = Some(code);
        self
    }

    /// The output of a write, with the transactions it sent: a line each (hash, block, gas, fee) under the text,
    /// and `"transactions"` in the JSON, so every write can be looked up in an explorer.
    pub fn with_transactions(mut self, transactions: &[SentTx]) -> Self {
        for tx in transactions {
            let block = tx.block.map_or_else(|| "pending".to_owned(), |block| format!("block {block}"));
            self.text.push_str(&format!(
                "\n  transaction {} ({block}, {} gas, fee {} ETH)",
                tx.hash,
                tx.gas_used,
                format_ether(tx.fee)
            ));
        }
        self.insert("transactions", serde_json::to_value(transactions).expect("transactions serialize"));
        self
    }

    /// The output of a Solana write, with its transaction signature (a line under the text, `"signature"` in the
    /// JSON).
    pub fn with_signature(mut self, signature: &Signature) -> Self {
        self.text.push_str(&format!("\n  signature {signature}"));
        self.insert("signature", signature.to_string().into());
        self
    }

    fn insert(&mut self, key: &str, value: serde_json::Value) {
        if let serde_json::Value::Object(fields) = &mut self.json {
            fields.insert(key.to_owned(), value);
        }
    }

    fn exit_code(&self) -> std::process::ExitCode {
        self.code.map_or(std::process::ExitCode::SUCCESS, |code| std::process::ExitCode::from(code as u8))
    }

    /// Print to standard output in the chosen form.
    pub fn print(&self, json: bool) -> io::Result<()> {
        let mut out = io::stdout().lock();
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(&self.json).expect("JSON prints"))?;
        } else if !self.text.is_empty() {
            writeln!(out, "{}", self.text.trim_end())?;
        }
        out.flush()
    }
}

/// Print a failure: `error: …` on standard error, or `{"error": …, "exit_code": …}` on standard output with
/// `--json` (so a script reads one JSON document either way).
pub fn print_error(error: &anyhow::Error, code: ExitCode, json: bool) {
    let message = error.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ");
    if json {
        Failure { error: message, exit_code: code as u8, usage: None }.print();
    } else {
        // Nowhere to report a failure to report: the exit code still says it.
        let _ = writeln!(io::stderr().lock(), "error: {message}");
    }
}

/// The JSON document of every failure under `--json` (docs/cli.md, "Exit codes and JSON").
#[derive(Serialize)]
struct Failure {
    /// What went wrong, for a person.
    error: String,
    /// The process's exit code.
    exit_code: u8,
    /// The command's usage line, for a usage error clap shows one for.
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<String>,
}

impl Failure {
    fn print(&self) {
        // Nowhere to report a failure to report: the exit code still says it.
        let _ = writeln!(io::stdout().lock(), "{}", serde_json::to_string(self).expect("a failure serializes"));
    }
}

/// A command line clap refused. Help and version print as clap prints them (exit 0); a usage error is exit 2,
/// printed by clap, or with `--json` among the arguments as the JSON failure document every command prints, with
/// the usage line: scripts read one JSON document whatever went wrong.
pub fn usage_error(error: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    let json = std::env::args_os().skip(1).take_while(|arg| arg != "--").any(|arg| arg == "--json");
    if !json || matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        error.exit()
    }
    let rendered = error.render().to_string();
    let mut paragraphs = rendered.split("\n\n");
    let first = paragraphs.next().unwrap_or_default().trim().trim_start_matches("error: ").to_owned();
    // Asked for a command group without its command, clap prints the group's help; the failure is the missing part.
    let message = if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        "a subcommand is required (see --help)".to_owned()
    } else {
        first
    };
    let usage =
        paragraphs.find_map(|paragraph| paragraph.trim().strip_prefix("Usage: ")).map(|usage| usage.trim().to_owned());
    let code = ExitCode::Input;
    Failure { error: message, exit_code: code as u8, usage }.print();
    std::process::ExitCode::from(code as u8)
}

/// Log to standard error (standard output is the command's result), filtered by `RUST_LOG`.
pub fn log_to_stderr() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
}

/// Print what a command returned, or its failure, and the process's exit code for it.
pub fn finish(result: anyhow::Result<Output>, json: bool) -> std::process::ExitCode {
    match result {
        Ok(output) => match output.print(json) {
            // The reader went away (`audius … | head`): the command did its work; the rest was not wanted.
            Ok(()) => output.exit_code(),
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => output.exit_code(),
            Err(error) => {
                let code = crate::error::ExitCode::Failure;
                print_error(&anyhow::Error::new(error).context("writing the output"), code, json);
                std::process::ExitCode::from(code as u8)
            }
        },
        Err(error) => {
            let code = crate::error::exit_code(&error);
            print_error(&error, code, json);
            std::process::ExitCode::from(code as u8)
        }
    }
}
