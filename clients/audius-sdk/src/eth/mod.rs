//! Ethereum side: contract bindings and deployment.

pub mod bindings;

use alloy::{primitives::Address, providers::Provider};

pub use bindings::AudioToken;

/// Errors from the Ethereum side of the SDK.
#[derive(Debug, thiserror::Error)]
pub enum EthError {
    #[error("contract call failed: {0}")]
    Contract(#[from] alloy::contract::Error),
}

/// Deploy AUDIO with its whole initial supply minted to `initial_holder` and owned by `governance`.
pub async fn deploy_audio_token<P: Provider>(
    provider: P,
    initial_holder: Address,
    governance: Address,
) -> Result<AudioToken::AudioTokenInstance<P>, EthError> {
    Ok(AudioToken::deploy(provider, initial_holder, governance).await?)
}
