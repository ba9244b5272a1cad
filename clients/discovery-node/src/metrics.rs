//! The discovery node's metrics (`GET /metrics`, catalogue in docs/metrics.md): the SDK's HTTP metrics, how far
//! the index trails the content program, what the attester signed or refused, and how far the bridge's attesters
//! that answer are above their quorum.

use std::{fmt::Write, sync::Arc};

use audius_sdk::metrics::{self, HttpMetrics, Registry};
use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder},
    metrics::{counter::Counter, family::Family, gauge::Gauge},
};

/// What an attester was asked to sign.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Claim {
    /// An Ethereum fact for Solana (`POST /v1/attest/fact`).
    Fact,
    /// A round's activity scores for Ethereum (`POST /v1/attest/activity`).
    Activity,
}

/// How an attestation request ended.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Outcome {
    /// Checked and signed.
    Signed,
    /// Not signed: the claim did not hold, or the node could not check it.
    Refused,
}

impl EncodeLabelValue for Claim {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        encoder.write_str(match self {
            Claim::Fact => "fact",
            Claim::Activity => "activity",
        })
    }
}

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        encoder.write_str(match self {
            Outcome::Signed => "signed",
            Outcome::Refused => "refused",
        })
    }
}

/// An attestation's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AttestationLabels {
    /// What was asked.
    pub claim: Claim,
    /// How it ended.
    pub outcome: Outcome,
}

/// Everything the node reports, registered once at start.
pub struct DiscoveryMetrics {
    /// The registry `/metrics` renders.
    pub registry: Registry,
    /// Requests by route and status.
    pub http: Arc<HttpMetrics>,
    /// Slots between the content program's newest transaction and the newest one indexed (0: caught up).
    pub index_lag_slots: Gauge,
    /// The ledger position of the last indexed batch.
    pub indexed_position: Gauge,
    /// Attestation requests by claim and outcome.
    pub attestations: Family<AttestationLabels, Counter>,
    /// Attesters of Solana's set that answer as themselves at a registered discovery node.
    pub bridge_reachable: Gauge,
    /// Reachable attesters minus the quorum Solana requires: below zero, no fact can cross.
    pub bridge_quorum_margin: Gauge,
}

impl DiscoveryMetrics {
    /// A fresh registry with every metric in it.
    pub fn new() -> Self {
        let mut registry = metrics::registry();
        let http = Arc::new(HttpMetrics::register(&mut registry));
        let (index_lag_slots, indexed_position) = (Gauge::default(), Gauge::default());
        let attestations = Family::<AttestationLabels, Counter>::default();
        // Every series exists from the start at 0, so a rate or an alert sees the first refusal.
        for claim in [Claim::Fact, Claim::Activity] {
            for outcome in [Outcome::Signed, Outcome::Refused] {
                drop(attestations.get_or_create(&AttestationLabels { claim, outcome }));
            }
        }
        let (bridge_reachable, bridge_quorum_margin) = (Gauge::default(), Gauge::default());
        registry.register(
            "index_lag_slots",
            "Slots between the content program's newest transaction and the newest indexed (0: caught up)",
            index_lag_slots.clone(),
        );
        registry.register("indexed_position", "Ledger position of the last indexed batch", indexed_position.clone());
        registry.register(
            "attestations",
            "Attestation requests by claim (fact, activity) and outcome (signed, refused)",
            attestations.clone(),
        );
        registry.register(
            "bridge_attesters_reachable",
            "Attesters of Solana's set answering as themselves at a discovery node registered on Ethereum",
            bridge_reachable.clone(),
        );
        registry.register(
            "bridge_quorum_margin",
            "Reachable attesters minus the quorum Solana requires; below zero no fact can cross the bridge",
            bridge_quorum_margin.clone(),
        );
        Self { registry, http, index_lag_slots, indexed_position, attestations, bridge_reachable, bridge_quorum_margin }
    }

    /// Count an attestation request that ended `outcome`.
    pub fn attested(&self, claim: Claim, outcome: Outcome) {
        self.attestations.get_or_create(&AttestationLabels { claim, outcome }).inc();
    }
}

impl Default for DiscoveryMetrics {
    fn default() -> Self {
        Self::new()
    }
}
