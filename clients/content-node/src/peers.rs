//! Who this node is and who its peers are, read from the Ethereum registry: the node's own registration
//! (service id, type, bounds, version) and every registered content node with the stake behind it.

use alloy::{
    primitives::{Address, U256},
    providers::DynProvider,
};
use audius_sdk::eth::{Protocol, ServiceType};
use serde::Serialize;

/// A registered content node.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Peer {
    /// Service id.
    pub sp_id: u64,
    /// Where it answers.
    pub endpoint: String,
    /// The key it signs with.
    pub delegate_wallet: Address,
    /// Its operator (the service's owner): a track's replicas are three operators' nodes.
    pub owner: Address,
    /// Active stake of its operator's pool (wei).
    pub stake: U256,
}

/// This node's standing in the registry.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Registration {
    /// Not read yet, or the registry could not be read.
    Unknown {
        /// Why.
        reason: String,
    },
    /// Registered and allowed to take writes.
    Registered {
        /// Its service id.
        sp_id: u64,
    },
    /// Not allowed to take writes.
    Refused {
        /// Its service id, when registered at all.
        sp_id: Option<u64>,
        /// Why.
        reason: String,
    },
}

impl Registration {
    /// The service id, when writes are allowed.
    pub fn writable(&self) -> Option<u64> {
        match self {
            Registration::Registered { sp_id } => Some(*sp_id),
            _ => None,
        }
    }
}

/// The registry as this node last read it.
#[derive(Debug, Clone, Serialize)]
pub struct Directory {
    /// Its own standing.
    pub me: Registration,
    /// Every registered content node (itself included).
    pub peers: Vec<Peer>,
}

impl Default for Directory {
    fn default() -> Self {
        Self { me: Registration::Unknown { reason: "the registry has not been read yet".into() }, peers: Vec::new() }
    }
}

impl Directory {
    /// The other nodes.
    pub fn others(&self) -> impl Iterator<Item = &Peer> {
        let me = self.me.writable();
        self.peers.iter().filter(move |p| Some(p.sp_id) != me)
    }

    /// A peer by service id.
    pub fn peer(&self, sp_id: u64) -> Option<&Peer> {
        self.peers.iter().find(|p| p.sp_id == sp_id)
    }
}

/// Read the registry: every content node and this node's standing (`wallet` + `endpoint` identify it).
pub async fn read_directory(
    protocol: &Protocol<DynProvider>,
    wallet: Address,
    endpoint: &str,
) -> Result<Directory, audius_sdk::eth::EthError> {
    let mut peers = Vec::new();
    let mut me = None;
    for pool in protocol.pools().await? {
        for service in pool.services.iter().filter(|s| s.service_type == ServiceType::ContentNode.name()) {
            if service.delegate_wallet == wallet && service.endpoint == endpoint {
                me = Some((service.id, pool.within_bounds));
            }
            peers.push(Peer {
                sp_id: service.id,
                endpoint: service.endpoint.clone(),
                delegate_wallet: service.delegate_wallet,
                owner: service.owner,
                stake: pool.active_stake,
            });
        }
    }
    peers.sort_by_key(|p| p.sp_id);
    let required = protocol.registry.serviceVersion(ServiceType::ContentNode.id()).call().await?;
    let me = match me {
        None => Registration::Refused {
            sp_id: None,
            reason: format!("no content node is registered with endpoint {endpoint} and delegate wallet {wallet}"),
        },
        Some((sp_id, false)) => Registration::Refused {
            sp_id: Some(sp_id),
            reason: "the operator's stake is outside its services' bounds".into(),
        },
        Some((sp_id, true)) if !version_satisfies(env!("CARGO_PKG_VERSION"), &required) => Registration::Refused {
            sp_id: Some(sp_id),
            reason: format!("the registry requires version {required}; this is {}", env!("CARGO_PKG_VERSION")),
        },
        Some((sp_id, true)) => Registration::Registered { sp_id },
    };
    Ok(Directory { me, peers })
}

/// `version >= required` for dotted numeric versions; an empty requirement is always met.
fn version_satisfies(version: &str, required: &str) -> bool {
    let parse = |v: &str| v.split('.').map(|part| part.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>();
    required.trim().is_empty() || parse(version) >= parse(required.trim())
}

#[cfg(test)]
mod tests {
    use super::version_satisfies;

    #[test]
    fn versions_compare_by_number() {
        assert!(version_satisfies("0.1.0", ""));
        assert!(version_satisfies("0.10.0", "0.9.1"));
        assert!(!version_satisfies("0.1.0", "0.2.0"));
        assert!(version_satisfies("1.0.0", "1.0.0"));
    }
}
