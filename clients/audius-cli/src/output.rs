//! What a command prints: text for people, JSON for scripts (`--json`), from one value.

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
    pub fn print(&self, json: bool) {
        if json {
            println!("{}", serde_json::to_string_pretty(&self.json).expect("JSON prints"));
        } else if !self.text.is_empty() {
            println!("{}", self.text.trim_end());
        }
    }
}

/// Print a failure: `error: …` on standard error, or `{"error": …, "exit_code": …}` on standard output with
/// `--json` (so a script reads one JSON document either way).
pub fn print_error(error: &anyhow::Error, code: ExitCode, json: bool) {
    let message = error.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ");
    if json {
        println!("{}", serde_json::json!({ "error": message, "exit_code": code as u8 }));
    } else {
        eprintln!("error: {message}");
    }
}
