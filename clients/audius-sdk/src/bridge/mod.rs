//! The bridge between the chains (docs/bridge.md). Staked discovery nodes, identified by their Ethereum delegate
//! wallets, attest facts; a quorum of their signatures moves a fact across:
//!
//! - Ethereum → Solana ([`AttestedFact`](crate::solana::content::AttestedFact)): content-node admission and
//!   removal, stake tiers, the attester set itself. Each attester checks the fact against its own reading of both
//!   chains ([`Observer::check`]) before it signs; the program checks the signatures against its attester set,
//!   nonce and expiry.
//! - Solana → Ethereum ([`ActivityReport`]): each operator's activity score for a finished issuance round,
//!   computed from the indexed ledger ([`activity_scores`]) and signed as the issuance contract's EIP-712 message;
//!   the contract checks that the signers' stake reaches its quorum.
//!
//! [`Aggregator`] collects the signatures over HTTP from the attesters registered on Ethereum and submits them.
//! It needs no trust: it cannot sign, and a fact only lands with a quorum of attesters behind it.
//!
//! The code is split by role, every item re-exported here: `wire` (the claims, signatures and reports exchanged
//! over HTTP), `observer` (what an attester checks on each chain before it signs a fact), `activity` (the
//! activity-score policy) and `aggregator` (collecting signatures to a quorum and submitting them).

mod activity;
mod aggregator;
mod observer;
mod wire;

use alloy::primitives::Address;

use crate::{eth::EthError, solana::rpc::SolanaError};

pub use activity::{activity_scores, attest_activity, claimed_window, finished_round, ReplicaCounts, RoundWindow};
pub use aggregator::Aggregator;
pub use observer::{attest_fact, Observer};
pub use wire::{ActivityClaim, ActivityReport, AttesterSignature, FactClaim, MAX_SIGNATURE_SECS, SIGNATURE_SECS};

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
    /// An attester set whose quorum the attesters that answer cannot reach: installed, it would stop the bridge
    /// until an admin replaced it. Nothing was sent.
    #[error(
        "refusing to install an attester set of {size} with quorum {need}: only {reachable} of its attesters answer          (no answer for {}); start or fix their discovery nodes, or deregister them, then retry (nothing was sent)",
        unreachable.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    UnreachableSet {
        /// Attesters in the set.
        size: usize,
        /// Its quorum.
        need: usize,
        /// Attesters that answered as themselves.
        reachable: usize,
        /// The wallets that did not.
        unreachable: Vec<Address>,
    },
}
