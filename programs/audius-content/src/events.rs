use anchor_lang::prelude::*;

use crate::state::LedgerEntry;

/// Emitted through `emit_cpi!` (a self-invocation recorded as an inner instruction) for every ledger entry, so the
/// entry reaches `getTransaction` on a real cluster and on the local node alike; `head` is the chain head after it.
#[event]
pub struct LedgerAppended {
    pub entry: LedgerEntry,
    pub head: [u8; 32],
}
