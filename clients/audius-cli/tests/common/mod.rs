//! Running the real `audius` binary against real local chains.

#![allow(dead_code)] // each test file uses its own part

use std::{path::PathBuf, process::Command};

use audius_devkit::LocalChain;

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The `--json` output.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    /// Assert success and return the JSON output.
    pub fn ok(self) -> serde_json::Value {
        assert_eq!(self.code, 0, "{self:?}");
        self.json()
    }
}

/// The binary with an environment of its own: no config file from the machine, chosen RPC URLs and keys.
#[derive(Clone)]
pub struct Audius {
    pub env: Vec<(String, String)>,
    pub config_home: PathBuf,
}

impl Audius {
    pub fn new(config_home: PathBuf) -> Self {
        Self { env: Vec::new(), config_home }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_string()));
        self
    }

    /// Run `audius <args>` with no stdin (as a script would).
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_audius"));
        command.args(args).env_clear().env("XDG_CONFIG_HOME", &self.config_home).env("HOME", &self.config_home);
        command.stdin(std::process::Stdio::null());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let output = command.output().expect("the audius binary runs");
        Run {
            code: output.status.code().expect("exited"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `audius --yes --json <args>`, asserting success.
    pub fn ok(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--yes", "--json"];
        all.extend_from_slice(args);
        self.run(&all).ok()
    }
}

/// A local chain with the protocol deployed, and the binary pointed at it.
pub struct Chain(pub LocalChain);

impl std::ops::Deref for Chain {
    type Target = LocalChain;

    fn deref(&self) -> &LocalChain {
        &self.0
    }
}

impl Chain {
    /// A fresh chain; account `guardian` (if any) may veto proposals.
    pub async fn start(guardian: Option<usize>) -> Self {
        Self(LocalChain::start(guardian).await.expect("local chain"))
    }

    /// The binary pointed at this chain, signing with account `index`.
    pub fn audius(&self, config_home: PathBuf, index: usize) -> Audius {
        Audius::new(config_home)
            .with("AUDIUS_ETH_RPC", self.anvil.endpoint())
            .with("AUDIUS_DEPLOYMENT", self.deployment_file.display())
            .with("AUDIUS_ETH_PRIVATE_KEY", self.key(index))
    }

    /// Give account `index` some AUDIO from the treasury.
    pub async fn fund(&self, index: usize, audio: &str) {
        self.0.fund(index, audio).await.expect("funding");
    }

    /// Move the chain's clock on.
    pub async fn advance(&self, seconds: u64) {
        self.0.advance(seconds).await.expect("advancing time");
    }

    /// Transactions account `index` has sent.
    pub async fn nonce(&self, index: usize) -> u64 {
        self.0.nonce(index).await.expect("nonce")
    }
}
