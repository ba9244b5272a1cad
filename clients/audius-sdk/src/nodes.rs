//! Which content nodes may take an upload, decided once for every client and node: a content node is **eligible**
//! when it is registered on Ethereum, its operator's stake is within its services' bounds, and the content program
//! has admitted it on Solana with that same registration (owner, delegate key, endpoint). Track records can only
//! name admitted nodes, so a client never ranks a node the program would refuse; the bridge observer admits and
//! removes nodes until Solana's registry is exactly the eligible set.

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
};
use serde::{Deserialize, Serialize};

use crate::{
    eth::{EthError, Protocol, Service, ServiceType},
    rendezvous::Candidate,
    solana::{
        content::{ContentNode, NodeRegistration},
        rpc::{ContentClient, SolanaError},
    },
};

/// A service registered on Ethereum, with its operator's standing.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The service.
    pub service: Service,
    /// Whether its operator's stake is within its services' bounds (`ServiceRegistry.isInBounds`).
    pub in_bounds: bool,
    /// Active stake in its operator's pool.
    pub stake: U256,
}

impl Registered {
    /// Whether it is a content node whose operator is within bounds: what Solana's registry should admit.
    pub fn admissible(&self) -> bool {
        self.in_bounds && self.service.service_type == ServiceType::ContentNode.name()
    }

    /// The registration the content program records for it.
    pub fn registration(&self) -> NodeRegistration {
        NodeRegistration {
            sp_id: self.service.id,
            owner_wallet: self.service.owner.0 .0,
            delegate_wallet: self.service.delegate_wallet.0 .0,
            endpoint: self.service.endpoint.clone(),
        }
    }
}

/// The registration an admitted node's record holds.
pub fn admitted_registration(node: &ContentNode) -> NodeRegistration {
    NodeRegistration {
        sp_id: node.sp_id,
        owner_wallet: node.owner_wallet,
        delegate_wallet: node.delegate_wallet,
        endpoint: node.endpoint.clone(),
    }
}

/// The rule: `registered` may take uploads when it is admissible and Solana admitted exactly this registration.
pub fn eligible(registered: &Registered, admitted: Option<&ContentNode>) -> bool {
    registered.admissible() && admitted.is_some_and(|node| admitted_registration(node) == registered.registration())
}

/// Every registered service in id order, with its operator's bounds and stake, read once per operator (a service
/// is in bounds exactly when its operator is).
pub async fn registered<P: Provider + Clone>(eth: &Protocol<P>) -> Result<Vec<Registered>, EthError> {
    let mut registered: Vec<Registered> = Vec::new();
    for pool in eth.pools().await? {
        let (in_bounds, stake) = (pool.within_bounds, pool.active_stake);
        registered.extend(pool.services.into_iter().map(|service| Registered { service, in_bounds, stake }));
    }
    registered.sort_by_key(|r| r.service.id);
    Ok(registered)
}

/// An eligible content node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibleNode {
    /// The registry's service id.
    pub sp_id: u64,
    /// Where it answers.
    pub endpoint: String,
    /// The key it signs with.
    pub delegate_wallet: Address,
    /// Its operator.
    pub owner: Address,
    /// Active stake in its operator's pool (its weight in the rendezvous ranking), wei.
    #[serde(with = "crate::decimal")]
    pub stake: U256,
}

/// The eligible content nodes of one deployment, in id order.
#[derive(Debug, Clone, Default)]
pub struct ContentNodes {
    /// The Ethereum chain upload grants are signed for.
    pub chain_id: u64,
    /// The nodes.
    pub nodes: Vec<EligibleNode>,
}

impl ContentNodes {
    /// The eligible nodes among `registered`, given Solana's records for them (`admitted[i]` for `registered[i]`).
    pub fn select(chain_id: u64, registered: &[Registered], admitted: &[Option<ContentNode>]) -> Self {
        let nodes = registered
            .iter()
            .zip(admitted)
            .filter(|(registered, admitted)| eligible(registered, admitted.as_ref()))
            .map(|(r, _)| EligibleNode {
                sp_id: r.service.id,
                endpoint: r.service.endpoint.clone(),
                delegate_wallet: r.service.delegate_wallet,
                owner: r.service.owner,
                stake: r.stake,
            })
            .collect();
        Self { chain_id, nodes }
    }

