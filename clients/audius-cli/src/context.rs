//! What commands need from the settings: the Ethereum protocol (read-only or with the signer's wallet), the Solana
//! content client and keypair, and confirmation before sending.

use std::io::{IsTerminal, Write};

use alloy::{
    primitives::{
        utils::{format_ether, format_units},
        Address, U256,
    },
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::client::RpcClient,
    signers::local::PrivateKeySigner,
    transports::http::reqwest,
};
use audius_sdk::{
    eth::{format_audio, Deployment, EthError, Protocol},
    solana::rpc::ContentClient,
};
use solana_keypair::Keypair;

use crate::{
    error::CliError,
    settings::{GlobalArgs, Settings},
};

/// The protocol on Ethereum through a provider whose wallet (if any) signs.
pub type Eth = Protocol<DynProvider>;

/// Settings plus the connections built from them on demand.
pub struct Context {
    /// The merged settings.
    pub settings: Settings,
}

impl Context {
    /// Resolve the settings; connections are opened when a command asks.
    pub fn new(args: GlobalArgs) -> anyhow::Result<Self> {
        Ok(Self { settings: Settings::resolve(args)? })
    }

    fn eth_url(&self) -> anyhow::Result<alloy::transports::http::reqwest::Url> {
        self.settings
            .eth_rpc
            .parse()
            .map_err(|_| CliError::config(format!("--eth-rpc {:?} is not a URL", self.settings.eth_rpc)))
    }

    async fn deployment(&self, provider: &DynProvider) -> anyhow::Result<Deployment> {
        let path = match &self.settings.deployment {
            Some(path) => path.clone(),
            None => {
                Settings::default_deployment(provider.get_chain_id().await.map_err(audius_sdk::eth::EthError::from)?)?
            }
        };
        Ok(Deployment::load(&path)?)
    }

    /// The Ethereum RPC client: every request gives up after the configured timeout, so a node that takes the
    /// connection and never answers fails the command (exit 4) instead of hanging it.
    fn eth_client(&self) -> anyhow::Result<RpcClient> {
        let http = reqwest::Client::builder()
            .timeout(self.settings.rpc_timeout)
            .build()
            .map_err(|error| CliError::config(format!("HTTP client: {error}")))?;
        Ok(RpcClient::new_http_with_client(http, self.eth_url()?))
    }

    /// The protocol, for reading.
    pub async fn eth_reader(&self) -> anyhow::Result<Eth> {
        let provider = ProviderBuilder::new().connect_client(self.eth_client()?).erased();
        let deployment = self.deployment(&provider).await?;
        Ok(Protocol::connect(provider, deployment).await?)
    }

    /// The protocol with the configured Ethereum key signing, and that key's address.
    pub async fn eth_writer(&self) -> anyhow::Result<(Eth, Address)> {
        let signer = self.eth_signer()?;
        let address = signer.address();
        let provider = ProviderBuilder::new().wallet(signer).connect_client(self.eth_client()?).erased();
        let deployment = self.deployment(&provider).await?;
        Ok((Protocol::connect(provider, deployment).await?, address))
    }

    /// The configured Ethereum key: the keystore if one is set, else the private key in the environment.
    pub fn eth_signer(&self) -> anyhow::Result<PrivateKeySigner> {
        if let Some(path) = &self.settings.eth_keystore {
            let password = match std::env::var("AUDIUS_ETH_KEYSTORE_PASSWORD") {
                Ok(password) => password,
                Err(_) if std::io::stdin().is_terminal() => prompt_password(path)?,
                Err(_) => {
                    return Err(CliError::config(format!(
                        "keystore {} needs a password: set AUDIUS_ETH_KEYSTORE_PASSWORD",
                        path.display()
                    )))
                }
            };
            return PrivateKeySigner::decrypt_keystore(path, password)
                .map_err(|error| CliError::config(format!("keystore {}: {error}", path.display())));
        }
        let var = &self.settings.eth_private_key_env;
        let key = std::env::var(var).map_err(|_| {
            CliError::config(format!("no Ethereum key: set {var} to a private key, or pass --eth-keystore"))
        })?;
        key.trim().parse().map_err(|_| CliError::config(format!("{var} does not hold a valid secp256k1 private key")))
    }

