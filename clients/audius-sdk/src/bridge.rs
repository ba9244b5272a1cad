//! The bridge between the chains (docs/bridge.md). Staked discovery nodes, identified by their Ethereum delegate
//! wallets, attest facts; a quorum of their signatures moves a fact across:
//!
//! - Ethereum → Solana ([`AttestedFact`]): content-node admission and removal, stake tiers, the attester set
//!   itself. Each attester checks the fact against its own reading of both chains ([`Observer::check`]) before it
//!   signs; the program checks the signatures against its attester set, nonce and expiry.
//! - Solana → Ethereum ([`ActivityReport`]): each operator's activity score for a finished issuance round,
//!   computed from the indexed ledger ([`activity_scores`]) and signed as the issuance contract's EIP-712 message;
//!   the contract checks that the signers' stake reaches its quorum.
//!
//! [`Aggregator`] collects the signatures over HTTP from the attesters registered on Ethereum and submits them.
//! It needs no trust: it cannot sign, and a fact only lands with a quorum of attesters behind it.

use std::collections::{BTreeMap, HashMap};

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
    signers::{local::PrivateKeySigner, SignerSync},
};
use audius_content_interface::constants::{
    required_quorum, MAX_ATTESTATION_SECS, MAX_ATTESTERS, MAX_TIER_VALIDITY_SECS,
};
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;
use solana_signature::Signature;
use solana_signer::Signer;

use crate::{
    eth::{protocol::transact, EthError, Protocol, ServiceType},
    nodes::{self, Registered},
    solana::{
        content::{self, AttestedFact},
        rpc::{ContentClient, SolanaError},
    },
    upload::unix_now,
};

/// The longest expiry an attester gives a signature (it must be used, or it lapses, within this window): the
/// content program's bound on attestations, and the same for activity reports.
pub const MAX_SIGNATURE_SECS: u64 = MAX_ATTESTATION_SECS as u64;
/// The expiry the aggregator asks for.
pub const SIGNATURE_SECS: u64 = 300;

/// Errors of attesting and aggregating.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// Ethereum.
    #[error(transparent)]
    Eth(#[from] EthError),
    /// Solana.
    #[error(transparent)]
    Solana(#[from] SolanaError),
    /// The fact does not hold, as this attester reads the chains.
    #[error("refused: {0}")]
    Refused(String),
    /// Too few attesters signed.
    #[error("{got} attester signatures, {need} needed; refusals: {}", refusals.join("; "))]
    BelowQuorum {
        /// Valid signatures collected.
        got: usize,
        /// Signatures the quorum needs.
        need: usize,
        /// Why the others did not sign.
        refusals: Vec<String>,
    },
    /// The account has no Solana profile to carry a tier to.
    #[error("{0} has no profile on Solana")]
    NoProfile(Address),
    /// No discovery node is registered as an attester.
    #[error("no attester is registered on Ethereum")]
    NoAttesters,
}

/// A request to sign an Ethereum → Solana fact at its subject's `nonce`, valid until `expiry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactClaim {
    /// The fact.
    pub fact: AttestedFact,
    /// The nonce of the fact's subject the signature is for ([`AttestedFact::nonce_subject`]).
    pub nonce: u64,
    /// Unix time after which the signature is void.
    pub expiry: i64,
}

/// An attester's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttesterSignature {
    /// The attester's Ethereum address (its discovery node's delegate wallet).
    pub signer: Address,
    /// r ‖ s ‖ v.
    pub signature: Bytes,
}

/// A request to attest the activity of a finished issuance round, valid until `deadline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityClaim {
    /// The finished round.
    pub round: u64,
    /// Unix time after which the signature is void.
    pub deadline: u64,
}

