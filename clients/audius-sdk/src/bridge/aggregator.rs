//! The aggregator: collects attester signatures over HTTP, keeps only those that recover to a current attester,
//! and submits a quorum of them (facts to the content program on Solana, activity reports to the issuance contract
//! on Ethereum).

use std::collections::{BTreeMap, HashMap};

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
};
use audius_content_interface::constants::MAX_TIER_VALIDITY_SECS;
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;
use solana_signature::Signature;
use solana_signer::Signer;

use super::{
    finished_round, ActivityClaim, ActivityReport, AttesterSignature, BridgeError, FactClaim, Observer, SIGNATURE_SECS,
};
use crate::{
    api::discovery::AttesterIdentity,
    eth::{send::transact, EthError, Protocol, ServiceType},
    solana::{
        content::{self, AttestedFact},
        rpc::ContentClient,
    },
    time::unix_now,
};

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

    /// Of the attester wallets `set`, those that answer as themselves at one of this aggregator's endpoints
    /// (`GET /v1/attest` names the key a node signs with): whom a quorum can be gathered from now.
    pub async fn reachable(&self, set: &[[u8; 20]]) -> Vec<[u8; 20]> {
        let requests = self.attesters.iter().map(|base| async move {
            let url = format!("{}/v1/attest", base.trim_end_matches('/'));
            let response = self.http.get(&url).timeout(std::time::Duration::from_secs(5)).send().await.ok()?;
            let identity: AttesterIdentity = response.error_for_status().ok()?.json().await.ok()?;
            Some(identity.signer.0 .0)
        });
        let answered: Vec<[u8; 20]> = futures_util::future::join_all(requests).await.into_iter().flatten().collect();
        set.iter().copied().filter(|wallet| answered.contains(wallet)).collect()
    }

    /// Refuse to install `attesters` with `quorum` unless that many of them answer now.
    pub async fn check_reachable(&self, attesters: &[[u8; 20]], quorum: u8) -> Result<(), BridgeError> {
        let reachable = self.reachable(attesters).await;
        if reachable.len() < usize::from(quorum) {
            return Err(BridgeError::UnreachableSet {
                size: attesters.len(),
                need: usize::from(quorum),
                reachable: reachable.len(),
                unreachable: attesters.iter().filter(|w| !reachable.contains(w)).map(|w| Address::from(*w)).collect(),
            });
        }
        Ok(())
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
            // A set its own attesters cannot bring to quorum would stop every later fact, its own repair included.
            if let AttestedFact::Attesters { attesters, quorum } = &fact {
                self.check_reachable(attesters, *quorum).await?;
            }
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
