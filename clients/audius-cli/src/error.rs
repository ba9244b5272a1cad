//! Exit codes scripts can rely on, and the classification of every failure into one of them.

use audius_sdk::{
    bridge::BridgeError,
    cid::CidError,
    eth::{ActionError, EthError},
    solana::rpc::SolanaError,
    upload::publish::PublishError,
};

/// What the process exit status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Something failed that has no better code.
    Failure = 1,
    /// The input was invalid (usage, malformed value, unknown name, missing file); nothing was sent.
    Input = 2,
    /// A contract or program refused the request.
    Refused = 3,
    /// A chain or node could not be reached, or is not the expected chain.
    Network = 4,
    /// The configuration or a key is missing or unusable.
    Config = 5,
    /// The user did not confirm.
    NotConfirmed = 6,
}

impl ExitCode {
    /// Every code a failed command exits with, in order (0 is success).
    pub const FAILURES: [ExitCode; 6] = [
        ExitCode::Failure,
        ExitCode::Input,
        ExitCode::Refused,
        ExitCode::Network,
        ExitCode::Config,
        ExitCode::NotConfirmed,
    ];
}

/// A failure the command line classified itself.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    /// The exit code it maps to.
    pub code: ExitCode,
    /// What went wrong and what to do.
    pub message: String,
}

impl CliError {
    /// Invalid input: nothing was sent.
    pub fn input(message: impl Into<String>) -> anyhow::Error {
        CliError { code: ExitCode::Input, message: message.into() }.into()
    }

    /// Missing or unusable configuration or keys.
    pub fn config(message: impl Into<String>) -> anyhow::Error {
        CliError { code: ExitCode::Config, message: message.into() }.into()
    }

    /// A node or chain could not be reached.
    pub fn network(message: impl Into<String>) -> anyhow::Error {
        CliError { code: ExitCode::Network, message: message.into() }.into()
    }

    /// The user declined.
    pub fn not_confirmed() -> anyhow::Error {
        CliError { code: ExitCode::NotConfirmed, message: "not confirmed; nothing was sent".into() }.into()
    }
}

/// The exit code of a failure: the first error in its chain that says.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    for cause in error.chain() {
        if let Some(error) = cause.downcast_ref::<CliError>() {
            return error.code;
        }
        if let Some(error) = cause.downcast_ref::<EthError>() {
            return eth_code(error);
        }
        if let Some(error) = cause.downcast_ref::<SolanaError>() {
            return solana_code(error);
        }
        if let Some(error) = cause.downcast_ref::<BridgeError>() {
            return match error {
                BridgeError::Eth(error) => eth_code(error),
                BridgeError::Solana(error) => solana_code(error),
                BridgeError::NoProfile(_) => ExitCode::Input,
                // The attesters that would have to sign later do not answer: nothing was sent.
                BridgeError::UnreachableSet { .. } => ExitCode::Network,
                BridgeError::Refused(_) | BridgeError::BelowQuorum { .. } | BridgeError::NoAttesters => {
                    ExitCode::Refused
                }
            };
        }
        if let Some(error) = cause.downcast_ref::<PublishError>() {
            return match error {
                PublishError::Input(_)
                | PublishError::Refused { .. }
                | PublishError::NoProfile(_)
                | PublishError::NotAuthority { .. }
                | PublishError::TooLarge { .. } => ExitCode::Input,
                PublishError::NoNodes => ExitCode::Config,
                PublishError::Unavailable(_) | PublishError::Receipts(_) => ExitCode::Network,
                PublishError::Eth(error) => eth_code(error),
                PublishError::Solana(error) => solana_code(error),
                PublishError::WrongCid { .. }
                | PublishError::Replicas(_)
                | PublishError::NotAdmitted(_)
                | PublishError::Http(_) => ExitCode::Failure,
            };
        }
        if cause.downcast_ref::<ActionError>().is_some() || cause.downcast_ref::<CidError>().is_some() {
            return ExitCode::Input;
        }
        if cause.downcast_ref::<clap::Error>().is_some() {
            return ExitCode::Input;
        }
    }
    ExitCode::Failure
}

fn solana_code(error: &SolanaError) -> ExitCode {
    match error {
        SolanaError::Program(_) => ExitCode::Refused,
        SolanaError::Rpc(_) | SolanaError::NoMetadata(_) => ExitCode::Network,
        SolanaError::NotFound { .. } | SolanaError::NoFeeFunds(_) => ExitCode::Input,
        SolanaError::Decode { .. } | SolanaError::Chain(_) => ExitCode::Failure,
    }
}

fn eth_code(error: &EthError) -> ExitCode {
    match error {
        EthError::Reverted(_) | EthError::Failed { .. } => ExitCode::Refused,
        EthError::Rpc(_) | EthError::Pending(_) | EthError::WrongChain { .. } => ExitCode::Network,
        // A node that answered with revert data refused; one that did not answer is unreachable.
        EthError::Contract(inner) if inner.as_revert_data().is_some() => ExitCode::Refused,
        EthError::Contract(alloy::contract::Error::TransportError(_)) => ExitCode::Network,
        EthError::Contract(_) => ExitCode::Refused,
        EthError::DeploymentFile { .. } | EthError::ForkUnavailable(_) => ExitCode::Config,
        EthError::UnknownProposal(_)
        | EthError::Action(_)
        | EthError::UnknownServiceType(_)
        | EthError::InsufficientBalance { .. }
        | EthError::InsufficientEth { .. }
        | EthError::NoGasFunds(_)
        | EthError::NotSimulable(_) => ExitCode::Input,
        EthError::MissingEvent(_) | EthError::Signing(_) => ExitCode::Failure,
    }
}
