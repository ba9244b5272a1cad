//! The observer: what an attester checks on each chain before it signs an Ethereum → Solana fact (the attester
//! set, content-node admissions and removals, stake tiers), and the signing of a checked fact claim. The same
//! reading tells an aggregator which facts Solana lacks.

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
};
use audius_content_interface::constants::{required_quorum, MAX_ATTESTERS, MAX_TIER_VALIDITY_SECS};

use super::{AttesterSignature, BridgeError, FactClaim, MAX_SIGNATURE_SECS};
use crate::{
    eth::{EthError, Protocol, ServiceType},
    nodes::{self, Registered},
    solana::{
        content::{self, AttestedFact},
        rpc::ContentClient,
    },
    time::unix_now,
};

/// What one attester's reading of the chains says; the same code decides what an aggregator asks for and what an
/// attester signs.
pub struct Observer<'a, P> {
    /// Ethereum.
    pub eth: &'a Protocol<P>,
    /// Solana.
    pub solana: &'a ContentClient,
}

impl<P: Provider + Clone> Observer<'_, P> {
    /// Every registered service in id order, with its operator's bounds and stake.
    pub(super) async fn registered(&self) -> Result<Vec<Registered>, BridgeError> {
        Ok(nodes::registered(self.eth).await?)
    }

    /// The attester set Ethereum calls for: one seat per operator with a discovery node within its bounds (the
    /// delegate wallet of its lowest-id discovery node), the `MAX_ATTESTERS` operators with most stake, ascending
    /// by wallet, and its quorum. Seats per operator, not per node: running more nodes buys no more of the quorum.
    pub async fn attester_set(&self) -> Result<(Vec<[u8; 20]>, u8), BridgeError> {
        // Services come in id order: the first discovery node of an operator takes its seat.
        let mut seats: BTreeMap<Address, (U256, [u8; 20])> = BTreeMap::new();
        for r in self.registered().await? {
            if r.in_bounds && r.service.service_type == ServiceType::DiscoveryNode.name() {
                seats.entry(r.service.owner).or_insert((r.stake, r.service.delegate_wallet.0 .0));
            }
        }
        let mut candidates: Vec<(U256, [u8; 20])> = seats.into_values().collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut attesters: Vec<[u8; 20]> = candidates.into_iter().map(|(_, wallet)| wallet).collect();
        attesters.truncate(MAX_ATTESTERS);
        attesters.sort_unstable();
        // The program refuses any quorum below two thirds; at `MAX_ATTESTERS` that is `MAX_QUORUM`.
        let quorum = required_quorum(attesters.len());
        Ok((attesters, quorum))
    }

    /// The attester-set fact Solana lacks, if its set differs from what Ethereum calls for (and Ethereum has any
    /// attester: an empty set is never installed).
    pub async fn attester_change(&self) -> Result<Option<AttestedFact>, BridgeError> {
        let (attesters, quorum) = self.attester_set().await?;
        let config = self.solana.config().await?;
        let differs = config.attesters != attesters || config.attester_quorum != quorum;
        Ok((!attesters.is_empty() && differs).then_some(AttestedFact::Attesters { attesters, quorum }))
    }

    /// The node facts Solana lacks: content nodes registered and in bounds on Ethereum but not admitted, and
    /// admitted nodes that are deregistered, out of bounds or registered differently now (removed first; the next
    /// pass admits the new registration).
    pub async fn node_facts(&self) -> Result<Vec<AttestedFact>, BridgeError> {
        let registered = self.registered().await?;
        let count = self.eth.registry.serviceCount().call().await.map_err(EthError::from)?.to::<u64>();
        let ids: Vec<u64> = (1..=count).collect();
        let admitted = self.solana.nodes(&ids).await?;
        let mut facts = Vec::new();
        for (sp_id, node) in ids.iter().zip(admitted) {
            // Solana's registry converges on the eligible set (`nodes::eligible`): admit what is admissible and
            // missing, remove what is not admissible or admitted under another registration.
            let wanted =
                registered.iter().find(|r| r.service.id == *sp_id && r.admissible()).map(Registered::registration);
            let current = node.map(|n| {
                let removal = AttestedFact::RemoveNode { sp_id: n.sp_id, rent_payer: n.rent_payer.to_bytes() };
                (nodes::admitted_registration(&n), removal)
            });
            match (wanted, current) {
                (Some(wanted), None) => facts.push(AttestedFact::AdmitNode(wanted)),
                (None, Some((_, removal))) => facts.push(removal),
                (Some(wanted), Some((current, removal))) if wanted != current => facts.push(removal),
                _ => {}
            }
        }
        Ok(facts)
    }

    /// `account`'s stake tier on Ethereum.
    pub async fn tier(&self, account: Address) -> Result<u8, BridgeError> {
        Ok(self.eth.feature_access.tierOf(account).call().await.map_err(EthError::from)?)
    }

    /// Whether `fact` holds now; `Refused` says why not.
    pub async fn check(&self, fact: &AttestedFact, now: i64) -> Result<(), BridgeError> {
        let refuse = |reason: String| Err(BridgeError::Refused(reason));
        match fact {
            AttestedFact::AdmitNode(node) => {
                if !self.node_facts().await?.contains(fact) {
                    return refuse(format!(
                        "content node {} is not registered, in bounds and unadmitted as claimed",
                        node.sp_id
                    ));
                }
            }
            AttestedFact::RemoveNode { sp_id, .. } => {
                if !self.node_facts().await?.contains(fact) {
                    return refuse(format!("content node {sp_id} is not admitted, or still registered and in bounds"));
                }
            }
            AttestedFact::Tier { eth_address, tier, expires_at } => {
                let actual = self.tier(Address::from(*eth_address)).await?;
                if actual != *tier {
                    return refuse(format!("{} has tier {actual}, not {tier}", Address::from(*eth_address)));
                }
                if *expires_at <= now || *expires_at > now + MAX_TIER_VALIDITY_SECS {
                    return refuse(format!("a tier is attested for at most {MAX_TIER_VALIDITY_SECS} s"));
                }
            }
            AttestedFact::Attesters { attesters, quorum } => {
                let (expected, expected_quorum) = self.attester_set().await?;
                if *attesters != expected || *quorum != expected_quorum {
                    return refuse("the attester set differs from the discovery nodes in bounds on Ethereum".into());
                }
            }
        }
        Ok(())
    }
}

/// Sign a fact claim as an attester, after checking it: the nonce is the program's, the expiry is near, the fact
/// holds.
pub async fn attest_fact<P: Provider + Clone>(
    observer: &Observer<'_, P>,
    key: &PrivateKeySigner,
    claim: &FactClaim,
) -> Result<AttesterSignature, BridgeError> {
    let now = unix_now() as i64;
    if claim.expiry <= now || claim.expiry > now + MAX_SIGNATURE_SECS as i64 {
        return Err(BridgeError::Refused(format!("the expiry must lie within {MAX_SIGNATURE_SECS} s from now")));
    }
    let config = observer.solana.config().await?;
    let current = observer.solana.attestation_nonce(&claim.fact).await?;
    if claim.nonce != current {
        return Err(BridgeError::Refused(format!(
            "nonce {} is not the current nonce {current} of the fact's subject",
            claim.nonce
        )));
    }
    observer.check(&claim.fact, now).await?;
    let digest = claim.fact.digest(&config.cluster, claim.nonce, claim.expiry);
    Ok(AttesterSignature { signer: key.address(), signature: content::sign_digest(key, &digest).to_vec().into() })
}