    /// No node is eligible.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A node by service id.
    pub fn get(&self, sp_id: u64) -> Option<&EligibleNode> {
        self.nodes.iter().find(|node| node.sp_id == sp_id)
    }

    /// The nodes as rendezvous candidates, weighted by their operators' stake.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.nodes.iter().map(|node| Candidate { sp_id: node.sp_id, stake: node.stake.saturating_to() }).collect()
    }
}

/// Why the eligible nodes could not be read.
#[derive(Debug, thiserror::Error)]
pub enum NodesError {
    /// Reading the registry on Ethereum failed.
    #[error(transparent)]
    Eth(#[from] EthError),
    /// Reading Solana's node records failed.
    #[error(transparent)]
    Solana(#[from] SolanaError),
}

/// The content nodes among `registered`, with Solana's record for each (`None`: not admitted).
pub async fn admitted(
    solana: &ContentClient,
    registered: &[Registered],
) -> Result<(Vec<Registered>, Vec<Option<ContentNode>>), SolanaError> {
    let content: Vec<Registered> =
        registered.iter().filter(|r| r.service.service_type == ServiceType::ContentNode.name()).cloned().collect();
    let ids: Vec<u64> = content.iter().map(|r| r.service.id).collect();
    let records = solana.nodes(&ids).await?;
    Ok((content, records))
}

/// The registry on Ethereum with Solana's records for the content nodes in it: everything [`eligible`] decides on.
pub async fn read<P: Provider + Clone>(
    eth: &Protocol<P>,
    solana: &ContentClient,
) -> Result<(Vec<Registered>, Vec<Option<ContentNode>>), NodesError> {
    Ok(admitted(solana, &registered(eth).await?).await?)
}

/// The eligible content nodes of the deployment `eth` and `solana` point at.
pub async fn content_nodes<P: Provider + Clone>(
    eth: &Protocol<P>,
    solana: &ContentClient,
) -> Result<ContentNodes, NodesError> {
    let (registered, admitted) = read(eth, solana).await?;
    Ok(ContentNodes::select(eth.deployment.chain_id, &registered, &admitted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(sp_id: u64, in_bounds: bool, service_type: ServiceType) -> Registered {
        Registered {
            service: Service {
                id: sp_id,
                service_type: service_type.name().into(),
                endpoint: format!("http://node-{sp_id}"),
                owner: Address::repeat_byte(1),
                delegate_wallet: Address::repeat_byte(2),
            },
            in_bounds,
            stake: U256::from(100),
        }
    }

    fn admitted(r: &Registered) -> ContentNode {
        let registration = r.registration();
        ContentNode {
            version: 1,
            sp_id: registration.sp_id,
            owner_wallet: registration.owner_wallet,
            delegate_wallet: registration.delegate_wallet,
            endpoint: registration.endpoint,
            admitted_at: 0,
            rent_payer: Default::default(),
            bump: 0,
        }
    }

    #[test]
    fn eligible_only_when_in_bounds_and_admitted_as_registered() {
        let node = registered(1, true, ServiceType::ContentNode);
        assert!(eligible(&node, Some(&admitted(&node))));
        assert!(!eligible(&node, None), "registered but not admitted on Solana");
        let out = registered(1, false, ServiceType::ContentNode);
        assert!(!eligible(&out, Some(&admitted(&out))), "admitted but out of bounds");
        let discovery = registered(1, true, ServiceType::DiscoveryNode);
        assert!(!eligible(&discovery, Some(&admitted(&discovery))), "not a content node");
        let mut moved = admitted(&node);
        moved.endpoint = "http://elsewhere".into();
        assert!(!eligible(&node, Some(&moved)), "admitted under an older registration");
    }

    #[test]
    fn select_keeps_the_eligible_in_order() {
        let nodes = [registered(1, true, ServiceType::ContentNode), registered(2, false, ServiceType::ContentNode)];
        let records = [Some(admitted(&nodes[0])), Some(admitted(&nodes[1]))];
        let selected = ContentNodes::select(31337, &nodes, &records);
        assert_eq!(selected.nodes.iter().map(|n| n.sp_id).collect::<Vec<_>>(), [1]);
        assert_eq!(selected.candidates()[0].stake, 100);
        assert!(ContentNodes::select(31337, &nodes, &[None, None]).is_empty());
    }
}
