use anchor_lang::prelude::*;

/// Running total of tips from one sender to one recipient in one mint.
#[account(borsh)]
#[derive(InitSpace)]
pub struct TipTotal {
    pub sender: Address,
    pub recipient: Address,
    pub mint: Address,
    /// Sum of all tips, in the mint's base units.
    pub amount: u64,
    /// Number of tips.
    pub count: u64,
    pub bump: u8,
}