/// An attester's activity scores for a round, and its signature over them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityReport {
    /// The round.
    pub round: u64,
    /// Operators with a non-zero score, ascending.
    pub operators: Vec<Address>,
    /// Their scores, out of the contract's `FULL_SCORE`.
    pub scores: Vec<u16>,
    /// The signature's expiry.
    pub deadline: u64,
    /// The signature over the contract's `activityDigest`.
    pub signature: AttesterSignature,
}

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
    async fn registered(&self) -> Result<Vec<Registered>, BridgeError> {
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

/// Largest answer read from an attester: a signature or a report is a few kilobytes.
const MAX_ANSWER_BYTES: usize = 256 << 10;
/// How much of a refusal's text is kept.
const MAX_REASON_CHARS: usize = 300;

/// Collects attester signatures over HTTP and submits them. It trusts no answer: every signature is recovered and
/// checked against the signer it claims and the attester set before it is used.
pub struct Aggregator {
    http: reqwest::Client,
    /// Base URLs of the attesters' discovery nodes.
    pub attesters: Vec<String>,
}

/// `signature` as the chains take it (r ‖ s ‖ v, low s, v = 27/28) if it recovers to `signer` over `digest`.
fn canonical_signature(digest: &[u8; 32], signer: Address, signature: &[u8]) -> Option<[u8; 65]> {
    let parsed = alloy::primitives::Signature::from_raw(signature).ok()?;
    // The high-s twin of a valid signature recovers to the same address; the program refuses it.
    if parsed.normalize_s().is_some() {
        return None;
    }
    (parsed.recover_address_from_prehash(&(*digest).into()).ok()? == signer).then(|| parsed.as_bytes())
}

impl Aggregator {
    /// An aggregator over the discovery nodes at `attesters`.
    pub fn new(attesters: Vec<String>) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(3))
            .timeout(std::time::Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with default TLS");
        Self { http, attesters }
    }

    /// An aggregator over every discovery node registered on Ethereum within its bounds.
    pub async fn discover<P: Provider + Clone>(eth: &Protocol<P>) -> Result<Self, BridgeError> {
        let mut endpoints = Vec::new();
        for pool in eth.pools().await?.into_iter().filter(|pool| pool.within_bounds) {
            let discovery = pool.services.into_iter().filter(|s| s.service_type == ServiceType::DiscoveryNode.name());
            endpoints.extend(discovery.map(|s| s.endpoint));
        }
        if endpoints.is_empty() {
            return Err(BridgeError::NoAttesters);
        }
        Ok(Self::new(endpoints))
    }

    /// Ask every attester at `path`; the answers, and why the others gave none.
    async fn gather<Q: Serialize, A: for<'de> Deserialize<'de>>(&self, path: &str, body: &Q) -> (Vec<A>, Vec<String>) {
        let requests = self.attesters.iter().map(|base| async move {
            let url = format!("{}{path}", base.trim_end_matches('/'));
            let mut response = self.http.post(&url).json(body).send().await.map_err(|e| format!("{base}: {e}"))?;
            let status = response.status();
            let mut answer = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| format!("{base}: {e}"))? {
                if answer.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(format!("{base}: answer larger than {MAX_ANSWER_BYTES} bytes"));
                }
                answer.extend_from_slice(&chunk);
            }
            if !status.is_success() {
                let text: String = String::from_utf8_lossy(&answer).chars().take(MAX_REASON_CHARS).collect();
                return Err(format!("{base}: {status} {text}"));
            }
            serde_json::from_slice::<A>(&answer).map_err(|e| format!("{base}: {e}"))
        });
        let mut answers = Vec::new();
        let mut refusals = Vec::new();
        for result in futures_util::future::join_all(requests).await {
            match result {
                Ok(answer) => answers.push(answer),
                Err(reason) => refusals.push(reason),
            }
        }
        (answers, refusals)
    }

    /// Record `fact` on Solana: collect a quorum of signatures at the program's current nonce and relay them with
    /// `payer`, with a compute budget sized to the signatures.
    pub async fn submit_fact(
        &self,
        solana: &ContentClient,
        payer: &Keypair,
        fact: AttestedFact,
    ) -> Result<Signature, BridgeError> {
        let config = solana.config().await?;
        let nonce = solana.attestation_nonce(&fact).await?;
        let claim = FactClaim { fact, nonce, expiry: (unix_now() + SIGNATURE_SECS) as i64 };
        let (answers, mut refusals) = self.gather::<_, AttesterSignature>("/v1/attest/fact", &claim).await;
        let digest = claim.fact.digest(&config.cluster, claim.nonce, claim.expiry);
        // Only canonical signatures that recover to a configured attester count; each signer once, ascending.
        let mut valid: BTreeMap<[u8; 20], [u8; 65]> = BTreeMap::new();
        for answer in answers {
            match canonical_signature(&digest, answer.signer, &answer.signature) {
                Some(signature) if config.attesters.contains(&answer.signer.0 .0) => {
                    valid.insert(answer.signer.0 .0, signature);
                }
                _ => refusals.push(format!("{}: not a configured attester's signature over the claim", answer.signer)),
            }
        }
        let need = usize::from(config.attester_quorum);
        if valid.len() < need {
            return Err(BridgeError::BelowQuorum { got: valid.len(), need, refusals });
        }
        let signatures: Vec<[u8; 65]> = valid.into_values().take(need).collect();
        let instructions =
            content::attested_instructions(claim.fact, &payer.pubkey(), claim.nonce, claim.expiry, signatures);
        Ok(solana.send(&instructions, payer, &[]).await?)
    }

    /// Bring Solana in line with Ethereum: the attester set first, then every node admission and removal. Returns
    /// the facts recorded.
    pub async fn sync<P: Provider + Clone>(
        &self,
        eth: &Protocol<P>,
        solana: &ContentClient,
        payer: &Keypair,
    ) -> Result<Vec<AttestedFact>, BridgeError> {
        let observer = Observer { eth, solana };
        let mut recorded = Vec::new();
        if let Some(fact) = observer.attester_change().await? {
            self.submit_fact(solana, payer, fact.clone()).await?;
            recorded.push(fact);
        }
        for fact in observer.node_facts().await? {
            self.submit_fact(solana, payer, fact.clone()).await?;
            recorded.push(fact);
        }
        Ok(recorded)
    }

    /// Attest `account`'s Ethereum tier onto its Solana profile for [`MAX_TIER_VALIDITY_SECS`].
    pub async fn submit_tier<P: Provider + Clone>(
        &self,
        eth: &Protocol<P>,
        solana: &ContentClient,
        payer: &Keypair,
        account: Address,
    ) -> Result<(u8, Signature), BridgeError> {
        if solana.profile(&account.0 .0).await?.is_none() {
            return Err(BridgeError::NoProfile(account));
        }
        let tier = Observer { eth, solana }.tier(account).await?;
        // A little short of the limit, so the attesters' clocks may run slightly ahead of ours.
        let expires_at = unix_now() as i64 + MAX_TIER_VALIDITY_SECS - 60;
        let fact = AttestedFact::Tier { eth_address: account.0 .0, tier, expires_at };
        Ok((tier, self.submit_fact(solana, payer, fact).await?))
    }

    /// Attest the finished round's activity on Ethereum. Every attester reports its scores; a report counts when
    /// it answers this round and deadline and its signature recovers to a current attester, once per operator.
    /// The scores with the most stake behind them are submitted (the contract checks that stake against its
    /// quorum).
    pub async fn submit_activity<P: Provider + Clone>(
        &self,
        eth: &Protocol<P>,
    ) -> Result<(ActivityReport, usize), BridgeError> {
        let window = finished_round(eth).await?.ok_or(BridgeError::Refused("no issuance round has finished".into()))?;
        let claim = ActivityClaim { round: window.round, deadline: eth.chain_now().await? + SIGNATURE_SECS };
        let (reports, mut refusals) = self.gather::<_, ActivityReport>("/v1/attest/activity", &claim).await;
        let attesters: HashMap<Address, Address> = eth
            .services()
            .await?
            .into_iter()
            .filter(|s| s.service_type == ServiceType::DiscoveryNode.name())
            .map(|s| (s.delegate_wallet, s.owner))
            .collect();
        // Per distinct scores: the report, its signatures by signer, the operators behind them and their stake.
        struct Group {
            report: ActivityReport,
            signatures: BTreeMap<Address, Bytes>,
            operators: Vec<Address>,
            stake: U256,
        }
        let mut groups: Vec<Group> = Vec::new();
        for report in reports {
            let signer = report.signature.signer;
            if report.round != claim.round || report.deadline != claim.deadline {
                refusals.push(format!("{signer}: answered another round or deadline"));
                continue;
            }
            let digest = eth
                .issuance
                .activityDigest(
                    U256::from(report.round),
                    report.operators.clone(),
                    report.scores.clone(),
                    U256::from(report.deadline),
                )
                .call()
                .await
                .map_err(EthError::from)?;
            let owner = attesters.get(&signer).copied();
            let signature = canonical_signature(&digest.0, signer, &report.signature.signature);
            let is_attester = eth.issuance.isAttester(signer).call().await.map_err(EthError::from)?;
            let (Some(owner), Some(signature), true) = (owner, signature, is_attester) else {
                refusals.push(format!("{signer}: not a current attester's signature over its report"));
                continue;
            };
            let index = match groups
                .iter()
                .position(|g| g.report.operators == report.operators && g.report.scores == report.scores)
            {
                Some(index) => index,
                None => {
                    groups.push(Group {
                        report: report.clone(),
                        signatures: BTreeMap::new(),
                        operators: Vec::new(),
                        stake: U256::ZERO,
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[index];
            // An operator counts once, however many of its nodes sign (the contract refuses a second).
            if group.operators.contains(&owner) {
                continue;
            }
            group.stake +=
                eth.staking.getPastVotes(owner, U256::from(window.start)).call().await.map_err(EthError::from)?;
            group.operators.push(owner);
            group.signatures.insert(signer, signature.to_vec().into());
        }
        let group =
            groups.into_iter().max_by_key(|g| g.stake).ok_or(BridgeError::BelowQuorum { got: 0, need: 1, refusals })?;
        let count = group.signatures.len();
        let report = group.report;
        transact(eth.issuance.submitActivity(
            U256::from(report.round),
            report.operators.clone(),
            report.scores.clone(),
            U256::from(report.deadline),
            group.signatures.into_values().collect(),
        ))
        .await?;
        Ok((report, count))
    }
}
