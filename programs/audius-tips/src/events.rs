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

/// Emitted when a sender closes a tip total (its rent goes back to whoever paid it); the pair's tips stay in the
/// `TipSent` events, and the next tip starts a new total.
#[event]
pub struct TipTotalClosed {
    pub sender: Address,
    pub recipient: Address,
    pub mint: Address,
    /// The total and the number of tips it held.
    pub amount: u64,
    pub count: u64,
}
