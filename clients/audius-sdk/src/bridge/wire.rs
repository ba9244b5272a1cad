//! The wire types an aggregator and the attesters exchange over HTTP: the claims an aggregator asks attesters to
//! sign (an Ethereum → Solana fact at its subject's nonce, a finished round's activity), the signatures and
//! activity reports they answer with, and the expiry bounds of those signatures.

use alloy::primitives::{Address, Bytes};
use audius_content_interface::constants::MAX_ATTESTATION_SECS;
use serde::{Deserialize, Serialize};

use crate::solana::content::AttestedFact;

/// The longest expiry an attester gives a signature (it must be used, or it lapses, within this window): the
/// content program's bound on attestations, and the same for activity reports.
pub const MAX_SIGNATURE_SECS: u64 = MAX_ATTESTATION_SECS as u64;
/// The expiry the aggregator asks for.
pub const SIGNATURE_SECS: u64 = 300;

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
