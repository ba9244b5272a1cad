use anchor_lang::prelude::*;

use crate::errors::ContentError;

/// The content ledger: every write appends an entry with the next sequence number and moves the head of a hash
/// chain, `head = sha256(previous head ‖ borsh(entry))`. An indexer recomputes the chain from the entries it
/// reads and compares it with this account, so a gap, a reorder or a forged entry shows without trusting any RPC
/// node.
#[account]
#[derive(InitSpace, Debug, PartialEq, Eq)]
pub struct Ledger {
    /// Sequence number of the last entry (0: none yet).
    pub seq: u64,
    pub head: [u8; 32],
    pub bump: u8,
}

/// What an entry records.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum EntryKind {
    ConfigChanged,
    ProfileCreated,
    ProfileUpdated,
    AuthorityRotated,
    AppGranted,
    AppRevoked,
    NodeAdmitted,
    NodeRemoved,
    TrackCreated,
    TrackUpdated,
    TrackDeleted,
    TierAttested,
}

/// One ledger entry.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq, InitSpace)]
pub struct LedgerEntry {
    pub seq: u64,
    pub kind: EntryKind,
    /// The account the entry is about (profile, track, node, app grant, config).
    pub subject: Pubkey,
    /// Who signed the write.
    pub actor: Pubkey,
    /// sha256 of the subject's borsh-serialized record after the write (zero when the record was closed).
    pub data_hash: [u8; 32],
    pub slot: u64,
    pub timestamp: i64,
}

impl LedgerEntry {
    /// The chain step: `sha256(previous head ‖ borsh(entry))`.
    pub fn chain(&self, previous_head: &[u8; 32]) -> Result<[u8; 32]> {
        let mut bytes = Vec::with_capacity(Self::INIT_SPACE);
        self.serialize(&mut bytes)?;
        Ok(audius_content_interface::ledger::chain_step(previous_head, &bytes))
    }
}

/// sha256 of a record's borsh serialization: the `data_hash` of its entries.
pub fn record_hash<T: AnchorSerialize>(record: &T) -> Result<[u8; 32]> {
    let mut bytes = Vec::new();
    record.serialize(&mut bytes)?;
    Ok(audius_content_interface::ledger::record_hash(&bytes))
}

impl Ledger {
    /// Append an entry and return it with the new head (the event to emit).
    pub fn append(
        &mut self,
        kind: EntryKind,
        subject: Pubkey,
        actor: Pubkey,
        data_hash: [u8; 32],
    ) -> Result<crate::events::LedgerAppended> {
        let clock = Clock::get()?;
        let entry = LedgerEntry {
            seq: self.seq.checked_add(1).ok_or(ContentError::Overflow)?,
            kind,
            subject,
            actor,
            data_hash,
            slot: clock.slot,
            timestamp: clock.unix_timestamp,
        };
        self.head = entry.chain(&self.head)?;
        self.seq = entry.seq;
        Ok(crate::events::LedgerAppended { entry, head: self.head })
    }
}
