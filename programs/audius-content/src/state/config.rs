use alloc::vec::Vec;

use anchor_lang::prelude::*;

use crate::{
    constants::{required_quorum, MAX_ATTESTERS, MAX_QUORUM},
    errors::ContentError,
};

/// Program configuration: its admin (meant to be handed to governance), the write switch and the attesters —
/// staked discovery nodes, by Ethereum delegate wallet — whose quorum admits and removes content nodes.
#[account(borsh)]
#[derive(InitSpace)]
pub struct Config {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    pub admin: Address,
    /// The admin proposed by `propose_admin`, until it accepts.
    pub pending_admin: Option<Address>,
    /// Identifies the cluster in every signed message (e.g. its genesis hash), so a proof for one cluster is
    /// worthless on another.
    pub cluster: [u8; 32],
    pub writes_enabled: bool,
    pub attester_quorum: u8,
    #[max_len(MAX_ATTESTERS)]
    pub attesters: Vec<[u8; 20]>,
    /// Moves on with every change of the attester set. Node admissions and removals and attester-set changes are
    /// signed at the current epoch, so a set change voids the signatures of the set before it, and an attester-set
    /// change is valid once.
    pub attester_epoch: u64,
    pub bump: u8,
}

impl Config {
    /// The first attester set (epoch 0): 1 to `MAX_ATTESTERS` distinct attesters, a quorum of at least two thirds
    /// of them (`required_quorum`), at most the set size and `MAX_QUORUM`.
    pub fn install_attesters(&mut self, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
        let mut sorted = attesters.clone();
        sorted.sort_unstable();
        sorted.dedup();
        require!(
            !attesters.is_empty()
                && attesters.len() <= MAX_ATTESTERS
                && sorted.len() == attesters.len()
                && quorum >= required_quorum(attesters.len())
                && quorum <= MAX_QUORUM
                && usize::from(quorum) <= attesters.len(),
            ContentError::InvalidAttesterSet
        );
        self.attesters = attesters;
        self.attester_quorum = quorum;
        Ok(())
    }

    /// Replace the attester set, held to the same bounds, and move the epoch on. Installing the set already
    /// configured is refused, so a true but stale attester-set fact cannot be relayed to void pending signatures.
    pub fn set_attesters(&mut self, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
        require!(attesters != self.attesters || quorum != self.attester_quorum, ContentError::AttesterSetUnchanged);
        self.install_attesters(attesters, quorum)?;
        self.attester_epoch = self.attester_epoch.checked_add(1).ok_or(ContentError::Overflow)?;
        Ok(())
    }
}
