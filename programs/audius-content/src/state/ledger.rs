use anchor_lang::{prelude::*, wincode, BORSH_CONFIG};

use crate::errors::ContentError;

/// The head of one of the content ledger's hash chains: every entry appended to it takes the next sequence number
/// and moves the head, `head = sha256(previous head ‖ borsh(entry))`. An indexer recomputes each chain from the
/// entries it reads and compares it with the account holding it, so a gap, a reorder or a forged entry shows without
/// trusting any RPC node.
///
/// The ledger is sharded so that writes for different profiles share no writable account: each profile holds the
/// chain of everything written on its behalf (`Profile::ledger`: the profile, its tracks, its app grants, its tier),
/// and the registry ledger (`Ledger`) the chain of the configuration and the node registry.
#[derive(AnchorSerialize, AnchorDeserialize, IdlType, InitSpace, Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct ChainHead {
    /// Sequence number of the last entry (0: none yet).
    pub seq: u64,
    pub head: [u8; 32],
}

/// The registry ledger: the chain of configuration changes, node admissions and removals.
#[account(borsh)]
#[derive(InitSpace)]
pub struct Ledger {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    pub chain: ChainHead,
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
    /// The account holding the chain the entry extends: a profile, or the registry ledger.
    pub ledger: Address,
    /// Its place in that chain.
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

/// sha256 of a profile's borsh serialization without its chain head (the last field): the `data_hash` of its
/// entries, which cannot cover the head the entry itself moves.
pub fn profile_record_hash(profile: &crate::state::Profile) -> Result<[u8; 32]> {
    let bytes = borsh_bytes(profile)?;
    let record = bytes.len().checked_sub(ChainHead::INIT_SPACE).ok_or(ProgramError::InvalidAccountData)?;
    Ok(audius_content_interface::ledger::record_hash(&bytes[..record]))
}

impl ChainHead {
    /// Append an entry to the chain held by account `ledger` and return it with the new head (the event to emit).
    pub fn append(
        &mut self,
        ledger: Address,
        kind: EntryKind,
        subject: Address,
        actor: Address,
        data_hash: [u8; 32],
    ) -> Result<crate::events::LedgerAppended> {
        let clock = Clock::get()?;
        let entry = LedgerEntry {
            ledger,
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

/// An account that holds one of the ledger's chains: its address (the entries' `ledger`) and the chain's head.
pub trait HoldsChain {
    fn chain(&mut self) -> (Address, &mut ChainHead);
}

impl HoldsChain for BorshAccount<Ledger> {
    fn chain(&mut self) -> (Address, &mut ChainHead) {
        (*self.address(), &mut self.chain)
    }
}

impl HoldsChain for BorshAccount<crate::state::Profile> {
    fn chain(&mut self) -> (Address, &mut ChainHead) {
        (*self.address(), &mut self.ledger)
    }
}

/// Append an entry to the chain `account` holds and return the event to emit.
pub fn append(
    account: &mut impl HoldsChain,
    kind: EntryKind,
    subject: Address,
    actor: Address,
    data_hash: [u8; 32],
) -> Result<crate::events::LedgerAppended> {
    let (ledger, chain) = account.chain();
    chain.append(ledger, kind, subject, actor, data_hash)
}
