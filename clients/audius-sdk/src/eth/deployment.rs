//! The deployment file `contracts/script/Deploy.s.sol` writes: where each contract lives on one chain.

use std::path::Path;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use super::EthError;

/// Addresses of a deployed protocol, as written to `contracts/deployments/<chainId>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The chain the contracts live on.
    #[serde(rename = "chainId")]
    pub chain_id: u64,
    /// The block the deployment started at (where indexers start reading).
    pub block: u64,
    /// AUDIO.
    #[serde(rename = "AudioToken")]
    pub audio_token: Address,
    /// Stake custody, delegation, votes (proxy).
    #[serde(rename = "Staking")]
    pub staking: Address,
    /// Service types and registered nodes (proxy).
    #[serde(rename = "ServiceRegistry")]
    pub service_registry: Address,
    /// Rounds, attestations and reward claims (proxy).
    #[serde(rename = "Issuance")]
    pub issuance: Address,
    /// Proposals and votes; holder of every admin right, it executes passed proposals itself (proxy).
    #[serde(rename = "AudiusGovernor")]
    pub governor: Address,
    /// Stake tiers (proxy).
    #[serde(rename = "FeatureAccess")]
    pub feature_access: Address,
}

impl Deployment {
    /// Read a deployment file.
    pub fn load(path: &Path) -> Result<Self, EthError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| EthError::DeploymentFile { path: path.to_owned(), reason: source.to_string() })?;
        serde_json::from_str(&text)
            .map_err(|source| EthError::DeploymentFile { path: path.to_owned(), reason: source.to_string() })
    }

    /// A contract's address by its name in the deployment file (as in
    /// [`CONTRACT_NAMES`](super::governance::CONTRACT_NAMES)).
    pub fn address_of(&self, contract: &str) -> Option<Address> {
        Some(match contract {
            "AudioToken" => self.audio_token,
            "Staking" => self.staking,
            "ServiceRegistry" => self.service_registry,
            "Issuance" => self.issuance,
            "AudiusGovernor" => self.governor,
            "FeatureAccess" => self.feature_access,
            _ => return None,
        })
    }
}
