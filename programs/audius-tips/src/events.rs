use anchor_lang::prelude::*;

/// Emitted for every tip.
#[event]
pub struct TipSent {
    pub sender: Address,
    pub recipient: Address,
    pub mint: Address,
    pub amount: u64,
    /// The pair's running total after this tip.
    pub total: u64,
}
