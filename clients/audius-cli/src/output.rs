//! What a command prints: text for people, JSON for scripts (`--json`), from one value.

use std::io::{self, Write};

use serde::Serialize;

use crate::error::ExitCode;

/// A command's result: the lines people read and the JSON scripts read.
#[derive(Debug)]
pub struct Output {
    /// Text output, one line per entry.
    pub text: String,
    /// The same facts as JSON.
    pub json: serde_json::Value,
}

impl Output {
    /// An output of `text` for people and `json` for scripts.
    pub fn new(text: impl Into<String>, json: impl Serialize) -> Self {
        Self { text: text.into(), json: serde_json::to_value(json).expect("outputs serialize") }
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
    // Nowhere to report a failure to report: the exit code still says it.
    let _ = if json {
        writeln!(io::stdout().lock(), "{}", serde_json::json!({ "error": message, "exit_code": code as u8 }))
    } else {
        writeln!(io::stderr().lock(), "error: {message}")
    };
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
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => std::process::ExitCode::SUCCESS,
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
