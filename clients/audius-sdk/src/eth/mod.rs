//! Ethereum side: contract bindings, the deployment file, typed protocol calls and readable reverts.

pub mod bindings;
mod contracts;
pub mod deployment;
pub mod governance;
pub mod protocol;
pub mod revert;
pub mod send;
pub mod simulate;

use std::path::PathBuf;

use alloy::{
    primitives::{Address, TxHash},
    providers::Provider,
};

pub use bindings::{AudioToken, AudiusGovernor, FeatureAccess, Issuance, ServiceRegistry, Staking};
pub use deployment::Deployment;
pub use governance::{
    Action, ActionError, ActionSpec, Proposal, ProposalRef, ProposalState, SignedVote, Support, VoteRecord, VotingPower,
};
pub use protocol::{OperatorStatus, PoolSummary, Protocol, Service, ServiceType, WithdrawalRequest};
pub use revert::{describe_revert, format_audio};
pub use send::{Sent, SentTx};

/// Errors from the Ethereum side of the SDK.
#[derive(Debug, thiserror::Error)]
pub enum EthError {
    /// A contract refused the call; the message says why.
    #[error("{0}")]
    Reverted(String),
    /// A call failed for a reason that is not one of the protocol's errors.
    #[error("contract call failed: {0}")]
    Contract(alloy::contract::Error),
    /// The transaction was mined but failed: its gas is spent.
    #[error("transaction {hash} was mined and failed ({gas_used} gas spent): {reason}")]
    Failed {
        /// The transaction.
        hash: TxHash,
        /// The gas it used (and the sender paid for).
        gas_used: u64,
        /// Why it failed.
        reason: String,
    },
    /// The signer cannot pay for the gas: the node refused the transaction, so nothing was sent.
    #[error("the signing account has too little ETH to pay for gas ({0}); fund it and retry (nothing was sent)")]
    NoGasFunds(String),
    /// The fork a simulation runs on could not be started (the anvil binary is missing, or cannot fork the RPC).
    #[error("could not fork the chain with anvil ({0}); install foundry's anvil or pass --anvil PATH")]
    ForkUnavailable(String),
    /// What was asked cannot be simulated; the message says why.
    #[error("{0}")]
    NotSimulable(String),
    /// A transaction that should have emitted an event did not.
    #[error("the transaction did not emit {0}")]
    MissingEvent(&'static str),
    /// Waiting for a transaction failed.
    #[error(transparent)]
    Pending(#[from] alloy::providers::PendingTransactionError),
    /// The RPC endpoint failed.
    #[error(transparent)]
    Rpc(alloy::transports::TransportError),
    /// The RPC endpoint is on another chain than the deployment.
    #[error("the RPC endpoint is on chain {actual}, the deployment is for chain {expected}")]
    WrongChain {
        /// The deployment's chain.
        expected: u64,
        /// The endpoint's chain.
        actual: u64,
    },
    /// The deployment file is missing or malformed.
    #[error("deployment file {}: {reason}", path.display())]
    DeploymentFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// No proposal with this id since the deployment.
    #[error("no proposal {0} on this deployment (see `audius gov list`)")]
    UnknownProposal(governance::ProposalRef),
    /// A proposal action is invalid.
    #[error(transparent)]
    Action(#[from] governance::ActionError),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A service type the registry does not define.
    #[error("unknown service type {0:?} (expected content-node or discovery-node)")]
    UnknownServiceType(String),
    /// The wallet holds less AUDIO than the call would move: found before anything (an approval included) is sent.
    #[error("the wallet {holder} holds {}, less than the {} {purpose}", format_audio(*balance), format_audio(*needed))]
    InsufficientBalance {
        /// The wallet.
        holder: Address,
        /// What it holds.
        balance: alloy::primitives::U256,
        /// What the call needs.
        needed: alloy::primitives::U256,
        /// What the AUDIO is for ("to stake", "to send").
        purpose: &'static str,
    },
    /// The wallet holds less ETH than a transfer and its gas at the current price: found before it is sent.
    #[error(
        "the wallet {holder} holds {} ETH, less than the {} ETH the transfer and its gas need",
        alloy::primitives::utils::format_ether(*balance),
        alloy::primitives::utils::format_ether(*needed)
    )]
    InsufficientEth {
        /// The wallet.
        holder: Address,
        /// What it holds (wei).
        balance: alloy::primitives::U256,
        /// The value plus the gas limit at the current gas price (wei).
        needed: alloy::primitives::U256,
    },
}

impl From<alloy::contract::Error> for EthError {
    fn from(error: alloy::contract::Error) -> Self {
        if let alloy::contract::Error::TransportError(transport) = &error {
            if let Some(message) = no_gas_funds(transport) {
                return EthError::NoGasFunds(message);
            }
        }
        match error.as_revert_data().and_then(|data| describe_revert(&data)) {
            Some(reason) => EthError::Reverted(reason),
            None => EthError::Contract(error),
        }
    }
}

impl From<alloy::transports::TransportError> for EthError {
    fn from(error: alloy::transports::TransportError) -> Self {
        match no_gas_funds(&error) {
            Some(message) => EthError::NoGasFunds(message),
            None => EthError::Rpc(error),
        }
    }
}

/// The node's message when it refused a transaction because the sender cannot pay for its gas. Every Ethereum
/// client words that refusal the same way: "insufficient funds for gas * price + value".
fn no_gas_funds(error: &alloy::transports::TransportError) -> Option<String> {
    let message = error.as_error_resp()?.message.to_string();
    message.to_ascii_lowercase().contains("insufficient funds").then_some(message)
}

/// Deploy AUDIO with its whole initial supply minted to `initial_holder` and owned by `governance`.
pub async fn deploy_audio_token<P: Provider>(
    provider: P,
    initial_holder: Address,
    governance: Address,
) -> Result<AudioToken::AudioTokenInstance<P>, EthError> {
    Ok(AudioToken::deploy(provider, initial_holder, governance).await?)
}
