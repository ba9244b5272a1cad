use anchor_lang::{prelude::*, wincode, BORSH_CONFIG};

use crate::errors::ContentError;

/// The content ledger: every write appends an entry with the next sequence number and moves the head of a hash
/// chain, `head = sha256(previous head ‖ borsh(entry))`. An indexer recomputes the chain from the entries it
/// reads and compares it with this account, so a gap, a reorder or a forged entry shows without trusting any RPC
/// node.
#[account(borsh)]
#[derive(InitSpace)]
pub struct Ledger {
    /// Sequence number of the last entry (0: none yet).
    pub seq: u64,
    pub head: [u8; 32],
    pub bump: u8,
}

/// What an entry records.
#[derive(AnchorSerialize, AnchorDeserialize, IdlType, Clone, Copy)]
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
#[derive(AnchorSerialize, AnchorDeserialize, IdlType, Clone)]
pub struct LedgerEntry {
    pub seq: u64,
    pub kind: EntryKind,
    /// The account the entry is about (profile, track, node, app grant, config).
    pub subject: Address,
    /// Who signed the write.
    pub actor: Address,
    /// sha256 of the subject's borsh-serialized record after the write (zero when the record was closed).
    pub data_hash: [u8; 32],
    pub slot: u64,
    pub timestamp: i64,
}

/// The borsh bytes of `value` (Anchor's wincode configuration that is byte-identical to borsh).
fn borsh_bytes<T: SchemaWrite<anchor_lang::BorshConfig, Src = T>>(value: &T) -> Result<alloc::vec::Vec<u8>> {
    wincode::config::serialize(value, BORSH_CONFIG).map_err(|_| ProgramError::InvalidAccountData)
}

/// sha256 of a record's borsh serialization: the `data_hash` of its entries.
pub fn record_hash<T: SchemaWrite<anchor_lang::BorshConfig, Src = T>>(record: &T) -> Result<[u8; 32]> {
    Ok(audius_content_interface::ledger::record_hash(&borsh_bytes(record)?))
}

impl Ledger {
    /// Append an entry and return it with the new head (the event to emit).
    pub fn append(
        &mut self,
        kind: EntryKind,
        subject: Address,
        actor: Address,
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
        self.head = audius_content_interface::ledger::chain_step(&self.head, &borsh_bytes(&entry)?);
        self.seq = entry.seq;
        Ok(crate::events::LedgerAppended { entry, head: self.head })
    }
}
