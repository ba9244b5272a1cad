//! Running the real `audius` binary against real local chains.

#![allow(dead_code)] // each test file uses its own part

use std::{path::PathBuf, process::Command};

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    primitives::{utils::parse_ether, Address},
    providers::{ext::AnvilApi, DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use audius_sdk::{
    eth::{protocol::transact, Deployment, Protocol},
    local::{deploy_protocol, DeployOptions},
};

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

/// anvil with the whole protocol deployed by the project's deployment script.
pub struct Chain {
    pub anvil: AnvilInstance,
    pub deployment: Deployment,
    pub deployment_file: PathBuf,
    pub admin: Protocol<DynProvider>,
}

impl Chain {
    /// A fresh chain; account `guardian` (if any) may veto proposals.
    pub async fn start(guardian: Option<usize>) -> Self {
        let anvil = Anvil::new().path(audius_sdk::local::anvil_binary()).spawn();
        let options = DeployOptions { guardian: guardian.map(|i| anvil.addresses()[i]), ..DeployOptions::default() };
        let key = alloy::hex::encode_prefixed(anvil.keys()[0].to_bytes());
        let url = anvil.endpoint();
        let file = format!("local-cli-test-{}.json", anvil.port());
        let deployment = tokio::task::spawn_blocking(move || deploy_protocol(&url, &key, &file, &options))
            .await
            .unwrap()
            .expect("deploy");
        let deployment_file = audius_sdk::local::repo_root()
            .join("contracts/deployments")
            .join(format!("local-cli-test-{}.json", anvil.port()));
        let admin = Protocol::connect(self_provider(&anvil, 0), deployment.clone()).await.unwrap();
        Self { anvil, deployment, deployment_file, admin }
    }

    pub fn key(&self, index: usize) -> String {
        alloy::hex::encode_prefixed(self.anvil.keys()[index].to_bytes())
    }

    pub fn address(&self, index: usize) -> Address {
        self.anvil.addresses()[index]
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
        transact(self.admin.token.transfer(self.address(index), parse_ether(audio).unwrap())).await.unwrap();
    }

    /// Move the chain's clock on.
    pub async fn advance(&self, seconds: u64) {
        let provider = self.admin.token.provider();
        provider.anvil_increase_time(seconds).await.unwrap();
        provider.anvil_mine(Some(1), None).await.unwrap();
    }

    pub async fn nonce(&self, index: usize) -> u64 {
        self.admin.token.provider().get_transaction_count(self.address(index)).await.unwrap()
    }
}

fn self_provider(anvil: &AnvilInstance, index: usize) -> DynProvider {
    let signer: PrivateKeySigner = anvil.keys()[index].clone().into();
    ProviderBuilder::new().wallet(signer).connect_http(anvil.endpoint_url()).erased()
}

impl Drop for Chain {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.deployment_file);
    }
}
