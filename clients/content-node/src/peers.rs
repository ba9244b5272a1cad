//! Who this node is and who its peers are, read from the Ethereum registry: the node's own registration
//! (service id, type, bounds, version) and every registered content node with the stake behind it.

use alloy::{primitives::Address, providers::DynProvider};
use audius_sdk::{
    eth::{Protocol, ServiceType},
    nodes::{self, ContentNodes, NodesError},
    solana::rpc::ContentClient,
};
use serde::Serialize;

/// An eligible content node (`audius_sdk::nodes`: registered, in bounds, admitted on Solana as registered).
pub use audius_sdk::nodes::EligibleNode as Peer;

/// This node's standing in the registry (the `registration` of its health document).
pub use audius_sdk::api::content::Registration;

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

/// Read the registry on both chains: the eligible content nodes (this one among them when it is) and this node's
/// standing (`wallet` + `endpoint` identify it). Track records can only name admitted nodes, so a node registered
/// on Ethereum but not admitted on Solana takes no writes and is nobody's peer.
pub async fn read_directory(
    protocol: &Protocol<DynProvider>,
    solana: &ContentClient,
    wallet: Address,
    endpoint: &str,
) -> Result<Directory, NodesError> {
    let (registered, admitted) = nodes::read(protocol, solana).await?;
    let peers = ContentNodes::select(protocol.deployment.chain_id, &registered, &admitted).nodes;
    let mine = registered
        .iter()
        .zip(&admitted)
        .find(|(r, _)| r.service.delegate_wallet == wallet && r.service.endpoint == endpoint);
    let required = protocol
        .registry
        .serviceVersion(ServiceType::ContentNode.id())
        .call()
        .await
        .map_err(|error| NodesError::Eth(error.into()))?;
    let me = match mine {
        None => Registration::Refused {
            sp_id: None,
            reason: format!("no content node is registered with endpoint {endpoint} and delegate wallet {wallet}"),
        },
        Some((r, _)) if !r.in_bounds => Registration::Refused {
            sp_id: Some(r.service.id),
            reason: "the operator's stake is outside its services' bounds".into(),
        },
        Some((r, _)) if !version_satisfies(env!("CARGO_PKG_VERSION"), &required) => Registration::Refused {
            sp_id: Some(r.service.id),
            reason: format!("the registry requires version {required}; this is {}", env!("CARGO_PKG_VERSION")),
        },
        Some((r, admitted)) if !nodes::eligible(r, admitted.as_ref()) => Registration::Refused {
            sp_id: Some(r.service.id),
            reason: "registered on Ethereum but not admitted on Solana as registered (track records could not name it)"
                .into(),
        },
        Some((r, _)) => Registration::Registered { sp_id: r.service.id },
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
