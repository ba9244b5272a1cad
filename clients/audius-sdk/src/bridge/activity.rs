//! The activity-score policy (Solana → Ethereum): the finished issuance round activity is attested for, each
//! operator's score for it from public data (docs/bridge.md), and an attester's signature over those scores as the
//! issuance contract's EIP-712 message.

use std::collections::{BTreeMap, HashMap};

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    signers::{local::PrivateKeySigner, SignerSync},
};

use super::{ActivityClaim, ActivityReport, AttesterSignature, BridgeError, Observer, MAX_SIGNATURE_SECS};
use crate::eth::{EthError, Protocol, ServiceType};

/// A finished issuance round: its number and the time it covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundWindow {
    /// The round.
    pub round: u64,
    /// Its start by the schedule.
    pub start: u64,
    /// Its end (the next round's start).
    pub end: u64,
}

/// The round that just finished (the one activity is attested for), if any.
pub async fn finished_round<P: Provider + Clone>(eth: &Protocol<P>) -> Result<Option<RoundWindow>, BridgeError> {
    let current = eth.issuance.currentRound().call().await.map_err(EthError::from)?;
    let round = u64::from(current.round);
    if round < 2 {
        return Ok(None);
    }
    let bounds = eth.issuance.roundBounds(U256::from(round - 1)).call().await.map_err(EthError::from)?;
    Ok(Some(RoundWindow { round: round - 1, start: bounds.start.to::<u64>(), end: bounds.end.to::<u64>() }))
}

/// Replica slots of live tracks created before a round's end: by content node (service id), and in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaCounts {
    /// Slots naming each node.
    pub by_node: HashMap<u64, u64>,
    /// All slots.
    pub total: u64,
}

/// Each operator's activity score for `window`, from public data only (docs/bridge.md):
///
/// - an operator's content nodes that are admitted on Solana should hold its stake share of the round's replica
///   slots (stake at the round's start, among operators with admitted content nodes: the rendezvous ranking
///   places content in proportion to stake); its content ratio is what they hold over that share, at most 1
///   (1 when no track exists yet);
/// - an operator with a discovery node in bounds (an attester) has a discovery ratio of 1;
/// - the score is `FULL_SCORE` × the mean of the ratios of the roles it registered (a registered content node
///   that is not admitted counts 0).
///
/// Returns the operators with a non-zero score, ascending, and their scores.
pub async fn activity_scores<P: Provider + Clone>(
    observer: &Observer<'_, P>,
    window: RoundWindow,
    replicas: &ReplicaCounts,
) -> Result<(Vec<Address>, Vec<u16>), BridgeError> {
    let eth = observer.eth;
    let full = U256::from(eth.issuance.FULL_SCORE().call().await.map_err(EthError::from)?);
    let registered = observer.registered().await?;
    let content_ids: Vec<u64> = registered
        .iter()
        .filter(|r| r.service.service_type == ServiceType::ContentNode.name())
        .map(|r| r.service.id)
        .collect();
    let admitted: Vec<u64> = content_ids
        .iter()
        .zip(observer.solana.nodes(&content_ids).await?)
        .filter_map(|(id, node)| node.map(|_| *id))
        .collect();

    // Per operator: its content nodes, how many are admitted, the slots those hold, and whether it attests.
    #[derive(Default)]
    struct Roles {
        content: u64,
        admitted: u64,
        held: u64,
        discovery: bool,
    }
    let mut roles: BTreeMap<Address, Roles> = BTreeMap::new();
    for r in &registered {
        let entry = roles.entry(r.service.owner).or_default();
        if r.service.service_type == ServiceType::ContentNode.name() {
            entry.content += 1;
            if admitted.contains(&r.service.id) {
                entry.admitted += 1;
                entry.held += replicas.by_node.get(&r.service.id).copied().unwrap_or(0);
            }
        } else if r.service.service_type == ServiceType::DiscoveryNode.name() && r.in_bounds {
            entry.discovery = true;
        }
    }
    let mut stakes = BTreeMap::new();
    for (operator, role) in &roles {
        if role.admitted > 0 {
            let stake =
                eth.staking.getPastVotes(*operator, U256::from(window.start)).call().await.map_err(EthError::from)?;
            stakes.insert(*operator, stake);
        }
    }
    let stake_total: U256 = stakes.values().copied().fold(U256::ZERO, |a, b| a + b);

    let (mut operators, mut scores) = (Vec::new(), Vec::new());
    for (operator, role) in &roles {
        // Ratios as fractions of `full`.
        let mut ratios = Vec::new();
        if role.content > 0 {
            let stake = stakes.get(operator).copied().unwrap_or_default();
            let holding = if role.admitted == 0 {
                U256::ZERO
            } else if replicas.total == 0 || stake_total.is_zero() || stake.is_zero() {
                full
            } else {
                // held / (total × stake / stake_total), capped at 1.
                let expected = U256::from(replicas.total) * stake;
                (U256::from(role.held) * stake_total * full / expected).min(full)
            };
            // A registered node that never reached Solana holds nothing: the ratio shrinks by its share.
            ratios.push(holding * U256::from(role.admitted) / U256::from(role.content));
        }
        if role.discovery {
            ratios.push(full);
        }
        if ratios.is_empty() {
            continue;
        }
        let score = ratios.iter().fold(U256::ZERO, |a, b| a + b) / U256::from(ratios.len());
        if !score.is_zero() {
            operators.push(*operator);
            scores.push(score.to::<u16>());
        }
    }
    Ok((operators, scores))
}

/// The window of `round` if it is the round that just finished (the only one activity may be attested for).
pub async fn claimed_window<P: Provider + Clone>(eth: &Protocol<P>, round: u64) -> Result<RoundWindow, BridgeError> {
    finished_round(eth)
        .await?
        .filter(|w| w.round == round)
        .ok_or_else(|| BridgeError::Refused(format!("round {round} is not the round that just finished")))
}

/// Sign a round's activity as an attester, for the `window` of the claimed round (see [`claimed_window`]) and
/// the replica counts of its ledger; the deadline must be near on the Ethereum clock.
pub async fn attest_activity<P: Provider + Clone>(
    observer: &Observer<'_, P>,
    key: &PrivateKeySigner,
    claim: &ActivityClaim,
    window: RoundWindow,
    replicas: &ReplicaCounts,
) -> Result<ActivityReport, BridgeError> {
    if window.round != claim.round {
        return Err(BridgeError::Refused(format!(
            "the window given is round {}'s, not {}'s",
            window.round, claim.round
        )));
    }
    let now = observer.eth.chain_now().await?;
    if claim.deadline <= now || claim.deadline > now + MAX_SIGNATURE_SECS {
        return Err(BridgeError::Refused(format!("the deadline must lie within {MAX_SIGNATURE_SECS} s from now")));
    }
    let (operators, scores) = activity_scores(observer, window, replicas).await?;
    let digest = observer
        .eth
        .issuance
        .activityDigest(U256::from(claim.round), operators.clone(), scores.clone(), U256::from(claim.deadline))
        .call()
        .await
        .map_err(EthError::from)?;
    let signature = key.sign_hash_sync(&digest).expect("secp256k1 signing");
    Ok(ActivityReport {
        round: claim.round,
        operators,
        scores,
        deadline: claim.deadline,
        signature: AttesterSignature { signer: key.address(), signature: signature.as_bytes().to_vec().into() },
    })
}
