use alloc::vec::Vec;

use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_ATTESTERS, MAX_QUORUM},
    errors::ContentError,
};

/// Program configuration: its admin (meant to be handed to governance), the write switch and the attesters —
/// staked discovery nodes, by Ethereum delegate wallet — whose quorum admits and removes content nodes.
#[account(borsh)]
#[derive(InitSpace)]
pub struct Config {
    pub admin: Address,
    /// Identifies the cluster in every signed message (e.g. its genesis hash), so a proof for one cluster is
    /// worthless on another.
    pub cluster: [u8; 32],
    pub writes_enabled: bool,
    pub attester_quorum: u8,
    #[max_len(MAX_ATTESTERS)]
    pub attesters: Vec<[u8; 20]>,
    /// Consumed by every attested action: an attestation is valid once.
    pub attestation_nonce: u64,
    pub bump: u8,
}

impl Config {
    /// Replace the attester set: at most `MAX_ATTESTERS`, no duplicates, quorum between 1 and the set size and at
    /// most `MAX_QUORUM`.
    pub fn set_attesters(&mut self, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
        let mut sorted = attesters.clone();
        sorted.sort_unstable();
        sorted.dedup();
        require!(
            attesters.len() <= MAX_ATTESTERS
                && sorted.len() == attesters.len()
                && (1..=MAX_QUORUM).contains(&quorum)
                && usize::from(quorum) <= attesters.len(),
            ContentError::InvalidAttesterSet
        );
        self.attesters = attesters;
        self.attester_quorum = quorum;
        Ok(())
    }
}
