//! Ethereum side: contract bindings, the deployment file, typed protocol calls and readable reverts.

pub mod bindings;
mod contracts;
pub mod deployment;
pub mod governance;
pub mod protocol;
pub mod revert;

use std::path::PathBuf;

use alloy::{
    primitives::{Address, TxHash},
    providers::Provider,
};

pub use bindings::{AudioToken, AudiusGovernor, FeatureAccess, Issuance, ServiceRegistry, Staking};
pub use deployment::Deployment;
pub use governance::{
    Action, ActionError, ActionSpec, Proposal, ProposalState, SignedVote, Support, VoteRecord, VotingPower,
};
pub use protocol::{OperatorStatus, PoolSummary, Protocol, Service, ServiceType};
pub use revert::{describe_revert, format_audio};

/// Errors from the Ethereum side of the SDK.
#[derive(Debug, thiserror::Error)]
pub enum EthError {
    /// A contract refused the call; the message says why.
    #[error("{0}")]
    Reverted(String),
    /// A call failed for a reason that is not one of the protocol's errors.
    #[error("contract call failed: {0}")]
    Contract(alloy::contract::Error),
    /// The transaction was mined but failed.
    #[error("transaction {0} failed")]
    Failed(TxHash),
    /// A transaction that should have emitted an event did not.
    #[error("the transaction did not emit {0}")]
    MissingEvent(&'static str),
    /// Waiting for a transaction failed.
    #[error(transparent)]
    Pending(#[from] alloy::providers::PendingTransactionError),
    /// The RPC endpoint failed.
    #[error(transparent)]
    Rpc(#[from] alloy::transports::TransportError),
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
    UnknownProposal(alloy::primitives::U256),
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
    #[error("the wallet {holder} holds {}, less than the {} to stake", format_audio(*balance), format_audio(*needed))]
    InsufficientBalance {
        /// The wallet.
        holder: Address,
        /// What it holds.
        balance: alloy::primitives::U256,
        /// What the call needs.
        needed: alloy::primitives::U256,
    },
}

impl From<alloy::contract::Error> for EthError {
    fn from(error: alloy::contract::Error) -> Self {
        match error.as_revert_data().and_then(|data| describe_revert(&data)) {
            Some(reason) => EthError::Reverted(reason),
            None => EthError::Contract(error),
        }
    }
}

/// Deploy AUDIO with its whole initial supply minted to `initial_holder` and owned by `governance`.
pub async fn deploy_audio_token<P: Provider>(
    provider: P,
    initial_holder: Address,
    governance: Address,
) -> Result<AudioToken::AudioTokenInstance<P>, EthError> {
    Ok(AudioToken::deploy(provider, initial_holder, governance).await?)
}
