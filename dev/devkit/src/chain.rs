//! A throw-away Ethereum chain: the project's anvil with the whole protocol deployed by the project's deployment
//! script (`contracts/script/Deploy.s.sol`, the routine the contract tests use).

use std::{path::PathBuf, process::Command};

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    primitives::{utils::parse_ether, Address},
    providers::{ext::AnvilApi, DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use audius_sdk::eth::{send::transact, Deployment, EthError, Protocol, ServiceType};

use crate::tools::{anvil_binary, forge_binary, repo_root};

/// Settings of a protocol deployment by the project's deployment script.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// Receives the initial AUDIO supply (default: the deployer).
    pub treasury: Option<Address>,
    /// May veto proposals (default: none).
    pub guardian: Option<Address>,
    /// Share of all stake (bps) activity attesters must hold (default: the protocol default).
    pub attestation_quorum_bps: Option<u16>,
}

/// Errors from running the local tools.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// A tool could not be started.
    #[error("could not run {tool}: {source} (run scripts/setup.sh to install the project's tools)")]
    Spawn {
        /// The tool.
        tool: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The deployment script failed.
    #[error("the deployment script failed:\n{0}")]
    Deploy(String),
    /// The deployment it wrote could not be read.
    #[error(transparent)]
    Deployment(#[from] EthError),
}

/// Deploy and wire the whole protocol on `rpc_url` with `contracts/script/Deploy.s.sol` (the same routine the
/// contract tests use), signed by `private_key`; the deployment is written to `contracts/deployments/<file_name>`
/// and returned. Blocking: it runs forge.
pub fn deploy_protocol(
    rpc_url: &str,
    private_key: &str,
    file_name: &str,
    options: &DeployOptions,
) -> Result<Deployment, LocalError> {
    let contracts = repo_root().join("contracts");
    let forge = forge_binary();
    let mut command = Command::new(&forge);
    command
        .current_dir(&contracts)
        // `--slow`: each transaction after the previous one is mined. Sent in a burst, one refused transaction (a
        // fee raced by the base fee on a loaded machine) left a nonce gap and forge waiting for receipts for ever.
        .args(["script", "script/Deploy.s.sol:Deploy", "--broadcast", "--slow", "--rpc-url", rpc_url, "--private-key"])
        .arg(private_key);
    if let Some(treasury) = options.treasury {
        command.env("TREASURY", treasury.to_string());
    }
    if let Some(guardian) = options.guardian {
        command.env("GUARDIAN", guardian.to_string());
    }
    if let Some(quorum) = options.attestation_quorum_bps {
        command.env("ATTESTATION_QUORUM_BPS", quorum.to_string());
    }
    let file = format!("deployments/{file_name}");
    command.env("DEPLOYMENT_FILE", &file);
    let output = command.output().map_err(|source| LocalError::Spawn { tool: forge.clone(), source })?;
    if !output.status.success() {
        return Err(LocalError::Deploy(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(Deployment::load(&contracts.join(file))?)
}

/// Funded accounts on a [`LocalChain`] (anvil's default of 10 is too few for operators, wallets and users).
pub const LOCAL_ACCOUNTS: usize = 35;

/// A throw-away Ethereum chain for tests and local networks: the project's anvil with the whole protocol deployed
/// by the deployment script, and the treasury's handle on it. Dropping it stops anvil and removes its deployment
/// file.
pub struct LocalChain {
    /// The running anvil.
    pub anvil: AnvilInstance,
    /// Where the contracts are.
    pub deployment: Deployment,
    /// The deployment file (under `contracts/deployments/`).
    pub deployment_file: PathBuf,
    /// The protocol with anvil's account 0 (the deployer and treasury) signing.
    pub admin: Protocol<DynProvider>,
}

impl LocalChain {
    /// Start anvil and deploy; account `guardian` (if any) may veto proposals.
    pub async fn start(guardian: Option<usize>) -> Result<Self, LocalError> {
        let anvil = Anvil::new()
            .path(anvil_binary())
            .args(["--accounts", &LOCAL_ACCOUNTS.to_string()])
            .try_spawn()
            .map_err(|error| LocalError::Deploy(format!("starting anvil: {error}")))?;
        let options = DeployOptions { guardian: guardian.map(|i| anvil.addresses()[i]), ..DeployOptions::default() };
        let key = alloy::hex::encode_prefixed(anvil.keys()[0].to_bytes());
        let url = anvil.endpoint();
        let file_name = format!("local-{}.json", anvil.port());
        let deployment = {
            let file_name = file_name.clone();
            tokio::task::spawn_blocking(move || deploy_protocol(&url, &key, &file_name, &options))
                .await
                .map_err(|error| LocalError::Deploy(error.to_string()))??
        };
        let admin = Protocol::connect(provider(&anvil, 0), deployment.clone()).await?;
        Ok(Self {
            deployment_file: repo_root().join("contracts/deployments").join(file_name),
            anvil,
            deployment,
            admin,
        })
    }

    /// Account `index`'s private key, `0x`-hex.
    pub fn key(&self, index: usize) -> String {
        alloy::hex::encode_prefixed(self.anvil.keys()[index].to_bytes())
    }

    /// Account `index`'s signer.
    pub fn signer(&self, index: usize) -> PrivateKeySigner {
        self.anvil.keys()[index].clone().into()
    }

    /// Account `index`'s address.
    pub fn address(&self, index: usize) -> Address {
        self.anvil.addresses()[index]
    }

    /// The protocol with account `index` signing.
    pub async fn protocol(&self, index: usize) -> Result<Protocol<DynProvider>, EthError> {
        Protocol::connect(provider(&self.anvil, index), self.deployment.clone()).await
    }

    /// Give account `index` `audio` whole AUDIO from the treasury.
    pub async fn fund(&self, index: usize, audio: &str) -> Result<(), EthError> {
        let amount = parse_ether(audio).map_err(|error| EthError::Signing(error.to_string()))?;
        transact(self.admin.token.transfer(self.address(index), amount)).await.map(drop)
    }

    /// Move the chain's clock on by `seconds` and mine a block.
    pub async fn advance(&self, seconds: u64) -> Result<(), EthError> {
        let provider = self.admin.token.provider();
        provider.anvil_increase_time(seconds).await?;
        provider.anvil_mine(Some(1), None).await?;
        Ok(())
    }

    /// Register a node of `service_type` at `endpoint` for operator account `operator` (funded from the
    /// treasury), staking `stake` whole AUDIO, signing with account `wallet`; returns its service id.
    pub async fn register_node(
        &self,
        service_type: ServiceType,
        operator: usize,
        wallet: usize,
        endpoint: &str,
        stake: &str,
    ) -> Result<u64, EthError> {
        self.fund(operator, stake).await?;
        let amount = parse_ether(stake).map_err(|error| EthError::Signing(error.to_string()))?;
        let id = self
            .protocol(operator)
            .await?
            .register(self.address(operator), service_type, endpoint, amount, self.address(wallet))
            .await?;
        Ok(id.value.to::<u64>())
    }

    /// [`register_node`](Self::register_node) for a content node.
    pub async fn register_content_node(
        &self,
        operator: usize,
        wallet: usize,
        endpoint: &str,
        stake: &str,
    ) -> Result<u64, EthError> {
        self.register_node(ServiceType::ContentNode, operator, wallet, endpoint, stake).await
    }

    /// Transactions account `index` has sent.
    pub async fn nonce(&self, index: usize) -> Result<u64, EthError> {
        Ok(self.admin.token.provider().get_transaction_count(self.address(index)).await?)
    }
}

impl Drop for LocalChain {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.deployment_file);
    }
}

fn provider(anvil: &AnvilInstance, index: usize) -> DynProvider {
    let signer: PrivateKeySigner = anvil.keys()[index].clone().into();
    ProviderBuilder::new().wallet(signer).connect_http(anvil.endpoint_url()).erased()
}