    /// The content program on the configured Solana RPC.
    pub fn solana(&self) -> ContentClient {
        ContentClient::with_timeout(self.settings.solana_rpc.clone(), self.settings.rpc_timeout)
            .with_priority_fee(self.settings.priority_fee)
    }

    /// The configured Solana keypair.
    pub fn solana_keypair(&self) -> anyhow::Result<Keypair> {
        let path = &self.settings.solana_keypair;
        let text = std::fs::read_to_string(path).map_err(|error| {
            CliError::config(format!("Solana keypair {}: {error} (pass --solana-keypair)", path.display()))
        })?;
        let bytes: Vec<u8> = serde_json::from_str(&text)
            .map_err(|_| CliError::config(format!("{} is not a solana-keygen keypair file", path.display())))?;
        Keypair::try_from(bytes.as_slice())
            .map_err(|_| CliError::config(format!("{} is not a solana-keygen keypair file", path.display())))
    }

    /// Ask before `from` sends `what` on Ethereum, unless `--yes`: the prompt names the chain, the signer, each
    /// transaction in `steps` (an approval before a stake is one), how the gas limit is set and the gas price
    /// now, so nothing is sent that the user did not see.
    pub async fn confirm_eth(&self, eth: &Eth, from: Address, what: &str, steps: &[String]) -> anyhow::Result<()> {
        if self.settings.yes {
            return Ok(());
        }
        let provider = eth.token.provider();
        let chain = provider.get_chain_id().await.map_err(EthError::from)?;
        let gas_price = provider.get_gas_price().await.map_err(EthError::from)?;
        let balance = provider.get_balance(from).await.map_err(EthError::from)?;
        let plan = format!(
            "{what}\n  chain {chain}, signed by {from} (holds {} ETH)\n  {} transaction(s): {}\n  gas limit: the \
             node's estimate + 25 % each (only the gas used is paid), gas price now {} gwei\n",
            format_ether(balance),
            steps.len(),
            steps.join(", then "),
            format_units(gas_price, "gwei").unwrap_or_else(|_| gas_price.to_string()),
        );
        self.confirm(&plan)
    }

    /// The steps of a write that stakes `amount` from `owner` with `action`: an approval first when the staking
    /// contract's allowance is short.
    pub async fn staking_steps(
        &self,
        eth: &Eth,
        owner: Address,
        amount: U256,
        action: &str,
    ) -> anyhow::Result<Vec<String>> {
        let mut steps = Vec::new();
        if eth.needs_staking_approval(owner, amount).await? {
            steps.push(format!(
                "approve the staking contract {} to take {}",
                eth.deployment.staking,
                format_audio(amount)
            ));
        }
        steps.push(action.to_owned());
        Ok(steps)
    }

    /// Ask before sending `what`, unless `--yes`; refuse when nobody can be asked.
    pub fn confirm(&self, what: &str) -> anyhow::Result<()> {
        if self.settings.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() {
            return Err(CliError::input(format!(
                "about to {}: pass --yes to confirm when not at a terminal",
                what.trim_end()
            )));
        }
        eprint!("about to {}\nproceed? [y/N] ", what.trim_end());
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        match answer.trim() {
            "y" | "Y" | "yes" => Ok(()),
            _ => Err(CliError::not_confirmed()),
        }
    }
}

fn prompt_password(path: &std::path::Path) -> anyhow::Result<String> {
    rpassword::prompt_password(format!("password for {}: ", path.display()))
        .map_err(|error| CliError::config(format!("reading the keystore password: {error}")))
}
