//! The deployment file `contracts/script/Deploy.s.sol` writes: where each contract lives on one chain.

use std::path::Path;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use super::{contracts::for_each_contract, EthError};

macro_rules! deployment {
    ($($key:literal $name:ident $errors:ident $field:ident $abi:literal $doc:literal;)*) => {
        /// Addresses of a deployed protocol, as written to `contracts/deployments/<chainId>.json`.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct Deployment {
            /// The chain the contracts live on.
            #[serde(rename = "chainId")]
            pub chain_id: u64,
            /// The block the deployment started at (where indexers start reading).
            pub block: u64,
            $(
                #[doc = $doc]
                #[serde(rename = $key)]
                pub $field: Address,
            )*
        }

        impl Deployment {
            /// A contract's address by its name in the deployment file (as in
            /// [`CONTRACT_NAMES`](super::bindings::CONTRACT_NAMES)).
            pub fn address_of(&self, contract: &str) -> Option<Address> {
                match contract {
                    $($key => Some(self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

for_each_contract!(deployment);

impl Deployment {
    /// Read a deployment file.
    pub fn load(path: &Path) -> Result<Self, EthError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| EthError::DeploymentFile { path: path.to_owned(), reason: source.to_string() })?;
        serde_json::from_str(&text)
            .map_err(|source| EthError::DeploymentFile { path: path.to_owned(), reason: source.to_string() })
    }
}
